"""Reading a file's cells: bytes decoded (UTF-8, BOM or GBK), CSV rows, XLSX sheets (openpyxl), and the
Arrow reader for large CSV files. Every cell comes out as the text an analyst sees; nothing is interpreted here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from lib import config

_MAX_FAST_COLUMNS = 512  # wider files go through the csv module


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
    if len(data) < config.SMALL_FILE_BYTES:
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
