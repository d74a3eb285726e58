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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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
    unlisted: int = 0  # problems found beyond the ones listed (see config.MAX_LISTED_PROBLEMS)

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
    last_year: dict[tuple, float] = field(default_factory=dict)  # month values of loaded series
    ytd: dict[tuple, float] = field(default_factory=dict)  # year-to-date values of loaded series


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
    return _csv_rows(text), encoding, []


def _csv_rows(text: str) -> list[list[str]]:
    """Return the rows of CSV text; lines may end in \\n, \\r\\n or \\r (old Mac Excel), as Arrow reads them."""
    return [list(row) for row in csv.reader(io.StringIO(text, newline=None))]


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


# Column operations below work on whole columns (Arrow-backed strings); values that need Python
# (non-ASCII text, odd numbers, rows with a problem) go through the same per-cell functions as above,
# so a file gives the same rows and problems however it is processed, only faster.
_ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_PLAIN_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"  # what float() reads the same way
# Files with fewer records than this are checked record by record (the column path's set-up costs
# more than it saves on a small file); larger ones column by column. Both give the same result.
COLUMN_PATH_MIN_RECORDS = 600
SMALL_FILE_BYTES = 64 * 1024  # ... and read with the csv module rather than the Arrow reader
_MAX_FAST_COLUMNS = 512  # wider files go through the csv module
RAW_COLUMNS = ["pos", "period", "indicator", "value", "region", "unit", "basis", "note", "value_col"]


def _clean_column(s: pd.Series) -> pd.Series:
    """Return clean() of every cell of a text column: vectorised for ASCII, per cell otherwise."""
    out = s.str.strip(_ASCII_SPACE)  # NFKC leaves ASCII alone; these are what str.strip() removes in ASCII
    ascii_cells = s.str.isascii()
    if not ascii_cells.all():
        out[~ascii_cells] = s[~ascii_cells].map(clean)
    return out


def _per_unique(s: pd.Series, fn) -> tuple[np.ndarray, list]:
    """Return (codes, fn of each distinct value): columns such as indicator repeat a few values."""
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    return codes, [fn(u) for u in uniques]


def _text_by_code(found: list[str | None], codes: np.ndarray) -> tuple[pd.Series, np.ndarray, list]:
    """Return (the text column built from what was found for each distinct cell and each cell's code,
    None → NaN; a key per cell, equal exactly when the texts are; the distinct texts in key order)."""
    distinct, by_found = pd.factorize(np.array(found, dtype=object), use_na_sentinel=False)
    texts = [t if isinstance(t, str) else None for t in by_found]  # factorize turns None into NaN
    key = distinct[codes].astype(np.int64)
    return pd.Series(pa.array(texts, pa.string()).take(key), dtype="str"), key, texts


def _numbers(s: pd.Series) -> np.ndarray:
    """Return parse_number() of every cell as floats, NaN where the cell is not a number."""
    out = np.full(len(s), np.nan)
    plain = np.array(s.str.fullmatch(_PLAIN_NUMBER), dtype=bool)
    if not plain.all():
        # a cell that is a plain number once commas, spaces and % are gone is ASCII, which clean()
        # only strips; every other cell goes through parse_number itself
        rest = np.flatnonzero(~plain)
        tidy = s.iloc[rest].str.replace(",", "", regex=False).str.replace(" ", "", regex=False).str.rstrip("%")
        tidy_plain = tidy.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
        s = s.copy()
        s.iloc[rest[tidy_plain]] = tidy[tidy_plain].to_numpy()
        plain[rest[tidy_plain]] = True
    if plain.any():
        out[plain] = pc.cast(pa.array(s[plain]), pa.float64()).to_numpy(zero_copy_only=False)
    slow = ~plain | ~np.isfinite(out)
    if slow.any():
        out[slow] = [np.nan if (v := parse_number(c)) is None else v for c in s[slow]]
    return out


