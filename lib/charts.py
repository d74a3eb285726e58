"""Plotly figures of the scorecard, in one theme (CJK fonts, colour-blind-safe status colours)."""

from __future__ import annotations

import html
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from lib import theme
from lib.engine import Score
from lib.fmt import display_unit, display_width, format_pct
from lib.i18n import category_label, chinese_only, status_label, t
from lib.kinds import KINDS, STATUSES

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# The detail chart's target line in the "behind" colour, YoY and the growth target in the "watch" colour.
TARGET_COLOR, YOY_COLOR = STATUSES["red"].color, STATUSES["yellow"].color
UNIT_LABEL = "unit"  # the name of the annotation that says an axis's unit, above the axis
DISPLAY_CAP_PCT = 130.0
ROW_HEIGHT_PX = 34


def nice_step(rough: float) -> float:
    """Return the axis step of 1, 2 or 5 times a power of ten nearest above rough (at least 1)."""
    power = 10 ** math.floor(math.log10(max(rough, 1.0)))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def plotly_text(text: object) -> str:
    """Return text that Plotly draws as written: it reads <a>, <b>, <br> and entities in any label as markup, so a
    note typed as <a href=…> would otherwise become a live link in every viewer's chart."""
    return html.escape(str(text), quote=False)


def wrap_label(text: str, width: int = 30) -> str:
    """Return a label, shown as written (markup escaped), broken into lines (Plotly's <br>) at most about `width`
    Latin letters wide, a Chinese character counting two: a narrow label column leaves the bars room in a narrow
    window."""
    return "<br>".join(plotly_text(line) for line in _wrapped_lines(str(text), width))


