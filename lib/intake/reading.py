"""Reading a file's cells: bytes decoded (UTF-8, BOM or GBK), CSV rows, workbook sheets of every format (.xlsx,
.xlsm, .xls, .xlsb, .ods, through calamine once lib/intake/guard.py has checked them), and the Arrow reader for large
CSV files. Every cell comes out as the text an analyst sees, control characters removed; nothing is interpreted here.

The public readers (read_workbook, read_cells, read_grid, workbook_sheet_names) run the guard and the native readers
in a sandbox worker (lib/sandbox.py): a file that crashes, hangs or exhausts a reader is refused (guard.Refused naming
the limit or the signal) and the caller's process goes on. Large CSV files come back as an Arrow table, converted to a
frame here.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from lib import config, sandbox
from lib.datafiles import csv_problem
from lib.intake import checks, guard
from lib.safety import clean_control_bytes, clean_grid, clean_name, has_control_bytes

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
    """Return a workbook cell as the text an analyst sees."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


@dataclass
class Sheet:
    """One sheet of a file as text cells: its name ('' for a CSV file) and its rows of cell texts."""

    name: str
    grid: list[list[str]]


def _open_book(data: bytes):
    """Return a calamine workbook of bytes that passed the guard; raise Refused when the reader cannot open it."""
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise guard.Refused("err_encrypted") from exc
    except Exception as exc:  # the reader's XmlError, ZipError, CalamineError, and anything a broken file raises
        raise guard.Refused("err_corrupt", detail=_reader_detail(exc)) from exc
    except BaseException as exc:  # a panic inside the reader (pyo3's PanicException is a BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise guard.Refused("err_corrupt", detail=_reader_detail(exc)) from exc


def _reader_detail(exc: BaseException) -> str:
    """Return what the workbook reader said, short and without server paths: the kind of error first (its XML
    errors say little more than the tag they stopped at)."""
    text = re.sub(r"(/[\w.\-]+)+", "…", str(exc))
    kind = type(exc).__name__.removesuffix("Error") or type(exc).__name__
    return f"{kind}: {text}"[:160] if text and len(text) > 3 else kind


def _isolated(func, *args):
    """Return func(*args) computed in a sandbox worker; a worker stopped by a limit or a signal raises Refused."""
    try:
        return sandbox.run(func, *args)
    except sandbox.Stopped as stop:
        raise guard.Refused(stop.code, **stop.params) from None


def workbook_sheet_names(data: bytes) -> list[str]:
    """Return the sheet names of a workbook (any format), after the guard's checks of its parts; raise Refused."""
    return _isolated(_workbook_sheet_names, data)


def _workbook_sheet_names(data: bytes) -> list[str]:
    guard.check_workbook(data, sheets=False)
    book = _open_book(data)
    try:
        return [clean_name(n) for n in book.sheet_names]
    finally:
        book.close()


def xlsx_sheets(data: bytes) -> list[str]:
    """Return the sheet names of a workbook of any format (the name is kept from when only .xlsx was read)."""
    return workbook_sheet_names(data)


def read_workbook(data: bytes, wanted: list[str] | None = None) -> tuple[list[Sheet], list[str], str]:
    """Return (the sheets named in wanted, or every sheet, as text grids with merged cells filled from their top-left
    cell; every sheet name; the workbook's kind), checked by the guard first; raise Refused."""
    return _isolated(_read_workbook, data, wanted)


