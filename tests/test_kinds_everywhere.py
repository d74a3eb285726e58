"""Every target kind against every place a kind changes what is computed or said: the engine, the card, the deep-dive
chart and sentences, the briefing, the digest, the scorecard table and the overview's sentence, catalog validation
and the plan draft's guess. A kind added to the table without its example here fails this file; a kind without one of
its rules cannot be made at all (tests/test_kinds.py)."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pandas as pd
import pytest

from lib.briefing.content import gap_clause, requirement, target_sentence
from lib.cards import build_card
from lib.catalog import AGGREGATIONS, TARGET_COLUMNS, load_regions, targets_from_frame
from lib.charts import indicator_detail_chart
from lib.dataset import open_dataset
from lib.deepdive import explain, gap_sentence, indicator_view
from lib.digest import headline_line
from lib.display import answer_sentence, requirement_text, scorecard_table
from lib.engine import scorecard
from lib.kinds import KINDS, TARGET_KINDS
from lib.plan import PlanItem
from lib.plan.model import Mention
from lib.plan.naming import guess_kind
from lib.problems import InputError
from tests.conftest import CITY, MINI_TARGETS, REPO, add_actuals, monthly, write_csv

NO_REGIONS = load_regions(REPO / "tests" / "no regions.csv")  # an absent file: no regions
BASE_2020 = [4, 6, 8, 8, 8, 8, 8, 8, 8, 8, 14, 12]  # last year's parcels: 100 in all, 18 by March
ITEM = PlanItem("work_item", "工作要点·一", "", 1, "", ["市场监管处"])

# Each kind's example: the mini plan's target of that kind (tests/conftest.py), judged as of March 2021 on the figures
# of `kind_figures`, and what every consumer says of it, worked by hand:
# parcels: 5 + 7 + 9 = 21亿件 of 120: 17.5%; last year's share by March 18 / 100 = 18%: 0.5 points behind (watch);
#   (120 − 21) / 9 = 11.00 a month, against last year's (100 − 18) / 9 = 9.11: 20.7% more; 21 / 18 − 1 = +16.7%.
# outlets: the latest count 6 of 30: 20.0%; linear 3 / 12 = 25%: 5.0 points behind (watch, the band is 5);
#   stretch 6 / 40 = 15.0%; (30 − 6) / 9 = 2.67 a month: a count, so 3 a month (2 would leave 6 of 24 undone).
# coverage: the latest rate 96% against ≥95%: 1.0 point above (on pace).
# incidents: 0 + 0 + 1 = 1 incident: zero tolerance broken (behind).
# satisfaction: 81.5 against last March's 80.0: up 1.5 (on pace).
EXAMPLES = {
    "flow": dict(
        target="parcels", status="yellow", actual=21.0,
        card=("目标：≥120亿件", "-0.5个百分点", "较序时进度"),
        gap="4–12月还需月均完成11.00亿件，比去年同期月均高20.7%",
        formula="累计实际 = 1–3月各月之和 = 21.00亿件",
        brief="1—3月，全市快递业务量累计完成21.00亿件，同比增长16.7%（目标增长20.0%），完成全年目标任务（120亿件）的17.5%，"
              "低于序时进度0.5个百分点；4—12月还需月均完成11.00亿件，比去年同期月均高20.7%。",
        clause="完成全年目标的17.5%，低于序时进度0.5个百分点；4—12月还需月均完成11.00亿件，比去年同期月均高20.7%",
        requirement=("≥120亿件", "≥120亿件"),
        digest="快递业务量：21.00亿件，完成全年目标的17.5%，低于序时进度0.5个百分点（需关注）",
        answer="主要指标中快递业务量低于序时进度0.5个百分点。",
        chart=("累计完成", "目标", "序时进度（线性）"),
        catalog_needs={"target_value"},
        draft=Mention(ITEM, "快递业务量", 30, "亿件", "≥", None, "快递业务量完成30亿件")),
    "level": dict(
        target="outlets", status="yellow", actual=6.0,
        card=("目标：≥30个", "-5.0个百分点", "较序时进度"),
        gap="4–12月还需月均完成3个",
        formula="实际 = 截至3月最新上报值 = 6个",
        brief="全市绿色网点为6个，完成全年目标任务（30个）的20.0%，低于序时进度5.0个百分点；挑战值40个，已完成15.0%；"
              "4—12月还需月均完成3个。",
        clause="完成全年目标的20.0%，低于序时进度5.0个百分点；4—12月还需月均完成3个",
        requirement=("≥30个（挑战值40个）", "≥30个（挑战值 40个）"),
        digest="绿色网点：6个，完成全年目标的20.0%，低于序时进度5.0个百分点（需关注）",
        answer="主要指标中绿色网点低于序时进度5.0个百分点。",
        chart=("实际值", "目标", "序时进度（线性）"),
        catalog_needs={"target_value"},
        draft=Mention(ITEM, "智能快件箱", 500, "个", "≥", None, "新建智能快件箱500个")),
    "ratio": dict(
        target="coverage", status="green", actual=96.0,
        card=("目标：≥95%", "+1.0个百分点", "较目标"),
        gap="累计比率96.0%，与目标相差+1.0个百分点。",
        formula="累计比率 = 分子累计 ÷ 分母累计（不是各月比率的平均）= 96.0%；只报比率时取最新累计比率",
        brief="全市通达率为96.0%，高于目标值（95%）1.0个百分点。",
        clause="目前为96.0%，高于目标值（95%）1.0个百分点",
        requirement=("≥95%", "≥95%"),
        digest="通达率：目前为96.0%，高于目标值（95%）1.0个百分点（进度正常）",
        answer="主要指标均进度正常。",
        chart=("累计比率", "目标", "当月比率"),
        catalog_needs={"target_value"},
        draft=Mention(ITEM, "建制村快递服务通达率", 98, "%", "≥", None, "通达率达到98%")),
    "zero_tolerance": dict(
        target="incidents", status="red", actual=1.0,
        card=("目标：零发生", None, None),
        gap="年内已发生1起，零容忍目标未守住。",
        formula="年内累计 1起；任何发生即为滞后 → 滞后",
        brief="全市安全事故：年内已发生1起，零容忍目标未守住。",
        clause="年内已发生1起，零容忍目标未守住",
        requirement=("零发生", "零发生"),
        digest="安全事故：年内已发生1起，零容忍目标未守住（滞后）",
        answer="主要指标中安全事故滞后。",
        chart=("累计完成", "当月"),
        catalog_needs={"target_value"},
        draft=Mention(ITEM, "重大事故", 0, "起", "≤", None, "重大事故控制在0起")),
    "not_below_last_year": dict(
        target="satisfaction", status="green", actual=81.5,
        card=("不低于去年同期：80.0分", "+1.5分", "较去年同期"),
        gap="当前81.5分，去年同期80.0分。",
        formula="最新值 81.5分，2020年同期 80.0分；不低于去年同期为进度正常 → 进度正常",
        brief="全市满意度为81.5分，较去年同期（80.0分）提高1.5分，符合“稳中有升”要求。",
        clause="目前为81.5分，较去年同期（80.0分）提高1.5分",
        requirement=("不低于去年同期（80分）", "不低于去年同期（80分）"),
        digest="满意度：目前为81.5分，较去年同期（80.0分）提高1.5分（进度正常）",
        answer="主要指标均进度正常。",
        chart=("实际值", "目标", "当月"),
        catalog_needs={"baseline_year"},
        draft=Mention(ITEM, "快递服务满意度", None, "", "≥", None, "快递服务满意度稳中有升",
                      statement_kind="not_below_last_year", wording="稳中有升")),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def kind_figures() -> list[dict]:
    """Return the figures the examples are judged on (January to March 2021, and last year's where a kind needs it)."""
    return (monthly("parcels", 2020, BASE_2020) + monthly("parcels", 2021, [5, 7, 9])
            + monthly("outlets", 2021, [2, 4, 6]) + monthly("coverage", 2021, [96, 96, 96])
            + monthly("incidents", 2021, [0, 0, 1]) + monthly("satisfaction", 2020, [None, None, 80])
            + monthly("satisfaction", 2021, [None, None, 81.5]))


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    """Return the mini plan's dataset with the examples' figures, and its scores as of March 2021 by target."""
    data = tmp_path_factory.mktemp("kinds")
    write_csv(data / "targets.csv", MINI_TARGETS, TARGET_COLUMNS)
    shutil.copy(CITY / "regions.csv", data / "regions.csv")
    add_actuals(data, "2021.csv", kind_figures())
    ds = open_dataset(data)
    return ds, {s.indicator: s for s in scorecard(ds, 2021, 3)}


def test_every_kind_has_an_example():
    assert set(EXAMPLES) == set(TARGET_KINDS)


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_the_engine_judges_every_kind_through_its_entry(judged, kind):
    example, score = EXAMPLES[kind], judged[1][EXAMPLES[kind]["target"]]
    assert score.kind == kind
    assert (score.status, score.actual_ytd) == (example["status"], pytest.approx(example["actual"]))


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_every_kind_has_its_card_deep_dive_and_chart(judged, kind):
    ds, scores = judged
    example, score = EXAMPLES[kind], scores[EXAMPLES[kind]["target"]]
    card = build_card(score, 2021, 3, "zh")
    assert (card.target_text, card.delta, card.delta_note) == example["card"]
    assert gap_sentence(score, "zh") == example["gap"]
    assert explain(score, "zh")[0] == example["formula"]
    names = [trace.name for trace in indicator_detail_chart(indicator_view(ds, 2021, 3, score.indicator,
                                                                           scores=list(scores.values()))).data]
    assert set(example["chart"]) <= set(names), names
    for text in (build_card(score, 2021, 3, "en").target_text, gap_sentence(score, "en"), *explain(score, "en")):
        assert text and not CJK.search(text), text  # English throughout (the names are the English ones)


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_every_kind_has_its_briefing_digest_and_table_words(judged, kind):
    example, score = EXAMPLES[kind], judged[1][EXAMPLES[kind]["target"]]
    assert target_sentence(score, 2021, 3, "zh") == example["brief"]
    assert gap_clause(score, "zh") == example["clause"]
    assert (requirement(score, "zh"), requirement_text(score, "zh")) == example["requirement"]
    assert headline_line(score, "zh") == example["digest"]
    headline = dataclasses.replace(score, headline=1)  # the overview's sentence names headline targets
    assert answer_sentence([headline], 2021, 3, "zh").endswith(example["answer"])
    assert scorecard_table([score], 2021, "zh").iloc[0]["目标要求"] == example["requirement"][1]
    for text in (target_sentence(score, 2021, 3, "en"), gap_clause(score, "en"), requirement(score, "en"),
                 headline_line(score, "en"), answer_sentence([headline], 2021, 3, "en")):
        assert text and not CJK.search(text), text


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_the_catalog_asks_every_kind_for_its_columns(kind):
    example = EXAMPLES[kind]
    row = next(r for r in MINI_TARGETS if r["id"] == example["target"])
    raw = pd.DataFrame([{c: str(row.get(c, "")) for c in TARGET_COLUMNS}])
    targets, _ = targets_from_frame(raw, "targets.csv", NO_REGIONS)
    assert targets["kind"].tolist() == [kind]
    bare = raw.assign(target_value="", growth_target_pct="", baseline_year="")
    with pytest.raises(InputError) as refused:
        targets_from_frame(bare, "targets.csv", NO_REGIONS)
    assert {p.column for p in refused.value.problems} == example["catalog_needs"]


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_the_plan_draft_guesses_every_kind_from_a_plans_words(kind):
    guessed, _reason = guess_kind(EXAMPLES[kind]["draft"])
    assert guessed == kind
    assert KINDS[guessed].default_aggregation in AGGREGATIONS
