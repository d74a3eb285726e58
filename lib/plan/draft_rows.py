"""The rows of a draft: an earlier target carried into the new year, a new indicator, and a figure not taken (with
its reason), each with targets.csv's columns and the draft's own (taken, needs_review, reason, figure)."""

from __future__ import annotations

import re

from lib import units
from lib.catalog import TARGET_COLUMNS
from lib.i18n import t
from lib.plan.candidates import NOT_BELOW, ZERO, format_number, wording_kind
from lib.plan.classify import Reading
from lib.plan.matching import as_number, kind_of, needs_baseline, similarity
from lib.plan.model import LIST_NAME, MAIN_GOAL, MAIN_GOAL_SECTION, Mention, PlanItem
from lib.plan.naming import english_words, guess_category, guess_kind, new_id, unit_for

TAKEN_COLUMN, REVIEW_COLUMN, REASON_COLUMN, FIGURE_COLUMN = "taken", "needs_review", "reason", "figure"
YES, NO = "是", "否"
VALID_COMPARATORS = {"≥", ">", "≤", "="}
COMPARATORS_READ_AS = {"≈": "≥", "<": "≤"}  # 左右 and 低于: signs targets.csv has not


def _joined(notes: list[str], lang: str) -> str:
    """Return a row's notes for the reviewer as one cell, each once."""
    return ("；" if lang != "en" else "; ").join(dict.fromkeys(note for note in notes if note))


def _sources(found: list[Mention]) -> tuple[str, str, str]:
    """Return source_section, source_item and source_text for the mentions of one target."""
    sections = dict.fromkeys(m.item.section or LIST_NAME.get(m.item.list_type, MAIN_GOAL_SECTION) for m in found)
    named = dict.fromkeys(m.where for m in found if m.item.list_type != MAIN_GOAL)
    clauses = dict.fromkeys(m.clause for m in found)
    text = next(iter(clauses)) if len(clauses) == 1 else "；".join(dict.fromkeys(f"{m.where}：{m.clause}"
                                                                                for m in found))
    return "；".join(sections), "；".join(named), text


def _values(found: list[Mention], unit: str, notes: list[str],
            lang: str) -> tuple[float | None, float | None, float | None]:
    """Return (target, stretch, growth) in unit: the looser of two values is the target, the stricter the stretch."""
    values = []
    for m in found:
        if m.value is None:
            continue
        value = m.value
        if m.unit != unit and unit and units.convertible(m.unit, unit):
            value = round(m.value * units.factor(m.unit, unit), 10)
            notes.append(t("plan_note_converted", lang, value=f"{format_number(m.value)}{m.unit}",
                           converted=f"{format_number(value)}{unit}"))
        values.append(value)
    values = sorted(set(values))
    growth = next((m.growth_pct for m in found if m.growth_pct is not None), None)
    if not values:
        return None, None, growth
    at_most = any(m.comparator in ("≤", "<") for m in found)
    target, stretch = (values[-1], values[0]) if at_most else (values[0], values[-1])
    return target, (stretch if stretch != target else None), growth


def _comparator(found: list[Mention], fallback: str, notes: list[str], lang: str) -> str:
    comparator = found[0].comparator or fallback
    if comparator in COMPARATORS_READ_AS:
        notes.append(t("plan_note_about", lang) if comparator == "≈" else t("plan_note_below", lang))
        comparator = COMPARATORS_READ_AS[comparator]
    return comparator if comparator in VALID_COMPARATORS else fallback


def _figures(found: list[Mention]) -> str:
    return "、".join(dict.fromkeys(f for m in found for f in m.figures))


def _departments(found: list[Mention]) -> list[str]:
    return list(dict.fromkeys(d for m in found for d in m.item.departments))


