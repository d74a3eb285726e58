"""Issue 24, point 7 (the messages a first user meets): an impossible month named as such, a year without data said
once, the formula note saying what the file gave."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.briefing import build_briefing
from lib.dataset import open_dataset
from lib.deepdive import explain
from lib.display import answer_sentence
from lib.engine import scorecard
from lib.intake import parse
from tests.conftest import add_actuals, monthly

BULLETIN = "苏州市邮政行业运行情况快报\n{title}\n指标,单位,本月,累计\n快递业务量,亿件,1.5,15\n"


@pytest.mark.parametrize("title, words", [("2021年13月", "“2021年13月”不存在：13不是月份"),
                                          ("2021年1-13月", "“2021年1-13月”不存在：13不是月份"),
                                          ("2021年0月", "“2021年0月”不存在：0不是月份")])
def test_an_impossible_month_in_a_title_is_named_as_such(mini_dir, title, words):
    catalog = open_dataset(mini_dir).catalog
    parsed = parse("快报.csv", BULLETIN.format(title=title).encode("utf-8"), catalog)
    assert not parsed.accepted
    assert [p.code for p in parsed.problems] == ["err_bulletin_month_impossible"]
    assert words in parsed.problems[0].message("zh")
    assert "13 is not a month" in parsed.problems[0].message("en") or "0 is not a month" in \
        parsed.problems[0].message("en")


def test_a_title_without_a_month_still_says_the_month_is_missing(mini_dir):
    catalog = open_dataset(mini_dir).catalog
    parsed = parse("快报.csv", BULLETIN.format(title="全市").encode("utf-8"), catalog)
    assert [p.code for p in parsed.problems] == ["err_bulletin_period"]


def test_a_good_month_in_the_title_is_read(mini_dir):
    catalog = open_dataset(mini_dir).catalog
    parsed = parse("快报.csv", BULLETIN.format(title="2021年11月").encode("utf-8"), catalog)
    assert parsed.accepted and set(zip(parsed.rows["year"], parsed.rows["month"])) == {(2021, 11)}


def parcels(data_dir, month: int):
    return next(s for s in scorecard(open_dataset(data_dir), 2021, month) if s.indicator == "parcels")


def test_the_formula_note_says_what_the_file_gave(mini_dir):
    # only a year to date (累计) for November: 110 亿件, stated, not summed
    add_actuals(mini_dir, "a.csv", [dict(period="2021-11", indicator="parcels", value=110, basis="ytd")])
    assert explain(parcels(mini_dir, 11), "zh")[0] == "累计实际 = 文件报送的1–11月累计 = 110.00亿件"
    assert explain(parcels(mini_dir, 11), "en")[0] == "Year to date = the Jan–Nov year to date a file gave = " \
        "11.00 bn parcels"
    # December's month on top of it: 110 + 5
    add_actuals(mini_dir, "b.csv", [dict(period="2021-12", indicator="parcels", value=5, basis="month")])
    assert explain(parcels(mini_dir, 12), "zh")[0] == "累计实际 = 文件报送的1–11月累计 + 12月当月数 = 115.00亿件"
    # every month given: 11 × 10 + 5, summed
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2021, [10] * 11, basis="month"))
    assert explain(parcels(mini_dir, 12), "zh")[0] == "累计实际 = 1–12月各月之和 = 115.00亿件"


def test_a_year_without_data_is_said_once(mini_dir):
    add_actuals(mini_dir, "2020.csv", monthly("parcels", 2020, [8] * 12))  # last year's only: 2021 has none
    ds = open_dataset(mini_dir)
    scores = scorecard(ds, 2021, 12)
    assert answer_sentence(scores, 2021, 12, "zh") == "2021年的7项目标都还没有实际数据。"
    assert answer_sentence(scores, 2021, 12, "en") == "None of the 7 targets for 2021 has data yet."
    brief = build_briefing(ds, 2021, 12, "zh", charts={}, issued=dt.date(2022, 1, 5))
    text = "\n".join(p for s in brief.sections for p in s.paragraphs())
    assert brief.section("overall").paragraphs() == [
        "2021年纳入跟踪的目标共7项，尚未报送任何月份的实际数据，本期暂无法通报各项目标的完成情况。"]
    assert "截至2021年12月" not in text and text.count("暂无数据") == 1  # the list of names, once
    assert [s.key for s in brief.sections][:2] == ["overall", "problems"]


def test_a_year_with_some_data_keeps_its_sentences(mini_dir):
    add_actuals(mini_dir, "2021.csv", monthly("parcels", 2021, [10, 10, 10]))
    scores = scorecard(open_dataset(mini_dir), 2021, 3)
    assert answer_sentence(scores, 2021, 3, "zh").startswith("截至2021年3月，7项目标")
