"""OLE compound files: .xls (BIFF8), and encrypted .xlsx, which Office stores inside one. Sector chains are followed
with each sector visited at most once, so a chain that loops (or a DIFAT that does) is damaged, never endless; the
BIFF records then give every sheet's extent and merged ranges."""

from __future__ import annotations

import functools
import struct

import numpy as np

from lib.intake.guard.shapes import Refused, SheetShape, WorkbookShape, add_merge, reach, short

_END = 0xFFFFFFFA  # sector numbers from here on are markers (end of chain, free, FAT, DIFAT)


def ole_shape(data: bytes) -> WorkbookShape:
    """Return the shape of an .xls from its BIFF records; refuse an encrypted or damaged one."""
    try:
        streams = _ole_streams(data)
    except (struct.error, IndexError, ValueError) as exc:
        raise Refused("err_corrupt", detail=short(exc)) from exc
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise Refused("err_encrypted")
    name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in streams), None)
    if name is None:
        raise Refused("err_not_workbook")
    try:
        stream = streams[name]()
    except (struct.error, IndexError, ValueError) as exc:
        raise Refused("err_corrupt", detail=short(exc)) from exc
    return biff_shape(stream)


def _ole_streams(data: bytes) -> dict:
    """Return the streams of an OLE compound file by name, each as a function returning its bytes."""
    ole = _Compound(data)
    streams = {}
    for entry in ole.entries:
        length = struct.unpack_from("<H", entry, 0x40)[0]
        if entry[0x42] != 2 or not 2 <= length <= 64:
            continue
        start, size = struct.unpack_from("<II", entry, 0x74)
        streams[entry[:length - 2].decode("utf-16-le", "replace")] = functools.partial(ole.stream, start, size)
    return streams


class _Compound:
    """An OLE compound file: its sectors, its allocation table (FAT) read through the DIFAT, its directory entries
    and mini FAT, each chain followed with every sector at most once. Raise ValueError (struct.error, IndexError)
    for a file that is not one or is damaged."""

    def __init__(self, data: bytes):
        self.data = data
        self.sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.sector_size not in (512, 4096) or mini_size != 64:
            raise ValueError("not an OLE file")
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, first_mini_fat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
        self.sectors = max(0, (len(data) - 512) // self.sector_size)
        if n_fat > self.sectors:
            raise ValueError(f"{n_fat} FAT sectors in a file of {self.sectors}")
        self.fat = np.frombuffer(b"".join(self.sector(s) for s in self._fat_sectors(n_fat, first_difat, n_difat)),
                                 dtype="<u4")
        directory = b"".join(self.sector(s) for s in self.chain(first_dir, self.fat))
        self.entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
        if not self.entries:
            raise ValueError("no directory")
        self.mini_fat = np.frombuffer(b"".join(self.sector(s) for s in self.chain(first_mini_fat, self.fat)),
                                      dtype="<u4") if first_mini_fat < _END else np.zeros(0, dtype="<u4")
        self._mini_stream: bytes | None = None

    def sector(self, i: int) -> bytes:
        """Return sector i's bytes."""
        if i >= self.sectors:
            raise ValueError("sector beyond the end of the file")
        return self.data[512 + i * self.sector_size:512 + (i + 1) * self.sector_size]

    def _fat_sectors(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        """Return the FAT's sectors: the header's 109, then the DIFAT chain's."""
        fat_sectors = list(struct.unpack_from("<109I", self.data, 0x4C))
        difat, seen = first_difat, set()
        while difat < _END:  # each sector once: a chain that comes back on itself is damaged, never endless
            if difat in seen:
                raise ValueError("the DIFAT chain loops")
            if len(seen) >= n_difat:
                raise ValueError(f"the DIFAT chain is longer than the {n_difat} sectors its header gives")
            seen.add(difat)
            entries = struct.unpack(f"<{self.sector_size // 4}I", self.sector(difat))
            fat_sectors += entries[:-1]
            difat = entries[-1]
        return [s for s in fat_sectors[:n_fat] if s < _END]

    @staticmethod
    def chain(start: int, table: np.ndarray) -> list[int]:
        """Return the sectors of a chain from start, each once; a chain that leaves the table or loops is damaged."""
        out, visited = [], set()
        while start < _END:
            if start >= len(table) or start in visited:
                raise ValueError("broken sector chain" if start >= len(table) else "the sector chain loops")
            visited.add(start)
            out.append(start)
            start = int(table[start])
        return out

    def stream(self, start: int, size: int) -> bytes:
        """Return a stream's bytes: from the mini stream when it is smaller than the cutoff, else from sectors."""
        if size < self.cutoff:
            if self._mini_stream is None:
                root_start, root_size = struct.unpack_from("<II", self.entries[0], 0x74)
                self._mini_stream = b"".join(self.sector(s) for s in self.chain(root_start, self.fat))[:root_size]
            return b"".join(self._mini_stream[s * 64:(s + 1) * 64] for s in self.chain(start, self.mini_fat))[:size]
        return b"".join(self.sector(s) for s in self.chain(start, self.fat))[:size]


# BIFF8 cell records: (row, column) at the start of the body; MULRK and MULBLANK carry a range of columns
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x0201, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}
_BIFF_BOF, _BIFF_EOF, _BIFF_SHEET, _BIFF_FILEPASS, _BIFF_MERGED = 0x0809, 0x000A, 0x0085, 0x002F, 0x00E5


def biff_shape(stream: bytes) -> WorkbookShape:
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
            reach(sheet, row, column)
            sheet.cells += 1
        elif sheet is not None and kind in _BIFF_MULTI and size >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, size - 2)[0]
            reach(sheet, row, max(first, last))
            sheet.cells += max(1, last - first + 1)
        elif sheet is not None and kind == _BIFF_MERGED and size >= 2:
            count = struct.unpack_from("<H", body)[0]
            for i in range(min(count, (size - 2) // 8)):
                r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * i)
                add_merge(sheet, (r0, c0), (r1, c1))
        pos += 4 + size
    return shape


def _biff_sheet_name(body: bytes) -> str:
    """Return a BOUNDSHEET record's sheet name (ShortXLUnicodeString)."""
    if len(body) < 2:
        return ""
    count, high = body[0], body[1] & 1
    raw = body[2:2 + count * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", "replace")