def _wrapped_lines(text: str, width: int) -> list[str]:
    """Return the lines wrap_label breaks text into."""
    if display_width(text) <= width:
        return [text]
    if " " in text.strip():
        return textwrap.wrap(text, width, break_on_hyphens=False)  # never "person-<br>times"
    lines = -(-display_width(text) // width)  # Chinese has no spaces: cut into lines of even width
    share, out, line = display_width(text) / lines, [], ""
    if lines == 2:  # one cut: rather beside a quoted term or bracket than through it, if near the middle
        cuts = [i for i in range(1, len(text)) if text[i] in "“（(《" or text[i - 1] in "”）)》、，"]
        near = [i for i in cuts if abs(display_width(text[:i]) - share) <= 6]
        if near:
            best = min(near, key=lambda i: abs(display_width(text[:i]) - share))
            return [text[:best], text[best:]]
    for ch in text:
        if line and display_width(line + ch) > share + 1 and len(out) < lines - 1:
            out.append(line)
            line = ""
        line += ch
    return [*out, line]


TEMPLATE_NAME = "suzhou"
# The app's one Plotly template: CJK fonts first, white ground, light grid, Okabe–Ito colours.
pio.templates[TEMPLATE_NAME] = go.layout.Template(layout=dict(
    font=dict(family=FONT_FAMILY, size=theme.CHART_PX, color=theme.INK),
    paper_bgcolor=theme.WHITE,
    plot_bgcolor=theme.WHITE,
    colorway=list(theme.COLORWAY),
    # Axes make room for their own labels: the browser got this from Streamlit's chart theme, a static export
    # (kaleido, plain plotly.js) did not and cut every label that did not fit the 10 px margin.
    xaxis=dict(gridcolor=theme.TRACK, zeroline=False, automargin=True),
    yaxis=dict(gridcolor=theme.TRACK, zeroline=False, automargin=True),
    hoverlabel=dict(font_family=FONT_FAMILY),
))


def base_layout(height: int) -> dict:
    """Return the layout shared by every figure of the app (the template plus size, margins and legend)."""
    return dict(
        template=TEMPLATE_NAME,
        height=height,
        margin=dict(l=10, r=30, t=60, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, yref="container"),
    )


def unit_label(text: str, axis: str = "y") -> dict:
    """Return the annotation that names an axis's unit: level, above the axis's top left, as Chinese charts write
    it (单位 over the ticks). A rotated axis title was set against the figure's edge: automargin fits it inside the
    figure, not inside the margin, so its glyphs touched the picture's edge."""
    return dict(text=plotly_text(text), name=UNIT_LABEL, showarrow=False, xref="paper", x=0, xanchor="left",
                yref=f"{axis} domain", y=1, yanchor="bottom", yshift=4, font=dict(size=theme.CHART_PX,
                                                                                    color=theme.SOURCE))


def axis_units(fig: go.Figure) -> dict[str, str]:
    """Return the unit each axis is labelled with (y, y2, …): the texts of its unit annotations."""
    return {a.yref.removesuffix(" domain"): html.unescape(a.text) for a in fig.layout.annotations
            if a.name == UNIT_LABEL}


def completion_chart(scores: list[Score], lang: str = "zh", label_width: int = 30) -> go.Figure:
    """Return horizontal completion bars per target, one panel per category, with expected progress (names wrapped
    at label_width Latin letters: a full-width slide has room for them on one line)."""
    # Built as a plain figure dict: plotly's make_subplots and update_* calls cost ~60 ms here,
    # building from a dict ~7 ms (the figure is the same, panel for panel).
    rows = [s for s in scores if KINDS[s.kind].shows_completion]
    categories = list(dict.fromkeys(s.category for s in rows))
    groups = [[s for s in rows if s.category == c] for c in categories]
    names = [[wrap_label(s.name_en if lang == "en" else s.name, label_width) for s in g] for g in groups]
    heights = [sum(1 + 0.5 * name.count("<br>") for name in group) for group in names] or [1]
    layout = _completion_layout(len(heights), sum(heights), len(groups))
    data: list[dict] = []
    spacing = 0.35 / len(heights)
    usable, top = 1 - (len(heights) - 1) * spacing, 1.0
    for r, height in enumerate(heights, start=1):
        bottom = top - height / sum(heights) * usable
        _completion_axes(layout, r, len(heights), [max(bottom, 0.0), top], names[r - 1] if groups else [], lang)
        if groups:
            data += _completion_panel(layout, r, groups[r - 1], names[r - 1], categories[r - 1], top, lang)
        top = bottom - spacing
    return go.Figure(dict(data=data + _completion_legend(rows, lang), layout=layout))


def _completion_layout(panels: int, rows: float, groups: int) -> dict:
    """Return the completion chart's layout before its panels: height from its rows (a label wrapped onto more lines
    needs a taller row), the legend across the top, above the first panel ("normal" order: grouped order stacks
    the entries one per line)."""
    return base_layout(height=round(ROW_HEIGHT_PX * rows) + 60 * groups + 140) | dict(
        barmode="overlay", bargap=0.3, annotations=[], shapes=[],
        legend=dict(orientation="h", yanchor="top", y=1.0, xanchor="left", x=0, yref="container", xref="container",
                    traceorder="normal"),
        margin=dict(l=10, r=50, t=80, b=50))


def _completion_axes(layout: dict, r: int, panels: int, domain: list[float], names: list[str], lang: str) -> None:
    """Add panel r's axes: completion across (the panels share the bottom panel's ticks), the targets down."""
    suffix = str(r) if r > 1 else ""
    layout[f"xaxis{suffix}"] = dict(anchor=f"y{suffix}", domain=[0.0, 1.0], range=[0, DISPLAY_CAP_PCT + 15],
                                    ticksuffix="%", gridcolor=theme.TRACK)
    if r < panels:
        layout[f"xaxis{suffix}"] |= dict(matches=f"x{panels}" if panels > 1 else "x", showticklabels=False)
    else:
        layout[f"xaxis{suffix}"]["title"] = dict(text=t("completion_axis", lang))
    layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", domain=domain, autorange="reversed",
                                    categoryorder="array", categoryarray=names)


