"""What a file may cost before it is read: its kind from its bytes, and every limit of lib/config.py checked on
the raw bytes (zip directory, inflated sizes, cell positions), so that nothing is inflated past a limit and no
reader is asked to build a sheet larger than one.

The workbook reader (calamine) builds each sheet as a dense grid from its top-left to its last cell: a 5 KB
file with one cell at A1 and one at XFD1048576 asks it for 512 GB and ends the process. So the extent of every
sheet is read here from the file itself (cell references in .xlsx, repeat counts in .ods, BIFF records in .xls,
record headers in .xlsb) and never from the <dimension> a file claims.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import numpy as np

from lib import config

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_SUFFIXES = ("xlsx", "xlsm", "xls", "xlsb", "ods")
TEXT_SUFFIXES = ("csv", "txt")


class Refused(ValueError):
    """A file refused before or while it is read: a message code, its parameters, and where (sheet, cell).
    A ValueError, so that readers of other files (work-plan progress) that catch one report it too."""

    def __init__(self, code: str, sheet: str | None = None, cell: str | None = None, **params: object):
        super().__init__(code)
        self.code, self.sheet, self.cell, self.params = code, sheet, cell, params

    def __str__(self) -> str:
        from lib.i18n import t

        return t(self.code, "zh", **{"value": "", "cell": self.cell or "", "sheet": self.sheet or "", **self.params})


@dataclass
class SheetShape:
    """How large a sheet is, read from its bytes: rows and columns of its dense grid, cells with a value."""

    name: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    formula_without_value: str | None = None  # the first cell with a formula but no value saved with it


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


def check_text(data: bytes) -> int:
    """Return the length in bytes of the longest line of CSV bytes (no cell is longer); refuse bytes with more lines
    or fields than config allows, counted on the bytes (an upper bound: quoted separators count too) before any
    parser builds a row. Only a line at least MAX_COLUMNS bytes long can hold more fields than that, so only such
    lines are counted field by field."""
    arr = np.frombuffer(data, dtype=np.uint8)
    if b"\r" in data and data.count(b"\r") > data.count(b"\r\n"):  # old Mac line ends (a \r\n ends at its \n)
        breaks = np.flatnonzero((arr == 10) | ((arr == 13) & np.append(arr[1:] != 10, True)))
    else:
        breaks = np.flatnonzero(arr == 10)
    lines = len(breaks) + 1
    if lines > config.MAX_ROWS + 1:
        raise Refused("err_limit_rows", count=f"{lines:,}", limit=f"{config.MAX_ROWS:,}")
    bounds = np.concatenate(([-1], breaks, [len(arr)]))
    lengths = np.diff(bounds) - 1
    long_lines = np.flatnonzero(lengths >= config.MAX_COLUMNS)
    widest = max((data.count(b",", int(bounds[i]) + 1, int(bounds[i + 1])) + 1 for i in long_lines), default=0)
    if widest > config.MAX_COLUMNS:
        raise Refused("err_limit_columns", count=f"{widest:,}", limit=f"{config.MAX_COLUMNS:,}")
    return int(lengths.max())


def check_workbook(data: bytes, sheets: bool = True) -> WorkbookShape:
    """Return the shape of a workbook whose every sheet is within config's limits; raise Refused otherwise. With
    sheets=False only what opening the workbook costs is checked (its parts, inflated within the limits), not the
    extent of its sheets: enough to list their names."""
    kind = workbook_kind(data)
    if kind == "zip":
        shape = _check_zip(data, sheets)
    elif kind == "ole":
        shape = _check_ole(data)
    else:
        raise Refused("err_not_workbook")
    for sheet in shape.sheets.values():
        check_sheet(sheet)
    return shape


def check_sheet(sheet: SheetShape) -> None:
    """Refuse a sheet over the row, column or cell limit."""
    if sheet.rows > config.MAX_ROWS:
        raise Refused("err_limit_rows", sheet=sheet.name, count=f"{sheet.rows:,}", limit=f"{config.MAX_ROWS:,}")
    if sheet.columns > config.MAX_COLUMNS:
        raise Refused("err_limit_columns", sheet=sheet.name, count=f"{sheet.columns:,}",
                      limit=f"{config.MAX_COLUMNS:,}")
    if sheet.rows * sheet.columns > config.MAX_WORKBOOK_CELLS:
        raise Refused("err_limit_cells", sheet=sheet.name, count=f"{sheet.rows * sheet.columns:,}",
                      limit=f"{config.MAX_WORKBOOK_CELLS:,}")


# --- zip workbooks: .xlsx, .xlsm, .xlsb, .ods -------------------------------------------------------------------

def _check_zip(data: bytes, sheets: bool = True) -> WorkbookShape:
    """Return the shape of a zip workbook after checking its directory and inflating each part within limits."""
    import io

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise Refused("err_corrupt", detail=_short(exc)) from exc
    if len(members) > config.MAX_ZIP_MEMBERS:
        raise Refused("err_limit_members", count=f"{len(members):,}", limit=f"{config.MAX_ZIP_MEMBERS:,}")
    names = {m.filename for m in members}
    if "EncryptedPackage" in names:
        raise Refused("err_encrypted")
    for m in members:
        _check_member_header(m)
    total = sum(m.file_size for m in members)
    if total > config.MAX_UNZIPPED_BYTES:
        raise Refused("err_limit_unzipped", size=_mb(total), limit=_mb(config.MAX_UNZIPPED_BYTES))
    parts = _inflate_all(book, members)
    if not sheets:
        return WorkbookShape("zip")
    if "xl/workbook.xml" in parts:
        return _xlsx_shape(parts)
    if "xl/workbook.bin" in parts:
        return _xlsb_shape(parts)
    if "content.xml" in parts:
        return _ods_shape(parts["content.xml"])
    raise Refused("err_not_workbook")


def _check_member_header(member: zipfile.ZipInfo) -> None:
    """Refuse a part whose declared size or compression ratio is over the limits (before inflating it)."""
    if member.flag_bits & 0x1:
        raise Refused("err_encrypted")
    if member.file_size > config.MAX_MEMBER_BYTES:
        raise Refused("err_limit_member", part=member.filename, size=_mb(member.file_size),
                      limit=_mb(config.MAX_MEMBER_BYTES))
    if member.file_size > config.ZIP_RATIO_MIN_BYTES and \
            member.file_size > config.MAX_ZIP_RATIO * max(member.compress_size, 1):
        ratio = member.file_size / max(member.compress_size, 1)
        raise Refused("err_limit_ratio", part=member.filename, ratio=f"{ratio:,.0f}", limit=f"{config.MAX_ZIP_RATIO}")


_WANTED_PART = re.compile(r"^(xl/(workbook\.(xml|bin)|worksheets/[^/]+\.(xml|bin)|_rels/workbook\.(xml|bin)\.rels)|"
                          r"content\.xml)$")


def _inflate_all(book: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """Return the parts the shape is read from, inflated; inflate every other part too, counting, so that a part
    whose directory entry lies about its size is caught here rather than by the reader."""
    parts: dict[str, bytes] = {}
    total = 0
    for m in members:
        if m.is_dir():
            continue
        keep = bool(_WANTED_PART.match(m.filename))
        size, content = _inflate(book, m, keep)
        total += size
        if total > config.MAX_UNZIPPED_BYTES:
            raise Refused("err_limit_unzipped", size=f"> {_mb(config.MAX_UNZIPPED_BYTES)}",
                          limit=_mb(config.MAX_UNZIPPED_BYTES))
        if keep:
            parts[m.filename] = content
    return parts


def _inflate(book: zipfile.ZipFile, member: zipfile.ZipInfo, keep: bool) -> tuple[int, bytes]:
    """Return (the true inflated size of a part, its bytes when kept), inflating the raw stream with a cap, and
    refusing a part that holds a DTD (entities) or does not inflate cleanly."""
    limit = config.MAX_MEMBER_BYTES
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused("err_corrupt", detail=f"{member.filename}: compression {member.compress_type}")
    try:
        raw = _raw_bytes(book, member)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise Refused("err_corrupt", detail=f"{member.filename}: {_short(exc)}") from exc
    out: list[bytes] = []
    size = 0
    tail = b""
    if member.compress_type == zipfile.ZIP_STORED:
        chunks = (raw[i:i + (1 << 20)] for i in range(0, len(raw), 1 << 20))
        finished = True
    else:
        inflater = zlib.decompressobj(-15)
        chunks = _inflated_chunks(inflater, raw, member, limit)
        finished = None
    crc = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise Refused("err_limit_member", part=member.filename, size=f"> {_mb(limit)}", limit=_mb(limit))
        window = tail + chunk[:64]
        if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk or b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise Refused("err_corrupt", detail=f"{member.filename}: DTD")
        tail = chunk[-64:]
        crc = zlib.crc32(chunk, crc)
        if keep:
            out.append(chunk)
    if finished is None and size != member.file_size:
        raise Refused("err_corrupt", detail=f"{member.filename}: size {size} ≠ {member.file_size}")
    if crc != member.CRC:
        raise Refused("err_corrupt", detail=f"{member.filename}: CRC")
    return size, b"".join(out)


def _inflated_chunks(inflater, raw: bytes, member: zipfile.ZipInfo, limit: int):
    """Yield a deflate stream inflated in chunks of at most 1 MB, stopping past limit; raise Refused when the
    stream is corrupt or cut short."""
    data = raw
    produced = 0
    try:
        while True:
            chunk = inflater.decompress(data, 1 << 20)
            data = inflater.unconsumed_tail
            produced += len(chunk)
            consumed = len(raw) - len(data)
            if produced > config.ZIP_RATIO_MIN_BYTES and produced > config.MAX_ZIP_RATIO * max(consumed, 1):
                # the ratio a part's directory entry can hide is seen here, after a few megabytes at most
                raise Refused("err_limit_ratio", part=member.filename, ratio=f"{produced / max(consumed, 1):,.0f}",
                              limit=f"{config.MAX_ZIP_RATIO}")
            if chunk:
                yield chunk
            if produced > limit or inflater.eof:
                break
            if not chunk and not data:
                raise Refused("err_corrupt", detail=f"{member.filename}: the compressed data ends early")
    except zlib.error as exc:
        raise Refused("err_corrupt", detail=f"{member.filename}: {_short(exc)}") from exc


def _raw_bytes(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """Return the compressed bytes of a part, located through its local header."""
    fp = book.fp
    fp.seek(member.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    fp.seek(name_length + extra_length, 1)
    raw = fp.read(member.compress_size)
    if len(raw) != member.compress_size:
        raise zipfile.BadZipFile("the file is cut short")
    return raw


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
# A cell's reference, r="AB12": only cells have an r attribute of letters and digits. The common form (after a
# space) is found fast by its literal start; another whitespace before r= sends the sheet through the slower form.
_CELL_COLUMNS = re.compile(rb" r=\"([A-Z]{1,4})[0-9]")
_CELL_ROWS = re.compile(rb" r=\"[A-Z]{1,4}([0-9]{1,8})\"")
_CELL_COLUMNS_ANY_SPACE = re.compile(rb"\sr=\"([A-Z]{1,4})[0-9]")
_CELL_ROWS_ANY_SPACE = re.compile(rb"\sr=\"[A-Z]{1,4}([0-9]{1,8})\"")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_REF = re.compile(rb"\sr=\"([0-9]{1,8})\"")
_VALUE_INSIDE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")


def _attr(attrs: bytes, name: bytes) -> str | None:
    """Return an XML attribute's value (any namespace prefix), unescaped."""
    m = re.search(rb"(?:^|\s)(?:\w+:)?" + name + rb"=\"([^\"]*)\"", attrs)
    return html.unescape(m.group(1).decode("utf-8", "replace")) if m else None


