"""Plans as data: each year's plan (issuing body, 文号, title, date of issue, document) read from data/plans.csv, the
texts that cite it (app title, source lines, issuer) in both languages, and its headline targets (targets.csv's
headline column). The one place a plan's identity comes from: nothing else names a city or a document number.

plans.csv: year, issuer_zh, issuer_en, city_zh, city_en, doc_number, title_zh, title_en, issued (YYYY-MM-DD),
document (a file under data/plans/). A year without a record still has a Plan: its citation says which year's
targets it is, its city is the nearest recorded plan's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from lib.datafiles import read_file
from lib.i18n import original, t
from lib.problems import InputError, Problem
from lib.safety import neutralise_frame, restore_frame
from lib.score import Score

PLANS_FILE = "plans.csv"
PLANS_FOLDER = "plans"  # the plan documents, named in plans.csv's document column
PLAN_COLUMNS = ["year", "issuer_zh", "issuer_en", "city_zh", "city_en", "doc_number", "title_zh", "title_en",
                "issued", "document"]
HEADLINE_CATEGORY = "headline"  # the overview's first group; older targets.csv files mark headline targets by it


class HasPlans(Protocol):
    """What holds the plan records (a Catalog): plan_for reads them from it."""

    plans: pd.DataFrame


@dataclass(frozen=True)
class Plan:
    """One year's plan as recorded in plans.csv (blank fields where it has no record)."""

    year: int | None
    issuer_zh: str = ""
    issuer_en: str = ""
    city_zh: str = ""
    city_en: str = ""
    doc_number: str = ""
    title_zh: str = ""
    title_en: str = ""
    issued: dt.date | None = None
    document: str = ""

    @property
    def recorded(self) -> bool:
        """Return whether plans.csv holds this year's plan (an unrecorded year only borrows the city and issuer)."""
        return bool(self.doc_number or self.title_zh or self.document)

    def issuer(self, lang: str = "zh") -> str:
        """Return the issuing body (the Chinese name when no English one is recorded)."""
        return _either(self.issuer_zh, self.issuer_en, lang)

    def city(self, lang: str = "zh") -> str:
        """Return the city the plan is for (无锡市 / Wuxi), '' when unknown."""
        return _either(self.city_zh, self.city_en, lang)

    def title(self, lang: str = "zh") -> str:
        """Return the document's title."""
        return _either(self.title_zh, self.title_en, lang)

    def app_title(self, lang: str = "zh") -> str:
        """Return the dashboard's title for this plan's year and city."""
        if self.year is None:
            return t("app_title_plain", lang)
        return t("app_title", lang, city=self.city(lang), year=self.year).strip()

    def citation(self, lang: str = "zh") -> str:
        """Return the plan as footers and briefings cite it: 《title》（文号）; unrecorded, the year's targets. In
        English, Chinese without an English form (the 文号 above all) is quoted as the original:
        「锡邮管〔2022〕8号」."""
        title, number = original(self.title(lang), lang), original(self.doc_number, lang)
        if title and number:
            return t("plan_citation", lang, title=title, number=number)
        return title or number or t("plan_unrecorded", lang, year=self.year or "")

    def reference(self, lang: str = "zh") -> str:
        """Return the short reference a slide footer gives: the 文号, or the citation without one."""
        return original(self.doc_number, lang) or self.citation(lang)

    def document_path(self, data_dir: Path) -> Path | None:
        """Return the plan document's path under data_dir/plans, None when none is recorded."""
        return Path(data_dir) / PLANS_FOLDER / self.document if self.document else None


