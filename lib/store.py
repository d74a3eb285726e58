"""Storing accepted actuals all or nothing, with originals, a submissions log, and revert.

Layout inside a data directory:
    actuals/sub-000012.csv                 canonical UTF-8 rows of submission 12 (loaded)
    progress/update-000003.csv             work-plan progress submission 3 (loaded)
    submissions/originals/sub-000012_<name> the file exactly as the analyst gave it
    submissions/reverted/sub-000012.csv    a reverted submission's rows (no longer loaded)
    submissions/log.csv, progress_log.csv  who, when, which file, how many rows, checksum, status
    submissions/published/pub-000002.zip  a plan publication: the definition files it replaced, before and after
    submissions/plans_log.csv              its log (the draft published, who, when, status)
    rejected/<time>_<name> and .json       refused files with their report (nothing else changes)
    .lock, .unfinished                     the write lock; a write under way (or killed: recover finishes it)
Writes happen under an exclusive lock (.lock) and by temporary file + rename, so two
analysts never interleave and a reader never sees half a file. A store or revert is
committed by writing its log entry: killed before that, the next reader or writer removes
what it wrote; killed after, it finishes the one rename left. A publication replaces whole definition files
(targets.csv, tasks.csv, plans.csv, a plan document): their new versions wait beside them as .staged-pub-N-…
until the log entry commits them, then each is renamed into place (recovery renames what is left).
Readers never wait for the lock, and see a submission as active only while its rows are loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib import audit, formats, queries
from lib.catalog import Catalog
from lib.dataset import Dataset, actuals_dir, data_signature, open_dataset
from lib.intake import Context, Parsed, parse
from lib.problems import TranslatedError
from lib.safety import neutralise_frame


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
PLANS = Ledger("submissions/published", "pub-", "plans_log.csv")
LEDGERS = (ACTUALS, PROGRESS, PLANS)
# A publication's file waiting beside the one it replaces (publish) or restores (revert), or a removal (remove).
STAGED = re.compile(r"^\.staged-pub-(\d+)-(publish|revert|remove)\.(.+)$")
STAGED_FOLDERS = ("", "plans")  # where definition files live, relative to the data directory
UNFINISHED = ".unfinished"
# The longest name made from a stored name is rejected/<22-character stamp>_<name>.json: within 255 bytes.
NAME_BYTES = 200
_EXTENSION_BYTES = 16

LOG_COLUMNS = ["id", "submitted_at", "user", "original_name", "stored_file", "rows", "warnings", "sha256",
               "status", "reverted_at", "reverted_by"]
CANONICAL_COLUMNS = ["period", "indicator", "value", "region", "unit", "basis", "note"]


class StoreError(TranslatedError):
    """Storing or reverting could not be done; nothing was changed."""


class SubmissionNotActive(StoreError):
    """A revert found its submission no longer active (reverted by someone else a moment before, say)."""


class NonFiniteValue(StoreError):
    """A value to store is infinite or not a number: written out, it would make the stored file unreadable."""


@dataclass
class Outcome:
    """What an import did: the parsed file and, when stored, its submission id."""

    parsed: Parsed
    submission_id: str | None = None
    stored_file: str | None = None
    rejected_file: str | None = None


def safe_name(name: str) -> str:
    """Return a file name without folder part or unsafe characters, its extension kept, within NAME_BYTES (UTF-8).

    Raise StoreError if no name is left."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\-()（）\u4e00-\u9fff]", "_", base).lstrip(".")
    if not base or base in {".", ".."} or ".." in name.replace("\\", "/").split("/"):
        raise StoreError("store_unsafe_name", name=name)
    stem, dot, extension = base.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > _EXTENSION_BYTES:
        stem, extension = base, ""
    else:
        extension = dot + extension
    room = NAME_BYTES - len(extension.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", errors="ignore") + extension


@contextlib.contextmanager
def locked(data_dir: Path, *, any_format: bool = False) -> Iterator[None]:
    """Hold the data directory's write lock for the duration of the block (finishing a killed writer's work first).

    Raise StoreError for a folder a newer version of the app laid out (lib/formats.py), unless any_format (restore
    replaces a folder of any version)."""
    with contextlib.ExitStack() as stack:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            fh = stack.enter_context(open(data_dir / ".lock", "a+"))
            while not _lock_of_folder(fh, data_dir):  # a restore swapped the folder while we waited: lock the new one
                fh.close()
                fh = stack.enter_context(open(data_dir / ".lock", "a+"))
        except OSError as exc:
            raise _os_failure(exc, data_dir) from exc
        try:
            try:
                if not any_format:
                    formats.check_readable(data_dir)
                recover(data_dir)
            except OSError as exc:
                raise _os_failure(exc, data_dir) from exc
            except formats.FormatTooNew as exc:  # never write into a folder a newer version of the app laid out
                raise StoreError("format_too_new", **exc.params) from exc
            except formats.FormatError as exc:
                raise StoreError("format_unreadable", **exc.params) from exc
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lock_of_folder(fh, data_dir: Path) -> bool:
    """Take the lock on an open .lock file; return whether it is still the folder's (else release it).

    restore (lib/backup.py) replaces the whole folder by a rename while holding the old and the new folder's locks: a
    writer that waited on the old one must not go on in the new folder unlocked."""
    fcntl.flock(fh, fcntl.LOCK_EX)
    try:
        current = os.stat(data_dir / ".lock")
    except FileNotFoundError:
        current = None
    held = os.fstat(fh.fileno())
    if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
        return True
    fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def _remove_stale_temporaries(data_dir: Path) -> None:
    """Delete temporary files left by a writer that died (only called while holding the lock)."""
    for folder in (data_dir, actuals_dir(data_dir), data_dir / PROGRESS.folder, data_dir / "submissions",
                   data_dir / "submissions" / "originals", data_dir / "rejected", data_dir / PLANS.folder,
                   *(data_dir / f for f in STAGED_FOLDERS)):
        if folder.is_dir():
            for tmp in folder.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to path through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}"  # not named after path: a name of NAME_BYTES must still fit
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _reached("temporary")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def log_path(data_dir: Path, ledger: Ledger = ACTUALS) -> Path:
    """Return the path of a submissions log."""
    return Path(data_dir) / "submissions" / ledger.log_name


