"""A negative month of a flow and a falling year to date are stored with a warning (issue 24, point 6): the engine
stays right with them, against numbers worked out by hand, and nothing divides by a base at or below zero."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from lib import store
from lib.charts import indicator_detail_chart
from lib.dataset import open_dataset
from lib.deepdive import explain, gap_sentence, indicator_view
from lib.engine import scorecard
from lib.kinds import KINDS
from tests.conftest import OPERATOR, add_actuals, monthly

BASE_2020 = [10] * 12  # 120亿件 in 2020, 10 a month: last year's share by March is 30 / 120 = 25%


def score_of(data_dir, target_id, as_of=3):
    return next(s for s in scorecard(open_dataset(data_dir), 2021, as_of) if s.indicator == target_id)


def test_a_negative_month_of_a_flow_is_summed_as_it_was_given(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, BASE_2020) + monthly("parcels", 2021, [12, 12, -3]))
    s = score_of(mini_dir, "parcels")
    assert s.actual_ytd == pytest.approx(21)  # 12 + 12 − 3
    assert s.completion_pct == pytest.approx(17.5)  # 21 / 120
    assert s.expected_pct_seasonal == pytest.approx(25.0) and s.seasonal_basis == "baseline"  # 30 / 120
    assert s.gap_points == pytest.approx(-7.5) and s.status == "red"  # more than 5 points behind
    assert s.yoy_growth_pct == pytest.approx(-30.0)  # 21 / 30 − 1
    assert s.projection_year_end == pytest.approx(84.0)  # 21 / 0.25
    assert s.required_monthly_avg == pytest.approx(11.0)  # (120 − 21) / 9
    assert s.baseline_remaining_monthly_avg == pytest.approx(10.0)  # (120 − 30) / 9
    months = indicator_view(open_dataset(mini_dir), 2021, 3, "parcels").months.set_index("month")
    assert months.at[3, "actual_month"] == pytest.approx(-3) and months.at[3, "actual_ytd"] == pytest.approx(21)
    assert months.at[3, "yoy_month_pct"] == pytest.approx(-130.0)  # −3 / 10 − 1


def test_a_falling_year_to_date_gives_a_negative_month(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, BASE_2020)
                + monthly("parcels", 2021, [12, 25, 22], basis="ytd"))
    s = score_of(mini_dir, "parcels")
    assert s.actual_ytd == pytest.approx(22) and s.completion_pct == pytest.approx(22 / 120 * 100)  # 18.33%
    view = indicator_view(open_dataset(mini_dir), 2021, 3, "parcels")
    months = view.months.set_index("month")
    assert list(months.loc[[1, 2, 3], "actual_month"]) == pytest.approx([12, 13, -3])  # 25 − 12, 22 − 25
    fig = indicator_detail_chart(view, "zh")  # the chart draws the bar below zero on an axis that allows it
    assert fig.layout.yaxis.rangemode == "normal"
    assert KINDS["flow"].brief_sentence(s, 2021, 3, "zh") and gap_sentence(s, "en") and explain(s, "zh")


def test_last_years_season_below_zero_paces_linearly_and_gives_no_growth(mini_dir):
    # 2020: January −5 (a correction), then 10 a month: its share by January is −5 / 105, no season to pace by
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, [-5] + [10] * 11) + monthly("parcels", 2021, [12]))
    s = score_of(mini_dir, "parcels", as_of=1)
    assert s.seasonal_basis == "linear" and s.expected_pct_seasonal == pytest.approx(100 / 12)  # 8.33%
    assert s.completion_pct == pytest.approx(10.0)  # 12 / 120
    assert s.yoy_growth_pct is None  # a growth over −5 would read upside down
    assert s.projection_year_end == pytest.approx(144.0)  # 12 / (1 / 12)
    months = indicator_view(open_dataset(mini_dir), 2021, 1, "parcels").months.set_index("month")
    assert months.at[1, "expected_seasonal"] == pytest.approx(10.0)  # linear: 120 × 1 / 12
    assert months.at[2, "expected_seasonal"] == pytest.approx(120 * 5 / 105)  # February's share is 5 / 105
    assert months.at[1, "yoy_month_pct"] is None or math.isnan(months.at[1, "yoy_month_pct"])


def test_a_ratio_has_no_rate_over_a_part_at_or_below_zero(mini_dir):
    # January 90 / 100; February a correction of both parts, −5 / −10: to date 85 / 90 = 94.44%,
    # February's own rate (−5 / −10 = 50%) is no rate at all
    add_actuals(mini_dir, "a.csv", monthly("repack_num", 2021, [90, -5]) + monthly("repack_den", 2021, [100, -10]))
    s = score_of(mini_dir, "repack_rate", as_of=2)
    assert s.actual_ytd == pytest.approx(85 / 90 * 100) and s.status == "yellow"  # 0.56 point short of 95
    months = indicator_view(open_dataset(mini_dir), 2021, 2, "repack_rate").months.set_index("month")
    assert months.at[1, "actual_month"] == pytest.approx(90.0)
    assert months.at[2, "actual_month"] is None or math.isnan(months.at[2, "actual_month"])
    assert months.at[2, "actual_ytd"] == pytest.approx(85 / 90 * 100)


def test_a_ratio_whose_denominator_to_date_is_below_zero_has_no_rate(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("repack_num", 2021, [3]) + monthly("repack_den", 2021, [-10]))
    s = score_of(mini_dir, "repack_rate", as_of=1)
    assert s.actual_ytd is None and s.status == "grey"


def test_a_negative_level_is_judged_behind(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("outlets", 2021, [2, -1, None]))
    s = score_of(mini_dir, "outlets", as_of=2)
    assert s.actual_ytd == pytest.approx(-1) and s.completion_pct == pytest.approx(-1 / 30 * 100)
    assert s.status == "red" and s.projection_year_end == pytest.approx(-6.0)  # −1 × 12 / 2
    assert s.required_monthly_avg == pytest.approx(3.1)  # (30 − (−1)) / 10


def test_the_warnings_are_kept_with_the_submission(mini_dir):
    store.import_file(mini_dir, "feb.csv", "月份,指标,数值,口径\n2021-02,快递业务量,25,累计\n".encode(), OPERATOR,
                      today=dt.date(2021, 12, 5))
    data = "月份,指标,数值,口径\n2021-03,快递业务量,22,累计\n2021-03,绿色网点,-2,当月\n".encode()
    outcome = store.import_file(mini_dir, "mar.csv", data, OPERATOR, today=dt.date(2021, 12, 5))
    assert outcome.submission_id  # stored: warnings never refuse a file
    kept = store.submission_checks(mini_dir, outcome.submission_id)
    # the file's own checks first, then those against what is stored
    assert [(p.code, p.row, p.value) for p in kept] == [("warn_negative", 3, "-2"), ("warn_ytd_below_loaded", 2, "22")]
    assert kept[0].detail("en").startswith("month value -2 个 is below zero")
    # 25 stored to February, 22 to March: 3 less, a month of −3
    assert kept[1].detail("zh") == "累计「22」比已入库的上月累计「25」少3亿件，当月将为-3亿件：仍可入库，请核对"
