"""What the readers of plan documents share with each other and with the reading of plans: where a line starts and
a sentence ends, Chinese numerals, the error for a document that cannot be read, and the text read with the parts
of the document that could not be read (named back to the reviewer, never dropped silently)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.problems import PlanDocumentError, Problem

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a .docx is a zip: refuse one that inflates beyond this

CN_NUMERAL_CHARS = "零一二三四五六七八九十百两"
# Starts a line of its own: a numbered item, a 一、 heading or a （一） heading.
LINE_START = re.compile(rf"^(?:\d{{1,3}}\s*[.．、](?!\d)|[{CN_NUMERAL_CHARS}]+\s*、|[（(][{CN_NUMERAL_CHARS}\d]+[）)])")
SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", "：", ":", "牵头）", "牵头)")


def document_error(name: str, code: str, **params: object) -> PlanDocumentError:
    """Return the error for a document that cannot be read: one problem, an i18n key with its parameters."""
    return PlanDocumentError(Problem(name, code, params=params))


def joins_with_space(before: str, after: str) -> bool:
    """Return whether two pieces of a wrapped line need a space between them: two Latin words, never digits (a
    number wrapped as 20 | 00人次 is 2000)."""
    return bool(before) and bool(after) and before[-1].isascii() and after[0].isascii() \
        and before[-1].isalpha() and after[0].isalnum()


PART_REASONS = ("comments", "image", "embedded", "chunk_type", "missing")  # why a part of a document was not read


@dataclass(frozen=True)
class SkippedPart:
    """A part of a document that was not read, and why (an embedded object, a picture, an unreadable chunk)."""

    part: str  # the part as the package names it: word/embeddings/oleObject1.bin, page 3
    reason: str  # one of PART_REASONS; its words are plan_part_<reason> in lib/locale/*.toml


@dataclass(frozen=True)
class PlanText:
    """A plan document's text, one paragraph a line, with the parts that were read and those that were not.

    Plain data (picklable): it may be read in a child process and handed back."""

    text: str
    parts: tuple[str, ...] = ()  # what was read beyond the body: footnotes, text boxes, headers, embedded chunks
    skipped: tuple[SkippedPart, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.text
