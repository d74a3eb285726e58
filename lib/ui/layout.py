"""How wide the reader's window is, and the styles that let every page read at every width.

The server cannot see the window: Streamlit's st.context has headers, cookies and the URL, no viewport.
Layouts that can follow the width by themselves do (CSS below: columns stack under 640 px, labels wrap); the
charts cannot (Plotly lays its text out for the figure it is given), so the server picks the figure. It guesses
from the User-Agent (a phone says "Mobi"), and a few lines of JavaScript in the page measure the window and
report only when the guess was wrong (or a resize crosses 640 px): a phone and a desktop browser get their
layout on the first run, a desktop window narrowed to phone width gets one rerun.
"""

from __future__ import annotations

import functools

import streamlit as st

from lib import theme

NARROW_PX = 640  # Streamlit stacks st.columns below this width; the pages' narrow layout starts with it
VIEWPORT_KEY = "viewport"  # the probe's state: {"narrow": bool} once the page has measured the window
NARROW_KEY = "narrow_window"  # what this run draws for

# Reports {"narrow": bool} when the window is on the other side of NARROW_PX than the page was drawn for.
_PROBE_JS = """
export default function (component) {
  const { setStateValue, data } = component;
  const report = () => {
    const narrow = window.innerWidth <= data.px;
    if (narrow !== data.narrow) setStateValue("narrow", narrow);
  };
  report();
  let timer;
  const onResize = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
  window.addEventListener("resize", onResize);
  return () => { clearTimeout(timer); window.removeEventListener("resize", onResize); };
}
"""
_probe = st.components.v2.component("viewport_probe", js=_PROBE_JS)

# Static styles of every page (no user data).
_STYLE = """
<style>
/* Static tables (st.table: the plan list, the provenance) fit the width and wrap, a long word too, never cut. */
[data-testid="stTable"] table { width: 100%; }
[data-testid="stTable"] :is(td, th) { white-space: normal; overflow-wrap: anywhere; }
/* Metric labels and the delta's note wrap instead of ending in "…" (较序时… at 1366 px). */
[data-testid="stMetric"] :is([data-testid="stMetricLabel"], [data-testid="stMetricDeltaDescription"],
  [data-testid="stMetricValue"]) :is(.stMarkdownEllipsis, .stMarkdownEllipsis p) { white-space: normal;
  overflow: visible; text-overflow: clip; }
[data-testid="stMetric"] div:has(> [data-testid="stMetricDeltaDescription"]) { flex-wrap: wrap; row-gap: 0.2rem; }
[data-testid="stMetricDeltaDescription"] { overflow: visible; max-width: 100%; }
/* Page links (the targets waiting for their figures, 查看详情) wrap a long name instead of ending in "…". */
[data-testid="stPageLink"] * { white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stPageLink"] a { height: auto; }
.answer p { font-size: var(--kpi-size-answer); line-height: 1.55; }
/* A group of cards (widgets.card_grid): four to a row as st.columns(4) drew them, one to a row on a phone. */
.stHorizontalBlock[class*="st-key-cards-"] > div { flex: 0 0 calc((100% - 3rem) / 4); min-width: 0; }
@media (max-width: 640px) { .stHorizontalBlock[class*="st-key-cards-"] > div { flex-basis: 100%; } }
/* A card's title and status over its bar (widgets.score_card): the size of body text, as a heading of its own was. */
[data-testid="stProgress"] [data-testid="stMarkdownContainer"]:has(.stMarkdownBadge) p { font-size: 1rem;
  line-height: 1.6; }
/* The work-plan list: one row per item where it has room, one card per item where it has not (a phone, or a
   narrow column beside something else): a container query on the list's own width. */
.plan-list { display: flex; flex-direction: column; border-top: 1px solid var(--kpi-light-rule);
  container-type: inline-size; }
.plan-item { display: grid; grid-template-columns: 7.5rem 4.5rem minmax(0, 3fr) 9rem minmax(0, 2.4fr);
  column-gap: 0.9rem; padding: 0.55rem 0.25rem; border-bottom: 1px solid var(--kpi-light-rule); line-height: 1.5; }
.plan-item.head { font-weight: 600; color: var(--kpi-source); font-size: var(--kpi-size-meta); }
.plan-item > div { min-width: 0; overflow-wrap: anywhere; }
/* status: a tinted badge with dark text (readable) and the symbol in its words (told apart in greyscale) */
.plan-status { font-weight: 600; white-space: nowrap; justify-self: start; align-self: start;
  padding: 0 0.45em; border-radius: 0.4em; font-size: var(--kpi-size-status); }
.plan-status.behind { color: var(--kpi-progress-behind); background: var(--kpi-progress-behind-ground); }
.plan-status.not_started { color: var(--kpi-progress-not-started);
  background: var(--kpi-progress-not-started-ground); }
.plan-status.in_progress { color: var(--kpi-progress-in-progress);
  background: var(--kpi-progress-in-progress-ground); }
.plan-status.done { color: var(--kpi-progress-done); background: var(--kpi-progress-done-ground); }
.plan-status.none { color: var(--kpi-progress-none); background: var(--kpi-progress-none-ground); }
.plan-number { color: var(--kpi-source); white-space: nowrap; }
.plan-meta { color: var(--kpi-muted); font-size: var(--kpi-size-meta); }
.plan-section { display: block; color: var(--kpi-muted); font-size: var(--kpi-size-small); }
.plan-links { display: block; color: var(--kpi-source); font-size: var(--kpi-size-small); margin-top: 0.2rem; }
.plan-label { display: none; }
@container (max-width: 640px) {
  .plan-item { grid-template-columns: auto minmax(0, 1fr); row-gap: 0.25rem; padding: 0.7rem 0.1rem; }
  .plan-item.head { display: none; }
  .plan-item .plan-text { grid-column: 1 / -1; font-weight: 500; }
  .plan-item .plan-lead, .plan-item .plan-progress { grid-column: 1 / -1; }
  .plan-label { display: inline; color: var(--kpi-muted); }
}
@media (max-width: 640px) {
  /* Tabs wrap onto a second line rather than hide the last behind a scroll arrow (the tracker's fourth tab). */
  [data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; overflow: visible; row-gap: 0.3rem; }
  .stMainBlockContainer { padding-top: 3.5rem; }
  .stMainBlockContainer h1 { font-size: var(--kpi-size-phone-h1); }
  .stMainBlockContainer h2 { font-size: var(--kpi-size-phone-h2); }
  .stMainBlockContainer h3 { font-size: var(--kpi-size-phone-h3); }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: var(--kpi-size-phone-metric); }
}
</style>
"""


