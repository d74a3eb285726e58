"""Next year's targets drafted from a plan and the earlier years' targets.csv rows, for an analyst to review.

A figure the plan gives for an indicator an earlier year already had (matched by meaning: the earlier name or the
words its plan used, 业务收入 after 邮政业务总量 read as 邮政业务收入, units converted) carries that indicator's id and
definition with the new value; figures quoted for the country or the province are context, left out; anything else is
a new indicator with a readable id and a guessed kind, and a needs_review note saying what was guessed.

The draft has targets.csv's columns plus needs_review, a note for the reviewer that lib/plan/review.py reports as a
warning and drops when the year's rows are published into targets.csv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from lib import units
from lib.catalog import TARGET_COLUMNS
from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plan.candidates import (
    NOT_BELOW,
    RATE_NOUN,
    ZERO,
    TargetCandidate,
    candidates_in_text,
    compact_text,
    find_context_figures,
    format_number,
    source_text_clauses,
    statements_in_text,
)
from lib.plan.structure import LIST_NAME, MAIN_GOAL, MAIN_GOAL_SECTION, PlanItem, PlanParse

REVIEW_COLUMN = "needs_review"
DRAFT_COLUMNS = [*TARGET_COLUMNS, REVIEW_COLUMN]
NUMBER_COLUMNS = ("year", "target_value", "stretch_value", "growth_target_pct", "baseline_year")
SAME_INDICATOR = 0.75  # name similarity from which a figure is taken for an earlier indicator
VALID_COMPARATORS = {"≥", ">", "≤", "="}
COMPARATOR_NOTES = {"≈": ("≥", "原文为“左右”，按≥处理"), "<": ("≤", "原文为“低于”，按≤处理")}

FLOW_UNITS = {"亿件", "万件", "件", "亿元", "万元", "元", "人次", "万人次", "次", "起", "吨"}
LEVEL_UNITS = {"个", "万个", "家", "组", "座", "所", "处", "台", "套", "辆", "条", "户", "名", "项", "批", "场"}
CATEGORY_WORDS = [  # first match wins
    ("culture_security", ("扫黄打非",)),
    ("green", ("绿色", "包装", "可循环", "回收", "新能源", "减量")),
    ("workforce", ("培训", "从业人员", "技能", "人才", "职称", "快递员")),
    ("rural", ("建制村", "农村", "乡镇", "进村", "下乡")),
    ("safety", ("安全", "事故", "感染", "违规", "实名", "机要")),
    ("quality", ("满意", "申诉", "投诉", "准时", "及时", "正确率")),
    ("headline", ("业务总量", "业务收入", "业务量")),
]
# Words for readable ids and draft English names (pinyin is not available); longest match first, '' drops a word.
WORDS = {
    "邮政": "postal", "快递": "express", "业务总量": "business volume", "业务收入": "revenue", "业务量": "volume",
    "收入": "revenue", "总量": "volume", "新建": "new", "小区": "residential", "智能信报箱": "smart mailboxes",
    "信报箱": "mailboxes", "智能快件箱": "parcel lockers", "快件箱": "parcel lockers", "综合服务站": "service stations",
    "服务站": "service stations", "末端": "last mile", "驿站": "stations", "制造业": "manufacturing",
    "重点项目": "key projects", "项目": "projects", "新能源": "new energy", "车辆": "vehicles", "占比": "share",
    "比重": "share", "比例": "share", "违规": "violation", "事件": "incidents", "事故": "accidents", "重大": "major",
    "安全": "safety", "寄递": "delivery", "培训": "training", "从业人员": "practitioners", "快递员": "couriers",
    "覆盖率": "coverage", "通达率": "coverage", "满意度": "satisfaction", "满意率": "satisfaction", "率": "rate",
    "建制村": "villages", "农村": "rural", "乡镇": "township", "绿色": "green", "网点": "outlets",
    "分拨中心": "sorting centres", "包装": "packaging", "可循环": "reusable", "快递箱": "boxes", "回收": "recycling",
    "装置": "devices", "电商": "ecommerce", "快件": "parcels", "申诉": "complaint", "投诉": "complaints",
    "执法检查": "inspections", "检查": "inspections", "执法": "enforcement", "扫黄打非": "sbdf",
    "工作站": "workstations", "工作点": "points", "感染": "infections", "机要通信": "confidential mail",
    "标准化": "standardised", "标杆": "benchmark", "统计": "statistics", "公开": "disclosure", "及时": "timely",
    "准时": "on time", "正确": "correct", "答复": "replies", "处理": "handling", "跨境": "cross border",
    "国际": "international", "航空": "air", "冷链": "cold chain", "仓储": "warehousing", "无人机": "drones",
    "投递": "delivery", "揽收": "pickup", "时限": "time limit", "党建": "party building", "技能": "skills",
    "大赛": "contest", "设施": "facilities", "平台": "platforms", "中心": "centres", "园区": "parks",
    "主要": "", "品牌": "", "配套": "", "建设": "", "的": "", "企业": "", "服务": "", "工作": "", "全市": "",
    "全年": "", "累计": "",
}
WORD_PATTERN = re.compile("|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)))
STOP_TOKENS = {"", "rate"}


@dataclass
class Mention:
    """One figure or numberless target of the new plan, with the item (or 主要目标 paragraph) that says it."""

    item: PlanItem
    phrase: str
    value: float | None
    unit: str
    comparator: str
    growth_pct: float | None
    clause: str
    statement_kind: str = ""  # not_below_last_year or zero_tolerance for a target without a number
    wording: str = ""

    @property
    def where(self) -> str:
        """Return where the plan says it: 主要目标, 工作要点11, 民生实事4."""
        return _where(self.item.list_type, self.item.number)


@dataclass
class Draft:
    """Next year's target rows (targets.csv's columns and needs_review) and what the drafting found."""

    year: int
    rows: pd.DataFrame
    carried: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    context: list[TargetCandidate] = field(default_factory=list)
    not_carried: list[tuple[str, str]] = field(default_factory=list)  # (id, name_zh) of last year's targets

    def summary(self) -> str:
        """Return the drafting in a few Chinese lines: counts, carried, new, not found, context left out."""
        review = int((self.rows[REVIEW_COLUMN] != "").sum())
        lines = [f"{self.year}年目标草稿：{len(self.rows)}行（沿用上年指标{len(self.carried)}项，"
                 f"新指标{len(self.new)}项，待核对{review}行）"]
        if self.carried:
            lines.append("沿用：" + "、".join(self.carried))
        if self.new:
            names = dict(zip(self.rows["id"], self.rows["name_zh"], strict=True))
            lines.append("新增（待核对）：" + "、".join(f"{i}（{names[i]}）" for i in self.new))
        if self.not_carried:
            lines.append("上年有、本年计划未提及：" + "、".join(f"{i}（{name}）" for i, name in self.not_carried))
        if self.context:
            lines.append("背景数字（未列入草稿）：" + "；".join(
                f"{c.phrase} {format_number(c.value)}{c.unit}" + (f"、增长{format_number(c.growth_pct)}%"
                                                                  if c.growth_pct is not None else "")
                + f"（{_where(c.list_type, c.number)}）" for c in self.context))
        return "\n".join(lines)


def _where(list_type: str, number: int | None) -> str:
    return "主要目标" if list_type == MAIN_GOAL else f"{LIST_NAME[list_type]}{number}"


def similarity(a: str, b: str) -> float:
    """Return how alike two names are, 0–1: 1 when equal, ~0.9 when one holds the other, else the larger of the shared
    character pairs and (a little discounted) the shared characters, so reordered words (建制村快递服务通达率,
    主要品牌快递服务建制村通达率) still meet."""
    a, b = _name_key(a), _name_key(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and short in long:
        return 0.85 + 0.1 * len(short) / len(long)
    return max(_dice([a[i:i + 2] for i in range(len(a) - 1)], [b[i:i + 2] for i in range(len(b) - 1)]),
               0.95 * _dice(list(a), list(b)))


def _dice(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(min(a.count(p), b.count(p)) for p in set(a))
    return 2 * shared / (len(a) + len(b))


def _name_key(text: str) -> str:
    return re.sub(r"[\s“”\"'‘’]", "", str(text))


def mentions(parse: PlanParse) -> list[Mention]:
    """Return the plan's city figures and numberless targets, 业务收入 after 邮政业务总量 read as 邮政业务收入."""
    found: list[Mention] = []
    for item in [*parse.goals, *parse.tasks]:
        in_item: list[Mention] = []
        for c in candidates_in_text(item.text, item.list_type, item.number):
            phrase = c.phrase
            qualifier = re.match(r"^(.+?)业务", in_item[-1].phrase) if in_item else None
            if phrase.startswith("业务") and qualifier:
                phrase = qualifier.group(1) + phrase  # the list shares its qualifier: 邮政业务总量…，业务收入…
            in_item.append(Mention(item, phrase, c.value, c.unit, c.comparator, c.growth_pct, c.clause))
        in_item += [Mention(item, s.subject, None, "", "≤" if s.kind == ZERO else "≥", None, s.clause, s.kind,
                            s.wording)
                    for s in statements_in_text(item.text, item.list_type, item.number)]
        found += in_item
    return found