def _grid_frame(grid: list[list[str]]) -> pd.DataFrame:
    """Return rows of cell texts as a frame of text columns 0..n-1, short rows padded with ''."""
    width = max((len(r) for r in grid), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in grid], columns=range(width), dtype="str")
    return frame.fillna("")


def _read_csv_columns(utf8: bytes) -> pd.DataFrame:
    """Return a rectangular UTF-8 CSV as text columns 0..n-1 via Arrow; raise pa.ArrowInvalid otherwise."""
    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in utf8, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(_MAX_FAST_COLUMNS)},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    if table.num_columns >= _MAX_FAST_COLUMNS:
        raise pa.ArrowInvalid("too many columns for the fast reader")
    frame = table.to_pandas()
    frame.columns = range(table.num_columns)
    return frame


def read_cells(name: str, data: bytes, sheet: str | None = None) -> tuple[pd.DataFrame, str | None, list[str]]:
    """Return (every record's cells as text columns 0..n-1, encoding, sheet names); raise ValueError."""
    if data[:4] == b"PK\x03\x04":
        grid, encoding, sheets = read_grid(name, data, sheet)
        return _grid_frame(grid), encoding, sheets
    if len(data) < SMALL_FILE_BYTES:
        text, encoding = decode_bytes(data)
        return _grid_frame(_csv_rows(text)), encoding, []
    utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return _read_csv_columns(utf8), "utf-8-sig", []  # the Arrow reader checks that the bytes are UTF-8
    except pa.ArrowInvalid:
        pass  # not UTF-8 (GBK from Chinese Excel), or ragged rows: decode, then try again
    text, encoding = decode_bytes(data)
    try:
        if encoding != "utf-8-sig":
            return _read_csv_columns(text.encode("utf-8")), encoding, []
    except pa.ArrowInvalid:
        pass
    return _grid_frame(_csv_rows(text)), encoding, []


def _all_blank(cells: pd.DataFrame) -> bool:
    """Return whether no cell of the file has any text."""
    return all((_clean_column(cells[c]) == "").all() for c in cells.columns)


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
            use_ytd = (_clean_column(body[cols["value_ytd"]]) != "") | ("value" not in cols)
        else:
            use_ytd = pd.Series(False, index=body.index)
        value = column("value").where(~use_ytd, column("value_ytd"))
        keep = (_clean_column(value) != "").to_numpy()  # a blank value is "not reported" (an unfilled row)
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
        keep = (_clean_column(body[i]) != "").to_numpy()  # a blank cell in a wide sheet is "not reported"
        names_by_col[i] = names(header[i], header[i], header[i])
        parts.append(pd.DataFrame({
            "pos": body.index.to_numpy()[keep], "period": column("period")[keep],
            "indicator": pd.Series(ind, index=body.index, dtype="str")[keep], "value": body[i][keep],
            "region": column("region")[keep], "unit": pd.Series(unit, index=body.index, dtype="str")[keep],
            "basis": column("basis")[keep], "note": column("note")[keep], "value_col": i}))
    raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RAW_COLUMNS)
    return raw.sort_values(["pos", "value_col"], kind="stable").reset_index(drop=True), names_by_col, "wide", []


def _check_record(rec: dict, headers: dict, catalog: Catalog, file_name: str,
                  context: Context | None) -> tuple[dict | None, list[Problem]]:
    """Return one raw record as a canonical row, or None and its problems (the reference check of a record)."""
    problems: list[Problem] = []
    line = rec["pos"] + 1

    def bad(column: str, code: str, value: object, **params: object) -> None:
        problems.append(Problem(file_name, code, row=line, column=headers.get(column) or column,
                                value=clean(value), params=params))

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
    if problems:
        return None, problems
    return {"pos": rec["pos"], "indicator": indicator, "region": region, "year": period[0], "month": period[1],
            "value": value, "basis": basis, "note": str(rec["note"] or "").strip(), "value_col": rec["value_col"]}, []


