"""The indicator deep-dive: month table, pace paths, projection, gap sentence, regions, provenance, departments."""

from __future__ import annotations

import json

import pytest

from lib import store
from lib.dataset import open_dataset
from lib.deepdive import department_scores, explain, gap_sentence, indicator_view, league_table, provenance
from lib.engine import scorecard
from tests.conftest import add_actuals, analyst, monthly, plotly_values

BASE_2020 = [4, 6, 8, 8, 8, 8, 8, 8, 8, 8, 14, 12]  # sums to 100


def test_month_table_paths_and_projection_by_hand(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, BASE_2020) + monthly("parcels", 2021, [5, 7, 9]))
    view = indicator_view(open_dataset(mini_dir), 2021, 3, "parcels")
    m = view.months.set_index("month")
    assert m.loc[3, "actual_ytd"] == pytest.approx(21)
    assert m.loc[2, "actual_month"] == pytest.approx(7)
    assert m.loc[3, "expected_seasonal"] == pytest.approx(120 * 18 / 100)  # target × baseline share by March
    assert m.loc[6, "expected_linear"] == pytest.approx(60)
    assert m.loc[12, "projection_seasonal"] == pytest.approx(21 / 0.18)  # the engine's projection
    assert m.loc[12, "projection_seasonal"] == pytest.approx(view.score.projection_year_end)
    assert m.loc[12, "projection_linear"] == pytest.approx(21 * 4)  # 21 × 12 / 3
    assert m.loc[4, "projection_seasonal"] == pytest.approx(21 * 26 / 18)  # grows with last year's shape
    assert pd_isna(m.loc[2, "projection_seasonal"])  # only from the as-of month on
    assert m.loc[1, "yoy_month_pct"] == pytest.approx(25.0)  # 5 / 4 − 1


def pd_isna(value) -> bool:
    return value is None or value != value


def test_gap_sentence_in_words(mini_dir):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, BASE_2020) + monthly("parcels", 2021, [5, 7, 9]))
    score = indicator_view(open_dataset(mini_dir), 2021, 3, "parcels").score
    # (120 − 21) / 9 = 11.0 a month; last year's Apr–Dec averaged (100 − 18) / 9 = 9.111: 20.7% higher.
    assert gap_sentence(score, "zh") == "4–12月还需月均完成11.00亿件，比去年同期月均高20.7%"
    assert gap_sentence(score, "en") == ("Apr–Dec: 1.10 bn parcels needed per month, "
                                         "20.7% above the same months last year")


