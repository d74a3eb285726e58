"""Plan documents as they arrive: the same plan as text, Word (plain and as an office suite writes it) and PDF reads
the same; what cannot be read is refused in Chinese, naming the file."""

from __future__ import annotations

import html
import io
import re
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from lib.plan import candidates_frame, chinese_count, parse_plan, tasks_frame
from lib.plan.documents import read_plan_document
from lib.plan.word import chinese_numeral, format_list_number
from lib.problems import PlanDocumentError
from tests.test_plan import OTHER_CITY
from tests.test_plan import SEED as SEED_PLAN

PLAN_2022 = Path(__file__).parent / "fixtures" / "plan_2022.txt"
ITEM = re.compile(r"^(\d{1,3})\s*[.．、]\s*(.*)$")
HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")


def seed_text() -> str:
    if not SEED_PLAN.exists():
        pytest.skip(f"the 2021 plan text is not beside the repository ({SEED_PLAN})")
    return SEED_PLAN.read_text(encoding="utf-8")


def same_plan(text: str, expected: str) -> None:
    """Assert two texts parse into the same tasks (text, numbers, sections, departments) and candidates."""
    got, want = parse_plan(text), parse_plan(expected)
    assert tasks_frame(got).to_dict("records") == tasks_frame(want).to_dict("records")
    assert candidates_frame(got).to_dict("records") == candidates_frame(want).to_dict("records")
    assert (got.year, got.title) == (want.year, want.title)
    assert [text for _, text in got.unplaced] == [text for _, text in want.unplaced]  # blank lines may go


# Text ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.encode("gbk"),
    lambda t: t.encode("gb18030"),
    lambda t: t.replace("\n", "\r\n").encode("utf-16"),  # Notepad's "Unicode"
], ids=["utf8", "bom", "gbk", "gb18030", "utf16"])
def test_text_encodings_read_the_same(encode):
    text = OTHER_CITY.read_text(encoding="utf-8")
    read = read_plan_document("无锡计划.txt", encode(text)).text
    assert read.splitlines()[1] == "无锡市邮政管理局文件"
    same_plan(read, text)


# Word ---------------------------------------------------------------------------------------------------------------