def _earlier_rows(earlier_targets: pd.DataFrame, year: int) -> list[dict]:
    """Return the latest row before year of each earlier target id (indicator rows left out), in file order."""
    frame = earlier_targets.astype(str).replace({"nan": "", "None": ""})
    latest: dict[str, dict] = {}
    for row in frame.to_dict("records"):
        row_year = _int(row.get("year", ""))
        if not KINDS.get(row.get("kind"), UNKNOWN_KIND).is_target or row_year is None or row_year >= year:
            continue
        if row["id"] not in latest or _int(latest[row["id"]]["year"]) <= row_year:
            latest[row["id"]] = row
    return list(latest.values())


def _kind(name: str):
    """Return a kind's row in the kinds table (a misspelt or blank kind: the table's unknown kind)."""
    return KINDS.get(name, UNKNOWN_KIND)


def _needs_baseline(kind: str) -> bool:
    """Return whether a target of this kind is measured against the year before (a flow's pace, not below)."""
    return _kind(kind).sums_months or _kind(kind).target_is_last_year


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return None


def as_number(text: str) -> float | None:
    """Return a cell's number, or None when it is blank or not a number."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _source_phrase(row: dict) -> str:
    """Return the words the earlier plan used for this target: of the phrases in its source_text, the one nearest
    its name (a source_text may name several targets: 申诉处理正确率、企业答复准时率和…满意率)."""
    text = row.get("source_text", "")
    phrases = [c.phrase for c in candidates_in_text(text)] + [s.subject for s in statements_in_text(text)]
    return max((p for p in phrases if p), key=lambda p: similarity(p, row["name_zh"]), default="")


def source_phrases(rows: list[dict]) -> dict[str, str]:
    """Return each earlier target's own words in its plan; words two targets share (one sentence naming both) stay
    with the target whose name they are nearest (快递服务满意度 with express_satisfaction, not the 邮政普遍服务 one)."""
    phrases = {row["id"]: _source_phrase(row) for row in rows}
    closeness = {row["id"]: similarity(phrases[row["id"]], row["name_zh"]) for row in rows}
    for phrase in set(phrases.values()):
        sharing = [i for i, p in phrases.items() if p == phrase]
        nearest = max(closeness[i] for i in sharing)
        for i in sharing:
            if closeness[i] < nearest - 0.02:
                phrases[i] = ""
    return phrases


def _fits(mention: Mention, row: dict) -> bool:
    """Return whether a figure could measure an earlier target: a compatible unit and kind."""
    kind, unit = row.get("kind", ""), row.get("unit", "")
    if mention.statement_kind == ZERO:
        return kind == ZERO
    if mention.statement_kind == NOT_BELOW:
        return _kind(kind).target_is_last_year or _kind(kind).judged_by == "rate"
    if mention.value is None:
        return _kind(kind).sums_months  # a growth rate alone
    if kind == ZERO:
        return mention.value == 0
    same_unit = units.canonical_unit(mention.unit) == units.canonical_unit(unit) and units.canonical_unit(unit)
    return bool(same_unit) or mention.unit == unit or units.convertible(mention.unit, unit)


def _in_item_text(row: dict, item_text: str) -> bool:
    """Return whether the item says what the earlier target's source_text says, word for word (numbers aside)."""
    return any(all(f in compact_text(item_text) for f in fragments)
               for fragments in source_text_clauses(row.get("source_text", "")))


