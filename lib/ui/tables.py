"""Every table of the app, drawn by one of two functions so that no cell is ever cut at its edge.

- `grid(frame)`: the analysts' grid (st.dataframe: sorting, scrolling, thousands of rows). Its cells are drawn on a
  canvas and end in "…" where a text is wider than its column (the grid sizes a column by its first rows only); it
  wraps them only when its rows are taller than 4rem (glide-data-grid's isWrappingAllowed in Streamlit's
  DataFrame.*.js). So every column gets the width of its widest cell, at most LONG_PX, and the rows the height of
  the lines the longest text takes there, worked out with the widths of the grid's own font (14 px Noto Sans CJK SC,
  measured in chromium).
- `static_table(frame)`: a table for reading in its order (st.table: HTML whose cells wrap, lib/ui/layout.py's
  styles), for short tables of long texts (a plan's items, an item's history); a text a paragraph on a phone.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib.display import md, table_lines
from lib.ui.layout import is_narrow
from lib.ui.state import lang

# What Streamlit 1.67 gives its grid (DataFrame.*.js): 14 px type, 8 px either side of a cell's text, 3 px above,
# lines 1.4 apart; text 15 px high ("ABCi09jgqpy" in Noto Sans CJK SC); wrapping only in rows above 64 px (4rem).
FONT_PX = 14
CELL_PADDING_PX = 8
CELL_TOP_PX = 3
TEXT_HEIGHT_PX = 15
LINE_SPACING = 1.4
WRAPPING_ROW_PX = 65
SAFETY = 1.1  # a reader's font may not be ours (Microsoft YaHei, PingFang): widths estimated 10 % wide

LONG_PX = {"wide": 400, "narrow": 280}  # a long text column's width: Streamlit's "large"; inside a phone's grid
MAX_LINES = 8  # a grid's rows never taller than this many lines; a longer cell shows whole when clicked
ROWS_SHOWN = 10  # a grid of taller rows shows this many before it scrolls (as its default 400 px shows 10 of 35 px)
HEADER_PX = 35

# Widths of ASCII characters in the grid's font at 14 px, rounded up to a pixel (measured with canvas.measureText in
# chromium with fonts-noto-cjk). Any other character (Chinese, full-width punctuation, ≥, ·) is counted a full em.
_ASCII_PX = {ch: px for px, chars in {
    4: " ',.:;ijl|", 5: "!()-I[]f{}", 6: "/\\rt", 7: "\"*?sxz", 8: "0123456789#$+<=>FJLY^_acegkvy~",
    9: "ACEPRSTVXZ`bdhnopqu", 10: "&BDGK", 11: "HNOQU", 12: "Mw", 13: "%Wm", 14: "@"}.items() for ch in chars}


def text_px(text: str) -> float:
    """Return the width a text takes on one line of the grid, in pixels (with the safety margin)."""
    return SAFETY * sum(_ASCII_PX.get(ch, FONT_PX) for ch in text)


def line_count(text: str, width_px: float) -> int:
    """Return how many lines a text takes in a column of width_px, wrapped as the grid wraps it: each line as many
    characters as fit, back to the last space when the break falls inside a word; a newline starts a line."""
    room = width_px - 2 * CELL_PADDING_PX
    lines = 0
    for paragraph in text.split("\n"):
        rest = paragraph
        while True:
            lines += 1
            if text_px(rest) <= room:
                break
            end, used = 0, 0.0
            while end < len(rest) and used + text_px(rest[end]) <= room:
                used += text_px(rest[end])
                end += 1
            end = max(end, 1)  # a character wider than the column still takes a line of its own
            space = rest.rfind(" ", 0, end + 1)
            if rest[end:end + 1] != " " and space > 0:
                end = space
            rest = rest[end:].lstrip(" ")
            if not rest:
                break
    return lines


def row_height(lines: int) -> int | None:
    """Return the row height that shows `lines` lines of text whole (None for one line: the grid's own 35 px)."""
    if lines <= 1:
        return None
    needed = TEXT_HEIGHT_PX * (1 + LINE_SPACING * (lines - 1)) + 2 * CELL_TOP_PX
    return max(WRAPPING_ROW_PX, math.ceil(round(needed, 6)))  # 15 × 6.6 is 98.99999999999999 in floats


def cell_text(value: object) -> str:
    """Return a cell as the grid may write it: text as it is, a number with its thousands separators or as Python
    writes it, whichever is longer (the grid's own number format is not ours to know)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return max(str(value), f"{value:,}", key=len)


def grid_layout(frame: pd.DataFrame, narrow: bool) -> tuple[dict[str, int], int | None]:
    """Return each column's width and the row height that shows every cell whole (capped at MAX_LINES): a column as
    wide as its header or its widest cell (the grid itself sizes a column by its first rows only, and cut a longer
    cell further down), at most LONG_PX, where a longer text wraps onto as many lines as it needs."""
    most = LONG_PX["narrow" if narrow else "wide"]
    widths, lines = {}, 1
    for column in frame.columns:
        texts = [s for s in map(cell_text, frame[column]) if s]
        widest = max((text_px(s) for s in [str(column), *texts]), default=0)
        widths[str(column)] = min(most, math.ceil(widest) + 2 * CELL_PADDING_PX + 2)
        if widest + 2 * CELL_PADDING_PX > most:
            lines = max(lines, *(line_count(s, most) for s in texts))
    return widths, row_height(min(lines, MAX_LINES))


def grid(frame: pd.DataFrame, *, key: str | None = None) -> None:
    """Draw a table as a grid that sorts and scrolls, whose long texts wrap in their column instead of ending in
    "…" (cells as given: pass them through display.shown so nothing reads None or nan)."""
    widths, rows = grid_layout(frame, is_narrow())
    config = {name: st.column_config.Column(width=px) for name, px in widths.items()}
    height = "auto" if rows is None else HEADER_PX + rows * min(len(frame), ROWS_SHOWN) + 2
    st.dataframe(frame, hide_index=True, column_config=config, row_height=rows, key=key, height=height)


def static_table(frame: pd.DataFrame) -> None:
    """Draw a table for reading in its order: every cell wraps (a text a paragraph on a phone, where several
    columns do not fit); cells are made inert for Markdown."""
    if is_narrow():
        st.markdown(table_lines(frame, lang()))
        return
    st.table(frame.map(lambda v: md(v) if isinstance(v, str) else v), hide_index=True, border="horizontal")