def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_docx(text: str) -> bytes:
    """Return a .docx with one paragraph a line, as a plan pasted into Word."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    return docx_bytes(document)


def add_list_definition(document, abstract_id: int, number_format: str, level_text: str, suffix: str = "tab") -> None:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/><w:suff w:val="{suffix}"/>'
        f'<w:lvlText w:val="{level_text}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums


def add_list(document, num_id: int, abstract_id: int, start: int | None = None) -> None:
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                if start is not None else "")
    document.part.numbering_part.element.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))


def number_paragraph(paragraph, num_id: int, level: int = 0) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def office_runs(paragraph, text: str, soft_break_at: int | None = None) -> None:
    """Write text as an office suite does: runs of three characters (mid-word), alternately bold, with spelling and
    bookmark marks between them, and a soft line break at soft_break_at."""
    for i in range(0, len(text), 3):
        if soft_break_at is not None and i <= soft_break_at < i + 3:
            before, after = text[i:soft_break_at], text[soft_break_at:i + 3]
            run = paragraph.add_run(before)
            run.add_break()  # w:br, a soft line break
            paragraph.add_run(after)
        else:
            paragraph.add_run(text[i:i + 3]).bold = (i // 3) % 2 == 1
        if i % 9 == 0:
            mark = OxmlElement("w:proofErr")
            mark.set(qn("w:type"), "spellStart")
            paragraph._p.append(mark)


def soft_break_position(text: str) -> int | None:
    """Return a position between two ideographs past the 20th character: a line wrapped mid-sentence."""
    for i in range(20, len(text) - 1):
        if re.match(r"[\u4e00-\u9fff]", text[i - 1]) and re.match(r"[\u4e00-\u9fff]", text[i]):
            return i
    return None


def office_docx(text: str) -> bytes:
    """Return the plan as an office suite writes it: the lists numbered automatically (item numbers continuing across
    sections, restarting or skipping through startOverride), runs split mid-word, long paragraphs wrapped by soft
    breaks, a tracked deletion and hidden text; the 民生实事 typed by hand, two items to a paragraph."""
    document = docx.Document()
    add_list_definition(document, 90, "decimal", "%1.")
    add_list_definition(document, 91, "chineseCounting", "%1、", suffix="nothing")
    lines = text.splitlines()
    typed_from = max(i for i, line in enumerate(lines) if "实事分工安排" in line)
    next_num, counters, current = 100, {90: 0, 91: 0}, {90: 0, 91: 0}
    held = None  # a typed item waiting for its partner
    for index, raw in enumerate(lines):
        line = raw.strip()
        paragraph_text, list_abstract, number = line, None, None
        if index < typed_from and (found := ITEM.match(line)):
            list_abstract, number, paragraph_text = 90, int(found.group(1)), found.group(2)
        elif (index < typed_from and (found := HEADING.match(line))) or (index > typed_from and HEADING.match(line)):
            found = HEADING.match(line)
            list_abstract, number, paragraph_text = 91, chinese_count(found.group(1)), found.group(2)
        if index > typed_from and ITEM.match(line):
            if held is None:
                held = line
                continue
            paragraph = document.add_paragraph()
            office_runs(paragraph, held)
            paragraph.runs[-1].add_break()  # two typed items in one paragraph, split by a soft break
            office_runs(paragraph, line)
            held = None
            continue
        if held is not None:
            office_runs(document.add_paragraph(), held)
            held = None
        paragraph = document.add_paragraph()
        if list_abstract is not None:
            restart = number != counters[list_abstract] + 1
            if restart or not current[list_abstract]:  # Word starts a new list instance for a restart or a skip
                add_list(document, next_num, list_abstract, start=number if restart else None)
                current[list_abstract], next_num = next_num, next_num + 1
            counters[list_abstract] = number
            number_paragraph(paragraph, current[list_abstract])
        office_runs(paragraph, paragraph_text, soft_break_position(paragraph_text) if len(paragraph_text) > 60
                    else None)
        if index == 3:
            paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x">'
                                          f'<w:r><w:delText>删去的字</w:delText></w:r></w:del>'))
            paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vanish/></w:rPr><w:t>隐藏的字</w:t></w:r>'))
    if held is not None:
        office_runs(document.add_paragraph(), held)
    return docx_bytes(document)


def test_plain_docx_reads_as_the_text():
    text = OTHER_CITY.read_text(encoding="utf-8")
    read = read_plan_document("plan.docx", plain_docx(text)).text
    assert [line for line in read.splitlines()] == [line.strip() for line in text.splitlines() if line.strip()]
    same_plan(read, text)


@pytest.mark.parametrize("year, numbered", [("2021", 9 + 60 + 6 + 7), ("2022", 4 + 16 + 4 + 6)])
def test_office_docx_reads_the_same(year, numbered):
    text = seed_text() if year == "2021" else PLAN_2022.read_text(encoding="utf-8")
    data = office_docx(text)
    body = docx.Document(io.BytesIO(data)).element.body
    # key works, work items and section headings numbered by Word, none typed; runs split, soft breaks
    assert len(body.findall(f".//{qn('w:numPr')}")) == numbered
    assert len(body.findall(f".//{qn('w:br')}")) > 5 and len(body.findall(f".//{qn('w:proofErr')}")) > 50
    read = read_plan_document(f"{year}年工作要点.docx", data).text
    assert "删去的字" not in read and "隐藏的字" not in read
    same_plan(read, text)
    lines = read.splitlines()
    if year == "2021":
        assert "1. 开展党史学习教育，学党史、悟思想、办实事、开新局。（办公室牵头）" in lines
        assert "一、坚持党的领导，持续推进全面从严治党" in lines and "七、加强快递员（投递员）权益保护" in lines
        assert ("60. 加强新闻宣传、财务、档案、保密、信访、信息公开、垃圾分类等工作，完善各项制度，提升工作效能。"
                "（办公室牵头）") in lines
        assert "18.举办快递职业技能大赛。（办公室牵头）" in lines  # typed, split from 16. at the soft break
    else:
        assert "16. 加强行业统计分析，切实提升统计数据质量。（市场监管处牵头）" in lines
        assert "六、加强快递员（投递员）权益保护" in lines


def test_docx_numbering_levels_restarts_and_formats():
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.find(qn("w:num")).addprevious(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="80">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%4"/></w:lvl>'
        '</w:abstractNum>'))
    add_list(document, 80, 80)
    add_list(document, 81, 80, start=11)  # restarts the same definition at 十一
    steps = [(80, 0, "总体要求"), (80, 1, "目标"), (80, 2, "业务量"), (80, 2, "收入"), (80, 1, "措施"),
             (80, 2, "进村"), (80, 3, "法定编号"), (80, 0, "保障"), (81, 0, "附则"), (80, 0, "又一条")]
    for num_id, level, text in steps:
        number_paragraph(document.add_paragraph(text), num_id, level)
    empty = document.add_paragraph("")
    number_paragraph(empty, 80)  # counted, as Word shows its number, but no line
    number_paragraph(document.add_paragraph("编号过后"), 80)
    list_number = document.add_paragraph("样式编号", style="List Number")  # numbered through its style
    assert list_number._p.pPr.numPr is None
    document.add_paragraph("再一项", style="List Number")
    read = read_plan_document("levels.docx", docx_bytes(document)).text.splitlines()
    assert read == ["一、总体要求", "（一）目标", "1. 业务量", "2. 收入", "（二）措施", "1. 进村", "1.1 法定编号",
                    "二、保障", "十一、附则", "十二、又一条", "十四、编号过后", "1. 样式编号", "2. 再一项"]


@pytest.mark.parametrize("n, number_format, expected", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (35, "chineseCounting", "三十五"), (105, "chineseCounting", "一百零五"),
    (110, "chineseCounting", "一百一十"), (3, "chineseLegalSimplified", "叁"), (12, "ideographDigital", "一二"),
    (3, "ideographTraditional", "丙"), (4, "decimalEnclosedCircle", "④"), (7, "decimalZero", "07"),
    (9, "upperRoman", "IX"), (28, "lowerLetter", "bb"), (5, "decimalFullWidth", "５"), (42, "decimal", "42"),
])
def test_list_number_formats(n, number_format, expected):
    assert format_list_number(n, number_format) == expected
    if number_format.startswith("chineseCounting"):
        assert chinese_count(chinese_numeral(n)) == n  # the parser reads back what the renderer wrote


def test_soft_breaks_join_a_wrapped_sentence_and_split_finished_ones():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("快递业务量完成24").add_break()
    paragraph.add_run("亿件、同比增长15%。（市场监管处牵头）").add_break()
    paragraph.add_run("2. 推动促进行业发展。").add_break()
    paragraph.add_run("Express").add_break()
    paragraph.add_run("volume")
    assert read_plan_document("b.docx", docx_bytes(document)).text.splitlines() == [
        "快递业务量完成24亿件、同比增长15%。（市场监管处牵头）", "2. 推动促进行业发展。", "Express volume"]


def table_docx(text: str) -> bytes:
    """Return the plan with its 民生实事 as a table (序号, 实事内容, 牵头处室), sections as rows across the table."""
    document = docx.Document()
    lines = [line.strip() for line in text.splitlines()]
    start = max(i for i, line in enumerate(lines) if "实事分工安排" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("抄送"))
    for line in lines[:start + 1]:
        document.add_paragraph(line)
    rows = [line for line in lines[start + 1:end] if line]
    table = document.add_table(rows=1 + len(rows), cols=3)
    for cell, title in zip(table.rows[0].cells, ["序号", "实事内容", "牵头处室"], strict=True):
        cell.text = title
    for row, line in zip(table.rows[1:], rows, strict=True):
        if found := ITEM.match(line):
            lead = re.search(r"（([^（）]*)牵头）$", found.group(2))
            row.cells[0].text = found.group(1)
            row.cells[1].text = found.group(2)[:lead.start()]
            row.cells[2].text = lead.group(1)
        else:
            merged = row.cells[0].merge(row.cells[2])
            merged.text = line
    for line in lines[end:]:
        document.add_paragraph(line)
    return docx_bytes(document)


def test_docx_task_table_reads_as_numbered_items():
    text = OTHER_CITY.read_text(encoding="utf-8")
    read = read_plan_document("table.docx", table_docx(text)).text
    assert "3. 力争年底可循环快递箱（盒）使用量达5万个。（市场监管处牵头）" in read.splitlines()
    assert "二、推进快递包装绿色转型" in read.splitlines()
    same_plan(read, text)


def test_docx_table_merged_lead_cell_and_plain_table():
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for cell, title in zip(table.rows[0].cells, ["序号", "工作任务", "责任处室"], strict=True):
        cell.text = title
    tasks = [("1", "建成绿色网点。"), ("2", "推广循环箱。"), ("3", "开展培训。")]
    for row, (number, task) in zip(table.rows[1:], tasks, strict=True):
        row.cells[0].text, row.cells[1].text = number, task
    table.cell(1, 2).merge(table.cell(2, 2)).text = "市场监管处"  # one lead for two rows
    table.cell(3, 2).text = "办公室"
    layout = document.add_table(rows=1, cols=2)
    layout.cell(0, 0).text, layout.cell(0, 1).text = "苏州市邮政管理局", "2022年3月28日"
    assert read_plan_document("t.docx", docx_bytes(document)).text.splitlines() == [
        "1. 建成绿色网点。（市场监管处牵头）", "2. 推广循环箱。（市场监管处牵头）", "3. 开展培训。（办公室牵头）",
        "苏州市邮政管理局 2022年3月28日"]


# PDF ----------------------------------------------------------------------------------------------------------------

def plan_html(text: str) -> str:
    """Return the plan as an official document's page: 三号 serif, two-character indents, justified lines."""
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return ("<html><head><meta charset='utf-8'><style>"
            "body{font-family:'Noto Serif CJK SC';font-size:16pt;line-height:1.5;text-align:justify}"
            "p{margin:0;text-indent:2em}</style></head><body>" + paragraphs + "</body></html>")


