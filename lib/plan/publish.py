"""Publishing a reviewed draft: its year's targets into targets.csv, the plan's tasks into tasks.csv, the plan's record
into plans.csv and its document under plans/, all or nothing under the store's lock (lib/store/ publish_files),
logged with who and when, the previous files kept in the publication's bundle and revertible.

Only the draft's taken rows become targets. Its context figures (the country's, the province's) go into
plan_context.csv beside the targets they stand by; the names the plan uses for a carried-over target that differ from
its name (邮政行业业务总量 for 邮政业务总量) go into aliases.csv, so actuals files may use either.

The record comes from the document's header (文号, issuing body, title, date: lib/plan/header.py); what it does not
say, or says wrongly, the analyst gives (overrides). English names the header cannot give are taken from the
earlier record of the same issuer and city, else from data/places.csv; what neither knows is named back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import store
from lib.access import Action, Principal, require
from lib.catalog import load_aliases as catalog_aliases
from lib.catalog import load_regions
from lib.i18n import t
from lib.plan.candidates import CSV_ENCODING, candidates_in_text, read_targets
from lib.plan.context import CONTEXT_FILE, context_csv_bytes, context_frame
from lib.plan.documents import read_plan_document
from lib.plan.draft import REVIEW_COLUMN, Draft, draft_targets
from lib.plan.header import PlanHeader, english_names, load_places, read_header
from lib.plan.matching import similarity
from lib.plan.review import published_targets, read_draft, taken_only, targets_csv_bytes, validate_draft
from lib.plan.structure import TASK_COLUMNS, PlanParse, link_targets, parse_plan, read_tasks, tasks_frame
from lib.plan.text import PlanText, SkippedPart
from lib.plans import PLANS_FILE, PLANS_FOLDER, Plan, load_plans, plan_for, plans_csv_bytes, with_plan
from lib.problems import InputError, Problem
from lib.safety import neutralise_frame

ALIASES_FILE = "aliases.csv"
RECORD_FIELDS = ("issuer_zh", "issuer_en", "city_zh", "city_en", "doc_number", "title_zh", "title_en", "issued")


class DraftRefused(InputError):
    """The draft cannot be published: its row problems (in Chinese), nothing written."""


@dataclass(frozen=True)
class PlanDocument:
    """A plan document as it arrived (name and bytes), its text and the parts of it that could not be read."""

    name: str
    data: bytes
    text: str
    skipped: tuple[SkippedPart, ...] = ()
    parts: tuple[str, ...] = ()

    @classmethod
    def read(cls, name: str, data: bytes) -> PlanDocument:
        """Return the document with its text; raise PlanDocumentError when it cannot be read."""
        return cls.of(name, data, read_plan_document(name, data))

    @classmethod
    def of(cls, name: str, data: bytes, read: PlanText) -> PlanDocument:
        """Return the document with the text a reader gave (in this process or a child)."""
        return cls(name, data, read.text, tuple(read.skipped), tuple(read.parts))

    def parse(self) -> PlanParse:
        """Return the plan's lists, items and candidates."""
        return parse_plan(self.text)

    def header(self) -> PlanHeader:
        """Return what the document's header says (文号, issuer, title, date)."""
        return read_header(self.text)


@dataclass
class Published:
    """What a publication did: its id (for revert), year, target rows, tasks and the plan record written."""

    id: str
    year: int
    rows: int
    tasks: int
    plan: Plan | None
    warnings: list[Problem] = field(default_factory=list)
    context: int = 0  # context figures kept in plan_context.csv
    aliases: list[str] = field(default_factory=list)  # names added to aliases.csv
    notes: list[str] = field(default_factory=list)  # names whose English the record leaves blank


def known_departments(data_dir: Path) -> list[str]:
    """Return the departments the data knows: those leading earlier years' items (tasks.csv)."""
    path = Path(data_dir) / "tasks.csv"
    if not path.is_file():
        return []
    tasks = read_tasks(path.read_bytes())
    return list(dict.fromkeys(d.strip() for cell in tasks["lead_departments"] for d in str(cell).split("、")
                              if d.strip()))


def draft_document(data_dir: Path, document: PlanDocument, year: int, lang: str = "zh") -> Draft:
    """Return the draft of a year's targets from a plan document against a data directory: its earlier targets,
    the aliases of their names and the departments it knows; the parts of the document not read are named; the
    notes for the reviewer in lang."""
    data_dir = Path(data_dir)
    return draft_targets(document.parse(), year, read_targets(data_dir / "targets.csv"), load_aliases(data_dir),
                         known_departments(data_dir), document.skipped, lang)


