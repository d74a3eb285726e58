"""Candidate targets: the figures of a plan's prose that read like targets (their names, comparators and growth
rates), the figures it quotes for the country or the province (context), and its targets without a number.

The numbers come from the recall (lib/plan/figures.py); this module reads the words around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from lib.catalog import TARGET_COLUMNS
from lib.datafiles import FILES, holds_no_rows, read_bytes
from lib.kinds import KINDS
from lib.plan.figures import INCIDENTS, Figure, find_figures
from lib.plan.model import PlanParse, TargetCandidate

CANDIDATE_COLUMNS = ["list_type", "number", "phrase", "value", "unit", "comparator", "growth_pct",
                     "matched_target_id", "clause"]
CSV_ENCODING = "utf-8-sig"  # the BOM makes Chinese Excel read UTF-8

SOURCE_TEXT_LABEL = re.compile(r"^(?:重点工作|工作要点|民生实事)\d+[：:]")

# The units a target may be counted in (the recall finds more: 年, 号, 届…).
UNITS = sorted([
    "%", "个百分点", "亿元", "万元", "元", "亿件", "万件", "件", "万个",
    "个", "万人次", "人次", "万人", "人", "家", "辆", "台", "套", "组",
    "条", "座", "所", "批", "场", "次", "项", "起", "例", "公里", "吨",
    "户", "处", "名", "小时", "万", "亿", "分", "‰", "万分之", "十万分之", "百万分之",
], key=len, reverse=True)
# A number followed by these counts the plan itself (60项工作, 7件实事, 6个方面) or its campaigns, not a target.
NOT_A_TARGET_AFTER = ("工作", "方面", "实事", "周年", "专项", "重点任务", "任务", "举措", "措施")
AFTER_COMPARATOR = {"及以上": "≥", "以上": "≥", "以下": "≤", "以内": "≤", "左右": "≈"}
# Stripped from the end of the words before a number; finding one marks the number as a target.
TARGET_VERBS = sorted([
    "力争达到", "保持在", "稳定在", "维持在", "控制在", "不低于", "不少于", "不超过", "不高于", "提升至", "提升到",
    "提高至", "提高到", "达到", "完成", "建成", "超过", "高于", "低于", "至少", "确保", "实现",
    "新增", "累计", "力争", "分别", "提高", "提升", "达", "超", "预计将", "预计", "将", "保持", "突破", "超出",
], key=len, reverse=True)
# A verb that opens the words before a number also makes it a target: 新增智能快件箱2万个, 培育重点项目20个.
OPENING_VERBS = sorted([
    "新增", "新建", "建成", "培育", "打造", "创建", "完成", "累计建成", "新设", "设立", "实现", "力争新增",
    "力争建成", "力争培育", "力争打造", "确保建成", "投放", "布设", "开通", "培训", "引进", "发展",
], key=len, reverse=True)
NAME_VERBS = ("新增", "新建", "培训")  # kept in the name: the indicator counts what is new this year
# A measurable activity carried out over the year, counted in units of work done: 全年开展…技能培训1500人次,
# 组织开展…安全检查600家. (An event held once, 举办…竞赛1次, is not measured monthly: lib/plan/classify.py.)
ACTIVITY_VERBS = sorted(["开展", "组织开展", "组织", "实施", "举办", "承办"], key=len, reverse=True)
ACTIVITY_UNITS = ("人次", "万人次", "次", "场", "个", "家", "户", "人", "万人", "名", "项", "批")
# A count of new things, or of work done, this year: a flow toward the year's number.
NEW_THIS_YEAR = ("新增", "新建", "培育", "打造", "创建", "新设", "设立", "投放", "布设", "开通", "培训", "引进",
                 *ACTIVITY_VERBS)
VERB_COMPARATOR = {"不超过": "≤", "不高于": "≤", "控制在": "≤", "低于": "<", "超过": ">", "超": ">", "高于": ">",
                   "突破": ">", "超出": ">"}
LEADING_WORDS = sorted([
    "力争", "全年", "年底前", "到年底", "年底", "年内", "今年", "确保", "其中", "并", "全市", "本市",
    "同时", "建成", "推动", "推进", "我市", "开展", "当年", "年度",
], key=len, reverse=True)
GROWTH_WORDS = re.compile(r"(?:同比|比上年|较上年|比去年|年均)?(?:增长|增速|增幅)(?:保持在|保持|为|达到|达|超过|超)?$")
RATE_NOUN = re.compile(r"(?:率|比例|占比|比重)$")
CLAUSE_BREAK = "，,；;。：:！？!?"
PHRASE_BREAK = CLAUSE_BREAK + "、"
SENTENCE_BREAK = "。；;！？!?"
CLOSED_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")
# A clause opening with these quotes a figure for more than the city, or a forecast: context, not a target.
CONTEXT_START = re.compile(r"^(?:据[^，,]{0,15}?(?:预测|预计|统计|测算)[，,]?)?(?:\d{4}年)?(?:预计)?"
                           r"(全国|全省|全球|国家|江苏省|浙江省|广东省|山东省|长三角|全行业预计|行业预计|预计)")
CITY_START = re.compile(r"^(?:\d{4}年)?(?:我市|全市|本市|市区)")
# the kinds a numberless statement names: 稳中有升 (not below last year) and 零感染 (zero tolerance)
NOT_BELOW = next(k.name for k in KINDS.values() if k.target_is_last_year)
ZERO = next(k.name for k in KINDS.values() if k.target_is_zero)
MEASURED_NOUN = re.compile(r"(?:率|满意度|比例|占比|比重|指数)$")
INCIDENT_END = re.compile(rf"(?:{INCIDENTS})$")
NEVER_VERBS = ("不发生", "杜绝", "避免发生")  # 不发生重大寄递安全事故: what must not happen follows
RISING_FIRST = re.compile(r"^(?:进一步|切实|持续|不断|稳步|全面|努力)(?:提升|提高)")  # 进一步提升申诉处理满意率
# Words before what must not happen or must not fall: 确保重大安全事故零发生, 继续保持快递服务满意度稳中有升.
STATEMENT_LEADS = sorted(["实现", "保持", "确保", "做到", "巩固", "继续", "坚持", "力争", "努力", "全力", "守住",
                          "守牢", "坚决", "持续", "推动", *LEADING_WORDS], key=len, reverse=True)


def _clause_start(text: str, position: int, breaks: str) -> int:
    return max(text.rfind(b, 0, position) for b in breaks) + 1


def _phrase_start(text: str, position: int) -> int:
    """Return where the words before a number begin: after the last break outside brackets and quotes (各县（市、区）
    分别建成 and “防雨、防潮”设施配备率 are one phrase), or after the bracket the number stands in
    (（全国快递业务量1225亿件） begins at 全国)."""
    depth = 0
    for i in range(position - 1, -1, -1):
        char = text[i]
        if char in "）)”》":
            depth += 1
        elif char in "（(“《":
            if depth == 0:
                return i + 1
            depth -= 1
        elif depth == 0 and char in PHRASE_BREAK:
            return i + 1
    return 0


def _clause_end(text: str, position: int, breaks: str) -> int:
    return min((i for i in (text.find(b, position) for b in breaks) if i >= 0), default=len(text))


def _strip_words(phrase: str, words: list[str], at_end: bool) -> tuple[str, list[str]]:
    stripped = []
    while word := next((w for w in words if (phrase.endswith(w) if at_end else phrase.startswith(w))), None):
        phrase = phrase[:-len(word)] if at_end else phrase[len(word):]
        stripped.append(word)
    return phrase, stripped


def clean_name(name: str) -> str:
    """Return a target's name as a table shows it: no 全市/全年 in front, no stray or doubled brackets or quotes."""
    name, _ = _strip_words(name.strip(" ：:，,、"), LEADING_WORDS, at_end=False)
    while len(name) > 2 and name[0] in "《“\"‘「" and name[-1] in "》”\"’」" and name.count(name[0]) == 1:
        name = name[1:-1]
    for opening, closing in ("《》", "“”", "（）", "()"):
        if name.count(opening) != name.count(closing):
            name = name.replace(opening, "").replace(closing, "")
    return name.strip(" ：:，,、")


