"""A ratio target (不再二次包装率) computed from its numerator and denominator files: any order of the files, any split
of the months between them, gives one number on the card, the chart, the briefing and the report; its provenance
names every file and row behind the number (issue 24, point 2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lib import store
from lib.briefing.content import target_sentence
from lib.cards import build_card
from lib.charts import indicator_detail_chart
from lib.dataset import open_dataset
from lib.deepdive import indicator_view, provenance
from lib.engine import scorecard
from lib.fmt import format_value
from lib.i18n import t
from tests.conftest import ACTUAL_COLUMNS, OPERATOR, monthly, plotly_values, run_cli

NUM = [100.0, 110.0, 120.0, 130.0, 140.0]  # 不再二次包装件数, 2021-01 … 05
DEN = [105.0, 115.0, 125.0, 135.0, 150.0]  # 电商快件数
TODAY = dt.date(2021, 12, 1)


def csv_bytes(rows: list[dict]) -> bytes:
    """Return rows as an actuals CSV."""
    lines = [",".join(ACTUAL_COLUMNS)] + [",".join(str(r.get(c, "")) for c in ACTUAL_COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def months_of(indicator: str, values: list[float], months: range) -> list[dict]:
    """Return the rows of some months (1-based) of a monthly series."""
    return [r for r in monthly(indicator, 2021, values) if int(r["period"][-2:]) in months]


# Each split: the files stored, in order. The expected year-to-date rate at May is sum(NUM) / sum(DEN) in all of them.
SPLITS = {
    "numerator_first": [monthly("repack_num", 2021, NUM), monthly("repack_den", 2021, DEN)],
    "denominator_first": [monthly("repack_den", 2021, DEN), monthly("repack_num", 2021, NUM)],
    "month_by_month": [months_of("repack_num", NUM, range(m, m + 1)) + months_of("repack_den", DEN, range(m, m + 1))
                       for m in range(1, 6)],
    "interleaved": [months_of("repack_num", NUM, range(1, 4)), months_of("repack_den", DEN, range(1, 6)),
                    months_of("repack_num", NUM, range(4, 6))],
    "numerator_as_ytd": [[dict(period="2021-05", indicator="repack_num", value=sum(NUM), basis="ytd")],
                         monthly("repack_den", 2021, DEN)],
}


def stored(data_dir, files: list[list[dict]]):
    """Store each file as an analyst would; return the dataset."""
    for i, rows in enumerate(files):
        outcome = store.import_file(data_dir, f"part{i}.csv", csv_bytes(rows), OPERATOR, today=TODAY)
        assert outcome.parsed.accepted, [p.message("en") for p in outcome.parsed.errors]
    return open_dataset(data_dir)


def chart_rate(view, month: int) -> float:
    """Return the rate line's value at a month in the indicator page's chart."""
    fig = indicator_detail_chart(view, "zh").to_plotly_json()
    line = next(tr for tr in fig["data"] if tr.get("name") == t("chart_rate", "zh"))
    return dict(zip(plotly_values(line["x"]), plotly_values(line["y"])))[f"{month}月"]


@pytest.mark.parametrize("split", SPLITS)
def test_ratio_is_the_same_everywhere_for_any_split(mini_dir, split):
    ds = stored(mini_dir, SPLITS[split])
    expected = sum(NUM) / sum(DEN) * 100  # 600 / 630 = 95.238…%
    score = next(s for s in scorecard(ds, 2021, 5) if s.indicator == "repack_rate")
    assert score.actual_ytd == pytest.approx(expected) and score.data_month == 5
    view = indicator_view(ds, 2021, 5, "repack_rate")
    assert chart_rate(view, 5) == pytest.approx(expected)
    assert build_card(score, 2021, 5, "zh").value == "95.2%"  # 600 / 630 to one decimal, as rates read
    assert format_value(expected, "%", "zh") in target_sentence(score, 2021, 5, "zh")
    report = json.loads(run_cli("report", "--data-dir", mini_dir, "--year", "2021", "--as-of", "2021-05",
                                "--format", "json").stdout)
    assert next(r for r in report if r["indicator"] == "repack_rate")["actual_ytd"] == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("as_of", range(1, 6))
@pytest.mark.parametrize("split", ["denominator_first", "interleaved", "month_by_month"])
def test_every_stored_month_reads_the_same_on_card_chart_and_report(mini_dir, split, as_of):
    """For any stored month, the card, the chart and the report give the number worked out by hand."""
    ds = stored(mini_dir, SPLITS[split])
    expected = sum(NUM[:as_of]) / sum(DEN[:as_of]) * 100
    score = next(s for s in scorecard(ds, 2021, as_of) if s.indicator == "repack_rate")
    assert score.actual_ytd == pytest.approx(expected)
    assert chart_rate(indicator_view(ds, 2021, as_of, "repack_rate"), as_of) == pytest.approx(expected)
    report = json.loads(run_cli("report", "--data-dir", mini_dir, "--year", "2021", "--as-of",
                                f"2021-{as_of:02d}", "--format", "json").stdout)
    assert next(r for r in report if r["indicator"] == "repack_rate")["actual_ytd"] == pytest.approx(expected, abs=1e-4)


def test_a_first_upload_in_may_reads_the_month_on_card_and_chart(mini_dir):
    """The reported defect: numerator and denominator of May only (no January–April) drew the month's bar while the
    card read 无数据 and the provenance said 直接放入数据目录. Both now read May's own rate, 140 ÷ 150, and say so."""
    ds = stored(mini_dir, [[dict(period="2021-05", indicator="repack_num", value=140)],
                           [dict(period="2021-05", indicator="repack_den", value=150)]])
    score = next(s for s in scorecard(ds, 2021, 5) if s.indicator == "repack_rate")
    assert score.actual_ytd == pytest.approx(140 / 150 * 100) and score.status != "grey"
    assert score.rate_basis == "month"
    view = indicator_view(ds, 2021, 5, "repack_rate")
    assert chart_rate(view, 5) == pytest.approx(140 / 150 * 100)
    table = provenance(view, store.read_log(mini_dir))
    # each part with its own figure, file and row
    assert sorted(zip(table["part"], table["file"], table["row"])) == [
        ("分子 140.00万件", "sub-000001.csv", 2), ("分母 150.00万件", "sub-000002.csv", 2)]
    assert not table["submitted"].str.contains("直接放入").any()
    from lib.deepdive import explain
    assert "5月当月比率" in explain(score, "zh")[0]
    from lib.deepdive import gap_sentence
    assert gap_sentence(score, "zh") == "5月当月比率93.3%，与目标相差-1.7个百分点。"


