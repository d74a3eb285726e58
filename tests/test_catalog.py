"""The bundled targets.csv holds every quantified target of the 2021 plan with its meaning and source."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.catalog import load_catalog
from lib.problems import InputError
from tests.conftest import CITY

SEED = CITY / "plans" / "2021_plan.txt"  # the 2021 plan as issued (a copy of shared/seeds/000_…)


@pytest.fixture(scope="module")
def targets():
    return load_catalog(CITY).targets.set_index("id")


# (id, kind, unit, target, stretch, comparator, growth %)
EXPECTED = [
    ("postal_business_volume", "flow", "亿元", 540, None, "≥", 13.8),
    ("postal_business_revenue", "flow", "亿元", 300, None, "≥", 11.3),
    ("express_volume", "flow", "亿件", 24, None, "≥", 15),
    ("express_revenue", "flow", "亿元", 260, None, "≥", 11),
    ("no_repack_rate", "ratio", "%", 95, None, "≥", None),
    ("recyclable_boxes", "level", "万个", 10, 15, "≥", None),
    ("recycling_device_coverage", "ratio", "%", 50, None, "≥", None),
    ("green_outlets", "level", "个", 30, None, "≥", None),
    ("practitioner_training", "flow", "人次", 2000, None, ">", None),
    ("village_coverage", "ratio", "%", 100, None, "≥", None),
    ("sbdf_point_coverage", "ratio", "%", 40, None, "≥", None),
    ("industry_infections", "zero_tolerance", "例", 0, None, "≤", None),
    ("confidential_comm_incidents", "zero_tolerance", "起", 0, None, "≤", None),
]


@pytest.mark.parametrize("tid, kind, unit, target, stretch, comparator, growth", EXPECTED)
def test_quantified_targets_match_the_plan(targets, tid, kind, unit, target, stretch, comparator, growth):
    row = targets.loc[tid]
    assert (row["kind"], row["unit"], row["target_value"], row["comparator"]) == (kind, unit, target, comparator)
    assert (row["stretch_value"] if row["stretch_value"] == row["stretch_value"] else None) == stretch
    assert (row["growth_target_pct"] if row["growth_target_pct"] == row["growth_target_pct"] else None) == growth
    assert row["year"] == 2021 and row["source_text"]


def test_workstations_one_per_county_three_in_urban_area(targets):
    rows = targets[targets["indicator"] == "sbdf_workstations"]
    assert dict(zip(rows["region"], rows["target_value"])) == {
        "市区": 3, "常熟市": 1, "张家港市": 1, "昆山市": 1, "太仓市": 1}


def test_not_below_last_year_targets_have_no_number(targets):
    rows = targets[targets["kind"] == "not_below_last_year"]
    assert {"express_satisfaction", "complaint_handling_accuracy", "complaint_reply_ontime",
            "complaint_satisfaction"} <= set(rows.index)
    assert rows["target_value"].isna().all() and (rows["baseline_year"] == 2020).all()


def test_recyclable_boxes_keep_both_sources(targets):
    text = targets.loc["recyclable_boxes", "source_text"]
    assert "10万个" in text and "15万个" in text and "工作要点45" in text and "民生实事12" in text


@pytest.mark.skipif(not SEED.exists(), reason="the plan text is in shared/ beside the repository")
def test_every_source_clause_is_quoted_from_the_plan(targets):
    plan = SEED.read_text(encoding="utf-8")
    for tid, row in targets.iterrows():
        for clause in row["source_text"].replace("……", "；").split("；"):
            clause = clause.split("：", 1)[-1]
            assert clause in plan, f"{tid}: {clause!r} is not in the plan"


def test_broken_targets_file_lists_every_problem(tmp_path: Path):
    (tmp_path / "targets.csv").write_text(
        (CITY / "targets.csv").read_text(encoding="utf-8")
        .replace("540,,≥,flow", "五百,,≥,flow").replace("亿件,24,,≥,flow", "亿只,24,,≥,flux"),
        encoding="utf-8")
    (tmp_path / "regions.csv").write_text((CITY / "regions.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalog(tmp_path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "target_value"), (4, "kind"), (4, "unit")} <= found


# A broken cell of targets.csv (row 2 is postal_business_volume, 2021) and the sentence the office reads, in Chinese
# and English: the file, row and column said once, then what is wrong in the reader's language (issue 24, point 7).
CELL_PROBLEMS = [
    (("亿元,540,", "亿元,五百四十,"), "target_value", "「五百四十」不是数字", "'五百四十' is not a number"),
    (("亿元,540,", "亿美元,540,"), "unit", "单位「亿美元」不在单位表中，可用：元, 万元",
     "unit '亿美元' is not known; known units: 元, 万元"),
    (("postal_business_volume,2021,", "postal_business_volume,二〇二一,"), "year", "「二〇二一」不是数字",
     "'二〇二一' is not a number"),
    (("13.8,2020,", "13.8,2030,"), "baseline_year", "基期年度应早于目标年度",
     "the baseline year must be before the target year"),
    ((",flow,sum,13.8", ",flowing,sum,13.8"), "kind",
     "类型「flowing」无效，应为以下之一：flow, indicator, level, not_below_last_year, ratio, zero_tolerance",
     "kind 'flowing' is invalid; expected one of: flow, indicator, level, not_below_last_year, ratio, zero_tolerance"),
]


@pytest.mark.parametrize("change, column, zh, en", CELL_PROBLEMS, ids=[c[1] for c in CELL_PROBLEMS])
def test_a_broken_cell_is_said_once_in_the_readers_language(tmp_path: Path, change, column, zh, en):
    text = (CITY / "targets.csv").read_text(encoding="utf-8")
    assert text.count(change[0]) >= 1
    (tmp_path / "targets.csv").write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    (tmp_path / "regions.csv").write_text((CITY / "regions.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalog(tmp_path)
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (2, column)
    assert problem.message("zh").startswith(f"targets.csv 第2行「{column}」：{zh}")
    assert problem.message("en").startswith(f"targets.csv row 2, column '{column}': {en}")
    assert problem.message("zh").count("第2行") == 1


def test_a_region_without_regions_csv_says_the_file_is_missing(tmp_path: Path):
    (tmp_path / "targets.csv").write_text((CITY / "targets.csv").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalog(tmp_path)
    regional = [p for p in err.value.problems if p.column == "region"]
    # the five workstation rows, one per county and the urban area
    assert [p.value for p in regional] == ["市区", "常熟市", "张家港市", "昆山市", "太仓市"]
    assert regional[0].detail("zh") == "地区「市区」无法核对：regions.csv 缺失或没有列出任何地区，请补上该文件"