PHONE_KEY = "_phone_browser"  # the session's browser as phone_browser found it


def phone_browser() -> bool:
    """Return whether the browser says it is a phone ("Mobi" in its User-Agent, as every phone browser's has); read
    once per session (its browser does not change)."""
    if PHONE_KEY not in st.session_state:
        st.session_state[PHONE_KEY] = "Mobi" in (st.context.headers.get("User-Agent") or "")
    return st.session_state[PHONE_KEY]


def is_narrow() -> bool:
    """Return whether this run draws for a narrow window (≤ 640 px), as app.py's viewport_probe found it."""
    return st.session_state.get(NARROW_KEY, False)


def _redraw() -> None:
    """Do nothing: the rerun the reported width causes draws the page for it."""


def viewport_probe() -> None:
    """Decide whether this run draws for a narrow window, then mount the script that measures the window (in the
    sidebar, where it takes no room on the page). The window as measured, once reported; until then the browser's
    User-Agent."""
    # Read before the probe mounts: once mounted in a run, the component's state read back empty in a server's
    # first session, and pages would have drawn wide for a phone.
    state = st.session_state.get(VIEWPORT_KEY)
    measured = state.get("narrow") if state else None
    narrow = phone_browser() if measured is None else bool(measured)
    st.session_state[NARROW_KEY] = narrow
    with st.sidebar:
        _probe(key=VIEWPORT_KEY, data={"narrow": narrow, "px": NARROW_PX}, on_narrow_change=_redraw, height=0)


# Charts are drawn with the app's own template (st.plotly_chart(theme=None)): Streamlit's theme set every tick label
# in a grey of 3.7:1 on white, below what a slide on a projector needs (4.5:1).
def chart_config(narrow: bool) -> dict:
    """Return st.plotly_chart's config: no mode bar on a phone (it covered the legend), a 2× PNG button elsewhere."""
    if narrow:
        return {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


@functools.cache
def _style_html() -> str:
    """Return the style element of every page (the theme's variables and _STYLE), made once."""
    return _STYLE.replace("<style>", f"<style>\n{theme.css_variables()}", 1)


def layout_style() -> None:
    """Add the styles that make every page read at every width (colours and sizes from lib/theme.py)."""
    st.html(_style_html())
