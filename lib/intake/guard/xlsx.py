"""The extent of every sheet of an .xlsx/.xlsm (its XML, parsed) or .xlsb (its binary records), read from the cells
themselves and never from the <dimension> a sheet claims: the furthest cell reference in each direction, room for
cells and rows without a reference (the reader places those after the one before), merged ranges, and the first
formula saved without its value."""

from __future__ import annotations

import struct

from lib.intake.guard.shapes import Refused, SheetShape, WorkbookShape, add_merge, cell_name, parse_reference, reach
from lib.intake.guard.xmlscan import DoctypeRefused, Scan, attribute


class SheetScan:
    """One worksheet's XML measured as it streams; a refusal is kept until the sheet's name is known."""

    def __init__(self, part: str, counter: list[int]):
        self.shape = SheetShape(part)
        self.scan = Scan(part, self._start, self._end, counter)
        self.row = -1  # 0-based row of the current <row>
        self.next_column = 0  # where a cell without a reference goes
        self.cell: str | None = None  # the current cell's reference and type, while a formula may need its value
        self.cell_type: str | None = None
        self.formula = self.value = False
        self.in_value = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.shape.refusal is None:
            try:
                self.scan.feed(chunk, final)
            except DoctypeRefused:
                raise
            except Refused as refused:
                self.shape.refusal = refused

    def close(self) -> None:
        self.feed(b"", True)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        shape = self.shape
        if name == "c":
            ref = attribute(attrs, "r")
            if ref is None:
                row, column = max(self.row, 0), self.next_column
            else:
                found = parse_reference(ref)
                if found is None:
                    raise Refused("err_corrupt", detail=f"{shape.name}: cell reference '{ref[:20]}'")
                row, column = found
            reach(shape, row, column)
            shape.cells += 1
            self.next_column = column + 1
            self.cell, self.cell_type = cell_name(row, column), attribute(attrs, "t")
            self.formula = self.value = False
        elif name == "row":
            ref = attribute(attrs, "r")
            if ref is None:
                self.row += 1
            elif ref.strip().isdigit() and int(ref) >= 1:
                self.row = int(ref) - 1
            else:
                raise Refused("err_corrupt", detail=f"{shape.name}: row number '{ref[:20]}'")
            reach(shape, self.row, 0)
            self.next_column = 0
        elif name == "f":
            self.formula = True
        elif name == "v":
            self.in_value = True
            self.scan.parser.CharacterDataHandler = self._text
        elif name == "mergeCell":
            ref = attribute(attrs, "ref") or ""
            first, _, last = ref.partition(":")
            corners = parse_reference(first), parse_reference(last or first)
            if None in corners:
                raise Refused("err_corrupt", detail=f"{shape.name}: merged range '{ref[:30]}'")
            add_merge(shape, *corners)

    def _text(self, text: str) -> None:
        if self.in_value and text.strip():
            self.value = True

    def _end(self, name: str) -> None:
        if name == "v":
            self.in_value = False
            self.scan.parser.CharacterDataHandler = None
        elif name == "c" and self.formula and not self.value and self.shape.formula_without_value is None \
                and self.cell_type not in ("str", "inlineStr"):
            self.shape.formula_without_value = self.cell


class BookScan:
    """The workbook part (sheet names and their relationship ids) and its relationships (ids to parts)."""

    def __init__(self, counter: list[int]):
        self.sheets: list[tuple[str, str | None]] = []  # (name, relationship id) in workbook order
        self.targets: dict[str, str] = {}
        self.counter = counter

    def workbook(self, part: str) -> Scan:
        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "sheet":
                label = attribute(attrs, "name") or f"#{len(self.sheets) + 1}"
                self.sheets.append((label, attribute(attrs, "id")))
        return Scan(part, start, counter=self.counter)

    def relationships(self, part: str) -> Scan:
        def start(name: str, attrs: dict[str, str]) -> None:
            rid, target = attribute(attrs, "Id"), attribute(attrs, "Target")
            if name == "Relationship" and rid and target:
                self.targets[rid] = "xl/" + target.lstrip("/").removeprefix("xl/")
        return Scan(part, start, counter=self.counter)


def xlsx_shape(book: BookScan, sheets: dict[str, SheetScan]) -> WorkbookShape:
    """Return the shape of every worksheet by its sheet name; a sheet part no name points to is checked too."""
    shape = WorkbookShape("xlsx")
    named = set()
    for label, rid in book.sheets:
        part = book.targets.get(rid or "")
        if part in sheets:
            shape.sheets[label] = _named(sheets[part].shape, label)
            named.add(part)
    for part in sorted(set(sheets) - named):
        shape.sheets[part] = _named(sheets[part].shape, part)
    return shape


def _named(sheet: SheetShape, name: str) -> SheetShape:
    """Return a sheet's shape under its name, raising the refusal it met with that name."""
    sheet.name = name
    if sheet.refusal is not None:
        sheet.refusal.sheet = name
        raise sheet.refusal
    return sheet


# --- .xlsb: binary records ----------------------------------------------------------------------------------------

def xlsb_shape(parts: dict[str, bytes]) -> WorkbookShape:
    """Return the shape of every worksheet of an .xlsb from its records (rows from row headers, columns from
    cells, merged ranges from BrtMergeCell)."""
    shape = WorkbookShape("xlsb")
    for member in sorted(p for p in parts if p.startswith("xl/worksheets/") and p.endswith(".bin")):
        shape.sheets[member] = _xlsb_sheet(member, parts[member])
    return shape


def _xlsb_sheet(name: str, data: bytes) -> SheetShape:
    """Return one .xlsb worksheet's shape, walking its record headers."""
    sheet = SheetShape(name)
    pos, end, column, row = 0, len(data), -1, 0
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        body = data[pos:pos + size]
        if len(body) < size:
            raise Refused("err_corrupt", detail=f"{name}: the file is cut short")
        pos += size
        if kind == 0 and size >= 4:  # BrtRowHdr
            row = struct.unpack_from("<I", body)[0]
            reach(sheet, row, 0)
            column = -1
        elif 1 <= kind <= 11 and size >= 4:  # cells with a column
            column = struct.unpack_from("<I", body)[0]
            sheet.cells += 1
            reach(sheet, row, column)
        elif 12 <= kind <= 18:  # short cells: the column after the last
            column += 1
            sheet.cells += 1
            reach(sheet, row, column)
        elif kind == 176 and size >= 16:  # BrtMergeCell: rwFirst, rwLast, colFirst, colLast
            r0, r1, c0, c1 = struct.unpack_from("<IIII", body)
            add_merge(sheet, (r0, c0), (r1, c1))
    return sheet


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    """Return (a little-endian base-128 number of at most `most` bytes, the position after it)."""
    value = 0
    for i in range(most):
        if pos >= len(data):
            raise Refused("err_corrupt", detail="the file is cut short")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return value, pos
