"""Plotly figures of the scorecard, in one theme (CJK fonts, colour-blind-safe status colours)."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.engine import Score
from lib.fmt import format_pct
from lib.i18n import category_label, status_label, t

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# Okabe–Ito colours, told apart by colour-blind readers; patterns tell them apart in greyscale.
STATUS_COLORS = {"green": "#009E73", "yellow": "#E69F00", "red": "#D55E00", "grey": "#999999"}
STATUS_PATTERNS = {"green": "", "yellow": "/", "red": "x", "grey": "."}
CHARTED_KINDS = ("flow", "level", "ratio")
DISPLAY_CAP_PCT = 130.0
ROW_HEIGHT_PX = 34


def wrap_label(text: str, width: int = 34) -> str:
    """Return an axis label broken into lines of at most `width` characters (Plotly uses <br>)."""
    return "<br>".join(textwrap.wrap(text, width)) if len(text) > width else text


def base_layout(height: int) -> dict:
    """Return the layout shared by every figure of the app."""
    return dict(
        height=height,
        font=dict(family=FONT_FAMILY, size=14, color="#222222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=30, t=60, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, yref="container"),
    )


def completion_chart(scores: list[Score], lang: str = "zh") -> go.Figure:
    """Return horizontal completion bars per target, one panel per category, with expected progress."""
    rows = [s for s in scores if s.kind in CHARTED_KINDS]
    categories = list(dict.fromkeys(s.category for s in rows))
    groups = [[s for s in rows if s.category == c] for c in categories]
    fig = make_subplots(
        rows=max(1, len(groups)), cols=1, shared_xaxes=True, vertical_spacing=0.35 / max(1, len(groups)),
        row_heights=[len(g) for g in groups] or [1], subplot_titles=[category_label(c, lang) for c in categories],
    )
    for r, group in enumerate(groups, start=1):
        names = [wrap_label(s.name_en if lang == "en" else s.name) for s in group]
        completion = [s.completion_pct or 0.0 for s in group]
        labels = [format_pct(s.completion_pct) if s.completion_pct is not None else "—" for s in group]
        fig.add_bar(
            row=r, col=1, orientation="h", y=names, x=[min(c, DISPLAY_CAP_PCT) for c in completion],
            marker=dict(color=[STATUS_COLORS[s.status] for s in group],
                        pattern=dict(shape=[STATUS_PATTERNS[s.status] for s in group])),
            customdata=[[s.indicator, label] for s, label in zip(group, labels)],
            hovertemplate="%{y}<br>" + t("completion", lang) + " %{customdata[1]}<extra></extra>",
            showlegend=False,
        )
        expected = [(n, s.expected_pct_seasonal) for n, s in zip(names, group) if s.expected_pct_seasonal is not None]
        if expected:
            fig.add_scatter(
                row=r, col=1, y=[n for n, _ in expected], x=[e for _, e in expected], mode="markers",
                name=t("expected_marker", lang), legendgroup="expected", showlegend=False,
                marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#222222")),
                hovertemplate=t("expected_seasonal", lang) + " %{x:.1f}%<extra></extra>",
            )
        # Value labels sit right of both the bar and the expected mark, so neither hides them.
        fig.add_scatter(
            row=r, col=1, y=names, mode="text", text=labels, textposition="middle right",
            x=[min(max(c, s.expected_pct_seasonal or 0.0), DISPLAY_CAP_PCT) + 1.5 for c, s in zip(completion, group)],
            showlegend=False, hoverinfo="skip", textfont=dict(size=13),
        )
        fig.update_yaxes(row=r, col=1, autorange="reversed", categoryorder="array", categoryarray=names)
    for status in STATUS_COLORS:
        if any(s.status == status for s in rows):
            fig.add_bar(x=[None], y=[None], orientation="h", name=status_label(status, lang), row=1, col=1,
                        marker=dict(color=STATUS_COLORS[status], pattern=dict(shape=STATUS_PATTERNS[status])))
    if any(s.expected_pct_seasonal is not None for s in rows):
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t("expected_marker", lang), row=1, col=1,
                        marker=dict(symbol="line-ns", size=16, line=dict(width=3, color="#222222")))
    fig.add_vline(x=100, line=dict(color="#555555", width=1, dash="dot"))
    fig.update_layout(**base_layout(height=ROW_HEIGHT_PX * len(rows) + 60 * len(groups) + 120),
                      barmode="overlay", bargap=0.3)
    fig.update_xaxes(range=[0, DISPLAY_CAP_PCT + 15], ticksuffix="%", gridcolor="#e5e5e5")
    fig.update_xaxes(title=t("completion_axis", lang), row=len(groups) or 1, col=1)
    fig.update_annotations(font=dict(size=15, color="#222222"), xanchor="left", x=0)
    return fig
