"""Storing accepted actuals all or nothing, with originals, a submissions log, and revert.

Layout inside a data directory:
    actuals/sub-000012.csv                 canonical UTF-8 rows of submission 12 (loaded)
    progress/update-000003.csv             work-plan progress submission 3 (loaded)
    submissions/originals/sub-000012_<name> the file exactly as the analyst gave it
    submissions/reverted/sub-000012.csv    a reverted submission's rows (no longer loaded)
    submissions/log.csv, progress_log.csv  who, when, which file, how many rows, checksum, status
    rejected/<time>_<name> and .json       refused files with their report (nothing else changes)
Writes happen under an exclusive lock (.lock) and by temporary file + rename, so two
analysts never interleave and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import queries
from lib.catalog import Catalog
from lib.dataset import Dataset, actuals_dir, data_signature, open_dataset
from lib.intake import Context, Parsed, parse


@dataclass(frozen=True)
class Ledger:
    """One kind of submission: the folder its canonical files are loaded from, their prefix, and its log."""

    folder: str
    prefix: str
    log_name: str


ACTUALS = Ledger("actuals", "sub-", "log.csv")
PENDING_PREFIX = ".pending-"  # stored rows not yet counted: readers skip names starting with "."
# Names sort after the sample files, so a submission supersedes them (files apply in name order).
PROGRESS = Ledger("progress", "update-", "progress_log.csv")

LOG_COLUMNS = ["id", "submitted_at", "user", "original_name", "stored_file", "rows", "warnings", "sha256",
               "status", "reverted_at", "reverted_by"]
CANONICAL_COLUMNS = ["period", "indicator", "value", "region", "unit", "basis", "note"]


class StoreError(Exception):
    """Storing or reverting could not be done; nothing was changed."""


@dataclass
class Outcome:
    """What an import did: the parsed file and, when stored, its submission id."""

    parsed: Parsed
    submission_id: str | None = None
    stored_file: str | None = None
    rejected_file: str | None = None


def safe_name(name: str) -> str:
    """Return a file name with any folder part and unsafe characters removed; raise StoreError if none is left."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\-()（）\u4e00-\u9fff]", "_", base).lstrip(".")
    if not base or base in {".", ".."} or ".." in name.replace("\\", "/").split("/"):
        raise StoreError(f"unsafe file name: {name!r}")
    return base[:120]


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's write lock for the duration of the block."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            _remove_stale_temporaries(data_dir)
            finish_pending(data_dir)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_temporaries(data_dir: Path) -> None:
    """Delete temporary files left by a writer that died (only called while holding the lock)."""
    for folder in (actuals_dir(data_dir), data_dir / PROGRESS.folder, data_dir / "submissions",
                   data_dir / "submissions" / "originals", data_dir / "rejected"):
        if folder.is_dir():
            for tmp in folder.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to path through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}-{path.name}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def log_path(data_dir: Path, ledger: Ledger = ACTUALS) -> Path:
    """Return the path of a submissions log."""
    return Path(data_dir) / "submissions" / ledger.log_name


def read_log(data_dir: Path, ledger: Ledger = ACTUALS) -> pd.DataFrame:
    """Return a submissions log, newest first."""
    path = log_path(data_dir, ledger)
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.iloc[::-1].reset_index(drop=True)


def active_submission(data_dir: Path, data: bytes, ledger: Ledger = ACTUALS) -> dict | None:
    """Return the newest active submission of exactly these bytes (its log entry), or None."""
    log = read_log(data_dir, ledger)
    same = log[(log["sha256"] == hashlib.sha256(data).hexdigest()) & (log["status"] == "active")]
    return None if same.empty else same.iloc[0].to_dict()


def _write_log(data_dir: Path, frame: pd.DataFrame, ledger: Ledger = ACTUALS) -> None:
    atomic_write(log_path(data_dir, ledger), frame[LOG_COLUMNS].to_csv(index=False).encode("utf-8"))


def build_context(data_dir: Path, today: dt.date | None = None) -> tuple[Catalog, Context]:
    """Return the catalog and what validation compares a new file with (data already loaded)."""
    return context_from(open_dataset(data_dir), today)


def context_from(ds: Dataset, today: dt.date | None = None) -> tuple[Catalog, Context]:
    """Return the catalog and what validation compares a new file with, from a dataset already open."""
    years = set(ds.catalog.years()) | {int(y) for y in ds.catalog.targets["baseline_year"].dropna()}
    loaded = ds.query(queries.LOADED_VALUES)
    series = ds.query(queries.SERIES_VALUES)
    log = read_log(ds.data_dir)
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


def validate(data_dir: Path, name: str, data: bytes, sheet: str | None = None,
             today: dt.date | None = None, dataset: Dataset | None = None) -> Parsed:
    """Return the report of a file as it would be imported (against dataset: data_dir's, when open); writes nothing."""
    catalog, context = context_from(dataset, today) if dataset is not None else build_context(Path(data_dir), today)
    return parse(name, data, catalog, sheet=sheet, context=context)


def canonical_csv(rows: pd.DataFrame, catalog: Catalog) -> bytes:
    """Return canonical rows as UTF-8 CSV in the indicators' own units."""
    out = pd.DataFrame({
        "period": [f"{int(y)}-{int(m):02d}" for y, m in zip(rows["year"], rows["month"])],
        "indicator": rows["indicator"],
        "value": [f"{v:.10g}" for v in rows["value"]],
        "region": rows["region"],
        "unit": [catalog.indicator(i)["unit"] for i in rows["indicator"]],
        "basis": rows["basis"],
        "note": rows["note"],
    })
    return out.to_csv(index=False).encode("utf-8")


