"""A sheet's header: the words analysts use for each column, the header found below any title rows (one, two or
three rows, merged groups such as 本月/累计 over 数值/同比增长（%）), what each column means, and the header a merge
leaves ambiguous."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib import units
from lib.catalog import Catalog
from lib.intake.checks import clean, parse_number
from lib.intake.guard import cell_name

# Header words analysts use, by the canonical column they mean.
HEADER_WORDS = {
    "period": ["period", "月份", "期间", "时间", "年月", "统计期", "统计月份", "日期", "month"],
    "indicator": ["indicator", "指标", "指标名称", "指标代码", "项目", "项目名称", "名称"],
    "value": ["value", "数值", "值", "本月", "本月数", "当月", "当月数", "本月完成", "当月完成", "本期", "本期数"],
    "value_ytd": ["累计", "累计数", "本年累计", "1-n月累计", "累计完成", "本年累计完成", "ytd"],
    "region": ["region", "地区", "县市区", "区域", "地区名称", "县(市、区)"],
    "unit": ["unit", "单位", "计量单位"],
    "basis": ["basis", "口径"],
    "note": ["note", "备注", "说明"],
    "ignored": ["同比", "同比增长", "同比增长(%)", "同比增速", "同比增减", "增速", "增长", "序号"],
}
HEADER_SCAN_ROWS = 15
MAX_HEADER_ROWS = 3
IMPOSSIBLE_MONTH = re.compile(r"20\d{2}\s*年\s*(?:1\s*[-–~～至]\s*)?(\d{1,3})\s*月")  # the words only a month has
PERIOD_IN_TEXT = re.compile(r"(20\d{2})\s*[-_/.年]\s*(?:1\s*[-–~～至]\s*)?(\d{1,2})\s*月?")
UNIT_IN_HEADER = re.compile(r"^(.*?)[(（]([^()（）]+)[)）]$")
# Words of a column under a merged group, as offices write them (one cell of a header path matching is enough).
GROWTH_WORDS = re.compile(r"同比|增长|增速|增幅")
IGNORED_WORDS = re.compile(r"增减|差额|上年|去年|上月|上期|环比|比重|占比|排名|序号|名次")
YTD_WORDS = re.compile(r"累计|本年|年初至|1\s*[-–~～至]\s*(\d{1,2}|n)\s*月")
MONTH_WORDS = re.compile(r"本月|当月|本期|当期")
VALUE_WORDS = re.compile(r"^(数值|值|绝对值|完成|完成值|完成数|实绩|实际|金额|数量|业务量)$")


@dataclass(frozen=True)
class Column:
    """What one column of a header means: its canonical name (or None), the header text problems are reported
    under, and what its header says besides (a unit, a month, the basis of a reported growth)."""

    meaning: str | None
    name: str
    unit: str = ""
    period: tuple[int, int] | None = None


def header_meaning(text: str) -> str | None:
    """Return the canonical column a header word means, or None."""
    key = clean(text).lower().replace(" ", "")
    for canonical, words in HEADER_WORDS.items():
        if key in (w.lower().replace(" ", "") for w in words):
            return canonical
    return None


def split_unit(text: str) -> tuple[str, str]:
    """Return (text, unit) of a header or name such as 快递业务量（万件）; the unit '' when there is none."""
    m = UNIT_IN_HEADER.match(text)
    if m and units.canonical_unit(m.group(2).strip()):
        return m.group(1).strip(), m.group(2).strip()
    return text, ""


def indicator_header(text: str, catalog: Catalog) -> tuple[str | None, str]:
    """Return (indicator id, unit) named by a wide-layout header such as 快递业务量（万件）."""
    s = clean(text)
    if not s or header_meaning(s) or header_meaning(split_unit(s)[0]):
        return None, ""
    ind = catalog.resolve_indicator(s)
    if ind:
        return ind, ""
    m = UNIT_IN_HEADER.match(s)
    if m and catalog.resolve_indicator(m.group(1)):
        return catalog.resolve_indicator(m.group(1)), m.group(2).strip()
    return None, ""


def _path_meaning(path: list[str]) -> str | None:
    """Return what a column under a (possibly merged, several-row) header means, from its header texts top down."""
    words = [split_unit(w)[0] for w in path if w]
    if not words:
        return None
    joined = "|".join(words)
    single = header_meaning(words[-1]) if len(set(words)) == 1 else None
    if single in ("indicator", "unit", "region", "basis", "note", "period"):
        return single
    if IGNORED_WORDS.search(joined):
        return "ignored"
    if GROWTH_WORDS.search(joined):
        return "growth_ytd" if YTD_WORDS.search(joined) else "growth"
    if single:
        return single
    if YTD_WORDS.search(joined):
        return "value_ytd"
    if MONTH_WORDS.search(joined) or any(VALUE_WORDS.match(w) for w in words):
        return "value"
    return header_meaning(words[-1])


def _is_header_like(row: list[str], above: list[str]) -> bool:
    """Return whether a row under a header row continues it: no numbers, each text a header word, a header's
    month, or the text above it (a merged cell read into both rows)."""
    texts = [clean(c) for c in row]
    if not any(texts):
        return False
    for text, up in zip(texts, above + [""] * (len(texts) - len(above)), strict=False):
        if not text or text == up:
            continue
        if parse_number(text) is not None:
            return False
        plain = split_unit(text)[0]
        if header_meaning(plain) or GROWTH_WORDS.search(plain) or IGNORED_WORDS.search(plain) or \
                YTD_WORDS.search(plain) or MONTH_WORDS.search(plain) or VALUE_WORDS.match(plain) or \
                PERIOD_IN_TEXT.search(plain):
            continue
        return False
    return True


def _header_paths(rows: list[list[str]]) -> list[list[str]]:
    """Return each column's header texts top down; a blank cell of an upper row under a merged group (a text to its
    left with texts below both) takes the group's text, as the merge means."""
    width = max(len(r) for r in rows)
    grid = [[clean(r[i]) if i < len(r) else "" for i in range(width)] for r in rows]
    for level in reversed(range(len(grid) - 1)):  # the lowest group first, so the one above sees it filled
        below = grid[level + 1]
        for i in range(1, width):
            if not grid[level][i] and grid[level][i - 1] and below[i] and below[i - 1]:
                grid[level][i] = grid[level][i - 1]
    paths = []
    for i in range(width):
        path: list[str] = []
        for level in range(len(grid)):
            if grid[level][i] and grid[level][i] not in path:
                path.append(grid[level][i])
        paths.append(path)
    return paths