def _match(mention: Mention, rows: list[dict], phrases: dict[str, str]) -> tuple[list[dict], str]:
    """Return the earlier rows this mention is (several for one indicator split by region) and a note if unsure."""
    scored = []
    for row in rows:
        if not _fits(mention, row):
            continue
        score = max(similarity(mention.phrase, row["name_zh"]), similarity(mention.phrase, phrases[row["id"]]))
        if mention.statement_kind and _in_item_text(row, mention.item.text) and score >= 0.5:
            score = max(score, 0.95)  # the same words as last year's plan
        if score >= SAME_INDICATOR:
            scored.append((score, row))
    if not scored:
        return [], ""
    best = max(score for score, _ in scored)
    top = [row for score, row in scored if score >= best - 0.02]
    indicators = {row.get("indicator") or row["id"] for row in top}
    if len(top) > 1 and len(indicators) > 1:
        others = "、".join(row["id"] for row in top[1:])
        return top[:1], f"也可能是 {others}，请核对"
    return top, ""


def draft_targets(parse: PlanParse, year: int, earlier_targets: pd.DataFrame) -> Draft:
    """Return the draft of year's targets from a parsed plan and the earlier years' targets.csv rows."""
    rows = _earlier_rows(earlier_targets, year)
    phrases = source_phrases(rows)
    items = [*parse.goals, *parse.tasks]
    carried: dict[str, list[tuple[Mention, str]]] = {}
    unmatched: list[Mention] = []
    for mention in mentions(parse):
        matched, note = _match(mention, rows, phrases)
        for row in matched:
            carried.setdefault(row["id"], []).append((mention, note))
        if not matched:
            unmatched.append(mention)
    # Numberless targets whose words are last year's, word for word, though no rate or score is named (邮政普遍服务
    # 水平…稳中有升, 切实加强…消毒处置……“零感染”).
    for row in rows:
        if row["id"] not in carried and row.get("kind") in (NOT_BELOW, ZERO):
            said = [item for item in items if _in_item_text(row, item.text)]
            if said:
                mention = Mention(said[0], row["name_zh"], None, "", "≤" if row["kind"] == ZERO else "≥", None,
                                  row["source_text"], row["kind"])
                carried[row["id"]] = [(mention, "")]
    covered = {id(m) for found in carried.values() for m, _ in found}
    rows_by_id = {row["id"]: row for row in rows}
    out = [_carried_row(rows_by_id[i], found, year) for i, found in
           sorted(carried.items(), key=lambda pair: list(rows_by_id).index(pair[0]))]
    taken = {row["id"] for row in rows} | set(carried)
    new_rows = []
    for group in _group_new([m for m in unmatched if id(m) not in covered and not _said_by_carried(m, carried)]):
        new_rows.append(_new_row(group, year, taken))
        taken.add(new_rows[-1]["id"])
    frame = pd.DataFrame(out + new_rows, columns=DRAFT_COLUMNS).fillna("")
    last_year = [row for row in rows if _int(row["year"]) == year - 1]
    return Draft(year=year, rows=frame, carried=[r["id"] for r in out], new=[r["id"] for r in new_rows],
                 context=find_context_figures(parse),
                 not_carried=[(row["id"], row["name_zh"]) for row in last_year if row["id"] not in carried])


