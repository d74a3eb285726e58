"""Actuals and progress submissions: a file checked against the data already loaded, stored all or nothing with its
original and a log entry, or kept under rejected/ with its report; a submission reverted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib import audit, queries
from lib.access import Action, Principal, require
from lib.actuals import accepted_years
from lib.catalog import Catalog
from lib.dataset import Dataset, data_signature, open_catalog, open_dataset, shows_sample
from lib.intake import Context, Parsed, parse
from lib.problems import Problem
from lib.safety import neutralise_frame
from lib.store import writes
from lib.store.ledgers import (
    ACTUALS,
    PENDING_PREFIX,
    Ledger,
    NonFiniteValue,
    NotPermitted,
    active_entry,
    next_id,
    raw_log,
    safe_name,
)


@dataclass
class Outcome:
    """What an import did: the parsed file and, when stored, its submission id."""

    parsed: Parsed
    submission_id: str | None = None
    stored_file: str | None = None
    rejected_file: str | None = None


def build_context(data_dir: Path, today: dt.date | None = None) -> tuple[Catalog, Context]:
    """Return the catalog and what validation compares a new file with (data already loaded). While the sample shows,
    that is nothing (context_from), so the sample's files are not read nor its tables built (~0.1 s of a command)."""
    catalog = open_catalog(data_dir)
    if shows_sample(data_dir):
        return catalog, _nothing_loaded(catalog, today)
    return context_from(open_dataset(data_dir, catalog), today)


def context_from(ds: Dataset, today: dt.date | None = None) -> tuple[Catalog, Context]:
    """Return the catalog and what validation compares a new file with, from a dataset already open.

    While the figures are the bundled sample's, a new file is compared with nothing: storing it replaces the sample."""
    if ds.uses_sample:
        return ds.catalog, _nothing_loaded(ds.catalog, today)
    years = accepted_years(ds.catalog)
    loaded = ds.query(queries.LOADED_VALUES)
    series = ds.query(queries.SERIES_VALUES)
    log = writes.read_log(ds.data_dir)
    return ds.catalog, Context(
        today=today or dt.date.today(),
        years=years,
        loaded={(r.indicator, r.region, int(r.year), int(r.month)): (float(r.value), r.basis, r.source_file)
                for r in loaded.itertuples(index=False)},
        last_year={(r.indicator, r.region, int(r.year), int(r.month)): float(r.month_value)
                   for r in series.itertuples(index=False) if pd.notna(r.month_value)},
        ytd={(r.indicator, r.region, int(r.year), int(r.month)): float(r.ytd_value)
             for r in series.itertuples(index=False) if pd.notna(r.ytd_value)},
        submissions={entry["stored_file"]: entry for entry in log.to_dict("records") if entry["stored_file"]},
    )


def _nothing_loaded(catalog: Catalog, today: dt.date | None) -> Context:
    """Return the context of a folder whose figures are the sample's: only the years accepted and today."""
    return Context(today=today or dt.date.today(), years=accepted_years(catalog))


def validate(data_dir: Path, name: str, data: bytes, sheet: str | None = None,
             today: dt.date | None = None, dataset: Dataset | None = None) -> Parsed:
    """Return the report of a file as it would be imported (against dataset: data_dir's, when open); writes nothing."""
    catalog, context = context_from(dataset, today) if dataset is not None else build_context(Path(data_dir), today)
    return parse(name, data, catalog, sheet=sheet, context=context)


def canonical_csv(rows: pd.DataFrame, catalog: Catalog) -> bytes:
    """Return canonical rows as UTF-8 CSV in the indicators' own units; raise NonFiniteValue for an inf or NaN."""
    values = rows["value"].to_numpy(dtype=float)
    unreadable = np.flatnonzero(~np.isfinite(values))
    if len(unreadable):  # written as "inf", the stored file would be refused on every load
        i = int(unreadable[0])
        raise NonFiniteValue("store_not_finite", value=str(values[i]), indicator=rows["indicator"].iloc[i],
                             period=f"{int(rows['year'].iloc[i])}-{int(rows['month'].iloc[i]):02d}")
    out = pd.DataFrame({
        "period": [f"{int(y)}-{int(m):02d}" for y, m in zip(rows["year"], rows["month"])],
        "indicator": rows["indicator"],
        "value": [f"{v:.10g}" for v in rows["value"]],
        "region": rows["region"],
        "unit": [catalog.indicator(i)["unit"] for i in rows["indicator"]],
        "basis": rows["basis"],
        "note": rows["note"],
    })
    return neutralise_frame(out, ["note"]).to_csv(index=False).encode("utf-8")