def normalize(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
              context: Context | None = None) -> tuple[pd.DataFrame, list[Problem], int]:
    """Return canonical rows, the problems of the raw records (located; the first
    config.MAX_LISTED_PROBLEMS of each kind of check) and how many more were found but not listed."""
    if len(raw) < COLUMN_PATH_MIN_RECORDS:
        return _normalize_records(raw, names_by_col, catalog, file_name, context)
    return _normalize_columns(raw, names_by_col, catalog, file_name, context)


def _normalize_records(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
                       context: Context | None) -> tuple[pd.DataFrame, list[Problem], int]:
    """Return what normalize returns, checking one record at a time (the reference the column path is held to)."""
    limit = config.MAX_LISTED_PROBLEMS
    listed: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    flagged = duplicates = unlisted = 0
    cutoff = None  # (row, column) of the first record with problems past the limit: none after it are listed
    for rec in raw.to_dict("records"):
        here = (rec["pos"], rec["value_col"])
        headers = names_by_col.get(rec["value_col"], {})
        row, found = _check_record(rec, headers, catalog, file_name, context)
        if row is None:
            flagged += 1
            if flagged <= limit:
                listed += found
            else:  # counted, not checked further: one problem at least
                unlisted += 1
                cutoff = cutoff or here
            continue
        key = (row["indicator"], row["region"], row["year"], row["month"])
        if key in seen:
            if (cutoff is None or here < cutoff) and duplicates < limit:
                duplicates += 1
                listed.append(Problem(file_name, "err_duplicate", row=rec["pos"] + 1,
                                      column=headers.get("period") or "period", value=clean(rec["period"]),
                                      params={"other": seen[key]}))
            else:
                unlisted += 1
            continue
        seen[key] = rec["pos"] + 1
        rows.append(row | {"source_file": file_name, "source_row": rec["pos"] + 1})
    unlisted += max(0, len(listed) - limit)
    problems = listed[:limit]
    found, more = _ytd_going_down_records(rows, catalog, file_name, names_by_col)
    problems += found
    unlisted += more
    if context is not None:
        found, more = _against_loaded_records(rows, catalog, file_name, context, names_by_col)
        problems += found
        unlisted += more
    if not rows:
        return empty_rows(), problems, unlisted
    return pd.DataFrame(rows, columns=ROW_COLUMNS), problems, unlisted


