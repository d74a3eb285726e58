"""Next year's targets drafted from a plan and the earlier years' targets.csv rows, for an analyst to review.

Every figure of the plan is in the draft. The recall (lib/plan/figures.py) finds them and lib/plan/classify.py decides
what each is. A taken figure for an indicator an earlier year already had (matched by meaning, lib/plan/matching.py:
the earlier name, the words its plan used, the aliases in data/aliases.csv, units converted) carries that indicator's
id and definition with the new value; any other taken figure is a new indicator with a readable id and a guessed kind
(lib/plan/naming.py) and a needs_review note saying what was guessed. Every other figure is a row marked not taken
with its reason (context for the country or the province, last year's result, a date, a name, an idiom…).

The draft has targets.csv's columns plus taken (是/否: the one column a reviewer flips), needs_review (a note for
the reviewer, a warning on publishing), reason (why a figure is not taken) and figure (as the plan wrote it). Only
the taken rows are published; the other columns are dropped from targets.csv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from lib.catalog import TARGET_COLUMNS
from lib.i18n import t
from lib.plan.candidates import NOT_BELOW, ZERO, format_number
from lib.plan.classify import REASONS, Reading, read_figures
from lib.plan.departments import resolve_departments
from lib.plan.draft_rows import (
    FIGURE_COLUMN,
    NO,
    REASON_COLUMN,
    REVIEW_COLUMN,
    TAKEN_COLUMN,
    YES,
    carried_row,
    figure_row,
    group_new,
    new_row,
    said_by_carried,
)
from lib.plan.matching import aliases_by_indicator, as_int, earlier_rows, in_item_text, match_mention, source_phrases
from lib.plan.model import MAIN_GOAL, MAIN_GOAL_SECTION, Mention, PlanItem, PlanParse, TargetCandidate
from lib.plan.text import SkippedPart

DRAFT_COLUMNS = [TAKEN_COLUMN, *TARGET_COLUMNS, REVIEW_COLUMN, REASON_COLUMN, FIGURE_COLUMN]
NUMBER_COLUMNS = ("year", "target_value", "stretch_value", "growth_target_pct", "baseline_year")
TAKEN_WORDS = {"是", "采纳", "y", "yes", "true", "1", "√", "✓", "✔", "x"}
NOT_TAKEN_WORDS = {"否", "不采纳", "n", "no", "false", "0", "×", "✗", ""}


def is_taken(cell: object) -> bool:
    """Return whether a draft's taken cell says the row is a target (是, yes, 1, √, TRUE…)."""
    if isinstance(cell, bool):
        return cell
    return str(cell).strip().lower() in TAKEN_WORDS


def reason_label(code: str, detail: str = "", lang: str = "zh") -> str:
    """Return a reason as the draft writes it: 背景数字：全国, 日期或期限：2021年."""
    label = t(f"plan_reason_{code}", lang)
    return f"{label}{'：' if lang != 'en' else ': '}{detail}" if detail else label


def reason_code(label: str) -> str:
    """Return the reason code of a label the draft wrote (in either language), '' when it is none."""
    head = re.split(r"[：:]", str(label), maxsplit=1)[0].strip()
    for code in REASONS:
        if head in (t(f"plan_reason_{code}", "zh"), t(f"plan_reason_{code}", "en")):
            return code
    return "reviewer" if head else ""


def translate_reason(label: str, lang: str) -> str:
    """Return a reason label of the draft in the reader's language (the detail stays as written)."""
    code = reason_code(label)
    if not code or lang != "en":
        return str(label)
    parts = re.split(r"[：:]", str(label), maxsplit=1)
    return reason_label(code, parts[1].strip() if len(parts) > 1 else "", lang)