def test_express_volume_sample_readable_by_hand(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    s = view.score
    assert gap_sentence(s).startswith("11–12月还需月均完成2.38亿件")
    lines = explain(s)
    assert any(line.startswith("完成率 = 实际 ÷ 目标 = 19.25亿件 ÷ 24亿件 = 80.2%") for line in lines)
    assert any("季节序时进度" in line and "78.8%" in line for line in lines)
    english = explain(s, "en")
    assert any(line.startswith("Seasonal expected progress = 2020 Jan–Oct ÷ 2020 total = ") for line in english)


def test_regions_share_and_city_rule(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    regions = view.regions.set_index("region")
    assert set(regions.index) == {"市区", "常熟市", "张家港市", "昆山市", "太仓市"}
    assert regions["share_pct"].sum() == pytest.approx(100.0)
    assert regions.loc["市区", "share_pct"] == pytest.approx(45.2, abs=0.01)
    # The city total still comes from the city rows: the regional file does not double it.
    assert view.score.actual_ytd == pytest.approx(regions["value"].sum(), rel=1e-4)
    assert view.region_warnings == []


def test_city_and_regions_disagreeing_is_flagged(sample_dir):
    add_actuals(sample_dir, "zz_kunshan_fix.csv",
                [dict(period="2021-10", indicator="express_volume", value=9000, region="昆山", unit="万件")])
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    assert [w[0] for w in view.region_warnings] == [10]


def test_workstation_regions_have_their_own_targets(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "sbdf_workstations_urban")
    assert view.regions.empty  # a regional target shows its own region only
    scores = {s.indicator: s for s in scorecard(open_dataset(sample_dir), 2021, 10)}
    assert scores["sbdf_workstations_kunshan"].status == "red"


def test_provenance_names_file_row_and_submitter(sample_dir):
    store.import_file(sample_dir, "十一月.csv", "period,indicator,value\n2021-11,green_outlets,28\n".encode("gbk"),
                      by=analyst("zhang"))
    view = indicator_view(open_dataset(sample_dir), 2021, 11, "green_outlets")
    table = provenance(view, store.read_log(sample_dir)).set_index("month")
    assert table.loc[10, "file"] == "sample_2021-10.csv" and table.loc[10, "submitted"] == "示例数据"
    assert table.loc[11, "file"] == "sub-000001.csv" and table.loc[11, "row"] == 2
    assert table.loc[11, "submitted"].startswith("zhang · ") and table.loc[11, "submitted"].endswith("十一月.csv")


def test_notes_travel_to_the_month_table(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    assert view.months.set_index("month").loc[2, "note"] == "春节假期，业务量回落"


def test_departments_worst_first_and_league(sample_dir):
    scores = scorecard(open_dataset(sample_dir), 2021, 10)
    by_dept = department_scores(scores)
    assert set(by_dept) == {"办公室", "市场监管处", "普遍服务处"}
    universal = [s.indicator for s in by_dept["普遍服务处"]]
    # 普遍服务处 leads village coverage jointly with 市场监管处, so it counts for both.
    assert "village_coverage" in universal and "village_coverage" in [s.indicator for s in by_dept["市场监管处"]]
    statuses = [s.status for s in by_dept["普遍服务处"]]
    assert statuses == sorted(statuses, key=["red", "yellow", "grey", "green"].index)
    assert universal[0] == "sbdf_workstations_kunshan"  # red and furthest behind (−83.3 points)
    league = league_table(scores)
    assert league["department"].tolist() == ["办公室", "市场监管处", "普遍服务处"]
    row = league.set_index("department").loc["普遍服务处"]
    assert (row["targets"], row["red"], row["green"]) == (9, 3, 5)
    assert row["on_pace_pct"] == pytest.approx(5 / 9 * 100)


def test_indicator_page_figure_equals_the_engine(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["id"] = "express_volume"
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = {tr.get("name"): tr for tr in fig["data"]}
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    cumulative = plotly_values(traces["累计完成"]["y"])
    assert cumulative == pytest.approx(view.months["actual_ytd"].dropna().tolist())
    assert plotly_values(traces["预计（估算）"]["y"])[-1] == pytest.approx(view.score.projection_year_end)
    assert traces["目标"]["y"] == [24.0, 24.0]
    assert "11–12月还需月均完成2.38亿件，比去年同期月均高7.2%" in [e.value for e in at.subheader]
    assert {m.value for m in at.metric} >= {"19.25亿件", "80.2%", "78.8%", "24.43亿件"}


def test_department_page(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/departments.py").run()
    assert not at.exception
    league = at.dataframe[0].value
    assert league["处室"].tolist() == ["办公室", "市场监管处", "普遍服务处"]
    assert "市场监管处牵头的指标（最需关注的在前）" in [e.value for e in at.subheader]


def test_months_stay_in_calendar_order_for_every_kind(sample_dir):
    from lib.charts import indicator_detail_chart

    ds = open_dataset(sample_dir)
    for target_id in ("no_repack_rate", "green_outlets", "industry_infections", "express_satisfaction"):
        fig = indicator_detail_chart(indicator_view(ds, 2021, 10, target_id), "en")
        assert list(fig.layout.xaxis.categoryarray) == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                                        "Sep", "Oct", "Nov", "Dec"]
        assert fig.layout.xaxis.categoryorder == "array"


@pytest.mark.parametrize(("target_id", "lang", "unit", "legend"), [
    ("express_volume", "en", "bn parcels", "Year to date"),
    ("express_volume", "zh", "亿件", "累计完成"),
    ("green_outlets", "en", "units", "Value"),  # a count at a point in time, not a running total
    ("express_satisfaction", "zh", "分", "实际值"),
    ("industry_infections", "zh", "例", "累计完成"),  # incidents add up over the year
])
def test_detail_chart_names_its_unit_and_line_in_the_readers_language(sample_dir, target_id, lang, unit, legend):
    from lib.charts import axis_units, indicator_detail_chart

    fig = indicator_detail_chart(indicator_view(open_dataset(sample_dir), 2021, 10, target_id), lang)
    assert axis_units(fig) == {"y": unit, "y2": unit}  # level, above each amount axis (YoY's ticks say %)
    assert legend in [trace.name for trace in fig.data]


def test_zero_incidents_are_drawn_from_zero_up(sample_dir):
    from lib.charts import indicator_detail_chart

    view = indicator_view(open_dataset(sample_dir), 2021, 10, "industry_infections")
    assert view.months["actual_ytd"].dropna().eq(0).all()  # the sample has none: an axis from -1 to 1 showed
    fig = indicator_detail_chart(view, "zh")
    assert fig.layout.yaxis.rangemode == "nonnegative" and fig.layout.yaxis2.rangemode == "nonnegative"


@pytest.mark.parametrize(("rough", "step"), [(0.2, 1), (1, 1), (2.7, 5), (6.03, 10), (14, 20), (37, 50), (120, 200)])
def test_axis_steps_are_one_two_or_five_times_a_power_of_ten(rough, step):
    from lib.charts import nice_step

    assert nice_step(rough) == step


def test_yoy_axis_ticks_are_whole_percentages(sample_dir):
    from lib.charts import indicator_detail_chart

    fig = indicator_detail_chart(indicator_view(open_dataset(sample_dir), 2021, 10, "postal_business_revenue"), "en")
    # monthly YoY up to ~4.7% and an 11.3% growth target: 11.3 / 3 = 3.8, so a step of 5 (0%, 5%, 10%, 15%)
    assert (fig.layout.yaxis3.tickmode, fig.layout.yaxis3.dtick) == ("linear", 5)


def test_a_given_scorecard_gives_the_same_view_without_scoring_again(monkeypatch, sample_dir):
    import pandas as pd

    from lib import deepdive

    ds = open_dataset(sample_dir)
    scores = scorecard(ds, 2021, 10)
    alone = {s.indicator: indicator_view(ds, 2021, 10, s.indicator) for s in scores}
    monkeypatch.setattr(deepdive, "scorecard", lambda *a, **k: pytest.fail("scored again"))
    for target_id, expected in alone.items():
        view = indicator_view(ds, 2021, 10, target_id, scores=scores)
        assert view.score.indicator == target_id
        # repr: the target row has NaN (no stretch value), which never equals itself
        assert repr((view.score, view.target, view.region_warnings)) == \
            repr((expected.score, expected.target, expected.region_warnings))
        pd.testing.assert_frame_equal(view.months, expected.months)
        pd.testing.assert_frame_equal(view.regions, expected.regions)
    assert len(alone) == 24
