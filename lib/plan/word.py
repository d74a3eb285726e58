"""Word (.docx) plan documents as text: paragraphs and tables in document order, one paragraph a line.

Word's automatic list numbers are rendered as they read (1. 一、 （一）) with its counting rules (lists sharing a
definition continue one count, startOverride restarts it); runs are joined; a soft line break is kept only where it
ends a sentence or starts a numbered line; text boxes follow their paragraph; a task table (序号, 事项, 牵头…) reads
as numbered items with their （X牵头）.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lib.plan.documents import LINE_START, MAX_UNZIPPED_BYTES, SENTENCE_END, PlanDocumentError, document_error

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def read_docx(name: str, data: bytes, suffix: str) -> str:
    """Return a .docx's paragraphs and tables as lines."""
    import docx  # python-docx, imported only when a Word file arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {m.filename for m in members}
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise document_error(name, "err_too_large", size="> 200 MB (unzipped)", limit="200 MB")
    except zipfile.BadZipFile as exc:
        raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=str(exc)) from exc
    if "word/document.xml" not in names:
        other = "Excel" if "xl/workbook.xml" in names else "PowerPoint" if "ppt/presentation.xml" in names \
            else "OpenDocument" if "content.xml" in names else suffix.lstrip(".") or "zip"
        raise document_error(name, "plan_doc_not_word", found=other)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _DocxReader(document)
        return "\n".join(reader.block_lines(document.element.body))
    except PlanDocumentError:
        raise
    except Exception as exc:  # a damaged package fails anywhere inside python-docx or lxml
        detail = f"{type(exc).__name__}: {exc}"
        raise document_error(name, "plan_doc_corrupt", kind="Word (.docx)", detail=detail) from exc


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
