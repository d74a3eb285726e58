"""The briefing as a .docx in the layout of GB/T 9704 (党政机关公文格式), built with python-docx.

A4, margins 37/35/28/26 mm (top/bottom/left/right), 22 lines of 28 characters; title 2号方正小标宋简体,
first-level headings 3号黑体, second-level 3号楷体_GB2312, body 3号仿宋_GB2312 at a fixed line pitch;
page numbers "— 1 —" in 4号, odd pages right and even pages left. Every run names its East-Asian
typeface (w:eastAsia) so Word and WPS use it, and Times New Roman for Latin letters and digits.
"""

from __future__ import annotations

import io
import math

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from lib import theme
from lib.briefing.content import Briefing, Chart, Para
from lib.fmt import display_width, keep_units_together, unbreakable_pieces
from lib.i18n import t
from lib.kinds import STATUSES
from lib.safety import clean_control

PAGE_W_MM, PAGE_H_MM = 210, 297
MARGINS_MM = dict(top=37, bottom=35, left=28, right=26)
TEXT_W_MM = PAGE_W_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
TEXT_H_MM = PAGE_H_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_BODY = "仿宋_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_2, SIZE_3, SIZE_4, SIZE_5 = theme.SIZE_2, theme.SIZE_3, theme.SIZE_4, theme.SIZE_5  # 2号, 3号, 4号, 五号
SIZE_SMALL_5 = theme.SIZE_SMALL_5  # 小五
MM_PER_PT = 25.4 / 72
LINE_PT = math.floor(TEXT_H_MM / MM_PER_PT / LINES_PER_PAGE * 20) / 20  # 28.95 pt: 22 lines fit in 225 mm
INDENT = Pt(2 * SIZE_3)  # paragraphs start two characters in
# 28 characters of 3号 in 156 mm: each advances 442.2 / 28 = 15.79 pt, so a quarter point less than its size
# (in twentieths of a point; Word and LibreOffice apply it alike, unlike a character grid).
CHAR_SPACING_TWIPS = -5
MAX_PICTURE_H_MM = 160  # a chart with its caption on a page
FIRST_PICTURE_H_MM = 160  # the first chart, under the attachment's label and two lines of title, with its caption
CELL_MARGIN_MM = 1.0
# How wide Latin text prints, in ems of its size, measured on DejaVu Serif (the widest face a machine without Times
# New Roman puts in its place; Times' digits are half an em); a bold header a little wider.
LATIN_EMS = {"digit": 0.64, "upper": 0.75, "lower": 0.6, "space": 0.32, "mark": 0.4}
MARK_EMS = {"%": 0.95, "≥": 0.84, "≤": 0.84, ">": 0.84, "<": 0.84, "+": 0.84, "&": 0.9, "—": 1.0, "¥": 0.7,
            "(": 0.47, ")": 0.47, "–": 0.5}
BOLD_WIDENING = 1.08
PICTURE_PX_WIDTH = 760  # the charts' 14 px text prints at about 8 pt; rendered at scale 2, about 250 dpi