@pytest.fixture(scope="module")
def pdfs(browser):
    """Return PDFs printed by Chromium (real CJK text layer) of the 2021 plan and the 2022 fixture, with a running
    header and 「— N —」 page numbers (the test process's one browser: conftest.py)."""
    texts = {"2022": PLAN_2022.read_text(encoding="utf-8")}
    if SEED_PLAN.exists():
        texts["2021"] = SEED_PLAN.read_text(encoding="utf-8")
    style = "font-family:Noto Serif CJK SC;width:100%;text-align:center"
    printed = {}
    page = browser.new_page()
    try:
        for year, text in texts.items():
            page.set_content(plan_html(text))
            printed[year] = (text, page.pdf(
                format="A4", display_header_footer=True,
                header_template=f"<div style='{style};font-size:10pt'>苏州市邮政管理局{year}年工作要点</div>",
                footer_template=f"<div style='{style};font-size:14pt'>— <span class='pageNumber'></span> —</div>",
                margin={"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"}))
    finally:
        page.close()
    return printed


@pytest.mark.parametrize("year", ["2021", "2022"])
def test_pdf_with_text_layer_reads_the_same(pdfs, year):
    if year not in pdfs:
        pytest.skip("the 2021 plan text is not beside the repository")
    text, data = pdfs[year]
    read = read_plan_document(f"{year}年工作要点.pdf", data).text
    lines = read.splitlines()
    assert not [line for line in lines if re.fullmatch(r"— \d+ —", line)]  # page numbers dropped
    assert lines.count(f"苏州市邮政管理局{year}年工作要点") == 1  # the running header dropped, the title kept
    assert not re.search(r"[\u2e80-\u2fdf]", read)  # no radical look-alikes (⻩ for 黄, ⽂ for 文)
    same_plan(read, text)


