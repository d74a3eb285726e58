"""Deciding what each figure of a plan is: a target, or not, and why.

The recall (lib/plan/figures.py) finds every figure of every passage: the 主要目标, each item, the section headings,
the preamble and any line not placed. Here each gets a reading: taken (a target the plan sets for the city, with the
candidate that names it) or not taken with its reason, one of REASONS. The rules are tried in order; what no rule
explains is 'not target wording', so a figure is never lost because a rule did not match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib import units
from lib.plan.candidates import (
    CLAUSE_BREAK,
    SENTENCE_BREAK,
    Statement,
    _figures_in_text,
    figure_scope,
    statements_in_text,
)
from lib.plan.figures import Figure, find_figures
from lib.plan.model import PREAMBLE, PlanItem, PlanParse, TargetCandidate, where

# Why a figure is not a target, in the order the summary lists them; each one's words are plan_reason_<code> in
# lib/locale/*.toml.
REASONS = (
    "context",  # the country's or the province's figure (its scope in detail)
    "last_year",  # a result of an earlier year
    "date",  # a date, a deadline or a span of years
    "name",  # a number inside a name: 十四五, “29551”工程, 两个维护, 2个专项治理
    "idiom",  # 万无一失, 一以贯之, 一网通办
    "plan_part",  # the plan counting its own parts: 60项工作, 6个方面, 7件实事
    "ordinal",  # 第2次, 第一批
    "document",  # the document's own number and date: 锡邮管〔2022〕8号
    "not_monthly",  # a count of events or documents, not measured month by month
    "outside_items",  # in a line outside the 主要目标 and the items
    "no_measure",  # a target's wording without a rate or a countable event named (杜绝暴力分拣, 零发生 alone)
    "unknown_unit",  # a target in a unit the dashboard has no entry for (百万分之1, 千分之0.5, 2个百分点)
    "not_target",  # no target wording around it (完成, 达到, 新增, 以上…)
    "reviewer",  # the reviewer marked it not taken
)
PLAN_PARTS = re.compile(r"^(?:项|个|件|条|大)?(?:具体|重点)?(?:工作|方面|实事|任务|措施|举措|板块|专项行动)")
NAME_AFTER = re.compile(r"^(?:[”\"》]|中全会|大(?:精神|报告|代表|会议)?|届"
                        r"|个(?:意识|自信|维护|确立|责任|全面|务必|融合|中心)|项(?:制度|机制)|五|[A-Za-z+]"
                        r"|(?:个|项|大)?专项(?:治理|整治|行动)|周年|年(?:行动|计划|规划|专项|攻坚))")
YEARS_NAME = re.compile(r"^(?:行动|计划|规划|专项|攻坚|方案|整治)")
EVENTS = re.compile(r"会议|大赛|竞赛|比赛|论坛|展会|座谈|发布会|演练|庆祝|文件|制度|办法|方案|意见|规划|标准|规范"
                    r"|指南|报告|课题|宣讲|讲座|培训班")
DURATIONS = ("个工作日", "工作日", "个小时", "小时", "分钟", "天", "个月")
RATE_NOUN_AHEAD = re.compile(r"^[^，,。；;、]{0,12}?(?:率|比例|占比)")
ONCE_UNITS = ("次", "场", "届", "期", "轮")  # counted in these, a 1 is an event held once, not a monthly measure
LAST_YEAR = re.compile(r"(?<![比较同])(?:上年|去年|上一年|过去一年|“十三五”期间|十三五期间)")
PAST_YEAR = re.compile(r"^(?:截至|截止)?((?:19|20)\d{2})\s*年")


@dataclass
class Passage:
    """A stretch of the plan read for figures: the 主要目标, an item, a heading, a preamble or unplaced line."""

    kind: str  # main_goal, key_work, work_item, livelihood, heading, preamble, unplaced
    text: str
    line_no: int = 0
    item: PlanItem | None = None

    @property
    def where(self) -> str:
        """Return where it is, as a reviewer reads it: 主要目标, 工作要点45, 第12行."""
        if self.item is not None:
            return where(self.item.list_type, self.item.number)
        return where(self.kind, None, self.line_no)


@dataclass
class Reading:
    """One figure of the plan and what it was decided to be."""

    figure: Figure
    passage: Passage
    clause: str
    taken: bool
    reason: str = ""  # one of REASONS when not taken
    detail: str = ""  # the scope of a context figure, the word that decided it…
    candidate: TargetCandidate | None = None
    statements: list[Statement] = field(default_factory=list)  # the targets a numberless wording sets
    target_ids: list[str] = field(default_factory=list)  # the draft rows it went into

    @property
    def span(self) -> tuple[int, int]:
        """Return where the figure stands in its passage's text."""
        return self.figure.span