def _comparator(after_word: str, verbs: list[str]) -> str:
    if after_word:
        return AFTER_COMPARATOR[after_word]
    return next((VERB_COMPARATOR[v] for v in verbs if v in VERB_COMPARATOR), "≥")


def _without_asides(text: str) -> str:
    """Return text with its closed （…） asides removed (innermost first)."""
    while (shorter := CLOSED_ASIDE.sub("", text)) != text:
        text = shorter
    return text


def figure_scope(text: str, position: int) -> str:
    """Return '' when a number at position is the city's own, else whom the plan quotes it for (全国, 全省, 预计…).

    The scope is set by the start of a clause (全国快递业务量…, 据…预测，全省…, 我市…) and lasts to the end of the
    sentence (。；), or of the （…） aside the number stands in; a word inside a clause (占全省比重) does not set it.
    """
    before = _without_asides(text[:position])
    opened = max(before.rfind("（"), before.rfind("("))
    sentence = before[max(opened, *(before.rfind(b) for b in SENTENCE_BREAK)) + 1:]
    scope = ""
    for clause in re.split(r"[，,：:]", sentence):
        clause = clause.strip()
        if found := CONTEXT_START.match(clause):
            scope = found.group(1)
        elif CITY_START.match(clause):
            scope = ""
    return scope


