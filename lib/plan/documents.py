"""Plan documents as they arrive (.txt, .docx, PDF with a text layer) read into plain text, one paragraph a line.

The file's first bytes decide how it is read (a PDF named .docx is still read as PDF); text files may be UTF-8 (with or
without BOM), GBK/GB18030 or UTF-16. What cannot be read raises PlanDocumentError, its message in Chinese naming the
file and what is needed instead. Word is read in lib/plan/word.py, PDF in lib/plan/pdf.py; what they share is in
lib/plan/text.py. The text comes back as PlanText: plain data naming the parts read and the parts skipped.

Both are read in a sandbox worker (lib/sandbox.py) under the plan's limits, a .docx's parts checked by the guard first
(lib/intake/guard): a document that crashes, hangs or exhausts its reader, or whose parts are too large, is refused
naming the limit. Control characters are removed from what is read.
"""

from __future__ import annotations

from pathlib import PurePath

from lib import config, sandbox
from lib.intake import decode_bytes, guard
from lib.plan.pdf import read_pdf
from lib.plan.text import LINE_START, SENTENCE_END, PlanText, document_error
from lib.plan.word import read_docx
from lib.problems import PlanDocumentError
from lib.safety import clean_deep, clean_name

MAX_BYTES = 30 * 1024 * 1024
TEXT_SUFFIXES = {"", ".txt", ".text"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, and a password-protected .docx
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")

__all__ = ["LINE_START", "SENTENCE_END", "PlanDocumentError", "PlanText", "document_error", "read_plan_document"]


# What the guard's refusal of a .docx package is called for a document.
_PACKAGE_CODES = (("err_limit_member", "plan_doc_part_too_large"),
                  ("err_limit_unzipped", "plan_doc_unzipped_too_large"), ("err_limit_ratio", "plan_doc_ratio"),
                  ("err_limit_members", "plan_doc_too_many_parts"), ("err_encrypted", "plan_doc_old_word"))


def read_plan_document(name: str, data: bytes) -> PlanText:
    """Return a plan document's text, one paragraph a line, with the parts read and skipped, without control
    characters; read in a sandbox worker; raise PlanDocumentError naming the file and the need (or the limit the
    reading overran)."""
    name = clean_name(name)
    if not data:
        raise document_error(name, "err_empty")
    if len(data) > MAX_BYTES:
        raise document_error(name, "err_too_large", size=f"{len(data) / 2**20:.1f} MB",
                             limit=f"{MAX_BYTES // 2**20} MB")
    limits = sandbox.Limits(config.SANDBOX_PLAN_CPU_SECONDS, config.SANDBOX_MEMORY_BYTES,
                            config.SANDBOX_PLAN_WALL_SECONDS)
    try:
        return clean_deep(sandbox.run(read_document_bytes, name, data, limits=limits))
    except sandbox.Stopped as stop:
        raise document_error(name, stop.code, **stop.params) from None


def read_document_bytes(name: str, data: bytes) -> PlanText:
    """Return what read_plan_document returns, read in this process (the sandbox worker's side)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            guard.check_document(data)
        except guard.Refused as refused:
            code = next((plan for found, plan in _PACKAGE_CODES if found == refused.code), "plan_doc_corrupt")
            raise document_error(name, code, kind="Word (.docx)", **refused.params) from None
    return _read_plan_document(name, data)


def _read_plan_document(name: str, data: bytes) -> PlanText:
    """Return a plan document's text with the parts read and skipped; raise PlanDocumentError naming the file and
    what is needed instead."""
    if not data:
        raise document_error(name, "err_empty")
    if len(data) > MAX_BYTES:
        raise document_error(name, "err_too_large", size=f"{len(data) / 2**20:.1f} MB",
                             limit=f"{MAX_BYTES // 2**20} MB")
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF"):
        read = read_pdf(name, data)  # pdfplumber is imported only when a PDF arrives
    elif data.startswith(b"PK\x03\x04"):
        read = read_docx(name, data, suffix)
    elif data.startswith(OLE2_MAGIC):
        raise document_error(name, "plan_doc_old_word")
    elif data.startswith(b"{\\rtf"):
        raise document_error(name, "plan_doc_rtf")
    elif data.startswith(IMAGE_MAGIC):
        raise document_error(name, "plan_doc_image")
    elif suffix == ".pdf":
        raise document_error(name, "plan_doc_corrupt", kind="PDF", detail="no %PDF header")
    elif suffix == ".docx":
        raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail="not a zip package")
    elif suffix in TEXT_SUFFIXES:
        read = PlanText(_read_txt(name, data))
    else:
        raise document_error(name, "plan_doc_type", suffix=suffix.lstrip(".") or "?")
    if not read.text.strip():
        raise document_error(name, "plan_doc_no_text")
    return read


# Text -------------------------------------------------------------------------------------------------------------

def _read_txt(name: str, data: bytes) -> str:
    """Return a text file's lines: UTF-8 with or without BOM, GBK/GB18030, or UTF-16 with its BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise document_error(name, "err_encoding") from exc
    else:
        if b"\x00" in data:
            raise document_error(name, "plan_doc_binary")
        try:
            text = decode_bytes(data)[0]
        except UnicodeDecodeError as exc:
            raise document_error(name, "err_encoding") from exc
    return "\n".join(line.rstrip() for line in text.lstrip("\ufeff").splitlines())
