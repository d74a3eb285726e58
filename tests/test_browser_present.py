"""Real-browser test: every view of the presentation fits each meeting screen without a switch."""

from __future__ import annotations

import contextlib
import re

import pytest

from lib.i18n import t
from tests.browsing import ARTIFACTS, RUN_ENDED

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


# True once the slide's chart is as tall as the room its container gives it: Plotly draws first at its default height
# (450 px) and is resized when the container's size is known, which on a busy machine came after the run had ended.
CHART_FILLS = """() => {
  const room = document.querySelector('.st-key-slide_chart'), svg = room && room.querySelector('.main-svg');
  return !!svg && Math.abs(svg.getBoundingClientRect().height - room.getBoundingClientRect().height) <= 2;
}"""


def settled_fit(page, chart: bool) -> dict:
    """Return SLIDE_FIT once the slide has stopped moving: its chart (when it has one) resized to its room, then two
    measures 300 ms apart alike; the last measure after 10 s either way, for the test's assertions to name what is
    wrong."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if chart:  # a chart that never fills its room fails the assertions on its height, which say where it stands
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(CHART_FILLS, timeout=10_000)
    fit = page.evaluate(SLIDE_FIT)
    for _ in range(33):
        page.wait_for_timeout(300)
        before, fit = fit, page.evaluate(SLIDE_FIT)
        if fit == before:
            break
    return fit


# The presentation's views by slug (tests/test_export.py lists them in order), and those that are a chart.
SLIDES = ["scorecard", "overview", "postal_business_volume", "postal_business_revenue", "express_volume",
          "express_revenue", "green", "workplan_1", "workplan_2", "workplan_3"]
CHART_SLIDES = {"overview", "postal_business_volume", "postal_business_revenue", "express_volume", "express_revenue",
                "green"}


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080), (2560, 1440), (1024, 768)])
def test_presentation_fits_each_meeting_screen_without_a_switch(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    # Every view in Chinese, and the English views whose words run longest: the first of each run opened by its
    # address, the rest by the slide's own Next button, as a presenter goes through them (in the order SLIDES lists)
    for view, lang, opened_by in [*((v, "zh", "next" if i else "address") for i, v in enumerate(SLIDES)),
                                  ("overview", "en", "address"), ("postal_business_volume", "en", "next"),
                                  ("workplan_1", "en", "address")]:
        if opened_by == "next":
            page.get_by_role("button", name=t("next", lang)).click()
        else:
            page.goto(f"{server}/present?view={view}&lang={lang}")
        # the slide's own number, drawn by the run that shows this view (the last one's stays until it is replaced)
        number = t("slide_of", lang, n=SLIDES.index(view) + 1, total=len(SLIDES))
        page.locator(".st-key-slide").get_by_text(number).wait_for(timeout=60_000)
        assert f"view={view}" in page.url, (view, page.url)
        page.locator(".st-key-slide_foot").get_by_text("苏州邮管〔2021〕21号").wait_for(timeout=60_000)
        if view in CHART_SLIDES:  # the views with a chart: wait until it is drawn at the body's height
            page.wait_for_selector(".st-key-slide_chart .js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_selector(RUN_ENDED, timeout=60_000)
        fit = settled_fit(page, chart=view in CHART_SLIDES)
        where = f"view {view} ({lang}) at {width}×{height}: {fit}"
        assert fit["scroll"] <= 0 and fit["outside"] == [] and fit["hidden"] <= 2 and fit["overlaps"] == [], where
        assert fit["headBottom"] <= fit["bodyTop"] + 1 and fit["bodyBottom"] <= fit["footTop"] + 1, where
        assert fit["badgesUnderTable"] <= 1, where  # the work plan's table once covered its status counts
        assert fit["footBottom"] <= height, where
        if fit["chart"]:
            assert fit["bodyTop"] - 1 <= fit["chart"]["top"] and fit["chart"]["bottom"] <= fit["bodyBottom"] + 1, where
            assert fit["chart"]["height"] >= 0.35 * height, where  # drawn at the room the body has, not squashed
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.get_by_role("button", name=t("next", lang)).is_visible()
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
    chart_views = [v for v in SLIDES if v in CHART_SLIDES]  # one after another: the first by its address, then Next
    assert chart_views == SLIDES[SLIDES.index(chart_views[0]):][:len(chart_views)]
    for i, view in enumerate(chart_views):
        if i:
            page.get_by_role("button", name=t("next", "zh")).click()
        else:
            page.goto(f"{server}/present?view={view}")
        number = t("slide_of", "zh", n=SLIDES.index(view) + 1, total=len(SLIDES))
        page.locator(".st-key-slide").get_by_text(number).wait_for(timeout=60_000)
        assert f"view={view}" in page.url, (view, page.url)
        page.wait_for_selector(".st-key-slide_chart .main-svg", timeout=60_000)
        page.wait_for_selector(RUN_ENDED, timeout=60_000)
        settled_fit(page, chart=True)
        texts = page.evaluate(CHART_TEXT)
        assert texts, view
        for text in texts:
            r, g, b = (int(v) for v in re.findall(r"\d+", text["fill"])[:3])
            if text["size"] < 14 or contrast(f"#{r:02X}{g:02X}{b:02X}") < 4.5:
                faults.append((view, text))
    page.close()
    assert faults == []