def _completion_panel(layout: dict, r: int, group: list[Score], names: list[str], category: str, top: float,
                      lang: str) -> list[dict]:
    """Return one category's traces (bars, expected marks, value labels) and add its heading and 100% line."""
    suffix = str(r) if r > 1 else ""
    x_axis, y_axis = f"x{suffix}", f"y{suffix}"
    layout["annotations"].append(dict(
        text=category_label(category, lang), showarrow=False, x=0, xanchor="left", xref="paper", y=top,
        yanchor="bottom", yref="paper", font=dict(size=theme.CHART_HEADING_PX, color=theme.INK)))
    layout["shapes"].append(dict(type="line", x0=100, x1=100, xref=x_axis, y0=0, y1=1, yref=f"{y_axis} domain",
                                 line=dict(color=theme.SOURCE, width=1, dash="dot")))
    completion = [s.completion_pct or 0.0 for s in group]
    labels = [format_pct(s.completion_pct) if s.completion_pct is not None else "—" for s in group]
    on_panel = dict(xaxis=x_axis, yaxis=y_axis, showlegend=False)
    data = [dict(
        type="bar", orientation="h", y=names, x=[min(c, DISPLAY_CAP_PCT) for c in completion],
        marker=dict(color=[STATUSES[s.status].color for s in group],
                    pattern=dict(shape=[STATUSES[s.status].pattern for s in group])),
        customdata=[[s.indicator, label] for s, label in zip(group, labels)],
        hovertemplate="%{y}<br>" + t("completion", lang) + " %{customdata[1]}<extra></extra>", **on_panel)]
    expected = [(n, s.expected_pct_seasonal) for n, s in zip(names, group) if s.expected_pct_seasonal is not None]
    if expected:
        data.append(dict(
            type="scatter", y=[n for n, _ in expected], x=[e for _, e in expected], mode="markers",
            name=t("expected_marker", lang), legendgroup="expected",
            marker=dict(symbol="line-ns", size=22, line=dict(width=3, color=theme.INK)),
            hovertemplate=t("expected_seasonal", lang) + " %{x:.1f}%<extra></extra>", **on_panel))
    # Value labels sit right of both the bar and the expected mark, so neither hides them.
    data.append(dict(
        type="scatter", y=names, mode="text", text=labels, textposition="middle right",
        x=[min(max(c, s.expected_pct_seasonal or 0.0), DISPLAY_CAP_PCT) + 1.5 for c, s in zip(completion, group)],
        hoverinfo="skip", textfont=dict(size=theme.CHART_SMALL_PX, color=theme.INK), cliponaxis=False,
        **on_panel))  # 106.6% past the axis end
    return data


def _completion_legend(rows: list[Score], lang: str) -> list[dict]:
    """Return the legend's entries: one per status shown, then the expected-progress mark."""
    data = [dict(type="bar", x=[None], y=[None], orientation="h", name=status_label(status.name, lang), xaxis="x",
                 yaxis="y", marker=dict(color=status.color, pattern=dict(shape=status.pattern)))
            for status in STATUSES.values() if any(s.status == status.name for s in rows)]
    if any(s.expected_pct_seasonal is not None for s in rows):
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=t("expected_marker", lang),
                         xaxis="x", yaxis="y", marker=dict(symbol="line-ns", size=16,
                                                           line=dict(width=3, color=theme.INK))))
    return data


# The narrow completion chart, in pixels: every row's text has room of its own, so nothing drawn crosses it.
NARROW_NAME_LINE_PX, NARROW_BAR_PX, NARROW_ROW_GAP_PX, NARROW_HEADER_PX = 19, 16, 14, 34
NARROW_NAME_WIDTH = 36  # Latin letters (a Chinese character two): leaves the value room on a 390 px phone


