"""Where the values are in a sheet's cells, under the header header.py finds: the long, wide and bulletin layouts, the
month and region of a sheet from its title, its sheet name or the file name, units in their own column, in the
header, in a title row or in the indicator's name, rows that are not data (其中 sub-items, blank rows, footers), and
to_raw, which turns the cells into one raw record (texts as found) per reported value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from lib import units
from lib.catalog import Catalog
from lib.intake.checks import clean, clean_column, constant_text, distinct_cells, filled_cells
from lib.intake.header import (
    HEADER_SCAN_ROWS,
    MAX_HEADER_ROWS,
    Column,
    ambiguous_value_columns,
    find_header,
    impossible_month_in,
    indicator_header,
    period_in,
    split_unit,
)
from lib.problems import Problem

YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年?")
MONTH_IN_SHEET = re.compile(r"^(?:(20\d{2})\s*[-_/.年]?\s*)?(?:1\s*[-–~～至]\s*)?(\d{1,2})\s*月")
UNIT_IN_TITLE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；)）]+)")
# Rows that are not data: sub-items of the row above, and the footer under the table.
SUB_ITEM = re.compile(r"^(其中|含|包括|内含)\s*[:：]?\s*(.*)$")
FOOTER = re.compile(r"^(填报单位|填报人|填表人|审核人|审核|负责人|单位负责人|统计负责人|制表人|制表|填报日期|填表日期|"
                    r"报出日期|联系电话|联系人|注|说明|备注|数据来源|资料来源)\s*\d*\s*[:：]")
# to_raw's columns: a record's position in the file, its texts, and the column its value came from
RAW_COLUMNS = ["pos", "period", "indicator", "value", "region", "unit", "basis", "note", "value_col", "growth"]


def _no_month(title_rows: list[list[str]], sheet: str, file_name: str) -> Problem:
    """Return why a bulletin has no month: one its title, sheet or file name gives that is no month (2021年13月), or
    none given."""
    for text in (" ".join(" ".join(r) for r in title_rows), sheet, file_name):
        impossible = impossible_month_in(text)
        if impossible:
            return Problem(file_name, "err_bulletin_month_impossible", params={"text": impossible[0],
                                                                               "month": impossible[1]})
    return Problem(file_name, "err_bulletin_period")


def _period_from_context(title_rows: list[list[str]], sheet: str, file_name: str) -> tuple[int, int] | None:
    """Return the month a bulletin is about, from its title rows, else its sheet name (its year from the title or
    the file name when the sheet says only 8月), else its file name."""
    titles = " ".join(" ".join(dict.fromkeys(r)) for r in title_rows)
    found = period_in(titles)
    if found:
        return found
    sheet_month = sheet_period(sheet, titles + " " + file_name)
    if sheet_month:
        return sheet_month
    return period_in(file_name)


def sheet_period(sheet: str, year_hints: str = "") -> tuple[int, int] | None:
    """Return the month a sheet name names (8月, 2021年8月, 8月快报, 2021-08), its year from year_hints when the
    name has none; None when the name is not a month or no year is found."""
    name = clean(sheet)
    full = period_in(name)
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
    blank, footer_at = _blank_rows_and_footer(body)
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
    indicator, sub_rows = _sub_items(body[indicator_col], keep, catalog, names)
    if sub_rows:
        keep[sub_rows] = False
        notes.append(Problem(file_name, "warn_sub_items", severity="warning", params={
            "rows": _row_ranges([int(p) + 1 for p in positions[sub_rows]])}))
    return keep, indicator, notes


def _blank_rows_and_footer(body: pd.DataFrame) -> tuple[np.ndarray, int | None]:
    """Return which body rows are blank (every cell), and where the footer starts (填报单位：…, its first text
    further right in a row whose first cell is blank), or None."""
    n = len(body)
    first = body[body.columns[0]]
    blank = (first == "").to_numpy().copy()
    maybe = np.flatnonzero(blank)  # a row is blank when every cell is: only rows whose first cell is are looked at
    if len(maybe) and len(body.columns) > 1:
        rest = body.iloc[maybe, 1:]
        blank[maybe] = np.logical_and.reduce([(rest[c] == "").to_numpy() for c in rest.columns])
    footer = np.zeros(n, dtype=bool)
    colon = first.str.contains(":", regex=False) | first.str.contains("：", regex=False) if _may_hold(
        first, (b":", "：".encode())) else pd.Series(False, index=first.index)
    for i in np.flatnonzero(colon.to_numpy()):  # a footer says 填报单位：…
        footer[i] = bool(FOOTER.match(clean(first.iat[i])))
    for i in np.flatnonzero((first == "").to_numpy() & ~blank):  # a row starting further right: its first text
        text = next((clean(c) for c in body.iloc[i].tolist() if clean(c)), "")
        footer[i] = bool(FOOTER.match(text))
    return blank, (int(np.argmax(footer)) if footer.any() else None)


def _may_hold(column: pd.Series, needles: tuple[bytes, ...]) -> bool:
    """Return False when no cell of a text column can hold any of the needles: its Arrow buffers (a million cells'
    bytes, searched at memchr's pace) hold none. True when they may, or the column is not held by Arrow."""
    try:
        chunks = pa.chunked_array(column.array._pa_array).chunks  # (the cells' bytes, as the reader left them)
    except (AttributeError, TypeError, pa.ArrowException):
        return True
    for chunk in chunks:
        if not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
            return True
        data = chunk.buffers()[2]
        if data is not None and any(memoryview(data).tobytes().find(n) >= 0 for n in needles):
            return True
    return False


def _sub_items(indicator: pd.Series, keep: np.ndarray, catalog: Catalog,
               names: np.ndarray | None) -> tuple[pd.Series | None, list[int]]:
    """Return the indicator column with sub-items that name a known indicator read as it (None when none did), and
    the rows of the other sub-items (其中/含/包括 …, and the indented rows under one)."""
    subs = {u: m for u in (distinct_cells(indicator) if names is None else names) if (m := SUB_ITEM.match(clean(u)))}
    if not subs:
        return None, []  # the column as it is
    indicator = indicator.copy()
    texts = indicator.tolist()
    sub_rows: list[int] = []
    i, n = 0, len(texts)
    while i < n:
        m = subs.get(texts[i]) if keep[i] else None
        if m is None:
            i += 1
            continue
        if m.group(2) and catalog.resolve_indicator(split_unit(m.group(2))[0]):
            indicator.iloc[i] = m.group(2)  # a sub-item that is an indicator of its own is read as one
            i += 1
            continue
        sub_rows.append(i)
        i += 1
        while i < n and keep[i]:  # indented rows under it are its further items
            raw_text, text = texts[i], clean(texts[i])
            indented = raw_text != raw_text.lstrip(" \t\u3000\u00a0") or text.startswith(("—", "-", "·"))
            if not indented or catalog.resolve_indicator(split_unit(text)[0]) or texts[i] in subs:
                break
            sub_rows.append(i)
            i += 1
    return indicator, sub_rows


def _units_from_names(indicator: pd.Series, unit: pd.Series, catalog: Catalog,
                      names: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Return the indicator and unit columns with a unit written in the indicator's name (快递业务量（万件）) moved to
    the unit column where that is blank (a unit cell that says otherwise is kept, and checked). names: the column's
    distinct values, when known."""
    found = {}
    for text in distinct_cells(indicator) if names is None else names:
        s = clean(text)
        if s and catalog.resolve_indicator(s) is None:
            stem, in_name = split_unit(s)
            if in_name and catalog.resolve_indicator(stem):
                found[text] = (stem, in_name)
    if not found:
        return indicator, unit
    named = indicator.isin(list(found))
    name_unit = indicator.map(lambda s: found.get(s, ("", ""))[1])
    unit = unit.where(~named | (clean_column(unit) != ""), name_unit)
    indicator = indicator.where(~named, indicator.map(lambda s: found.get(s, (s, ""))[0]))
    return indicator, unit


@dataclass
class _Table:
    """A sheet's body under its header: the columns the header gave, the first column of each meaning, the title
    rows above it, and the region and unit the titles give the whole table."""

    body: pd.DataFrame
    columns: dict[int, Column]
    cols: dict[str, int]
    titles: list[list[str]]
    header_at: int
    depth: int
    region: pd.Series = field(default=None)
    title_unit: str = ""

    def __post_init__(self) -> None:
        self.blank = constant_text("", len(self.body), self.body.index)

    def column(self, name: str) -> pd.Series:
        """Return the body's column of a meaning (blank cells when the header has none)."""
        return self.body[self.cols[name]] if name in self.cols else self.blank

    def header(self, name: str, default: str) -> str:
        """Return the header text of a meaning's column, problems are reported under it (default without one)."""
        return self.columns[self.cols[name]].name if name in self.cols else default

    def names(self, indicator: str, value: str, unit: str) -> dict:
        """Return the header names a value column's problems are reported under."""
        return {"period": self.header("period", ""), "indicator": indicator, "value": value, "unit": unit,
                "region": self.header("region", "region"), "basis": self.header("basis", "basis")}

    def unit_of(self, meaning: str) -> str:
        """Return the unit a value column's header gives (本月（万件）), else the titles' (单位：万件), else ''."""
        return (self.columns[self.cols[meaning]].unit or self.title_unit) if meaning in self.cols else self.title_unit


Raw = tuple[pd.DataFrame, dict[int, dict], str | None, list[Problem]]


def to_raw(cells: pd.DataFrame, catalog: Catalog, file_name: str, sheet: str = "") -> Raw:
    """Return one raw record per reported value (texts as found, in file order), the header names its
    problems are reported under (by value column), the layout, and sheet-level problems (errors refuse the sheet;
    warnings list rows that are not data)."""
    head = cells.head(HEADER_SCAN_ROWS + MAX_HEADER_ROWS).values.tolist()
    found = find_header(head, catalog)
    if found is None:
        seen = ", ".join(dict.fromkeys(c for row in head[:3] for c in row if c))[:200]
        return _refused(None, Problem(file_name, "err_no_header", params={"found": seen}))
    table = _table(cells, head, found, catalog, sheet)
    if "indicator" in table.cols:
        return _indicator_rows(table, catalog, file_name, sheet)
    return _wide_rows(table, [clean(c) for c in head[table.header_at]], catalog, file_name)


def _refused(layout: str | None, problem: Problem) -> Raw:
    """Return no records and the one problem that refuses the sheet."""
    return pd.DataFrame(columns=RAW_COLUMNS), {}, layout, [problem]


def _table(cells: pd.DataFrame, head: list[list[str]], found: tuple[int, int, dict[int, Column]], catalog: Catalog,
           sheet: str) -> _Table:
    """Return the body under the header found, with the region its titles or sheet name give when it has no region
    column, and the unit its titles give."""
    header_at, depth, columns = found
    cols: dict[str, int] = {}
    for i, column in columns.items():  # the first column of each meaning counts
        if column.meaning and column.meaning not in cols:
            cols[column.meaning] = i
    titles = head[:header_at]
    table = _Table(cells.iloc[header_at + depth:], columns, cols, titles, header_at, depth,
                   title_unit=_unit_from_titles(titles))
    table.region = table.column("region")
    if "region" not in cols:
        from_title = _region_from_titles([" ".join(r) for r in titles] + [sheet], catalog)
        if from_title:
            table.region = pd.Series(from_title, index=table.body.index, dtype="str")
    return table


def _indicator_rows(t: _Table, catalog: Catalog, file_name: str, sheet: str) -> Raw:
    """Return the records of a long sheet (a period column) or a bulletin (one month, from its header, titles, sheet
    or file name): one per indicator row, its month's value or, where given, its year to date."""
    layout = "long" if "period" in t.cols else "bulletin"
    distinct = distinct_cells(t.body[t.cols["indicator"]])  # (once: both passes over the names read the distinct ones)
    keep_rows, indicator, notes = _not_data(t.body, t.cols["indicator"], catalog, file_name, distinct)
    distinct = distinct if indicator is None else None  # sub-items renamed: their names are read again
    indicator = indicator if indicator is not None else t.column("indicator")
    period = t.column("period")
    if layout == "bulletin":
        month = next((c.period for c in t.columns.values() if c.period), None) or \
            _period_from_context(t.titles, sheet, file_name)
        if month is None:
            return _refused(layout, _no_month(t.titles, sheet, file_name))
        period = pd.Series(f"{month[0]}-{month[1]:02d}", index=t.body.index, dtype="str")
    ambiguous = ambiguous_value_columns(t.columns, t.header_at, t.depth)
    if ambiguous:
        return _refused(layout, Problem(file_name, "err_header_ambiguous", params=ambiguous))
    if "value_ytd" in t.cols:  # the year to date where the row gives one (or there is no month column)
        use_ytd = pd.Series(filled_cells(t.body[t.cols["value_ytd"]]) | ("value" not in t.cols), index=t.body.index)
    else:
        use_ytd = pd.Series(False, index=t.body.index)
    any_ytd = bool(use_ytd.any())  # (without one, the month columns are taken as they are: no copy of a million)
    value = t.column("value").where(~use_ytd, t.column("value_ytd")) if any_ytd else t.column("value")
    unit = t.column("unit") if "unit" in t.cols else \
        pd.Series(t.unit_of("value"), index=t.body.index, dtype="str").where(~use_ytd, t.unit_of("value_ytd"))
    indicator, unit = _units_from_names(indicator, unit, catalog, distinct)
    filled = filled_cells(value)
    keep = filled & keep_rows  # a blank value is "not reported": named, never dropped without a word
    use_ytd = use_ytd.to_numpy()
    for meaning in ("value", "value_ytd"):
        blank_at = np.flatnonzero(~filled & keep_rows & (use_ytd == (meaning == "value_ytd")))
        if meaning in t.cols and len(blank_at):
            notes.append(_blank_values(file_name, t.columns[t.cols[meaning]].name, t.body.index.to_numpy()[blank_at]))
    raw = pd.DataFrame({
        "pos": t.body.index.to_numpy(), "period": period, "indicator": indicator, "value": value,
        "region": t.region, "unit": unit, "basis": t.column("basis").where(~use_ytd, "ytd") if use_ytd.any()
        else t.column("basis"), "note": t.column("note"),
        "value_col": np.where(use_ytd, t.cols.get("value_ytd", -1), t.cols.get("value", -1)),
        "growth": t.column("growth").where(~use_ytd, t.column("growth_ytd")) if any_ytd else t.column("growth")})
    if ("value" in t.cols and "value_ytd" in t.cols and "unit" not in t.cols and \
            t.unit_of("value") == t.unit_of("value_ytd")) or ("unit" in t.cols and "value" in t.cols):
        # the 本月 a row gives beside its 累计 (the 累计 is stored): checked against the change in 累计
        raw["stated_month"] = t.column("value").where(use_ytd, "") if any_ytd else t.blank
    raw = raw if keep.all() else raw[keep]  # (a million rows of text are not copied to keep them all)
    return raw.reset_index(drop=True), _value_names(t), layout, notes


def _value_names(t: _Table) -> dict[int, dict]:
    """Return, by value column, the header names its problems are reported under (with its growth column's)."""
    names_by_col = {t.cols[c]: t.names(t.header("indicator", "indicator"), t.columns[t.cols[c]].name,
                                       t.header("unit", "unit")) for c in ("value", "value_ytd") if c in t.cols}
    for meaning, growth_of in (("growth", "value"), ("growth_ytd", "value_ytd")):
        if meaning in t.cols and growth_of in t.cols:
            names_by_col[t.cols[growth_of]]["growth"] = t.columns[t.cols[meaning]].name
    if "value" in t.cols and "value_ytd" in t.cols:  # the 本月 beside a 累计, checked against it (crosscheck.py)
        names_by_col[t.cols["value_ytd"]]["month"] = t.columns[t.cols["value"]].name
    return names_by_col


def _wide_rows(t: _Table, header_row: list[str], catalog: Catalog, file_name: str) -> Raw:
    """Return the records of a wide sheet: a period column and one column per indicator (快递业务量（万件）), one
    record per filled cell, in file order."""
    indicator_cols = {i: indicator_header(h, catalog) for i, h in enumerate(header_row)}
    indicator_cols = {i: v for i, v in indicator_cols.items() if v[0]}
    keep_rows, _, notes = _not_data(t.body, None, catalog, file_name)
    parts, names_by_col = [], {}
    for i, (ind, unit) in indicator_cols.items():
        keep = filled_cells(t.body[i]) & keep_rows  # a blank cell in a wide sheet: not reported
        if (blank_at := np.flatnonzero(~keep & keep_rows)).size:
            notes.append(_blank_values(file_name, header_row[i], t.body.index.to_numpy()[blank_at]))
        names_by_col[i] = t.names(header_row[i], header_row[i], header_row[i])
        parts.append(pd.DataFrame({
            "pos": t.body.index.to_numpy()[keep], "period": t.column("period")[keep],
            "indicator": pd.Series(ind, index=t.body.index, dtype="str")[keep], "value": t.body[i][keep],
            "region": t.region[keep], "unit": pd.Series(unit or t.title_unit, index=t.body.index, dtype="str")[keep],
            "basis": t.column("basis")[keep], "note": t.column("note")[keep], "value_col": i,
            "growth": t.blank[keep]}))
    raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RAW_COLUMNS)
    return raw.sort_values(["pos", "value_col"], kind="stable").reset_index(drop=True), names_by_col, "wide", notes
