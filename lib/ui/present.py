"""Widgets of the presentation page: its style, the period it shows, slides' cards, numbers, exports and navigation.

The page fits any window without a switch: the slide is a column pinned to the window's edges (CSS `position: fixed`),
the view's body takes what the title and the footer leave, and its chart is drawn at the height of that body
(`st.plotly_chart(height="stretch")`: Streamlit measures the element and hands Plotly its height). Text is sized in
viewport units, so a projector's 1024×768 and a 2560×1440 screen get the same slide; browser zoom (Ctrl +/−) still
enlarges everything, charts included, and the layout follows.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from lib import export, theme
from lib.dataset import Dataset
from lib.display import md
from lib.engine import Score, default_period
from lib.filenames import export_name
from lib.fmt import estimate, format_pct, format_value
from lib.i18n import t
from lib.kinds import KINDS
from lib.ui.layout import is_narrow
from lib.ui.state import lang
from lib.ui.widgets import card_metric, last_month_of, remember_asked_period, status_badge
from lib.views import Meeting, View
from lib.views.workplan import PAGE_COLUMNS

# Static styles of the presentation page (no user data): hide the chrome, a slide as tall as the window, type in
# viewport units. The slide's parts are keyed containers (st-key-…): slide, slide_body, slide_chart, slide_foot.
_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMain"] { overflow: hidden; }
/* The slide is pinned to the window, whatever else the page holds above it (the style element, a notice). */
.st-key-slide { position: fixed !important; top: 1.6vh; bottom: 0.8vh; left: 2.2vw; right: 2.2vw;
  width: auto !important; height: auto !important; gap: 0.8vh; flex-wrap: nowrap !important; }
.st-key-slide > *, .st-key-slide_body > * { flex-shrink: 0 !important; }
/* Every block between the slide and its body, and between the body and its chart, takes the height left over. */
.st-key-slide [data-testid="stLayoutWrapper"]:has(> .st-key-slide_body),
.st-key-slide :is([data-testid="stLayoutWrapper"], [data-testid="stVerticalBlock"],
  [data-testid="stHorizontalBlock"]):has(.st-key-slide_chart) { flex: 1 1 0 !important; min-height: 0 !important; }
.st-key-slide [data-testid="stColumn"]:has(.st-key-slide_chart) > [data-testid="stVerticalBlock"] { height: 100%; }
.st-key-slide_body { flex: 1 1 0 !important; min-height: 0; overflow: hidden; gap: 1vh; flex-wrap: nowrap !important; }
.st-key-slide_chart { flex: 1 1 0 !important; min-height: 0; }
.st-key-slide_foot { flex: 0 0 auto !important; }
.st-key-slide h1 { font-size: var(--kpi-size-slide-title); padding: 0; line-height: 1.2; }
.st-key-slide h3, .st-key-slide h4 { font-size: var(--kpi-size-slide-heading); padding: 0; }
.st-key-slide p, .st-key-slide li, .st-key-slide td, .st-key-slide th { font-size: var(--kpi-size-slide-text); }
.st-key-slide [data-testid="stMetricValue"], .st-key-slide [data-testid="stMetricValue"] * {
  font-size: var(--kpi-size-slide-metric) !important; line-height: 1.15; }
.st-key-slide [data-testid="stMetricLabel"] p, .st-key-slide [data-testid="stMetricDelta"] * {
  font-size: var(--kpi-size-slide-small) !important; }
.st-key-slide [data-testid="stCaptionContainer"] p { font-size: var(--kpi-size-slide-small) !important; }
.st-key-slide [data-testid="stBadge"] * { font-size: var(--kpi-size-slide-small) !important; }
/* The work plan's table: the item gets half the width, every line of it shown. */
.slide-table { width: 100%; table-layout: fixed; border-collapse: collapse; }
.slide-table th { text-align: left; background: var(--kpi-plan-blue); color: var(--kpi-white); }
.slide-table :is(td, th) { padding: 0.5vh 0.6vw; vertical-align: top; border-bottom: 1px solid var(--kpi-rule);
  font-size: var(--slide-table-size, var(--kpi-size-slide-text)); line-height: 1.35; overflow-wrap: anywhere; }
.slide-table .slide-group td { background: var(--kpi-group-ground); font-weight: 600; }
/* A heading's markdown (the title, the status counts) keeps no negative margin: what follows would ride over it. */
.st-key-slide [data-testid="stMarkdownContainer"]:has(h1, h4) { margin-bottom: 0 !important; }
.st-key-slide_foot p { font-size: var(--kpi-size-slide-foot) !important; line-height: 1.35; margin: 0; }
.st-key-slide_foot [data-testid="stCaptionContainer"] { margin: 0 !important; padding: 0 !important; }
</style>
"""
# A phone has no room for a slide pinned to the window: the views follow one another down a page that scrolls,
# without the chrome, in the phone's own type; the footer comes last.
_PHONE_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.st-key-slide h1 { font-size: var(--kpi-size-phone-h1); padding: 0; line-height: 1.25; }
.slide-table { width: 100%; border-collapse: collapse; }
.slide-table :is(td, th) { padding: 4px; vertical-align: top; border-bottom: 1px solid var(--kpi-rule);
  font-size: var(--kpi-size-phone-table); overflow-wrap: anywhere; }