def read_log(data_dir: Path, ledger: Ledger = ACTUALS) -> pd.DataFrame:
    """Return a submissions log as readers see it, newest first: active while, and only while, its rows are loaded."""
    data_dir = Path(data_dir)
    settle(data_dir)
    return _as_loaded(data_dir, _raw_log(data_dir, ledger), ledger).iloc[::-1].reset_index(drop=True)


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
    """Return the catalog and what validation compares a new file with, from a dataset already open.

    While the figures are the bundled sample's, a new file is compared with nothing: storing it replaces the sample."""
    years = set(ds.catalog.years()) | {int(y) for y in ds.catalog.targets["baseline_year"].dropna()}
    if ds.uses_sample:
        return ds.catalog, Context(today=today or dt.date.today(), years=years)
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


def _raw_log(data_dir: Path, ledger: Ledger) -> pd.DataFrame:
    """Return a submissions log as written, oldest first (writers read it under the lock)."""
    path = log_path(data_dir, ledger)
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _names(folder: Path) -> set[str]:
    """Return the names in a folder (none when it does not exist)."""
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()


def _as_loaded(data_dir: Path, log: pd.DataFrame, ledger: Ledger = ACTUALS) -> pd.DataFrame:
    """Return log entries with the status their rows have on disk.

    A store whose rows still wait as .pending- is left out, a revert whose rows are still loaded reads active,
    rows found only under reverted/ read reverted, and rows found nowhere read missing."""
    names = _names(data_dir / ledger.folder)
    stored = log["stored_file"]
    loaded = stored.isin(names)
    logged_active = log["status"] == "active"
    waiting = ~loaded & logged_active & (PENDING_PREFIX + stored).isin(names)
    gone = ~loaded & logged_active & ~waiting
    view = log.copy()
    view.loc[loaded & ~logged_active, ["status", "reverted_at", "reverted_by"]] = ["active", "", ""]
    aside = _names(data_dir / "submissions" / "reverted")
    view.loc[gone, "status"] = np.where(stored[gone].isin(aside), "reverted", "missing")
    return view[~waiting].reset_index(drop=True)


