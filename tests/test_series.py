"""Year-to-date series in DuckDB: ytd→month derivation, unit conversion, gaps, superseding, regions."""

from __future__ import annotations

import pytest

from lib.dataset import open_dataset
from lib.engine import load_series
from tests.conftest import add_actuals, monthly


def series(data_dir, indicator, year=2021, region=""):
    """Return one series from the dataset."""
    return load_series(open_dataset(data_dir), [year], [(indicator, region)])[(indicator, region, year)]


def test_ytd_rows_in_wan_jian_become_monthly_values_in_yi_jian(mini_dir):
    # 1–N月累计 in 万件: 10000, 25000, 45000 万件 = 1.0, 2.5, 4.5 亿件; months 1.0, 1.5, 2.0.
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2021, [10000, 25000, 45000], unit="万件", basis="ytd"))
    s = series(mini_dir, "parcels")
    assert s.ytd == pytest.approx({1: 1.0, 2: 2.5, 3: 4.5})
    assert s.month_value == pytest.approx({1: 1.0, 2: 1.5, 3: 2.0})


def test_chinese_basis_words_and_mixed_bases(mini_dir):
    add_actuals(mini_dir, "a.csv", [
        dict(period="2021-01", indicator="parcels", value=1.0, basis="当月"),
        dict(period="2021-02", indicator="parcels", value=1.5, basis="month"),
        dict(period="2021-03", indicator="parcels", value=4.5, basis="累计"),
        dict(period="2021-04", indicator="parcels", value=2.0, basis=""),
    ])
    s = series(mini_dir, "parcels")
    assert s.ytd == pytest.approx({1: 1.0, 2: 2.5, 3: 4.5, 4: 6.5})
    assert s.month_value == pytest.approx({1: 1.0, 2: 1.5, 3: 2.0, 4: 2.0})


def test_missing_month_leaves_year_to_date_unknown_until_a_ytd_row(mini_dir):
    add_actuals(mini_dir, "a.csv", [
        dict(period="2021-01", indicator="parcels", value=1.0),
        dict(period="2021-03", indicator="parcels", value=2.0),
        dict(period="2021-04", indicator="parcels", value=7.0, basis="ytd"),
        dict(period="2021-05", indicator="parcels", value=2.0),
    ])
    s = series(mini_dir, "parcels")
    assert s.ytd == pytest.approx({1: 1.0, 4: 7.0, 5: 9.0})
    assert s.latest_month(3) == 1
    assert 4 not in s.month_value  # March's ytd is unknown, so April's month cannot be derived


def test_later_file_supersedes_earlier_for_same_month(mini_dir):
    add_actuals(mini_dir, "2021-03_first.csv", monthly("parcels", 2021, [1.0, 2.0, 3.0]))
    add_actuals(mini_dir, "2021-04_revised.csv", [dict(period="2021-02", indicator="parcels", value=2.5)])
    s = series(mini_dir, "parcels")
    assert s.ytd == pytest.approx({1: 1.0, 2: 3.5, 3: 6.5})
    assert s.sources[2] == "2021-04_revised.csv"
    assert s.sources[3] == "2021-03_first.csv"


@pytest.mark.parametrize("value, unit, expected", [
    (12345, "万件", 1.2345), (1.2345, "亿件", 1.2345), (123450000, "件", 1.2345),
])
def test_units_convert_to_the_target_unit(mini_dir, value, unit, expected):
    add_actuals(mini_dir, "a.csv", [dict(period="2021-01", indicator="parcels", value=value, unit=unit)])
    assert series(mini_dir, "parcels").ytd[1] == pytest.approx(expected)


def test_city_total_is_sum_of_all_regions_only_when_no_city_row(mini_dir):
    regions = ["市区", "常熟市", "张家港市", "昆山市", "太仓市"]
    rows = [dict(period="2021-01", indicator="stations", value=i + 1, region=r) for i, r in enumerate(regions)]
    rows += [dict(period="2021-02", indicator="stations", value=1, region=r) for r in regions[:4]]  # one missing
    rows += [dict(period="2021-03", indicator="stations", value=1, region=r) for r in regions]
    rows += [dict(period="2021-03", indicator="stations", value=9, region="全市")]
    add_actuals(mini_dir, "a.csv", rows)
    s = series(mini_dir, "stations")
    assert s.ytd == {1: 15.0, 3: 9.0}  # Jan 1+2+3+4+5; Feb incomplete; March's city row wins


def test_districts_roll_up_to_urban_area(mini_dir):
    districts = ["姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "苏州工业园区"]
    add_actuals(mini_dir, "a.csv", [dict(period="2021-01", indicator="stations", value=1, region=d) for d in districts])
    assert series(mini_dir, "stations", region="市区").ytd == {1: 6.0}


def test_rates_are_never_summed_across_regions(mini_dir):
    regions = ["市区", "常熟市", "张家港市", "昆山市", "太仓市"]
    add_actuals(mini_dir, "a.csv", [dict(period="2021-01", indicator="coverage", value=90, region=r) for r in regions])
    ds = open_dataset(mini_dir)
    assert ("coverage", "", 2021) not in load_series(ds, [2021], [("coverage", "")])
