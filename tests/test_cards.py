"""What a card says, from scores built by hand: the delta's sign decides its arrow, so it must lead the text."""

from __future__ import annotations

import pytest

from lib.cards import build_card
from lib.engine import Score


def a_score(**fields) -> Score:
    """Return a score with plain defaults, changed by fields."""
    base = dict(indicator="express_volume", name="快递业务量", name_en="Express parcel volume", category="headline",
                kind="flow", unit="亿件", comparator="≥", region="", lead_departments=["市场监管处"], target=24.0)
    return Score(**(base | fields))


def test_flow_card_compares_with_the_expected_progress():
    score = a_score(actual_ytd=19.2468, data_month=10, completion_pct=80.195, expected_pct_seasonal=78.8149,
                    expected_pct_linear=83.3333, seasonal_basis="baseline", gap_points=1.3801, status="green",
                    required_monthly_avg=2.3766)
    card = build_card(score, 2021, 10, "zh")
    assert (card.value, card.target_text) == ("19.25亿件", "目标：≥24亿件")  # the target as the plan wrote it
    assert (card.delta, card.delta_note) == ("+1.4个百分点", "较序时进度")
    assert card.progress == pytest.approx(0.80195)
    assert card.lines[0] == "完成率 80.2% · 序时进度 78.8% · 线性进度 83.3%"
    assert "11–12月还需月均完成2.38亿件" in card.lines  # the deep dive's words, without last year's comparison
    assert card.lines[-1] == "牵头：市场监管处"
    en = build_card(score, 2021, 10, "en")
    assert (en.delta, en.delta_note) == ("+1.4 pp", "vs expected")
    assert "Nov–Dec: 237.66 m parcels needed per month" in en.lines  # 2.3766亿 = 237.66 million


def test_behind_the_expected_progress_points_down():
    card = build_card(a_score(actual_ytd=17.0, completion_pct=70.8, expected_pct_seasonal=78.8, gap_points=-8.0,
                              data_month=10, status="red"), 2021, 10, "zh")
    assert card.delta == "-8.0个百分点"  # Streamlit draws a red down arrow for a delta that starts with '-'


def test_progress_bar_is_capped_at_full():
    card = build_card(a_score(actual_ytd=27.0, completion_pct=112.5, expected_pct_seasonal=80.0, gap_points=32.5,
                              data_month=10), 2021, 10, "zh")
    assert card.progress == 1.0 and card.lines[0].startswith("完成率 112.5%")


@pytest.mark.parametrize(("unit", "target", "actual", "gap", "zh", "en"), [
    ("分", 86.0, 85.7, -0.3, "-0.3分", "-0.3 pts"),
    ("分", 78.2, 79.4, 1.2, "+1.2分", "+1.2 pts"),
    ("%", 99.3, 99.5, 0.2, "+0.2个百分点", "+0.2 pp"),  # percentage points, not a score's points
])
def test_not_below_last_year_delta_leads_with_its_sign(unit, target, actual, gap, zh, en):
    score = a_score(kind="not_below_last_year", unit=unit, target=target, actual_ytd=actual, gap_points=gap,
                    data_month=10)
    card = build_card(score, 2021, 10, "zh")
    assert (card.delta, card.delta_note) == (zh, "较去年同期")
    assert card.target_text == f"不低于去年同期：{target:.1f}{unit}"  # 86.0分 beside 85.7分
    assert (build_card(score, 2021, 10, "en").delta, build_card(score, 2021, 10, "en").delta_note) == \
        (en, "vs last year")


def test_ratio_without_expected_progress_compares_with_the_target():
    card = build_card(a_score(kind="ratio", unit="%", target=100.0, actual_ytd=99.5, completion_pct=99.5,
                              gap_points=-0.5, data_month=10, lead_departments=["普遍服务处", "市场监管处"]),
                      2021, 10, "zh")
    assert (card.delta, card.delta_note) == ("-0.5个百分点", "较目标")
    assert card.lines[-1] == "牵头：普遍服务处、市场监管处"


def test_zero_tolerance_card_has_no_delta_and_no_bar():
    card = build_card(a_score(kind="zero_tolerance", unit="起", comparator="≤", target=0.0, actual_ytd=0.0,
                              data_month=10), 2021, 10, "zh")
    assert (card.target_text, card.delta, card.delta_note, card.progress) == ("目标：零发生", None, None, None)


def test_stretch_and_old_data_are_said():
    card = build_card(a_score(kind="level", unit="万个", target=10.0, stretch=15.0, actual_ytd=8.15,
                              completion_pct=81.5, stretch_completion_pct=54.333, expected_pct_seasonal=83.3,
                              gap_points=-1.8, data_month=9), 2021, 10, "zh")
    assert "挑战值 15万个：完成率 54.3%" in card.lines  # 8.15 / 15
    assert "数据截至2021年9月" in card.lines  # the as-of month is October


def test_a_count_is_projected_in_whole_things():
    card = build_card(a_score(kind="level", unit="个", target=30.0, actual_ytd=26.0, completion_pct=86.7,
                              expected_pct_seasonal=83.3, gap_points=3.4, data_month=10, projection_year_end=31.2,
                              projection_reliable=True),
                      2021, 10, "zh")
    assert "预计全年 31个" in card.lines  # not 31.2个
