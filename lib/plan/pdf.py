"""PDF plan documents with a text layer as text: lines joined back into paragraphs, one paragraph a line.

Page numbers and running headers are dropped; radical look-alikes that some fonts map ideographs to are put back;
spaces beside Chinese characters (letter-spaced headings, justified lines) are removed.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass
from statistics import median

from lib.plan.departments import ends_with_departments
from lib.plan.text import LINE_START, SENTENCE_END, PlanText, document_error, joins_with_space
from lib.problems import PlanDocumentError

MAX_PDF_PAGES = 300
UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
SPACE_BESIDE_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{CJK}])")
PAGE_NUMBER = re.compile(r"^(?:[-—–－_·\s]*\d{1,4}[-—–－_·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                         r"|\d+\s*/\s*\d+|(?:page|页码)\s*\d+(?:\s*(?:of|/)\s*\d+)?)$", re.IGNORECASE)

# Fonts such as Noto CJK SC draw some ideographs with the glyph of a radical, so a PDF's text layer may say ⻩ for 黄
# or ⽂ for 文. Kangxi radicals (U+2F00–2FD5) decompose to their ideograph (NFKC); these CJK Radicals Supplement
# forms do not, and were paired by the glyph they share with an ideograph in Noto Sans/Serif CJK SC.
RADICAL_FORMS = (
    "⺂⺃⺅⺉⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺹⺺⺾⻁⻂⻃⻅"
    "⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳"
)
IDEOGRAPHS = (
    "乛乚亻刂兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒耂肀艹虎衤覀见"
    "角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟"
)
LOOK_ALIKES = str.maketrans(
    {**{chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)},
     **{chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xF900, 0xFADA)},  # compatibility ideographs
     **dict(zip(RADICAL_FORMS, IDEOGRAPHS, strict=True)), "⼾": "户"})


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def read_pdf(name: str, data: bytes) -> PlanText:
    """Return a text PDF's paragraphs; a scan, a password or damage raises PlanDocumentError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font-descriptor chatter on every page
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise document_error(name, "plan_doc_too_many_pages", pages=len(pdf.pages), limit=MAX_PDF_PAGES)
            pages = [_page_lines(number, page) for number, page in enumerate(pdf.pages)]
    except PlanDocumentError:
        raise
    except Exception as exc:  # pdfminer wraps whatever went wrong; the password case is told apart
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise document_error(name, "plan_doc_encrypted") from exc
        raise document_error(name, "plan_doc_corrupt", kind="PDF", detail=f"{type(cause).__name__}: {cause}") from exc
    text = "".join(line.text for page in pages for line in page)
    if not text:
        raise document_error(name, "plan_doc_scanned", pages=len(pages))
    unmapped = len(UNMAPPED_GLYPH.findall(text))  # a glyph whose font gives no Unicode meaning
    if unmapped > 0.2 * (unmapped + len(UNMAPPED_GLYPH.sub("", text))):
        raise document_error(name, "plan_doc_unmapped_font")
    return PlanText("\n".join(_paragraphs(_without_headers(pages))), parts=(f"PDF：{len(pages)}页",))


def _page_lines(number: int, page) -> list[_Line]:
    """Return a page's text lines with their positions, radical look-alikes put back, spaces beside CJK dropped."""
    lines = []
    for found in page.extract_text_lines(return_chars=True):
        text = SPACE_BESIDE_CJK.sub("", found["text"].translate(LOOK_ALIKES)).strip()
        if not text:
            continue
        sizes = [c["size"] for c in found["chars"] if not c["text"].isspace()] or [10.0]
        lines.append(_Line(number, text, found["x0"], found["x1"], found["top"], found["bottom"], median(sizes)))
    return lines


def _without_headers(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Return the pages without page numbers and without a first or last line repeated on most pages."""
    def key(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top)

    edge_counts: dict[tuple[str, int], int] = {}
    for page in pages:
        for line in {id(line): line for line in page[:1] + page[-1:]}.values():
            edge_counts[key(line)] = edge_counts.get(key(line), 0) + 1
    # a head on every page of a short document, on most pages of a long one
    repeated = {k for k, count in edge_counts.items()
                if count >= (len(pages) if len(pages) < 4 else max(3, (len(pages) + 1) // 2)) and len(pages) > 1}
    kept = []
    for page in pages:
        edges = {id(line) for line in page[:2] + page[-2:]}
        kept.append([line for line in page if key(line) not in repeated
                     and not (id(line) in edges and PAGE_NUMBER.match(line.text))])
    return kept


def _margin(lines: list[_Line], edge: str) -> float:
    """Return the text block's left (x0) or right (x1) edge: the outermost edge at least two lines share, so one
    stray line (a wide table row, a footer set apart) does not move every line's judgement."""
    counts: dict[int, int] = {}
    for line in lines:
        counts[round(getattr(line, edge))] = counts.get(round(getattr(line, edge)), 0) + 1
    shared = [point for point, count in counts.items() if count >= 2] or list(counts)
    edge_at = min(shared) if edge == "x0" else max(shared)
    near = [getattr(line, edge) for line in lines if abs(getattr(line, edge) - edge_at) < 1]
    return min(near) if edge == "x0" else max(near)


def _centred_continuation(previous: _Line, line: _Line, left: float, right: float) -> bool:
    """Return whether a centred line goes on from the centred line above it: a title wrapped because it filled the
    width (the same size, the next line down, the one above not a finished sentence). The line going on stands clear
    of the left margin: two lines full from margin to margin are body text (an item, then the next), not a title."""
    size = line.size
    centred = [abs((item.x0 - left) - (right - item.x1)) < size for item in (previous, line)]
    return (all(centred) and line.x0 > left + size and previous.page == line.page and abs(previous.size - size) < 0.5
            and previous.x1 - previous.x0 > (right - left) * 0.8 and 0 < line.top - previous.bottom < size * 1.5
            and not previous.text.endswith(SENTENCE_END))


def _finished(paragraph: str, line: _Line) -> bool:
    """Return whether the paragraph so far is finished: it ends a sentence (。；) or with its item's departments in
    any form (（普遍服务处）, （市场监管处、普遍服务处）, 牵头处室：X…), so the line after it may start an item."""
    return line.text.endswith(SENTENCE_END) or ends_with_departments(paragraph)


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Return the lines joined back into paragraphs: a line continues the one before unless that one ended short,
    this one is indented or centred, a numbered line follows a finished sentence or an item's departments (a line
    full to the margin ending …200个。（普遍服务处） ends its item), or a gap stands between them."""
    body = [line for page in pages for line in page]
    if not body:
        return []
    left, right = _margin(body, "x0"), _margin(body, "x1")
    steps = [b.top - a.top for a, b in itertools.pairwise(body) if a.page == b.page and b.top > a.top]
    pitch = median(steps) if steps else 0.0
    paragraphs: list[str] = []
    previous: _Line | None = None
    for line in body:
        size = line.size
        new = (previous is None
               or previous.x1 < right - size
               or line.x0 > left + size / 2
               or (LINE_START.match(line.text) and _finished(paragraphs[-1], previous))
               or (line.page == previous.page and pitch and line.top - previous.top > pitch * 1.4))
        if new and previous is not None and _centred_continuation(previous, line, left, right):
            new = False  # a centred title wrapped over two lines (…工作要点 / 的通知)
        if new:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] += (" " if joins_with_space(paragraphs[-1], line.text) else "") + line.text
        previous = line
    return paragraphs
