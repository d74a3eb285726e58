"""One intake path for actuals files (upload page, files dropped into data/actuals, CLI).

A file as analysts have it (CSV in UTF-8/BOM/GBK, or a workbook: .xlsx, .xlsm, .xls, .xlsb, .ods; long, wide or
bulletin layout; Chinese header words; merged headers; title rows above the header; one sheet per month) becomes
canonical rows
(indicator, region, year, month, value in the indicator's unit, basis, note) plus every
problem found, each located by file, row, column and value.

The package: guard.py checks what reading a file may cost before anything is read, reading.py reads a file's
cells, layout.py finds the header and turns the cells into raw
records, checks.py holds what both ways of checking them share, records.py checks one record at a time
(small files), columns.py whole columns at a time (large files). Both give the same rows and problems.
This module is the public API (__all__); other modules and tests import from here.
"""

from __future__ import annotations

import csv
import dataclasses
import logging
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import config
from lib.catalog import Catalog
from lib.intake import columns, crosscheck, guard, records
from lib.intake.checks import (
    BASIS_WORDS,
    ROW_COLUMNS,
    Context,
    clean,
    clean_column,
    constant_text,
    distinct_cells,
    empty_rows,
    parse_number,
    parse_period,
    without_target,
)
from lib.intake.layout import HEADER_SCAN_ROWS, all_blank, to_raw
from lib.intake.reading import (
    Sheet,
    decode_bytes,
    grid_frame,
    read_cells,
    read_grid,
    read_workbook,
    workbook_sheet_names,
    xlsx_sheets,
)
from lib.problems import Problem
from lib.safety import clean_name

log = logging.getLogger(__name__)

__all__ = ["ACCEPTED_SUFFIXES", "BASIS_WORDS", "HEADER_SCAN_ROWS", "METHODS", "ROW_COLUMNS", "Context", "Parsed",
           "clean", "decode_bytes", "empty_rows", "normalize", "parse", "parse_number", "parse_period", "read_cells",
           "read_grid", "read_workbook", "to_raw", "workbook_sheet_names", "xlsx_sheets"]

# How normalize checks raw records: "records" one at a time, "columns" whole columns at a time, "auto" by
# the file's size (config.COLUMN_PATH_MIN_RECORDS). The two give the same rows and problems.
METHODS = ("auto", "records", "columns")


@dataclass
class Parsed:
    """A file read into canonical rows, with its layout, encoding and problems."""

    file: str
    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    layout: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)  # every sheet of a workbook
    unlisted: int = 0  # problems found beyond the ones listed (see config.MAX_LISTED_PROBLEMS)
    read_sheets: list[str] = field(default_factory=list)  # the sheets whose rows these are

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


def normalize(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
              context: Context | None = None, method: str = "auto") -> tuple[pd.DataFrame, list[Problem], int]:
    """Return canonical rows, the problems of the raw records (located; the first
    config.MAX_LISTED_PROBLEMS of each kind of check) and how many more were found but not listed."""
    if method == "auto":
        method = "records" if len(raw) < config.COLUMN_PATH_MIN_RECORDS else "columns"
    if method == "records":
        return records.normalize(raw, names_by_col, catalog, file_name, context)
    if method == "columns":
        return columns.normalize(raw, names_by_col, catalog, file_name, context)
    raise ValueError(f"method must be one of {METHODS}, not {method!r}")


# Sheets that hold notes for whoever fills the workbook in, never data.
NOTES_SHEET = re.compile(r"说明|填表|指标解释|目录|readme|instructions?|notes?$", re.IGNORECASE)
ACCEPTED_SUFFIXES = (*guard.TEXT_SUFFIXES, *guard.WORKBOOK_SUFFIXES)
# Records of the k-th sheet of a workbook are numbered from k × ROW_STRIDE (and their value columns from
# k × COLUMN_STRIDE) while the sheets are checked together, so that checks across rows see every month of the
# workbook; their problems and rows get their own sheet and row back afterwards.
ROW_STRIDE = 10**7
COLUMN_STRIDE = 10**5
# Rows carry the value and unit as the file wrote them for the preview; a bulk file of more rows than a preview can
# show (a million, in the benchmark) is spared the work.
SOURCE_CELLS_MAX_ROWS = 100_000


def parse(name: str, data: bytes, catalog: Catalog, sheet: str | None = None,
          context: Context | None = None) -> Parsed:
    """Return a file read into canonical rows, or its problems (nothing half-read); never raises for any bytes."""
    name = clean_name(name)  # a control character in a file name reaches no page, terminal or record
    try:
        return _parse(name, data, catalog, sheet, context)
    except Exception as exc:  # a file no check foresaw: refused with a message, never a traceback for the reader
        log.exception("intake of %s failed", name)
        return Parsed(name, empty_rows(), [Problem(name, "err_unreadable", params={"detail": type(exc).__name__})])