.slide-table th { text-align: left; background: var(--kpi-plan-blue); color: var(--kpi-white); }
.slide-table .slide-group td { background: var(--kpi-group-ground); font-weight: 600; }
</style>
"""
# Type of a slide's chart in CSS pixels: readable on a 1024×768 projector, scaled by browser zoom on larger screens;
# the sixteen rows of every target's bars take a size smaller to keep a row apart on a 768-high window.
CHART_TYPE_PX, DENSE_CHART_TYPE_PX = theme.SLIDE_CHART_PX, theme.DENSE_SLIDE_CHART_PX


def presentation_style() -> None:
    """Hide the sidebar and toolbar and make the page one slide as tall as the window (on a phone, a page that
    scrolls)."""
    st.html(_PHONE_PRESENTATION_CSS if is_narrow() else _PRESENTATION_CSS)


def present_period(ds: Dataset) -> tuple[int, int] | None:
    """Return the period to present: the link's ?period=, else the one chosen on the other pages, else the latest
    with data (None when there is none)."""
    latest = default_period(ds)
    if latest is None:
        return None
    remember_asked_period(ds)
    year = st.session_state.get("chosen_year", latest[0])
    default_month = last_month_of(ds, year)
    return year, st.session_state.get("chosen_month", {}).get((year, default_month), default_month)


def slide_index(views: list[View]) -> int:
    """Return the current slide from ?view= (a view's slug, or its number from 1), else the first."""
    wanted = str(st.query_params.get("view", ""))
    slugs = [v.slug for v in views]
    if wanted in slugs:
        return slugs.index(wanted)
    try:
        index = int(wanted) - 1
    except ValueError:
        index = 0
    return max(0, min(index, len(views) - 1))


def slide_chart(fig: go.Figure, type_px: int = CHART_TYPE_PX, phone: go.Figure | None = None) -> None:
    """Draw a chart filling what the slide's body leaves: legend under the plot, every bar named. On a phone, draw
    `phone` (the chart laid out for a phone) at its own height instead."""
    if is_narrow() and phone is not None:
        with st.container(key="slide_chart"):
            st.plotly_chart(phone, key="slide_chart_figure", config={"displayModeBar": False}, theme=None)
        return
    fig = go.Figure(fig)
    fig.update_layout(height=None, autosize=True, font=dict(size=type_px),
                      margin=dict(l=8, r=16, t=34, b=8), legend=dict(font=dict(size=type_px)))
    if fig.layout.legend.yref == "container":  # the overview's legend at the top: the slide's footer has one
        fig.update_layout(showlegend=False)
    else:
        fig.update_layout(legend=dict(orientation="h", yref="paper", y=-0.12, yanchor="top"))
    fig.update_xaxes(tickfont_size=type_px, title_font_size=type_px)
    fig.update_yaxes(tickfont_size=type_px, title_font_size=type_px)
    fig.update_yaxes(dtick=1, selector=lambda axis: axis.categoryarray is not None)
    fig.update_annotations(font_size=type_px)
    fig.update_traces(textfont_size=type_px, selector=dict(mode="text"))
    with st.container(key="slide_chart"):
        st.plotly_chart(fig, height="stretch", key="slide_chart_figure", config={"displayModeBar": False}, theme=None)


def slide_footer(m: Meeting, view: View, index: int) -> None:
    """Draw the slide footer (as-of month, source, legend) with exports and previous/next/exit navigation (the
    address names the view shown by its slug)."""
    language, views = lang(), m.views()
    with st.container(key="slide_foot"):
        info, out, prev, nxt, leave = st.columns([5, 1.1, 1, 1, 1.1], vertical_alignment="center")
        with out:
            present_export_panel(m, view)
        info.caption(f"{md(m.source())}  \n{t('legend', language)}")
        if prev.button(t("prev", language), disabled=index == 0, key="slide_prev", width="stretch"):
            st.query_params["view"] = views[index - 1].slug
            st.rerun()
        if nxt.button(t("next", language), disabled=index >= len(views) - 1, key="slide_next", type="primary",
                      width="stretch"):
            st.query_params["view"] = views[index + 1].slug
            st.rerun()
        leave.page_link("pages/overview.py", label=t("exit_present", language), icon=":material/close:")


PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def present_export_panel(m: Meeting, view: View) -> None:
    """Draw the exports of the presentation: this view as PNG, every view's PNG in a zip, the deck as PPTX and as
    PDF (the same views), each file named for what it holds (2021-06_汇报_无锡市.pptx)."""
    language = lang()

    def name(what: str, extension: str) -> str:
        return export_name(m.ds.catalog, m.year, m.as_of, what, extension, language)

    with st.popover(t("export_title", language), icon=":material/download:"):
        try:
            if st.button(t("export_view_png", language), key="png_view"):
                st.download_button(t("download_png", language), export.view_png(m, view), name(view.title, "png"),
                                   "image/png", key="png_view_download")
            if st.button(t("export_png_set", language), key="build_png_zip"):
                pictures = export.png_zip(m, _progress_bar())
                st.download_button(t("download_png_set", language), pictures,
                                   name(t("file_charts", language), "zip"), "application/zip", key="png_zip_download")
            if st.button(t("export_pptx", language), key="build_pptx"):
                deck = export.build_deck(m.ds, m.year, m.as_of, language, progress=_progress_bar(), m=m, strict=True)
                st.download_button(t("download_pptx", language), deck, name(t("file_deck", language), "pptx"),
                                   PPTX_MIME, key="pptx_download")
            if st.button(t("export_pdf", language), key="build_pdf"):
                pdf = export.build_pdf(m, _progress_bar())
                st.download_button(t("download_pdf", language), pdf, name(t("file_deck", language), "pdf"),
                                   "application/pdf", key="pdf_download")
        except export.ExportUnavailable as exc:
            st.error(md(str(exc)))


def _progress_bar():
    """Return a callback that shows an export's progress (fraction done, the view being drawn) in a bar."""
    bar = st.progress(0.0)

    def report(fraction: float, step: str) -> None:
        bar.progress(fraction, text=t("export_building", lang(), label=step))

    return report


WORKPLAN_WIDTHS = tuple(round(share * 100) for share in PAGE_COLUMNS)  # per cent: status, number, item, progress


def workplan_table(table, share: float | None = None) -> None:
    """Draw a work-plan view's table: rows that grow with their text, a department's line across the table, each
    item's status in its colour (static markup; every cell escaped); its type `share` of the slide's height when
    given (of a 16:9 slide's: a window wider than that does not make it larger)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.header)
    rows = []
    for values, kind, color in zip(table.rows, table.kinds, table.colors, strict=True):
        if kind == "group":
            rows.append(f'<tr class="slide-group"><td colspan="{len(table.header)}" style="color:{color}">'
                        f"{html.escape(str(values[0]))}</td></tr>")
        else:
            rows.append("<tr>" + "".join(
                f'<td style="color:{color};font-weight:600">{html.escape(str(v))}</td>' if i == 0
                else f"<td>{html.escape(str(v))}</td>" for i, v in enumerate(values)) + "</tr>")
    widths = "".join(f'<col style="width:{w}%">' for w in WORKPLAN_WIDTHS)
    size = f' style="--slide-table-size: min({share * 100:.2f}vh, {share * 100 * 9 / 16:.2f}vw)"' if share else ""
    st.markdown(f'<table class="slide-table"{size}><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>", unsafe_allow_html=True)


def slide_card(card, details: bool = False) -> None:
    """Draw a card for a slide: title, status, big value, and (with details) progress and one line."""
    with st.container(border=True):
        st.markdown(f"**{md(card.title)}**")
        status_badge(card.status, card.status_text)
        card_metric(card)
        if details and card.progress is not None:
            st.progress(card.progress)
        if details and card.lines:
            st.caption(md(card.lines[0]))


def headline_numbers(score: Score, language: str) -> None:
    """Draw completion, expected progress and projection as large metrics, one under another."""
    st.metric(t("completion", language), format_pct(score.completion_pct))
    st.metric(t("expected_seasonal", language), format_pct(score.expected_pct_seasonal))
    if score.projection_year_end is not None and KINDS[score.kind].shows_projection:
        projection = format_value(estimate(score.projection_year_end, score.unit), score.unit, language)
        st.metric(t("projection", language), projection)


class SlideBody:
    """The slide's body on the presentation page, as a view draws into it (lib/views/base.py, SlideBody): each
    method draws into the Streamlit container it wraps."""

    def __init__(self, box):
        self.box = box
        self.narrow = is_narrow()

    def markdown(self, text: str) -> None:
        self.box.markdown(text)

    def caption(self, text: str) -> None:
        self.box.caption(text)

    def html(self, text: str) -> None:
        self.box.html(text)

    def columns(self, spec) -> list[SlideBody]:
        return [SlideBody(column) for column in self.box.columns(spec)]

    def container(self, key: str) -> SlideBody:
        return SlideBody(self.box.container(key=key))

    def card(self, card, details: bool = False) -> None:
        with self.box:
            slide_card(card, details=details)

    def badge(self, status: str, text: str) -> None:
        with self.box:
            status_badge(status, text)

    def metric(self, card) -> None:
        with self.box:
            card_metric(card)

    def numbers(self, score: Score) -> None:
        with self.box:
            headline_numbers(score, lang())

    def chart(self, fig: go.Figure, phone: go.Figure | None = None, dense: bool = False) -> None:
        with self.box:
            slide_chart(fig, type_px=DENSE_CHART_TYPE_PX if dense else CHART_TYPE_PX, phone=phone)

    def table(self, table, share: float | None = None) -> None:
        with self.box:
            workplan_table(table, None if self.narrow else share)