def _unscoped(name: str) -> str:
    """Return a context figure's name without its scope: 2021年全国快递业务量 → 快递业务量."""
    found = CONTEXT_START.match(name)
    return name[found.end():] if found else name


def _figures_in_text(text: str, list_type: str, number: int | None) -> list[TargetCandidate]:
    """Return the target-like figures of a text, and every figure quoted for a wider scope (with its scope)."""
    found: list[TargetCandidate] = []
    ends: list[int] = []
    for figure in find_figures(text):
        if figure.value is None or figure.unit not in UNITS or figure.form == "word":
            continue
        start, end = figure.span
        after = text[end:]
        if text[start - 1:start] == "第" or after.startswith(NOT_A_TARGET_AFTER):
            continue
        value, unit = figure.value, figure.unit
        after_word = next((w for w in AFTER_COMPARATOR if after.startswith(w)), "")
        phrase_start = _phrase_start(text, start)
        before = text[phrase_start:start].strip()
        clause = text[_clause_start(text, start, CLAUSE_BREAK):_clause_end(text, end, CLAUSE_BREAK)].strip()
        scope = figure_scope(text, start)
        growth = GROWTH_WORDS.search(before) if unit == "%" else None
        if growth:
            at = next((i for i in range(len(found) - 1, -1, -1) if found[i].scope == scope), None)
            previous = found[at] if at is not None else None
            follows_previous = (previous is not None and previous.growth_pct is None and not before[:growth.start()]
                                and not _without_asides(text[ends[at]:phrase_start]).strip(PHRASE_BREAK))
            if follows_previous:
                previous.growth_pct, previous.growth_span = value, (start, end)  # 540亿元、同比增长13.8%
            else:
                name, _ = _strip_words(before[:growth.start()], LEADING_WORDS, at_end=False)
                found.append(TargetCandidate(list_type, number, clean_name(name) if not scope else name, None, "",
                                             _comparator(after_word, []), value, clause, scope=scope,
                                             span=(start, end), growth_span=(start, end), verb=growth.group(0)))
                ends.append(end + len(after_word))
            continue
        name, verbs = _strip_words(before, TARGET_VERBS, at_end=True)
        # the verb may stand a few characters in: 在全市新增快递共配柜体30组, 全年培训…, 力争建成…
        at, opening = min(((name.find(v), v) for v in OPENING_VERBS if 0 <= name.find(v) <= 4),
                          key=lambda pair: (pair[0], -len(pair[1])), default=(-1, ""))
        if not opening and unit in ACTIVITY_UNITS:
            at, opening = min(((name.find(v), v) for v in ACTIVITY_VERBS if 0 <= name.find(v) <= 4),
                              key=lambda pair: (pair[0], -len(pair[1])), default=(-1, ""))
        if opening:
            name = name[at:] if opening in NAME_VERBS else name[at + len(opening):]
        name, _ = _strip_words(name, LEADING_WORDS, at_end=False)
        is_rate = unit in ("%", "个百分点", "‰", "万分之", "十万分之", "百万分之") and bool(RATE_NOUN.search(name))
        if not (verbs or opening or after_word or is_rate or scope):
            continue
        # The thing counted may follow the number: 市区建成3家…工作站 names 市区…工作站.
        tail_start = end + len(after_word)
        tail = text[tail_start:_clause_end(text, tail_start, PHRASE_BREAK)].strip()
        if tail.startswith(("（", "(", "）", ")")):
            tail = ""  # an aside, or the end of one, not the thing counted
        if not scope:
            name = clean_name(name + tail)
            if not name:  # 全市完成23亿件 after 全国快递业务量…: the name of the figure before it
                earlier = next((c.phrase for c in reversed(found) if c.value is not None), "")
                name = clean_name(_unscoped(earlier))
        else:
            name = name + tail
        found.append(TargetCandidate(list_type, number, name, value, unit, _comparator(after_word, verbs),
                                     None, clause, scope=scope, span=(start, end),
                                     verb="、".join([*verbs, opening, after_word][:3]).strip("、")))
        ends.append(tail_start)
    return found


