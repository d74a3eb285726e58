"""Issue 24's last defect: a target whose period's figure is in but whose baseline (last year's same period, or the
baseline year's total a growth target is set on) is not reads 缺上年基数 (no_base), never 无数据: in the scorer, the
overview's sentence, the briefing, the digest, the deep dive and the coverage line, whose link asks for last year's
period, never this month's again."""

from __future__ import annotations

import datetime as dt

import pytest

from lib import store
from lib.briefing.content import build_briefing
from lib.coverage import base_links, coverage, coverage_line, waiting_links
from lib.dataset import open_dataset
from lib.deepdive import explain, gap_sentence
from lib.digest import build_digest, summary_markdown
from lib.display import answer_sentence
from lib.engine import scorecard, status_counts
from lib.kinds import KINDS, words
from lib.score import Score, Series
from tests.conftest import OPERATOR, SAMPLE, open_upload_for

TODAY = dt.date(2021, 12, 5)
NO_BASE = ["complaint_handling_accuracy", "complaint_reply_ontime", "complaint_satisfaction",
           "enforcement_disclosure_rate"]
# Worked by hand from the sample's October file (sample_2021-10.csv) against the city's 24 targets, October stored
# alone: a flow's or zero-tolerance target's month without its 累计 gives no year to date; the two rows stated ytd are
# revenue (222.85 of 300亿元: 74.3% against 10/12 = 83.3% linear, red) and parcels (19.25 of 24亿件: 80.2%, yellow).
NO_DATA = ["postal_business_volume", "express_revenue", "practitioner_training", "industry_infections",
           "confidential_comm_incidents", "express_satisfaction", "universal_service_satisfaction"]
GREEN = ["no_repack_rate", "recycling_device_coverage", "green_outlets", "sbdf_workstations_changshu",
         "sbdf_workstations_zhangjiagang", "sbdf_workstations_taicang", "sbdf_point_coverage"]
YELLOW = ["express_volume", "recyclable_boxes", "village_coverage"]
RED = ["postal_business_revenue", "sbdf_workstations_urban", "sbdf_workstations_kunshan"]


def _score(kind: str, target: float | None = None, growth: float | None = None) -> Score:
    return Score(indicator="x", name="指标", name_en="X", category="quality", kind=kind, unit="%", comparator="≥",
                 region="", lead_departments=["市场监管处"], target=target, growth_target_pct=growth,
                 baseline_year=2020)


def _series(ytd: dict[int, float]) -> Series:
    return Series(month_value=dict(ytd), ytd=dict(ytd))


# not_below_last_year: the latest value against last year's same period
@pytest.mark.parametrize(("cur", "base", "status", "actual"), [
    ({10: 99.5}, {}, "no_base", 99.5),  # the figure is in, last year's October is not
    ({}, {10: 99.0}, "grey", None),  # last year is in, this year's figure is not: no data
    ({}, {}, "grey", None),
    ({10: 99.5}, {10: 99.0}, "green", 99.5),  # both: judged, 99.5 ≥ 99.0
    ({10: 98.0}, {10: 99.0}, "red", 98.0),  # 98.0 < 99.0
])
def test_not_below_last_year_without_its_base_is_no_base(cur, base, status, actual):
    s = _score("not_below_last_year")
    KINDS["not_below_last_year"].score(s, _series(cur), _series(base), 10)
    assert (s.status, s.actual_ytd) == (status, actual)
    if status == "no_base":
        assert s.data_month == 10 and s.target is None
        assert KINDS[s.kind].base_period(s) == (2020, 10)


# flow with only a growth target: its target is the baseline year's total × (1 + growth)
@pytest.mark.parametrize(("cur", "base", "status"), [
    ({10: 100.0}, {10: 80.0}, "no_base"),  # last year's October is in, its December (the total) is not
    ({10: 100.0}, {}, "no_base"),
    ({}, {10: 80.0, 12: 100.0}, "grey"),  # the base is in, this year's figure is not
    # both: target 100 × 1.1 = 110; completion 100/110 = 90.9%; expected 80/100 = 80.0% → 10.9 points ahead: green
    ({10: 100.0}, {10: 80.0, 12: 100.0}, "green"),
    ({10: 70.0}, {10: 80.0, 12: 100.0}, "red"),  # 70/110 = 63.6% against 80.0%: 16.4 points behind
])
def test_a_growth_only_flow_without_its_base_total_is_no_base(cur, base, status):
    s = _score("flow", growth=10.0)
    KINDS["flow"].score(s, _series(cur), _series(base), 10)
    assert s.status == status
    if status == "no_base":
        assert (s.actual_ytd, s.data_month, s.target) == (100.0, 10, None)
        assert KINDS[s.kind].base_period(s) == (2020, 12)  # the total: the baseline year's December year to date
        assert words.base_words(KINDS[s.kind], s, "zh") == "2020年全年"  # said as the total, not as a December
        assert words.base_words(KINDS[s.kind], s, "en") == "the whole of 2020"
        assert s.yoy_growth_pct == (pytest.approx(25.0) if base else None)  # 100 against last October's 80
    if status == "green":
        assert s.target == pytest.approx(110.0) and s.completion_pct == pytest.approx(100 / 110 * 100)


