"""Real-browser test: every page at a phone's, a laptop's and a desktop's width, in both languages."""

from __future__ import annotations

import pytest

from tests.browsing import ARTIFACTS, wait_until_drawn
from tests.walks import PAGES, WINDOWS, walk

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_at_every_width(browser, server, window, lang):
    """Phone, laptop and desktop, both languages: nothing overflows, is cut, or is drawn over other text; the
    overview's answer is on the first screen; a phone gets no chart mode bar. Each page as a link first opens it
    (tests/walks.py: the walk tests/test_browser_tables.py measures the tables of)."""
    walked = walk(browser, server, window, lang)
    assert list(walked.pages) == list(PAGES)
    problems = {path: seen["measure"] for path, seen in walked.pages.items()
                if seen["measure"]["overflow"] > 0 or any(seen["measure"][k] for k in ("cut", "overlaps", "offscreen"))}
    if window == "phone":
        mode_bars = {path: seen["mode_bars"] for path, seen in walked.pages.items()
                     if not set(seen["mode_bars"]) <= {"false"}}
        assert mode_bars == {}
    answer = walked.pages["overview"]["answer"]
    assert answer and answer["y"] + answer["height"] <= WINDOWS[window]["viewport"]["height"], "answer below the fold"
    assert problems == {} and walked.errors == []


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
