"""Whole plans written for the tests (常州, 南通, 台州), each as a .docx and as the PDF LibreOffice printed from it
(tests/fixtures/make_plan_fixtures.py): read whole, drafted for a city adopting the dashboard, the same draft from
either file; and every real-world .docx of /work/shared/corpus/docx read or refused with its true reason.

Expectations are worked out by hand from the plans' text in make_plan_fixtures.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from lib.catalog import TARGET_COLUMNS, load_regions
from lib.plan import PlanDocument, draft_targets, is_publishable, validate_draft
from lib.plan.documents import read_plan_document
from lib.problems import PlanDocumentError
from tests.conftest import CITY, REPO

PLANS = Path(__file__).parent / "fixtures" / "plans"
# The shared corpus sits beside the checkout (../shared) or beside the folder of worktrees holding it (../../shared).
CORPUS = Path(os.environ.get("KPI_DOCX_CORPUS") or next(
    (found for up in (REPO.parent, REPO.parent.parent) if (found := up / "shared" / "corpus" / "docx").is_dir()),
    REPO.parent / "shared" / "corpus" / "docx"))
COLUMNS = ["name_zh", "target_value", "unit", "kind", "comparator", "growth_target_pct", "lead_departments",
           "source_item"]

# name, value, unit, kind, comparator, growth, departments, item — as the plan writes them
CHANGZHOU_TARGETS = [
    ("邮政行业业务总量", "180", "亿元", "flow", "≥", "9", "", ""),  # under its own heading 一、主要目标
    ("快递业务量", "12", "亿件", "flow", "≥", "10", "", ""),
    ("快递业务收入", "110", "亿元", "flow", "≥", "", "", ""),  # 左右, read as ≥ with a note
    ("新增智能快件箱", "2", "万个", "flow", "≥", "", "市场监管处", "工作要点1"),  # 牵头处室：市场监管处
    ("新建村级寄递物流综合服务站", "120", "个", "flow", "≥", "", "市场监管处", "工作要点1"),
    ("快递服务制造业重点项目", "15", "个", "flow", "≥", "", "市场监管处、普遍服务处", "工作要点2"),  # 责任单位
    ("快递进村示范县", "3", "个", "flow", "≥", "", "市场监管处、普遍服务处", "工作要点2"),
    ("电商快件不再二次包装率", "95", "%", "ratio", "≥", "", "市场监管处", "工作要点4"),
    ("可循环快递箱（盒）使用量", "8", "万个", "level", "≥", "", "市场监管处", "工作要点4"),
    ("快递车辆违规事件", "10", "起", "flow", "≤", "", "市场监管处", "工作要点5"),  # 市场监管处牵头，普遍服务处配合
    ("快递绿色网点", "40", "个", "level", "≥", "", "市场监管处", "工作要点5"),
    ("快递从业人员职业技能培训", "3000", "人次", "flow", "≥", "", "办公室", "工作要点6"),
]
# 1320亿件 全国; 2022年…10.9亿件 last year; dates: 2023年 in the 通知's title, in the plan's title and in 2023年是…,
# 2023年3月10日, 2022年; names: 《…2023年工作要点》, 二十大 twice, 二次包装, 十四五; idioms: 一网通办, 万无一失;
# the 文号; 召开…会议2次.
CHANGZHOU_NOT_TAKEN = {"context": 1, "last_year": 1, "date": 5, "name": 5, "idiom": 2, "document": 1,
                       "not_monthly": 1}
NANTONG_TARGETS = [
    ("邮政业务总量", "210", "亿元", "flow", "≥", "8", "", ""),
    ("快递业务量", "14", "亿件", "flow", "≥", "", "", ""),
    ("快递业务收入", "", "亿元", "flow", "≥", "7", "", ""),  # a growth rate alone, counted in 亿元
    ("快递服务满意度", "", "分", "not_below_last_year", "≥", "", "", ""),  # 稳中有升
    ("建制村快递服务通达率", "100", "%", "ratio", "≥", "", "普遍服务处、市场监管处", "工作要点1"),  # （X、Y）
    ("农村客货邮融合线路", "20", "条", "flow", "≥", "", "普遍服务处、市场监管处", "工作要点1"),
    ("新建小区配套建设智能信报箱", "150", "组", "flow", "≥", "", "普遍服务处", "工作要点2"),  # （X）
    ("新能源快递车辆", "500", "辆", "flow", "≥", "", "普遍服务处", "工作要点2"),
    ("主要品牌快递企业邮件快件全程时限准时率", "80", "%", "ratio", ">", "", "市场监管处", "工作要点3"),
    ("执法检查", "200", "次", "flow", "≥", "", "市场监管处", "工作要点4"),
    ("乡镇快递服务站点", "15", "个", "level", "≥", "", "普遍服务处", "民生实事1"),  # 十五个
    ("培训快递员", "5000", "名", "flow", "≥", "", "办公室", "民生实事2"),
    ("可循环快递箱（盒）使用量", "5", "万个", "level", "≥", "", "市场监管处", "民生实事3"),
]
# 全省…100亿件; dates: 2023年 in the 通知's title, the plan's title and the 民生实事 heading, 2023年2月28日; names:
# 《…2023年工作要点》, 三年专项整治, 2个专项治理, 八五普法; the plan's own parts: 3项重点工作, 2个方面, 5项工作,
# 3件实事; the 文号.
NANTONG_NOT_TAKEN = {"context": 1, "date": 4, "name": 4, "plan_part": 4, "document": 1}
MARKET_UNIVERSAL = "市场监管处、普遍服务处"
TAIZHOU_TARGETS = [
    ("邮政行业业务总量", "120", "亿元", "flow", "≥", "10", "", ""),  # 力争达到…、同比增长10%
    ("快递业务量", "11", "亿件", "flow", "≥", "8", "", ""),
    ("邮政行业业务收入", "90", "亿元", "flow", "≥", "", "", ""),
    ("邮政普遍服务满意度", "", "分", "not_below_last_year", "≥", "", "", ""),  # …满意度和…满意度稳中有升
    ("快递服务满意度", "", "分", "not_below_last_year", "≥", "", "", ""),
    ("寄递渠道较大以上安全事故", "0", "起", "zero_tolerance", "≤", "", "", ""),  # …零发生
    ("涉枪涉爆案件", "0", "起", "zero_tolerance", "≤", "", "", ""),  # 杜绝…
    ("新建村级寄递物流综合服务站点", "150", "个", "flow", "≥", "", "普遍服务处", "工作要点1"),  # its line full
    ("县级快递共同配送中心", "3", "个", "flow", "≥", "", "普遍服务处", "工作要点1"),
    ("新增智能快件箱格口", "2", "万个", "flow", "≥", "", MARKET_UNIVERSAL, "工作要点2"),  # its line full
    ("城区住宅小区智能信报箱安装覆盖率", "75", "%", "ratio", "≥", "", MARKET_UNIVERSAL, "工作要点2"),
    ("寄递企业从业人员安全培训", "2500", "人次", "flow", "≥", "", "办公室", "工作要点3"),  # 开展…人次
    ("可循环快递箱（盒）年投放量", "6", "万个", "flow", "≥", "", "市场监管处", "工作要点4"),  # its line full
    ("重点电商企业快件不再二次包装率", "95", "%", "ratio", "≥", "", "市场监管处", "工作要点4"),
    ("快递专用车辆道路交通责任事故", "5", "起", "flow", "≤", "", "市场监管处", "工作要点5"),  # （市场监 | 管处）
    ("涉企行政执法检查信息及时公开率", "100", "%", "ratio", "≥", "", "办公室", "工作要点6"),  # its line full
]
# 全国…1300亿件 (in the preamble, before 一、主要目标); 2023年…全市…10.2亿件 last year; dates: 2024年 in the 通知's
# title and the plan's title, 2024年2月26日, 2023年, 8个工作日 (a time limit); names: 《…2024年工作要点》, 二次包装,
# 十四五; 万无一失; the 文号; 组织技能比武1次 (held once); 有效申诉率…百万分之1.5 (a unit the dashboard has not).
TAIZHOU_NOT_TAKEN = {"context": 1, "last_year": 1, "date": 5, "name": 3, "idiom": 1, "document": 1,
                     "not_monthly": 1, "unknown_unit": 1}
EXPECTED = {"changzhou_2023": (CHANGZHOU_TARGETS, CHANGZHOU_NOT_TAKEN),
            "nantong_2023": (NANTONG_TARGETS, NANTONG_NOT_TAKEN),
            "taizhou_2024": (TAIZHOU_TARGETS, TAIZHOU_NOT_TAKEN)}
NO_TARGETS = pd.DataFrame(columns=TARGET_COLUMNS)


def drafted(name: str, suffix: str):
    path = PLANS / f"{name}.{suffix}"
    document = PlanDocument.read(path.name, path.read_bytes())
    return document, draft_targets(document.parse(), document.parse().year, NO_TARGETS, skipped=document.skipped)


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_whole_plan_gives_every_target_with_its_value_and_departments(name, suffix):
    _, draft = drafted(name, suffix)
    targets, not_taken = EXPECTED[name]
    assert [tuple(row[c] for c in COLUMNS) for row in draft.taken_rows.to_dict("records")] == targets
    assert draft.reason_counts() == not_taken
    assert draft.skipped == ()
    problems = validate_draft(draft.rows, NO_TARGETS, load_regions(CITY / "regions.csv"))
    assert is_publishable(problems)  # published without an edit


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_docx_and_its_pdf_give_the_same_draft(name):
    docx_document, from_docx = drafted(name, "docx")
    pdf_document, from_pdf = drafted(name, "pdf")
    pd.testing.assert_frame_equal(from_docx.rows, from_pdf.rows)
    assert docx_document.parse().tasks == pdf_document.parse().tasks
    # what the PDF adds or loses is only the page: a number wrapped from its unit (110 | 亿元左右) joined back, the
    # running head and "— N —" gone
    wrapped = {"changzhou_2023": "110亿元左右", "nantong_2023": "2023年邮政快递业更贴近民生3件实事分工安排",
               "taizhou_2024": "百万分之1.5以内。（市场监管处）\n6."}[name]
    assert wrapped in pdf_document.text and "— 1 —" not in pdf_document.text
    assert pdf_document.text.count("工作要点\n") == docx_document.text.count("工作要点\n")


def test_items_ending_on_full_lines_with_plain_departments_stay_apart_in_the_pdf():
    # the 台州 plan: items 1, 2, 4 and 6 end on a line full to the margin with （X）, item 5's department wraps
    # over two lines (（市场监 | 管处）); each is its own item with its departments, as in the .docx
    document, draft = drafted("taizhou_2024", "pdf")
    parse = document.parse()
    endings = ["配送中心3个。", "达到75%。", "比武1次。", "95%以上。", "百万分之1.5以内。", "保持在100%。",
               "万无一失。"]
    assert [i.number for i in parse.work_items] == [1, 2, 3, 4, 5, 6, 7]
    assert [i.departments for i in parse.work_items] == [["普遍服务处"], ["市场监管处", "普遍服务处"], ["办公室"],
                                                          ["市场监管处"], ["市场监管处"], ["办公室"], ["办公室"]]
    assert all(item.text.endswith(end) for item, end in zip(parse.work_items, endings, strict=True))
    assert [goal.text[:8] for goal in parse.goals] == ["全年邮政行业业务"] and parse.unplaced == []
    summary = draft.summary()  # the country's figure before 一、主要目标 is named by its line, not a crash
    assert "背景数字（不列为目标）：全国快递业务量 1300亿件（第9行）" in summary


def test_the_headings_of_the_changzhou_plan_place_its_goals_and_sections():
    document, draft = drafted("changzhou_2023", "docx")
    parse = document.parse()
    assert [goal.text[:10] for goal in parse.goals] == ["全年邮政行业业务总量"]
    assert [(s.code, s.title) for s in parse.sections] == [("工作要点·（一）", "推动行业高质量发展"),
                                                           ("工作要点·（二）", "提升绿色发展水平"),
                                                           ("工作要点·（三）", "加强队伍建设")]
    assert [(i.number, i.departments, i.supporting) for i in parse.work_items] == [
        (1, ["市场监管处"], []), (2, ["市场监管处", "普遍服务处"], []), (3, ["普遍服务处"], []),
        (4, ["市场监管处"], []), (5, ["市场监管处"], ["普遍服务处"]), (6, ["办公室"], []), (7, ["办公室"], [])]
    assert parse.unplaced == []
    assert draft.taken_rows["headline"].tolist()[:3] == ["1", "2", "3"]  # the 主要目标 open the overview


# Real documents from other projects' test suites (python-mammoth's): each is read, or refused for what it is.
CORPUS_READINGS = {
    "comments.docx": ("Ouch.", [("word/comments.xml", "comments")]),
    "embedded-style-map.docx": ("Walking on imported air", []),
    "empty.docx": ("plan_doc_no_text", None),
    "endnotes.docx": ("Ouch.\nA tachyon walks into a bar.\nFin.", []),
    "external-picture.docx": ("plan_doc_only_images", None),
    "footnote-hyperlink.docx": ("Example", []),
    "footnotes.docx": ("Ouch.\nA tachyon walks into a bar.\nFin.", []),
    "simple-list.docx": ("Apple\nBanana", []),
    "single-paragraph.docx": ("Walking on imported air", []),
    "strict-format.docx": ("Test", []),
    "strikethrough.docx": ("Today's Special: Salmon Sold out", []),
    "tables.docx": ("Above\nTop left Top right\nBottom left Bottom right\nBelow", []),
    "text-box.docx": ("Datum plane", []),
    "tiny-picture-target-base-relative.docx": ("plan_doc_only_images", None),
    "tiny-picture.docx": ("plan_doc_only_images", None),
    "underline.docx": ("The Sunset Tree", []),
    "utf8-bom.docx": ("This XML has a byte order mark.", []),
}


def test_every_corpus_document_is_listed():
    if not CORPUS.is_dir():
        pytest.skip(f"the .docx corpus is not beside the repository ({CORPUS})")
    assert sorted(p.name for p in CORPUS.glob("*.docx")) == sorted(CORPUS_READINGS)


@pytest.mark.parametrize("name", sorted(CORPUS_READINGS))
def test_a_real_docx_is_read_or_refused_with_its_reason(name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"the .docx corpus is not beside the repository ({CORPUS})")
    expected, skipped = CORPUS_READINGS[name]
    if skipped is None:
        with pytest.raises(PlanDocumentError) as caught:
            read_plan_document(name, path.read_bytes())
        assert caught.value.problem.code == expected
        return
    read = read_plan_document(name, path.read_bytes())
    assert read.text == expected
    assert [(s.part, s.reason) for s in read.skipped] == skipped