def _xlsx_shape(parts: dict[str, bytes]) -> WorkbookShape:
    """Return the shape of every worksheet of an .xlsx, by its sheet name (cell references, not <dimension>)."""
    targets = {}
    for m in _REL_TAG.finditer(parts.get("xl/_rels/workbook.xml.rels", b"")):
        rid, target = _attr(m.group(1), b"Id"), _attr(m.group(1), b"Target")
        if rid and target:
            targets[rid] = "xl/" + target.lstrip("/").removeprefix("xl/")
    shape = WorkbookShape("xlsx")
    named = set()
    for i, m in enumerate(_SHEET_TAG.finditer(parts["xl/workbook.xml"])):
        name = _attr(m.group(1), b"name") or f"#{i + 1}"
        member = targets.get(_attr(m.group(1), b"id") or "")
        if member in parts:
            shape.sheets[name] = _xlsx_sheet(name, parts[member])
            named.add(member)
    for member in sorted(p for p in parts if p.startswith("xl/worksheets/") and p not in named):
        shape.sheets[member] = _xlsx_sheet(member, parts[member])  # a sheet part no name points to: checked too
    return shape


def _column_number(letters: bytes) -> int:
    """Return the 1-based column of letters such as b'AB'."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_sheet(name: str, xml: bytes) -> SheetShape:
    """Return one worksheet's shape from its XML: the furthest cell reference in each direction, and room for any
    cell or row without a reference (the reader places those after the one before)."""
    odd_space = any(space + b'r="' in xml for space in (b"\t", b"\n", b"\r"))
    letters = (_CELL_COLUMNS_ANY_SPACE if odd_space else _CELL_COLUMNS).findall(xml)
    digits = (_CELL_ROWS_ANY_SPACE if odd_space else _CELL_ROWS).findall(xml)
    refs = min(len(letters), len(digits))
    plain = b":c" not in xml and b":row" not in xml  # no namespace prefix: starts can be counted as bytes
    cells = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")) if plain \
        else len(_CELL_START.findall(xml))
    sheet = SheetShape(name, cells=max(cells, refs))
    if letters and digits:  # among references of as many characters, the furthest is the last in text order
        sheet.columns = _column_number(_furthest(letters))
        sheet.rows = int(_furthest(digits))
    if cells > refs:
        rows = sum(xml.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")) if plain \
            else len(_ROW_START.findall(xml))
        sheet.rows = max(sheet.rows, max((int(r) for r in _ROW_REF.findall(xml)), default=0)) + rows
        sheet.columns += cells - refs
    if sheet.rows <= config.MAX_ROWS and sheet.columns <= config.MAX_COLUMNS:
        sheet.formula_without_value = _formula_without_value(xml)
    return sheet


def _furthest(texts: list[bytes]) -> bytes:
    """Return the greatest of column letters or row digits: the longest, and the last in text order of those."""
    longest = max(map(len, texts))
    return max(t for t in texts if len(t) == longest)


def _formula_without_value(xml: bytes) -> str | None:
    """Return the reference of the first cell holding a formula but no value saved with it (an empty text result
    is a value), or None; only the cells with a formula are looked at, most sheets have none."""
    pos = xml.find(b"<f")
    while pos != -1:
        if xml[pos + 2:pos + 3] in (b">", b" ", b"/"):
            start, end = xml.rfind(b"<c", 0, pos), xml.find(b"</c>", pos)
            cell = xml[start:end if end != -1 else len(xml)]
            attrs = cell[:cell.find(b">")]
            if not _VALUE_INSIDE.search(cell) and _attr(attrs, b"t") not in ("str", "inlineStr"):
                return _attr(attrs, b"r") or "?"
        pos = xml.find(b"<f", pos + 2)
    return None


def _xlsb_shape(parts: dict[str, bytes]) -> WorkbookShape:
    """Return the shape of every worksheet of an .xlsb from its records (rows from row headers, columns from cells)."""
    shape = WorkbookShape("xlsb")
    for member in sorted(p for p in parts if p.startswith("xl/worksheets/") and p.endswith(".bin")):
        shape.sheets[member] = _xlsb_sheet(member, parts[member])
    return shape


def _xlsb_sheet(name: str, data: bytes) -> SheetShape:
    """Return one .xlsb worksheet's shape, walking its record headers."""
    sheet = SheetShape(name)
    pos, end, column = 0, len(data), -1
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        body = data[pos:pos + size]
        if len(body) < size:
            raise Refused("err_corrupt", detail=f"{name}: the file is cut short")
        if kind == 0 and size >= 4:  # BrtRowHdr
            sheet.rows = max(sheet.rows, struct.unpack_from("<I", body)[0] + 1)
            column = -1
        elif 1 <= kind <= 11 and size >= 4:  # cells with a column
            column = struct.unpack_from("<I", body)[0]
            sheet.cells += 1
        elif 12 <= kind <= 18:  # short cells: the column after the last
            column += 1
            sheet.cells += 1
        else:
            pos += size
            continue
        sheet.columns = max(sheet.columns, column + 1)
        pos += size
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


