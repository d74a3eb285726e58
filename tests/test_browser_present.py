"""Real-browser test: every view of the presentation fits each meeting screen without a switch."""

from __future__ import annotations

import re

import pytest

from tests.browsing import ARTIFACTS

pytestmark = pytest.mark.browser


# Measured in the page: the document does not scroll, no element ends outside the window, the view's body holds all
# its content (it hides what does not fit), title, body and footer do not overlap, the chart is not squashed and no
# two of its labels overlap.
SLIDE_FIT = """() => {
  const box = e => e ? e.getBoundingClientRect() : null;
  const body = document.querySelector('.st-key-slide_body');
  const head = box(document.querySelector('.st-key-slide h1'));
  const foot = box(document.querySelector('.st-key-slide_foot'));
  const outside = [...document.querySelectorAll('.st-key-slide *')]
      .filter(e => e.offsetParent && e.getClientRects().length)
      .filter(e => { const b = box(e); return b.width && (b.right > innerWidth + 1 || b.bottom > innerHeight + 1); })
      .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30));
  const chart = box(document.querySelector('.st-key-slide_chart .main-svg'));
  const labels = [...document.querySelectorAll('.st-key-slide_chart text')].filter(t => t.textContent.trim())
      .map(t => [t.textContent, box(t)]);
  const overlaps = [];
  labels.forEach(([a, p], i) => labels.slice(i + 1).forEach(([b, q]) => {
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
          overlaps.push(a + ' / ' + b); }));
  const badges = box(document.querySelector('.st-key-slide_body h4'));
  const table = box(document.querySelector('.st-key-slide_body .slide-table'));
  return {scroll: document.documentElement.scrollHeight - innerHeight, outside: outside.slice(0, 5),
          badgesUnderTable: badges && table ? badges.bottom - table.top : 0,
          hidden: body.scrollHeight - body.clientHeight, headBottom: head.bottom, bodyTop: box(body).top,
          bodyBottom: box(body).bottom, footTop: foot.top, footBottom: foot.bottom,
          chart: chart && {top: chart.top, bottom: chart.bottom, height: chart.height}, overlaps: overlaps.slice(0, 5)};
}"""


# The presentation's views by slug (tests/test_export.py lists them in order), and those that are a chart.
SLIDES = ["scorecard", "overview", "postal_business_volume", "postal_business_revenue", "express_volume",
          "express_revenue", "green", "workplan_1", "workplan_2", "workplan_3"]
CHART_SLIDES = {"overview", "postal_business_volume", "postal_business_revenue", "express_volume", "express_revenue",
                "green"}


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080), (2560, 1440), (1024, 768)])
def test_presentation_fits_each_meeting_screen_without_a_switch(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    # Every view in Chinese, and the English views whose words run longest
    for view, lang in [*((v, "zh") for v in SLIDES), ("overview", "en"), ("postal_business_volume", "en"),
                       ("workplan_1", "en")]:
        page.goto(f"{server}/present?view={view}&lang={lang}")
        page.locator(".st-key-slide_foot").get_by_text("苏州邮管〔2021〕21号").wait_for(timeout=60_000)
        if view in CHART_SLIDES:  # the views with a chart: wait until it is drawn at the body's height
            page.wait_for_selector(".st-key-slide_chart .js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(1200)
        fit = page.evaluate(SLIDE_FIT)
        where = f"view {view} ({lang}) at {width}×{height}: {fit}"
        assert fit["scroll"] <= 0 and fit["outside"] == [] and fit["hidden"] <= 2 and fit["overlaps"] == [], where
        assert fit["headBottom"] <= fit["bodyTop"] + 1 and fit["bodyBottom"] <= fit["footTop"] + 1, where
        assert fit["badgesUnderTable"] <= 1, where  # the work plan's table once covered its status counts
        assert fit["footBottom"] <= height, where
        if fit["chart"]:
            assert fit["bodyTop"] - 1 <= fit["chart"]["top"] and fit["chart"]["bottom"] <= fit["bodyBottom"] + 1, where
            assert fit["chart"]["height"] >= 0.35 * height, where  # drawn at the room the body has, not squashed
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.get_by_role("button", name="下一页" if lang == "zh" else "Next").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"present_{view}_{lang}_{width}x{height}.png"))
    page.close()


# Every line of a chart's text on a slide: its size and fill, and what it is drawn on.
CHART_TEXT = """
() => [...document.querySelectorAll('.st-key-slide_chart .main-svg text')].filter(t => t.textContent.trim()
  && t.getBoundingClientRect().width > 0).map(t => ({text: t.textContent.trim().slice(0, 20),
  size: parseFloat(getComputedStyle(t).fontSize), fill: getComputedStyle(t).fill}))
"""


def test_slide_charts_are_legible_on_a_meeting_screen(browser, server):
    """At 1920 × 1080 every chart text of every chart slide is at least 14 px and 4.5:1 against the white slide."""
    from lib.theme import contrast

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    faults = []
    for view in sorted(CHART_SLIDES):
        page.goto(f"{server}/present?view={view}")
        page.wait_for_selector(".st-key-slide_chart .main-svg", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(500)
        texts = page.evaluate(CHART_TEXT)
        assert texts, view
        for t in texts:
            r, g, b = (int(v) for v in re.findall(r"\d+", t["fill"])[:3])
            if t["size"] < 14 or contrast(f"#{r:02X}{g:02X}{b:02X}") < 4.5:
                faults.append((view, t))
    page.close()
    assert faults == []
