"""What a file may cost before it is read: its kind from its bytes, and every limit of lib/config.py checked on the
raw bytes (zip directory, inflated sizes, the XML parsed as it inflates, cell positions, merged ranges, sector
chains), so that nothing is inflated past a limit and no reader is asked to build a sheet larger than one.

The workbook reader (calamine) builds each sheet as a dense grid from its top-left to its last cell: a 1.5 KB file
with one cell at A1 and one at XFD60000 asks it for 30 GB and ends the process. So the extent of every sheet is read
here from the file itself (cell references in .xlsx, repeat counts in .ods, BIFF records in .xls, record headers in
.xlsb), parsed, never pattern-matched, and never taken from the <dimension> a file claims. What cannot be proved
within the limits is refused, naming the limit (too large) or what is broken (damaged). The package:
package.py (zip parts), xmlscan.py (the XML parser), xlsx.py, ods.py, ole.py (each format's extent), shapes.py
(what they share). The readers run in a sandbox worker all the same (lib/sandbox.py): the guard is the first line.
"""

from __future__ import annotations

import numpy as np

from lib import config
from lib.intake.guard.ods import OdsScan
from lib.intake.guard.ole import ole_shape
from lib.intake.guard.package import open_package, scan_parts
from lib.intake.guard.shapes import Refused, SheetShape, WorkbookShape, cell_name, check_sheet
from lib.intake.guard.xlsx import BookScan, SheetScan, xlsb_shape, xlsx_shape

__all__ = ["TEXT_SUFFIXES", "WORKBOOK_SUFFIXES", "Refused", "SheetShape", "WorkbookShape", "cell_name",
           "check_document", "check_sheet", "check_text", "check_workbook", "looks_like_html", "workbook_kind"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_SUFFIXES = ("xlsx", "xlsm", "xls", "xlsb", "ods")
TEXT_SUFFIXES = ("csv", "txt")


def workbook_kind(data: bytes) -> str | None:
    """Return 'zip' or 'ole' for a workbook's container, None for anything else (text)."""
    if data[:4] == ZIP_MAGIC:
        return "zip"
    if data[:8] == OLE_MAGIC:
        return "ole"
    return None


def looks_like_html(data: bytes) -> bool:
    """Return whether bytes are a web page (what many reporting systems save as "xls")."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")) or b"<table" in head[:512]


def check_text(data: bytes) -> tuple[int, int, np.ndarray]:
    """Return (the length in bytes of the longest line of CSV bytes, which no cell exceeds, or a bound on it below
    MAX_COLUMNS and MAX_CELL_CHARS when every line is shorter than those; the number of line feeds; the bytes as an
    array) and refuse bytes with more lines or fields than config allows, counted on the bytes (an upper bound:
    quoted separators count too) before any parser builds a row. Only a line at least MAX_COLUMNS bytes long can
    hold more fields than that, so only such lines are counted field by field."""
    arr = np.frombuffer(data, dtype=np.uint8)
    is_feed = arr == 10
    line_feeds = int(np.count_nonzero(is_feed))
    if b"\r" in data and data.count(b"\r") > data.count(b"\r\n"):  # old Mac line ends (a \r\n ends at its \n)
        is_break = is_feed | ((arr == 13) & np.append(arr[1:] != 10, True))
        lines = int(np.count_nonzero(is_break)) + 1
    else:
        is_break, lines = is_feed, line_feeds + 1
    if lines > config.MAX_ROWS + 1:
        raise Refused("err_limit_rows", count=f"{lines:,}", limit=f"{config.MAX_ROWS:,}")
    # A line of 2b bytes or more holds a whole aligned block of b bytes without a break: when every block has one,
    # every line is shorter than 2b, and no line need be measured (a million line ends not listed).
    block = min(config.MAX_COLUMNS, config.MAX_CELL_CHARS) // 2
    whole = len(arr) // block * block if block > 0 else 0
    if whole and is_break[:whole].reshape(-1, block).any(axis=1).all():
        return 2 * block - 1, line_feeds, arr
    breaks = np.flatnonzero(is_break)
    bounds = np.concatenate(([-1], breaks, [len(arr)]))
    lengths = np.diff(bounds) - 1
    long_lines = np.flatnonzero(lengths >= config.MAX_COLUMNS)
    widest = max((data.count(b",", int(bounds[i]) + 1, int(bounds[i + 1])) + 1 for i in long_lines), default=0)
    if widest > config.MAX_COLUMNS:
        raise Refused("err_limit_columns", count=f"{widest:,}", limit=f"{config.MAX_COLUMNS:,}")
    return int(lengths.max()), line_feeds, arr


def check_workbook(data: bytes, sheets: bool = True) -> WorkbookShape:
    """Return the shape of a workbook whose every sheet is within config's limits; raise Refused otherwise. With
    sheets=False only what opening the workbook costs is checked (its parts inflated and parsed within the limits),
    not the extent of its sheets: enough to list their names."""
    kind = workbook_kind(data)
    if kind == "zip":
        shape = _zip_shape(data, sheets)
    elif kind == "ole":
        shape = ole_shape(data)  # its sector chains are checked even to list its sheets
    else:
        raise Refused("err_not_workbook")
    for sheet in shape.sheets.values():
        check_sheet(sheet)
    return shape


def _zip_shape(data: bytes, sheets: bool) -> WorkbookShape:
    """Return the shape of a zip workbook (.xlsx, .xlsm, .xlsb, .ods), every part inflated and parsed within the
    limits as it streams."""
    book, members = open_package(data)
    names = {m.filename for m in members}
    counter = [0]  # XML elements read, across the parts
    workbook = BookScan(counter)
    sheet_scans: dict[str, SheetScan] = {}
    ods: list[OdsScan] = []

    def handler(name: str):
        if name == "xl/workbook.xml":
            return workbook.workbook(name)
        if name == "xl/_rels/workbook.xml.rels":
            return workbook.relationships(name)
        if sheets and name.startswith("xl/worksheets/") and name.endswith(".xml"):
            scan = sheet_scans[name] = SheetScan(name, counter)
            return scan
        if sheets and name == "content.xml" and "xl/workbook.xml" not in names:
            ods.append(OdsScan(name, counter))
            return ods[-1]
        return None

    binary = "xl/workbook.bin" in names
    kept = scan_parts(book, members, handler, keep=lambda name: binary and name.startswith("xl/worksheets/")
                      and name.endswith(".bin"))
    if not sheets:
        return WorkbookShape("zip")
    if "xl/workbook.xml" in names:
        return xlsx_shape(workbook, sheet_scans)
    if binary:
        return xlsb_shape(kept)
    if ods:
        return ods[0].shape
    raise Refused("err_not_workbook")


def check_document(data: bytes) -> None:
    """Refuse a zip document (.docx) whose parts are over the limits: each inflated and parsed as it streams, an
    XML part at most config.MAX_DOCUMENT_XML_BYTES."""
    def part_limit(name: str) -> int:
        return config.MAX_DOCUMENT_XML_BYTES if name.lower().endswith(".xml") else config.MAX_MEMBER_BYTES

    book, members = open_package(data, part_limit)
    scan_parts(book, members, lambda name: None, part_limit=part_limit)
