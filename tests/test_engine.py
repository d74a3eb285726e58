"""Each target kind against numbers worked out by hand (see the comments)."""

from __future__ import annotations

import pytest

from lib.dataset import open_dataset
from lib.engine import pace_status, rate_status, scorecard
from tests.conftest import add_actuals, monthly

BASE_2020 = [4, 6, 8, 8, 8, 8, 8, 8, 8, 8, 14, 12]  # sums to 100 (亿件)


def score_of(data_dir, target_id, year=2021, as_of=3):
    """Return the score of one target."""
    return next(s for s in scorecard(open_dataset(data_dir), year, as_of) if s.indicator == target_id)


def test_flow_sums_months_and_paces_against_the_baseline_season(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, BASE_2020) + monthly("parcels", 2021, [5, 7, 9]))
    s = score_of(mini_dir, "parcels")
    assert s.actual_ytd == pytest.approx(21)  # 5 + 7 + 9
    assert s.completion_pct == pytest.approx(17.5)  # 21 / 120
    assert s.expected_pct_linear == pytest.approx(25.0)  # 3 / 12
    assert s.expected_pct_seasonal == pytest.approx(18.0)  # (4 + 6 + 8) / 100
    assert s.gap_points == pytest.approx(-0.5)
    assert s.status == "yellow"  # less than 5 points below the seasonal pace
    assert s.yoy_growth_pct == pytest.approx(100 * (21 / 18 - 1))  # 16.67%
    assert s.projection_year_end == pytest.approx(21 / 0.18)  # 116.67
    assert s.required_monthly_avg == pytest.approx((120 - 21) / 9)  # 11.0 a month for Apr–Dec
    assert s.baseline_remaining_monthly_avg == pytest.approx((100 - 18) / 9)
    assert s.implied_baseline == pytest.approx(100.0)  # 120 / 1.2
    assert s.baseline_consistent is True
    assert s.sources == ["a.csv"]


def test_flow_without_baseline_uses_linear_pace(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2021, [10, 10, 12]))
    s = score_of(mini_dir, "parcels")
    assert s.seasonal_basis == "linear"
    assert s.expected_pct_seasonal == pytest.approx(25.0)
    assert s.completion_pct == pytest.approx(32 / 120 * 100)  # 26.67 >= 25: green
    assert s.status == "green"
    assert s.projection_year_end == pytest.approx(32 * 4)  # ytd / (3/12)
    assert s.yoy_growth_pct is None


@pytest.mark.parametrize("baseline_total, consistent", [(100.9, True), (101.2, False), (98.8, False), (99.1, True)])
def test_growth_target_checked_against_baseline_total(mini_dir, baseline_total, consistent):
    base = BASE_2020[:11] + [BASE_2020[11] + baseline_total - 100]
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, base) + monthly("parcels", 2021, [5]))
    s = score_of(mini_dir, "parcels", as_of=1)
    assert s.baseline_total == pytest.approx(baseline_total)
    assert s.baseline_gap_pct == pytest.approx((baseline_total / 100 - 1) * 100)
    assert s.baseline_consistent is consistent


def test_headline_growth_consistency_540_over_1138(sample_dir):
    # 540 / 1.138 = 474.517; the sample 2020 total is 474.2, 0.07% below: consistent.
    s = score_of(sample_dir, "postal_business_volume", as_of=10)
    assert s.implied_baseline == pytest.approx(474.5167, abs=1e-4)
    assert s.baseline_total == pytest.approx(474.2, abs=1e-3)
    assert s.baseline_consistent is True
    # 260 / 1.11 = 234.23; the sample 2020 express revenue is 229.5, 2.0% below: flagged.
    r = score_of(sample_dir, "express_revenue", as_of=10)
    assert r.baseline_gap_pct == pytest.approx((229.5 / (260 / 1.11) - 1) * 100, abs=1e-3)
    assert r.baseline_consistent is False


def test_ratio_is_ratio_of_sums_not_mean_of_monthly_rates(mini_dir):
    # Jan 95/100 = 95%, Feb 40/50 = 80%, Mar 297/300 = 99%: mean 91.3% (red) but 432/450 = 96% (green).
    add_actuals(mini_dir, "a.csv",
                monthly("repack_num", 2021, [95, 40, 297]) + monthly("repack_den", 2021, [100, 50, 300]))
    s = score_of(mini_dir, "repack_rate")
    assert s.actual_ytd == pytest.approx(96.0)
    assert s.actual_ytd != pytest.approx((95 + 80 + 99) / 3)
    assert s.status == "green"
    assert s.completion_pct == pytest.approx(96 / 95 * 100)