def passages(parse: PlanParse) -> list[Passage]:
    """Return every stretch of the plan that may hold a figure, in plan order."""
    out = [Passage(item.list_type, item.text, item.line_no, item) for item in [*parse.goals, *parse.tasks]]
    out += [Passage("heading", f"{s.title}", s.line_no) for s in parse.sections]
    out += [Passage(PREAMBLE, text, line_no) for line_no, text in parse.preamble]
    out += [Passage("unplaced", text, line_no) for line_no, text in parse.unplaced]
    return sorted(out, key=lambda p: p.line_no)


def _clause(text: str, start: int, end: int) -> str:
    begin = max(text.rfind(b, 0, start) for b in CLAUSE_BREAK) + 1
    stop = min((i for i in (text.find(b, end) for b in CLAUSE_BREAK) if i >= 0), default=len(text))
    return text[begin:stop].strip()


def _in_quotes(text: str, start: int) -> bool:
    sentence = text[max(text.rfind(b, 0, start) for b in SENTENCE_BREAK) + 1:start]
    return sentence.count("“") > sentence.count("”") or sentence.count("《") > sentence.count("》") \
        or sentence.count('"') % 2 == 1


def _past_year(text: str, start: int, plan_year: int | None) -> str:
    """Return the year that makes a figure an earlier year's result (2021年全市…完成), or ''."""
    sentence = text[max(text.rfind(b, 0, start) for b in SENTENCE_BREAK) + 1:start]
    for clause in re.split(r"[：:，,]", sentence):  # 2022年全市…完成22.5亿件，同比增长8.1%
        if plan_year and (year := PAST_YEAR.match(clause.strip())) and int(year.group(1)) < plan_year:
            return year.group(0)
    return ""


def _last_year(text: str, start: int, plan_year: int | None) -> str:
    """Return the words that make a figure an earlier year's result (2021年全市…完成, 上年…), or ''."""
    if year := _past_year(text, start, plan_year):
        return year
    found = LAST_YEAR.search(text[max(text.rfind(b, 0, start) for b in SENTENCE_BREAK) + 1:start])
    return found.group(0) if found else ""