def carried_row(earlier: dict, found_notes: list[tuple[Mention, str]], year: int, lang: str = "zh") -> dict:
    """Return an earlier target's row for year with the new plan's value, growth, comparator, departments and
    sources."""
    found = [m for m, _ in found_notes]
    notes = [note for _, note in found_notes]
    row = {c: earlier.get(c, "") for c in TARGET_COLUMNS}
    target, stretch, growth = _values(found, earlier["unit"], notes, lang)
    if earlier["kind"] == ZERO:
        target = 0.0
    row.update(year=str(year), target_value=format_number(target), stretch_value=format_number(stretch),
               growth_target_pct=format_number(growth),
               comparator=_comparator(found, earlier["comparator"], notes, lang) if not found[0].statement_kind
               else earlier["comparator"])
    if growth is not None or needs_baseline(earlier["kind"]) or earlier.get("baseline_year"):
        row["baseline_year"] = str(year - 1)
    if kind_of(earlier["kind"]).judged_by == "rate" and found[0].statement_kind == NOT_BELOW:
        notes.append(t("plan_note_trend_for_rate", lang, wording=found[0].wording, value=earlier["target_value"]))
    if earlier["kind"] == NOT_BELOW and target is not None:
        row.update(kind="ratio" if earlier["unit"] == "%" else "level", baseline_year="")
        notes.append(t("plan_note_now_valued", lang, kind=row["kind"]))
    old = as_number(earlier.get("target_value", ""))
    if old and target is not None and not 0.5 <= target / old <= 2:
        notes.append(t("plan_note_big_change", lang, old=f"{format_number(old)}{earlier['unit']}"))
    if len({m.phrase for m in found}) > 1 and len({m.value for m in found}) > 1 \
            and min(similarity(a.phrase, b.phrase) for a in found for b in found) < 0.9:
        notes.append(t("plan_note_two_wordings", lang))
    plan_leads = _departments(found)
    earlier_leads = [d.strip() for d in re.split(r"[、,，;；]", earlier.get("lead_departments", "")) if d.strip()]
    if plan_leads and set(plan_leads) != set(earlier_leads):
        row["lead_departments"] = "、".join(plan_leads)
        notes.append(t("plan_note_new_lead", lang, plan="、".join(plan_leads),
                       earlier=earlier["lead_departments"] or "—"))
    elif not plan_leads and earlier_leads:  # the 主要目标 name no department: last year's stays, and the row says so
        notes.append(t("plan_note_lead_kept", lang, where="、".join(dict.fromkeys(m.where for m in found)),
                       earlier="、".join(earlier_leads)))
    if found[0].idiom:
        notes.append(t("plan_note_idiom", lang, wording=found[0].wording))
    row["source_section"], row["source_item"], row["source_text"] = _sources(found)
    row[REVIEW_COLUMN] = _joined(notes, lang)
    row[FIGURE_COLUMN] = _figures(found)
    return row


def group_new(found: list[Mention]) -> list[list[Mention]]:
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


def said_by_carried(mention: Mention, carried: dict[str, list[tuple[Mention, str]]]) -> bool:
    """Return whether a numberless target restates one carried over from the same item (零感染 in its sentence)."""
    return bool(mention.statement_kind) and any(
        m.item is mention.item and m.statement_kind == mention.statement_kind
        and (mention.phrase in m.clause or mention.wording in m.clause) for found in carried.values() for m, _ in found)


def new_row(found: list[Mention], year: int, taken: set[str], lang: str = "zh") -> dict:
    """Return a new indicator's row with guessed kind, unit, category and names, and the note listing the guesses."""
    first = found[0]
    kind, reason = guess_kind(first)
    notes = [t("plan_note_new_kind", lang, reason=reason, kind=kind)]
    unit = unit_for(first, kind)
    target, stretch, growth = _values(found, unit, notes, lang)
    if kind == ZERO:
        target = 0.0
    category = guess_category(first.phrase)
    if category:
        notes.append(t("plan_note_category", lang, category=category))
    else:
        notes.append(t("plan_note_no_category", lang))
    if not units.is_known(unit):
        if unit:
            notes.append(t("plan_note_unknown_unit", lang, unit=unit))
        else:
            notes.append(t("plan_note_no_unit", lang))
    departments = _departments(found)
    if not departments:
        notes.append(t("plan_note_no_lead_goal" if first.item.list_type == MAIN_GOAL else "plan_note_no_lead", lang))
    words = english_words(first.phrase)
    notes.append(t("plan_note_english" if words else "plan_note_no_english", lang))
    identifier = new_id(first.phrase, taken)
    row = {c: "" for c in TARGET_COLUMNS}
    section, source_item, source_text = _sources(found)
    row.update(id=identifier, year=str(year), name_zh=first.phrase,
               name_en=" ".join(words).capitalize(), category=category, lead_departments="、".join(departments),
               unit=unit, target_value=format_number(target), stretch_value=format_number(stretch),
               comparator=_comparator(found, "≥", notes, lang), kind=kind,
               aggregation=kind_of(kind).default_aggregation, growth_target_pct=format_number(growth),
               baseline_year=str(year - 1) if needs_baseline(kind) or growth is not None else "",
               source_section=section, source_item=source_item, source_text=source_text)
    row[REVIEW_COLUMN] = _joined(notes, lang)
    row[FIGURE_COLUMN] = _figures(found)
    return row


NAME_LENGTH = 40  # a not-taken figure's name: at most this many characters of its clause around it