def _either(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else zh


def empty_plans() -> pd.DataFrame:
    """Return a plans table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PLAN_COLUMNS})


def load_plans(data_dir: Path) -> pd.DataFrame:
    """Return data_dir/plans.csv as text cells (no rows when there is none); raise InputError naming bad cells
    (DataFolderError when it is no CSV)."""
    frame = read_file(Path(data_dir), PLANS_FILE)
    if frame.empty:
        return empty_plans()
    return plans_from_frame(restore_frame(frame.map(str.strip)), PLANS_FILE)


def plans_from_frame(frame: pd.DataFrame, name: str = PLANS_FILE) -> pd.DataFrame:
    """Return plan records checked (a year each, once; issued a date or blank), or raise InputError."""
    if "year" not in frame.columns:
        raise InputError([Problem(name, "err_missing_columns", params={"columns": "year",
                                                                        "found": ", ".join(frame.columns)})])
    frame = frame.reindex(columns=PLAN_COLUMNS).fillna("").astype(str)
    problems = []
    seen: set[str] = set()
    for i, row in enumerate(frame.to_dict("records")):
        if not row["year"].isdigit():
            problems.append(Problem(name, "err_plans_year", row=i + 2, column="year", value=row["year"]))
        elif row["year"] in seen:
            problems.append(Problem(name, "err_plans_twice", row=i + 2, column="year", value=row["year"]))
        seen.add(row["year"])
        if row["issued"] and _date(row["issued"]) is None:
            problems.append(Problem(name, "err_plans_date", row=i + 2, column="issued", value=row["issued"]))
    if problems:
        raise InputError(problems)
    return frame


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _plans_of(where: HasPlans | Path | str | pd.DataFrame) -> pd.DataFrame:
    if isinstance(where, pd.DataFrame):
        return where
    if hasattr(where, "plans"):
        return where.plans
    return load_plans(Path(where))


def plan_for(where: HasPlans | Path | str | pd.DataFrame, year: int | None) -> Plan:
    """Return the plan of a year from a catalog, a data directory or a plans table; an unrecorded year gets the
    nearest recorded plan's city and issuer, and a citation naming the year's targets."""
    memo = getattr(where, "memo", None)  # a catalog keeps each year's plan (Plan is frozen)
    if memo is not None:
        if ("plan", year) not in memo:
            memo["plan", year] = plan_for(where.plans, year)
        return memo["plan", year]
    plans = _plans_of(where)
    if plans.empty:
        return Plan(year=year)
    years = plans["year"].astype(int)
    own = plans[years == year]
    if not own.empty:
        return _plan(own.iloc[0].to_dict())
    nearest = plans.iloc[int((years - (year or 0)).abs().argmin())].to_dict()
    return Plan(year=year, issuer_zh=nearest["issuer_zh"], issuer_en=nearest["issuer_en"],
                city_zh=nearest["city_zh"], city_en=nearest["city_en"])


def _plan(row: dict) -> Plan:
    return Plan(year=int(row["year"]), issuer_zh=row["issuer_zh"], issuer_en=row["issuer_en"],
                city_zh=row["city_zh"], city_en=row["city_en"], doc_number=row["doc_number"],
                title_zh=row["title_zh"], title_en=row["title_en"], issued=_date(row["issued"]),
                document=row["document"])


def plan_row(plan: Plan) -> dict:
    """Return a plan as a plans.csv row (text cells)."""
    return {"year": str(plan.year), "issuer_zh": plan.issuer_zh, "issuer_en": plan.issuer_en,
            "city_zh": plan.city_zh, "city_en": plan.city_en, "doc_number": plan.doc_number,
            "title_zh": plan.title_zh, "title_en": plan.title_en,
            "issued": plan.issued.isoformat() if plan.issued else "", "document": plan.document}


def with_plan(plans: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Return plans.csv's rows with this plan's record in place of its year's (years ascending)."""
    kept = plans[plans["year"] != str(plan.year)]
    out = pd.concat([kept, pd.DataFrame([plan_row(plan)], columns=PLAN_COLUMNS)], ignore_index=True)
    return out.sort_values("year", key=lambda years: years.astype(int), kind="stable").reset_index(drop=True)


def plans_csv_bytes(plans: pd.DataFrame) -> bytes:
    """Return plans.csv as written in the repository (UTF-8, no BOM)."""
    text = [c for c in PLAN_COLUMNS if c != "year"]
    return neutralise_frame(plans.reindex(columns=PLAN_COLUMNS), text).to_csv(index=False, lineterminator="\n") \
        .encode("utf-8")


def city_names(plans: pd.DataFrame) -> set[str]:
    """Return the names an actuals file may give the whole city by: the plans' cities (无锡市, 无锡, wuxi)."""
    names = set()
    for zh, en in zip(plans["city_zh"], plans["city_en"], strict=True):
        if zh:
            names |= {zh, zh.removesuffix("市") or zh}
        if en:
            names.add(en.lower())
    return names


# Headline targets -------------------------------------------------------------------------------------------------

def headline_scores(scores: list[Score]) -> list[Score]:
    """Return the headline targets' scores in headline order (without a headline column: the headline category's)."""
    ordered = sorted((s for s in scores if s.headline is not None), key=lambda s: s.headline)
    return ordered or [s for s in scores if s.category == HEADLINE_CATEGORY]


def overview_groups(scores: list[Score]) -> list[tuple[str, list[Score]]]:
    """Return the overview's groups: (category, scores), the headline targets first, then each category in order
    (targets without one last: a new indicator not classed yet)."""
    first = headline_scores(scores)
    taken = {id(s) for s in first}
    rest = [s for s in scores if id(s) not in taken]
    groups = [(HEADLINE_CATEGORY, first)] if first else []
    for category in dict.fromkeys(s.category for s in rest if s.category):
        groups.append((category, [s for s in rest if s.category == category]))
    if unclassed := [s for s in rest if not s.category]:
        groups.append(("", unclassed))
    return groups