def _read_workbook(data: bytes, wanted: list[str] | None = None) -> tuple[list[Sheet], list[str], str]:
    shape = guard.check_workbook(data)
    book = _open_book(data)
    try:
        stored = {clean_name(n): n for n in book.sheet_names}  # a name as shown → as the workbook has it
        names = list(stored)
        missing = [n for n in wanted or [] if n not in stored]
        if missing:
            raise guard.Refused("err_no_sheet", missing=missing[0], sheets="、".join(names))
        sheets = []
        for name in wanted if wanted is not None else names:
            found = shape.sheets.get(stored[name]) or shape.sheets.get(name)
            if found is not None and found.formula_without_value:
                raise guard.Refused("err_formula_no_value", sheet=name, cell=found.formula_without_value)
            sheets.append(Sheet(name, _sheet_grid(book, stored[name], shape, name)))
        return sheets, names, shape.kind
    finally:
        book.close()


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a sheet's million small lists are built: each of its runs would
    walk them all again (building a grid of 2 million cells took 9 s with it, under 1 s without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sheet_grid(book, name: str, shape: guard.WorkbookShape, shown: str) -> list[list[str]]:
    """Return one sheet (name as stored, shown as its name for messages) as rows of cell texts without control
    characters, merged ranges filled with their top-left cell's text."""
    try:
        sheet = book.get_sheet_by_name(name)
        if sheet.height * max(sheet.width, 1) > config.MAX_WORKBOOK_CELLS:  # the guard's bound, held again here
            raise guard.Refused("err_limit_cells", sheet=shown, count=f"{sheet.height * sheet.width:,}",
                                limit=f"{config.MAX_WORKBOOK_CELLS:,}")
        with _without_gc():
            values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except guard.Refused:
        raise
    except Exception as exc:
        raise guard.Refused("err_corrupt", sheet=shown, detail=_reader_detail(exc)) from exc
    with _without_gc():
        grid = clean_grid([[v if type(v) is str else _cell_text(v) for v in row] for row in values])
    del values
    longest = max((max(map(len, row), default=0) for row in grid), default=0)
    if longest > config.MAX_CELL_CHARS:
        r, c = next((r, c) for r, row in enumerate(grid) for c, text in enumerate(row)
                    if len(text) > config.MAX_CELL_CHARS)
        raise guard.Refused("err_limit_cell_length", sheet=shown, cell=guard.cell_name(r, c), count=f"{longest:,}",
                            limit=f"{config.MAX_CELL_CHARS:,}")
    merges = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in merged if r0 < len(grid) and c0 < len(grid[r0])]
    area = sum(max(0, min(r1, len(grid) - 1) - r0 + 1) * max(0, min(c1, len(grid[r0]) - 1) - c0 + 1)
               for (r0, c0), (r1, c1) in merges)
    if area > config.MAX_WORKBOOK_CELLS:  # the guard's bound, held again here: the fill below is that much work
        raise guard.Refused("err_limit_merged_area", sheet=shown, count=f"{area:,}",
                            limit=f"{config.MAX_WORKBOOK_CELLS:,}")
    for (r0, c0), (r1, c1) in merges:
        top_left = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if not row[c]:
                    row[c] = top_left
    return grid


def read_grid(name: str, data: bytes, sheet: str | None = None) -> tuple[list[list[str]], str | None, list[str]]:
    """Return (rows of cell texts, encoding, sheet names) of a CSV file or of one sheet of a workbook (the first
    unless named); raise Refused or UnicodeDecodeError."""
    if guard.workbook_kind(data):
        sheets, names, kind = read_workbook(data, [sheet] if sheet else None)
        return sheets[0].grid if sheets else [], kind, names
    return _isolated(_read_text_grid, data)


def _read_text_grid(data: bytes) -> tuple[list[list[str]], str, list[str]]:
    text, encoding = decode_bytes(_text_bytes(data)[0])
    return _csv_rows(text), encoding, []


def _csv_rows(text: str) -> list[list[str]]:
    """Return the rows of CSV text; lines may end in \\n, \\r\\n or \\r (old Mac Excel), as Arrow reads them. Raise
    Refused naming the row where the csv module stops (a field longer than its limit), in words."""
    reader = csv.reader(io.StringIO(text, newline=None))
    rows, start = [], 1
    try:
        for row in reader:
            rows.append(list(row))
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = csv_problem("", exc, start)
        raise guard.Refused(problem.code, **problem.params) from None
    return rows


def _grid_frame(grid: list[list[str]]) -> pd.DataFrame:
    """Return rows of cell texts as a frame of text columns 0..n-1, short rows padded with ''."""
    width = max((len(r) for r in grid), default=0)
    with _without_gc():
        if any(len(r) != width for r in grid):
            grid = [r + [""] * (width - len(r)) for r in grid]
        columns = list(zip(*grid)) if grid else [() for _ in range(width)]
        frame = pd.DataFrame({i: pd.Series(column, dtype="str") for i, column in enumerate(columns)},
                             columns=range(width))
    return frame.fillna("")


def _read_csv_columns(utf8: bytes) -> pa.Table:
    """Return a rectangular UTF-8 CSV as a table of text columns via Arrow; raise pa.ArrowInvalid otherwise."""
    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in utf8, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(_MAX_FAST_COLUMNS)},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    if table.num_columns >= _MAX_FAST_COLUMNS:
        raise pa.ArrowInvalid("too many columns for the fast reader")
    return table


def _table_frame(table: pa.Table) -> pd.DataFrame:
    """Return an Arrow table of text columns as a frame of text columns 0..n-1."""
    frame = table.to_pandas()
    frame.columns = range(table.num_columns)
    return frame


def _check_cell_length(cells: pd.DataFrame | pa.Table) -> None:
    """Refuse CSV cells (a frame or an Arrow table) with one longer than config.MAX_CELL_CHARS, naming its line."""
    import pyarrow.compute as pc

    columns = cells.columns if isinstance(cells, pa.Table) else [pa.array(cells[c]) for c in cells.columns]
    for i, column in enumerate(columns):
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py() if len(lengths) else None
        if longest is not None and longest > config.MAX_CELL_CHARS:
            at = pc.index(lengths, longest).as_py()
            raise guard.Refused("err_limit_cell_length", cell=guard.cell_name(at, i), count=f"{longest:,}",
                                limit=f"{config.MAX_CELL_CHARS:,}")


