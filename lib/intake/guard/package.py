"""Zip packages (.xlsx, .xlsm, .xlsb, .ods, and .docx plan documents): the directory checked, then every part
inflated with a cap on its size and its compression ratio, whatever its directory entry claims, each XML part read
by a parser as it inflates (lib/intake/guard/xmlscan.py) so that nothing is held or expanded beyond a limit."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator

from lib import config
from lib.intake.guard.shapes import Refused, megabytes, short
from lib.intake.guard.xmlscan import Scan

_CHUNK = 1 << 20
_XML_SUFFIXES = (".xml", ".rels", ".vml")  # parts scanned for a DTD even when no handler reads them


def open_package(data: bytes, part_limit: Callable[[str], int] = lambda name: config.MAX_MEMBER_BYTES) \
        -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Return a zip package and its parts, refusing one whose directory is damaged, encrypted, or over the limits
    it declares (parts, sizes (part_limit(name) each), ratios)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise Refused("err_corrupt", detail=short(exc)) from exc
    if len(members) > config.MAX_ZIP_MEMBERS:
        raise Refused("err_limit_members", count=f"{len(members):,}", limit=f"{config.MAX_ZIP_MEMBERS:,}")
    if "EncryptedPackage" in {m.filename for m in members}:
        raise Refused("err_encrypted")
    for m in members:
        _check_member_header(m, part_limit(m.filename))
    total = sum(m.file_size for m in members)
    if total > config.MAX_UNZIPPED_BYTES:
        raise Refused("err_limit_unzipped", size=megabytes(total), limit=megabytes(config.MAX_UNZIPPED_BYTES))
    return book, members


def _check_member_header(member: zipfile.ZipInfo, limit: int) -> None:
    """Refuse a part whose declared size (too large comes first) or compression ratio is over the limits, before
    inflating it."""
    if member.flag_bits & 0x1:
        raise Refused("err_encrypted")
    if member.file_size > limit:
        raise Refused("err_limit_member", part=member.filename, size=megabytes(member.file_size),
                      limit=megabytes(limit))
    if member.file_size > config.ZIP_RATIO_MIN_BYTES and \
            member.file_size > config.MAX_ZIP_RATIO * max(member.compress_size, 1):
        ratio = member.file_size / max(member.compress_size, 1)
        raise Refused("err_limit_ratio", part=member.filename, ratio=f"{ratio:,.0f}", limit=f"{config.MAX_ZIP_RATIO}")


def scan_parts(book: zipfile.ZipFile, members: list[zipfile.ZipInfo], handlers: Callable[[str], Scan | None],
               keep: Callable[[str], bool] = lambda name: False,
               part_limit: Callable[[str], int] = lambda name: config.MAX_MEMBER_BYTES) -> dict[str, bytes]:
    """Inflate every part within the limits (its true size, ratio and CRC checked as it inflates), feeding each XML
    part to the Scan handlers(name) returns (when None, a lenient scan that refuses a DTD); return the parts
    keep(name) asks for, inflated."""
    kept: dict[str, bytes] = {}
    total = 0
    for member in members:
        if member.is_dir():
            continue
        name = member.filename
        scan = handlers(name)
        if scan is None and name.lower().endswith(_XML_SUFFIXES):
            scan = Scan(name, lenient=True)
        wanted = keep(name)
        out: list[bytes] = []
        for chunk in _inflate(book, member, part_limit(name)):
            total += len(chunk)
            if total > config.MAX_UNZIPPED_BYTES:
                raise Refused("err_limit_unzipped", size=f"> {megabytes(config.MAX_UNZIPPED_BYTES)}",
                              limit=megabytes(config.MAX_UNZIPPED_BYTES))
            if scan is not None:
                scan.feed(chunk)
            if wanted:
                out.append(chunk)
        if scan is not None:
            scan.close()
        if wanted:
            kept[name] = b"".join(out)
    return kept


def _inflate(book: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """Yield a part's bytes in chunks of at most 1 MB, refusing it past limit, past the ratio, or when it does not
    inflate cleanly to the size and CRC its directory entry gives."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused("err_corrupt", detail=f"{member.filename}: compression {member.compress_type}")
    try:
        raw = _raw_bytes(book, member)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise Refused("err_corrupt", detail=f"{member.filename}: {short(exc)}") from exc
    if member.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (raw[i:i + _CHUNK] for i in range(0, len(raw), _CHUNK))
    else:
        chunks = _inflated_chunks(raw, member)
    size = crc = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise Refused("err_limit_member", part=member.filename, size=f"> {megabytes(limit)}",
                          limit=megabytes(limit))
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if size != member.file_size:
        raise Refused("err_corrupt", detail=f"{member.filename}: size {size} ≠ {member.file_size}")
    if crc != member.CRC:
        raise Refused("err_corrupt", detail=f"{member.filename}: CRC")


def _inflated_chunks(raw: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """Yield a deflate stream inflated in chunks of at most 1 MB; raise Refused when it is corrupt, cut short, or
    inflates more than config.MAX_ZIP_RATIO times (seen here even when the directory hides the size)."""
    inflater = zlib.decompressobj(-15)
    data, produced = raw, 0
    try:
        while True:
            chunk = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            produced += len(chunk)
            consumed = len(raw) - len(data)
            if produced > config.ZIP_RATIO_MIN_BYTES and produced > config.MAX_ZIP_RATIO * max(consumed, 1):
                raise Refused("err_limit_ratio", part=member.filename, ratio=f"{produced / max(consumed, 1):,.0f}",
                              limit=f"{config.MAX_ZIP_RATIO}")
            if chunk:
                yield chunk
            if inflater.eof:
                return
            if not chunk and not data:
                raise Refused("err_corrupt", detail=f"{member.filename}: the compressed data ends early")
    except zlib.error as exc:
        raise Refused("err_corrupt", detail=f"{member.filename}: {short(exc)}") from exc


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