def settle(data_dir: Path) -> None:
    """Finish or undo what a killed writer left, unless a writer is at work now; never waits for the lock."""
    data_dir = Path(data_dir)
    if not (data_dir / UNFINISHED).exists():
        return
    try:
        with open(data_dir / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # the writer at work finishes its own; until then _as_loaded shows only what is complete
            try:
                recover(data_dir)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        pass  # a read-only data directory, say: _as_loaded still shows only what is complete


def recover(data_dir: Path) -> None:
    """Finish or undo what a killed writer left: temporaries, unlogged rows and originals, logged renames."""
    _remove_stale_temporaries(data_dir)
    for ledger in LEDGERS:
        _recover_ledger(data_dir, ledger)
    _recover_staged(data_dir)
    _remove_unreported_rejections(data_dir)
    (data_dir / UNFINISHED).unlink(missing_ok=True)


def _recover_ledger(data_dir: Path, ledger: Ledger) -> None:
    """Make one ledger's files what its log says, the log being the commit of every store and revert."""
    log = _raw_log(data_dir, ledger)
    folder, reverted = data_dir / ledger.folder, data_dir / "submissions" / "reverted"
    status = dict(zip(log["stored_file"], log["status"]))
    for name in _names(folder):
        if name.startswith(PENDING_PREFIX):
            stored = name[len(PENDING_PREFIX):]
            if status.get(stored) == "active" and not (folder / stored).exists():  # logged: make it count
                os.replace(folder / name, folder / stored)
            else:  # killed before its log entry: never stored
                (folder / name).unlink(missing_ok=True)
    for stored, state in status.items():
        if state == "reverted" and (folder / stored).exists():  # killed after the revert's log entry: finish it
            reverted.mkdir(parents=True, exist_ok=True)
            os.replace(folder / stored, reverted / stored)
        elif state == "active" and not (folder / stored).exists() and (reverted / stored).exists():
            os.replace(reverted / stored, folder / stored)  # an older revert moved the rows, then failed to log
    # An original whose store never reached the log goes; one whose rows are there stays, log or not.
    originals = data_dir / "submissions" / "originals"
    kept = {f"{ledger.prefix}{i}_{name}" for i, name in zip(log["id"], log["original_name"])}
    logged, rows = set(log["id"]), _names(folder) | _names(reverted)
    for name in _names(originals):
        sid = name[len(ledger.prefix):].partition("_")[0]
        if (name.startswith(ledger.prefix) and sid.isdigit() and name not in kept
                and (sid in logged or f"{ledger.prefix}{sid}.csv" not in rows)):
            (originals / name).unlink(missing_ok=True)


def _recover_staged(data_dir: Path) -> None:
    """Put in place the staged files of a committed publication or revert; remove those of one never committed."""
    log = _raw_log(data_dir, PLANS)
    status = dict(zip(log["id"], log["status"], strict=True))
    for folder in (data_dir / f for f in STAGED_FOLDERS):
        for name in _names(folder):
            if not (found := STAGED.match(name)):
                continue
            sid, action, target = found.groups()
            committed = status.get(sid) == ("active" if action == "publish" else "reverted")
            if committed and action == "remove":
                (folder / target).unlink(missing_ok=True)
            elif committed:
                os.replace(folder / name, folder / target)
            (folder / name).unlink(missing_ok=True)


def _remove_unreported_rejections(data_dir: Path) -> None:
    """Delete refused files whose report was never written (a writer killed between the two; hold the lock)."""
    folder = data_dir / "rejected"
    names = _names(folder)
    for name in names:
        if not name.startswith(".") and not name.endswith(".json") and f"{name}.json" not in names:
            (folder / name).unlink(missing_ok=True)


def _reached(step: str) -> None:
    """Mark the point between two steps of a write (nothing to do: the kill -9 tests stop the process at each)."""


def _os_failure(exc: OSError, where: Path) -> StoreError:
    """Return the StoreError telling an OS failure: a full disk by name, anything else in the system's words."""
    path = str(getattr(exc, "filename", "") or where)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError("store_disk_full", path=path)
    return StoreError("store_os_error", detail=exc.strerror or str(exc), path=path)


@contextlib.contextmanager
def _all_or_nothing(data_dir: Path, written: list[Path]) -> Iterator[None]:
    """Mark a write as under way for the block; on an OS failure remove the files listed and raise StoreError."""
    marker = data_dir / UNFINISHED
    try:
        marker.touch()  # an empty file: there or not, never half there
        _reached("marked")
        yield
    except OSError as exc:
        with contextlib.suppress(OSError):  # what cannot be removed now, the next reader or writer removes
            for path in written:
                path.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        raise _os_failure(exc, data_dir) from exc
    with contextlib.suppress(OSError):
        marker.unlink(missing_ok=True)


def _commit(data_dir: Path, ledger: Ledger, after: pd.DataFrame, source: Path, target: Path) -> None:
    """Write the log (the commit), then the one rename it promises; if the rename fails, put the log back."""
    path = log_path(data_dir, ledger)
    before = path.read_bytes() if path.exists() else None
    _write_log(data_dir, after, ledger)
    _reached("logged")
    try:
        if source.exists():
            os.replace(source, target)
    except OSError as exc:
        try:
            if before is None:
                path.unlink()
            else:
                atomic_write(path, before)
        except OSError:  # neither way now: the marker stays, and the next reader or writer makes the rename
            raise StoreError("store_unfinished", detail=_os_failure(exc, source).message("en")) from exc
        raise
    _reached("moved")


def _next_id(data_dir: Path, ledger: Ledger) -> str:
    """Return the next submission id of a ledger (call under the lock)."""
    numbers = [int(i) for i in _raw_log(data_dir, ledger)["id"] if str(i).isdigit()]
    for folder in (data_dir / ledger.folder, data_dir / "submissions" / "reverted"):
        if folder.is_dir():
            numbers += [int(p.stem[len(ledger.prefix):]) for p in folder.glob(f"{ledger.prefix}*.csv")
                        if p.stem[len(ledger.prefix):].isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def keep_rejected(data_dir: Path, original: str, data: bytes, parsed: Parsed, user: str,
                  now: dt.datetime) -> str:
    """Keep a refused file and its report under rejected/ (nothing else changes); return its name.

    The report is written last: a file without one was never kept, and the next writer removes it."""
    stamp = now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    rejected = data_dir / "rejected" / f"{stamp}_{original}"
    report_path = rejected.with_name(rejected.name + ".json")
    report = {"file": original, "user": user, "at": now.isoformat(),
              "problems": [p.as_dict("zh") | {"message_en": p.message("en")} for p in parsed.problems],
              "unlisted": parsed.unlisted}
    with _all_or_nothing(data_dir, [rejected, report_path]):
        atomic_write(rejected, data)
        _reached("rejected")
        atomic_write(report_path, json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    return rejected.name


def store_accepted(data_dir: Path, ledger: Ledger, original: str, data: bytes, canonical: bytes,
                   parsed: Parsed, user: str, now: dt.datetime) -> Outcome:
    """Write an accepted submission (original, canonical rows, log entry) all or nothing (call under the lock)."""
    sid = _next_id(data_dir, ledger)
    stored = f"{ledger.prefix}{sid}.csv"
    log = _raw_log(data_dir, ledger)
    entry = {"id": sid, "submitted_at": now.isoformat(), "user": user, "original_name": original,
             "stored_file": stored, "rows": str(len(parsed.rows)), "warnings": str(len(parsed.warnings)),
             "sha256": hashlib.sha256(data).hexdigest(), "status": "active", "reverted_at": "", "reverted_by": ""}
    original_path = data_dir / "submissions" / "originals" / f"{ledger.prefix}{sid}_{original}"
    # The rows wait under a name readers skip (.pending-…) until the log entry commits them; one rename then
    # makes them count.
    pending = data_dir / ledger.folder / f"{PENDING_PREFIX}{stored}"
    with _all_or_nothing(data_dir, [original_path, pending]):
        atomic_write(original_path, data)
        _reached("original")
        atomic_write(pending, canonical)
        _reached("rows")
        _commit(data_dir, ledger, pd.concat([log, pd.DataFrame([entry])], ignore_index=True), pending,
                data_dir / ledger.folder / stored)
    audit.record(data_dir, "store", user, ledger=ledger.folder, id=sid, file=original, rows=len(parsed.rows))
    return Outcome(parsed, submission_id=sid, stored_file=stored)


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


def _active_entry(log: pd.DataFrame, submission_id: str) -> int:
    """Return the log row of an active submission; raise StoreError when there is none, SubmissionNotActive when it
    was reverted already (the second of two analysts reverting at once)."""
    match = log.index[log["id"] == submission_id]
    if len(match) == 0:
        raise StoreError("store_no_submission", id=submission_id)
    i = match[0]
    if log.at[i, "status"] != "active":
        raise SubmissionNotActive("store_not_active", id=submission_id, user=log.at[i, "reverted_by"],
                                  time=log.at[i, "reverted_at"].replace("T", " "))
    return i


def revert(data_dir: Path, submission_id: str, user: str, now: dt.datetime | None = None,
           ledger: Ledger = ACTUALS) -> None:
    """Take a submission's rows out of the data (kept under submissions/reverted).

    Raise SubmissionNotActive when it is reverted already (the second of two analysts reverting at once),
    StoreError when it does not exist or the disk refuses (nothing changed then)."""
    data_dir = Path(data_dir)
    now = now or dt.datetime.now().replace(microsecond=0)
    with locked(data_dir):
        log = _raw_log(data_dir, ledger)
        i = _active_entry(log, submission_id)
        stored = log.at[i, "stored_file"]
        after = log.copy()
        after.loc[i, ["status", "reverted_at", "reverted_by"]] = ["reverted", now.isoformat(), user]
        target = data_dir / "submissions" / "reverted" / stored
        with _all_or_nothing(data_dir, []):
            target.parent.mkdir(parents=True, exist_ok=True)
            # Once the log says reverted, readers still count the rows until the rename takes them out.
            _commit(data_dir, ledger, after, data_dir / ledger.folder / stored, target)
        audit.record(data_dir, "revert", user, ledger=ledger.folder, id=submission_id)


# Plan publications: whole definition files replaced together ------------------------------------------------------

@dataclass
class Publication:
    """What a publication writes: new versions of definition files (path relative to the data directory → bytes),
    what the log records (rows, warnings) and what its bundle's manifest says besides (the year, say)."""

    files: dict[str, bytes]
    rows: int
    warnings: int
    meta: dict


def _staged(data_dir: Path, sid: str, action: str, relative: str) -> Path:
    """Return where a publication's file waits: beside the file it is for, under a name readers skip."""
    path = data_dir / relative
    return path.with_name(f".staged-{PLANS.prefix}{sid}-{action}.{path.name}")


def _apply_staged(staged: list[tuple[Path, Path | None]]) -> None:
    """Rename each staged file onto its target (a removal: delete the target); raise StoreError if the disk refuses
    (the marker stays, and the next reader or writer finishes what is left)."""
    try:
        for waiting, target in staged:
            if target is None:  # a removal marker: its name says which file goes
                found = STAGED.match(waiting.name)
                (waiting.parent / found.group(3)).unlink(missing_ok=True)
                waiting.unlink()
            else:
                os.replace(waiting, target)
    except OSError as exc:
        raise StoreError("store_unfinished", detail=_os_failure(exc, waiting).message("en")) from exc


def publish_files(data_dir: Path, original: str, data: bytes, build, user: str,
                  now: dt.datetime | None = None) -> tuple[str, Publication]:
    """Replace definition files all or nothing under the lock and log it; return (submission id, what was written).

    build(data_dir) runs under the lock, reads the current files and returns the Publication (or raises to refuse:
    nothing is written then). The files' previous versions and the new ones are kept in the submission's bundle, so
    revert_publication can put the previous ones back."""
    data_dir = Path(data_dir)
    original = safe_name(original)
    now = now or dt.datetime.now().replace(microsecond=0)
    with locked(data_dir):
        publication = build(data_dir)
        sid = _next_id(data_dir, PLANS)
        stored = f"{PLANS.prefix}{sid}.zip"
        bundle = _bundle(data_dir, publication)
        entry = {"id": sid, "submitted_at": now.isoformat(), "user": user, "original_name": original,
                 "stored_file": stored, "rows": str(publication.rows), "warnings": str(publication.warnings),
                 "sha256": hashlib.sha256(data).hexdigest(), "status": "active", "reverted_at": "", "reverted_by": ""}
        original_path = data_dir / "submissions" / "originals" / f"{PLANS.prefix}{sid}_{original}"
        pending = data_dir / PLANS.folder / f"{PENDING_PREFIX}{stored}"
        staged = [(_staged(data_dir, sid, "publish", rel), data_dir / rel) for rel in publication.files]
        written = [original_path, pending, *(waiting for waiting, _ in staged)]
        log = _raw_log(data_dir, PLANS)
        with _all_or_nothing(data_dir, written):
            atomic_write(original_path, data)
            atomic_write(pending, bundle)
            for (waiting, _), content in zip(staged, publication.files.values(), strict=True):
                atomic_write(waiting, content)
            _reached("staged")
            _commit(data_dir, PLANS, pd.concat([log, pd.DataFrame([entry])], ignore_index=True), pending,
                    data_dir / PLANS.folder / stored)
            written.clear()  # committed: what is staged now goes into place, never away
            _apply_staged(staged)
        audit.record(data_dir, "publish", user, id=sid, file=original, year=publication.meta.get("year"))
    return sid, publication


def _bundle(data_dir: Path, publication: Publication) -> bytes:
    """Return a zip of the files a publication replaces as they are now (before/) and as it writes them (after/)."""
    buffer = io.BytesIO()
    existed = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for rel, content in publication.files.items():
            path = data_dir / rel
            existed[rel] = path.is_file()
            if existed[rel]:
                bundle.writestr(f"before/{rel}", path.read_bytes())
            bundle.writestr(f"after/{rel}", content)
        bundle.writestr("manifest.json", json.dumps({"files": existed, **publication.meta}, ensure_ascii=False))
    return buffer.getvalue()


def publication_manifest(data_dir: Path, stored_file: str) -> dict:
    """Return a publication's manifest (files it replaced, year…) from its bundle, loaded or reverted; {} if gone."""
    for folder in (Path(data_dir) / PLANS.folder, Path(data_dir) / "submissions" / "reverted"):
        try:
            with zipfile.ZipFile(folder / stored_file) as bundle:
                return json.loads(bundle.read("manifest.json"))
        except (OSError, KeyError, zipfile.BadZipFile, ValueError):
            continue
    return {}


def revert_publication(data_dir: Path, submission_id: str, user: str, now: dt.datetime | None = None) -> None:
    """Put back the definition files a publication replaced (the latest active one only: a later publication was
    made on top of it); its bundle moves to submissions/reverted.

    Raise SubmissionNotActive when it is reverted already, StoreError when it does not exist, is not the latest,
    or the disk refuses (nothing changed then)."""
    data_dir = Path(data_dir)
    now = now or dt.datetime.now().replace(microsecond=0)
    with locked(data_dir):
        log = _raw_log(data_dir, PLANS)
        i = _active_entry(log, submission_id)
        later = [sid for sid, state in zip(log["id"], log["status"], strict=True)
                 if state == "active" and int(sid) > int(submission_id)]
        if later:
            raise StoreError("store_revert_later_first", id=submission_id, later=later[-1])
        stored = log.at[i, "stored_file"]
        source = data_dir / PLANS.folder / stored
        try:
            with zipfile.ZipFile(source) as bundle:
                manifest = json.loads(bundle.read("manifest.json"))
                before = {rel: bundle.read(f"before/{rel}") if existed else None
                          for rel, existed in manifest["files"].items()}
        except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
            raise StoreError("store_os_error", detail=str(exc), path=str(source)) from exc
        staged = [(_staged(data_dir, submission_id, "revert" if content is not None else "remove", rel),
                   data_dir / rel if content is not None else None) for rel, content in before.items()]
        after = log.copy()
        after.loc[i, ["status", "reverted_at", "reverted_by"]] = ["reverted", now.isoformat(), user]
        written = [waiting for waiting, _ in staged]
        with _all_or_nothing(data_dir, written):
            for (waiting, _), content in zip(staged, before.values(), strict=True):
                atomic_write(waiting, content or b"")
            _reached("staged")
            target = data_dir / "submissions" / "reverted" / stored
            target.parent.mkdir(parents=True, exist_ok=True)
            _commit(data_dir, PLANS, after, source, target)
            written.clear()
            _apply_staged(staged)
        audit.record(data_dir, "plan_revert", user, id=submission_id)
