"""What the guard's parts share: the refusal it raises, the shapes it measures, and their limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib import config


class Refused(ValueError):
    """A file refused before or while it is read: a message code, its parameters, and where (sheet, cell).
    A ValueError, so that readers of other files (work-plan progress) that catch one report it too."""

    def __init__(self, code: str, sheet: str | None = None, cell: str | None = None, **params: object):
        super().__init__(code)
        self.code, self.sheet, self.cell, self.params = code, sheet, cell, params

    def __reduce__(self):  # crosses the sandbox's boundary whole
        return _refused, (self.code, self.sheet, self.cell, self.params)

    def __str__(self) -> str:
        from lib.i18n import t

        return t(self.code, "zh", **{"value": "", "cell": self.cell or "", "sheet": self.sheet or "", **self.params})


def _refused(code: str, sheet: str | None, cell: str | None, params: dict) -> Refused:
    return Refused(code, sheet, cell, **params)


@dataclass
class SheetShape:
    """How large a sheet is, read from its bytes: rows and columns of its dense grid, cells with a value, and its
    merged ranges (each clipped to the grid when the sheet is checked)."""

    name: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    formula_without_value: str | None = None  # the first cell with a formula but no value saved with it
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, col, last row, col), 0-based
    refusal: Refused | None = None  # why it was refused while its name was not known yet (raised once it is)


@dataclass
class WorkbookShape:
    """What guard found in a workbook: its kind (xlsx, xls, xlsb, ods) and each sheet's shape by name."""

    kind: str
    sheets: dict[str, SheetShape] = field(default_factory=dict)


def cell_name(row: int, column: int) -> str:
    """Return a 0-based position as a cell name: (0, 0) → A1, (4, 27) → AB5."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def parse_reference(text: str) -> tuple[int, int] | None:
    """Return a cell reference (A1, a1, $B$2, written with any case) as 0-based (row, column); None when it is
    none (a reference beyond XFD or row 9,999,999 is none either)."""
    m = _REFERENCE.fullmatch(text.strip())
    if m is None:
        return None
    column = 0
    for ch in m.group(1).upper():
        column = column * 26 + ord(ch) - 64
    row = int(m.group(2))
    return (row - 1, column - 1) if row >= 1 else None


def reach(sheet: SheetShape, row: int, column: int) -> None:
    """Grow a sheet's shape to hold a cell (0-based), refusing it as soon as it passes a limit."""
    if row >= sheet.rows:
        sheet.rows = row + 1
        if sheet.rows > config.MAX_ROWS:
            check_sheet(sheet)
    if column >= sheet.columns:
        sheet.columns = column + 1
        if sheet.columns > config.MAX_COLUMNS:
            check_sheet(sheet)


def check_sheet(sheet: SheetShape) -> None:
    """Refuse a sheet over the row, column, cell or merge limits."""
    if sheet.rows > config.MAX_ROWS:
        raise Refused("err_limit_rows", sheet=sheet.name, count=f"{sheet.rows:,}", limit=f"{config.MAX_ROWS:,}")
    if sheet.columns > config.MAX_COLUMNS:
        raise Refused("err_limit_columns", sheet=sheet.name, count=f"{sheet.columns:,}",
                      limit=f"{config.MAX_COLUMNS:,}")
    if sheet.rows * sheet.columns > config.MAX_WORKBOOK_CELLS:
        raise Refused("err_limit_cells", sheet=sheet.name, count=f"{sheet.rows * sheet.columns:,}",
                      limit=f"{config.MAX_WORKBOOK_CELLS:,}")
    if len(sheet.merges) > config.MAX_MERGED_RANGES:
        raise Refused("err_limit_merges", sheet=sheet.name, count=f"{len(sheet.merges):,}",
                      limit=f"{config.MAX_MERGED_RANGES:,}")
    area = merged_area(sheet)
    if area > config.MAX_WORKBOOK_CELLS:
        raise Refused("err_limit_merged_area", sheet=sheet.name, count=f"{area:,}",
                      limit=f"{config.MAX_WORKBOOK_CELLS:,}")


def merged_area(sheet: SheetShape) -> int:
    """Return the cells the reader fills from merged ranges, each range clipped to the sheet's grid."""
    total = 0
    for r0, c0, r1, c1 in sheet.merges:
        rows = min(r1, sheet.rows - 1) - r0 + 1
        columns = min(c1, sheet.columns - 1) - c0 + 1
        if rows > 0 and columns > 0:
            total += rows * columns
    return total


def add_merge(sheet: SheetShape, first: tuple[int, int], last: tuple[int, int]) -> None:
    """Record a merged range, refusing the sheet once it has more than the limit."""
    sheet.merges.append((min(first[0], last[0]), min(first[1], last[1]), max(first[0], last[0]),
                         max(first[1], last[1])))
    if len(sheet.merges) > config.MAX_MERGED_RANGES:
        check_sheet(sheet)


def megabytes(size: int) -> str:
    """Return a byte count as megabytes for a message."""
    return f"{size / 1e6:,.1f} MB"


def short(exc: BaseException) -> str:
    """Return an exception's text, short enough for a message and without server paths."""
    text = str(exc) or type(exc).__name__
    return re.sub(r"(/[\w.\-]+)+", "…", text)[:160]