def figure_name(reading: Reading) -> str:
    """Return a name for a figure not taken, from the words around it: its candidate's phrase (全国快递业务量,
    有效申诉率), else its clause, trimmed around the figure (行政许可办结时限压缩至5个工作日, 推进“一网通办”)."""
    if reading.candidate is not None and reading.candidate.phrase:
        return reading.candidate.phrase
    clause = reading.clause.strip(" ，,、：:；;。")
    at = clause.find(reading.figure.text)
    if len(clause) <= NAME_LENGTH or at < 0:
        return clause[:NAME_LENGTH] or reading.figure.text
    start = max(0, min(at - (NAME_LENGTH - len(reading.figure.text)) // 2, len(clause) - NAME_LENGTH))
    return ("…" if start else "") + clause[start:start + NAME_LENGTH] + ("…" if start + NAME_LENGTH < len(clause)
                                                                        else "")


def figure_row(reading: Reading, year: int, lang: str = "zh") -> dict:
    """Return a figure not taken as a draft row: its reason, the figure as written, and the fields a reviewer who
    flips it to taken would start from (name, value, unit, comparator, kind, departments, source). Its id is left
    blank: flipped to taken, it gets one from its name when the draft is checked or published (fill_ids)."""
    item = reading.passage.item or PlanItem("", "", "", None, reading.passage.text, [])
    name = figure_name(reading)
    value = reading.figure.value
    unit = reading.figure.unit
    own = reading.candidate is not None and reading.candidate.span == reading.span  # its own figure, not a growth
    comparator = reading.candidate.comparator if own and reading.candidate.comparator in VALID_COMPARATORS else "≥"
    statement_kind = (ZERO if wording_kind(reading.figure.text) == ZERO else NOT_BELOW) \
        if reading.figure.form == "wording" else ""
    mention = Mention(item, name, value, unit, "≤" if statement_kind == ZERO else comparator,
                      reading.candidate.growth_pct if reading.candidate else None, reading.clause, statement_kind,
                      reading.figure.text if statement_kind else "")
    kind, _ = guess_kind(mention) if value is not None or statement_kind else ("level", "")
    if statement_kind:  # 杜绝野蛮分拣: flipped, a target that must not happen (0) or must not fall
        value, unit = (0.0 if kind == ZERO else None), unit_for(mention, kind)
    row = {c: "" for c in TARGET_COLUMNS}
    row.update(year=str(year), name_zh=name, name_en=" ".join(english_words(name)).capitalize(),
               category=guess_category(name), lead_departments="、".join(item.departments), unit=unit,
               target_value=format_number(value), comparator=mention.comparator, kind=kind,
               aggregation=kind_of(kind).default_aggregation,
               growth_target_pct=format_number(mention.growth_pct),
               baseline_year=str(year - 1) if needs_baseline(kind) else "",
               source_section=item.section or ("" if reading.passage.item is None else MAIN_GOAL_SECTION),
               source_item=reading.passage.where if item.list_type != MAIN_GOAL else "",  # 第9行 outside the lists
               source_text=reading.clause)
    label = t(f"plan_reason_{reading.reason}", "zh")
    row[TAKEN_COLUMN] = NO
    row[REASON_COLUMN] = f"{label}：{reading.detail}" if reading.detail else label
    row[FIGURE_COLUMN] = reading.figure.text
    row[REVIEW_COLUMN] = "" if reading.passage.item is not None else t("plan_note_see_line", lang,
                                                                         where=reading.passage.where)
    return row


def fill_ids(rows: list[dict], others: set[str] | None = None) -> list[dict]:
    """Return the rows with a readable id for each that has none (a figure flipped to taken by the reviewer), made
    from its name like a new indicator's (complaint for 有效申诉率), unique among the draft's ids (and others)."""
    taken = ({str(row.get("id", "")) for row in rows} | (others or set())) - {""}
    out = []
    for row in rows:
        if not str(row.get("id", "")).strip():
            row = {**row, "id": new_id(str(row.get("name_zh", "")), taken, fallback="target")}
            taken.add(row["id"])
        out.append(row)
    return out


def complete_hand_row(row: dict, year: int, taken: set[str]) -> dict:
    """Return a row a reviewer added by hand with what they left blank filled as a drafted row would have it: taken,
    the year, an id from its name, the kind's aggregation, ≥, and last year as baseline where the kind needs one."""
    out = {c: ("" if row.get(c) is None else str(row.get(c))) for c in [*TARGET_COLUMNS, TAKEN_COLUMN, REVIEW_COLUMN,
                                                                          REASON_COLUMN, FIGURE_COLUMN]}
    out[TAKEN_COLUMN] = out[TAKEN_COLUMN] or YES
    out["year"] = out["year"] or str(year)
    out["id"] = out["id"] or new_id(out["name_zh"], taken, fallback="target")
    out["kind"] = out["kind"] or "level"
    out["aggregation"] = out["aggregation"] or kind_of(out["kind"]).default_aggregation
    out["comparator"] = out["comparator"] or "≥"
    if not out["baseline_year"] and needs_baseline(out["kind"]):
        out["baseline_year"] = str(year - 1)
    return out
