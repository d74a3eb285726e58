"""Where the values are in a file's cells: the header words analysts use, finding the header row below any
title rows, the long, wide and bulletin layouts, the month of a bulletin from its title or file name, and
to_raw, which turns the cells into one raw record (texts as found) per reported value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lib.catalog import Catalog
from lib.intake.checks import clean, clean_column
from lib.problems import Problem

# Header words analysts use, by the canonical column they mean.
HEADER_WORDS = {
    "period": ["period", "月份", "期间", "时间", "年月", "统计期", "统计月份", "日期", "month"],
    "indicator": ["indicator", "指标", "指标名称", "指标代码", "项目", "项目名称"],
    "value": ["value", "数值", "值", "本月", "本月数", "当月", "当月数", "本月完成", "当月完成"],
    "value_ytd": ["累计", "累计数", "本年累计", "1-n月累计", "累计完成", "本年累计完成", "ytd"],
    "region": ["region", "地区", "县市区", "区域", "地区名称", "县(市、区)"],
    "unit": ["unit", "单位", "计量单位"],
    "basis": ["basis", "口径"],
    "note": ["note", "备注", "说明"],
    "ignored": ["同比", "同比增长", "同比增长(%)", "同比增速", "同比增减", "增速", "增长", "序号"],
}
HEADER_SCAN_ROWS = 15
PERIOD_IN_TEXT = re.compile(r"(20\d{2})\s*[-_/.年]\s*(?:1\s*[-–~至]\s*)?(\d{1,2})\s*月?")
UNIT_IN_HEADER = re.compile(r"^(.*?)[(（]([^()（）]+)[)）]$")
# to_raw's columns: a record's position in the file, its texts, and the column its value came from
RAW_COLUMNS = ["pos", "period", "indicator", "value", "region", "unit", "basis", "note", "value_col"]


def header_meaning(text: str) -> str | None:
    """Return the canonical column a header word means, or None."""
    key = clean(text).lower().replace(" ", "")
    for canonical, words in HEADER_WORDS.items():
        if key in (w.lower().replace(" ", "") for w in words):
            return canonical
    return None


def _find_header(grid: list[list[str]], catalog: Catalog) -> int | None:
    """Return the index of the header row: the first with a recognisable layout."""
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        meanings = {header_meaning(c) for c in row}
        indicators = sum(1 for c in row if _indicator_header(c, catalog)[0])
        if {"indicator"} <= meanings and meanings & {"value", "value_ytd"}:
            return i
        if "period" in meanings and indicators >= 1:
            return i
    return None


def _indicator_header(text: str, catalog: Catalog) -> tuple[str | None, str]:
    """Return (indicator id, unit) named by a wide-layout header such as 快递业务量（万件）."""
    s = clean(text)
    if not s or header_meaning(s):
        return None, ""
    ind = catalog.resolve_indicator(s)
    if ind:
        return ind, ""
    m = UNIT_IN_HEADER.match(s)
    if m and catalog.resolve_indicator(m.group(1)):
        return catalog.resolve_indicator(m.group(1)), m.group(2).strip()
    return None, ""


def _period_from_context(title_rows: list[list[str]], file_name: str) -> tuple[int, int] | None:
    """Return the month a bulletin is about, from its title rows or else its file name."""
    for text in [" ".join(r) for r in title_rows] + [file_name]:
        m = PERIOD_IN_TEXT.search(clean(text))
        if m and 1 <= int(m.group(2)) <= 12:
            return int(m.group(1)), int(m.group(2))
    return None


def all_blank(cells: pd.DataFrame) -> bool:
    """Return whether no cell of the file has any text."""
    return all((clean_column(cells[c]) == "").all() for c in cells.columns)


def to_raw(cells: pd.DataFrame, catalog: Catalog,
           file_name: str) -> tuple[pd.DataFrame, dict[int, dict], str | None, list[Problem]]:
    """Return one raw record per reported value (texts as found, in file order), the header names its
    problems are reported under (by value column), the layout, and file-level problems."""
    head = cells.head(HEADER_SCAN_ROWS).values.tolist()
    header_at = _find_header(head, catalog)
    if header_at is None:
        found = ", ".join(c for row in head[:3] for c in row if c)[:200]
        return pd.DataFrame(columns=RAW_COLUMNS), {}, None, [Problem(file_name, "err_no_header",
                                                                       params={"found": found})]
    header = [clean(c) for c in head[header_at]]
    meaning = {i: header_meaning(h) for i, h in enumerate(header)}
    cols = {m: i for i, m in reversed(list(meaning.items())) if m}
    body = cells.iloc[header_at + 1:]
    blank = pd.Series("", index=body.index, dtype="str")

    def column(name: str) -> pd.Series:
        return body[cols[name]] if name in cols else blank

    def names(indicator: str, value: str, unit: str) -> dict:
        return {"period": header[cols["period"]] if "period" in cols else "", "indicator": indicator,
                "value": value, "unit": unit,
                "region": header[cols["region"]] if "region" in cols else "region",
                "basis": header[cols["basis"]] if "basis" in cols else "basis"}

    if "indicator" in cols:
        layout = "long" if "period" in cols else "bulletin"
        if "value" not in cols and "value_ytd" not in cols:
            return pd.DataFrame(columns=RAW_COLUMNS), {}, layout, [Problem(file_name, "err_missing_columns", params={
                "columns": "value", "found": ", ".join(h for h in header if h)})]
        period = column("period")
        if layout == "bulletin":
            month = _period_from_context(head[:header_at], file_name)
            if month is None:
                return pd.DataFrame(columns=RAW_COLUMNS), {}, layout, [Problem(file_name, "err_bulletin_period")]
            period = pd.Series(f"{month[0]}-{month[1]:02d}", index=body.index, dtype="str")
        value_cols = [cols[c] for c in ("value", "value_ytd") if c in cols]
        names_by_col = {i: names(header[cols["indicator"]], header[i],
                                 header[cols["unit"]] if "unit" in cols else "unit") for i in value_cols}
        if "value_ytd" in cols:
            use_ytd = (clean_column(body[cols["value_ytd"]]) != "") | ("value" not in cols)
        else:
            use_ytd = pd.Series(False, index=body.index)
        value = column("value").where(~use_ytd, column("value_ytd"))
        keep = (clean_column(value) != "").to_numpy()  # a blank value is "not reported" (an unfilled row)
        use_ytd = use_ytd.to_numpy()
        raw = pd.DataFrame({
            "pos": body.index.to_numpy()[keep], "period": period[keep], "indicator": column("indicator")[keep],
            "value": value[keep], "region": column("region")[keep], "unit": column("unit")[keep],
            "basis": column("basis").where(~use_ytd, "ytd")[keep], "note": column("note")[keep],
            "value_col": np.where(use_ytd, cols.get("value_ytd", -1), cols.get("value", -1))[keep]})
        return raw.reset_index(drop=True), names_by_col, layout, []

    indicator_cols = {i: _indicator_header(h, catalog) for i, h in enumerate(header)}
    indicator_cols = {i: v for i, v in indicator_cols.items() if v[0]}
    parts, names_by_col = [], {}
    for i, (ind, unit) in indicator_cols.items():
        keep = (clean_column(body[i]) != "").to_numpy()  # a blank cell in a wide sheet is "not reported"
        names_by_col[i] = names(header[i], header[i], header[i])
        parts.append(pd.DataFrame({
            "pos": body.index.to_numpy()[keep], "period": column("period")[keep],
            "indicator": pd.Series(ind, index=body.index, dtype="str")[keep], "value": body[i][keep],
            "region": column("region")[keep], "unit": pd.Series(unit, index=body.index, dtype="str")[keep],
            "basis": column("basis")[keep], "note": column("note")[keep], "value_col": i}))
    raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RAW_COLUMNS)
    return raw.sort_values(["pos", "value_col"], kind="stable").reset_index(drop=True), names_by_col, "wide", []