def test_a_flow_with_a_target_value_and_no_base_is_still_judged_linearly():
    """A base missing only for pacing is no cause: the target stands, the pace falls back to linear."""
    s = _score("flow", target=120.0, growth=10.0)
    KINDS["flow"].score(s, _series({10: 100.0}), _series({}), 10)
    # 100/120 = 83.3% against 10/12 = 83.3%: level, on pace
    assert s.status == "green" and s.seasonal_basis == "linear"


@pytest.fixture
def october(fresh_dir):
    """A new administration's folder with the sample's October file stored as its first real file."""
    data = (SAMPLE / "actuals" / "sample_2021-10.csv").read_bytes()
    outcome = store.import_file(fresh_dir, "2021-10.csv", data, OPERATOR, today=TODAY)
    assert outcome.submission_id
    return fresh_dir


def test_the_october_statuses_match_the_hand_count(october):
    ds = open_dataset(october)
    assert not ds.is_sample
    by_status = {}
    for s in scorecard(ds, 2021, 10):
        by_status.setdefault(s.status, []).append(s.indicator)
    assert {k: sorted(v) for k, v in by_status.items()} == {
        "green": sorted(GREEN), "yellow": sorted(YELLOW), "red": sorted(RED), "no_base": sorted(NO_BASE),
        "grey": sorted(NO_DATA)}


def test_the_overview_sentence_tells_no_base_from_no_data(october):
    scores = scorecard(open_dataset(october), 2021, 10)
    assert status_counts(scores) == {"green": 7, "yellow": 3, "red": 3, "no_base": 4, "grey": 7}
    assert answer_sentence(scores, 2021, 10, "zh") == (
        "截至2021年10月，24项目标7项正常、3项需关注、3项滞后、4项缺上年基数、7项无数据；"
        "主要指标中邮政业务收入低于序时进度9.0个百分点。")
    assert answer_sentence(scores, 2021, 10, "en") == (
        "As of Oct 2021: 7 of 24 targets on pace, 3 to watch, 3 behind, 4 with no baseline yet, 7 without data; "
        "among the headline targets, Postal business revenue is 9.0 pp behind expected progress.")


def test_the_coverage_line_stays_true_and_asks_for_last_years_period(october):
    scores = scorecard(open_dataset(october), 2021, 10)
    c = coverage(scores, 2021, 10)
    assert coverage_line(c, "zh").startswith("**2021年10月：24项目标中17项已有数据。** 等待数据的7项")
    # the waiting ones ask for October; the four with October's figure are never asked for it again
    assert sorted(i for _, i, _ in waiting_links(c, "zh")) == sorted(NO_DATA)
    assert {p for _, _, p in waiting_links(c, "zh")} == {"2021-10"}
    links = base_links(c, "zh")
    assert sorted(i for _, i, _ in links) == sorted(NO_BASE)
    assert {p for _, _, p in links} == {"2020-10"}  # last year's same period
    assert ("申诉处理正确率（缺2020年10月数据）", "complaint_handling_accuracy", "2020-10") in links
    assert ("Complaint handling accuracy (needs Oct 2020)", "complaint_handling_accuracy", "2020-10") \
        in base_links(c, "en")


def test_the_upload_page_offers_last_years_template_for_a_baseline_period(october):
    from lib.coverage import target_indicators, target_row

    catalog = open_dataset(october).catalog
    assert catalog.targets_for(2020).empty  # 2020 has no targets of its own: only this year's row names it
    assert target_row(catalog, 2020, "complaint_handling_accuracy")["name_zh"] == "申诉处理正确率"
    assert target_indicators(catalog, 2020, "complaint_handling_accuracy") == ["complaint_handling_accuracy"]