def _lines(*rows: tuple[str, float, float]) -> list:
    """Return one page of PDF lines as the reader sees them (text, left edge, right edge), 三号 on a 28-point pitch, the
    text block from 80 to 522 points."""
    from lib.plan.pdf import _Line

    return [_Line(0, text, x0, x1, 100 + 28 * i, 116 + 28 * i, 16.0) for i, (text, x0, x1) in enumerate(rows)]


FULL, INDENT, LEFT = 522.0, 112.0, 80.0


@pytest.mark.parametrize("departments", ["（普遍服务处）", "（市场监管处、普遍服务处）", "（普遍服务处牵头）",
                                         "牵头处室：普遍服务处", "责任单位：办公室、普遍服务处"],
                         ids=["plain", "two_plain", "led", "labelled", "units"])
def test_a_full_line_ending_with_departments_ends_its_item(departments):
    from lib.plan.pdf import _paragraphs

    # a line full to the right margin that ends with the item's departments, in any form, then the next item
    page = _lines((f"1. 新建寄递物流综合服务站120个。{departments}", INDENT, FULL),
                  ("2. 培育金牌项目5个，推动特色农产品出村进城，服务乡村", INDENT, FULL),
                  ("振兴。（市", LEFT, FULL),  # a department wrapped over two lines
                  ("场监管处）", LEFT, 160.0),
                  ("3. 推进快递包装绿色转型，新增可循环快递箱3万个。", INDENT, FULL),
                  ("（办公室）", LEFT, FULL),
                  ("（二）绿色低碳发展", LEFT, 240.0))
    assert _paragraphs([page]) == [f"1. 新建寄递物流综合服务站120个。{departments}",
                                   "2. 培育金牌项目5个，推动特色农产品出村进城，服务乡村振兴。（市场监管处）",
                                   "3. 推进快递包装绿色转型，新增可循环快递箱3万个。（办公室）", "（二）绿色低碳发展"]


