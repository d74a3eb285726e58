"""The monthly briefing: its sentences against numbers worked from the sample files, and the .docx it becomes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from lib import export
from lib.briefing import build_briefing, load_tracker, monthly_briefing
from lib.briefing.word import render_docx
from lib.dataset import open_dataset
from lib.i18n import TEXT
from tests.conftest import CITY, SAMPLE, add_actuals, monthly
from tests.documents import cell_texts, docx_paragraphs, plain

ISSUED = dt.date(2021, 11, 5)
NEEDS_BROWSER = export.chromium_path() is not None


def raw_rows(*names: str) -> list[dict]:
    """Return the sample files' rows of an indicator (by id or Chinese name), read with the csv module alone."""
    rows = []
    for path in sorted((SAMPLE / "actuals").glob("sample_*.csv")):
        with path.open(encoding="utf-8-sig") as fh:
            rows += [r for r in csv.DictReader(fh) if r["indicator"] in names and not r.get("region")]
    return rows


@pytest.fixture(scope="module")
def sample():
    """Return the frozen city as a dataset and its zh and en briefings for October 2021, without charts."""
    ds = open_dataset(CITY)
    tracker = load_tracker(ds.data_dir, 2021, 10)
    return ds, {lang: build_briefing(ds, 2021, 10, lang, tracker=tracker, issued=ISSUED, charts={})
                for lang in ("zh", "en")}


def headline_paragraph(brief, name: str) -> str:
    return next(p for p in brief.section("headline").paragraphs() if name in p)


def test_express_volume_sentence_matches_the_numbers_worked_from_the_files(sample):
    # 2021: the October file reports 快递业务量 year to date: 192485.7万件 = 19.24857亿件.
    ytd = float(next(r["value"] for r in raw_rows("快递业务量") if r["period"] == "2021-10")) / 1e4
    # 2020: monthly express_volume in 亿件; Jan–Oct 16.4692, the year 20.9000.
    base = {int(r["period"][5:]): float(r["value"]) for r in raw_rows("express_volume") if r["period"][:4] == "2020"}
    base_oct, base_year = sum(base[m] for m in range(1, 11)), sum(base.values())
    assert (round(ytd, 5), round(base_oct, 4), round(base_year, 4)) == (19.24857, 16.4692, 20.9)
    completion = ytd / 24 * 100  # 80.20%
    expected = base_oct / base_year * 100  # 78.80%: the seasonal 序时进度
    yoy = (ytd / base_oct - 1) * 100  # 16.88%
    needed = (24 - ytd) / 2  # 2.376亿件 a month in November and December
    vs_last_year = (needed / ((base_year - base_oct) / 2) - 1) * 100  # 7.2% above last year's 2.2154 a month
    text = headline_paragraph(sample[1]["zh"], "快递业务量")
    assert text == (
        f"（三）快递业务量。1—10月，全市快递业务量累计完成{ytd:.2f}亿件，同比增长{yoy:.1f}%（目标增长15.0%），"
        f"完成全年目标任务（24亿件）的{completion:.1f}%，高于序时进度{completion - expected:.1f}个百分点；"
        f"11—12月还需月均完成{needed:.2f}亿件，比去年同期月均高{vs_last_year:.1f}%。")
    assert "19.25亿件" in text and "80.2%" in text and "高于序时进度1.4个百分点" in text
    row = next(r for r in sample[1]["zh"].table_rows if r[1] == "快递业务量")
    assert row[2:] == ["≥24亿件", "19.25亿件", "80.2%", "78.8%", "进度正常"]


