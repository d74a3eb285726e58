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
         "present?view=workplan_1": 0, "plan": 0, "upload": 0}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_at_every_width(browser, server, window, lang):
    """Phone, laptop and desktop, both languages: nothing overflows, is cut, or is drawn over other text; the
    overview's answer is on the first screen; a phone gets no chart mode bar."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(**WINDOWS[window])
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
    page.close()
    assert problems == {} and errors == []


# The words an uploader shows where Streamlit draws its own English: the button, the limit, the drop prompt.
UPLOADER_WORDS = """
() => {
  const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
  const words = (e) => ({hidden: getComputedStyle(e).fontSize, shown: getComputedStyle(e, '::after').content});
  return {button: words(zone.querySelector('button [data-testid="stMarkdownContainer"] p')),
          limit: words(zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'))};
}
"""


# Words drawn by CSS (::after) on any element of the drop area once a file is chosen.
DRAWN_OVER_THE_CHIPS = """
() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"] *')]
  .map(e => getComputedStyle(e, '::after').content).filter(c => c && c !== 'none' && c !== 'normal')
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_language_per_screen(browser, server, lang, tmp_path):
    """Streamlit's own uploader words and the browser tab's title follow the page's language, from a link's first
    run; a phone shows every tab of the tracker without a scroll arrow."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/upload{'?lang=en' if lang == 'en' else ''}")
    page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    # the page's style sheet is an element of the run like the uploader: on a busy machine it may be drawn after it
    page.wait_for_function(f"({UPLOADER_WORDS})().button.shown !== 'none'", timeout=30_000)
    words = page.evaluate(UPLOADER_WORDS)
    assert words["button"] == {"hidden": "0px", "shown": '"选择文件"' if lang == "zh" else '"Choose a file"'}
    assert words["limit"] == {"hidden": "0px",
                              "shown": '"单个文件不超过 20 MB"' if lang == "zh" else '"Up to 20 MB per file"'}
    assert page.title() == ("苏州市邮政快递业2021年目标任务跟踪" if lang == "zh" else
                            "Suzhou Postal & Express 2021 Target Tracker")
    page.screenshot(path=str(ARTIFACTS / f"upload_{lang}.png"))
    # Once a file is chosen its chip and Streamlit's "add files" button fill the drop area: none of our words is drawn
    # over them (the drop prompt's words were, on every span of the chips' box)
    chosen = tmp_path / "november.csv"
    chosen.write_text("period,indicator,value\n2021-11,green_outlets,29\n", encoding="utf-8")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(chosen))
    page.wait_for_selector('[data-testid="stFileChip"]', timeout=30_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    assert page.evaluate(DRAWN_OVER_THE_CHIPS) == []
    page.screenshot(path=str(ARTIFACTS / f"upload_chosen_{lang}.png"))
    page.close()
    phone = browser.new_page(**WINDOWS["phone"])
    phone.goto(f"{server}/tracker{'?lang=en' if lang == 'en' else ''}")
    wait_until_drawn(phone)
    tabs = phone.locator('[data-testid="stTab"]')
    assert tabs.count() == 4
    for i in range(4):  # each tab wholly inside the window (they wrap onto a second line)
        box = tabs.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
    phone.screenshot(path=str(ARTIFACTS / f"tracker_tabs_phone_{lang}.png"))
    phone.close()


# Where the work plan's table lies on a slide: its top and bottom, the footer's top, the last cell's bottom.
# Null while a rerun is still replacing the slide (the measure waits for it), then the measures.
WORKPLAN_SPACE = """
() => {
  const table = document.querySelector('.st-key-slide .slide-table');
  const foot = document.querySelector('.st-key-slide_foot');
  const cell = document.querySelector('.st-key-slide .slide-table td');
  if (!table || !foot || !cell) return null;
  const t = table.getBoundingClientRect();
  return {top: t.top, bottom: t.bottom, foot: foot.getBoundingClientRect().top,
          size: parseFloat(getComputedStyle(cell).fontSize)};
}
"""


@pytest.mark.parametrize("window", ["laptop", "desktop"])
def test_the_work_plan_slides_fill_the_screen(browser, server, window):
    """On a laptop and a meeting screen each work-plan slide's table takes at least 60 % of the height between its
    top and the footer (its type the deck's, as large as the slide lets it be), every row above the footer."""
    page = browser.new_page(**WINDOWS[window])
    shares = {}
    for n in (1, 2, 3):
        page.goto(f"{server}/present?view=workplan_{n}")
        page.wait_for_selector(".st-key-slide .slide-table", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        space = page.wait_for_function(WORKPLAN_SPACE, timeout=30_000).json_value()
        assert space["bottom"] <= space["foot"], (n, space)  # nothing under the footer or cut by the slide
        assert space["size"] >= 14, (n, space)
        shares[n] = round((space["bottom"] - space["top"]) / (space["foot"] - space["top"]), 2)
        page.screenshot(path=str(ARTIFACTS / f"workplan_{n}_{window}.png"))
    page.close()
    assert {n: share for n, share in shares.items() if share < 0.6} == {}, shares
