"""Matching the new plan's figures to the indicators of earlier years: by meaning (the earlier name, the words its
plan used, the aliases data/aliases.csv gives, 邮政行业业务总量 for 邮政业务总量), with units and kinds that fit."""

from __future__ import annotations

import re

import pandas as pd

from lib import units
from lib.i18n import t
from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plan.candidates import (
    NEW_THIS_YEAR,
    NOT_BELOW,
    ZERO,
    candidates_in_text,
    compact_text,
    source_text_clauses,
    statements_in_text,
)
from lib.plan.model import Mention
from lib.plan.naming import YEARLY_AMOUNT

SAME_INDICATOR = 0.75  # name similarity from which a figure is taken for an earlier indicator


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


def earlier_rows(earlier_targets: pd.DataFrame, year: int) -> list[dict]:
    """Return the latest row before year of each earlier target id (indicator rows left out), in file order."""
    frame = earlier_targets.astype(str).replace({"nan": "", "None": ""})
    latest: dict[str, dict] = {}
    for row in frame.to_dict("records"):
        row_year = as_int(row.get("year", ""))
        if not KINDS.get(row.get("kind"), UNKNOWN_KIND).is_target or row_year is None or row_year >= year:
            continue
        if row["id"] not in latest or as_int(latest[row["id"]]["year"]) <= row_year:
            latest[row["id"]] = row
    return list(latest.values())


def kind_of(name: str):
    """Return a kind's row in the kinds table (a misspelt or blank kind: the table's unknown kind)."""
    return KINDS.get(name, UNKNOWN_KIND)


def needs_baseline(kind: str) -> bool:
    """Return whether a target of this kind is measured against the year before (a flow's pace, not below)."""
    return kind_of(kind).sums_months or kind_of(kind).target_is_last_year


def as_int(text: str) -> int | None:
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
        return kind_of(kind).target_is_last_year or kind_of(kind).judged_by == "rate"
    if mention.value is None:
        return kind_of(kind).sums_months  # a growth rate alone
    if kind == ZERO:
        return mention.value == 0
    if _counts_new(mention) and kind_of(kind).judged_by == "pace" and not kind_of(kind).sums_months:
        return False  # 新增可循环快递箱8万个 counts this year's new boxes, not the boxes in use (a level)
    same_unit = units.canonical_unit(mention.unit) == units.canonical_unit(unit) and units.canonical_unit(unit)
    return bool(same_unit) or mention.unit == unit or units.convertible(mention.unit, unit)


def _counts_new(mention: Mention) -> bool:
    """Return whether a figure counts what is new this year (新增…8万个, 新建…200个) or what the year adds up to
    (年投放量): a flow, whatever earlier level indicator shares its name."""
    return any(verb in NEW_THIS_YEAR for verb in mention.verb.split("、")) or bool(YEARLY_AMOUNT.search(mention.phrase))


def in_item_text(row: dict, item_text: str) -> bool:
    """Return whether the item says what the earlier target's source_text says, word for word (numbers aside)."""
    return any(all(f in compact_text(item_text) for f in fragments)
               for fragments in source_text_clauses(row.get("source_text", "")))


def aliases_by_indicator(aliases: pd.DataFrame | None) -> dict[str, list[str]]:
    """Return each indicator's other names from data/aliases.csv (indicator, alias)."""
    out: dict[str, list[str]] = {}
    if aliases is None or aliases.empty:
        return out
    for indicator, alias in zip(aliases["indicator"], aliases["alias"], strict=True):
        out.setdefault(str(indicator), []).append(str(alias))
    return out


def match_mention(mention: Mention, rows: list[dict], phrases: dict[str, str],
                  aliases: dict[str, list[str]] | None = None, lang: str = "zh") -> tuple[list[dict], str]:
    """Return the earlier rows this mention is (several for one indicator split by region) and a note if unsure."""
    scored = []
    for row in rows:
        if not _fits(mention, row):
            continue
        names = [row["name_zh"], phrases[row["id"]], *(aliases or {}).get(row.get("indicator") or row["id"], [])]
        score = max(similarity(mention.phrase, name) for name in names)
        if mention.statement_kind and in_item_text(row, mention.item.text) and score >= 0.5:
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
        return top[:1], t("plan_note_maybe", lang, others=others)
    return top, ""