def test_items_flush_left_on_full_lines_stay_apart():
    from lib.plan.pdf import _paragraphs

    # no indent marks where an item starts: two lines full from margin to margin are not a centred title wrapped
    page = _lines(("关于印发2024年工作要点和民生实事分工安排的通知", LEFT, FULL - 2), ("的说明", 270.0, 330.0),
                  ("1. 新建寄递物流综合服务站120个，打造县级快递共配中心", LEFT, FULL),
                  ("3个，推动农村寄递物流提质增效。（普遍服务处）", LEFT, FULL - 4),
                  ("2. 新增智能快件箱格口2万个，住宅小区智能信报箱覆盖率达", LEFT, FULL),
                  ("到75%。（市场监管处、普遍服务处）", LEFT, 380.0))
    assert _paragraphs([page]) == [
        "关于印发2024年工作要点和民生实事分工安排的通知的说明",  # a centred title wrapped
        "1. 新建寄递物流综合服务站120个，打造县级快递共配中心3个，推动农村寄递物流提质增效。（普遍服务处）",
        "2. 新增智能快件箱格口2万个，住宅小区智能信报箱覆盖率达到75%。（市场监管处、普遍服务处）"]


def test_a_full_line_that_does_not_end_an_item_goes_on():
    from lib.plan.pdf import _paragraphs

    # （盒） and （市） are not departments: the line goes on, even into a line that looks numbered
    page = _lines(("4. 新增可循环快递箱（盒）", INDENT, FULL), ("2万个，覆盖各县（市）", LEFT, FULL),
                  ("3. 个重点园区。（市场监管处）", LEFT, 300.0))
    assert _paragraphs([page]) == ["4. 新增可循环快递箱（盒）2万个，覆盖各县（市）3. 个重点园区。（市场监管处）"]


def minimal_pdf(content: bytes, resources: bytes = b"<<>>", extra: list[bytes] | None = None,
                trailer: bytes = b"") -> bytes:
    """Return a one-page PDF with a content stream, built by hand with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", *(extra or [])]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def scanned_pdf() -> bytes:
    """Return a PDF whose page is one grey image and no text, as a scanner makes."""
    pixels = zlib.compress(bytes([128]) * 64 * 64)
    image = (b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
    return minimal_pdf(b"q 400 0 0 600 100 100 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])


def encrypted_pdf() -> bytes:
    """Return a PDF that needs a password to open (RC4, a user password that is not empty)."""
    encrypt = (b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>")
    return minimal_pdf(b"BT /F1 12 Tf 100 700 Td (secret) Tj ET", extra=[encrypt],
                       trailer=b"/Encrypt 5 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] ")


def unmapped_font_pdf() -> bytes:
    """Return a PDF whose text is in a CID font without a ToUnicode map: glyphs without a meaning."""
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    cid = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /FontDescriptor 7 0 R "
           b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
    descriptor = (b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
                  b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    return minimal_pdf(b"BT /F1 12 Tf 72 700 Td <0F3A12B422C1> Tj ET", b"<< /Font << /F1 5 0 R >> >>",
                       [font, cid, descriptor])


def test_minimal_pdf_with_text_reads():
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    data = minimal_pdf(b"BT /F1 12 Tf 72 700 Td (Work plan 2022) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [font])
    assert read_plan_document("plain.pdf", data).text == "Work plan 2022"


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "工作要点"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, code, words", [
    ("扫描件.pdf", scanned_pdf(), "plan_doc_scanned", "没有文字层"),
    ("加密.pdf", encrypted_pdf(), "plan_doc_encrypted", "密码"),
    ("乱码.pdf", unmapped_font_pdf(), "plan_doc_unmapped_font", "乱码"),
    ("损坏.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "plan_doc_corrupt", "已损坏"),
    ("不是PDF.pdf", b"<html>not a pdf</html>", "plan_doc_corrupt", "PDF"),
    ("损坏.docx", plain_docx("一行")[:300], "plan_doc_corrupt", "Word"),
    ("表格.docx", xlsx_bytes(), "plan_doc_not_word", "Excel"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "plan_doc_old_word", ".docx"),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "plan_doc_image", "图片"),
    ("计划.rtf", b"{\\rtf1\\ansi plan}", "plan_doc_rtf", "RTF"),
    ("计划.xyz", b"some text", "plan_doc_type", ".xyz"),
    ("二进制.txt", b"abc\x00\x01\x02", "plan_doc_binary", "二进制"),
    ("空.txt", b"", "err_empty", "为空"),
    ("空白.txt", b"  \n\n ", "plan_doc_no_text", "没有文字"),
])
def test_unreadable_documents_are_refused_in_chinese(name, data, code, words):
    with pytest.raises(PlanDocumentError) as caught:
        read_plan_document(name, data)
    assert caught.value.problem.code == code
    message = str(caught.value)
    assert message.startswith(name) and words in message  # names the file, says what was expected
    assert caught.value.problems == [caught.value.problem]  # an InputError like the other inputs'