def test_the_briefing_counts_and_lists_tell_no_base_from_no_data(october):
    ds = open_dataset(october)
    for lang in ("zh", "en"):
        b = build_briefing(ds, 2021, 10, lang, charts={})
        overall = next(s for s in b.sections if s.key == "overall").blocks[0].text
        problems = [(p.lead or "") + p.text for p in next(s for s in b.sections if s.key == "problems").blocks]
        if lang == "zh":
            assert overall == ("截至2021年10月，纳入跟踪的目标共24项，其中进度正常7项，需关注3项，滞后3项，"
                               "已有本期数据但缺上年同期基数、暂无法比较4项，暂无数据7项。")
            no_data = next(p for p in problems if "暂无数据的目标" in p)
            assert "申诉处理正确率" not in no_data and "投诉" not in no_data  # a target with data is not listed
            assert no_data.count("、") == 6  # the seven without data
            no_base = next(p for p in problems if p.startswith("8.缺上年基数"))
            assert "申诉处理正确率（缺2020年10月数据）" in no_base and "请补报上年同期数据" in no_base
            assert "邮政业务总量" not in no_base
            assert next(row[-1] for row in b.table_rows if row[1] == "申诉处理正确率") == "缺上年基数"
        else:
            assert overall == ("As of Oct 2021, 24 targets are tracked: 7 on pace, 3 to watch, 3 behind, 4 with this "
                               "period's figure but no baseline from last year to compare with, 7 without data.")
            assert any("Targets with no baseline yet" in p and "Complaint handling accuracy (needs Oct 2020)" in p
                       for p in problems)


def test_the_briefing_without_no_base_says_no_data_as_it_always_has(sample_dir):
    overall = next(s for s in build_briefing(open_dataset(sample_dir), 2021, 10, "zh", charts={}).sections
                   if s.key == "overall").blocks[0].text
    assert overall.endswith("滞后4项，暂无数据0项。") and "缺上年" not in overall


def test_the_digest_asks_for_last_years_figure_apart_from_the_months_missing(october):
    scores = scorecard(open_dataset(october), 2021, 10)
    d = build_digest(scores, 2021, 10, "zh")
    assert len(d.missing) == 7 and not any("申诉处理正确率" in line for line in d.missing)
    assert d.no_base == [f"{n}（缺2020年10月数据）" for n in
                         ("申诉处理正确率", "企业答复准时率", "消费者对申诉处理满意率", "行政执法信息及时公开率")]
    text = summary_markdown(d)
    assert "4项缺上年基数、7项无数据" in text and "**待补报上年同期基数（本期数据已报送）**" in text
    assert "Complaint handling accuracy (needs Oct 2020)" in summary_markdown(build_digest(scores, 2021, 10, "en"))


def test_the_deep_dive_names_the_baseline_it_waits_for(october):
    s = next(s for s in scorecard(open_dataset(october), 2021, 10) if s.indicator == "complaint_satisfaction")
    assert gap_sentence(s, "zh") == "本期数据已有，缺少2020年10月的数据作为比较基数，暂无法判断。"
    assert explain(s, "en") == ["This period's figure is in; Oct 2020 is missing as the baseline to judge it against."]
    grey = next(s for s in scorecard(open_dataset(october), 2021, 10) if s.indicator == "express_satisfaction")
    assert gap_sentence(grey, "zh") == "暂无数据。"


def test_the_card_says_what_the_target_waits_for(october):
    from lib.cards import build_card

    s = next(s for s in scorecard(open_dataset(october), 2021, 10) if s.indicator == "complaint_reply_ontime")
    card = build_card(s, 2021, 10, "zh")
    assert (card.status_text, card.value) == ("缺上年基数", "99.1%")
    assert card.target_text == "不低于去年同期：缺2020年10月数据"
    assert build_card(s, 2021, 10, "en").status_text == "No baseline yet"


def test_the_overview_page_on_the_imported_october(monkeypatch, october):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    monkeypatch.setenv("KPI_DATA_DIR", str(october))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["period"] = "2021-10"
    at.run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any("24项目标中17项已有数据" in m for m in texts)
    assert any("4项缺上年基数、7项无数据" in m for m in texts)
    assert any("缺上年基数 4" in m and "无数据 7" in m for m in texts)  # the count badges
    assert any("另有4项已有本期数据" in m for m in texts)
    links = {e.proto.label: e.proto.query_string for e in at.get("page_link")
             if e.proto.query_string.startswith("target=")}
    assert links["申诉处理正确率（缺2020年10月数据）"] == "target=complaint_handling_accuracy&period=2020-10"
    assert not any(q == "target=complaint_handling_accuracy&period=2021-10" for q in links.values())

    open_upload_for(at, "complaint_handling_accuracy", "2020-10")
    assert any("上传「申诉处理正确率」的数据" in e.value for e in at.info)
    assert any(e.value == "2020年10月" for e in at.caption)