@dataclass
class Draft:
    """Next year's rows (taken targets, then every other figure) and what the drafting found."""

    year: int
    rows: pd.DataFrame
    carried: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    context: list[TargetCandidate] = field(default_factory=list)
    not_carried: list[tuple[str, str]] = field(default_factory=list)  # (id, name_zh) of last year's targets
    readings: list[Reading] = field(default_factory=list)
    skipped: tuple[SkippedPart, ...] = ()
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)  # named by the plan, unknown to the data

    @property
    def taken_rows(self) -> pd.DataFrame:
        """Return the rows marked taken (what publishing would write)."""
        return self.rows[self.rows[TAKEN_COLUMN].map(is_taken)].reset_index(drop=True)

    def reason_counts(self) -> dict[str, int]:
        """Return how many rows are not taken, by reason code, in REASONS' order."""
        codes = [reason_code(label) for label, taken in zip(self.rows[REASON_COLUMN], self.rows[TAKEN_COLUMN],
                                                            strict=True) if not is_taken(taken)]
        return {code: codes.count(code) for code in REASONS if code in codes}

    def summary(self, lang: str = "zh") -> str:
        """Return the drafting in a few lines: taken, not taken by reason, parts not read, carried, new, context."""
        taken = self.taken_rows
        review = int((taken[REVIEW_COLUMN] != "").sum())
        counts = self.reason_counts()
        comma = "，" if lang != "en" else ", "
        lines = [t("plan_summary_taken", lang, year=self.year, taken=len(taken), carried=len(self.carried),
                   new=len(self.new), review=review),
                 t("plan_summary_not_taken", lang, n=sum(counts.values()), reasons=comma.join(
                     f"{t(f'plan_reason_{code}', lang)} {n}" for code, n in counts.items()) or "—")]
        lines.append(t("plan_summary_skipped", lang, n=len(self.skipped), parts="；".join(
            f"{s.part}（{t(f'plan_part_{s.reason}', lang)}）" for s in self.skipped) or "—"))
        if self.carried:
            lines.append(t("plan_summary_carried", lang, ids="、".join(self.carried)))
        if self.new:
            names = dict(zip(self.rows["id"], self.rows["name_zh"], strict=True))
            lines.append(t("plan_summary_new", lang, items="、".join(f"{i}（{names[i]}）" for i in self.new)))
        if self.not_carried:
            lines.append(t("plan_summary_not_carried", lang, items="、".join(
                f"{i}（{name}）" for i, name in self.not_carried)))
        if self.context:
            lines.append(t("plan_summary_context", lang, items="；".join(
                f"{c.phrase} {format_number(c.value)}{c.unit}"
                + (t("plan_summary_growth", lang, pct=format_number(c.growth_pct)) if c.growth_pct is not None
                   else "") + f"（{c.where}）" for c in self.context)))
        if self.new_departments:
            lines.append(t("plan_summary_new_departments", lang, names="、".join(self.new_departments)))
        if self.unplaced:
            lines.append(t("plan_summary_unplaced", lang, n=len(self.unplaced)))
        return "\n".join(lines)


def mentions(parse: PlanParse, readings: list[Reading]) -> list[Mention]:
    """Return the plan's taken city figures and its numberless targets (万无一失 marked as an idiom: it may carry an
    earlier target, never make a new one), 业务收入 after 邮政业务总量 read as 邮政业务收入."""
    by_item: dict[int, list[Reading]] = {}
    for reading in readings:
        if reading.passage.item is not None:
            by_item.setdefault(id(reading.passage.item), []).append(reading)
    found: list[Mention] = []
    for item in [*parse.goals, *parse.tasks]:
        in_item: list[Mention] = []
        seen: list[TargetCandidate] = []
        for reading in by_item.get(id(item), []):
            c = reading.candidate
            if not reading.taken or c is None or any(s is c for s in seen):
                continue
            seen.append(c)
            phrase = c.phrase
            qualifier = re.match(r"^(.+?)业务", in_item[-1].phrase) if in_item else None
            if phrase.startswith("业务") and qualifier:
                phrase = qualifier.group(1) + phrase  # the list shares its qualifier: 邮政业务总量…，业务收入…
            figures = [r.figure.text for r in by_item[id(item)] if r.candidate is c and r.taken]
            in_item.append(Mention(item, phrase, c.value, c.unit, c.comparator, c.growth_pct, c.clause, verb=c.verb,
                                   figures=figures))
        for reading in by_item.get(id(item), []):
            if reading.taken or reading.reason == "idiom":  # 万无一失 may carry an earlier target, never make one
                in_item += [Mention(item, s.subject, None, "", "≤" if s.kind == ZERO else "≥", None, s.clause, s.kind,
                                    s.wording, figures=[reading.figure.text], idiom=s.idiom)
                            for s in reading.statements]
        found += in_item
    return found


def _known_departments(earlier_targets: pd.DataFrame, known: list[str] | None) -> list[str]:
    names = [d.strip() for cell in earlier_targets.get("lead_departments", pd.Series(dtype=str)).astype(str)
             for d in re.split(r"[、,，;；|]", cell) if d.strip() and d.strip() != "nan"]
    return list(dict.fromkeys([*names, *(known or [])]))


def _resolve_items(parse: PlanParse, known: list[str]) -> list[str]:
    """Resolve every item's departments against those the data knows (局办公室 → 办公室); return the names the
    data does not know (kept on the items, shown to the reviewer)."""
    unknown: list[str] = []
    for item in parse.tasks:
        item.departments, new = resolve_departments(item.departments, known)
        item.supporting, new_support = resolve_departments(item.supporting, known)
        unknown += [*new, *new_support]
    return list(dict.fromkeys(unknown)) if known else []


