"""Plan documents as they arrive (.txt, .docx, PDF with a text layer) read into plain text, one paragraph a line.

Word: paragraphs and tables in document order, automatic numbering rendered as it reads (1. 一、 （一）), runs
joined, soft line breaks kept only where they end a sentence or start a numbered line. PDF: lines joined back into
paragraphs, page numbers and running headers dropped, radical look-alikes some fonts map ideographs to put back.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from statistics import median

from lib.intake import decode_bytes
from lib.problems import PlanDocumentError, Problem

MAX_BYTES = 30 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a .docx is a zip: refuse one that inflates beyond this
MAX_PDF_PAGES = 300
TEXT_SUFFIXES = {"", ".txt", ".text"}

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, and a password-protected .docx
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")

# Starts a line of its own: a numbered item, a 一、 heading or a （一） heading.
CN_NUMERAL_CHARS = "零一二三四五六七八九十百两"
LINE_START = re.compile(rf"^(?:\d{{1,3}}\s*[.．、](?!\d)|[{CN_NUMERAL_CHARS}]+\s*、|[（(][{CN_NUMERAL_CHARS}\d]+[）)])")
SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", "：", ":", "牵头）", "牵头)")
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


def _error(name: str, code: str, **params: object) -> PlanDocumentError:
    return PlanDocumentError(Problem(name, code, params=params))


def read_plan_document(name: str, data: bytes) -> str:
    """Return a plan document's text, one paragraph a line; raise PlanDocumentError naming the file and the need."""
    if not data:
        raise _error(name, "err_empty")
    if len(data) > MAX_BYTES:
        raise _error(name, "err_too_large", size=f"{len(data) / 2**20:.1f} MB", limit=f"{MAX_BYTES // 2**20} MB")
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF"):
        text = _read_pdf(name, data)
    elif data.startswith(b"PK\x03\x04"):
        text = _read_docx(name, data, suffix)
    elif data.startswith(OLE2_MAGIC):
        raise _error(name, "plan_doc_old_word")
    elif data.startswith(b"{\\rtf"):
        raise _error(name, "plan_doc_rtf")
    elif data.startswith(IMAGE_MAGIC):
        raise _error(name, "plan_doc_image")
    elif suffix == ".pdf":
        raise _error(name, "plan_doc_corrupt", kind="PDF", detail="no %PDF header")
    elif suffix == ".docx":
        raise _error(name, "plan_doc_corrupt", kind="Word (.docx)", detail="not a zip package")
    elif suffix in TEXT_SUFFIXES:
        text = _read_txt(name, data)
    else:
        raise _error(name, "plan_doc_type", suffix=suffix.lstrip(".") or "?")
    if not text.strip():
        raise _error(name, "plan_doc_no_text")
    return text


# Text -------------------------------------------------------------------------------------------------------------

def _read_txt(name: str, data: bytes) -> str:
    """Return a text file's lines: UTF-8 with or without BOM, GBK/GB18030, or UTF-16 with its BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _error(name, "err_encoding") from exc
    else:
        if b"\x00" in data:
            raise _error(name, "plan_doc_binary")
        try:
            text = decode_bytes(data)[0]
        except UnicodeDecodeError as exc:
            raise _error(name, "err_encoding") from exc
    return "\n".join(line.rstrip() for line in text.lstrip("\ufeff").splitlines())


# Word -------------------------------------------------------------------------------------------------------------

def _read_docx(name: str, data: bytes, suffix: str) -> str:
    """Return a .docx's paragraphs and tables as lines."""
    import docx  # python-docx, imported only when a Word file arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {m.filename for m in members}
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise _error(name, "err_too_large", size="> 200 MB (unzipped)", limit="200 MB")
    except zipfile.BadZipFile as exc:
        raise _error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=str(exc)) from exc
    if "word/document.xml" not in names:
        other = "Excel" if "xl/workbook.xml" in names else "PowerPoint" if "ppt/presentation.xml" in names \
            else "OpenDocument" if "content.xml" in names else suffix.lstrip(".") or "zip"
        raise _error(name, "plan_doc_not_word", found=other)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _DocxReader(document)
        return "\n".join(reader.block_lines(document.element.body))
    except PlanDocumentError:
        raise
    except Exception as exc:  # a damaged package fails anywhere inside python-docx or lxml
        raise _error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=f"{type(exc).__name__}: {exc}") from exc


def _attr(element, path: str, default: str | None = None) -> str | None:
    """Return the w:val of the first element at path under element, or default."""
    found = element.find(path)
    return found.get(f"{W}val", default) if found is not None else default


@dataclass
class _Level:
    start: int = 1
    number_format: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False
    restart_after: int | None = None  # w:lvlRestart: restart after this (1-based) level; None: after any shallower


