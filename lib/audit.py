"""The audit trail: sign-ins, stores, reverts, publications, digests, backups, restores: who, when, from where.

One JSON object a line in <data folder>/audit/audit.log, for example
    {"at": "2026-12-06T19:40:03+08:00", "event": "store", "who": "zhang", "where": "10.1.2.30", "id": "000012", ...}
Who and where come from the principal the event was done by (lib/access.py): the analyst signed in and the client's
address as the sign-in throttle counts it (lib/auth.py client_address), or the command line's operator and "cli";
the same principal the permission check was asked about, so the two cannot disagree.
The file is rotated at AUDIT_MAX_BYTES into audit.log.1 … audit.log.<AUDIT_KEEP> (the oldest dropped), and it lives in
the data folder, so it survives restarts and goes into every backup.

Several processes append to it (the app, commands, the digest timer): each line is written under the folder's own
lock (audit/.lock), so no line is torn and a rotation happens once. (logging's RotatingFileHandler keeps its file open
in each process: one process rotating would leave the others writing into the renamed file.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from lib import config
from lib.access import Principal

AUDIT_FOLDER = "audit"
AUDIT_FILE = "audit.log"
LOCK_FILE = ".lock"
NAME_CHARS = 200  # a name tried at sign-in is the visitor's to choose: kept this long at most

log = logging.getLogger(__name__)


def log_path(data_dir: Path) -> Path:
    """Return the audit log's path in a data folder."""
    return Path(data_dir) / AUDIT_FOLDER / AUDIT_FILE


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the audit log's lock for the block (a backup holds it so the log is taken whole)."""
    folder = Path(data_dir) / AUDIT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def record(data_dir: Path, event: str, by: Principal, **details: object) -> None:
    """Append one event to the data folder's audit log: event, who and from where (the principal it was done by),
    when, and the details given.

    The event has happened when this is called: a log that cannot be written (a full disk) must not make it look
    failed, so the failure goes to the server's own log (the journal) with the whole line instead of raising."""
    if not isinstance(by, Principal):
        raise TypeError(f"an audit event is done by a Principal, not {by!r}")
    line = {"at": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "event": event,
            "who": by.name[:NAME_CHARS], "where": by.where, **details}
    text = json.dumps(line, ensure_ascii=False, default=str) + "\n"
    try:
        with locked(data_dir):
            path = log_path(data_dir)
            if path.exists() and path.stat().st_size + len(text.encode("utf-8")) > config.AUDIT_MAX_BYTES:
                _rotate(path)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as exc:
        log.error("audit log %s not written (%s): %s", log_path(data_dir), exc, text.rstrip())


def read_events(data_dir: Path) -> list[dict]:
    """Return the events of the current audit log file, oldest first (rotated files are not read)."""
    path = log_path(data_dir)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rotate(path: Path) -> None:
    """Shift audit.log.N to .N+1 (dropping the last) and audit.log to .1 (hold the lock)."""
    keep = config.AUDIT_KEEP
    path.with_name(f"{path.name}.{keep}").unlink(missing_ok=True)
    for n in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))