def _parse(name: str, data: bytes, catalog: Catalog, sheet: str | None, context: Context | None) -> Parsed:
    """Return what parse returns."""
    if len(data) > config.MAX_ACTUALS_FILE_BYTES:
        return Parsed(name, empty_rows(), [Problem(name, "err_too_large", params={
            "size": f"{len(data) / 1e6:.1f} MB", "limit": f"{config.MAX_ACTUALS_FILE_BYTES / 1e6:.0f} MB"})])
    if not data or data.isspace():
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")])
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ACCEPTED_SUFFIXES:
        return Parsed(name, empty_rows(), [Problem(name, "err_format", params={"suffix": suffix or "?"})])
    workbook = guard.workbook_kind(data) is not None
    if suffix in guard.WORKBOOK_SUFFIXES and not workbook:
        code = "err_html_workbook" if guard.looks_like_html(data) else "err_not_workbook"
        return Parsed(name, empty_rows(), [Problem(name, code, params={"suffix": suffix})])
    if not workbook and b"\x00" in data[:4096]:
        return Parsed(name, empty_rows(), [Problem(name, "err_binary")])
    try:
        if workbook:
            sheets, names, encoding = read_workbook(data, [sheet] if sheet else None)
        else:
            cells, encoding, _ = read_cells(name, data)
    except guard.Refused as refused:
        return Parsed(name, empty_rows(), [_refused_problem(name, refused)])
    except UnicodeDecodeError:
        return Parsed(name, empty_rows(), [Problem(name, "err_encoding")])
    except (ValueError, csv.Error) as exc:
        return Parsed(name, empty_rows(), [Problem(name, "err_unreadable", params={"detail": str(exc)[:200]})])
    if not workbook:
        return _parse_sheets(name, [("", cells)], catalog, context, encoding, [], [])
    chosen, notes = _data_sheets(name, sheets, explicit=sheet is not None)
    return _parse_sheets(name, [(s.name, grid_frame(s.grid)) for s in chosen], catalog, context, encoding, names,
                         notes)


def _refused_problem(name: str, refused: guard.Refused) -> Problem:
    """Return the problem of a file the guard or the reader refused, located at its sheet."""
    return Problem(name, refused.code, sheet=refused.sheet or None,
                   params={"cell": refused.cell or "", **refused.params})


def _data_sheets(name: str, sheets: list[Sheet], explicit: bool) -> tuple[list[Sheet], list[Problem]]:
    """Return the sheets to read (every sheet but notes and blank ones; the one asked for when explicit) and the
    notes saying which were left out."""
    if explicit:
        return sheets, []
    chosen, notes = [], []
    for s in sheets:
        if not any(c.strip() for row in s.grid for c in row):
            continue  # Excel's empty Sheet2 and Sheet3
        if NOTES_SHEET.search(s.name.strip()):
            notes.append(Problem(name, "warn_notes_sheet", severity="warning", params={"name": s.name}))
            continue
        chosen.append(s)
    return chosen or sheets[:1], notes


def _parse_sheets(name: str, sheets: list[tuple[str, pd.DataFrame]], catalog: Catalog, context: Context | None,
                  encoding: str | None, names: list[str], notes: list[Problem]) -> Parsed:
    """Return the sheets read together into canonical rows (all or nothing), or their problems."""
    workbook = bool(names)
    raws, names_by_col, layouts, problems, read = [], {}, [], list(notes), []
    unread: list[tuple[str, list[Problem]]] = []
    for k, (sheet_name, cells) in enumerate(sheets):
        raw, by_col, layout, found = to_raw(cells, catalog, name, sheet=sheet_name)
        found = [dataclasses.replace(p, sheet=sheet_name or None) for p in found]
        if layout is None:
            unread.append((sheet_name, found if not all_blank(cells) else [Problem(name, "err_empty",
                                                                                      sheet=sheet_name or None)]))
            continue
        if k:
            raw = raw.assign(pos=raw["pos"] + k * ROW_STRIDE, value_col=raw["value_col"] + k * COLUMN_STRIDE)
        raws.append(raw)
        names_by_col |= {col + k * COLUMN_STRIDE: v for col, v in by_col.items()}
        layouts.append(layout)
        problems += found
        read.append(sheet_name)
    if not raws:  # no sheet has data: the first sheet's reason
        return Parsed(name, empty_rows(), unread[0][1] if unread else [Problem(name, "err_empty")],
                      encoding=encoding, sheets=names)
    problems += [Problem(name, "warn_sheet_skipped", severity="warning", params={"name": s})
                 for s, found in unread if not any(p.code == "err_empty" for p in found)]
    layout = layouts[0] if len(set(layouts)) == 1 else "mixed"
    if any(p.severity == "error" for p in problems):
        return Parsed(name, empty_rows(), problems, layout, encoding, names, read_sheets=read)
    raw = pd.concat(raws, ignore_index=True) if len(raws) > 1 else raws[0]
    if raw.empty:
        return Parsed(name, empty_rows(), [*problems, Problem(name, "err_empty")], layout, encoding, names,
                      read_sheets=read)
    kept, aside = _set_aside(raw, names_by_col, catalog, name)
    if not kept.empty:  # (a file none of whose names is known is refused row by row: the names are what is wrong)
        raw = kept
    else:
        aside = []
    rows, found, unlisted = normalize(raw, names_by_col, catalog, name, context)
    found = aside + found
    if context is not None and (raw["growth"] != "").any():
        found += crosscheck.reported_growth(rows, raw, names_by_col, name, context)
    if "stated_month" in raw:
        found += crosscheck.month_against_ytd(rows, raw, names_by_col, name, context, catalog)
    if any(p.severity == "error" for p in found):
        rows = empty_rows()
    else:
        rows = _with_source_cells(rows, raw)
    if workbook:
        found = [_relocate(p, [s for s, _ in sheets]) for p in found]
        rows = _relocate_rows(rows, [s for s, _ in sheets])
    return Parsed(name, rows, problems + found, layout, encoding, names, unlisted, read_sheets=read)