def candidates_in_text(text: str, list_type: str = "", number: int | None = None) -> list[TargetCandidate]:
    """Return the city's figures in a text that read like targets, with comparator and growth rate."""
    return [c for c in _figures_in_text(text, list_type, number) if not c.scope]


def context_figures_in_text(text: str, list_type: str = "", number: int | None = None) -> list[TargetCandidate]:
    """Return the figures a text quotes for the country, the province or a forecast: context, not the city's."""
    return [c for c in _figures_in_text(text, list_type, number) if c.scope]


def find_target_candidates(parse: PlanParse) -> list[TargetCandidate]:
    """Return the target-like figures of the 主要目标 and of every item, in plan order."""
    return [c for item in [*parse.goals, *parse.tasks]
            for c in candidates_in_text(item.text, item.list_type, item.number)]


def find_context_figures(parse: PlanParse) -> list[TargetCandidate]:
    """Return the figures the 主要目标 and the items quote for the country, the province or a forecast."""
    return [c for item in [*parse.goals, *parse.tasks]
            for c in context_figures_in_text(item.text, item.list_type, item.number)]


@dataclass
class Statement:
    """A target without a number: a rate or score that must not fall, or something that must not happen."""

    list_type: str
    number: int | None
    subject: str
    kind: str  # not_below_last_year or zero_tolerance
    wording: str  # the words that make it a target: 稳中有升, 进一步提升, 零感染…
    clause: str
    span: tuple[int, int] = (0, 0)  # where its wording stands in the text
    idiom: bool = False  # 万无一失: may carry an earlier target that said it, never becomes a target by itself


def _measured_subjects(words: str) -> list[str]:
    """Return the rates and scores named in 'A、B和C' (申诉处理正确率、…和…满意率); 及 is not split (及时)."""
    return [w.strip() for w in re.split(r"[、和]", words) if MEASURED_NOUN.search(w.strip())]


def statements_in_text(text: str, list_type: str = "", number: int | None = None) -> list[Statement]:
    """Return the city's targets without a number in a text: X率稳中有升, 进一步提升X率, 零X, X零发生, 不发生X事故,
    杜绝X事故, and X万无一失 (an idiom: marked so, it never becomes a target by itself). They are read from the
    wordings the recall finds (lib/plan/figures.py); a wording that names nothing measured sets no target."""
    return [s for figure in find_figures(text) if figure.form == "wording" or figure.text == "万无一失"
            for s in statements_of(text, figure, list_type, number)]


def wording_kind(wording: str) -> str:
    """Return the kind a numberless wording speaks of: zero tolerance (零事故, 不发生…, 杜绝…) or not below last year
    (稳中有升, 进一步提升…)."""
    return ZERO if "零" in wording or wording.startswith(NEVER_VERBS) or wording == "万无一失" else NOT_BELOW


def _words_before(text: str, position: int) -> str:
    """Return the words of the clause before a position, without leading words (确保, 全年…) or verbs at its end."""
    words, _ = _strip_words(text[_clause_start(text, position, CLAUSE_BREAK):position].strip(), TARGET_VERBS,
                            at_end=True)
    words, _ = _strip_words(words, STATEMENT_LEADS, at_end=False)
    return words