def draft_year(frame: pd.DataFrame, name: str) -> int:
    """Return the one year a draft's rows are for, or raise DraftRefused."""
    years = sorted({text.strip().removesuffix(".0") for text in frame["year"]} - {""})
    if len(years) != 1 or not years[0].isdigit():
        raise DraftRefused([Problem(name, "draft_one_year", params={"years": "、".join(years) or "—"})])
    return int(years[0])


def plan_record(year: int, header: PlanHeader | None, plans: pd.DataFrame, document: str = "",
                overrides: dict | None = None, places: pd.DataFrame | None = None) -> Plan:
    """Return the year's plan record: the header's fields, the analyst's overrides over them, English names from the
    earlier record of the same issuer and city or from the places the data knows, a plain title where none is
    known."""
    header = header or PlanHeader()
    fields = {"issuer_zh": header.issuer, "city_zh": header.city, "doc_number": header.doc_number,
              "title_zh": header.title, "issued": header.issued, "issuer_en": "", "city_en": "", "title_en": ""}
    fields |= {k: v for k, v in (overrides or {}).items() if k in RECORD_FIELDS and v not in (None, "")}
    if isinstance(fields["issued"], str):
        fields["issued"] = dt.date.fromisoformat(fields["issued"])
    earlier = plan_for(plans, year) if not plans.empty else Plan(year=year)
    if not fields["issuer_en"] and earlier.issuer_zh == fields["issuer_zh"]:
        fields["issuer_en"] = earlier.issuer_en
    if not fields["city_zh"]:
        fields["city_zh"] = earlier.city_zh
    if not fields["city_en"] and earlier.city_zh == fields["city_zh"]:
        fields["city_en"] = earlier.city_en
    issuer_en, city_en = english_names(fields["issuer_zh"], fields["city_zh"], places)
    fields["issuer_en"] = fields["issuer_en"] or issuer_en
    fields["city_en"] = fields["city_en"] or city_en
    fields["title_zh"] = fields["title_zh"] or t("plan_title_default", "zh", year=year)
    fields["title_en"] = fields["title_en"] or t("plan_title_default", "en", year=year)
    return Plan(year=year, document=document, **fields)


def document_name(data_dir: Path, year: int, document: PlanDocument) -> str:
    """Return the name the document is kept under in plans/: YYYY_<its name>, numbered when that name is taken by
    another file (an earlier version stays as it was)."""
    safe = store.safe_name(document.name)
    folder = Path(data_dir) / PLANS_FOLDER
    name, n = f"{year}_{safe}", 2
    while (folder / name).exists() and (folder / name).read_bytes() != document.data:
        name, n = f"{year}_{n}_{safe}", n + 1
    return name


def record_notes(plan: Plan) -> list[str]:
    """Return the names whose English the record leaves blank for the reviewer (the issuer, the city)."""
    return [name for name, english in ((plan.issuer_zh, plan.issuer_en), (plan.city_zh, plan.city_en))
            if name and not english]