_ODS_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")


def _ods_shape(xml: bytes) -> WorkbookShape:
    """Return the shape of every table of an .ods content.xml: rows and columns counted with their repeats, where
    a cell or row with content ends (trailing repeated empty cells, which every .ods has, cost nothing)."""
    shape = WorkbookShape("ods")
    sheet: SheetShape | None = None
    row = col = 0
    row_repeat = 1
    row_has_content = False
    row_width = 0
    for m in _ODS_TOKEN.finditer(xml):
        closing, tag, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"table":
            if closing:
                sheet = None
            else:
                name = _attr(attrs, b"name") or f"#{len(shape.sheets) + 1}"
                sheet = shape.sheets[name] = SheetShape(name)
                row = 0
            continue
        if sheet is None:
            continue
        if tag == b"table-row":
            if closing:
                if row_has_content:
                    sheet.rows = row + row_repeat
                    sheet.columns = max(sheet.columns, row_width)
                    sheet.cells += row_width * row_repeat
                row += row_repeat
                continue
            row_repeat = int(_attr(attrs, b"number-rows-repeated") or 1)
            col, row_has_content, row_width = 0, False, 0
            if empty:
                row += row_repeat
            continue
        repeat = int(_attr(attrs, b"number-columns-repeated") or 1)
        has_value = b"value-type" in attrs or not empty
        if b"formula" in attrs and b"value-type" not in attrs and sheet.formula_without_value is None:
            sheet.formula_without_value = cell_name(row, col)
        if has_value and not closing:
            row_has_content = True
            row_width = col + repeat
        if not closing:
            col += repeat
    return shape