def test_rate_only_uses_latest_reported_rate(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("coverage", 2021, [90, 93, 94], unit="%"))
    s = score_of(mini_dir, "coverage")
    assert s.actual_ytd == pytest.approx(94)
    assert s.status == "yellow"  # 1 point short of 95
    assert s.completion_pct == pytest.approx(94 / 95 * 100)


def test_level_takes_the_latest_count_not_the_sum(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("outlets", 2021, [2, 5, 6]))
    s = score_of(mini_dir, "outlets")
    assert s.actual_ytd == 6
    assert s.completion_pct == pytest.approx(20.0)  # 6 / 30
    assert s.stretch_completion_pct == pytest.approx(15.0)  # 6 / 40
    assert s.expected_pct_linear == pytest.approx(25.0)
    assert s.status == "yellow"  # exactly 5 points below
    assert s.projection_year_end == pytest.approx(24.0)  # 6 * 12 / 3
    assert s.required_monthly_avg == pytest.approx(24 / 9)  # (30 - 6) / 9 more a month


@pytest.mark.parametrize("values, status, ytd", [([0, 0, 0], "green", 0), ([0, 0, 1], "red", 1), ([1, 0, 0], "red", 1)])
def test_zero_tolerance_any_incident_is_red(mini_dir, values, status, ytd):
    add_actuals(mini_dir, "a.csv", monthly("incidents", 2021, values))
    s = score_of(mini_dir, "incidents")
    assert s.status == status
    assert s.actual_ytd == ytd


@pytest.mark.parametrize("now, status", [(80.5, "green"), (80.0, "green"), (79.9, "red")])
def test_not_below_last_year_compares_the_same_period(mini_dir, now, status):
    # Quarterly surveys: March 2021 is compared with March 2020 (80.0), not December 2020 (85).
    add_actuals(mini_dir, "a.csv", [
        dict(period="2020-03", indicator="satisfaction", value=80.0),
        dict(period="2020-12", indicator="satisfaction", value=85.0),
        dict(period="2021-03", indicator="satisfaction", value=now),
    ])
    s = score_of(mini_dir, "satisfaction", as_of=4)
    assert s.target == pytest.approx(80.0)
    assert s.status == status
    assert s.data_month == 3


def test_regional_target_reads_its_region_only(mini_dir):
    add_actuals(mini_dir, "a.csv", [
        dict(period="2021-02", indicator="stations", value=1, region="常熟"),
        dict(period="2021-02", indicator="stations", value=0, region="昆山"),
        dict(period="2021-03", indicator="stations", value=1, region="昆山市"),
    ])
    s = score_of(mini_dir, "stations_ks")
    assert s.actual_ytd == 1
    assert s.status == "green"


def test_no_data_is_grey(mini_dir):
    s = score_of(mini_dir, "parcels")
    assert s.status == "grey"
    assert s.actual_ytd is None and s.completion_pct is None


def test_stale_data_is_judged_at_its_own_month(mini_dir):
    # Data through February only, as of April: pace compared at February (2/12), not April.
    add_actuals(mini_dir, "a.csv", monthly("outlets", 2021, [3, 5]))
    s = score_of(mini_dir, "outlets", as_of=4)
    assert s.data_month == 2
    assert s.expected_pct_linear == pytest.approx(2 / 12 * 100)
    assert s.completion_pct == pytest.approx(5 / 30 * 100)
    assert s.status == "green"


@pytest.mark.parametrize("completion, expected, final, actual, target, comparator, status", [
    (80.0, 79.9, False, 0, 0, "≥", "green"),
    (75.0, 79.9, False, 0, 0, "≥", "yellow"),   # 4.9 points below
    (75.0, 80.0, False, 0, 0, "≥", "yellow"),   # exactly 5 points below
    (74.75, 80.0, False, 0, 0, "≥", "red"),     # 5.25 below
    (100.0, 100.0, True, 2000, 2000, ">", "yellow"),  # 2000 is not "超2000" at year end
    (100.05, 100.0, True, 2001, 2000, ">", "green"),
])
def test_pace_status_thresholds(completion, expected, final, actual, target, comparator, status):
    assert pace_status(completion, expected, comparator, final, actual, target) == status


@pytest.mark.parametrize("rate, status", [(95.0, "green"), (99.0, "green"), (90.0, "yellow"), (89.9, "red")])
def test_rate_status_thresholds(rate, status):
    assert rate_status(rate, 95.0, "≥") == status
