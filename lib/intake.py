"""One intake path for actuals files (upload page, files dropped into data/actuals, CLI).

A file as analysts have it (CSV in UTF-8/BOM/GBK, or XLSX; long, wide or bulletin layout;
Chinese header words; title rows above the header) becomes canonical rows
(indicator, region, year, month, value in the indicator's unit, basis, note) plus every
problem found, each located by file, row, column and value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from lib import config, units
from lib.catalog import Catalog
from lib.problems import Problem

ROW_COLUMNS = ["indicator", "region", "year", "month", "value", "basis", "note", "source_file", "source_row"]

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
BASIS_WORDS = {"": "month", "month": "month", "当月": "month", "本月": "month",
               "ytd": "ytd", "累计": "ytd", "1-n月累计": "ytd", "本年累计": "ytd"}
HEADER_SCAN_ROWS = 15
PERIOD_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]0?1)?(?:\s+00:00:00)?")
COMPACT_PERIOD_PATTERN = re.compile(r"(\d{4})(\d{2})")
PERIOD_IN_TEXT = re.compile(r"(20\d{2})\s*[-_/.年]\s*(?:1\s*[-–~至]\s*)?(\d{1,2})\s*月?")
UNIT_IN_HEADER = re.compile(r"^(.*?)[(（]([^()（）]+)[)）]$")


@dataclass
class Parsed:
    """A file read into canonical rows, with its layout, encoding and problems."""

    file: str
    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    layout: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that refuse the file."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems that are stored but flagged."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def accepted(self) -> bool:
        """Return whether the file can be stored."""
        return not self.errors


@dataclass
class Context:
    """What validation compares a file with: today, the years in use, and data already loaded."""

    today: dt.date
    years: set[int]
    loaded: dict[tuple, tuple[float, str, str]] = field(default_factory=dict)  # value, basis, source file
    last_year: dict[tuple, float] = field(default_factory=dict)


def empty_rows() -> pd.DataFrame:
    """Return an empty frame with the canonical row columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def clean(text: object) -> str:
    """Return a cell as text: NFKC-normalised, stripped, '' for empty."""
    if type(text) is str and text.isascii():  # NFKC leaves ASCII unchanged; most cells are ASCII
        return text.strip()
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def parse_period(text: object) -> tuple[int, int] | None:
    """Return (year, month) from 2021-03, 2021年3月, 2021/3, 202103 or 2021.03; None if not a month."""
    s = clean(text)
    m = PERIOD_PATTERN.fullmatch(s) or COMPACT_PERIOD_PATTERN.fullmatch(s)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return (year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None


def parse_number(text: object) -> float | None:
    """Return a number from text with thousands separators, full-width digits, % or spaces."""
    s = clean(text).replace(",", "").replace(" ", "").rstrip("%")
    if s in ("", "-", "nan"):
        return None
    try:
        value = float(s)
    except ValueError:
        return None
    return None if value != value or value in (float("inf"), float("-inf")) else value


def header_meaning(text: str) -> str | None:
    """Return the canonical column a header word means, or None."""
    key = clean(text).lower().replace(" ", "")
    for canonical, words in HEADER_WORDS.items():
        if key in (w.lower().replace(" ", "") for w in words):
            return canonical
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for CSV bytes in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("unknown", data[:1], 0, 1, "neither UTF-8 nor GB18030")


def _cell_text(value: object) -> str:
    """Return an Excel cell as the text an analyst sees."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_sheets(data: bytes) -> list[str]:
    """Return the sheet names of an XLSX file."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_grid(name: str, data: bytes, sheet: str | None = None) -> tuple[list[list[str]], str | None, list[str]]:
    """Return (rows of cell texts, encoding, sheet names) of a CSV or XLSX file; raise ValueError."""
    if data[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ValueError(f"xlsx:{exc}") from exc
        try:
            sheets = list(book.sheetnames)
            ws = book[sheet] if sheet in sheets else book[sheets[0]]
            grid = [[_cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
        finally:
            book.close()
        return grid, "xlsx", sheets
    text, encoding = decode_bytes(data)
    return [list(row) for row in csv.reader(io.StringIO(text))], encoding, []


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


def to_records(grid: list[list[str]], catalog: Catalog, file_name: str) -> tuple[list[dict], str | None, list[Problem]]:
    """Return long records (with their row number and source columns), the layout, and problems."""
    header_at = _find_header(grid, catalog)
    if header_at is None:
        found = ", ".join(c for row in grid[:3] for c in row if c)[:200]
        return [], None, [Problem(file_name, "err_no_header", params={"found": found})]
    header = [clean(c) for c in grid[header_at]]
    meaning = {i: header_meaning(h) for i, h in enumerate(header)}
    cols = {m: i for i, m in reversed(list(meaning.items())) if m}
    records: list[dict] = []
    body = [(n + 1, row) for n, row in enumerate(grid) if n > header_at]

    def cell(row: list[str], i: int | None) -> str:
        return row[i] if i is not None and i < len(row) else ""

    if "indicator" in cols:
        layout = "long" if "period" in cols else "bulletin"
        period_text = None
        if layout == "bulletin":
            period = _period_from_context(grid[:header_at], file_name)
            if period is None:
                return [], layout, [Problem(file_name, "err_bulletin_period")]
            period_text = f"{period[0]}-{period[1]:02d}"
        headers_by_value: dict[int | None, dict] = {}  # the header names a row's problems are reported under
        for value_col in {cols.get("value"), cols.get("value_ytd")}:
            headers_by_value[value_col] = {
                "period": header[cols["period"]] if "period" in cols else "",
                "indicator": header[cols["indicator"]],
                "value": header[value_col] if value_col is not None else "",
                "region": header[cols["region"]] if "region" in cols else "region",
                "unit": header[cols["unit"]] if "unit" in cols else "unit",
                "basis": header[cols["basis"]] if "basis" in cols else "basis"}
        for line, row in body:
            if not any(clean(c) for c in row):
                continue
            ytd = cell(row, cols.get("value_ytd"))
            use_ytd = "value_ytd" in cols and (clean(ytd) != "" or "value" not in cols)
            value_col = cols["value_ytd"] if use_ytd else cols.get("value")
            if clean(cell(row, value_col)) == "":
                continue  # a blank value means "not reported" (e.g. an unfilled template row)
            records.append({
                "line": line,
                "period": period_text if period_text else cell(row, cols["period"]),
                "indicator": cell(row, cols["indicator"]),
                "value": cell(row, value_col),
                "region": cell(row, cols.get("region")),
                "unit": cell(row, cols.get("unit")),
                "basis": "ytd" if use_ytd else cell(row, cols.get("basis")),
                "note": cell(row, cols.get("note")),
                "columns": headers_by_value[value_col],
            })
        if "value" not in cols and "value_ytd" not in cols:
            return [], layout, [Problem(file_name, "err_missing_columns", params={
                "columns": "value", "found": ", ".join(h for h in header if h)})]
        return records, layout, []

    indicator_cols = {i: _indicator_header(h, catalog) for i, h in enumerate(header)}
    indicator_cols = {i: v for i, v in indicator_cols.items() if v[0]}
    for line, row in body:
        if not any(clean(c) for c in row):
            continue
        for i, (ind, unit) in indicator_cols.items():
            if clean(cell(row, i)) == "":
                continue  # a blank cell in a wide sheet means "not reported"
            records.append({
                "line": line, "period": cell(row, cols["period"]), "indicator": ind, "value": cell(row, i),
                "region": cell(row, cols.get("region")), "unit": unit, "basis": cell(row, cols.get("basis")),
                "note": cell(row, cols.get("note")),
                "columns": {"period": header[cols["period"]], "indicator": header[i], "value": header[i],
                            "region": header[cols["region"]] if "region" in cols else "region",
                            "unit": header[i], "basis": header[cols["basis"]] if "basis" in cols else "basis"},
            })
    return records, "wide", []


def normalize(records: list[dict], catalog: Catalog, file_name: str,
              context: Context | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Return canonical rows and the problems of every record."""
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for rec in records:
        line, headers = rec["line"], rec["columns"]

        def bad(column: str, code: str, value: object, line: int = line, headers: dict = headers,
                severity: str = "error", **params: object) -> None:
            problems.append(Problem(file_name, code, row=line, column=headers.get(column) or column,
                                    value=clean(value), params=params, severity=severity))

        before = len(problems)
        period = parse_period(rec["period"])
        if period is None:
            bad("period", "err_period", rec["period"])
        elif context is not None:
            if period > (context.today.year, context.today.month):
                bad("period", "err_future", rec["period"])
            elif period[0] not in context.years:
                bad("period", "err_year", rec["period"], years="、".join(map(str, sorted(context.years))))
        indicator = catalog.resolve_indicator(clean(rec["indicator"]))
        if indicator is None:
            hint = catalog.suggest_indicators(clean(rec["indicator"]))
            if hint:
                bad("indicator", "err_indicator_hint", rec["indicator"], names="、".join(hint))
            else:
                bad("indicator", "err_indicator", rec["indicator"])
        value = parse_number(rec["value"])
        if value is None:
            bad("value", "err_number", rec["value"])
        region = catalog.normalize_region(clean(rec["region"]))
        if region is None:
            bad("region", "err_region", rec["region"], allowed="、".join(["全市", *catalog.region_names()]))
        basis = BASIS_WORDS.get(clean(rec["basis"]).lower())
        if basis is None:
            bad("basis", "err_basis", rec["basis"])
        if indicator is not None and value is not None:
            target_unit = catalog.indicator(indicator)["unit"]
            unit = units.canonical_unit(clean(rec["unit"]))
            if unit is None or (unit and not units.convertible(unit, target_unit)):
                bad("unit", "err_unit", rec["unit"], allowed="、".join(units.same_family_units(target_unit)))
            else:
                if unit:
                    value = value * units.factor(unit, target_unit)
                if value < 0:
                    bad("value", "err_negative", rec["value"])
                elif target_unit == "%" and value > 100:
                    bad("value", "err_over_100", rec["value"])
        if len(problems) > before:
            continue
        key = (indicator, region, period)
        if key in seen:
            bad("period", "err_duplicate", rec["period"], other=seen[key])
            continue
        seen[key] = line
        rows.append({"indicator": indicator, "region": region, "year": period[0], "month": period[1],
                     "value": value, "basis": basis, "note": str(rec["note"] or "").strip(),
                     "source_file": file_name, "source_row": line, "_names": headers})
    problems += _ytd_going_down(rows, catalog, file_name)
    if context is not None:
        problems += _against_loaded(rows, catalog, file_name, context)
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_names"} for r in rows], columns=ROW_COLUMNS)
    return (frame if rows else empty_rows()), problems


def _ytd_going_down(rows: list[dict], catalog: Catalog, file_name: str) -> list[Problem]:
    """Return a problem for every year-to-date value lower than the month before it."""
    problems = []
    ytd = sorted((r for r in rows if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum"),
                 key=lambda r: (r["indicator"], r["region"], r["year"], r["month"]))
    for prev, cur in itertools.pairwise(ytd):
        same = (prev["indicator"], prev["region"], prev["year"]) == (cur["indicator"], cur["region"], cur["year"])
        if same and cur["value"] < prev["value"] - 1e-9:
            problems.append(Problem(file_name, "err_ytd_down", row=cur["source_row"],
                                    column=cur["_names"].get("value") or "value", value=f"{cur['value']:g}",
                                    params={"previous": f"{prev['value']:g}", "prev_row": prev["source_row"]}))
    return problems


def _against_loaded(rows: list[dict], catalog: Catalog, file_name: str, context: Context) -> list[Problem]:
    """Return warnings: revisions of months already loaded, and values far from last year's."""
    problems = []
    for r in rows:
        key = (r["indicator"], r["region"], r["year"], r["month"])
        column = r["_names"].get("value") or "value"
        unit = catalog.indicator(r["indicator"])["unit"]
        if key in context.loaded:
            old, old_basis, source = context.loaded[key]
            if old_basis != r["basis"] or abs(old - r["value"]) > 1e-9 * max(1.0, abs(old)):
                problems.append(Problem(file_name, "warn_revision", row=r["source_row"], column=column,
                                        value=f"{r['value']:g}", severity="warning",
                                        params={"old": f"{old:g}", "new": f"{r['value']:g}", "unit": unit,
                                                "source": source}))
        last = context.last_year.get((r["indicator"], r["region"], r["year"] - 1, r["month"]))
        if r["basis"] == "month" and last and last > 0 and r["value"] > 0 \
                and not 1 / config.OUTLIER_FACTOR <= r["value"] / last <= config.OUTLIER_FACTOR:
            problems.append(Problem(file_name, "warn_outlier", row=r["source_row"], column=column,
                                    value=f"{r['value']:g}", severity="warning",
                                    params={"last": f"{last:g}", "unit": unit, "factor": f"{r['value'] / last:.1f}"}))
    return problems


def parse(name: str, data: bytes, catalog: Catalog, sheet: str | None = None,
          context: Context | None = None) -> Parsed:
    """Return a file read into canonical rows, or its problems (nothing half-read)."""
    if len(data) > config.MAX_ACTUALS_FILE_BYTES:
        return Parsed(name, empty_rows(), [Problem(name, "err_too_large", params={
            "size": f"{len(data) / 1e6:.1f} MB", "limit": f"{config.MAX_ACTUALS_FILE_BYTES / 1e6:.0f} MB"})])
    if not data.strip():
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")])
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ("csv", "xlsx", "txt"):
        return Parsed(name, empty_rows(), [Problem(name, "err_format", params={"suffix": suffix or "?"})])
    if suffix != "xlsx" and b"\x00" in data[:4096]:
        return Parsed(name, empty_rows(), [Problem(name, "err_binary")])
    try:
        grid, encoding, sheets = read_grid(name, data, sheet)
    except UnicodeDecodeError:
        return Parsed(name, empty_rows(), [Problem(name, "err_encoding")])
    except (ValueError, csv.Error) as exc:
        return Parsed(name, empty_rows(), [Problem(name, "err_unreadable", params={"detail": str(exc)[:200]})])
    if not any(any(clean(c) for c in row) for row in grid):
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], encoding=encoding, sheets=sheets)
    records, layout, problems = to_records(grid, catalog, name)
    if problems:
        return Parsed(name, empty_rows(), problems, layout, encoding, sheets)
    if not records:
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], layout, encoding, sheets)
    rows, problems = normalize(records, catalog, name, context)
    if any(p.severity == "error" for p in problems):
        rows = empty_rows()
    return Parsed(name, rows, problems, layout, encoding, sheets)