def statements_of(text: str, figure: Figure, list_type: str = "", number: int | None = None) -> list[Statement]:
    """Return the targets a numberless wording sets (none when it names nothing measured or countable, or when it is
    quoted for the country or the province)."""
    start, end = figure.span
    wording = figure.text
    if figure_scope(text, start):
        return []
    subjects: list[str] = []
    kind, idiom = ZERO, False
    bare = re.sub(r"[“”\"]", "", wording)
    if wording == "万无一失":
        subject, _ = _strip_words(text[_clause_start(text, start, CLAUSE_BREAK):start].strip(), TARGET_VERBS,
                                  at_end=True)
        subject, _ = _strip_words(subject, LEADING_WORDS, at_end=False)
        subjects, idiom = [subject], True
    elif bare == "零发生":
        subjects = [s for s in [_words_before(text, start)] if INCIDENT_END.search(s)]
    elif bare.startswith("零"):
        subjects = [bare]  # 零感染, “零”事故: the wording names what must not happen
    elif verb := next((v for v in NEVER_VERBS if wording.startswith(v)), ""):
        subjects = [wording[len(verb):]] if wording[len(verb):] else []
    else:
        kind = NOT_BELOW
        before = _measured_subjects(_words_before(text, start))  # 满意度稳中有升, 满意度持续提升
        after = _measured_subjects(text[end:_clause_end(text, end, CLAUSE_BREAK)])  # 进一步提升…满意率
        subjects = list(dict.fromkeys((after or before) if RISING_FIRST.match(wording) else (before or after)))
    return [Statement(list_type, number, subject, kind, wording, _clause_around(text, start), (start, end), idiom)
            for subject in subjects if subject]


def _clause_around(text: str, position: int) -> str:
    return text[_clause_start(text, position, CLAUSE_BREAK):_clause_end(text, position, CLAUSE_BREAK)].strip()


def find_statements(parse: PlanParse) -> list[Statement]:
    """Return the targets without a number in the 主要目标 and in every item, in plan order."""
    return [s for item in [*parse.goals, *parse.tasks]
            for s in statements_in_text(item.text, item.list_type, item.number)]


def read_targets(path: str | Path) -> pd.DataFrame:
    """Return targets.csv as text columns (no NaN) to add a year to: absent, empty or header-only, no rows (a new
    city publishes into an empty folder); raise DataFolderError when it is no targets.csv."""
    path = Path(path)
    if holds_no_rows(path):
        return pd.DataFrame(columns=TARGET_COLUMNS)
    return read_bytes(replace(FILES["targets.csv"], rows_required=False), path.read_bytes())


def compact_text(text: str) -> str:
    """Return text without any whitespace."""
    return re.sub(r"\s+", "", text)


def source_text_clauses(source_text: str) -> list[list[str]]:
    """Return the clauses of a target's source_text, each as the fragments an ellipsis (……) leaves."""
    clauses = []
    for clause in re.split(r"[；;]", source_text):
        clause = SOURCE_TEXT_LABEL.sub("", clause.strip())
        if fragments := [compact_text(f) for f in re.split(r"…+|\.{3,}", clause) if compact_text(f)]:
            clauses.append(fragments)
    return clauses


def _same_number(text: str, value: float) -> bool:
    try:
        return abs(float(text) - value) < 1e-9
    except ValueError:
        return False


def match_candidate(candidate: TargetCandidate, linked_rows: list[dict]) -> list[str]:
    """Return the ids of an item's targets with the candidate's unit and value (or stretch value)."""
    if candidate.value is None:
        return []
    same = [row for row in linked_rows if row.get("unit", "").replace("％", "%") == candidate.unit
            and (_same_number(row.get("target_value", ""), candidate.value)
                 or _same_number(row.get("stretch_value", ""), candidate.value))]
    clause = compact_text(candidate.clause)
    worded_alike = [row for row in same if any(all(f in clause or clause in f for f in fragments)
                                               for fragments in source_text_clauses(row.get("source_text", "")))]
    return [row["id"] for row in (worded_alike or same)]


def format_number(value: float | None) -> str:
    """Return a number as the plan prints it (540, 13.8), or '' for None."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def candidates_frame(parse: PlanParse) -> pd.DataFrame:
    """Return the candidate targets as a table for an analyst to confirm into targets.csv."""
    return pd.DataFrame([{
        "list_type": c.list_type, "number": format_number(c.number), "phrase": c.phrase,
        "value": format_number(c.value), "unit": c.unit, "comparator": c.comparator,
        "growth_pct": format_number(c.growth_pct), "matched_target_id": c.matched_target_id, "clause": c.clause,
    } for c in parse.candidates], columns=CANDIDATE_COLUMNS)