def keep_rejected(data_dir: Path, original: str, data: bytes, parsed: Parsed, by: Principal,
                  now: dt.datetime) -> str:
    """Keep a refused file and its report under rejected/ (nothing else changes); return its name.

    The report is written last: a file without one was never kept, and the next writer removes it. Raise
    NotPermitted when the principal may not store (lib/access.py)."""
    require(by, Action.STORE, NotPermitted)
    stamp = now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    rejected = data_dir / "rejected" / f"{stamp}_{original}"
    report_path = rejected.with_name(rejected.name + ".json")
    report = {"file": original, "user": by.name, "at": now.isoformat(),
              "problems": [p.as_dict("zh") | {"message_en": p.message("en")} for p in parsed.problems],
              "unlisted": parsed.unlisted}
    with writes.all_or_nothing(data_dir, [rejected, report_path]):
        writes.atomic_write(rejected, data)
        writes.reached("rejected")
        writes.atomic_write(report_path, json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    return rejected.name


def store_accepted(data_dir: Path, ledger: Ledger, original: str, data: bytes, canonical: bytes,
                   parsed: Parsed, by: Principal, now: dt.datetime) -> Outcome:
    """Write an accepted submission (original, canonical rows, log entry) all or nothing (call under the lock); raise
    NotPermitted when the principal may not store (lib/access.py)."""
    require(by, Action.STORE, NotPermitted)
    sid = next_id(data_dir, ledger)
    stored = f"{ledger.prefix}{sid}.csv"
    log = raw_log(data_dir, ledger)
    entry = {"id": sid, "submitted_at": now.isoformat(), "user": by.name, "original_name": original,
             "stored_file": stored, "rows": str(len(parsed.rows)), "warnings": str(len(parsed.warnings)),
             "sha256": hashlib.sha256(data).hexdigest(), "status": "active", "reverted_at": "", "reverted_by": ""}
    original_path = data_dir / "submissions" / "originals" / f"{ledger.prefix}{sid}_{original}"
    # The rows wait under a name readers skip (.pending-…) until the log entry commits them; one rename then
    # makes them count.
    pending = data_dir / ledger.folder / f"{PENDING_PREFIX}{stored}"
    checks_path = checks_file(data_dir, ledger, sid)
    with writes.all_or_nothing(data_dir, [original_path, pending, checks_path]):
        writes.atomic_write(original_path, data)
        writes.reached("original")
        if parsed.warnings:  # kept with the submission: what the check warned of before 确认入库
            writes.atomic_write(checks_path, _checks_json(parsed))
        writes.atomic_write(pending, canonical)
        writes.reached("rows")
        writes.commit(data_dir, ledger, pd.concat([log, pd.DataFrame([entry])], ignore_index=True), pending,
                      data_dir / ledger.folder / stored)
    audit.record(data_dir, "store", by, ledger=ledger.folder, id=sid, file=original, rows=len(parsed.rows))
    return Outcome(parsed, submission_id=sid, stored_file=stored)


def checks_file(data_dir: Path, ledger: Ledger, sid: str) -> Path:
    """Return where the warnings a submission was stored with are kept (written only when there were some)."""
    return Path(data_dir) / "submissions" / "checks" / f"{ledger.prefix}{sid}.json"


def _checks_json(parsed: Parsed) -> bytes:
    """Return a stored file's warnings as JSON: each problem's location, code and parameters (read back in either
    language), and how many more were found than listed."""
    problems = [{"file": p.file, "code": p.code, "row": p.row, "column": p.column, "value": p.value,
                 "params": p.params, "severity": p.severity, "sheet": p.sheet} for p in parsed.warnings]
    return json.dumps({"problems": problems, "unlisted": parsed.unlisted}, ensure_ascii=False, indent=1,
                      default=str).encode("utf-8")


def submission_checks(data_dir: Path, sid: str, ledger: Ledger = ACTUALS) -> list[Problem]:
    """Return the warnings a submission was stored with (none when it had none, or was stored before they were
    kept)."""
    path = checks_file(data_dir, ledger, sid)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Problem(**{k: d.get(k) for k in ("file", "code", "row", "column", "value", "severity", "sheet")},
                    params=d.get("params") or {}) for d in kept.get("problems", [])]


def import_file(data_dir: Path, name: str, data: bytes, by: Principal, sheet: str | None = None,
                today: dt.date | None = None, now: dt.datetime | None = None) -> Outcome:
    """Validate an actuals file and store it all or nothing; a refused file is kept in rejected/ with its report.

    Raise NotPermitted, before anything is read, when the principal may not store (lib/access.py)."""
    require(by, Action.STORE, NotPermitted)
    data_dir = Path(data_dir)
    original = safe_name(name)
    now = now or dt.datetime.now().replace(microsecond=0)
    # The file is read and checked before the lock is taken (bounded work, lib/intake/guard.py), so a slow or
    # hostile file never holds other analysts' writes up; it is checked again under the lock only when the data
    # changed meanwhile.
    before = data_signature(data_dir)
    catalog, context = build_context(data_dir, today)
    parsed = parse(original, data, catalog, sheet=sheet, context=context)
    with writes.locked(data_dir):
        if data_signature(data_dir) != before:
            catalog, context = build_context(data_dir, today)
            parsed = parse(original, data, catalog, sheet=sheet, context=context)
        if not parsed.accepted:
            return Outcome(parsed, rejected_file=keep_rejected(data_dir, original, data, parsed, by, now))
        return store_accepted(data_dir, ACTUALS, original, data, canonical_csv(parsed.rows, catalog), parsed,
                              by, now)


def revert(data_dir: Path, submission_id: str, by: Principal, now: dt.datetime | None = None,
           ledger: Ledger = ACTUALS) -> None:
    """Take a submission's rows out of the data (kept under submissions/reverted).

    Raise SubmissionNotActive when it is reverted already (the second of two analysts reverting at once),
    StoreError when it does not exist or the disk refuses (nothing changed then), NotPermitted when the principal may
    not revert (lib/access.py)."""
    require(by, Action.REVERT, NotPermitted)
    data_dir = Path(data_dir)
    now = now or dt.datetime.now().replace(microsecond=0)
    with writes.locked(data_dir):
        log = raw_log(data_dir, ledger)
        i = active_entry(log, submission_id)
        stored = log.at[i, "stored_file"]
        after = log.copy()
        after.loc[i, ["status", "reverted_at", "reverted_by"]] = ["reverted", now.isoformat(), by.name]
        target = data_dir / "submissions" / "reverted" / stored
        with writes.all_or_nothing(data_dir, []):
            target.parent.mkdir(parents=True, exist_ok=True)
            # Once the log says reverted, readers still count the rows until the rename takes them out.
            writes.commit(data_dir, ledger, after, data_dir / ledger.folder / stored, target)
        audit.record(data_dir, "revert", by, ledger=ledger.folder, id=submission_id)

