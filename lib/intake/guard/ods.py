"""The extent of every table of an .ods content.xml (parsed as it streams): rows and columns counted with their
repeat counts (written with any quoting), up to where a cell or row with content ends, so that the trailing repeated
empty cells every .ods has cost nothing; merged ranges from the spans of their cells."""

from __future__ import annotations

from lib.intake.guard.shapes import Refused, SheetShape, WorkbookShape, add_merge, cell_name, reach
from lib.intake.guard.xmlscan import Scan, attribute

_CELLS = ("table-cell", "covered-table-cell")


class OdsScan:
    """content.xml measured as it streams."""

    def __init__(self, part: str, counter: list[int]):
        self.shape = WorkbookShape("ods")
        self.scan = Scan(part, self._start, self._end, counter)
        self.sheet: SheetShape | None = None
        self.row = 0  # 0-based row of the current <table-row>
        self.row_repeat = 1
        self.row_width = 0  # where the row's last cell with content ends
        self.column = 0
        self.cell_repeat = 1
        self.depth_in_cell = 0  # elements inside the current cell: any (a <text:p>) is content
        self.cell_has_content = False

    def feed(self, chunk: bytes) -> None:
        self.scan.feed(chunk)

    def close(self) -> None:
        self.scan.close()

    def _repeat(self, attrs: dict[str, str], name: str) -> int:
        text = attribute(attrs, name)
        if text is None:
            return 1
        if not text.strip().isdigit():
            raise Refused("err_corrupt", sheet=self.sheet.name if self.sheet else None,
                          detail=f"{name} '{text[:20]}'")
        return max(int(text), 1)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if self.depth_in_cell:
            self.depth_in_cell += 1
            self.cell_has_content = True
            return
        if name == "table":
            label = attribute(attrs, "name") or f"#{len(self.shape.sheets) + 1}"
            self.sheet = self.shape.sheets[label] = SheetShape(label)
            self.row = 0
        elif self.sheet is None:
            return
        elif name == "table-row":
            self.row_repeat = self._repeat(attrs, "number-rows-repeated")
            self.column, self.row_width = 0, 0
        elif name in _CELLS:
            self.cell_repeat = self._repeat(attrs, "number-columns-repeated")
            self.cell_has_content = attribute(attrs, "value-type") is not None
            if attribute(attrs, "formula") is not None and not self.cell_has_content \
                    and self.sheet.formula_without_value is None:
                self.sheet.formula_without_value = cell_name(self.row, self.column)
            spanned = (self._repeat(attrs, "number-rows-spanned"), self._repeat(attrs, "number-columns-spanned"))
            if spanned != (1, 1):
                add_merge(self.sheet, (self.row, self.column),
                          (self.row + spanned[0] - 1, self.column + spanned[1] - 1))
            self.depth_in_cell = 1

    def _end(self, name: str) -> None:
        if self.depth_in_cell > 1:
            self.depth_in_cell -= 1
            return
        sheet = self.sheet
        if sheet is None:
            return
        if self.depth_in_cell == 1 and name in _CELLS:
            self.depth_in_cell = 0
            if self.cell_has_content:
                self.row_width = self.column + self.cell_repeat
            self.column += self.cell_repeat
        elif name == "table-row":
            if self.row_width:
                reach(sheet, self.row + self.row_repeat - 1, self.row_width - 1)
                sheet.cells += self.row_width * self.row_repeat
            self.row += self.row_repeat
        elif name == "table":
            self.sheet = None