def _next_id(data_dir: Path, ledger: Ledger) -> str:
    """Return the next submission id of a ledger (call under the lock)."""
    numbers = [int(i) for i in read_log(data_dir, ledger)["id"] if str(i).isdigit()]
    for folder in (data_dir / ledger.folder, data_dir / "submissions" / "reverted"):
        if folder.is_dir():
            numbers += [int(p.stem[len(ledger.prefix):]) for p in folder.glob(f"{ledger.prefix}*.csv")
                        if p.stem[len(ledger.prefix):].isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def keep_rejected(data_dir: Path, original: str, data: bytes, parsed: Parsed, user: str,
                  now: dt.datetime) -> str:
    """Keep a refused file and its report under rejected/ (nothing else changes); return its name."""
    stamp = now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    rejected = data_dir / "rejected" / f"{stamp}_{original}"
    atomic_write(rejected, data)
    report = {"file": original, "user": user, "at": now.isoformat(),
              "problems": [p.as_dict("zh") | {"message_en": p.message("en")} for p in parsed.problems],
              "unlisted": parsed.unlisted}
    atomic_write(rejected.with_name(rejected.name + ".json"),
                 json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    return rejected.name


def store_accepted(data_dir: Path, ledger: Ledger, original: str, data: bytes, canonical: bytes,
                   parsed: Parsed, user: str, now: dt.datetime) -> Outcome:
    """Write an accepted submission (original, canonical rows, log entry) all or nothing (call under the lock)."""
    sid = _next_id(data_dir, ledger)
    stored = f"{ledger.prefix}{sid}.csv"
    log = read_log(data_dir, ledger).iloc[::-1]
    entry = {"id": sid, "submitted_at": now.isoformat(), "user": user, "original_name": original,
             "stored_file": stored, "rows": str(len(parsed.rows)), "warnings": str(len(parsed.warnings)),
             "sha256": hashlib.sha256(data).hexdigest(), "status": "active", "reverted_at": "", "reverted_by": ""}
    # The rows wait under a name readers skip (.pending-…) while the log is written; one rename then
    # makes them count. A writer killed after the log is finished by the next one (finish_pending);
    # a failure (disk full, read-only folder) removes whatever this import had written.
    pending = data_dir / ledger.folder / f"{PENDING_PREFIX}{stored}"
    written: list[Path] = []
    try:
        for path, content in ((data_dir / "submissions" / "originals" / f"{ledger.prefix}{sid}_{original}", data),
                              (pending, canonical)):
            atomic_write(path, content)
            written.append(path)
        _write_log(data_dir, pd.concat([log, pd.DataFrame([entry])], ignore_index=True), ledger)
        os.replace(pending, data_dir / ledger.folder / stored)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise StoreError(f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or data_dir})") from exc
    return Outcome(parsed, submission_id=sid, stored_file=stored)


def finish_pending(data_dir: Path) -> None:
    """Complete the stores a killed writer had logged, and drop the rows of those it had not (under the lock)."""
    for ledger in (ACTUALS, PROGRESS):
        folder = data_dir / ledger.folder
        if not folder.is_dir():
            continue
        logged = set(read_log(data_dir, ledger)["stored_file"])
        for pending in folder.glob(f"{PENDING_PREFIX}*"):
            stored = pending.name[len(PENDING_PREFIX):]
            if stored in logged:
                os.replace(pending, folder / stored)
            else:
                pending.unlink(missing_ok=True)


def import_file(data_dir: Path, name: str, data: bytes, user: str, sheet: str | None = None,
                today: dt.date | None = None, now: dt.datetime | None = None) -> Outcome:
    """Validate an actuals file and store it all or nothing; a refused file is kept in rejected/ with its report."""
    data_dir = Path(data_dir)
    original = safe_name(name)
    now = now or dt.datetime.now().replace(microsecond=0)
    # The file is read and checked before the lock is taken (bounded work, lib/intake/guard.py), so a slow or
    # hostile file never holds other analysts' writes up; it is checked again under the lock only when the data
    # changed meanwhile.
    before = data_signature(data_dir)
    catalog, context = build_context(data_dir, today)
    parsed = parse(original, data, catalog, sheet=sheet, context=context)
    with locked(data_dir):
        if data_signature(data_dir) != before:
            catalog, context = build_context(data_dir, today)
            parsed = parse(original, data, catalog, sheet=sheet, context=context)
        if not parsed.accepted:
            return Outcome(parsed, rejected_file=keep_rejected(data_dir, original, data, parsed, user, now))
        return store_accepted(data_dir, ACTUALS, original, data, canonical_csv(parsed.rows, catalog), parsed,
                              user, now)


def revert(data_dir: Path, submission_id: str, user: str, now: dt.datetime | None = None,
           ledger: Ledger = ACTUALS) -> None:
    """Take a submission's rows out of the data (kept under submissions/reverted); raise StoreError."""
    data_dir = Path(data_dir)
    now = now or dt.datetime.now().replace(microsecond=0)
    with locked(data_dir):
        log = read_log(data_dir, ledger).iloc[::-1].reset_index(drop=True)
        match = log.index[log["id"] == submission_id]
        if len(match) == 0:
            raise StoreError(f"no submission {submission_id}")
        i = match[0]
        if log.at[i, "status"] != "active":
            raise StoreError(f"submission {submission_id} is already {log.at[i, 'status']}")
        source = data_dir / ledger.folder / log.at[i, "stored_file"]
        target = data_dir / "submissions" / "reverted" / log.at[i, "stored_file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            os.replace(source, target)
        log.loc[i, ["status", "reverted_at", "reverted_by"]] = ["reverted", now.isoformat(), user]
        _write_log(data_dir, log, ledger)