def completion_chart_narrow(scores: list[Score], lang: str = "zh") -> go.Figure:
    """Return the completion chart laid out for a phone: per target its status symbol and name on one line with
    the completion at the right, the bar under them with the expected-progress mark and a 100% tick on the bar
    only; categories as headings. No axis labels to collide with: every number is written out."""
    rows = [s for s in scores if KINDS[s.kind].shows_completion]
    categories = list(dict.fromkeys(s.category for s in rows))
    data: list[dict] = []
    annotations: list[dict] = []
    shapes: list[dict] = []
    bars: dict[str, list] = {"x": [], "y": [], "color": [], "pattern": [], "text": []}
    expected: dict[str, list] = {"x": [], "y": []}
    y = 0.0
    for category in categories:
        y += NARROW_HEADER_PX
        annotations.append(dict(text=f"<b>{category_label(category, lang)}</b>", x=0, xref="paper", xanchor="left",
                                y=y - 8, yanchor="bottom", showarrow=False,
                                font=dict(size=theme.CHART_HEADING_PX, color=theme.INK)))
        for score in (s for s in rows if s.category == category):
            status = STATUSES[score.status]
            name = wrap_label(f"{status.symbol} {score.name_en if lang == 'en' else score.name}", NARROW_NAME_WIDTH)
            y += NARROW_NAME_LINE_PX * (name.count("<br>") + 1) + 3
            label = format_pct(score.completion_pct) if score.completion_pct is not None else "—"
            annotations.append(dict(text=name, x=0, xref="paper", xanchor="left", y=y - 3, yanchor="bottom",
                                    align="left", showarrow=False,
                                    font=dict(size=theme.PHONE_CHART_PX, color=theme.INK_SOFT)))
            annotations.append(dict(text=f"<b>{label}</b>", x=1, xref="paper", xanchor="right", y=y - 3,
                                    yanchor="bottom", showarrow=False,
                                    font=dict(size=theme.PHONE_CHART_PX, color=theme.INK)))
            middle = y + NARROW_BAR_PX / 2
            bars["x"].append(min(score.completion_pct or 0.0, DISPLAY_CAP_PCT))
            bars["y"].append(middle)
            bars["color"].append(status.color)
            bars["pattern"].append(status.pattern)
            bars["text"].append(f"{plotly_text(score.name_en if lang == 'en' else score.name)}<br>"
                                f"{t('completion', lang)} {label}")
            if score.expected_pct_seasonal is not None:
                expected["x"].append(min(score.expected_pct_seasonal, DISPLAY_CAP_PCT))
                expected["y"].append(middle)
            shapes.append(dict(type="line", x0=100, x1=100, xref="x", y0=y - 1, y1=y + NARROW_BAR_PX + 1, yref="y",
                               line=dict(color=theme.SOURCE, width=1, dash="dot")))
            y += NARROW_BAR_PX + NARROW_ROW_GAP_PX
    # a light track to 100% under each bar shows how far there is to go
    data.append(dict(type="bar", orientation="h", x=[100] * len(bars["y"]), y=bars["y"], width=NARROW_BAR_PX,
                     marker=dict(color=theme.NARROW_TRACK), showlegend=False, hoverinfo="skip"))
    data.append(dict(type="bar", orientation="h", x=bars["x"], y=bars["y"], width=NARROW_BAR_PX,
                     marker=dict(color=bars["color"], pattern=dict(shape=bars["pattern"])), showlegend=False,
                     hovertext=bars["text"], hoverinfo="text"))
    if expected["x"]:
        data.append(dict(type="scatter", mode="markers", x=expected["x"], y=expected["y"],
                         name=t("expected_marker", lang), hoverinfo="skip",
                         marker=dict(symbol="line-ns", size=NARROW_BAR_PX + 4, line=dict(width=3, color=theme.INK))))
    top = 34  # the legend's line
    return go.Figure(dict(data=data, layout=base_layout(height=round(y) + top + 6) | dict(
        margin=dict(l=2, r=2, t=top, b=6, autoexpand=False), barmode="overlay", annotations=annotations,
        shapes=shapes,
        showlegend=bool(expected["x"]), dragmode=False, hovermode="closest",
        legend=dict(orientation="h", x=0, xanchor="left", y=1, yanchor="bottom", yref="paper",
                    font=dict(size=theme.PHONE_SMALL_PX)),
        xaxis=dict(range=[0, DISPLAY_CAP_PCT + 2], visible=False, fixedrange=True),
        yaxis=dict(range=[y, 0], visible=False, fixedrange=True))))