def _columns(paths: list[list[str]]) -> dict[int, Column]:
    """Return what each header column means."""
    out = {}
    left_value = None
    for i, path in enumerate(paths):
        unit = next((u for u in (split_unit(w)[1] for w in reversed(path)) if u), "")
        period = next((p for p in (period_in(w) for w in path) if p), None)
        meaning = _path_meaning([w for w in path if not period_in(w) or header_meaning(w)])
        if meaning == "growth" and left_value == "value_ytd":  # 累计 | 同比增长（%）: the growth of the column before
            meaning = "growth_ytd"
        if meaning in ("value", "value_ytd"):
            left_value = meaning
        out[i] = Column(meaning, "·".join(path), unit, period)
    return out


def impossible_month_in(text: str) -> tuple[str, int] | None:
    """Return the words and the number of a month a text names that is no month (2021年13月, 2021年0月), or None."""
    m = IMPOSSIBLE_MONTH.search(clean(text))
    return (m.group(0), int(m.group(1))) if m and not 1 <= int(m.group(1)) <= 12 else None


def period_in(text: str) -> tuple[int, int] | None:
    """Return the month a text names (2021年8月, 2021年1-8月, 2021-08), or None."""
    m = PERIOD_IN_TEXT.search(clean(text))
    return (int(m.group(1)), int(m.group(2))) if m and 1 <= int(m.group(2)) <= 12 else None


def find_header(grid: list[list[str]], catalog: Catalog) -> tuple[int, int, dict[int, Column]] | None:
    """Return (first row, number of rows, column meanings) of the header: the first row with a recognisable layout,
    with the rows under it that continue it (merged groups over their sub-columns)."""
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if len({clean(c) for c in row} - {""}) < 2:  # a title, a note or a blank row
            continue
        depth = 1
        while depth < MAX_HEADER_ROWS and i + depth < len(grid) and \
                _is_header_like(grid[i + depth], grid[i + depth - 1]):
            depth += 1
        columns = _columns(_header_paths(grid[i:i + depth]))
        meanings = {c.meaning for c in columns.values()}
        indicators = sum(1 for c in row if indicator_header(c, catalog)[0])
        if "indicator" in meanings and meanings & {"value", "value_ytd"}:
            return i, depth, columns
        if "period" in meanings and indicators >= 1:
            return i, 1, _columns(_header_paths([row]))
    return None


def ambiguous_value_columns(columns: dict[int, Column], header_at: int, depth: int) -> dict | None:
    """Return the parameters of err_header_ambiguous when two columns of a merged header both mean this month's
    value, or both the year to date, so that which one to read cannot be told; None when the header is clear."""
    if depth < 2:
        return None  # a one-row header reads the first of each, as it always has
    seen: dict[str, int] = {}
    for i, column in columns.items():
        if column.meaning in ("value", "value_ytd"):
            if column.meaning in seen:
                return {"cell": cell_name(header_at + depth - 1, i), "name": column.name,
                        "other": columns[seen[column.meaning]].name}
            seen[column.meaning] = i
    return None