def _said_by_carried(mention: Mention, carried: dict[str, list[tuple[Mention, str]]]) -> bool:
    """Return whether a numberless target restates one carried over from the same item (零感染 in its sentence)."""
    return bool(mention.statement_kind) and any(
        m.item is mention.item and m.statement_kind == mention.statement_kind
        and (mention.phrase in m.clause or mention.wording in m.clause) for found in carried.values() for m, _ in found)


def _sources(found: list[Mention]) -> tuple[str, str, str]:
    """Return source_section, source_item and source_text for the mentions of one target."""
    sections = dict.fromkeys(m.item.section or LIST_NAME.get(m.item.list_type, MAIN_GOAL_SECTION) for m in found)
    named = dict.fromkeys(m.where for m in found if m.item.list_type != MAIN_GOAL)
    clauses = dict.fromkeys(m.clause for m in found)
    text = next(iter(clauses)) if len(clauses) == 1 else "；".join(dict.fromkeys(f"{m.where}：{m.clause}"
                                                                                for m in found))
    return "；".join(sections), "；".join(named), text


def _values(found: list[Mention], unit: str, notes: list[str]) -> tuple[float | None, float | None, float | None]:
    """Return (target, stretch, growth) in unit: the looser of two values is the target, the stricter the stretch."""
    values = []
    for m in found:
        if m.value is None:
            continue
        value = m.value
        if m.unit != unit and unit and units.convertible(m.unit, unit):
            value = round(m.value * units.factor(m.unit, unit), 10)
            notes.append(f"原文为{format_number(m.value)}{m.unit}，已换算为{format_number(value)}{unit}")
        values.append(value)
    values = sorted(set(values))
    growth = next((m.growth_pct for m in found if m.growth_pct is not None), None)
    if not values:
        return None, None, growth
    at_most = any(m.comparator in ("≤", "<") for m in found)
    target, stretch = (values[-1], values[0]) if at_most else (values[0], values[-1])
    return target, (stretch if stretch != target else None), growth