def set_fonts(run, east_asian: str, size: float, bold: bool = False, color: str | None = None) -> None:
    """Set a run's size, weight, colour, its East-Asian typeface and Times New Roman for Latin text and digits.

    Text in 3号 is set a quarter point tighter, so that 28 characters fill the 156 mm line.
    """
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT_LATIN  # w:ascii and w:hAnsi
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), FONT_LATIN)
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
    if size == SIZE_3:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
        rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
                                  "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _paragraph(container, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, line: float | None = LINE_PT,
               keep_with_next: bool = False):
    """Return a new paragraph at a fixed line pitch (or single spacing when line is None), no space around it."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = INDENT if indent else Pt(0)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    fmt.keep_with_next = keep_with_next
    # No first line alone at the foot of a page (a run-in heading such as 1.“扫黄打非”工作站… stays with its text) and
    # no last line alone at the head of the next: a page then holds a line less than 22, as office documents do.
    fmt.widow_control = True
    return p


def _text(p, text: str, font: str, size: float = SIZE_3, bold: bool = False, color: str | None = None):
    # A control character in a name is no XML (Word could not open the file); a number stays with its unit.
    run = p.add_run(keep_units_together(clean_control(text)))
    set_fonts(run, font, size, bold, color)
    return run


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)  # the page number's dashes sit about 7 mm below the text block


def _default_fonts(doc) -> None:
    """Name the body typefaces in the document defaults and the Normal style, without theme fonts."""
    for rpr in (doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
                doc.styles["Normal"].element.get_or_add_rPr()):
        fonts = rpr.get_or_add_rFonts() if hasattr(rpr, "get_or_add_rFonts") else rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for name in list(fonts.attrib):
            if name.endswith("Theme"):
                del fonts.attrib[name]
        for attr, value in (("w:ascii", FONT_LATIN), ("w:hAnsi", FONT_LATIN), ("w:eastAsia", FONT_BODY),
                            ("w:cs", FONT_LATIN)):
            fonts.set(qn(attr), value)
    doc.styles["Normal"].font.size = Pt(SIZE_3)


def _page_number(footer, align) -> None:
    """Fill a footer with "— N —" in 4号, one character in from the outer edge."""
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(SIZE_4)
    else:
        fmt.left_indent = Pt(SIZE_4)
    _text(p, "— ", FONT_PAGE_NUMBER, SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        set_fonts(run, FONT_PAGE_NUMBER, SIZE_4)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _text(p, " —", FONT_PAGE_NUMBER, SIZE_4)


def _chart(doc, chart: Chart, png: bytes, max_height_mm: float = MAX_PICTURE_H_MM) -> None:
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=None, keep_with_next=True)
    run = p.add_run()
    set_fonts(run, FONT_BODY, SIZE_3)
    shape = run.add_picture(io.BytesIO(png), width=Mm(TEXT_W_MM))
    if shape.height > Mm(max_height_mm):  # a tall chart is narrowed to leave room for its caption on the page
        shape.width = round(shape.width * Mm(max_height_mm) / shape.height)
        shape.height = Mm(max_height_mm)
    caption = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    caption.paragraph_format.space_after = Pt(8)
    _text(caption, chart.caption, FONT_H2, SIZE_4)


def _body_align(lang: str):
    """Return how body text is aligned: justified in Chinese (GB/T 9704), ragged right in English, whose long words
    and kept-together amounts would open wide gaps in a justified line of 3号 type."""
    return WD_ALIGN_PARAGRAPH.LEFT if lang == "en" else WD_ALIGN_PARAGRAPH.JUSTIFY


def _para(doc, para: Para, latin_bold: bool, lang: str = "zh") -> None:
    p = _paragraph(doc, _body_align(lang))
    if para.lead:
        if para.lead_style == "h3":
            _text(p, para.lead, FONT_BODY, bold=True)
        else:
            _text(p, para.lead, FONT_H2, bold=latin_bold)
    _text(p, para.text, FONT_BODY)


def _em(ch: str) -> float:
    """Return how wide a character prints, in ems (LATIN_EMS: measured on DejaVu Serif, the widest face a reader's
    machine may put in Times New Roman's place; a Chinese character is one em)."""
    if display_width(ch) == 2:
        return 1.0
    if ch.isdigit():
        return LATIN_EMS["digit"]
    if ch.isupper():
        return LATIN_EMS["upper"]
    if ch.isalpha():
        return LATIN_EMS["lower"]
    return LATIN_EMS["space"] if ch.isspace() else MARK_EMS.get(ch, LATIN_EMS["mark"])


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Return about how wide a line of text prints, in points, at a type size."""
    return sum(_em(ch) for ch in text if ch != "\u2060") * size * (BOLD_WIDENING if bold else 1.0)


def _longest_word_pt(text: str, size: float, bold: bool = False) -> float:
    """Return the width of the longest piece a line may not break inside: a Latin word, a number with its unit."""
    return max((text_width_pt(p, size, bold) for p in unbreakable_pieces(text)), default=0.0)


def table_size(header: list[str], rows: list[list[str]], whole: set[int], total_mm: float = TEXT_W_MM) -> float:
    """Return the type size of a table: 五号, or 小五 when its columns cannot stand at 五号 in the page's width (the
    English table, whose amounts read 1,710 person-times where Chinese writes 1,710人次)."""
    return next((size for size in (SIZE_5, SIZE_SMALL_5) if _least_mm(header, rows, whole, size) <= total_mm),
                SIZE_SMALL_5)


def _least_mm(header: list[str], rows: list[list[str]], whole: set[int], size: float) -> float:
    widths = column_widths_mm(header, rows, whole, total_mm=10_000, size=size, spread=False)
    return sum(widths)


def column_widths_mm(header: list[str], rows: list[list[str]], whole: set[int], total_mm: float = TEXT_W_MM,
                     size: float = SIZE_5, spread: bool = True) -> list[float]:
    """Return the widths of a table's columns from their content: each column in `whole` as wide as its widest cell
    (a number never wraps away from its unit), every column at least as wide as its longest word and header word;
    the columns that may wrap share what is left, in proportion to their text (spread=False: none is shared)."""
    pad_pt = 2 * CELL_MARGIN_MM / MM_PER_PT + 1.5
    widest = [max([text_width_pt(r[c], size) for r in rows] + [_longest_word_pt(header[c], size, bold=True)])
              + pad_pt for c in range(len(header))]
    least = [max([_longest_word_pt(header[c], size, bold=True)] + [_longest_word_pt(r[c], size) for r in rows])
             + pad_pt for c in range(len(header))]
    widths = [max(widest[c], least[c]) if c in whole else least[c] for c in range(len(header))]
    room = total_mm / MM_PER_PT - sum(widths)
    if not spread:
        return [w * MM_PER_PT for w in widths]
    free = [c for c in range(len(header)) if c not in whole]
    wanted = {c: max(0.0, widest[c] - widths[c]) for c in free}
    for c in free:  # what is left, shared by how much more each would take to stand on one line
        share = wanted[c] / sum(wanted.values()) if sum(wanted.values()) else 1 / len(free)
        widths[c] += max(0.0, room) * share
    if room < 0:  # wider than the page even at their narrowest: shrink every column alike
        widths = [w * total_mm / MM_PER_PT / sum(widths) for w in widths]
    return [w * MM_PER_PT for w in widths]


def _table(doc, header: list[str], rows: list[list[str]], whole: set[int], colors: list[str | None] | None = None,
           left: set[int] = frozenset()) -> None:
    """Add a table whose columns are as wide as their content (五号, or 小五 when it would not fit): a 黑体 header row
    repeated on every page, rows that never split across a page, the last column in its row's colour when colours
    are given, the columns in `left` aligned left (the others centred)."""
    size = table_size(header, rows, whole)
    widths_mm = column_widths_mm(header, rows, whole, size=size)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_MARGIN_MM / MM_PER_PT * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    latin_bold = not any(display_width(ch) == 2 for ch in "".join(header))
    for c, width in enumerate(widths_mm):
        table.columns[c].width = Mm(width)
    for r, values in enumerate([header, *rows]):
        row = table.rows[r]
        tr_pr = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader") if r == 0 else ("w:cantSplit",):
            flag = OxmlElement(tag)
            flag.set(qn("w:val"), "true")
            tr_pr.append(flag)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Mm(widths_mm[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            fmt = p.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if c in left and r else WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_before = fmt.space_after = Pt(1)
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if r == 0:
                _text(p, value, FONT_H1, size, bold=latin_bold)
            elif colors and colors[r - 1] and c == len(values) - 1:
                _text(p, value, FONT_BODY, size, bold=True, color=colors[r - 1])
            else:
                _text(p, value, FONT_BODY, size)


def _targets_table(doc, brief: Briefing) -> None:
    """Add the table of every target: no., name, goal, actual, completion, expected progress, status."""
    whole = {0, 3, 4, 5}  # numbers with their units stand on one line; name, goal and status may wrap between words
    _table(doc, brief.table_header, brief.table_rows, whole, colors=[STATUSES[s].ink for s in brief.row_statuses],
           left={1, 2})


def _items_table(doc, brief: Briefing) -> None:
    """Add the table of the work-plan items behind, in full: no., lead, the item's text, its progress."""
    _table(doc, brief.items_header, brief.items_rows, {0}, left={2, 3})


