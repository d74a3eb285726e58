"""Writing under the store's lock, all or nothing: the lock, a file written through a temporary name and a rename, the
log entry that commits a write, and the recovery that finishes or undoes what a killed writer left."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from lib import formats
from lib.store.ledgers import (
    ACTUALS,
    LEDGERS,
    LOG_COLUMNS,
    PENDING_PREFIX,
    PLANS,
    PROGRESS,
    STAGED,
    STAGED_FOLDERS,
    Ledger,
    StoreError,
    as_loaded,
    folder_names,
    log_path,
    raw_log,
)

UNFINISHED = ".unfinished"
_writes = 0  # how many times this process let go of a data folder's write lock: a memo of the files is stale after
_writes_lock = threading.Lock()


def writes_done() -> int:
    """Return how many times this process held a data folder's write lock and let go (what it wrote is whole then):
    a reader that memoised what the files looked like reads them again when this changed (lib/ui/caches.py)."""
    return _writes


def _count_write() -> None:
    global _writes
    with _writes_lock:
        _writes += 1


def reached(step: str) -> None:
    """Mark the point between two steps of a write (nothing to do: the kill -9 tests stop the process at each)."""


def os_failure(exc: OSError, where: Path) -> StoreError:
    """Return the StoreError telling an OS failure: a full disk by name, anything else in the system's words."""
    path = str(getattr(exc, "filename", "") or where)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError("store_disk_full", path=path)
    return StoreError("store_os_error", detail=exc.strerror or str(exc), path=path)


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to path through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}"  # not named after path: a name of NAME_BYTES must still fit
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        reached("temporary")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_log(data_dir: Path, frame: pd.DataFrame, ledger: Ledger = ACTUALS) -> None:
    atomic_write(log_path(data_dir, ledger), frame[LOG_COLUMNS].to_csv(index=False).encode("utf-8"))


@contextlib.contextmanager
def all_or_nothing(data_dir: Path, written: list[Path]) -> Iterator[None]:
    """Mark a write as under way for the block; on an OS failure remove the files listed and raise StoreError."""
    marker = data_dir / UNFINISHED
    try:
        marker.touch()  # an empty file: there or not, never half there
        reached("marked")
        yield
    except OSError as exc:
        with contextlib.suppress(OSError):  # what cannot be removed now, the next reader or writer removes
            for path in written:
                path.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        raise os_failure(exc, data_dir) from exc
    with contextlib.suppress(OSError):
        marker.unlink(missing_ok=True)


def commit(data_dir: Path, ledger: Ledger, after: pd.DataFrame, source: Path, target: Path) -> None:
    """Write the log (the commit), then the one rename it promises; if the rename fails, put the log back."""
    path = log_path(data_dir, ledger)
    before = path.read_bytes() if path.exists() else None
    write_log(data_dir, after, ledger)
    reached("logged")
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
            raise StoreError("store_unfinished", detail=os_failure(exc, source).message("en")) from exc
        raise
    reached("moved")


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
            raise os_failure(exc, data_dir) from exc
        try:
            try:
                if not any_format:
                    formats.check_readable(data_dir)
                recover(data_dir)
            except OSError as exc:
                raise os_failure(exc, data_dir) from exc
            except formats.FormatTooNew as exc:  # never write into a folder a newer version of the app laid out
                raise StoreError("format_too_new", **exc.params) from exc
            except formats.FormatError as exc:
                raise StoreError("format_unreadable", **exc.params) from exc
            yield
        finally:
            _count_write()  # what was written is whole: a memo of the files from before (or from halfway) is stale
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


def read_log(data_dir: Path, ledger: Ledger = ACTUALS) -> pd.DataFrame:
    """Return a submissions log as readers see it, newest first: active while, and only while, its rows are loaded."""
    data_dir = Path(data_dir)
    settle(data_dir)
    return as_loaded(data_dir, raw_log(data_dir, ledger), ledger).iloc[::-1].reset_index(drop=True)


def active_submission(data_dir: Path, data: bytes, ledger: Ledger = ACTUALS) -> dict | None:
    """Return the newest active submission of exactly these bytes (its log entry), or None."""
    log = read_log(data_dir, ledger)
    same = log[(log["sha256"] == hashlib.sha256(data).hexdigest()) & (log["status"] == "active")]
    return None if same.empty else same.iloc[0].to_dict()


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
                return  # the writer at work finishes its own; until then as_loaded shows only what is complete
            try:
                recover(data_dir)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        pass  # a read-only data directory, say: as_loaded still shows only what is complete


def recover(data_dir: Path) -> None:
    """Finish or undo what a killed writer left: temporaries, unlogged rows and originals, logged renames."""
    _remove_stale_temporaries(data_dir)
    for ledger in LEDGERS:
        _recover_ledger(data_dir, ledger)
    _recover_staged(data_dir)
    _remove_unreported_rejections(data_dir)
    (data_dir / UNFINISHED).unlink(missing_ok=True)


def _remove_stale_temporaries(data_dir: Path) -> None:
    """Delete temporary files left by a writer that died (only called while holding the lock)."""
    for folder in (data_dir, data_dir / ACTUALS.folder, data_dir / PROGRESS.folder, data_dir / "submissions",
                   data_dir / "submissions" / "originals", data_dir / "rejected", data_dir / PLANS.folder,
                   *(data_dir / f for f in STAGED_FOLDERS)):
        if folder.is_dir():
            for tmp in folder.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)


def _recover_ledger(data_dir: Path, ledger: Ledger) -> None:
    """Make one ledger's files what its log says, the log being the commit of every store and revert."""
    log = raw_log(data_dir, ledger)
    folder, reverted = data_dir / ledger.folder, data_dir / "submissions" / "reverted"
    status = dict(zip(log["stored_file"], log["status"]))
    for name in folder_names(folder):
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
    logged, rows = set(log["id"]), folder_names(folder) | folder_names(reverted)
    for name in folder_names(originals):
        sid = name[len(ledger.prefix):].partition("_")[0]
        if (name.startswith(ledger.prefix) and sid.isdigit() and name not in kept
                and (sid in logged or f"{ledger.prefix}{sid}.csv" not in rows)):
            (originals / name).unlink(missing_ok=True)


def _recover_staged(data_dir: Path) -> None:
    """Put in place the staged files of a committed publication or revert; remove those of one never committed."""
    log = raw_log(data_dir, PLANS)
    status = dict(zip(log["id"], log["status"], strict=True))
    for folder in (data_dir / f for f in STAGED_FOLDERS):
        for name in folder_names(folder):
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
    names = folder_names(folder)
    for name in names:
        if not name.startswith(".") and not name.endswith(".json") and f"{name}.json" not in names:
            (folder / name).unlink(missing_ok=True)

