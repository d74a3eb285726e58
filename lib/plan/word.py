"""Word (.docx) plan documents as text: paragraphs and tables in document order, one paragraph a line.

Word's automatic list numbers are rendered as they read (1. 一、 （一）) with its counting rules (lists sharing a
definition continue one count, startOverride restarts it); runs are joined; a soft line break is kept only where it
ends a sentence or starts a numbered line; text boxes follow their paragraph; a task table (序号, 事项, 牵头…) reads
as numbered items with their （X牵头）.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lib.plan.package import Package, html_lines
from lib.plan.text import LINE_START, SENTENCE_END, PlanText, SkippedPart, document_error, joins_with_space
from lib.problems import PlanDocumentError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"
HTML_CHUNKS = (".htm", ".html", ".xhtml", ".mht", ".mhtml")
TEXT_CHUNKS = (".txt",)


def read_docx(name: str, data: bytes, suffix: str) -> PlanText:
    """Return a .docx's text: the body (paragraphs, tables, text boxes, embedded chunks) in document order, then its
    footnotes and endnotes, and headers or footers that hold plan text; comments, pictures and embedded objects are
    named as skipped."""
    package = Package(name, data, suffix)
    try:
        main = package.main
        root = package.xml(main)
        body = root.find(f"{W}body")
        if body is None:
            raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail="no w:body")
        reader = _DocxReader(package, main)
        lines = reader.block_lines(body)
        parts = list(reader.parts)
        for kind, label in (("footnotes", "脚注"), ("endnotes", "尾注")):
            for part in package.related(main, kind):
                if found := reader.notes(package.xml(part)):
                    lines += found
                    parts.append(f"{label}（{part}）")
        for kind, label in (("header", "页眉"), ("footer", "页脚")):
            for part in package.related(main, kind):
                if found := [line for line in reader.block_lines(package.xml(part))
                             if holds_plan_text(line) and line not in lines]:
                    lines += found
                    parts.append(f"{label}（{part}）")
        skipped = [*reader.skipped, *(SkippedPart(part, "comments")
                                      for part in package.related(main, "comments"))]
        images = {s.part for s in skipped if s.reason == "image"}
        if not "".join(lines).strip() and images:
            raise document_error(name, "plan_doc_only_images", count=len(images))
        return PlanText("\n".join(lines), tuple(dict.fromkeys(parts)), tuple(dict.fromkeys(skipped)))
    except PlanDocumentError:
        raise
    except Exception as exc:  # a damaged package fails anywhere inside lxml
        detail = f"{type(exc).__name__}: {exc}"
        raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=detail) from exc


RUNNING_LINE = re.compile(r"^[-—–－_·\s]*(?:第?\s*\d+\s*页?(?:\s*[/，,]?\s*共\s*\d+\s*页)?|PAGE|NUMPAGES)?"
                          r"[-—–－_·\s]*$")


def holds_plan_text(line: str) -> bool:
    """Return whether a header or footer line says something of the plan (not a page number or a bare title)."""
    return not RUNNING_LINE.match(line) and bool(re.search(r"\d", line)) and len(line) >= 6


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

    def __init__(self, numbering, styles):
        numbering = numbering if numbering is not None else []
        self.abstract = {a.get(f"{W}abstractNumId"): {lvl.get(f"{W}ilvl"): _level(lvl) for lvl in a.findall(f"{W}lvl")}
                         for a in (numbering.findall(f"{W}abstractNum") if len(numbering) else [])}
        self.instances: dict[str, tuple[str, dict[str, int], dict[str, _Level]]] = {}
        for num in (numbering.findall(f"{W}num") if len(numbering) else []):
            starts, levels = {}, {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = override.get(f"{W}ilvl")
                if (start := _attr(override, f"{W}startOverride")) is not None:
                    starts[ilvl] = int(start)
                if (lvl := override.find(f"{W}lvl")) is not None:
                    levels[ilvl] = _level(lvl)
            self.instances[num.get(f"{W}numId")] = (_attr(num, f"{W}abstractNumId"), starts, levels)
        self.style_numbering = self._style_numbering(styles) if styles is not None else {}
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
        if num_pr is not None:  # the paragraph's own numbering overrides its style's; numId 0 switches it off
            num_id = _attr(num_pr, f"{W}numId", num_id)
            ilvl = _attr(num_pr, f"{W}ilvl", ilvl)
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
    """Renders a document's body as lines: one per paragraph, one per table row; notes what it reads and skips."""

    def __init__(self, package: Package, part: str):
        styles = next(iter(package.related(part, "styles")), None)
        numbering = next(iter(package.related(part, "numbering")), None)
        self.numbering = _Numbering(package.xml(numbering) if numbering else None,
                                    package.xml(styles) if styles else None)
        self.package, self.part = package, part
        self.rels = package.by_id(part)
        self.parts: list[str] = []
        self.skipped: list[SkippedPart] = []

    def notes(self, root) -> list[str]:
        """Return the footnotes or endnotes of a notes part as lines (separators left out)."""
        lines = []
        for note in root:
            if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            lines += self.block_lines(note)
        return lines

    def chunk_lines(self, chunk) -> list[str]:
        """Return the lines of an embedded chunk (w:altChunk): HTML, text or another .docx; name any other kind."""
        _, target, mode = self.rels.get(chunk.get(f"{R}id", ""), ("", "", ""))
        if not target or mode == "External" or target not in self.package.names:
            self.skipped.append(SkippedPart(target or "altChunk", "missing"))
            return []
        data = self.package.zip.read(target)
        extension = posixpath.splitext(target)[1].lower()
        if extension in HTML_CHUNKS:
            lines = html_lines(data)
        elif extension in TEXT_CHUNKS:
            lines = [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
        elif data.startswith(b"PK\x03\x04") and extension in (".docx", ".docm", ".dotx"):
            inner = read_docx(target, data, extension)
            self.skipped += inner.skipped
            lines = inner.text.splitlines()
        else:
            self.skipped.append(SkippedPart(target, "chunk_type"))
            return []
        self.parts.append(f"嵌入内容（{target}）")
        return lines

    def _skip_related(self, element, attribute: str, reason: str) -> None:
        rel_id = element.get(attribute)
        if rel_id is not None:
            _, target, _ = self.rels.get(rel_id, ("", rel_id, ""))
            self.skipped.append(SkippedPart(target, reason))

    def block_lines(self, container) -> list[str]:
        """Return the lines of the paragraphs and tables in a body, cell or content control, in document order."""
        lines: list[str] = []
        for child in container:
            if child.tag == f"{W}p":
                lines += self.paragraph_lines(child)
            elif child.tag == f"{W}tbl":
                lines += self.table_lines(child)
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
                lines += self.block_lines(content) if content is not None else []
            elif child.tag == f"{W}altChunk":
                lines += self.chunk_lines(child)
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
            elif joins_with_space(joined, segment):
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
                self.parts.append("文本框")
            elif tag == f"{A}blip":
                self._skip_related(child, f"{R}embed", "image")
                self._skip_related(child, f"{R}link", "image")
            elif tag == f"{V}imagedata":
                self._skip_related(child, f"{R}id", "image")
            elif tag == f"{OFFICE}OLEObject":
                self._skip_related(child, f"{R}id", "embedded")
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