def classify_figure(figure: Figure, passage: Passage, plan_year: int | None, candidates: list[TargetCandidate],
                    statements: list[Statement]) -> Reading:
    """Return the reading of one figure: taken with the candidate that names it, or not taken with its reason."""
    text, (start, end) = passage.text, figure.span
    after, before = text[end:end + 12], text[max(0, start - 12):start]
    clause = _clause(text, start, end)

    def no(reason: str, detail: str = "") -> Reading:
        return Reading(figure, passage, clause, False, reason, detail, candidate=covering)

    covering = next((c for c in candidates if c.span == (start, end) or c.growth_span == (start, end)), None)
    said = [s for s in statements if s.span == (start, end)]
    if figure.form == "word":
        reading = no("idiom", figure.text)
        reading.statements = said  # 机要通信确保万无一失: may carry an earlier target, never makes one
        return reading
    if figure.form == "wording":
        return _classify_wording(figure, passage, plan_year, clause, said)
    if passage.kind == PREAMBLE and (figure.unit == "号" or re.search(r"〔\d{4}〕", text)):
        return no("document", figure.text)
    if figure.form == "name":
        return no("name", figure.text)
    if before.endswith("第"):
        return no("ordinal", "第" + figure.text)
    if NAME_AFTER.match(after) or _in_quotes(text, start) or (figure.form == "chinese" and figure.value is None) \
            or figure.unit in ("周年", "届", "中全会") or (figure.unit == "年" and YEARS_NAME.match(after)):
        return no("name", figure.text + after[:4])
    if figure.form == "date" or figure.unit in ("年", "月", "日"):
        return no("date", figure.text)
    if figure.unit in DURATIONS:  # 办结时限压缩至5个工作日: a time limit; 72小时准时率: part of a rate's name
        return no("name" if RATE_NOUN_AHEAD.match(after) else "date", figure.text)
    if PLAN_PARTS.match(figure.unit + after) and figure.unit in ("项", "个", "件", "条", "大", "方面", ""):
        return no("plan_part", figure.text + after[:4])
    if covering is not None and covering.scope:
        reading = no("context", covering.scope)
        reading.candidate = covering
        return reading
    if scope := figure_scope(text, start):
        return no("context", scope)
    if words := _last_year(text, start, plan_year):
        return no("last_year", words)
    if passage.item is None:
        return no("outside_items")
    tail = text[end:min((i for i in (text.find(b, end) for b in CLAUSE_BREAK + "、") if i >= 0), default=len(text))]
    if (event := EVENTS.search(tail[:12]) or EVENTS.search(text[max(0, start - 6):start])) \
            and figure.unit in ("次", "场", "个", "项", "期", "届", "批", "件", "套"):
        return no("not_monthly", event.group(0))
    if figure.value == 1 and figure.unit in ONCE_UNITS:  # 举办…技能比武1次: an event held once
        return no("not_monthly", figure.text)
    if covering is not None and covering.value is not None and not units.is_known(covering.unit):
        return no("unknown_unit", covering.unit)  # 有效申诉率控制在百万分之1以内: listed, the reviewer decides
    if covering is not None:
        return Reading(figure, passage, clause, True, candidate=covering)
    return no("not_target")


def _classify_wording(figure: Figure, passage: Passage, plan_year: int | None, clause: str,
                      said: list[Statement]) -> Reading:
    """Return the reading of a target's wording without a number (零事故, 稳中有升…): taken with the targets it
    sets, or not taken with its reason (another scope, last year, outside the items, nothing measured named)."""
    text, start = passage.text, figure.start
    if scope := figure_scope(text, start):
        return Reading(figure, passage, clause, False, "context", scope)
    if year := _past_year(text, start, plan_year):  # 2023年快递服务满意度稳中有升; not 在上年基础上…稳中有升
        return Reading(figure, passage, clause, False, "last_year", year)
    if passage.item is None:
        return Reading(figure, passage, clause, False, "outside_items")
    if not said:
        return Reading(figure, passage, clause, False, "no_measure", figure.text)
    return Reading(figure, passage, clause, True, statements=said)


def classify_passage(passage: Passage, plan_year: int | None) -> list[Reading]:
    """Return the reading of every figure in a passage."""
    figures = find_figures(passage.text)
    if not figures:
        return []
    list_type = passage.item.list_type if passage.item else ""
    number = passage.item.number if passage.item else None
    candidates = _figures_in_text(passage.text, list_type, number)
    for candidate in candidates:
        candidate.line_no = passage.line_no
    statements = statements_in_text(passage.text, list_type, number)
    return [classify_figure(f, passage, plan_year, candidates, statements) for f in figures]


def read_figures(parse: PlanParse, plan_year: int | None = None) -> list[Reading]:
    """Return the reading of every figure of the plan, in plan order."""
    year = plan_year or parse.year
    return [reading for passage in passages(parse) for reading in classify_passage(passage, year)]


def taken_candidates(readings: list[Reading]) -> list[TargetCandidate]:
    """Return the candidates of the taken readings, each once, in plan order (a growth rate shares its target's)."""
    out: list[TargetCandidate] = []
    for reading in readings:
        if reading.taken and reading.candidate is not None and not any(c is reading.candidate for c in out):
            out.append(reading.candidate)
    return out
