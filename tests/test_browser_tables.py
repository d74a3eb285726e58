"""Real-browser test: every table of the app shows each cell whole, at a phone's, a laptop's and a meeting screen's
width, in both languages (issue #28: grids cut long cells with "…")."""

from __future__ import annotations

import pytest

from tests.walks import WINDOWS, walk

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_shows_each_cell_whole(browser, server, window, lang):
    """The scorecard, the league, the regions, an item's history, a file's preview, the template, a plan's items and
    its departments: no cell cut (a grid's row tall enough for the lines of its longest cell at its column's width,
    in its own font; a static table's text inside its cell), no table past the window, nothing reads None or nan.
    Measured on the walk tests/test_browser_widths.py checks each page's width on (tests/walks.py), a file with a
    long note (walks.NOTE) uploaded and a plan read."""
    narrow = window == "phone"
    walked = walk(browser, server, window, lang)
    assert walked.table_problems == {}
    # every table was there to measure: (grids, static tables) on each screen; on a phone the league, an item's
    # history and a plan's items are a paragraph a row (several columns do not fit 390 px), and the indicator's
    # sources fold into an expander; the preview's rows tall enough for the note's lines (walks.NOTE: 4 lines at
    # 84 px, 5 on a phone at 105 px)
    assert walked.tables == {
        "scorecard": (1, 0), "league": (0 if narrow else 1, 0), "regions": (1, 0 if narrow else 1),
        "history": (0, 0 if narrow else 1), "preview": (1, 0), "preview row height": 105 if narrow else 84,
        "template": (1, 0), "plan key works": (0, 0 if narrow else 1), "plan work items": (0, 0 if narrow else 1),
        "plan departments": (1, 0)}