def month_labels(lang: str) -> list[str]:
    """Return the twelve month labels: 1月…12月 or Jan…Dec."""
    import calendar

    return [calendar.month_abbr[m] for m in range(1, 13)] if lang == "en" else [f"{m}月" for m in range(1, 13)]


AMOUNT_COLUMNS = ("actual_month", "actual_ytd", "baseline_month", "baseline_ytd", "expected_seasonal",
                  "expected_linear", "projection_seasonal", "projection_linear")


def scaled_months(months: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Return a deep-dive's months with every amount multiplied by scale (the frame itself when scale is 1)."""
    if scale == 1.0:
        return months
    out = months.copy()
    for column in AMOUNT_COLUMNS:
        out[column] = pd.to_numeric(out[column]) * scale
    return out


def indicator_detail_chart(view, lang: str = "zh") -> go.Figure:
    """Return the deep-dive figure: cumulative progress, paths and projection above; months and YoY below."""
    s, kind = view.score, KINDS[view.target["kind"]]
    # English reads amounts in the cards' scale (¥ bn, bn parcels): the series are converted, the axis names the scale.
    unit, scale = display_unit(s.unit, lang, max([abs(s.target or 0.0), *view.months["actual_ytd"].dropna().abs()]))
    months = scaled_months(view.months, scale)
    target = None if s.target is None else s.target * scale
    x = month_labels(lang)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.1,
                        specs=[[{}], [{"secondary_y": True}]])
    muted = s.data_month is not None and s.data_month < 3
    if kind.paced:
        _paced_traces(fig, view, kind, months, target, x, muted, lang)
    else:
        _plain_traces(fig, view, kind, months, target, x, lang)
    _month_notes(fig, months, x, lang)
    if muted:
        fig.add_annotation(text=t("projection_muted", lang), xref="paper", yref="paper", x=1, y=1.02,
                           showarrow=False, xanchor="right", font=dict(size=theme.CHART_SMALL_PX, color=theme.MUTED))
    _detail_layout(fig, months, unit, x)
    return fig


def _target_line(fig: go.Figure, target: float | None, kind, x: list[str], lang: str) -> None:
    """Add the year's target across the upper panel (for the kinds that draw one)."""
    if target is not None and kind.chart_target_line:
        fig.add_scatter(x=[x[0], x[-1]], y=[target, target], mode="lines", name=t("chart_target", lang),
                        line=dict(color=TARGET_COLOR, width=2), row=1, col=1)