def _ytd_going_down_records(rows: list[dict], catalog: Catalog, file_name: str,
                            names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return what _ytd_going_down returns, for rows as dicts."""
    ytd = sorted((r for r in rows if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum"),
                 key=lambda r: (r["indicator"], r["region"], r["year"], r["month"]))
    down = [(prev, cur) for prev, cur in itertools.pairwise(ytd)
            if (prev["indicator"], prev["region"], prev["year"]) == (cur["indicator"], cur["region"], cur["year"])
            and cur["value"] < prev["value"] - 1e-9]
    down.sort(key=lambda pair: (pair[1]["source_row"], pair[1]["value_col"]))  # by row, then column
    problems = [Problem(file_name, "err_ytd_down", row=cur["source_row"],
                        column=_value_name(names_by_col, cur["value_col"]), value=f"{cur['value']:g}",
                        params={"previous": f"{prev['value']:g}", "prev_row": prev["source_row"]})
                for prev, cur in down[:config.MAX_LISTED_PROBLEMS]]
    return problems, max(0, len(down) - config.MAX_LISTED_PROBLEMS)


def _against_loaded_records(rows: list[dict], catalog: Catalog, file_name: str, context: Context,
                            names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return what _against_loaded returns, for rows as dicts."""
    problems = []
    own_ytd = {(r["indicator"], r["region"], r["year"], r["month"]): r["value"] for r in rows if r["basis"] == "ytd"}
    for r in rows:
        key = (r["indicator"], r["region"], r["year"], r["month"])
        column = _value_name(names_by_col, r["value_col"])
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
        if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum":
            before = (r["indicator"], r["region"], r["year"], r["month"] - 1)
            own, loaded = own_ytd.get(before), context.ytd.get(before)
            prev = 0.0 if r["month"] == 1 else (own if own is not None else loaded)
            code = _implied_month_check(r["value"], prev, last, from_file=own is not None or r["month"] == 1)
            if code:
                problems.append(Problem(file_name, code, row=r["source_row"], column=column, value=f"{r['value']:g}",
                                        severity="warning", params=_implied_month_params(r["value"], prev, last, unit)))
    return problems[:config.MAX_LISTED_PROBLEMS], max(0, len(problems) - config.MAX_LISTED_PROBLEMS)


def _implied_month_check(value: float, prev: float | None, last: float | None, from_file: bool) -> str | None:
    """Return the warning a year-to-date value earns from the month it implies (value minus the previous
    month's year to date), or None: below the loaded previous month (a decrease within the file is an
    error of its own), or beyond OUTLIER_FACTOR of last year's month, an unchanged total included."""
    if prev is None:
        return None
    implied = value - prev
    if implied < -1e-9:
        return None if from_file else "warn_ytd_below_loaded"
    if last and last > 0 and not 1 / config.OUTLIER_FACTOR <= max(implied, 0.0) / last <= config.OUTLIER_FACTOR:
        return "warn_ytd_month_outlier"
    return None


def _implied_month_params(value: float, prev: float, last: float | None, unit: str) -> dict:
    """Return the message parameters of an implied-month warning."""
    implied = value - prev
    return {"prev": f"{prev:g}", "implied": f"{0.0 if abs(implied) < 1e-9 else implied:g}", "unit": unit,
            "last": f"{last:g}" if last else "—"}


def _normalize_columns(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
                       context: Context | None) -> tuple[pd.DataFrame, list[Problem], int]:
    """Return what normalize returns, checking whole columns (per record only for records with a problem)."""
    n = len(raw)
    codes, found = _per_unique(raw["period"], parse_period)
    year = np.array([p[0] if p else 0 for p in found], dtype=np.int64)[codes] if n else np.zeros(0, np.int64)
    month = np.array([p[1] if p else 0 for p in found], dtype=np.int64)[codes] if n else np.zeros(0, np.int64)
    failing = year == 0
    if context is not None:
        failing |= (year * 12 + month > context.today.year * 12 + context.today.month) \
            | ~np.isin(year, sorted(context.years))
    codes, found = _per_unique(raw["indicator"], lambda s: catalog.resolve_indicator(clean(s)))
    indicator, indicator_key, ids = _text_by_code(found, codes)
    value = _numbers(raw["value"])
    codes, found = _per_unique(raw["region"], lambda s: catalog.normalize_region(clean(s)))
    region, region_key, _ = _text_by_code(found, codes)
    codes, found = _per_unique(raw["basis"], lambda s: BASIS_WORDS.get(clean(s).lower()))
    basis, _, _ = _text_by_code(found, codes)
    failing |= (indicator.isna() | region.isna() | basis.isna()).to_numpy() | np.isnan(value)

    unit_codes, unit_texts = pd.factorize(raw["unit"], use_na_sentinel=False)
    pair_codes, pairs = pd.factorize(indicator_key * len(unit_texts) + unit_codes)

    def conversion(pair: int) -> tuple[float, bool]:
        ind, unit_text = ids[pair // len(unit_texts)], unit_texts[pair % len(unit_texts)]
        if ind is None:
            return 1.0, False
        target_unit = catalog.indicator(ind)["unit"]
        unit = units.canonical_unit(clean(unit_text))
        if unit is None or (unit and not units.convertible(unit, target_unit)):
            return np.nan, False
        return (units.factor(unit, target_unit) if unit else 1.0), target_unit == "%"

    found = [conversion(int(pair)) for pair in pairs]
    factor = np.array([f for f, _ in found])[pair_codes]
    percent = np.array([p for _, p in found], dtype=bool)[pair_codes]
    value = value * factor
    failing |= np.isnan(value) | (value < 0) | (percent & (value > 100))
    # one integer per (indicator, region, year, month), to find duplicates without hashing text
    row_key = ((indicator_key * (region_key.max(initial=0) + 1) + region_key) * 2200 + year) * 13 + month

    rows = pd.DataFrame({"pos": raw["pos"].to_numpy(dtype=np.int64), "indicator": indicator, "region": region,
                         "year": year, "month": month, "value": value, "basis": basis,
                         "note": raw["note"].astype("str").str.strip(),
                         "value_col": raw["value_col"].to_numpy(dtype=np.int64)})
    # A file with a million bad rows gets its first problems listed row by row and the rest counted:
    # checking every record one at a time would take minutes and the list could not be read anyway.
    limit = config.MAX_LISTED_PROBLEMS
    flagged = raw[failing]
    cutoff = (int(flagged["pos"].iloc[limit]), int(flagged["value_col"].iloc[limit])) if len(flagged) > limit else None
    located: list[tuple[int, int, Problem]] = []  # (row, column, problem): sorted into the record path's order
    rescued, rescued_at = [], []
    checked = flagged.head(limit)
    for at, rec in zip(checked.index, checked.to_dict("records"), strict=True):
        row, problems = _check_record(rec, names_by_col.get(rec["value_col"], {}), catalog, file_name, context)
        located += [(rec["pos"], rec["value_col"], p) for p in problems]
        if row is not None:  # the column checks flagged a record the reference check accepts: keep it
            rescued.append(row)
            rescued_at.append(at)
    unlisted = max(0, len(flagged) - limit)
    good = rows[~failing] if failing.any() else rows
    if rescued:  # (kept on their own index, which is raw's)
        good = pd.concat([good, pd.DataFrame(rescued, index=rescued_at)]).sort_index(kind="stable")
    keys = ["indicator", "region", "year", "month"]
    key = pd.Series(row_key[~failing]) if not rescued else _row_keys(good, keys)
    duplicate = key.duplicated(keep="first").to_numpy()
    if duplicate.any():
        first_line = good["pos"].groupby(key.to_numpy(), sort=False).transform("first").to_numpy() + 1
        pos, col = good["pos"].to_numpy(), good["value_col"].to_numpy()
        listed = duplicate.copy()
        if cutoff is not None:
            listed &= (pos < cutoff[0]) | ((pos == cutoff[0]) & (col < cutoff[1]))
        listed &= np.cumsum(listed) <= limit
        unlisted += int(duplicate.sum() - listed.sum())
        periods = raw.loc[good.index[listed], "period"]
        for p, c, other, period in zip(pos[listed], col[listed], first_line[listed], periods, strict=True):
            headers = names_by_col.get(c, {})
            located.append((p, c, Problem(file_name, "err_duplicate", row=int(p) + 1,
                                          column=headers.get("period") or "period", value=clean(period),
                                          params={"other": int(other)})))
        good = good[~duplicate]
    located.sort(key=lambda item: (item[0], item[1]))
    unlisted += max(0, len(located) - limit)
    problems = [p for _, _, p in located[:limit]]
    good = good.reset_index(drop=True)
    good = good.assign(source_file=_text_by_code([file_name], np.zeros(len(good), dtype=np.int64))[0],
                       source_row=good["pos"] + 1)
    more, more_unlisted = _ytd_going_down(good, catalog, file_name, names_by_col)
    problems += more
    unlisted += more_unlisted
    if context is not None:
        more, more_unlisted = _against_loaded(good, catalog, file_name, context, names_by_col)
        problems += more
        unlisted += more_unlisted
    if good.empty:
        return empty_rows(), problems, unlisted
    return good[ROW_COLUMNS].astype({"year": "int64", "month": "int64", "value": "float64",
                                      "source_row": "int64"}), problems, unlisted


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Return one integer per row that is equal exactly when the rows agree on these columns."""
    key = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        span *= len(uniques) + 1
        if span >= 2**62:  # too many distinct combinations for one integer: hash the rows instead
            return pd.Series(pd.util.hash_pandas_object(frame[columns], index=False).to_numpy(), index=frame.index)
        key = key * (len(uniques) + 1) + codes + 1
    return pd.Series(key, index=frame.index)


def _ytd_going_down(rows: pd.DataFrame, catalog: Catalog, file_name: str,
                    names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return a problem for every year-to-date value lower than the month before it (the first
    config.MAX_LISTED_PROBLEMS), and how many more there are."""
    summed = [ind for ind in rows["indicator"].unique() if catalog.indicator(ind)["aggregation"] == "sum"]
    ytd = rows[((rows["basis"] == "ytd") & rows["indicator"].isin(summed)).to_numpy()]
    if len(ytd) < 2:
        return [], 0
    indicator, region = pd.factorize(ytd["indicator"])[0], pd.factorize(ytd["region"])[0]
    year, month = ytd["year"].to_numpy(), ytd["month"].to_numpy()
    order = np.lexsort((month, year, region, indicator))  # months in order within each series and year
    indicator, region, year = indicator[order], region[order], year[order]
    value, line = ytd["value"].to_numpy()[order], ytd["source_row"].to_numpy()[order]
    value_col = ytd["value_col"].to_numpy()[order]
    same = (indicator[1:] == indicator[:-1]) & (region[1:] == region[:-1]) & (year[1:] == year[:-1])
    down = np.flatnonzero(same & (value[1:] < value[:-1] - 1e-9)) + 1
    down = down[np.lexsort((value_col[down], line[down]))]  # by row, then column, as the record path lists them
    problems = [Problem(file_name, "err_ytd_down", row=int(line[i]), column=_value_name(names_by_col, value_col[i]),
                        value=f"{value[i]:g}", params={"previous": f"{value[i - 1]:g}", "prev_row": int(line[i - 1])})
                for i in down[:config.MAX_LISTED_PROBLEMS]]
    return problems, max(0, len(down) - config.MAX_LISTED_PROBLEMS)


def _against_loaded(rows: pd.DataFrame, catalog: Catalog, file_name: str, context: Context,
                    names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return warnings: revisions of months already loaded, and values far from last year's (the first
    config.MAX_LISTED_PROBLEMS), and how many more there are."""
    keys = ["indicator", "region", "year", "month"]
    located: list[tuple[int, int, int, Problem]] = []
    if context.loaded and not rows.empty:
        loaded = pd.DataFrame([(*k, *v) for k, v in context.loaded.items()],
                              columns=[*keys, "old", "old_basis", "source"]).astype({"year": "int64", "month": "int64"})
        met = rows.merge(loaded, on=keys, how="inner")
        changed = met[(met["old_basis"] != met["basis"])
                      | ((met["old"] - met["value"]).abs() > 1e-9 * met["old"].abs().clip(lower=1.0))]
        for r in changed.itertuples():
            located.append((r.source_row, r.value_col, 0, Problem(
                file_name, "warn_revision", row=r.source_row, column=_value_name(names_by_col, r.value_col),
                value=f"{r.value:g}", severity="warning", params={
                    "old": f"{r.old:g}", "new": f"{r.value:g}", "unit": catalog.indicator(r.indicator)["unit"],
                    "source": r.source})))
    # last year's month values, keyed by the month a year later that they are compared with
    last = pd.DataFrame([(k[0], k[1], k[2] + 1, k[3], v) for k, v in context.last_year.items()],
                        columns=[*keys, "last"]).astype({"year": "int64", "month": "int64"})
    if context.last_year and not rows.empty:
        met = rows[rows["basis"] == "month"].merge(last, on=keys, how="inner")
        ratio = met["value"] / met["last"]
        far = met[(met["last"] > 0) & (met["value"] > 0)
                  & ~ratio.between(1 / config.OUTLIER_FACTOR, config.OUTLIER_FACTOR)]
        for r in far.itertuples():
            located.append((r.source_row, r.value_col, 1, Problem(
                file_name, "warn_outlier", row=r.source_row, column=_value_name(names_by_col, r.value_col),
                value=f"{r.value:g}", severity="warning", params={
                    "last": f"{r.last:g}", "unit": catalog.indicator(r.indicator)["unit"],
                    "factor": f"{r.value / r.last:.1f}"})))
    summed = [ind for ind in rows["indicator"].unique() if catalog.indicator(ind)["aggregation"] == "sum"] \
        if not rows.empty else []
    ytd = rows[((rows["basis"] == "ytd") & rows["indicator"].isin(summed)).to_numpy()]
    if not ytd.empty:
        own = ytd[[*keys, "value"]].rename(columns={"value": "own"}).assign(month=lambda f: f["month"] + 1)
        met = ytd.merge(own, on=keys, how="left")
        loaded_ytd = pd.DataFrame([(*k, v) for k, v in context.ytd.items()], columns=[*keys, "loaded"]) \
            .astype({"year": "int64", "month": "int64"}).assign(month=lambda f: f["month"] + 1)
        met = met.merge(loaded_ytd, on=keys, how="left").merge(last, on=keys, how="left")
        first = met["month"] == 1
        prev = met["own"].where(met["own"].notna(), met["loaded"]).mask(first, 0.0)
        implied = met["value"] - prev
        from_file = met["own"].notna() | first
        below = (implied < -1e-9) & ~from_file
        ratio = implied.clip(lower=0.0) / met["last"]
        far = (implied >= -1e-9) & (met["last"] > 0) & ~ratio.between(1 / config.OUTLIER_FACTOR, config.OUTLIER_FACTOR)
        flagged = met.assign(prev=prev)[(below | far).to_numpy()]
        for r in flagged.itertuples():
            last_value = None if pd.isna(r.last) else r.last
            code = _implied_month_check(r.value, r.prev, last_value, from_file=not pd.isna(r.own) or r.month == 1)
            located.append((r.source_row, r.value_col, 2, Problem(
                file_name, code, row=r.source_row, column=_value_name(names_by_col, r.value_col),
                value=f"{r.value:g}", severity="warning",
                params=_implied_month_params(r.value, r.prev, last_value, catalog.indicator(r.indicator)["unit"]))))
    # by row, column, then revision, outlier, implied month: the record path's order
    located.sort(key=lambda item: item[:3])
    return ([p for *_, p in located[:config.MAX_LISTED_PROBLEMS]],
            max(0, len(located) - config.MAX_LISTED_PROBLEMS))


def _value_name(names_by_col: dict[int, dict], value_col: int) -> str:
    """Return the header a row's value problems are reported under."""
    return names_by_col.get(value_col, {}).get("value") or "value"


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
        cells, encoding, sheets = read_cells(name, data, sheet)
    except UnicodeDecodeError:
        return Parsed(name, empty_rows(), [Problem(name, "err_encoding")])
    except (ValueError, csv.Error) as exc:
        return Parsed(name, empty_rows(), [Problem(name, "err_unreadable", params={"detail": str(exc)[:200]})])
    raw, names_by_col, layout, problems = to_raw(cells, catalog, name)
    if layout is None and _all_blank(cells):
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], encoding=encoding, sheets=sheets)
    if problems:
        return Parsed(name, empty_rows(), problems, layout, encoding, sheets)
    if raw.empty:
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], layout, encoding, sheets)
    rows, problems, unlisted = normalize(raw, names_by_col, catalog, name, context)
    if any(p.severity == "error" for p in problems):
        rows = empty_rows()
    return Parsed(name, rows, problems, layout, encoding, sheets, unlisted)
