"""Widgets of the presentation page: its style, the period it shows, slides' cards, numbers and navigation."""

from __future__ import annotations

import streamlit as st

from lib.charts import completion_chart, completion_chart_narrow, detail_chart_narrow, indicator_detail_chart
from lib.dataset import Dataset
from lib.display import md, presentation_figure, tracker_frame, tracker_list_html
from lib.engine import Score
from lib.fmt import estimate, format_pct, format_period, format_value
from lib.i18n import t
from lib.kinds import KINDS
from lib.ui.layout import is_narrow
from lib.ui.state import lang
from lib.ui.widgets import card_metric, export_panel, status_badge

# Static styles of the presentation page (no user data): hide the chrome, enlarge the type.
_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stMainBlockContainer, .block-container { padding: 1.2rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.2rem; }
.stMainBlockContainer h1 { font-size: 2.4rem; padding: 0; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.5rem !important; line-height: 1.15; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
/* Slides are laid out for 1280×720; on larger 16:9 screens the text scales up (charts keep their own size:
   Plotly measures its container and would be clipped inside a zoomed one). */
/* A phone: the page's own margins and type (the slide's are for a room). */
@media (max-width: 640px) {
  .stApp .stMainBlockContainer, .stApp .block-container { padding: 1rem 1rem 0.5rem 1rem !important; }
  .stApp .stMainBlockContainer h1 { font-size: 1.6rem; }
  .stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] * { font-size: 1.9rem !important; } }
@media (min-width: 1580px) and (min-height: 880px) {
  .stMainBlockContainer :is([data-testid="stMarkdown"], [data-testid="stMetric"],
   [data-testid="stButton"], [data-testid="stPageLink"], [data-testid="stBadge"]) { zoom: 1.25; } }
@media (min-width: 1900px) and (min-height: 1060px) {
  .stMainBlockContainer :is([data-testid="stMarkdown"], [data-testid="stMetric"],
   [data-testid="stButton"], [data-testid="stPageLink"], [data-testid="stBadge"]) { zoom: 1.45; } }
</style>
"""


def presentation_style() -> None:
    """Hide the sidebar and toolbar and enlarge the type for the presentation page."""
    st.html(_PRESENTATION_CSS)


def present_period(default: tuple[int, int]) -> tuple[int, int]:
    """Return the period to present: the one chosen on the other pages, else the latest with data."""
    year = st.session_state.get("chosen_year", default[0])
    memory = st.session_state.get("chosen_month", {})
    month = memory.get((year, default[1]), default[1]) if year == default[0] else 12
    return year, month


def slide_index(total: int) -> int:
    """Return the current slide (from ?view=N, 1-based), clamped to the slides there are."""
    try:
        index = int(st.query_params.get("view", "1")) - 1
    except ValueError:
        index = 0
    return max(0, min(index, total - 1))


def slide_footer(ds: Dataset, year: int, as_of: int, index: int, total: int) -> None:
    """Draw the slide footer (as-of month, source, legend) and previous/next/exit navigation."""
    language = lang()
    st.divider()
    info, screen, prev, nxt, leave, out = st.columns([4.2, 1, 1, 1, 1.1, 1.2], vertical_alignment="center")
    with out:
        export_panel(ds, year, as_of)
    big = screen.toggle(t("big_screen", language), value=st.query_params.get("screen") == "1080", key="slide_screen",
                        help=t("screen_help", language))
    if big != (st.query_params.get("screen") == "1080"):
        st.query_params["screen"] = "1080" if big else "720"
        st.rerun()
    source = t("slide_source", language, source=ds.data_dir.name + "/actuals")
    info.caption(f"{t('slide_footer', language, period=format_period(year, as_of, language), source=source)}  \n"
                 f"{t('legend', language)}")
    if prev.button(t("prev", language), disabled=index == 0, key="slide_prev", width="stretch"):
        st.query_params["view"] = str(index)
        st.rerun()
    if nxt.button(t("next", language), disabled=index >= total - 1, key="slide_next", type="primary",
                  width="stretch"):
        st.query_params["view"] = str(index + 2)
        st.rerun()
    leave.page_link("pages/overview.py", label=t("exit_present", language), icon=":material/close:")


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
        projection = format_value(estimate(score.projection_year_end, score.unit), score.unit, language, compact=True)
        st.metric(t("projection", language), projection)


def slide_detail_chart(detail, language: str):
    """Return an indicator slide's chart: restyled for the back of a room, or laid out for a phone."""
    if is_narrow():
        return detail_chart_narrow(detail, language)
    return presentation_figure(indicator_detail_chart(detail, language), height=slide_chart_height())


def slide_category_chart(group: list[Score], language: str):
    """Return a category slide's completion chart: restyled for the back of a room, or laid out for a phone."""
    if is_narrow():
        return completion_chart_narrow(group, language)
    height = 190 if slide_chart_height() < 600 else 330  # a 1080p projector has room for taller bars
    # names on one line each: four two-line names in 190 px ran into each other
    return presentation_figure(completion_chart(group, language, label_width=60), height=height)


def slide_workplan(rows, scores: list[Score], language: str) -> None:
    """Draw the work-plan slide's items: a table of fixed height on a screen, the tracker's list on a phone."""
    if language == "en":
        st.caption(t("plan_chinese_only", language))
    if is_narrow():
        st.html(tracker_list_html(rows, scores, language))
        return
    st.dataframe(tracker_frame(rows, scores, language), hide_index=True, height=330,
                 column_order=[t(k, language) for k in ("filter_progress_status", "col_number", "col_item", "col_lead",
                                                        "col_progress")])


def slide_chart_height() -> int:
    """Return the chart height of a slide: 410 px fits 1280×720; ?screen=1080 gives a 1920×1080 projector more."""
    return 640 if st.query_params.get("screen") == "1080" else 410