def _paced_traces(fig: go.Figure, view, kind, months: pd.DataFrame, target: float | None, x: list[str],
                  muted: bool, lang: str) -> None:
    """Add a paced target's year to date against last year, the expected paths, the projection and the target above,
    and its months (with last year's and the YoY growth) below."""
    s = view.score
    if months["baseline_ytd"].notna().any() and kind.charts_last_year:
        fig.add_scatter(x=x, y=months["baseline_ytd"], name=t("chart_last_year", lang), mode="lines",
                        line=dict(color=theme.LAST_YEAR_LINE, width=2), row=1, col=1)
    fig.add_scatter(x=x, y=months["expected_linear"], name=t("chart_expected_linear", lang), mode="lines",
                    line=dict(color=theme.EXPECTED_LINE, width=1.5, dash="dot"), row=1, col=1)
    if s.seasonal_basis == "baseline":
        fig.add_scatter(x=x, y=months["expected_seasonal"], name=t("chart_expected_seasonal", lang),
                        mode="lines", line=dict(color=theme.INK, width=2, dash="dot"), row=1, col=1)
    _projection(fig, months, x, muted, lang)
    _target_line(fig, target, kind, x, lang)
    have = months[months["actual_ytd"].notna()]
    fig.add_scatter(x=[x[m - 1] for m in have["month"]], y=have["actual_ytd"], name=t(kind.chart_actual_key, lang),
                    mode="lines+markers", line=dict(color=theme.SERIES, width=3.5), marker=dict(size=8), row=1, col=1)
    if kind.charts_last_year:
        fig.add_bar(x=x, y=months["baseline_month"], name=t("chart_monthly_last_year", lang),
                    marker=dict(color=theme.LAST_YEAR_BARS), row=2, col=1)
    fig.add_bar(x=x, y=months["actual_month"], name=t(kind.chart_monthly_key, lang), marker=dict(color=theme.SERIES),
                row=2, col=1)
    if kind.charts_last_year and months["yoy_month_pct"].notna().any():
        _yoy(fig, months, s.growth_target_pct, x, lang)


def _projection(fig: go.Figure, months: pd.DataFrame, x: list[str], muted: bool, lang: str) -> None:
    """Add the projection to the year's end: the band between the linear and seasonal projections, and the line."""
    proj = months[months["projection_linear"].notna()]
    if proj.empty:
        return
    px_ = [x[m - 1] for m in proj["month"]]
    opacity = 0.35 if muted else 1.0
    fig.add_scatter(x=px_, y=proj["projection_linear"], mode="lines", line=dict(width=0),
                    showlegend=False, hoverinfo="skip", row=1, col=1)
    fig.add_scatter(x=px_, y=proj["projection_seasonal"], mode="lines", fill="tonexty",
                    fillcolor=theme.rgba(theme.SERIES, 0.15 * opacity), line=dict(width=0),
                    name=t("chart_projection_band", lang), hoverinfo="skip", row=1, col=1)
    fig.add_scatter(x=px_, y=proj["projection_seasonal"], mode="lines+markers", opacity=opacity,
                    name=t("chart_projection", lang), line=dict(color=theme.SERIES, width=2.5, dash="dash"),
                    row=1, col=1)


def _yoy(fig: go.Figure, months: pd.DataFrame, growth_target: float | None, x: list[str], lang: str) -> None:
    """Add the monthly YoY growth and the growth target on the lower panel's own axis, in whole-number steps."""
    fig.add_scatter(x=x, y=months["yoy_month_pct"], name=t("chart_yoy", lang), mode="lines+markers",
                    line=dict(color=YOY_COLOR, width=2), row=2, col=1, secondary_y=True)
    if growth_target is not None:
        fig.add_scatter(x=[x[0], x[-1]], y=[growth_target] * 2, name=t("chart_growth_target", lang),
                        mode="lines", line=dict(color=YOY_COLOR, dash="dash", width=1.5),
                        row=2, col=1, secondary_y=True)
    # A whole-number step chosen here: Plotly's own step on this overlaid axis followed the bars' axis
    # (8.05%, 4.03%), and rounding its labels printed 13% for 12.5%.
    shown = [*months["yoy_month_pct"].dropna(), growth_target or 0.0]
    fig.update_yaxes(ticksuffix="%", tickmode="linear", tick0=0, dtick=nice_step(max(abs(v) for v in shown) / 3),
                     rangemode="tozero", showgrid=False, row=2, col=1, secondary_y=True)