def plan_names(draft: pd.DataFrame, known: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (indicator, name) for the names the plan gives carried-over targets that neither their name nor the
    aliases already hold (邮政行业业务总量 for postal_business_volume)."""
    held = {(str(i), str(a)) for i, a in zip(known.get("indicator", []), known.get("alias", []), strict=True)}
    out = []
    for row in taken_only(draft)[0].to_dict("records"):
        indicator = row.get("indicator") or row["id"]
        for c in candidates_in_text(str(row.get("source_text", ""))):
            if c.phrase and c.phrase not in row["name_zh"] and row["name_zh"] not in c.phrase \
                    and (indicator, c.phrase) not in held \
                    and c.unit == row.get("unit") and 0.75 <= similarity(c.phrase, row["name_zh"]) < 1 \
                    and str(c.value if c.value is not None else "") != "" \
                    and f"{c.value:g}" == f"{float(row['target_value'] or 'nan'):g}":
                out.append((indicator, c.phrase))
                held.add((indicator, c.phrase))
    return out


def aliases_csv_bytes(known: pd.DataFrame, added: list[tuple[str, str]]) -> bytes:
    """Return aliases.csv with the names added."""
    frame = pd.concat([known, pd.DataFrame(added, columns=["indicator", "alias"])], ignore_index=True)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def load_aliases(data_dir: Path) -> pd.DataFrame:
    """Return data_dir/aliases.csv (indicator, alias), no rows when there is none."""
    return catalog_aliases(Path(data_dir) / ALIASES_FILE)


def tasks_csv_bytes(data_dir: Path, year: int, parse: PlanParse, targets: pd.DataFrame) -> tuple[bytes, int]:
    """Return tasks.csv with this plan's items in place of its year's (linked to its targets), and how many."""
    parse.year = year
    link_targets(parse, targets)
    new = tasks_frame(parse)
    path = Path(data_dir) / "tasks.csv"
    kept = read_tasks(path.read_bytes()) if path.is_file() else pd.DataFrame(columns=TASK_COLUMNS)
    kept = kept[kept["year"] != str(year)].reindex(columns=TASK_COLUMNS)
    frame = pd.concat([kept, new], ignore_index=True).fillna("")
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode(CSV_ENCODING), len(new)


def publish_draft(data_dir: Path, name: str, data: bytes, by: Principal, document: PlanDocument | None = None,
                  overrides: dict | None = None, now: dt.datetime | None = None) -> Published:
    """Check a draft by targets.csv's rules and publish it all or nothing; return what was written.

    Raise store.NotPermitted (before the draft is read) when the principal may not publish (lib/access.py),
    InputError when the draft cannot be read, DraftRefused (row problems in Chinese) when it cannot be published,
    StoreError when the disk refuses; nothing is written then."""
    require(by, Action.PUBLISH, store.NotPermitted)
    draft = read_draft(name, data)
    year = draft_year(draft, name)
    parse = document.parse() if document else None
    if parse is not None and parse.year not in (None, year):
        raise DraftRefused([Problem(document.name, "draft_document_year", params={"doc_year": parse.year,
                                                                                   "year": year})])
    outcome: dict = {}

    def build(where: Path) -> store.Publication:
        existing = read_targets(where / "targets.csv")
        problems = validate_draft(draft, existing, load_regions(where / "regions.csv"), name)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DraftRefused(errors)
        targets = published_targets(existing, draft)
        files = {"targets.csv": targets_csv_bytes(targets)}
        outcome["warnings"], outcome["tasks"], outcome["plan"] = [p for p in problems if p not in errors], 0, None
        context = context_frame(draft, targets)
        if not context.empty or (where / CONTEXT_FILE).is_file():
            files[CONTEXT_FILE] = context_csv_bytes(where, year, context)
        known = load_aliases(where)
        outcome["aliases"] = plan_names(draft, known)
        if outcome["aliases"]:
            files[ALIASES_FILE] = aliases_csv_bytes(known, outcome["aliases"])
        outcome["context"], outcome["notes"] = len(context), []
        if parse is not None:
            files["tasks.csv"], outcome["tasks"] = tasks_csv_bytes(where, year, parse, targets)
        if document is not None or overrides:
            plans = load_plans(where)
            kept_as = document_name(where, year, document) if document else plan_for(plans, year).document
            plan = plan_record(year, document.header() if document else None, plans, kept_as, overrides,
                               load_places(where))
            outcome["notes"] = record_notes(plan)
            files[PLANS_FILE] = plans_csv_bytes(with_plan(plans, plan))
            if document is not None:
                files[f"{PLANS_FOLDER}/{kept_as}"] = document.data
            outcome["plan"] = plan
        chosen = taken_only(draft)[0]
        return store.Publication(files=files, rows=len(chosen), warnings=int((chosen[REVIEW_COLUMN] != "").sum()),
                                 meta={"year": year, "draft": name})

    sid, _ = store.publish_files(data_dir, name, data, build, by, now)
    return Published(id=sid, year=year, rows=len(taken_only(draft)[0]), tasks=outcome["tasks"], plan=outcome["plan"],
                     warnings=outcome["warnings"], context=outcome["context"],
                     aliases=[name for _, name in outcome["aliases"]], notes=outcome["notes"])


def publications(data_dir: Path) -> pd.DataFrame:
    """Return the publications log, newest first, with the year each one published."""
    log = store.read_log(data_dir, store.PLANS)
    log.insert(1, "year", [str(store.publication_manifest(data_dir, f).get("year", "")) for f in log["stored_file"]])
    return log