def test_provenance_names_numerator_and_denominator_rows(mini_dir):
    ds = stored(mini_dir, SPLITS["interleaved"])
    view = indicator_view(ds, 2021, 5, "repack_rate")
    table = provenance(view, store.read_log(mini_dir), "en")
    may = table[table["month"] == 5]
    # May's numerator is row 3 of the third file (sub-000003), its denominator row 6 of the second (sub-000002).
    assert sorted(zip(may["part"].str.split().str[0], may["file"], may["row"])) == [
        ("denominator", "sub-000002.csv", 6), ("numerator", "sub-000003.csv", 3)]
    assert may["submitted"].str.endswith(("part1.csv", "part2.csv")).all()


def test_a_rate_reported_by_itself_shows_on_the_chart_too(mini_dir):
    """Card and chart agree when a file reports the rate itself rather than its parts (the chart used to be empty)."""
    ds = stored(mini_dir, [monthly("repack_rate", 2021, [95.0, 96.0, 97.0])])
    score = next(s for s in scorecard(ds, 2021, 3) if s.indicator == "repack_rate")
    assert score.actual_ytd == 97.0
    view = indicator_view(ds, 2021, 3, "repack_rate")
    assert chart_rate(view, 3) == 97.0
    table = provenance(view, store.read_log(mini_dir))
    assert list(table["file"]) == ["sub-000001.csv"] * 3 and list(table["row"]) == [2, 3, 4]