def _signature(doc, brief: Briefing) -> None:
    """Write the issuer two characters in from the right and the date under it, starting two characters further
    right (GB/T 9704, 7.3.5.2, a document without seal)."""
    _paragraph(doc, keep_with_next=True)
    issuer_chars = display_width(brief.issuer) / 2
    date_chars = display_width(brief.issued) / 2
    for text, right_chars in ((brief.issuer, 2), (brief.issued, max(0.0, issuer_chars - date_chars))):
        p = _paragraph(doc, WD_ALIGN_PARAGRAPH.RIGHT, indent=False, keep_with_next=text == brief.issuer)
        p.paragraph_format.right_indent = Pt(right_chars * SIZE_3)
        _text(p, text, FONT_BODY)


def _attachment_note(doc, titles: list[str], lang: str) -> None:
    """Write 附件：1.… with each further title under the first (GB/T 9704, 7.3.4), or 附件：… for a single one."""
    label = t("brief_attachments_label", lang)
    for n, title in enumerate(titles, start=1):  # kept with the signature below: GB/T 9704 puts them on one page
        p = _paragraph(doc, WD_ALIGN_PARAGRAPH.LEFT, keep_with_next=True)
        text = title if len(titles) == 1 else t("brief_attachment_item", lang, n=n, title=title)
        if n == 1:
            text = label + text
        elif lang != "en":  # aligned under the first title, past 附件： (three full-width characters)
            p.paragraph_format.left_indent = Pt(display_width(label) / 2 * SIZE_3)
        _text(p, text, FONT_BODY)


