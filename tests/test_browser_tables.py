"""Real-browser test: every table of the app shows each cell whole, at a phone's, a laptop's and a meeting screen's
width, in both languages (issue #28: grids cut long cells with "…")."""

from __future__ import annotations

import pytest

from lib.i18n import t
from tests.browsing import ARTIFACTS, GRID_CELLS, MEASURE, STATIC_CELLS, wait_until_drawn
from tests.conftest import REPO
from tests.test_browser_widths import WINDOWS

pytestmark = pytest.mark.browser

# A month's file an office could write, with a long note: 75 characters, 15.4 px each as lib/ui/tables.py counts
# them (14 px and its 10 % margin): 24 a line in a 400 px column (384 px inside its padding), so 4 lines, rows of
# 15 × (1 + 1.4 × 3) + 6 = 84 px; 17 a line in a phone's 280 px column, so 5 lines, rows of
# 15 × (1 + 1.4 × 4) + 6 = 105 px.
NOTE = ("本月数据含苏州工业园区、高新区两个功能区的快递网点补报数据，其中园区部分按照市局十月通知口径重新核算后报送，"
        "与上月口径一致，高新区数据为快递协会汇总数")
FILE = f"period,indicator,value,region,unit,basis,note\n2021-11,express_volume,2.1,,亿件,,{NOTE}\n" \
       "2021-11,green_outlets,29,,个,,\n"


def grids_and_tables(page) -> tuple[list[dict], list[dict]]:
    """Return the page's grids and static tables as measured, once the run has finished."""
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(600)
    return page.evaluate(GRID_CELLS), page.evaluate(STATIC_CELLS)


def open_expander(page, label: str) -> None:
    page.locator('[data-testid="stExpander"] summary').filter(has_text=label).first.click()


def upload(page, path) -> None:
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_shows_each_cell_whole(browser, server, window, lang, tmp_path):
    """The scorecard, the league, the regions, an item's history, a file's preview, the template, a plan's items and
    its departments: no cell cut (a grid's row tall enough for the lines of its longest cell at its column's width,
    in its own font; a static table's text inside its cell), no table past the window, nothing reads None or nan."""
    narrow = window == "phone"
    csv = tmp_path / "november.csv"
    csv.write_text(FILE, encoding="utf-8")
    page = browser.new_page(**WINDOWS[window])
    seen, problems = {}, {}

    def measure(name: str) -> None:
        grids, tables = grids_and_tables(page)
        seen[name] = (len(grids), len(tables))
        for found in grids + tables:
            bad = {k: found[k] for k in ("cut", "missing", "wide", "offscreen") if found.get(k)}
            if bad:
                problems[f"{name} {found['columns'][:3]}"] = bad
        page_measure = page.evaluate(MEASURE)
        cut = [text for text in page_measure["cut"] if text != "add icon"]  # the uploader's own "+" (a glyph's name)
        if page_measure["overflow"] > 0 or cut:
            problems[name] = {"overflow": page_measure["overflow"], "cut": cut}
        if name in ("preview",):
            seen["preview row height"] = grids[0]["rowHeight"]
        shown = page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]')
        for i in range(shown.count()):
            if shown.nth(i).is_visible():
                shown.nth(i).screenshot(path=str(ARTIFACTS / f"tables_{window}_{lang}_{name}_{i}.png"))
        page.screenshot(path=str(ARTIFACTS / f"tables_{window}_{lang}_{name}.png"), full_page=True)

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/overview?lang={lang}")
    wait_until_drawn(page, 1)
    open_expander(page, t("table_title", lang))
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    measure("scorecard")
    page.goto(f"{server}/departments?lang={lang}")
    wait_until_drawn(page)
    measure("league")
    page.goto(f"{server}/indicator?id=express_volume&lang={lang}")
    wait_until_drawn(page, 1)
    measure("regions")
    page.goto(f"{server}/tracker?lang={lang}")
    wait_until_drawn(page)
    open_expander(page, t("item_history", lang))
    page.wait_for_timeout(1000)
    measure("history")
    page.goto(f"{server}/upload?lang={lang}")
    wait_until_drawn(page)
    upload(page, csv)
    page.get_by_text(t("preview", lang), exact=True).wait_for(timeout=30_000)
    measure("preview")
    page.locator('[data-testid="stTab"]').nth(1).click()
    measure("template")
    page.goto(f"{server}/plan?lang={lang}")
    wait_until_drawn(page)
    upload(page, REPO / "tests" / "fixtures" / "plan_2022.txt")
    page.get_by_role("tab", name=t("plan_count_work_items", lang), exact=True).wait_for(timeout=30_000)
    measure("plan key works")
    page.get_by_role("tab", name=t("plan_count_work_items", lang), exact=True).click()
    measure("plan work items")
    page.get_by_role("tab", name=t("plan_departments", lang), exact=True).click()
    measure("plan departments")
    page.close()

    assert problems == {}
    # every table was there to measure: (grids, static tables) on each screen; on a phone the league, an item's
    # history and a plan's items are a paragraph a row (several columns do not fit 390 px), and the indicator's
    # sources fold into an expander
    assert seen == {"scorecard": (1, 0), "league": (0 if narrow else 1, 0), "regions": (1, 0 if narrow else 1),
                    "history": (0, 0 if narrow else 1), "preview": (1, 0), "preview row height": 105 if narrow else 84,
                    "template": (1, 0), "plan key works": (0, 0 if narrow else 1),
                    "plan work items": (0, 0 if narrow else 1), "plan departments": (1, 0)}