def _plain_traces(fig: go.Figure, view, kind, months: pd.DataFrame, target: float | None, x: list[str],
                  lang: str) -> None:
    """Add a target held to no pace: its value (a running total or a level) and the target above, months below."""
    _target_line(fig, target, kind, x, lang)
    label = t(kind.chart_actual_key or
              ("chart_cumulative" if view.target["aggregation"] == "sum" else "chart_level"), lang)
    have = months[months["actual_ytd"].notna()]
    fig.add_scatter(x=[x[m - 1] for m in have["month"]], y=have["actual_ytd"], name=label, mode="lines+markers",
                    line=dict(color=theme.SERIES, width=3.5), marker=dict(size=8), row=1, col=1)
    fig.add_bar(x=x, y=months["actual_month"], name=t(kind.chart_monthly_key, lang), marker=dict(color=theme.SERIES),
                row=2, col=1)


def _month_notes(fig: go.Figure, months: pd.DataFrame, x: list[str], lang: str) -> None:
    """Add each month's note (an analyst's, Chinese only in English) above its point."""
    for r in months[months["actual_ytd"].notna()].itertuples(index=False):
        if r.note:
            fig.add_annotation(x=x[r.month - 1], y=r.actual_ytd, text=wrap_label(chinese_only(str(r.note), lang), 28),
                               showarrow=True, arrowhead=2, ax=0, ay=-42,
                               font=dict(size=theme.CHART_SMALL_PX, color=theme.NOTE), bgcolor=theme.NOTE_GROUND,
                               row=1, col=1)


def _detail_layout(fig: go.Figure, months: pd.DataFrame, unit: str, x: list[str]) -> None:
    """Lay the figure out: the legend under the plots, months in calendar order, the unit over each amount axis,
    and counts that cannot go below zero on an axis from zero (all-zero incidents would show -1 to 1)."""
    fig.update_layout(**base_layout(height=640), barmode="group", hovermode="x unified")
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="left", x=0, yref="paper"))
    fig.update_xaxes(categoryorder="array", categoryarray=x)  # months in calendar order whatever trace comes first
    drawn = pd.concat([months[c] for c in ("actual_month", "actual_ytd", "baseline_month", "baseline_ytd")
                       if c in months]).dropna()
    floor = "nonnegative" if drawn.empty or drawn.min() >= 0 else "normal"
    fig.update_yaxes(gridcolor=theme.TRACK, rangemode=floor, row=1, col=1)
    fig.update_yaxes(gridcolor=theme.TRACK, rangemode=floor, row=2, col=1, secondary_y=False)
    fig.add_annotation(unit_label(unit, "y"))
    fig.add_annotation(unit_label(unit, "y2"))


def detail_chart_narrow(view, lang: str = "zh") -> go.Figure:
    """Return the deep-dive figure laid out for a phone: shorter, every other month named, the legend in two
    columns under the plot, notes in narrow lines, smaller type; no dragging (the page scrolls under a finger)."""
    fig = indicator_detail_chart(view, lang)
    months = month_labels(lang)
    # two legend columns when every entry fits half a phone's width, else one
    columns = 2 if max((display_width(trace.name or "") for trace in fig.data), default=0) <= 22 else 1
    fig.update_layout(height=560, margin=dict(l=4, r=4, t=24, b=10), font=dict(size=theme.PHONE_SMALL_PX),
                      dragmode=False, legend=dict(y=-0.07, font=dict(size=theme.PHONE_NOTE_PX), entrywidth=1 / columns,
                                                  entrywidthmode="fraction"))
    fig.update_xaxes(tickvals=months[::2], tickfont_size=theme.PHONE_NOTE_PX, fixedrange=True)
    fig.update_yaxes(tickfont_size=theme.PHONE_NOTE_PX, fixedrange=True, automargin=True)
    for note in fig.layout.annotations:
        if note.showarrow:  # a month's note: narrower lines, smaller type
            note.update(text=wrap_label(html.unescape(note.text.replace("<br>", "")), 16),
                        font_size=theme.PHONE_NOTE_PX, ay=-36)
        elif note.name == UNIT_LABEL:
            note.update(font_size=theme.PHONE_NOTE_PX)
    return fig