def test_postal_revenue_is_behind_and_named_with_its_department(sample):
    # 邮政业务收入 2021-10 year to date: 2228537.9万元 = 222.85亿元, 74.3% of 300亿元.
    ytd = float(next(r["value"] for r in raw_rows("邮政业务收入") if r["period"] == "2021-10")) / 1e4
    base = {int(r["period"][5:]): float(r["value"]) for r in raw_rows("postal_business_revenue")
            if r["period"][:4] == "2020"}
    completion = ytd / 300 * 100
    expected = sum(base[m] for m in range(1, 11)) / sum(base.values()) * 100
    gap = expected - completion  # more than the 5-point band below 序时进度: 滞后
    assert gap > 5
    problems = sample[1]["zh"].section("problems").paragraphs()
    line = next(p for p in problems if "邮政业务收入" in p)
    assert line.startswith("3.邮政业务收入（市场监管处牵头）：滞后，")
    needed = (300 - ytd) / 2
    assert f"完成全年目标的{completion:.1f}%，低于序时进度{gap:.1f}个百分点；" in line
    assert f"11—12月还需月均完成{needed:.2f}亿元" in line


def test_overall_counts_and_the_problem_list_follow_the_status_rules(sample):
    brief = sample[1]["zh"]
    # Worked by hand from the report: red are 邮政业务收入 (74.3% vs 79.9%), the 市区 and 昆山 workstations
    # (2 of 3, 0 of 1 against 83.3%) and 邮政普遍服务满意度 (85.7 < 86); yellow are 快递业务收入 (2.7 points
    # behind), 可循环快递箱 (1.8 behind) and 建制村通达率 (99.5% for 100%); the other 17 of the 24 are on pace.
    assert brief.section("overall").paragraphs()[0] == (
        "截至2021年10月，纳入跟踪的目标共24项，其中进度正常17项，需关注3项，滞后4项，暂无数据0项。")
    with (CITY / "targets.csv").open(encoding="utf-8-sig") as fh:
        assert sum(1 for r in csv.DictReader(fh) if r["year"] == "2021") == 24
    problems = brief.section("problems").paragraphs()
    named = [re.match(r"\d+\.(.+?)（", p).group(1) for p in problems if re.match(r"\d+\.", p)]
    assert named == ["“扫黄打非”工作站", "“扫黄打非”工作站", "邮政业务收入", "邮政普遍服务满意度", "快递业务收入",
                     "可循环快递箱", "主要品牌快递服务建制村通达率"]
    assert "（普遍服务处、市场监管处牵头）：需关注，目前为99.5%，低于目标值（100%）0.5个百分点。" in problems[7]
    assert "较去年同期（86.0分）下降0.3分" in problems[4]


def test_work_plan_section_counts_items_and_lists_those_behind_by_department(sample):
    with (CITY / "tasks.csv").open(encoding="utf-8-sig") as fh:
        total = sum(1 for _ in csv.DictReader(fh))
    with (SAMPLE / "progress" / "sample_progress_2021-10.csv").open(encoding="utf-8-sig") as fh:
        statuses = [r["status"] for r in csv.DictReader(fh)]
    assert (total, statuses.count("behind")) == (88, 4)
    paragraphs = sample[1]["zh"].section("workplan").paragraphs()
    assert paragraphs[0] == (
        f"截至2021年10月，重点工作、工作要点、民生实事共{total}项：已完成{statuses.count('done')}项，"
        f"推进中{statuses.count('in_progress')}项，未启动{statuses.count('not_started')}项，滞后4项，"
        f"未更新{total - len(statuses)}项。")
    assert paragraphs[2].startswith("（一）普遍服务处。工作要点第35项（持续推进“扫黄打非”进基层工作），进展：昆山市")
    assert paragraphs[3].startswith("（二）市场监管处。工作要点第39项") and "；工作要点第43项" in paragraphs[3]
    assert paragraphs[4].startswith("（三）办公室。工作要点第58项")


def test_english_briefing_says_the_same_numbers(sample):
    en = sample[1]["en"]
    text = headline_paragraph(en, "Express parcel volume")
    assert "reached 1.92 bn parcels year to date, up 16.9% year on year (target +15.0%)" in text
    assert "80.2% of the year's target (2.4 bn parcels), 1.4 pp ahead of expected progress" in text
    assert en.section("overall").paragraphs()[0].startswith("As of Oct 2021, 24 targets are tracked: 17 on pace")
    assert en.table_header == ["No.", "Target", "Goal", "Actual", "% done", "Expected", "Status"]


