"""One intake path for actuals files (upload page, files dropped into data/actuals, CLI).

A file as analysts have it (CSV in UTF-8/BOM/GBK, or XLSX; long, wide or bulletin layout;
Chinese header words; title rows above the header) becomes canonical rows
(indicator, region, year, month, value in the indicator's unit, basis, note) plus every
problem found, each located by file, row, column and value.

The package: reading.py reads a file's cells, layout.py finds the header and turns the cells into raw
records, checks.py holds what both ways of checking them share, records.py checks one record at a time
(small files), columns.py whole columns at a time (large files). Both give the same rows and problems.
This module is the public API (__all__); other modules and tests import from here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

import pandas as pd

from lib import config
from lib.catalog import Catalog
from lib.intake import columns, records
from lib.intake.checks import ROW_COLUMNS, Context, clean, empty_rows, parse_number, parse_period
from lib.intake.layout import HEADER_SCAN_ROWS, all_blank, to_raw
from lib.intake.reading import decode_bytes, read_cells, read_grid, xlsx_sheets
from lib.problems import Problem

__all__ = ["HEADER_SCAN_ROWS", "METHODS", "ROW_COLUMNS", "Context", "Parsed", "clean", "decode_bytes", "empty_rows",
           "normalize", "parse", "parse_number", "parse_period", "read_cells", "read_grid", "to_raw", "xlsx_sheets"]

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
    if layout is None and all_blank(cells):
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], encoding=encoding, sheets=sheets)
    if problems:
        return Parsed(name, empty_rows(), problems, layout, encoding, sheets)
    if raw.empty:
        return Parsed(name, empty_rows(), [Problem(name, "err_empty")], layout, encoding, sheets)
    rows, problems, unlisted = normalize(raw, names_by_col, catalog, name, context)
    if any(p.severity == "error" for p in problems):
        rows = empty_rows()
    return Parsed(name, rows, problems, layout, encoding, sheets, unlisted)