def grid_frame(grid: list[list[str]]) -> pd.DataFrame:
    """Return rows of cell texts as a frame of text columns 0..n-1, short rows padded with ''."""
    return _grid_frame(grid)


def read_cells(name: str, data: bytes, sheet: str | None = None) -> tuple[pd.DataFrame, str | None, list[str]]:
    """Return (every record's cells as text columns 0..n-1, encoding, sheet names) of a CSV file or of one sheet
    of a workbook; raise Refused or UnicodeDecodeError."""
    if guard.workbook_kind(data):
        grid, encoding, sheets = read_grid(name, data, sheet)
        return _grid_frame(grid), encoding, sheets
    cells, encoding = _isolated(_read_text_columns, data)
    return (cells.frame() if isinstance(cells, _Columns) else cells), encoding, []


@dataclass
class _Columns:
    """A large CSV's cells as they cross the sandbox's boundary: an Arrow table of the columns that hold text, and
    the positions of those whose every cell is blank (unit, basis, note of most files), sent as their place alone
    (a million empty cells are 4 MB of offsets to write, map and convert)."""

    table: pa.Table
    blank: list[int]
    rows: int

    @classmethod
    def of(cls, table: pa.Table) -> _Columns:
        """Return a table's columns, the blank ones set apart."""
        import pyarrow.compute as pc

        blank = [i for i, column in enumerate(table.columns)
                 if not table.num_rows or not pc.max(pc.binary_length(column)).as_py()]
        return cls(table.drop_columns([table.column_names[i] for i in blank]) if blank else table, blank,
                   table.num_rows)

    def frame(self) -> pd.DataFrame:
        """Return the cells as a frame of text columns 0..n-1 (the blank ones rebuilt in place)."""
        if not self.blank:
            return _table_frame(self.table)
        held = iter(self.table.to_pandas().items())
        width = self.table.num_columns + len(self.blank)
        return pd.DataFrame({i: checks.constant_text("", self.rows) if i in self.blank else next(held)[1]
                             for i in range(width)}, columns=range(width))


def _read_text_columns(data: bytes) -> tuple[pd.DataFrame | _Columns, str]:
    """Return _read_text_cells of CSV bytes, an Arrow table's blank columns set apart (_Columns)."""
    cells, encoding = _read_text_cells(data)
    return (_Columns.of(cells) if isinstance(cells, pa.Table) else cells), encoding


def _text_bytes(data: bytes) -> tuple[bytes, int]:
    """Return CSV bytes checked by the guard, without control characters, and the length of their longest line."""
    longest_line, line_breaks, arr = guard.check_text(data)
    if has_control_bytes(data, line_breaks, arr):
        data = clean_control_bytes(data)
    return data, longest_line


def _read_text_cells(data: bytes) -> tuple[pd.DataFrame | pa.Table, str]:
    """Return the cells of CSV bytes (an Arrow table for a large file, which crosses the sandbox's boundary without
    a copy) and their encoding, control characters removed. A large file is read while its bytes are searched for
    control characters (read again without them in the rare file that has one)."""
    if len(data) < config.SMALL_FILE_BYTES:
        data, longest_line = _text_bytes(data)
        cells, encoding = _read_csv(data)
    else:
        longest_line, line_breaks, arr = guard.check_text(data)
        with ThreadPoolExecutor(1) as pool:
            control = pool.submit(has_control_bytes, data, line_breaks, arr)
            cells, encoding = _read_csv(data)
            if control.result():
                cells, encoding = _read_csv(clean_control_bytes(data))
    if longest_line > config.MAX_CELL_CHARS:  # only then can a cell be too long
        _check_cell_length(cells)
    return cells, encoding


def _read_csv(data: bytes) -> tuple[pd.DataFrame | pa.Table, str]:
    """Return the cells of CSV bytes and their encoding: Python's csv module for small files, Arrow for large."""
    if len(data) < config.SMALL_FILE_BYTES:
        text, encoding = decode_bytes(data)
        return _grid_frame(_csv_rows(text)), encoding
    utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return _read_csv_columns(utf8), "utf-8-sig"  # the Arrow reader checks that the bytes are UTF-8
    except pa.ArrowInvalid:
        pass  # not UTF-8 (GBK from Chinese Excel), or ragged rows: decode, then try again
    text, encoding = decode_bytes(data)
    try:
        if encoding != "utf-8-sig":
            return _read_csv_columns(text.encode("utf-8")), encoding
    except pa.ArrowInvalid:
        pass
    return _grid_frame(_csv_rows(text)), encoding
