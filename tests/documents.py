"""Reading exported documents as a person reads them: their text without the invisible characters that keep numbers
with their units, and (tests/test_documents.py) their pages rendered by LibreOffice and poppler."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from lib.units import REGISTRY

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


# --- Rendering: LibreOffice for .docx and .pptx, poppler for PDF -----------------------------------------------------

def office_tools() -> dict[str, str]:
    """Return the paths of soffice, pdftotext and pdftoppm; skip without them, fail in CI (make test installs them)."""
    import os
    import shutil

    import pytest

    tools = {name: shutil.which(name) for name in ("soffice", "pdftotext", "pdftoppm")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        message = (f"{', '.join(missing)} missing: apt-get install --no-install-recommends libreoffice-writer-nogui "
                   "libreoffice-impress-nogui poppler-utils (make test does, as root)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return tools


def to_pdf(path: Path, profile: Path) -> Path:
    """Return the PDF LibreOffice makes of a .docx or .pptx (its own profile: a second soffice never collides)."""
    import subprocess

    out = path.parent
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(out), str(path)], capture_output=True, text=True, timeout=300)
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), result.stderr
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """Return each page's text in reading order (poppler's pdftotext), as it reads."""
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [plain(page) for page in text.split("\f")[:-1]]


def page_pictures(pdf: Path, width: int = 1920, height: int | None = None) -> list[bytes]:
    """Return each page of a PDF as PNG bytes, scaled to a width (and height) in pixels."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        size = ["-scale-to-x", str(width), "-scale-to-y", str(height if height else -1)]
        subprocess.run(["pdftoppm", "-png", *size, str(pdf), f"{folder}/p"], check=True, timeout=300)
        return [p.read_bytes() for p in sorted(Path(folder).glob("p-*.png"))]


# --- What a page must not do ---------------------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff]")
# Units a line may not start with when the line before ends with a number: the registry's and the scales'.
_UNIT_WORDS = sorted({w for u in REGISTRY.values() if u.english for w in (u.english, u.english_word(1))}
                     | {"bn", "m", "pp", "pts"}, key=len, reverse=True)
UNIT_START = re.compile(r"^(?:(?:亿|万)?(?:" + "|".join(sorted(map(re.escape, [n for n in REGISTRY if n != "%"]),
                                                                key=len, reverse=True))
                        + r")|%|(?:" + "|".join(map(re.escape, _UNIT_WORDS)) + r")\b)")
NUMBER_END = re.compile(r"(?<![A-Za-z])\d[\d,.]*$")
# A count in its own unit written with decimals: 81.67人次, 0.5 sites (a scaled amount, 0.92万个 or 1.92 bn parcels,
# has its scale between the number and the unit).
# Written out by hand, not read from lib/units (a unit given decimals there must not also leave this check).
WHOLE_UNITS = ["件", "个", "项", "人次", "家", "座", "例", "起", "组", "套", "条", "辆", "台", "户", "场", "批"]
WHOLE_WORDS = ["parcels", "parcel", "units", "unit", "person-times", "person-time", "sites", "site", "cases", "case",
               "incidents", "incident", "sets", "set", "routes", "route", "vehicles", "vehicle", "devices", "device",
               "households", "household", "events", "event", "batches", "batch"]
COUNT_WITH_DECIMALS = re.compile(
    r"(?<![\d.])\d[\d,]*\.\d+\s?(?:(?:" + "|".join(sorted(WHOLE_UNITS, key=len, reverse=True)) + r")(?!\s*百)"
    r"|(?:" + "|".join(sorted(WHOLE_WORDS, key=len, reverse=True)) + r")\b)")
ELLIPSIS_IN_WORD = re.compile(r"[^\s，。；：、（）“”]……|\.\.\.(?=\S)")
# Headings: 一、总体情况; （三）快递业务量。; 1.“扫黄打非”工作站…; 2. Headline targets; 附件2 / Attachment 2.
# (A line that starts with a decimal, 42.5%，…, is not a numbered heading.)
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.(?!\d)"
                     r"|附件\s?\d*$|Attachment \d*$)")
PAGE_NUMBER = re.compile(r"^—\s?\d+\s?—$")


def numbers_split_from_units(pages: list[str]) -> list[str]:
    """Return each line break that parts a number from its unit: a line ending 19.25 with the next starting 亿件."""
    faults = []
    for n, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for a, b in itertools.pairwise(lines):
            if NUMBER_END.search(a) and UNIT_START.match(b):
                faults.append(f"page {n}: «{a[-12:]}» / «{b[:12]}»")
    return faults


def headings_at_page_end(pages: list[str]) -> list[str]:
    """Return each page whose last line (above its page number) is a heading or the run-in heading of a paragraph
    that goes on over the page."""
    faults = []
    for n, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and not PAGE_NUMBER.match(line.strip())]
        if lines and HEADING.match(lines[-1]) and n < len(pages):
            faults.append(f"page {n} ends with «{lines[-1][:30]}»")
    return faults


def chinese_outside_originals(texts: list[str]) -> list[str]:
    """Return the Chinese in English texts (each a paragraph, a cell, a text box: an original is quoted within one)
    that is neither quoted as the original (「…」) nor marked (Chinese only)."""
    found = set()
    for text in texts:
        text = re.sub(r"「[^」]*」", "", re.sub(r"\s*\n\s*", " ", plain(text)))
        text = re.sub(r"[^()]*?\(Chinese only\)", "", text)
        found |= {m.group(0) for m in re.finditer(r".{0,12}[\u3400-\u9fff]+.{0,12}", text)}
    return sorted(found)


def counts_with_decimals(pages: list[str]) -> list[str]:
    """Return every count written with decimals (81.67人次, 0.5 sites), lines joined (a unit may wrap) and the spaces
    of a justified line taken out (个 百 分 点)."""
    return [m.group(0) for page in pages for m in COUNT_WITH_DECIMALS.finditer(
        re.sub(r"\s*\n\s*", " ", re.sub(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])", "", page)))]


def ellipses_in_words(pages: list[str]) -> list[str]:
    """Return every text cut inside a word with an ellipsis (新业……)."""
    return [m.group(0) for page in pages for m in ELLIPSIS_IN_WORD.finditer(re.sub(r"\s*\n\s*", "", page))]


def docx_texts(doc) -> list[str]:
    """Return every paragraph and table cell of a python-docx document, as they read."""
    return [plain(p.text) for p in doc.paragraphs] + [plain(c.text) for table in doc.tables for row in table.rows
                                                      for c in row.cells]


def pptx_texts(deck) -> list[str]:
    """Return every text box and table cell of a python-pptx deck, as they read."""
    out = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(plain(shape.text_frame.text))
            if shape.has_table:
                out += [plain(c.text) for row in shape.table.rows for c in row.cells]
    return out
