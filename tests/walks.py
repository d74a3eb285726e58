"""One walk through the app's pages at a window and in a language, shared by the tests of each page's width
(tests/test_browser_widths.py) and of each table's cells (tests/test_browser_tables.py): each page is opened by its
address once, as a link opens it, measured as it first shows, then its tables are opened and measured. The walk only
measures; the tests assert. It is walked once per test process (tests/conftest.py sends both tests of a window and
language to the same worker), as each page's load is most of what either test costs."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lib.i18n import t
from tests.browsing import ARTIFACTS, GRID_CELLS, MEASURE, MODE_BARS, STATIC_CELLS, wait_until_drawn
from tests.conftest import REPO

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

# A month's file an office could write, with a long note: 75 characters, 15.4 px each as lib/ui/tables.py counts
# them (14 px and its 10 % margin): 24 a line in a 400 px column (384 px inside its padding), so 4 lines, rows of
# 15 × (1 + 1.4 × 3) + 6 = 84 px; 17 a line in a phone's 280 px column, so 5 lines, rows of
# 15 × (1 + 1.4 × 4) + 6 = 105 px.
NOTE = ("本月数据含苏州工业园区、高新区两个功能区的快递网点补报数据，其中园区部分按照市局十月通知口径重新核算后报送，"
        "与上月口径一致，高新区数据为快递协会汇总数")
FILE = f"period,indicator,value,region,unit,basis,note\n2021-11,express_volume,2.1,,亿件,,{NOTE}\n" \
       "2021-11,green_outlets,29,,个,,\n"


@dataclass
class Walk:
    """What one walk measured. pages: each page as it first showed (MEASURE's findings, the phone's chart mode bars,
    the overview's answer's box); errors: the page's script errors all along; tables: each table's name and the
    (grids, static tables) found there; table_problems: cells cut, missing or wide, tables off the window."""

    pages: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    tables: dict[str, object] = field(default_factory=dict)
    table_problems: dict[str, dict] = field(default_factory=dict)


_WALKED: dict[tuple[str, str, str], Walk] = {}


def walk(browser, server: str, window: str, lang: str) -> Walk:
    """Return the walk of the app at `window` in `lang`, walked once per test process."""
    key = (server, window, lang)
    if key not in _WALKED:
        _WALKED[key] = _walk(browser, server, window, lang)
    return _WALKED[key]


def _walk(browser, server: str, window: str, lang: str) -> Walk:
    ARTIFACTS.mkdir(exist_ok=True)
    found = Walk()
    page = browser.new_page(**WINDOWS[window])
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))
    tables = _Tables(page, window, lang, found)
    for path, charts in PAGES.items():
        page.goto(f"{server}/{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_until_drawn(page, charts)
        seen = {"measure": page.evaluate(MEASURE)}
        if window == "phone":
            seen["mode_bars"] = page.evaluate(MODE_BARS)
        page.screenshot(path=str(ARTIFACTS / f"{window}_{lang}_{path.replace('?', '_').replace('=', '')}.png"))
        if path == "overview":
            seen["answer"] = _answer_box(page, lang)
        found.pages[path] = seen
        tables.after(path)
    page.close()
    return found


def _answer_box(page, lang: str) -> dict | None:
    """Return where the overview's answer ("截至2021年10月，…") is drawn."""
    # the latest month: October, or November once the GBK test has stored its file
    first_words = r"^截至2021年\d+月，" if lang == "zh" else r"^As of \w{3} 2021: "
    return page.get_by_text(re.compile(first_words)).first.bounding_box()


class _Tables:
    """The tables' part of the walk: on each page that has them, opens them and measures their cells."""

    def __init__(self, page, window: str, lang: str, found: Walk):
        self.page, self.window, self.lang, self.found = page, window, lang, found

    def after(self, path: str) -> None:
        page, lang = self.page, self.lang
        if path == "overview":
            self.open_expander(t("table_title", lang))
            page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
            self.measure("scorecard")
        elif path == "indicator?id=express_volume":
            self.measure("regions")
        elif path == "departments":
            self.measure("league")
        elif path == "tracker":
            self.open_expander(t("item_history", lang))
            page.wait_for_timeout(1000)
            self.measure("history")
        elif path == "upload":
            with tempfile.TemporaryDirectory() as folder:
                csv = Path(folder) / "november.csv"
                csv.write_text(FILE, encoding="utf-8")
                self.upload(csv)
                page.get_by_text(t("preview", lang), exact=True).wait_for(timeout=30_000)
            self.measure("preview")
            page.locator('[data-testid="stTab"]').nth(1).click()
            self.measure("template")
        elif path == "plan":
            self.upload(REPO / "tests" / "fixtures" / "plan_2022.txt")
            items = page.get_by_role("tab", name=t("plan_count_work_items", lang), exact=True)
            items.wait_for(timeout=30_000)
            self.measure("plan key works")
            items.click()
            self.measure("plan work items")
            page.get_by_role("tab", name=t("plan_departments", lang), exact=True).click()
            self.measure("plan departments")

    def open_expander(self, label: str) -> None:
        self.page.locator('[data-testid="stExpander"] summary').filter(has_text=label).first.click()

    def upload(self, path: Path) -> None:
        self.page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))

    def measure(self, name: str) -> None:
        """Measure the grids and static tables shown once the run has finished; screenshot each and the page."""
        page, window, lang, found = self.page, self.window, self.lang, self.found
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(600)
        grids, statics = page.evaluate(GRID_CELLS), page.evaluate(STATIC_CELLS)
        found.tables[name] = (len(grids), len(statics))
        for table in grids + statics:
            bad = {k: table[k] for k in ("cut", "missing", "wide", "offscreen") if table.get(k)}
            if bad:
                found.table_problems[f"{name} {table['columns'][:3]}"] = bad
        page_measure = page.evaluate(MEASURE)
        cut = [text for text in page_measure["cut"] if text != "add icon"]  # the uploader's own "+" (a glyph's name)
        if page_measure["overflow"] > 0 or cut:
            found.table_problems[name] = {"overflow": page_measure["overflow"], "cut": cut}
        if name == "preview":
            found.tables["preview row height"] = grids[0]["rowHeight"]
        shown = page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]')
        for i in range(shown.count()):
            if shown.nth(i).is_visible():
                shown.nth(i).screenshot(path=str(ARTIFACTS / f"tables_{window}_{lang}_{name}_{i}.png"))
        page.screenshot(path=str(ARTIFACTS / f"tables_{window}_{lang}_{name}.png"), full_page=True)