def test_last_years_figure_through_the_offered_template_closes_the_wait(october):
    """The link's template, filled with last year's October and stored, judges the target: 99.5 ≥ 99.0, on pace."""
    from lib.templates import long_template, to_csv

    catalog = open_dataset(october).catalog
    frame = long_template(catalog, "2020-10", ["complaint_handling_accuracy"])
    assert list(frame["period"]) == ["2020-10"]
    frame["value"] = [99.0]
    store.import_file(october, "2020-10.csv", to_csv(frame), OPERATOR, today=TODAY)
    scores = {s.indicator: s for s in scorecard(open_dataset(october), 2021, 10)}
    assert (scores["complaint_handling_accuracy"].status, scores["complaint_handling_accuracy"].target) == ("green",
                                                                                                            99.0)
    assert [s.indicator for s in coverage(list(scores.values()), 2021, 10).no_base] == NO_BASE[1:]


@pytest.mark.parametrize(("page", "params", "expected"), [
    ("pages/indicator.py", {"id": "complaint_handling_accuracy", "period": "2021-10"},
     "本期数据已有，缺少2020年10月的数据作为比较基数，暂无法判断。"),
    ("pages/departments.py", {"period": "2021-10"}, "缺上年基数"),
    ("pages/present.py", {"period": "2021-10"}, "缺上年基数 4"),  # the slide's counts, not only its legend
])
def test_every_page_that_draws_a_status_draws_no_base(monkeypatch, october, page, params, expected):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    monkeypatch.setenv("KPI_DATA_DIR", str(october))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    shown = " ".join(str(e.value) for kind in ("markdown", "caption", "info", "subheader", "header")
                     for e in at.get(kind))
    shown += " ".join(str(getattr(e, "proto", "")) for e in at.get("arrow_data_frame"))
    assert expected in shown


def test_the_confirm_step_names_the_targets_that_will_wait_for_last_year(fresh_dir):
    """Before the first real file is stored: the four figures without last year's October read 缺上年基数, not
    无数据, and the warning says so apart from the targets the file gives nothing for."""
    from lib.coverage import first_real_file

    ds = open_dataset(fresh_dir)
    data = (SAMPLE / "actuals" / "sample_2021-10.csv").read_bytes()
    parsed = store.validate(fresh_dir, "2021-10.csv", data, today=TODAY, dataset=ds)
    text = first_real_file(ds, parsed.rows, "zh")
    # The two satisfaction scores have no row at all; the five targets summed over the year (flows and incidents)
    # whose October the file gives as the month alone (a blank basis), with no month before it stored, make no year
    # to date (邮政业务收入 and 快递业务量 come as 累计: judged); the four rates have no October 2020: 7 无数据 and 4
    # 缺上年基数, as the overview says once the file is stored.
    assert "本文件没有以下2项2021年目标（共24项）的数据，它们将显示“无数据”，直到各自的文件入库：快递服务满意度、" \
           "邮政普遍服务满意度。" in text
    assert "另有5项在本文件中只有当月数，没有截至2021年10月的累计数（此前各月也未入库），算不出全年进度，" \
           "同样将显示“无数据”，直到累计数或此前各月入库：邮政业务总量、快递业务收入、快递从业人员职业技能培训、" \
           "进口邮快件及从业人员感染病例、机要通信安全事故。" in text
    assert text.endswith("另有4项的本期数据在本文件中，但没有上年同期数据可比，将显示“缺上年基数”，"
                         "直到上年同期数据入库：申诉处理正确率、企业答复准时率、消费者对申诉处理满意率、行政执法信息及时公开率。")
    store.import_file(fresh_dir, "2021-10.csv", data, OPERATOR, today=TODAY)
    after = open_dataset(fresh_dir)
    statuses = [s.status for s in scorecard(after, 2021, 10)]
    assert (statuses.count("grey"), statuses.count("no_base")) == (2 + 5, 4)  # the warning said what came
    with_base = data + b"2020-10,complaint_handling_accuracy,99.0,,%,,\n"
    parsed = store.validate(fresh_dir, "2021-10.csv", with_base, today=TODAY, dataset=ds)
    assert "另有3项" in first_real_file(ds, parsed.rows, "zh")
    assert "3 more have their figures" in first_real_file(ds, parsed.rows, "en")
