"""Where the values are in a sheet's cells: the header words analysts use, finding the header (one, two or three rows,
merged groups such as 本月/累计 over 数值/同比增长（%）) below any title rows, the long, wide and bulletin layouts, the
month and region of a sheet from its title, its sheet name or the file name, units in their own column, in the
header, in a title row or in the indicator's name, rows that are not data (其中 sub-items, blank rows, footers), and
to_raw, which turns the cells into one raw record (texts as found) per reported value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import units
from lib.catalog import Catalog
from lib.intake.checks import clean, clean_column, parse_number
from lib.intake.guard import cell_name
from lib.problems import Problem

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
PERIOD_IN_TEXT = re.compile(r"(20\d{2})\s*[-_/.年]\s*(?:1\s*[-–~～至]\s*)?(\d{1,2})\s*月?")
YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年?")
MONTH_IN_SHEET = re.compile(r"^(?:(20\d{2})\s*[-_/.年]?\s*)?(?:1\s*[-–~～至]\s*)?(\d{1,2})\s*月")
UNIT_IN_HEADER = re.compile(r"^(.*?)[(（]([^()（）]+)[)）]$")
UNIT_IN_TITLE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；)）]+)")
# Words of a column under a merged group, as offices write them (one cell of a header path matching is enough).
GROWTH_WORDS = re.compile(r"同比|增长|增速|增幅")
IGNORED_WORDS = re.compile(r"增减|差额|上年|去年|上月|上期|环比|比重|占比|排名|序号|名次")
YTD_WORDS = re.compile(r"累计|本年|年初至|1\s*[-–~～至]\s*(\d{1,2}|n)\s*月")
MONTH_WORDS = re.compile(r"本月|当月|本期|当期")
VALUE_WORDS = re.compile(r"^(数值|值|绝对值|完成|完成值|完成数|实绩|实际|金额|数量|业务量)$")
# Rows that are not data: sub-items of the row above, and the footer under the table.
SUB_ITEM = re.compile(r"^(其中|含|包括|内含)\s*[:：]?\s*(.*)$")
FOOTER = re.compile(r"^(填报单位|填报人|填表人|审核人|审核|负责人|单位负责人|统计负责人|制表人|制表|填报日期|填表日期|"
                    r"报出日期|联系电话|联系人|注|说明|备注|数据来源|资料来源)\s*\d*\s*[:：]")
# to_raw's columns: a record's position in the file, its texts, and the column its value came from
RAW_COLUMNS = ["pos", "period", "indicator", "value", "region", "unit", "basis", "note", "value_col", "growth"]


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


def _split_unit(text: str) -> tuple[str, str]:
    """Return (text, unit) of a header or name such as 快递业务量（万件）; the unit '' when there is none."""
    m = UNIT_IN_HEADER.match(text)
    if m and units.canonical_unit(m.group(2).strip()):
        return m.group(1).strip(), m.group(2).strip()
    return text, ""


def _indicator_header(text: str, catalog: Catalog) -> tuple[str | None, str]:
    """Return (indicator id, unit) named by a wide-layout header such as 快递业务量（万件）."""
    s = clean(text)
    if not s or header_meaning(s) or header_meaning(_split_unit(s)[0]):
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
    words = [_split_unit(w)[0] for w in path if w]
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
        plain = _split_unit(text)[0]
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
        unit = next((u for u in (_split_unit(w)[1] for w in reversed(path)) if u), "")
        period = next((p for p in (_period_in(w) for w in path) if p), None)
        meaning = _path_meaning([w for w in path if not _period_in(w) or header_meaning(w)])
        if meaning == "growth" and left_value == "value_ytd":  # 累计 | 同比增长（%）: the growth of the column before
            meaning = "growth_ytd"
        if meaning in ("value", "value_ytd"):
            left_value = meaning
        out[i] = Column(meaning, "·".join(path), unit, period)
    return out


def _period_in(text: str) -> tuple[int, int] | None:
    """Return the month a text names (2021年8月, 2021年1-8月, 2021-08), or None."""
    m = PERIOD_IN_TEXT.search(clean(text))
    return (int(m.group(1)), int(m.group(2))) if m and 1 <= int(m.group(2)) <= 12 else None


def _find_header(grid: list[list[str]], catalog: Catalog) -> tuple[int, int, dict[int, Column]] | None:
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
        indicators = sum(1 for c in row if _indicator_header(c, catalog)[0])
        if "indicator" in meanings and meanings & {"value", "value_ytd"}:
            return i, depth, columns
        if "period" in meanings and indicators >= 1:
            return i, 1, _columns(_header_paths([row]))
    return None


def _period_from_context(title_rows: list[list[str]], sheet: str, file_name: str) -> tuple[int, int] | None:
    """Return the month a bulletin is about, from its title rows, else its sheet name (its year from the title or
    the file name when the sheet says only 8月), else its file name."""
    titles = " ".join(" ".join(dict.fromkeys(r)) for r in title_rows)
    found = _period_in(titles)
    if found:
        return found
    sheet_month = sheet_period(sheet, titles + " " + file_name)
    if sheet_month:
        return sheet_month
    return _period_in(file_name)


def sheet_period(sheet: str, year_hints: str = "") -> tuple[int, int] | None:
    """Return the month a sheet name names (8月, 2021年8月, 8月快报, 2021-08), its year from year_hints when the
    name has none; None when the name is not a month or no year is found."""
    name = clean(sheet)
    full = _period_in(name)
    if full:
        return full
    m = MONTH_IN_SHEET.match(name)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    year = m.group(1) or next(iter(YEAR_IN_TEXT.findall(clean(year_hints))), None)
    return (int(year), int(m.group(2))) if year else None


def _region_from_titles(texts: list[str], catalog: Catalog) -> str | None:
    """Return the region a title or sheet name names (昆山市邮政行业运行情况 → 昆山市; the plan's city → the city), or
    None."""
    names = sorted({alias for region, row in catalog.regions.iterrows() for alias in (region, *row["aliases"])},
                   key=len, reverse=True)
    for text in texts:
        s = clean(text)
        for name in names:
            if name and name in s:
                return catalog.normalize_region(name)
        if "全市" in s or any(city and city in s for city in catalog.city_names()):
            return ""
    return None


def _unit_from_titles(title_rows: list[list[str]]) -> str:
    """Return the unit a title row gives the whole table (单位：万件), or ''."""
    for row in title_rows:
        for cell in dict.fromkeys(row):
            m = UNIT_IN_TITLE.search(clean(cell))
            if m and units.canonical_unit(m.group(1)):
                return m.group(1)
    return ""


def all_blank(cells: pd.DataFrame) -> bool:
    """Return whether no cell of the file has any text."""
    return all((clean_column(cells[c]) == "").all() for c in cells.columns)


def _blank_values(file_name: str, column: str, positions: np.ndarray) -> Problem:
    """Return the warning naming the rows whose value is blank in a column: not loaded, said so."""
    return Problem(file_name, "warn_blank_values", severity="warning", column=column or None,
                   params={"name": column, "rows": _row_ranges([int(p) + 1 for p in positions]),
                           "count": len(positions)})


def _row_ranges(rows: list[int]) -> str:
    """Return 1-based row numbers as ranges: 5–6、9."""
    parts, start = [], None
    for i, n in enumerate(rows):
        if start is None:
            start = n
        if i + 1 == len(rows) or rows[i + 1] != n + 1:
            parts.append(f"{start}" if start == n else f"{start}–{n}")
            start = None
    return "、".join(parts)


def _not_data(body: pd.DataFrame, indicator_col: int | None, catalog: Catalog,
              file_name: str, names: np.ndarray | None = None) -> tuple[np.ndarray, pd.Series | None, list[Problem]]:
    """Return (which body rows are data, the indicator column with sub-items that name a known indicator read as
    it (None when no sub-item changed it), warnings listing the rows skipped): 其中/含/包括 sub-items, blank rows
    inside the table, and the footer."""
    n = len(body)
    keep = np.ones(n, dtype=bool)
    if n == 0 or not len(body.columns):
        return keep, None, []
    positions = body.index.to_numpy()
    first = body[body.columns[0]]
    blank = (first == "").to_numpy().copy()
    maybe = np.flatnonzero(blank)  # a row is blank when every cell is: only rows whose first cell is are looked at
    if len(maybe) and len(body.columns) > 1:
        rest = body.iloc[maybe, 1:]
        blank[maybe] = np.logical_and.reduce([(rest[c] == "").to_numpy() for c in rest.columns])
    footer = np.zeros(n, dtype=bool)
    colon = first.str.contains(":", regex=False) | first.str.contains("：", regex=False)
    for i in np.flatnonzero(colon.to_numpy()):  # a footer says 填报单位：…
        footer[i] = bool(FOOTER.match(clean(first.iat[i])))
    for i in np.flatnonzero((first == "").to_numpy() & ~blank):  # a row starting further right: its first text
        text = next((clean(c) for c in body.iloc[i].tolist() if clean(c)), "")
        footer[i] = bool(FOOTER.match(text))
    footer_at = int(np.argmax(footer)) if footer.any() else None
    notes: list[Problem] = []
    data_end = n if footer_at is None else footer_at
    filled = np.flatnonzero(~blank[:data_end])
    inner_blank = np.flatnonzero(blank[:filled[-1]]) if len(filled) else np.zeros(0, dtype=int)
    if footer_at is not None:
        keep[footer_at:] = False
        notes.append(Problem(file_name, "warn_footer_rows", severity="warning", params={
            "rows": _row_ranges([int(p) + 1 for p in positions[footer_at:]])}))
    if len(inner_blank):
        notes.append(Problem(file_name, "warn_blank_rows", severity="warning", params={
            "rows": _row_ranges([int(p) + 1 for p in positions[inner_blank]])}))
    keep &= ~blank
    if indicator_col is None:
        return keep, None, notes
    indicator = body[indicator_col]
    subs = {u: m for u in (pd.unique(indicator) if names is None else names) if (m := SUB_ITEM.match(clean(u)))}
    if not subs:
        return keep, None, notes  # the column as it is
    indicator = indicator.copy()
    texts = indicator.tolist()
    sub_rows = []
    i = 0
    while i < n:
        m = subs.get(texts[i]) if keep[i] else None
        if m is None:
            i += 1
            continue
        if m.group(2) and catalog.resolve_indicator(_split_unit(m.group(2))[0]):
            indicator.iloc[i] = m.group(2)  # a sub-item that is an indicator of its own is read as one
            i += 1
            continue
        sub_rows.append(i)
        i += 1
        while i < n and keep[i]:  # indented rows under it are its further items
            raw_text, text = texts[i], clean(texts[i])
            indented = raw_text != raw_text.lstrip(" \t\u3000\u00a0") or text.startswith(("—", "-", "·"))
            if not indented or catalog.resolve_indicator(_split_unit(text)[0]) or texts[i] in subs:
                break
            sub_rows.append(i)
            i += 1
    if sub_rows:
        keep[sub_rows] = False
        notes.append(Problem(file_name, "warn_sub_items", severity="warning", params={
            "rows": _row_ranges([int(p) + 1 for p in positions[sub_rows]])}))
    return keep, indicator, notes


def _units_from_names(indicator: pd.Series, unit: pd.Series, catalog: Catalog,
                      names: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Return the indicator and unit columns with a unit written in the indicator's name (快递业务量（万件）) moved to
    the unit column where that is blank (a unit cell that says otherwise is kept, and checked). names: the column's
    distinct values, when known."""
    found = {}
    for text in pd.unique(indicator) if names is None else names:
        s = clean(text)
        if s and catalog.resolve_indicator(s) is None:
            stem, in_name = _split_unit(s)
            if in_name and catalog.resolve_indicator(stem):
                found[text] = (stem, in_name)
    if not found:
        return indicator, unit
    named = indicator.isin(list(found))
    name_unit = indicator.map(lambda s: found.get(s, ("", ""))[1])
    unit = unit.where(~named | (clean_column(unit) != ""), name_unit)
    indicator = indicator.where(~named, indicator.map(lambda s: found.get(s, (s, ""))[0]))
    return indicator, unit


def to_raw(cells: pd.DataFrame, catalog: Catalog, file_name: str,
           sheet: str = "") -> tuple[pd.DataFrame, dict[int, dict], str | None, list[Problem]]:
    """Return one raw record per reported value (texts as found, in file order), the header names its
    problems are reported under (by value column), the layout, and sheet-level problems (errors refuse the sheet;
    warnings list rows that are not data)."""
    head = cells.head(HEADER_SCAN_ROWS + MAX_HEADER_ROWS).values.tolist()
    found = _find_header(head, catalog)
    if found is None:
        seen = ", ".join(dict.fromkeys(c for row in head[:3] for c in row if c))[:200]
        return pd.DataFrame(columns=RAW_COLUMNS), {}, None, [Problem(file_name, "err_no_header",
                                                                       params={"found": seen})]
    header_at, depth, columns = found
    titles = head[:header_at]
    cols = {}
    for i, column in columns.items():  # the first column of each meaning counts
        if column.meaning and column.meaning not in cols:
            cols[column.meaning] = i
    body = cells.iloc[header_at + depth:]
    blank = pd.Series("", index=body.index, dtype="str")

    def column(name: str) -> pd.Series:
        return body[cols[name]] if name in cols else blank

    def header(name: str, default: str) -> str:
        return columns[cols[name]].name if name in cols else default

    def names(indicator: str, value: str, unit: str) -> dict:
        return {"period": header("period", ""), "indicator": indicator, "value": value, "unit": unit,
                "region": header("region", "region"), "basis": header("basis", "basis")}

    region = column("region")
    if "region" not in cols:
        from_title = _region_from_titles([" ".join(r) for r in titles] + [sheet], catalog)
        if from_title:
            region = pd.Series(from_title, index=body.index, dtype="str")
    title_unit = _unit_from_titles(titles)

    if "indicator" in cols:
        layout = "long" if "period" in cols else "bulletin"
        distinct = pd.unique(body[cols["indicator"]])  # (once: both passes over the names read the distinct ones)
        keep_rows, indicator, notes = _not_data(body, cols["indicator"], catalog, file_name, distinct)
        distinct = distinct if indicator is None else None  # sub-items renamed: their names are read again
        indicator = indicator if indicator is not None else column("indicator")
        period = column("period")
        if layout == "bulletin":
            month = next((c.period for c in columns.values() if c.period), None) or \
                _period_from_context(titles, sheet, file_name)
            if month is None:
                return pd.DataFrame(columns=RAW_COLUMNS), {}, layout, [Problem(file_name, "err_bulletin_period")]
            period = pd.Series(f"{month[0]}-{month[1]:02d}", index=body.index, dtype="str")
        ambiguous = _ambiguous_value_columns(columns, header_at, depth)
        if ambiguous:
            return pd.DataFrame(columns=RAW_COLUMNS), {}, layout, [Problem(file_name, "err_header_ambiguous",
                                                                           params=ambiguous)]
        value_cols = [cols[c] for c in ("value", "value_ytd") if c in cols]
        unit = column("unit")
        if "unit" not in cols:
            header_unit = {i: columns[i].unit or title_unit for i in value_cols}
            unit_col = None
        else:
            header_unit, unit_col = {}, cols["unit"]
        names_by_col = {i: names(header("indicator", "indicator"), columns[i].name, header("unit", "unit"))
                        for i in value_cols}
        for meaning, growth_of in (("growth", "value"), ("growth_ytd", "value_ytd")):
            if meaning in cols and growth_of in cols:
                names_by_col[cols[growth_of]]["growth"] = columns[cols[meaning]].name
        if "value_ytd" in cols:
            use_ytd = (clean_column(body[cols["value_ytd"]]) != "") | ("value" not in cols)
        else:
            use_ytd = pd.Series(False, index=body.index)
        value = column("value").where(~use_ytd, column("value_ytd"))
        growth = column("growth").where(~use_ytd, column("growth_ytd"))
        if unit_col is None:
            month_unit = header_unit.get(cols.get("value", -1), title_unit)
            ytd_unit = header_unit.get(cols.get("value_ytd", -1), title_unit)
            unit = pd.Series(month_unit, index=body.index, dtype="str").where(~use_ytd, ytd_unit)
        indicator, unit = _units_from_names(indicator, unit, catalog, distinct)
        filled = (clean_column(value) != "").to_numpy()
        keep = filled & keep_rows  # a blank value is "not reported": named, never dropped without a word
        use_ytd = use_ytd.to_numpy()
        for meaning in ("value", "value_ytd"):
            blank_at = np.flatnonzero(~filled & keep_rows & (use_ytd == (meaning == "value_ytd")))
            if meaning in cols and len(blank_at):
                notes.append(_blank_values(file_name, columns[cols[meaning]].name, body.index.to_numpy()[blank_at]))
        every = keep.all()  # (a million rows of text are not copied to keep them all)
        raw = pd.DataFrame({
            "pos": body.index.to_numpy(), "period": period, "indicator": indicator, "value": value,
            "region": region, "unit": unit, "basis": column("basis").where(~use_ytd, "ytd") if use_ytd.any()
            else column("basis"), "note": column("note"),
            "value_col": np.where(use_ytd, cols.get("value_ytd", -1), cols.get("value", -1)), "growth": growth})
        raw = raw if every else raw[keep]
        return raw.reset_index(drop=True), names_by_col, layout, notes

    header_row = [clean(c) for c in head[header_at]]
    indicator_cols = {i: _indicator_header(h, catalog) for i, h in enumerate(header_row)}
    indicator_cols = {i: v for i, v in indicator_cols.items() if v[0]}
    keep_rows, _, notes = _not_data(body, None, catalog, file_name)
    parts, names_by_col = [], {}
    for i, (ind, unit) in indicator_cols.items():
        keep = (clean_column(body[i]) != "").to_numpy() & keep_rows  # a blank cell in a wide sheet is "not reported"
        if (blank_at := np.flatnonzero(~keep & keep_rows)).size:
            notes.append(_blank_values(file_name, header_row[i], body.index.to_numpy()[blank_at]))
        names_by_col[i] = names(header_row[i], header_row[i], header_row[i])
        parts.append(pd.DataFrame({
            "pos": body.index.to_numpy()[keep], "period": column("period")[keep],
            "indicator": pd.Series(ind, index=body.index, dtype="str")[keep], "value": body[i][keep],
            "region": region[keep], "unit": pd.Series(unit or title_unit, index=body.index, dtype="str")[keep],
            "basis": column("basis")[keep], "note": column("note")[keep], "value_col": i,
            "growth": blank[keep]}))
    raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RAW_COLUMNS)
    return raw.sort_values(["pos", "value_col"], kind="stable").reset_index(drop=True), names_by_col, "wide", notes


def _ambiguous_value_columns(columns: dict[int, Column], header_at: int, depth: int) -> dict | None:
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
