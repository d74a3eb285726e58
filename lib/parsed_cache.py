"""A cache on disk of actuals files as the intake read them: a command, or a server that starts, reads again only the
files that changed since a process last read them (a month's report after an import reads one file, not every one).

An entry's key is a hash of everything the reading depends on: the file's name and bytes, the data folder's own files
(targets.csv, regions.csv, aliases.csv, plans.csv…: the catalog a file is checked against), this month (the intake
refuses later months; it reads today as its month only, lib/intake/checks.py period_problem), lib/config.py's settings,
the code and the Python and libraries it runs on (lib/diskcache.py). Any change among them is another key, so an entry
cannot go stale. Entries are kept as lib/diskcache.py keeps them, in the cache folder's parsed/ (config.cache_dir();
$KPI_CACHE_DIR=off turns the caches off), never in the data folder where files are dropped. A read the sandbox stopped
(a limit, which a busy machine may reach) or that failed unforeseen is not kept; entries unused for MAX_AGE_DAYS are
removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
from pathlib import Path

from lib import diskcache
from lib.folders import actuals_files, actuals_source

_FORMAT = b"kpi parsed cache 1"
_NOT_KEPT = ("err_sandbox", "err_unreadable")  # a limit reached on a busy machine, a reader's surprise: read again
MAX_AGE_DAYS = 30
_pruned = False


def folder_key(data_dir: Path, today: dt.date | None = None) -> bytes | None:
    """Return what every file of a data folder is read with (code, settings, today's month, the folder's own files),
    hashed; None when the cache is off or the folder cannot be listed."""
    if diskcache.folder("parsed") is None:
        return None
    digest = hashlib.sha256(_FORMAT + diskcache.code_digest() + diskcache.settings_digest())
    today = today or dt.date.today()
    digest.update(f"{today.year}-{today.month}".encode())  # the intake reads today as its month (future months)
    try:
        for entry in sorted(os.scandir(data_dir), key=lambda e: e.name):
            if entry.is_file():
                digest.update(b"\0" + entry.name.encode("utf-8", "surrogateescape") + b"\0")
                digest.update(hashlib.sha256(Path(entry.path).read_bytes()).digest())
    except OSError:
        return None
    return digest.digest()


def file_key(folder: bytes, name: str, data: bytes) -> str:
    """Return the key of one file read with what folder_key hashed."""
    return hashlib.sha256(folder + b"\0" + name.encode("utf-8", "surrogateescape") + b"\0" + data).hexdigest()


def _entry(key: str) -> Path | None:
    root = diskcache.folder("parsed")
    return None if root is None else root / f"{key}.pickle"


def get(key: str):
    """Return what was kept under key, or None."""
    path = _entry(key)
    if path is None or (value := diskcache.read(path)) is None:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # (used: kept another MAX_AGE_DAYS)
    return value


def put(key: str, parsed) -> None:
    """Keep a file's reading under key, unless a limit or an unforeseen failure refused it; a cache that cannot be
    written costs time only."""
    path = _entry(key)
    if path is None or any(p.code.startswith(_NOT_KEPT) for p in parsed.problems):
        return
    if diskcache.write(path, parsed):
        _prune(path.parent)


def _prune(folder: Path) -> None:
    """Remove entries unused for MAX_AGE_DAYS (once per process)."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    oldest = time.time() - MAX_AGE_DAYS * 86400
    for entry in os.scandir(folder):
        try:
            if entry.stat().st_mtime < oldest:
                os.unlink(entry.path)
        except OSError:
            pass


def folder_cached(data_dir: Path) -> bool:
    """Return whether every actuals file a data folder's load reads is in the cache (nothing to read in a sandbox)."""
    folder = folder_key(data_dir)
    if folder is None:
        return False
    try:
        return all(_entry(file_key(folder, p.name, p.read_bytes())).is_file()
                   for p in actuals_files(actuals_source(Path(data_dir))))
    except OSError:
        return False