def _level(element) -> _Level:
    restart = _attr(element, f"{W}lvlRestart")
    return _Level(start=int(_attr(element, f"{W}start", "1")),
                  number_format=_attr(element, f"{W}numFmt", "decimal"),
                  text=_attr(element, f"{W}lvlText", ""),
                  suffix=_attr(element, f"{W}suff", "tab"),
                  legal=element.find(f"{W}isLgl") is not None,
                  restart_after=int(restart) if restart is not None else None)


CN_DIGITS = "零一二三四五六七八九"
SPECIAL_FORMATS = {
    "ideographTraditional": "甲乙丙丁戊己庚辛壬癸",
    "ideographZodiac": "子丑寅卯辰巳午未申酉戌亥",
    "decimalEnclosedCircle": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳",
    "decimalEnclosedCircleChinese": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳",
    "decimalEnclosedParen": "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇",
    "decimalEnclosedFullstop": "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛",
}


def chinese_numeral(n: int, digits: str = CN_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """Return n (0–999) in Chinese numerals as counted (11 → 十一, 20 → 二十, 105 → 一百零五)."""
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else (digits[0] + digits[rest]) if rest < 10 else \
            (digits[1] + chinese_numeral(rest, digits, ten, hundred) if rest < 20 else
             chinese_numeral(rest, digits, ten, hundred))
        return digits[n // 100] + hundred + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_list_number(n: int, number_format: str) -> str:
    """Return a list counter as Word draws it in a numbering format (decimal 3, chineseCounting 三, upperRoman III)."""
    if number_format in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
                         "koreanCounting"):
        return chinese_numeral(n)
    if number_format in ("chineseLegalSimplified", "ideographLegalTraditional"):
        legal = "零壹贰叁肆伍陆柒捌玖" if number_format == "chineseLegalSimplified" else "零壹貳參肆伍陸柒捌玖"
        return chinese_numeral(n, legal, "拾", "佰")
    if number_format in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if number_format in SPECIAL_FORMATS:
        symbols = SPECIAL_FORMATS[number_format]
        return symbols[n - 1] if 0 < n <= len(symbols) else str(n)
    if number_format == "decimalZero":
        return f"{n:02d}"
    if number_format in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if number_format in ("lowerRoman", "upperRoman"):
        return _roman(n) if number_format == "lowerRoman" else _roman(n).upper()
    if number_format in ("lowerLetter", "upperLetter"):
        return _letters(n) if number_format == "lowerLetter" else _letters(n).upper()
    return str(n)


class _Numbering:
    """Word's automatic list numbers: definitions from numbering.xml and styles.xml, counters as the text reads."""

    def __init__(self, document):
        numbering = document.part.numbering_part.element
        self.abstract = {a.get(f"{W}abstractNumId"): {lvl.get(f"{W}ilvl"): _level(lvl) for lvl in a.findall(f"{W}lvl")}
                         for a in numbering.findall(f"{W}abstractNum")}
        self.instances: dict[str, tuple[str, dict[str, int], dict[str, _Level]]] = {}
        for num in numbering.findall(f"{W}num"):
            starts, levels = {}, {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = override.get(f"{W}ilvl")
                if (start := _attr(override, f"{W}startOverride")) is not None:
                    starts[ilvl] = int(start)
                if (lvl := override.find(f"{W}lvl")) is not None:
                    levels[ilvl] = _level(lvl)
            self.instances[num.get(f"{W}numId")] = (_attr(num, f"{W}abstractNumId"), starts, levels)
        self.style_numbering = self._style_numbering(document.styles.element)
        # Lists sharing an abstract definition continue one count, as Word does, unless a num restarts it.
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[tuple[str, str]] = set()

    @staticmethod
    def _style_numbering(styles) -> dict[str, tuple[str, str]]:
        """Return (numId, ilvl) per paragraph style id, following basedOn."""
        direct, based_on = {}, {}
        for style in styles.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            based_on[style_id] = _attr(style, f"{W}basedOn")
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                direct[style_id] = (_attr(num_pr, f"{W}numId"), _attr(num_pr, f"{W}ilvl", "0"))
        resolved = {}
        for style_id in based_on:
            seen, current = set(), style_id
            while current and current not in direct and current not in seen:
                seen.add(current)
                current = based_on.get(current)
            if current in direct:
                resolved[style_id] = direct[current]
        return resolved

    def label(self, paragraph) -> str:
        """Return the paragraph's list number as drawn (1. 一、 （一）) with its separator, or ''."""
        num_pr = paragraph.find(f"{W}pPr/{W}numPr")
        style = _attr(paragraph, f"{W}pPr/{W}pStyle")
        num_id, ilvl = self.style_numbering.get(style, (None, "0"))
        if num_pr is not None:
            num_id = _attr(num_pr, f"{W}numId", num_id)
            ilvl = _attr(num_pr, f"{W}ilvl", ilvl if num_id else "0")
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        abstract_id, starts, overrides = self.instances[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        if ilvl not in levels:
            return ""
        depth = int(ilvl)
        counters = self.counters.setdefault(abstract_id, {})
        if (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            if ilvl in starts:
                counters[depth] = starts[ilvl] - 1
        counters[depth] = counters.get(depth, levels[ilvl].start - 1) + 1
        for deeper in [d for d in counters if d > depth]:
            restart = levels.get(str(deeper), _Level()).restart_after
            if restart is None or restart > depth:
                del counters[deeper]
        level = levels[ilvl]
        if level.number_format == "bullet":
            return ""

        def number(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            shown = levels.get(str(at), _Level())
            value = counters.get(at, shown.start)
            return format_list_number(value, "decimal" if level.legal else shown.number_format)

        label = "" if level.number_format == "none" else re.sub(r"%(\d)", number, level.text)
        return label + ("" if level.suffix == "nothing" or not label else " ")


BREAK = "\n"


class _DocxReader:
    """Renders a document's body as lines: one per paragraph, one per table row."""

    def __init__(self, document):
        self.numbering = _Numbering(document)

    def block_lines(self, container) -> list[str]:
        """Return the lines of the paragraphs and tables in a body, cell or content control, in document order."""
        lines: list[str] = []
        for child in container:
            if child.tag == f"{W}p":
                lines += self.paragraph_lines(child)
            elif child.tag == f"{W}tbl":
                lines += self.table_lines(child)
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                lines += self.block_lines(child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child)
        return lines

    def paragraph_lines(self, paragraph) -> list[str]:
        """Return a paragraph as one line (more where a soft break starts a new sentence), then its text boxes."""
        pieces: list[str] = []
        boxes: list[str] = []
        self._collect(paragraph, pieces, boxes)
        label = self.numbering.label(paragraph)
        text = "".join(pieces).replace("\t", " ")
        segments = [s.strip() for s in text.split(BREAK)]
        joined = ""
        for segment in segments:
            if not segment:
                continue
            if joined and (joined.endswith(SENTENCE_END) or LINE_START.match(segment)):
                joined += BREAK
            elif joined and joined[-1].isascii() and joined[-1].isalnum() and segment[0].isascii() \
                    and segment[0].isalnum():
                joined += " "
            joined += segment
        lines = (label + joined).split(BREAK) if joined.strip() else []
        return [line for line in lines if line.strip()] + boxes

    def _collect(self, element, pieces: list[str], boxes: list[str]) -> None:
        """Append the visible text under element: runs, tabs, breaks; text boxes go to boxes."""
        for child in element:
            tag = child.tag
            if tag in (f"{W}pPr", f"{W}rPr", f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delText",
                       f"{MC}Fallback", f"{W}fldChar"):
                continue
            if tag == f"{W}r" and child.find(f"{W}rPr/{W}vanish") is not None \
                    and _attr(child, f"{W}rPr/{W}vanish", "true") not in ("0", "false"):
                continue
            if tag == f"{W}t":
                pieces.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                pieces.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                pieces.append(BREAK)
            elif tag == f"{W}noBreakHyphen":
                pieces.append("-")
            elif tag == f"{W}txbxContent":
                boxes += self.block_lines(child)
            else:
                self._collect(child, pieces, boxes)

    def cell_text(self, cell) -> str:
        """Return a table cell's paragraphs joined into one text."""
        return "".join(self.block_lines(cell)).strip()

    def table_lines(self, table) -> list[str]:
        """Return a table's rows as lines; a task table (序号, 事项, 牵头…) reads as numbered items （X牵头）."""
        grid: list[list[str]] = []
        above: dict[int, str] = {}
        for row in _children(table, "tr"):
            cells, column = [], 0
            for cell in _children(row, "tc"):
                span = int(_attr(cell, f"{W}tcPr/{W}gridSpan", "1"))
                merge = cell.find(f"{W}tcPr/{W}vMerge")
                text = self.cell_text(cell)
                if merge is not None and merge.get(f"{W}val", "continue") == "continue":
                    text = above.get(column, "")  # a vertically merged cell repeats the one above
                above[column] = text
                cells += [text] + [""] * (span - 1)
                column += span
            grid.append(cells)
        return _task_table_lines(grid) or [" ".join(c for c in cells if c) for cells in grid if any(cells)]


def _children(element, name: str):
    """Yield the direct children named w:name, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == f"{W}{name}":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from _children(child, name)


NUMBER_HEADER = re.compile(r"^(?:序号|编号|序|号)$")
LEAD_HEADER = re.compile(r"牵头|责任(?:处室|单位|部门)|主办")
TASK_HEADER = re.compile(r"事项|任务|内容|工作|措施|实事")


def _task_table_lines(grid: list[list[str]]) -> list[str]:
    """Return a table with 序号, task and 牵头 columns as '1. task（X牵头）' lines, headings kept; [] otherwise."""
    header_at = next((i for i, cells in enumerate(grid[:3]) if any(LEAD_HEADER.search(c) for c in cells)), None)
    if header_at is None:
        return []
    header = grid[header_at]
    lead = next(i for i, c in enumerate(header) if LEAD_HEADER.search(c))
    number = next((i for i, c in enumerate(header) if NUMBER_HEADER.match(c.replace(" ", ""))), None)
    task = next((i for i, c in enumerate(header) if i not in (lead, number) and TASK_HEADER.search(c)), None)
    if number is None or task is None:
        return []
    lines, last_heading = [], ""
    for cells in grid[header_at + 1:]:
        cells = cells + [""] * (len(header) - len(cells))
        if len(set(filled := [c for c in cells if c])) == 1 and not re.fullmatch(r"\d+[.．、]?", filled[0]):
            lines.append(filled[0])  # a heading or note across the whole row
            continue
        others = [c for i, c in enumerate(cells) if i not in (lead, number, task) and c]
        heading = next((c for c in others if LINE_START.match(c) and not c[0].isdigit()), "")
        if heading and heading != last_heading:
            lines.append(heading)
            last_heading = heading
        shown = re.sub(r"[.．、]\s*$", "", cells[number])
        text, leader = cells[task], cells[lead]
        if not shown:
            lines += [text] if text else []
            continue
        suffix = f"（{leader}牵头）" if leader and not re.search(r"牵头[^（）()]*[）)]$", text) else ""
        label = f"{shown}. " if shown.isdigit() else shown if LINE_START.match(shown) else f"{shown} "
        lines.append(f"{label}{text}{suffix}")
    return lines


# PDF --------------------------------------------------------------------------------------------------------------

@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _read_pdf(name: str, data: bytes) -> str:
    """Return a text PDF's paragraphs; a scan, a password or damage raises PlanDocumentError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font-descriptor chatter on every page
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise _error(name, "plan_doc_too_many_pages", pages=len(pdf.pages), limit=MAX_PDF_PAGES)
            pages = [_page_lines(number, page) for number, page in enumerate(pdf.pages)]
    except PlanDocumentError:
        raise
    except Exception as exc:  # pdfminer wraps whatever went wrong; the password case is told apart
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise _error(name, "plan_doc_encrypted") from exc
        raise _error(name, "plan_doc_corrupt", kind="PDF", detail=f"{type(cause).__name__}: {cause}") from exc
    chars = sum(len(line.text) for page in pages for line in page)
    if chars == 0:
        raise _error(name, "plan_doc_scanned", pages=len(pages))
    unmapped = sum(line.text.count("(cid:") for page in pages for line in page)
    if unmapped * 5 > chars / 6:  # each (cid:N) stands for a glyph without a Unicode meaning
        raise _error(name, "plan_doc_unmapped_font")
    return "\n".join(_paragraphs(_without_headers(pages)))


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
    repeated = {k for k, count in edge_counts.items() if count >= max(3, (len(pages) + 1) // 2)}
    kept = []
    for page in pages:
        edges = {id(line) for line in page[:2] + page[-2:]}
        kept.append([line for line in page if key(line) not in repeated
                     and not (id(line) in edges and PAGE_NUMBER.match(line.text))])
    return kept


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Return the lines joined back into paragraphs: a line continues the one before unless that one ended short,
    this one is indented or centred, a numbered line follows a finished sentence, or a gap stands between them."""
    body = [line for page in pages for line in page]
    if not body:
        return []
    left = min(line.x0 for line in body)
    right = max(line.x1 for line in body)
    steps = [b.top - a.top for a, b in itertools.pairwise(body) if a.page == b.page and b.top > a.top]
    pitch = median(steps) if steps else 0.0
    paragraphs: list[str] = []
    previous: _Line | None = None
    for line in body:
        size = line.size
        new = (previous is None
               or previous.x1 < right - size
               or line.x0 > left + size / 2
               or (LINE_START.match(line.text) and previous.text.endswith(SENTENCE_END))
               or (line.page == previous.page and pitch and line.top - previous.top > pitch * 1.4))
        if new:
            paragraphs.append(line.text)
        else:
            ascii_pair = paragraphs[-1][-1].isascii() and paragraphs[-1][-1].isalnum() and line.text[0].isascii() \
                and line.text[0].isalnum()
            paragraphs[-1] += (" " if ascii_pair else "") + line.text
        previous = line
    return paragraphs
