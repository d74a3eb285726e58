"""Real-browser test: every page at a phone's, a laptop's and a desktop's width, in both languages."""

from __future__ import annotations

import re

import pytest

from tests.browsing import ARTIFACTS, MEASURE, MODE_BARS, wait_until_drawn

pytestmark = pytest.mark.browser


PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")
WINDOWS = {
    "phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True,
                  user_agent=PHONE_UA),
    "laptop": dict(viewport={"width": 1366, "height": 768}),
    "desktop": dict(viewport={"width": 1920, "height": 1080}),
}
PAGES = {"overview": 1, "indicator?id=express_volume": 1, "departments": 0, "tracker": 0,  # page: charts on it
         "present?view=scorecard": 0, "present?view=postal_business_volume": 1, "present?view=green": 1,
         "present?view=workplan_1": 0}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_at_every_width(browser, server, window, lang):
    """Phone, laptop and desktop, both languages: nothing overflows, is cut, or is drawn over other text; the
    overview's answer is on the first screen; a phone gets no chart mode bar."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(**WINDOWS[window])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems = {}
    for path, charts in PAGES.items():
        page.goto(f"{server}/{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_until_drawn(page, charts)
        found = page.evaluate(MEASURE)
        if found["overflow"] > 0 or found["cut"] or found["overlaps"] or found["offscreen"]:
            problems[path] = found
        if window == "phone":
            assert set(page.evaluate(MODE_BARS)) <= {"false"}, path
        page.screenshot(path=str(ARTIFACTS / f"{window}_{lang}_{path.replace('?', '_').replace('=', '')}.png"))
        if path == "overview":
            # the latest month: October, or November once the GBK test has stored its file
            first_words = r"^截至2021年\d+月，" if lang == "zh" else r"^As of \w{3} 2021: "
            answer = page.get_by_text(re.compile(first_words)).first
            box = answer.bounding_box()
            assert box and box["y"] + box["height"] <= WINDOWS[window]["viewport"]["height"], "answer below the fold"
    context.close()
    assert problems == {} and errors == []
