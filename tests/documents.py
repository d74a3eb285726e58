"""Reading exported documents as a person reads them: their text without the invisible characters that keep numbers
with their units, and (tests/test_documents.py) their pages rendered by LibreOffice and poppler."""

from __future__ import annotations

WORD_JOINER, NO_BREAK_SPACE = "\u2060", "\u00a0"


def plain(text: str) -> str:
    """Return text as it reads: word joiners dropped, no-break spaces as spaces."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")


def docx_paragraphs(doc) -> list[str]:
    """Return a python-docx document's paragraphs as they read."""
    return [plain(p.text) for p in doc.paragraphs]


def cell_texts(row) -> list[str]:
    """Return a table row's cells as they read."""
    return [plain(c.text) for c in row.cells]