def _set_aside(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog,
               name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Return the raw records of indicators the dashboard knows (or misspellings of them, refused later with a hint)
    and a warning for each other indicator and year kept aside (not stored): its name, year, rows and first row."""
    texts = raw["indicator"].astype("str")
    unknown = {text for text in distinct_cells(texts) if without_target(text, catalog)}
    if not unknown:
        return raw, []
    mask = texts.isin(unknown).to_numpy(dtype=bool)
    kept = raw[mask]
    years = [str(p[0]) if (p := parse_period(v)) else "?" for v in kept["period"]]
    groups = pd.DataFrame({"indicator": kept["indicator"].map(clean).to_numpy(), "year": years,
                           "pos": kept["pos"].to_numpy(), "value_col": kept["value_col"].to_numpy()})
    aside = []
    for (indicator, year), group in groups.groupby(["indicator", "year"], sort=False):
        first = group.sort_values("pos").iloc[0]
        column = names_by_col.get(int(first["value_col"]), {}).get("indicator") or "indicator"
        aside.append(Problem(name, "warn_no_target", row=int(first["pos"]) + 1, column=column, value=indicator,
                             severity="warning", params={"year": year, "rows": len(group)}))
    return raw[~mask].reset_index(drop=True), aside


def _relocate(problem: Problem, sheets: list[str]) -> Problem:
    """Return a problem of sheets checked together with its own sheet and row, and rows it names in other sheets
    named with their sheet."""
    if problem.row is None:
        return problem
    k, row = divmod(problem.row - 1, ROW_STRIDE)
    moved = dataclasses.replace(problem, row=row + 1, sheet=sheets[k] or None)
    param = next((p for p in ("other", "prev_row") if p in problem.params), None)
    if param is None:
        return moved
    other_k, other_row = divmod(int(problem.params[param]) - 1, ROW_STRIDE)
    params = {**problem.params, param: other_row + 1}
    if other_k == k:
        return dataclasses.replace(moved, params=params)
    code = "err_duplicate_sheet" if problem.code == "err_duplicate" else "warn_ytd_down_sheet"
    return Problem(moved.file, code, moved.row, moved.column, moved.value, params | {"other_sheet": sheets[other_k]},
                   moved.severity, moved.sheet)


def _relocate_rows(rows: pd.DataFrame, sheets: list[str]) -> pd.DataFrame:
    """Return canonical rows with their sheet's own row numbers and the sheet's name (source_sheet)."""
    if rows.empty:
        return rows.assign(source_sheet=pd.Series(dtype="str"))
    k, row = np.divmod(rows["source_row"].to_numpy(dtype=np.int64) - 1, ROW_STRIDE)
    return rows.assign(source_row=row + 1, source_sheet=np.array(sheets, dtype=object)[k])


def _with_source_cells(rows: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Return canonical rows with the value and unit as the file wrote them (source_value, source_unit)."""
    if rows.empty or len(rows) > SOURCE_CELLS_MAX_ROWS:
        blank = constant_text("", len(rows), rows.index)
        return rows.assign(source_value=blank, source_unit=blank) if not rows.empty else \
            rows.assign(source_value=pd.Series(dtype="str"), source_unit=pd.Series(dtype="str"))
    keys = ["pos"] if not raw["pos"].duplicated().any() else ["pos", "indicator"]  # wide: a record per indicator
    cells = raw[[*keys, "value", "unit"]].drop_duplicates(keys).rename(
        columns={"value": "source_value", "unit": "source_unit"})
    found = rows.assign(pos=rows["source_row"] - 1).merge(cells, on=keys, how="left").drop(columns="pos")
    return found.assign(source_value=clean_column(found["source_value"].fillna("").astype("str")),
                        source_unit=clean_column(found["source_unit"].fillna("").astype("str")))
