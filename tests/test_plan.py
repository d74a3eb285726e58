"""Reading work plans: the real 2021 Suzhou plan (counted by hand) and a smaller plan of another city and year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.plan import (
    candidates_in_text,
    context_figures_in_text,
    link_targets,
    load_tasks,
    parse_plan,
    parse_plan_file,
    read_targets,
    split_lead,
    statements_in_text,
    summary,
    write_outputs,
)
from lib.problems import PlanError
from tests.conftest import CITY, run_cli

SEED = CITY / "plans" / "2021_plan.txt"  # the 2021 plan as issued (a copy of shared/seeds/000_…)
OTHER_CITY = Path(__file__).parent / "fixtures" / "plan_other_city.txt"
TARGETS = CITY / "targets.csv"
GREEN_TARGETS = ["no_repack_rate", "recyclable_boxes", "recycling_device_coverage", "green_outlets"]
COUNTY_WORKSTATIONS = ["sbdf_workstations_changshu", "sbdf_workstations_zhangjiagang", "sbdf_workstations_kunshan",
                       "sbdf_workstations_taicang"]


@pytest.fixture(scope="module")
def plan():
    if not SEED.exists():
        pytest.skip(f"the 2021 plan text is not beside the repository ({SEED})")
    parsed = parse_plan(SEED.read_text(encoding="utf-8"))
    link_targets(parsed, read_targets(TARGETS))
    return parsed


@pytest.fixture(scope="module")
def other():
    return parse_plan(OTHER_CITY.read_text(encoding="utf-8"))


def candidate(parsed, list_type, number, value, unit):
    """Return the one candidate of an item with a value and unit."""
    found = [c for c in parsed.candidates
             if (c.list_type, c.number, c.value, c.unit) == (list_type, number, value, unit)]
    assert len(found) == 1, (list_type, number, value, unit, found)
    return found[0]


# The real plan -------------------------------------------------------------------------------------------------

def test_lists_and_printed_numbers(plan):
    assert [t.number for t in plan.key_works] == list(range(1, 10))
    assert [t.number for t in plan.work_items] == list(range(1, 61))
    assert [t.number for t in plan.livelihood] == [*range(1, 17), 18, 19, 20]  # 17 is not printed
    assert len(plan.tasks) == 9 + 60 + 19
    assert plan.year == 2021 and plan.title == "苏州市邮政管理局2021年工作要点"
    assert plan.unplaced == []


def test_sections(plan):
    work = plan.sections_of("work_item")
    assert [s.code for s in work] == [f"工作要点·{n}" for n in "一二三四五六"]
    assert work[4].title == "强化行业治理，持续提升风险防控能力"
    livelihood = plan.sections_of("livelihood")
    assert [s.code for s in livelihood] == [f"民生实事·{n}" for n in "一二三四五六七"]
    assert (livelihood[0].title, livelihood[6].title) == ("推动实现快递服务直投到村", "加强快递员（投递员）权益保护")
    # 11 items in 一, 5 in 二, 4 in 三, 9 in 四, 20 in 五 (30..49), 11 in 六 (50..60)
    assert [sum(t.section == s.code for t in plan.work_items) for s in work] == [11, 5, 4, 9, 20, 11]
    assert plan.item("work_item", 45).section == "工作要点·五"
    assert [t.number for t in plan.livelihood if t.section == "民生实事·六"] == [14, 15, 16, 18]
    assert plan.livelihood_title == "2021年邮政业更贴近民生七件实事分工安排"


def test_header_lines_are_preamble_and_goals_are_kept(plan):
    preamble = [text for _, text in plan.preamble]
    for line in ("苏州市邮政管理局文件", "苏州邮管〔2021〕21号", "分工安排的通知", "2021年4月9日", "（此件公开发布）",
                 "苏州市邮政管理局2021年工作要点", "着力抓好9项重点工作："):
        assert line in preamble
    assert any(text.startswith("2021年是中国共产党建党100周年") for text in preamble)
    assert len(plan.goals) == 1 and plan.goals[0].text.startswith("我市邮政快递业发展的主要目标是：全年邮政业务总量")


@pytest.mark.parametrize("list_type, number, departments, starts", [
    ("key_work", 3, ["市场监管处", "普遍服务处"], "推动“两进一出”工程出实效"),
    ("key_work", 2, ["各相关处室"], "推动促进行业发展"),
    ("work_item", 3, ["办公室"], "开展庆祝建党100周年系列活动"),
    ("work_item", 17, ["市场监管处", "普遍服务处"], "推动“快递进村”"),
    ("work_item", 23, ["市场监管处"], "推进落实苏州市实事项目"),  # printed （市场监管处牵头，）
    ("work_item", 24, ["普遍服务处", "市场监管处"], "加强交邮、邮快"),  # the order as printed
    ("work_item", 26, ["市场监管处", "协会"], "继续推进网点标准化建设"),
    ("work_item", 54, ["协会"], "推进产教融合"),
    ("livelihood", 1, ["普遍服务处", "市场监管处"], "因地制宜推动交快"),
    ("livelihood", 18, ["办公室"], "举办快递职业技能大赛"),
])
def test_departments(plan, list_type, number, departments, starts):
    task = plan.item(list_type, number)
    assert task.departments == departments
    assert task.text.startswith(starts) and task.text.endswith("。") and "牵头" not in task.text


def test_lead_department_totals(plan):
    counts = {}
    for task in plan.tasks:
        for department in task.departments:
            counts[department] = counts.get(department, 0) + 1
    # counted by hand over the 88 suffixes: 各相关处室 once (key work 2), 协会 in items 26, 41, 54
    assert counts["各相关处室"] == 1 and counts["协会"] == 3
    assert all(task.departments for task in plan.tasks)


def test_links_from_items_to_targets(plan):
    assert plan.item("work_item", 45).target_ids == GREEN_TARGETS
    assert plan.item("livelihood", 12).target_ids == GREEN_TARGETS
    assert plan.item("work_item", 52).target_ids == ["practitioner_training"]
    assert plan.item("livelihood", 14).target_ids == ["practitioner_training"]
    assert plan.item("livelihood", 1).target_ids == ["village_coverage"]
    assert plan.item("work_item", 35).target_ids == ["sbdf_workstations_urban", *COUNTY_WORKSTATIONS,
                                                     "sbdf_point_coverage"]
    complaints = ["complaint_handling_accuracy", "complaint_reply_ontime", "complaint_satisfaction"]
    assert plan.item("work_item", 29).target_ids == complaints
    assert plan.item("livelihood", 10).target_ids == complaints  # its source_item names 工作要点29; the text matches
    assert plan.item("work_item", 1).target_ids == [] and plan.item("key_work", 7).target_ids == []


@pytest.mark.parametrize("list_type, number, value, unit, comparator, growth, phrase, matched", [
    ("main_goal", None, 540, "亿元", "≥", 13.8, "邮政业务总量", "postal_business_volume"),
    ("main_goal", None, 24, "亿件", "≥", 15, "快递业务量", "express_volume"),
    ("work_item", 45, 95, "%", "≥", None, "电商快件不再二次包装率", "no_repack_rate"),
    ("work_item", 45, 10, "万个", "≥", None, "可循环快递箱（盒）使用量", "recyclable_boxes"),
    ("livelihood", 12, 15, "万个", "≥", None, "可循环快递箱（盒）使用量", "recyclable_boxes"),
    ("work_item", 45, 30, "个", "≥", None, "快递绿色网点", "green_outlets"),
    ("work_item", 52, 2000, "人次", ">", None, "培训从业人员", "practitioner_training"),
    ("work_item", 35, 40, "%", "≥", None, "城区普遍服务网点“扫黄打非”工作点建设覆盖率", "sbdf_point_coverage"),
    ("work_item", 35, 3, "家", "≥", None, "市区主要品牌快递企业“扫黄打非”工作站", "sbdf_workstations_urban"),
    ("livelihood", 1, 100, "%", "≥", None, "主要品牌快递服务建制村通达率", "village_coverage"),
])
def test_candidate_targets(plan, list_type, number, value, unit, comparator, growth, phrase, matched):
    c = candidate(plan, list_type, number, value, unit)
    assert (c.comparator, c.growth_pct, c.phrase, c.matched_target_id) == (comparator, growth, phrase, matched)


def test_one_workstation_per_county_matches_the_four_county_targets(plan):
    assert candidate(plan, "work_item", 35, 1, "家").matched_target_ids == COUNTY_WORKSTATIONS


def test_only_targets_are_candidates(plan):
    found = sorted((c.list_type, c.number or 0, c.value, c.unit) for c in plan.candidates)
    # by hand: 4 in 主要目标, 3 in item 35, 4 in item 45, 1 in item 52, 1 in 实事1, 4 in 实事12, 1 in 实事14
    assert found == sorted([
        ("main_goal", 0, 540, "亿元"), ("main_goal", 0, 300, "亿元"), ("main_goal", 0, 24, "亿件"),
        ("main_goal", 0, 260, "亿元"),
        ("work_item", 35, 3, "家"), ("work_item", 35, 1, "家"), ("work_item", 35, 40, "%"),
        ("work_item", 45, 95, "%"), ("work_item", 45, 10, "万个"), ("work_item", 45, 50, "%"),
        ("work_item", 45, 30, "个"),
        ("work_item", 52, 2000, "人次"), ("livelihood", 1, 100, "%"),
        ("livelihood", 12, 95, "%"), ("livelihood", 12, 15, "万个"), ("livelihood", 12, 50, "%"),
        ("livelihood", 12, 30, "个"), ("livelihood", 14, 2000, "人次"),
    ])  # so no 2021年, 2018-2020年, 100周年, 2个专项治理, 60项工作 or “29551”
    assert [c.growth_pct for c in plan.candidates if c.list_type == "main_goal"] == [13.8, 11.3, 15, 11]
    assert all(c.matched_target_ids for c in plan.candidates)


def test_written_csvs_read_back(plan, tmp_path):
    tasks_path, candidates_path = write_outputs(plan, tmp_path)
    for path in (tasks_path, candidates_path):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Chinese Excel needs
    tasks = pd.read_csv(tasks_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert tasks["list_type"].value_counts().to_dict() == {"work_item": 60, "livelihood": 19, "key_work": 9}
    row = tasks[(tasks["list_type"] == "work_item") & (tasks["number"] == "45")].iloc[0]
    assert row["target_ids"] == ";".join(GREEN_TARGETS) and row["lead_departments"] == "市场监管处"
    assert row["section"] == "工作要点·五" and row["section_title"] == "强化行业治理，持续提升风险防控能力"
    assert tasks.loc[(tasks["list_type"] == "key_work") & (tasks["number"] == "3"), "lead_departments"].item() == \
        "市场监管处、普遍服务处"
    assert tasks.loc[tasks["list_type"] == "livelihood", "number"].tolist()[15:] == ["16", "18", "19", "20"]
    candidates = pd.read_csv(candidates_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(candidates) == 18
    first = candidates.iloc[0]
    assert (first["value"], first["unit"], first["growth_pct"], first["comparator"]) == ("540", "亿元", "13.8", "≥")
    assert load_tasks(tmp_path)["number"].tolist()[:3] == [1, 2, 3]


def test_bundled_csvs_are_the_parse_of_the_plan(plan, tmp_path):
    tasks_path, candidates_path = write_outputs(plan, tmp_path)
    assert (CITY / "tasks.csv").read_bytes() == tasks_path.read_bytes()
    assert (CITY / "target_candidates.csv").read_bytes() == candidates_path.read_bytes()


# Another city and year -----------------------------------------------------------------------------------------

def test_other_city_lists(other):
    assert other.year == 2022 and other.title == "无锡市邮政管理局2022年工作要点"
    assert [t.number for t in other.key_works] == [1, 2, 3]
    assert [t.number for t in other.work_items] == [1, 2, 3, 4, 5, 6]
    assert [t.number for t in other.livelihood] == [1, 2, 3, 5, 6]
    assert [s.code for s in other.sections] == ["工作要点·一", "工作要点·二",
                                                "民生实事·一", "民生实事·二", "民生实事·三"]
    assert [t.section for t in other.work_items] == ["工作要点·一"] * 4 + ["工作要点·二"] * 2
    assert other.declared == {"key_works": 3, "sections": 2, "work_items": 6, "livelihood_sections": 3}


def test_other_city_departments_and_wrapped_item(other):
    assert other.item("key_work", 1).departments == ["普遍服务处", "市场监管处"]
    assert other.item("work_item", 3).departments == ["市场监管处", "协会"]  # printed with ，
    assert other.item("work_item", 5).departments == ["市场监管处"]  # printed （市场监管处牵头，）
    assert other.item("work_item", 6).departments == ["各相关处室"]
    assert other.item("livelihood", 6).departments == ["办公室", "协会"]
    wrapped = other.item("work_item", 4)
    assert wrapped.text == "推动全市快递末端综合服务站建设，年底前建成综合服务站50个以上。"
    assert wrapped.departments == ["市场监管处"]


def test_other_city_malformed_line_is_unplaced(other):
    assert other.unplaced == [(31, "※此条待定：加强邮政用品用具市场监管")]
    preamble = [text for _, text in other.preamble]
    assert "抄送：江苏省邮政管理局。" in preamble and "2022年3月15日" in preamble


def test_other_city_candidates(other):
    found = {(c.list_type, c.number, c.value, c.unit, c.comparator, c.growth_pct) for c in other.candidates}
    assert found == {
        ("main_goal", None, 260, "亿元", "≥", 10), ("main_goal", None, 15.5, "亿件", "≈", 12),
        ("main_goal", None, None, "", "≥", 9),  # 快递业务收入同比增长9%: a growth rate alone
        ("work_item", 1, 98, "%", "≥", None), ("work_item", 2, 120, "组", "≥", None),
        ("work_item", 3, 90, "%", "≥", None), ("work_item", 4, 50, "个", "≥", None),
        ("work_item", 5, 200, "次", "≥", None), ("work_item", 5, 10, "起", "≤", None),
        ("livelihood", 1, 100, "%", "≥", None), ("livelihood", 3, 5, "万个", "≥", None),
        ("livelihood", 5, 1500, "人次", ">", None),
    }  # so no 2022年, 2019-2021年 or 2个专项治理
    assert candidate(other, "main_goal", None, None, "").phrase == "快递业务收入"


def test_other_year_targets_are_not_linked(other):
    link_targets(other, read_targets(TARGETS))  # the 2021 targets
    assert not any(t.target_ids for t in other.tasks)
    assert not any(c.matched_target_ids for c in other.candidates)


def test_other_city_links_by_source_item_and_by_text(tmp_path):
    parsed = parse_plan(OTHER_CITY.read_text(encoding="utf-8"))
    targets = pd.DataFrame([
        dict(id="boxes", year="2022", kind="level", unit="万个", target_value="5", stretch_value="",
             source_item="民生实事3", source_text=""),
        dict(id="complaint_satisfaction", year="2022", kind="ratio", unit="%", target_value="90", stretch_value="",
             source_item="", source_text="消费者对申诉处理的满意率不低于90%"),
        dict(id="old_boxes", year="2021", kind="level", unit="万个", target_value="5", stretch_value="",
             source_item="民生实事3", source_text=""),
    ])
    link_targets(parsed, targets)
    assert parsed.item("livelihood", 3).target_ids == ["boxes"]
    assert parsed.item("work_item", 3).target_ids == ["complaint_satisfaction"]
    assert candidate(parsed, "livelihood", 3, 5, "万个").matched_target_id == "boxes"
    assert candidate(parsed, "work_item", 3, 90, "%").matched_target_id == "complaint_satisfaction"


# Pieces ----------------------------------------------------------------------------------------------------------

def test_split_lead_variants():
    assert split_lead("做好工作。（市场监管处、普遍服务处牵头）") == ("做好工作。", ["市场监管处", "普遍服务处"])
    assert split_lead("做好工作。（市场监管处牵头，）") == ("做好工作。", ["市场监管处"])
    assert split_lead("各县（市）建成。（办公室，协会牵头）") == ("各县（市）建成。", ["办公室", "协会"])
    assert split_lead("没有牵头处室") == ("没有牵头处室", [])


@pytest.mark.parametrize("text, expected", [
    ("投诉率控制在5%以内", [("投诉率", 5, "%", "≤", None)]),
    ("快递业务量增长12%左右", [("快递业务量", None, "", "≈", 12)]),
    ("满意度提高3.5个百分点", [("满意度", 3.5, "个百分点", "≥", None)]),
    ("妥投率95%", [("妥投率", 95, "%", "≥", None)]),
    ("业务量完成1,200万件，同比增长8%", [("业务量", 1200, "万件", "≥", 8)]),
    ("举办第2次培训，开展2个专项治理，召开3场会议", []),
    ("完成2018-2020年创建，庆祝100周年，抓好60项工作", []),
])
def test_candidates_in_text(text, expected):
    assert [(c.phrase, c.value, c.unit, c.comparator, c.growth_pct) for c in candidates_in_text(text)] == expected


@pytest.mark.parametrize("text, city, context", [
    ("快递业务量完成12.5亿件（全国快递业务量1225亿件）、同比增长5%",
     [("快递业务量", 12.5, "亿件", 5)], [("全国", "全国快递业务量", 1225, None)]),
    ("2021年全国快递业务量达1083亿件、同比增长29.9%，全市完成23亿件",
     [("快递业务量", 23, "亿件", None)], [("全国", "2021年全国快递业务量", 1083, 29.9)]),
    ("据测算，全省重点项目预计达到300个，我市力争建成20个快递服务制造业重点项目",
     [("快递服务制造业重点项目", 20, "个", None)], [("全省", "全省重点项目", 300, None)]),
    ("全行业预计完成快递业务量1200亿件；快递业务收入完成260亿元",
     [("快递业务收入", 260, "亿元", None)], [("全行业预计", "全行业预计完成快递业务量", 1200, None)]),
    ("力争全市快递业务量占全省比重保持在20%以上", [("快递业务量占全省比重", 20, "%", None)], []),
])
def test_figures_quoted_for_the_country_or_province_are_context(text, city, context):
    assert [(c.phrase, c.value, c.unit, c.growth_pct) for c in candidates_in_text(text)] == city
    assert [(c.scope, c.phrase, c.value, c.growth_pct) for c in context_figures_in_text(text)] == context


@pytest.mark.parametrize("text, expected", [
    ("邮政普遍服务水平和快递服务满意度稳中有升，机要通信确保万无一失",
     [("快递服务满意度", "not_below_last_year", "稳中有升"), ("机要通信", "zero_tolerance", "万无一失")]),
    ("进一步提升申诉处理正确率、企业答复准时率和消费者对申诉处理工作的满意率",
     [("申诉处理正确率", "not_below_last_year", "进一步提升"), ("企业答复准时率", "not_below_last_year", "进一步提升"),
      ("消费者对申诉处理工作的满意率", "not_below_last_year", "进一步提升")]),
    ("切实提升行政执法信息的及时公开率", [("行政执法信息的及时公开率", "not_below_last_year", "切实提升")]),
    ("继续巩固全行业“零感染”成果，确保全年不发生重大寄递安全事故",
     [("零感染", "zero_tolerance", "“零感染”"), ("重大寄递安全事故", "zero_tolerance", "不发生重大寄递安全事故")]),
    ("全省快递服务满意度稳中有升", []),  # the province's, not the city's
    ("进一步提升末端服务水平", []),  # nothing measured
])
def test_targets_without_a_number(text, expected):
    assert [(s.subject, s.kind, s.wording) for s in statements_in_text(text)] == expected


def test_exported_cells_cannot_start_a_formula(tmp_path):
    parsed = parse_plan("具体抓好以下1个方面、1项工作：\n一、测试\n1. =HYPERLINK(\"x\")。（办公室牵头）\n")
    tasks_path, _ = write_outputs(parsed, tmp_path)
    assert load_tasks(tmp_path)["text"].item() == "'=HYPERLINK(\"x\")。"
    assert tasks_path.is_file()


# Command line ----------------------------------------------------------------------------------------------------

def test_parse_plan_file_writes_both_tables_linked_to_targets(tmp_path):
    result = parse_plan_file(OTHER_CITY, tmp_path / "out", TARGETS)
    assert result.written == (tmp_path / "out" / "tasks.csv", tmp_path / "out" / "target_candidates.csv")
    assert result.linked and result.targets == TARGETS
    report = summary(result.parse)
    assert "工作要点: 6" in report and "第31行: ※此条待定" in report and "民生实事编号跳过: 4" in report
    tasks = load_tasks(tmp_path / "out")
    assert len(tasks) == 3 + 6 + 5
    assert tasks.loc[(tasks["list_type"] == "work_item") & (tasks["number"] == 3), "lead_departments"].item() == \
        "市场监管处、协会"
    assert len(pd.read_csv(tmp_path / "out" / "target_candidates.csv", encoding="utf-8-sig")) == 12


def test_parse_plan_file_without_targets_leaves_the_links_empty(tmp_path):
    result = parse_plan_file(OTHER_CITY, tmp_path, tmp_path / "none.csv")
    assert not result.linked and result.targets == tmp_path / "none.csv"
    assert (load_tasks(tmp_path)["target_ids"] == "").all()


def test_parse_plan_file_raises_located_errors_and_writes_nothing(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("没有任何编号事项的文字。\n", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x81 \xff")
    with pytest.raises(PlanError) as missing:
        parse_plan_file(tmp_path / "missing.txt", tmp_path)
    assert missing.value.message("en") == "missing.txt: cannot read the file: No such file or directory"
    with pytest.raises(PlanError) as empty:
        parse_plan_file(notes, tmp_path)
    assert empty.value.message("zh") == "notes.txt：没有找到以（…牵头）结尾的编号事项"
    assert empty.value.message("en") == "notes.txt: no numbered items with （…牵头） found"
    with pytest.raises(PlanError) as undecodable:
        parse_plan_file(binary, tmp_path)
    assert undecodable.value.message("en") == "binary.txt: unknown text encoding (expected UTF-8 or GBK)"
    assert not (tmp_path / "tasks.csv").exists()
    with pytest.raises(PlanError) as unwritable:
        parse_plan_file(OTHER_CITY, notes)  # the output folder is a file
    assert unwritable.value.message("en") == f"{notes}: cannot write: File exists"


def test_parse_plan_file_reads_gbk(tmp_path):
    gbk = tmp_path / "plan_gbk.txt"
    gbk.write_bytes(OTHER_CITY.read_text(encoding="utf-8").encode("gb18030"))
    parse_plan_file(gbk, tmp_path / "out", TARGETS)
    assert load_tasks(tmp_path / "out")["text"].iloc[0] == "推进快递进村工程提质增效。"


def test_cli_parse_plan(tmp_path):
    result = run_cli("parse-plan", OTHER_CITY, "--out", tmp_path, "--targets", TARGETS)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert any(line.startswith("  第31行: ※此条待定") for line in lines)
    assert lines[-1] == f"→ {tmp_path / 'tasks.csv'}, {tmp_path / 'target_candidates.csv'}"
    assert len(load_tasks(tmp_path)) == 14
    without = run_cli("parse-plan", OTHER_CITY, "--out", tmp_path, "--targets", tmp_path / "none.csv", "--lang", "en")
    assert without.returncode == 0
    assert without.stdout.splitlines()[-2] == f"({tmp_path / 'none.csv'} not found: target_ids left empty)"


@pytest.mark.parametrize("lang, message", [("zh", "error: notes.txt：没有找到以（…牵头）结尾的编号事项"),
                                           ("en", "error: notes.txt: no numbered items with （…牵头） found")])
def test_cli_parse_plan_errors(tmp_path, lang, message):
    notes = tmp_path / "notes.txt"
    notes.write_text("没有任何编号事项的文字。\n", encoding="utf-8")
    result = run_cli("parse-plan", notes, "--out", tmp_path, "--lang", lang)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")
    missing = run_cli("parse-plan", tmp_path / "missing.txt", "--out", tmp_path, "--lang", lang)
    assert missing.returncode == 2 and str(tmp_path / "missing.txt") in missing.stderr