def test_a_target_without_data_says_so_in_every_place(mini_dir):
    add_actuals(mini_dir, "2021.csv", monthly("parcels", 2021, [10, 10, 10]) + monthly("coverage", 2021, [96, 96, 96]))
    brief = build_briefing(open_dataset(mini_dir), 2021, 3, "zh", charts={}, issued=ISSUED)
    others = " ".join(brief.section("categories").paragraphs())
    assert "全市绿色网点截至2021年3月暂无数据。" in others and "全市安全事故截至2021年3月暂无数据。" in others
    problems = brief.section("problems").paragraphs()
    assert any(p.startswith("1.暂无数据的目标：") and "绿色网点" in p and "满意度" in p for p in problems)
    row = next(r for r in brief.table_rows if r[1] == "绿色网点")
    assert row[3:] == ["—", "—", "—", "无数据"]
    assert brief.section("workplan").paragraphs() == ["尚未导入工作要点清单，本期不通报事项推进情况。"]


def test_an_indicator_behind_the_as_of_month_says_its_month_is_missing(mini_dir):
    add_actuals(mini_dir, "2021.csv", monthly("parcels", 2021, [10, 10]))
    brief = build_briefing(open_dataset(mini_dir), 2021, 3, "zh", charts={}, issued=ISSUED)
    text = brief.section("headline").paragraphs()[0]
    # 20亿件 of 120: 16.7%; no 2020 data, so 序时进度 is linear, 2/12 = 16.7%; March and on: (120 − 20) / 10 = 10.
    # Measured amounts keep two decimals, as on the cards; the target reads as the plan wrote it.
    assert text == ("（一）快递业务量。1—2月（3月数据尚未报送），全市快递业务量累计完成20.00亿件，"
                    "完成全年目标任务（120亿件）的16.7%，与序时进度持平；3—12月还需月均完成10.00亿件。")


def test_templates_hold_no_numbers():
    # Every number comes from the data; the plan's 文号 is the only fixed one (it moves into the data later).
    for key, pair in TEXT.items():
        if key.startswith("brief_") and key != "brief_plan":
            for text in pair:
                assert not re.search(r"\d", re.sub(r"\{[^}]*\}", "", text)), (key, text)


# --- the .docx --------------------------------------------------------------------------------------

def tiny_png(width: int = 40, height: int = 24) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_zh(sample):
    brief = sample[1]["zh"]
    brief.figures = build_briefing(sample[0], 2021, 10, "zh", issued=ISSUED).figures
    return Document(io.BytesIO(render_docx(brief, {f.slug: tiny_png() for f in brief.figures})))


def every_run(doc):
    parts = [doc.element.body] + [f._element for s in doc.sections for f in (s.footer, s.even_page_footer)]
    return [r for part in parts for r in part.iter(qn("w:r"))]


def test_docx_page_is_a4_with_the_gb_9704_margins(docx_zh):
    section = docx_zh.sections[0]  # Word keeps lengths in twentieths of a point: 210 mm is stored as 210.01 mm
    assert [round(x.mm, 1) for x in (section.page_width, section.page_height)] == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(x.mm, 1) for x in margins] == [37, 35, 28, 26]
    assert (docx_zh.core_properties.author, docx_zh.core_properties.title) == (
        "苏州市邮政管理局", "关于2021年1—10月全市邮政快递业目标任务推进情况的通报")


def test_docx_names_an_east_asian_font_and_times_new_roman_on_every_run(docx_zh):
    runs = every_run(docx_zh)
    assert len(runs) > 200
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in {"方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体"}
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi"))) == ("Times New Roman", "Times New Roman")
    body = docx_zh.paragraphs
    title = body[0]
    assert plain(title.text) == "关于2021年1—10月全市邮政快递业目标任务推进情况的通报"
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    heading = next(p for p in body if p.text == "一、总体情况")
    assert heading.paragraph_format.keep_with_next  # a heading never ends a page
    assert heading.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" and heading.runs[0].font.size == Pt(16)
    para = next(p for p in body if p.text.startswith("（三）快递业务量。"))
    lead, text = para.runs
    assert (lead.element.rPr.rFonts.get(qn("w:eastAsia")), text.element.rPr.rFonts.get(qn("w:eastAsia"))) == (
        "楷体_GB2312", "仿宋_GB2312")
    assert text.font.size == Pt(16)
    assert para.paragraph_format.line_spacing == Pt(28.95) and para.paragraph_format.first_line_indent == Pt(32)