def draft_targets(parse: PlanParse, year: int, earlier_targets: pd.DataFrame, aliases: pd.DataFrame | None = None,
                  known_departments: list[str] | None = None, skipped: tuple[SkippedPart, ...] = (),
                  lang: str = "zh") -> Draft:
    """Return the draft of year's targets from a parsed plan and the earlier years' targets.csv rows: every figure
    of the plan, taken or not, with its reason; the rows' notes for the reviewer in lang."""
    rows = earlier_rows(earlier_targets, year)
    known = _known_departments(earlier_targets, known_departments)
    unknown = _resolve_items(parse, known)
    phrases = source_phrases(rows)
    other_names = aliases_by_indicator(aliases)
    readings = read_figures(parse, year)
    items: list[PlanItem] = [*parse.goals, *parse.tasks]
    carried: dict[str, list[tuple[Mention, str]]] = {}
    unmatched: list[Mention] = []
    for mention in mentions(parse, readings):
        matched, note = match_mention(mention, rows, phrases, other_names, lang)
        for row in matched:
            carried.setdefault(row["id"], []).append((mention, note))
        if not matched and not mention.idiom:
            unmatched.append(mention)
    # Numberless targets whose words are last year's, word for word, though no rate or score is named (邮政普遍服务
    # 水平…稳中有升, 切实加强…消毒处置……“零感染”).
    for row in rows:
        if row["id"] not in carried and row.get("kind") in (NOT_BELOW, ZERO):
            said = [item for item in items if in_item_text(row, item.text)]
            if said:
                wording = next((r.figure.text for r in readings if r.passage.item is said[0]
                                and r.figure.form in ("wording", "word") and r.figure.text in row["source_text"]), "")
                mention = Mention(said[0], row["name_zh"], None, "", "≤" if row["kind"] == ZERO else "≥", None,
                                  row["source_text"], row["kind"], wording, figures=[wording] if wording else [])
                carried[row["id"]] = [(mention, "")]
    covered = {id(m) for found in carried.values() for m, _ in found}
    rows_by_id = {row["id"]: row for row in rows}
    out = [carried_row(rows_by_id[i], found, year, lang) for i, found in
           sorted(carried.items(), key=lambda pair: list(rows_by_id).index(pair[0]))]
    taken_ids = {row["id"] for row in rows} | set(carried)
    new_rows = []
    for group in group_new([m for m in unmatched if id(m) not in covered and not said_by_carried(m, carried)]):
        new_rows.append(new_row(group, year, taken_ids, lang))
        taken_ids.add(new_rows[-1]["id"])
    _number_headlines(out, new_rows)
    _mark_carried_wordings(readings, carried)
    other = [figure_row(reading, year, lang) for reading in readings if not reading.taken]
    for row in out + new_rows:
        row[TAKEN_COLUMN] = YES
    frame = pd.DataFrame(out + new_rows + other, columns=DRAFT_COLUMNS).fillna("")
    last_year = [row for row in rows if as_int(row["year"]) == year - 1]
    context = [r.candidate for r in readings if r.reason == "context" and r.candidate is not None]
    return Draft(year=year, rows=frame, carried=[r["id"] for r in out], new=[r["id"] for r in new_rows],
                 context=list({id(c): c for c in context}.values()),
                 not_carried=[(row["id"], row["name_zh"]) for row in last_year if row["id"] not in carried],
                 readings=readings, skipped=tuple(skipped), unplaced=list(parse.unplaced), new_departments=unknown)


def _number_headlines(carried: list[dict], new: list[dict]) -> None:
    """Give the new 主要目标 figures of the headline category (业务总量, 业务收入, 业务量) the next headline orders,
    so a city's first plan opens the overview with its own headline targets."""
    taken = [int(float(r["headline"])) for r in carried if str(r.get("headline", "")).strip()]
    following = max(taken, default=0) + 1
    for row in new:
        if row["category"] == "headline" and row["source_section"] == MAIN_GOAL_SECTION and not row.get("headline"):
            row["headline"] = str(following)
            following += 1


def _mark_carried_wordings(readings: list[Reading], carried: dict[str, list[tuple[Mention, str]]]) -> None:
    """Mark a numberless wording's reading taken where it carried an earlier target written with it: an idiom
    (机要通信确保万无一失 was published as a zero-tolerance target: the reviewer decided that once; the idiom alone
    decides nothing) or last year's words naming no rate (邮政普遍服务水平…稳中有升)."""
    for target_id, found in carried.items():
        for mention, _ in found:
            if not (mention.idiom or mention.statement_kind) or not mention.wording:
                continue
            for reading in readings:
                if reading.passage.item is mention.item and reading.figure.text == mention.wording \
                        and reading.figure.form in ("wording", "word"):
                    reading.taken, reading.reason, reading.detail = True, "", ""
                    reading.target_ids.append(target_id)


__all__ = ["DRAFT_COLUMNS", "FIGURE_COLUMN", "MAIN_GOAL", "NO", "NUMBER_COLUMNS", "REASON_COLUMN", "REVIEW_COLUMN",
           "TAKEN_COLUMN", "YES", "Draft", "draft_targets", "is_taken", "mentions", "reason_code", "reason_label",
           "translate_reason"]