def _title(p, text: str) -> None:
    """Write a title in 2号 小标宋; one too long for a line breaks before its closing bracket's part (…一览表 /
    （2021年1—10月）), never leaving a bracket's last characters alone on the second line."""
    cut = text.rfind("（")
    if text_width_pt(text, SIZE_2) <= TEXT_W_MM / MM_PER_PT or cut <= 0:
        _text(p, text, FONT_TITLE, SIZE_2)
        return
    _text(p, text[:cut], FONT_TITLE, SIZE_2).add_break()
    _text(p, text[cut:], FONT_TITLE, SIZE_2)


def _attachment_start(doc, label: str, title: str, latin_bold: bool) -> None:
    """Start an attachment on a new page: its label top left in 黑体, its title centred on the third line (GB/T 9704,
    7.4.1), half a line above what follows."""
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.LEFT, indent=False, keep_with_next=True)
    p.paragraph_format.page_break_before = True
    _text(p, label, FONT_H1, bold=latin_bold)
    _paragraph(doc, keep_with_next=True)
    heading = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=36, keep_with_next=True)
    heading.paragraph_format.space_after = Pt(SIZE_3 / 2)
    _title(heading, title)


def render_docx(brief: Briefing, pictures: dict[str, bytes] | None = None) -> bytes:
    """Return the briefing as .docx bytes; pictures maps a chart's slug to its PNG (charts without one are left out,
    and without any the charts' attachment is)."""
    pictures = pictures or {}
    latin_bold = brief.lang == "en"  # English headings have no 黑体 or 楷体 to tell them apart: bold instead
    figures = [f for f in brief.figures if f.slug in pictures]
    titles = brief.attachments(with_figures=bool(figures))
    doc = Document()
    props = doc.core_properties  # the template's own would name python-docx as the author
    props.title, props.author = clean_control(brief.title), clean_control(brief.issuer)
    props.last_modified_by = props.author
    props.comments = props.subject = props.keywords = ""
    _page_setup(doc)
    _default_fonts(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    for empty in list(doc.paragraphs):  # the template's empty first paragraph
        empty._p.getparent().remove(empty._p)

    align = _body_align(brief.lang)
    title = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=36)
    _title(title, brief.title)
    _paragraph(doc)
    if brief.notice:
        _text(_paragraph(doc, align), brief.notice, FONT_H2)
    _text(_paragraph(doc, align), brief.intro, FONT_BODY)
    for sec in brief.sections:
        _text(_paragraph(doc, align, keep_with_next=True), sec.heading, FONT_H1, bold=latin_bold)
        for para in sec.blocks:
            _para(doc, para, latin_bold, brief.lang)
    _paragraph(doc, keep_with_next=True)
    _attachment_note(doc, titles, brief.lang)
    _signature(doc, brief)

    numbered = len(titles) > 1
    label = (lambda n: t("brief_attachment_n", brief.lang, n=n)) if numbered else (
        lambda n: t("brief_attachment", brief.lang))
    _attachment_start(doc, label(1), brief.table_title, latin_bold)
    _targets_table(doc, brief)
    note = _paragraph(doc, align, indent=False, line=22)
    note.paragraph_format.space_before = Pt(6)
    _text(note, brief.table_note, FONT_BODY, SIZE_4)
    if brief.items_rows:
        _attachment_start(doc, label(titles.index(brief.items_title) + 1), brief.items_title, latin_bold)
        _items_table(doc, brief)
        if brief.lang == "en":
            _text(_paragraph(doc, align, indent=False, line=22), t("original_legend", brief.lang), FONT_BODY, SIZE_4)
    if figures:
        _attachment_start(doc, label(titles.index(brief.figures_title) + 1), brief.figures_title, latin_bold)
        for n, figure in enumerate(figures):
            _chart(doc, figure, pictures[figure.slug], FIRST_PICTURE_H_MM if n == 0 else MAX_PICTURE_H_MM)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