def test_docx_page_numbers_are_dashed_fields_outside_on_odd_and_even_pages(docx_zh):
    section = docx_zh.sections[0]
    assert docx_zh.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —" and p.alignment.name == side.upper()
        assert [i.text for i in p._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_docx_table_has_one_row_per_target_and_the_charts_follow(docx_zh, sample):
    table, items = docx_zh.tables
    assert len(table.rows) == 1 + 24
    assert cell_texts(table.rows[0]) == ["序号", "指标", "目标", "实际", "完成率", "序时进度", "状态"]
    assert cell_texts(table.rows[3]) == ["3", "快递业务量", "≥24亿件", "19.25亿件", "80.2%", "78.8%", "进度正常"]
    texts = docx_paragraphs(docx_zh)
    first = texts.index("附件：1.目标任务完成情况一览表（2021年1—10月）")
    assert texts[first + 1:first + 3] == ["2.滞后事项清单（2021年1—10月）", "3.主要指标完成情况图（2021年1—10月）"]
    assert texts[-1] == "图5　快递业务收入" and len(docx_zh.inline_shapes) == 5
    assert texts.index("苏州市邮政管理局") + 1 == texts.index("2021年11月5日")
    # the four items behind, each in full with its lead department and progress (the sentence gives their titles)
    assert len(items.rows) == 1 + 4 and cell_texts(items.rows[0]) == ["序号", "牵头处室", "事项", "进展情况"]
    with (CITY / "tasks.csv").open(encoding="utf-8-sig") as fh:
        item_39 = next(r["text"] for r in csv.DictReader(fh) if r["list_type"] == "work_item" and r["number"] == "39")
    assert cell_texts(items.rows[2])[1:] == ["市场监管处", f"工作要点 39：{item_39}", "进度滞后，正在督办"]
    assert "工作要点第39项（进一步规范行政许可和备案管理工作等），进展：进度滞后，正在督办" in " ".join(texts)


def test_docx_without_pictures_has_a_single_attachment(sample):
    brief = sample[1]["zh"]
    alone = dataclasses.replace(brief, items_rows=[], items_title="")  # no item behind: the table is the only one
    doc = Document(io.BytesIO(render_docx(alone, {})))
    texts = docx_paragraphs(doc)
    assert "附件：目标任务完成情况一览表（2021年1—10月）" in texts and "附件" in texts and "附件2" not in texts
    assert len(doc.inline_shapes) == 0
    texts = docx_paragraphs(Document(io.BytesIO(render_docx(brief, {}))))  # the items behind: the second
    assert "附件：1.目标任务完成情况一览表（2021年1—10月）" in texts and "附件2" in texts and "附件3" not in texts


def test_without_chromium_the_briefing_is_written_and_says_why_the_charts_are_missing(sample, monkeypatch):
    monkeypatch.setattr(export.render, "chromium_path", lambda: None)
    out = monthly_briefing(sample[0], 2021, 10, "zh", issued=ISSUED)
    assert "apt-get install chromium" in out.charts_missing and out.filename == "2021-10_月度通报_苏州市.docx"
    assert len(Document(io.BytesIO(out.data)).tables[0].rows) == 25


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here")
def test_with_chromium_the_charts_are_pictures(sample):
    out = monthly_briefing(sample[0], 2021, 10, "en", issued=ISSUED)
    doc = Document(io.BytesIO(out.data))
    assert out.charts_missing == "" and len(doc.inline_shapes) == 5
    widths = [shape.width for shape in doc.inline_shapes]
    assert max(widths) <= Mm(156) and widths[1:] == [Mm(156)] * 4
