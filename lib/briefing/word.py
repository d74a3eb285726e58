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

from lib.briefing.content import Briefing, Chart, Para
from lib.fmt import display_width
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

SIZE_2, SIZE_3, SIZE_4, SIZE_5 = 22.0, 16.0, 14.0, 10.5  # 2号, 3号, 4号, 五号 in points
MM_PER_PT = 25.4 / 72
LINE_PT = math.floor(TEXT_H_MM / MM_PER_PT / LINES_PER_PAGE * 20) / 20  # 28.95 pt: 22 lines fit in 225 mm
INDENT = Pt(2 * SIZE_3)  # paragraphs start two characters in
# 28 characters of 3号 in 156 mm: each advances 442.2 / 28 = 15.79 pt, so a quarter point less than its size
# (in twentieths of a point; Word and LibreOffice apply it alike, unlike a character grid).
CHAR_SPACING_TWIPS = -5
MAX_PICTURE_H_MM = 160  # the overview fits under the attachment's heading, with its caption
CELL_MARGIN_MM = 1.0
PICTURE_PX_WIDTH = 800  # the charts' 14 px text prints at about 8 pt; rendered at scale 2, about 260 dpi


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
    fmt.widow_control = False  # lines stay on the fixed 22-line pitch; Word would otherwise move single lines over
    return p


def _text(p, text: str, font: str, size: float = SIZE_3, bold: bool = False, color: str | None = None):
    run = p.add_run(clean_control(text))  # a control character in a name is no XML: Word could not open the file
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


def _chart(doc, chart: Chart, png: bytes) -> None:
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=None, keep_with_next=True)
    run = p.add_run()
    set_fonts(run, FONT_BODY, SIZE_3)
    shape = run.add_picture(io.BytesIO(png), width=Mm(TEXT_W_MM))
    if shape.height > Mm(MAX_PICTURE_H_MM):  # a tall chart (the overview) is narrowed to leave room for its caption
        shape.width = round(shape.width * Mm(MAX_PICTURE_H_MM) / shape.height)
        shape.height = Mm(MAX_PICTURE_H_MM)
    caption = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    caption.paragraph_format.space_after = Pt(8)
    _text(caption, chart.caption, FONT_H2, SIZE_4)


def _para(doc, para: Para, latin_bold: bool) -> None:
    p = _paragraph(doc)
    if para.lead:
        if para.lead_style == "h3":
            _text(p, para.lead, FONT_BODY, bold=True)
        else:
            _text(p, para.lead, FONT_H2, bold=latin_bold)
    _text(p, para.text, FONT_BODY)


def _table(doc, brief: Briefing) -> None:
    # 156 mm at 五号 with 1 mm cell margins: 进度正常, 434.46亿元 and 101.2% on one line; the name takes the rest.
    widths_mm = [10, 47, 25, 24, 16, 17, 17]
    table = doc.add_table(rows=1 + len(brief.table_rows), cols=len(brief.table_header))
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
    for c, width in enumerate(widths_mm):
        table.columns[c].width = Mm(width)
    for r, values in enumerate([brief.table_header, *brief.table_rows]):
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
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 1 and r else WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_before = fmt.space_after = Pt(1)
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if r == 0:
                _text(p, value, FONT_H1, SIZE_5, bold=brief.lang == "en")
            elif c == len(values) - 1:
                _text(p, value, FONT_BODY, SIZE_5, bold=True, color=STATUSES[brief.row_statuses[r - 1]].color)
            else:
                _text(p, value, FONT_BODY, SIZE_5)


def _signature(doc, brief: Briefing) -> None:
    """Write the issuer two characters in from the right and the date under it, starting two characters further
    right (GB/T 9704, 7.3.5.2, a document without seal)."""
    _paragraph(doc)
    issuer_chars = display_width(brief.issuer) / 2
    date_chars = display_width(brief.issued) / 2
    for text, right_chars in ((brief.issuer, 2), (brief.issued, max(0.0, issuer_chars - date_chars))):
        p = _paragraph(doc, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(right_chars * SIZE_3)
        _text(p, text, FONT_BODY)


def _attachment_note(doc, titles: list[str], lang: str) -> None:
    """Write 附件：1.… with each further title under the first (GB/T 9704, 7.3.4), or 附件：… for a single one."""
    label = t("brief_attachments_label", lang)
    for n, title in enumerate(titles, start=1):
        p = _paragraph(doc)
        text = title if len(titles) == 1 else t("brief_attachment_item", lang, n=n, title=title)
        if n == 1:
            text = label + text
        elif lang != "en":  # aligned under the first title, past 附件： (three full-width characters)
            p.paragraph_format.left_indent = Pt(display_width(label) / 2 * SIZE_3)
        _text(p, text, FONT_BODY)


def _attachment_start(doc, label: str, title: str, latin_bold: bool) -> None:
    """Start an attachment on a new page: its label top left in 黑体, its title centred two lines below."""
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    p.paragraph_format.page_break_before = True
    _text(p, label, FONT_H1, bold=latin_bold)
    _paragraph(doc)
    heading = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=36)
    _text(heading, title, FONT_TITLE, SIZE_2)
    _paragraph(doc)


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

    title = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=36)
    _text(title, brief.title, FONT_TITLE, SIZE_2)
    _paragraph(doc)
    if brief.notice:
        _text(_paragraph(doc), brief.notice, FONT_H2)
    _text(_paragraph(doc), brief.intro, FONT_BODY)
    for sec in brief.sections:
        _text(_paragraph(doc, keep_with_next=True), sec.heading, FONT_H1, bold=latin_bold)
        for para in sec.blocks:
            _para(doc, para, latin_bold)
    _paragraph(doc)
    _attachment_note(doc, titles, brief.lang)
    _signature(doc, brief)

    numbered = len(titles) > 1
    label = (lambda n: t("brief_attachment_n", brief.lang, n=n)) if numbered else (
        lambda n: t("brief_attachment", brief.lang))
    _attachment_start(doc, label(1), brief.table_title, latin_bold)
    _table(doc, brief)
    note = _paragraph(doc, indent=False, line=22)
    note.paragraph_format.space_before = Pt(6)
    _text(note, brief.table_note, FONT_BODY, SIZE_4)
    if figures:
        _attachment_start(doc, label(2), brief.figures_title, latin_bold)
        for figure in figures:
            _chart(doc, figure, pictures[figure.slug])

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