def _comparator(found: list[Mention], fallback: str, notes: list[str]) -> str:
    comparator = found[0].comparator or fallback
    if comparator in COMPARATOR_NOTES:
        comparator, note = COMPARATOR_NOTES[comparator]
        notes.append(note)
    return comparator if comparator in VALID_COMPARATORS else fallback


def _carried_row(earlier: dict, found_notes: list[tuple[Mention, str]], year: int) -> dict:
    """Return an earlier target's row for year with the new plan's value, growth, comparator and sources."""
    found = [m for m, _ in found_notes]
    notes = list(dict.fromkeys(note for _, note in found_notes if note))
    row = {c: earlier.get(c, "") for c in TARGET_COLUMNS}
    target, stretch, growth = _values(found, earlier["unit"], notes)
    if earlier["kind"] == ZERO:
        target = 0.0
    row.update(year=str(year), target_value=format_number(target), stretch_value=format_number(stretch),
               growth_target_pct=format_number(growth),
               comparator=_comparator(found, earlier["comparator"], notes) if not found[0].statement_kind
               else earlier["comparator"])
    if growth is not None or _needs_baseline(earlier["kind"]) or earlier.get("baseline_year"):
        row["baseline_year"] = str(year - 1)
    if _kind(earlier["kind"]).judged_by == "rate" and found[0].statement_kind == NOT_BELOW:
        notes.append(f"本年计划写作“{found[0].wording}”，上年为比率目标{earlier['target_value']}%，请定类型与目标值")
    if earlier["kind"] == NOT_BELOW and target is not None:
        row.update(kind="ratio" if earlier["unit"] == "%" else "level", baseline_year="")
        notes.append(f"上年为“不低于上年”，本年计划定了目标值，类型改为{row['kind']}，请核对")
    old = as_number(earlier.get("target_value", ""))
    if old and target is not None and not 0.5 <= target / old <= 2:
        notes.append(f"较上年目标{format_number(old)}{earlier['unit']}变化超过一倍，请核对")
    if len({m.phrase for m in found}) > 1 and len({m.value for m in found}) > 1 \
            and min(similarity(a.phrase, b.phrase) for a in found for b in found) < 0.9:
        notes.append("本年计划有两处不同说法对应此目标，请核对")
    plan_leads = {d for m in found for d in m.item.departments}
    earlier_leads = {d.strip() for d in re.split(r"[、,，;；]", earlier.get("lead_departments", "")) if d.strip()}
    if plan_leads and plan_leads != earlier_leads:
        notes.append(f"本年计划牵头为{'、'.join(sorted(plan_leads))}，沿用了上年的{earlier['lead_departments']}")
    row["source_section"], row["source_item"], row["source_text"] = _sources(found)
    row[REVIEW_COLUMN] = "；".join(notes)
    return row