# --- OLE workbooks: .xls (BIFF8), and encrypted .xlsx, which Office stores inside an OLE file ------------------

def _check_ole(data: bytes) -> WorkbookShape:
    """Return the shape of an .xls from its BIFF records; refuse an encrypted workbook."""
    try:
        streams = _ole_streams(data)
    except (struct.error, IndexError, ValueError) as exc:
        raise Refused("err_corrupt", detail=_short(exc)) from exc
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise Refused("err_encrypted")
    name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in streams), None)
    if name is None:
        raise Refused("err_not_workbook")
    return _biff_shape(streams[name]())


def _ole_streams(data: bytes) -> dict:
    """Return the streams of an OLE compound file by name, each as a function returning its bytes."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector_size not in (512, 4096) or mini_size != 64:
        raise ValueError("not an OLE file")
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini_fat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    sectors = max(0, (len(data) - 512) // sector_size)

    def sector(i: int) -> bytes:
        if i >= sectors:
            raise ValueError("sector beyond the end of the file")
        return data[512 + i * sector_size:512 + (i + 1) * sector_size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, seen = first_difat, 0
    while difat < 0xFFFFFFFA and seen <= n_difat:
        entries = struct.unpack(f"<{sector_size // 4}I", sector(difat))
        fat_sectors += entries[:-1]
        difat, seen = entries[-1], seen + 1
    fat_sectors = [s for s in fat_sectors[:n_fat] if s < 0xFFFFFFFA]
    fat = np.frombuffer(b"".join(sector(s) for s in fat_sectors), dtype="<u4")

    def chain(start: int, table: np.ndarray) -> list[int]:
        out = []
        while start < 0xFFFFFFFA:
            if len(out) > len(table) or start >= len(table):
                raise ValueError("broken sector chain")
            out.append(start)
            start = int(table[start])
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    root = entries[0]
    mini_stream = None
    mini_fat = np.frombuffer(b"".join(sector(s) for s in chain(first_mini_fat, fat)), dtype="<u4") \
        if first_mini_fat < 0xFFFFFFFA else np.zeros(0, dtype="<u4")
    streams = {}
    for entry in entries:
        length = struct.unpack_from("<H", entry, 0x40)[0]
        if entry[0x42] != 2 or not 2 <= length <= 64:
            continue
        name = entry[:length - 2].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<II", entry, 0x74)

        def read(start=start, size=size) -> bytes:
            nonlocal mini_stream
            if size < cutoff:
                if mini_stream is None:
                    root_start, root_size = struct.unpack_from("<II", root, 0x74)
                    mini_stream = b"".join(sector(s) for s in chain(root_start, fat))[:root_size]
                return b"".join(mini_stream[s * 64:(s + 1) * 64] for s in chain(start, mini_fat))[:size]
            return b"".join(sector(s) for s in chain(start, fat))[:size]

        streams[name] = read
    return streams


# BIFF8 cell records: (row, column) at the start of the body; MULRK and MULBLANK carry a range of columns
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x0201, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}
_BIFF_BOF, _BIFF_EOF, _BIFF_SHEET, _BIFF_FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F


def _biff_shape(stream: bytes) -> WorkbookShape:
    """Return the shape of every sheet of a BIFF8 workbook stream, walking its record headers."""
    shape = WorkbookShape("xls")
    names: dict[int, str] = {}
    sheet: SheetShape | None = None
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + size]
        if len(body) < size:
            raise Refused("err_corrupt", detail="the workbook stream is cut short")
        if kind == _BIFF_FILEPASS:
            raise Refused("err_encrypted")
        if kind == _BIFF_SHEET and size >= 8:
            names[struct.unpack_from("<I", body)[0]] = _biff_sheet_name(body[6:]) or f"#{len(names) + 1}"
        elif kind == _BIFF_BOF and pos in names:
            sheet = shape.sheets[names[pos]] = SheetShape(names[pos])
        elif kind == _BIFF_EOF:
            sheet = None
        elif sheet is not None and kind in _BIFF_CELLS and size >= 4:
            row, column = struct.unpack_from("<HH", body)
            _reach(sheet, row, column)
        elif sheet is not None and kind in _BIFF_MULTI and size >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, size - 2)[0]
            _reach(sheet, row, max(first, last))
            sheet.cells += max(0, last - first)
        pos += 4 + size
    return shape


def _reach(sheet: SheetShape, row: int, column: int) -> None:
    """Grow a sheet's shape to hold a cell."""
    sheet.rows = max(sheet.rows, row + 1)
    sheet.columns = max(sheet.columns, column + 1)
    sheet.cells += 1


def _biff_sheet_name(body: bytes) -> str:
    """Return a BOUNDSHEET record's sheet name (ShortXLUnicodeString)."""
    if len(body) < 2:
        return ""
    count, high = body[0], body[1] & 1
    raw = body[2:2 + count * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", "replace")


def _mb(size: int) -> str:
    """Return a byte count as megabytes for a message."""
    return f"{size / 1e6:,.1f} MB"


def _short(exc: BaseException) -> str:
    """Return an exception's text, short enough for a message and without server paths."""
    text = str(exc) or type(exc).__name__
    return re.sub(r"(/[\w.\-]+)+", "…", text)[:160]
