"""Reading the work plan into tasks: counts, printed numbers, departments, links and candidate targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib.plan import load_tasks, parse_plan, split_lead
from tests.conftest import REPO

SEED = REPO.parent / "shared" / "seeds" / "000_8562bad6d43fd1f6.txt"
OTHER = Path(__file__).parent / "fixtures" / "plan_other_city.txt"


@pytest.fixture(scope="module")
def plan():
    if not SEED.exists():
        pytest.skip("the 2021 plan text is in shared/ beside the repository")
    from lib.plan import link_targets

    parsed = parse_plan(SEED.read_text(encoding="utf-8"))
    link_targets(parsed, pd.read_csv(REPO / "data" / "targets.csv", dtype=str, keep_default_na=False))
    return parsed


def test_counts_and_printed_numbers(plan):
    assert [t.number for t in plan.of("key_work")] == list(range(1, 10))
    assert [t.number for t in plan.of("work_item")] == list(range(1, 61))
    assert [t.number for t in plan.of("livelihood")] == [*range(1, 17), 18, 19, 20]  # 17 is not printed
    assert sorted({t.section for t in plan.of("work_item")}) == sorted("一二三四五六")
    assert [t.section for t in plan.of("livelihood")].count("七") == 2
    assert plan.unplaced == []


@pytest.mark.parametrize("list_type, number, departments, starts", [
    ("key_work", 3, ["市场监管处", "普遍服务处"], "推动“两进一出”工程出实效"),
    ("key_work", 2, ["各相关处室"], "推动促进行业发展"),
    ("work_item", 23, ["市场监管处"], "推进落实苏州市实事项目"),  # printed "（市场监管处牵头，）"
    ("work_item", 26, ["市场监管处", "协会"], "继续推进网点标准化建设"),
    ("work_item", 54, ["协会"], "推进产教融合"),
    ("work_item", 45, ["市场监管处"], "落实行业生态环保“29551”工程"),
    ("livelihood", 1, ["普遍服务处", "市场监管处"], "因地制宜推动交快"),
    ("livelihood", 18, ["办公室"], "举办快递职业技能大赛"),
])
def test_items_and_departments(plan, list_type, number, departments, starts):
    task = next(t for t in plan.of(list_type) if t.number == number)
    assert task.departments == departments
    assert task.text.startswith(starts) and "牵头" not in task.text


def test_item_45_links_to_its_four_targets(plan):
    linked = {t.key: t.target_ids for t in plan.tasks}
    green = ["no_repack_rate", "recyclable_boxes", "recycling_device_coverage", "green_outlets"]
    assert linked["work_item:45"] == green and linked["livelihood:12"] == green
    assert linked["work_item:52"] == ["practitioner_training"] and linked["livelihood:1"] == ["village_coverage"]


@pytest.mark.parametrize("value, unit, comparator, growth, matched", [
    (540, "亿元", "≥", 13.8, "postal_business_volume"),
    (24, "亿件", "≥", 15, "express_volume"),
    (95, "%", "≥", None, "no_repack_rate"),
    (10, "万个", "≥", None, "recyclable_boxes"),
    (15, "万个", "≥", None, "recyclable_boxes"),
    (2000, "人次", ">", None, "practitioner_training"),
    (40, "%", "≥", None, "sbdf_point_coverage"),
    (3, "家", "≥", None, "sbdf_workstations_urban"),
])
def test_candidate_targets_from_the_prose(plan, value, unit, comparator, growth, matched):
    found = [c for c in plan.candidates if c.value == value and c.unit == unit]
    assert found, (value, unit)
    c = found[0]
    assert (c.comparator, c.growth_pct, c.matched_target_id) == (comparator, growth, matched)


def test_years_and_counts_are_not_candidates(plan):
    units = {(c.value, c.unit) for c in plan.candidates}
    assert not any(v in (2021, 2018, 2020, 60, 29551) for v, _ in units)  # years, "60项工作", "29551"工程
    assert not any(v == 100 and u != "%" for v, u in units)  # "建党100周年"
    assert all(c.unit != "%" or c.value <= 100 for c in plan.candidates)


def test_another_city_plan_of_the_same_form():
    parsed = parse_plan(OTHER.read_text(encoding="utf-8"))
    assert [t.number for t in parsed.of("key_work")] == [1, 2, 3]
    assert [t.number for t in parsed.of("work_item")] == [1, 2, 3, 4, 5, 6]
    assert [t.number for t in parsed.of("livelihood")] == [1, 3, 4]
    item2 = parsed.of("work_item")[1]
    assert item2.text == "新建智能快件箱不少于500个，覆盖全部新建小区。" and item2.departments == ["市场监管处"]
    assert parsed.of("work_item")[4].departments == ["市场监管处", "普遍服务处"]
    assert [text for _, text in parsed.unplaced] == ["这一行没有编号，也没有牵头处室"]
    found = {(c.value, c.unit, c.comparator, c.growth_pct) for c in parsed.candidates}
    assert {(12, "亿件", "≥", 10.0), (150, "亿元", "≥", 8.5), (100, "%", "≥", None), (500, "个", "≥", None),
            (1500, "人次", ">", None), (20, "个", "≥", None), (5, "万个", "≥", None), (95, "%", "≥", None)} <= found


def test_split_lead_variants():
    assert split_lead("做好工作。（市场监管处、普遍服务处牵头）") == ("做好工作。", ["市场监管处", "普遍服务处"])
    assert split_lead("做好工作。（市场监管处牵头，）") == ("做好工作。", ["市场监管处"])
    assert split_lead("没有牵头处室") == ("没有牵头处室", [])


def test_cli_writes_tasks_and_candidates(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lib.cli", "parse-plan", str(OTHER), "--out", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "工作要点: 6" in result.stdout and "这一行没有编号" in result.stdout
    tasks = load_tasks(tmp_path)
    assert len(tasks) == 12 and tasks.loc[tasks["key"] == "work_item:2", "lead_departments"].item() == "市场监管处"
    assert len(pd.read_csv(tmp_path / "target_candidates.csv", encoding="utf-8-sig")) >= 8


def test_cli_refuses_a_file_without_items(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("没有任何编号事项的文字。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lib.cli", "parse-plan", str(path), "--out", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "no numbered items" in result.stderr


def test_bundled_tasks_match_the_document():
    tasks = load_tasks(REPO / "data")
    assert tasks["list_type"].value_counts().to_dict() == {"work_item": 60, "livelihood": 19, "key_work": 9}