def _group_new(found: list[Mention]) -> list[list[Mention]]:
    """Return new figures grouped by indicator: the same words in the work items and in the 民生实事 are one."""
    groups: list[list[Mention]] = []
    for mention in found:
        for group in groups:
            first = group[0]
            same_unit = first.unit == mention.unit or units.convertible(first.unit, mention.unit)
            if same_unit and first.statement_kind == mention.statement_kind \
                    and similarity(first.phrase, mention.phrase) >= 0.9:
                group.append(mention)
                break
        else:
            groups.append([mention])
    return groups


def guess_kind(mention: Mention) -> tuple[str, str]:
    """Return (kind, the words it was guessed from) for a new indicator."""
    if mention.statement_kind:
        return mention.statement_kind, mention.wording
    if mention.value == 0:
        return ZERO, "0"
    if found := re.search(r"零|不发生", mention.clause):
        return ZERO, found.group(0)
    if mention.unit in ("%", "个百分点") or RATE_NOUN.search(mention.phrase):
        found = RATE_NOUN.search(mention.phrase)
        return "ratio", found.group(0) if found else mention.unit
    if mention.value is None:
        return "flow", "同比增长"
    if mention.unit in FLOW_UNITS:
        return "flow", mention.unit
    if mention.unit in LEVEL_UNITS:
        built = re.search(r"建成|新建|建设|新增", mention.clause)
        return "level", (built.group(0) + "…" if built else "") + mention.unit
    return "level", "（无法判断）"


def _unit_for(mention: Mention, kind: str) -> str:
    if mention.unit:
        return mention.unit
    if kind == ZERO:
        return "例" if re.search(r"感染|病例|伤亡|死亡", mention.phrase) else "起"
    if re.search(r"(?:率|比例|占比|比重)$", mention.phrase):
        return "%"
    return "分" if re.search(r"满意度|指数", mention.phrase) else ""


def english_words(phrase: str) -> list[str]:
    """Return the English words of a Chinese name from the word table, in order, each once."""
    words: list[str] = []
    for match in WORD_PATTERN.finditer(phrase):
        for word in WORDS[match.group(0)].split():
            if word not in words:
                words.append(word)
    return words


def new_id(phrase: str, taken: set[str]) -> str:
    """Return a readable id for a new indicator (new_residential_smart_mailboxes), unique among taken."""
    words = [w for w in english_words(phrase) if w not in STOP_TOKENS] or english_words(phrase)
    base = re.sub(r"[^a-z0-9_]", "", "_".join(words[:5]).replace(" ", "_")) or "new"
    if not base[0].isalpha():
        base = "new_" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _new_row(found: list[Mention], year: int, taken: set[str]) -> dict:
    """Return a new indicator's row with guessed kind, unit, category and names, and the note listing the guesses."""
    first = found[0]
    kind, reason = guess_kind(first)
    notes = [f"新指标：类型按“{reason}”推测为{kind}"]
    unit = _unit_for(first, kind)
    target, stretch, growth = _values(found, unit, notes)
    if kind == ZERO:
        target = 0.0
    category = next((name for name, words in CATEGORY_WORDS if any(w in first.phrase for w in words)), "")
    notes.append(f"类别按名称推测为{category}" if category else "类别待填")
    if not units.is_known(unit):
        notes.append(f"单位“{unit}”不在单位表中，请改为已知单位" if unit else "单位待填")
    departments = list(dict.fromkeys(d for m in found for d in m.item.departments))
    if not departments:
        notes.append("主要目标未写牵头处室，请填写")
    words = english_words(first.phrase)
    notes.append("英文名按词表拼出，请润色" if words else "英文名待填")
    identifier = new_id(first.phrase, taken)
    row = {c: "" for c in TARGET_COLUMNS}
    section, source_item, source_text = _sources(found)
    row.update(id=identifier, year=str(year), name_zh=first.phrase,
               name_en=" ".join(words).capitalize(), category=category, lead_departments="、".join(departments),
               unit=unit, target_value=format_number(target), stretch_value=format_number(stretch),
               comparator=_comparator(found, "≥", notes), kind=kind,
               aggregation=_kind(kind).default_aggregation, growth_target_pct=format_number(growth),
               baseline_year=str(year - 1) if _needs_baseline(kind) or growth is not None else "",
               source_section=section, source_item=source_item, source_text=source_text)
    row[REVIEW_COLUMN] = "；".join(dict.fromkeys(notes))
    return row
