"""The loaded data kept on disk between server starts, keyed on the content of everything the load read.

Opening a data folder checks every actuals file in a sandbox worker and builds DuckDB's tables: most of a server's
first run after a start (or after its caches were emptied), paid again for files that had not changed. An entry is
found only by the SHA-256 of the folder's definition files and actuals files (names and bytes), the day (a month in
the future is refused until it comes), the settings, the versions and the source of the code that read them: a
changed byte anywhere is another key, so an entry cannot be stale; old entries are removed, the newest few kept.

Entries are pickles written by this server into its own folder (created 0700; cache_dir()): nothing anyone uploads is
ever unpickled, and a file that cannot be read back is a miss, removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import pickle
import platform
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow

from lib import config
from lib.actuals import actuals_files
from lib.dataset import Dataset, actuals_source, database_tables, open_dataset, restored_dataset
from lib.store.writes import UNFINISHED, settle

log = logging.getLogger(__name__)

KEEP_ENTRIES = 16  # a server shows one state of its folder at a time; a few more for the tabs still open on older ones
_FORMAT = 1  # the entry's layout: bump when what is pickled changes shape


def cache_dir() -> Path:
    """Return the folder of the entries: $KPI_CACHE_DIR, else the service's own (systemd's CacheDirectory=, which
    deploy/systemd/kpi.service asks for), else $XDG_CACHE_HOME (or ~/.cache)/kpi-dashboard/loaded."""
    if folder := os.environ.get("KPI_CACHE_DIR"):
        return Path(folder)
    if service := os.environ.get("CACHE_DIRECTORY"):
        return Path(service.split(":")[0]) / "loaded"
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "kpi-dashboard" / "loaded"


@functools.cache
def _code_digest() -> str:
    """Return the SHA-256 of the source of every lib module and of the versions that read and hold the data."""
    digest = hashlib.sha256(f"{_FORMAT}|{platform.python_version()}|{pd.__version__}|{duckdb.__version__}|"
                            f"{pyarrow.__version__}".encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def content_key(data_dir: Path, today: dt.date | None = None) -> str:
    """Return the key of a data folder's current content: every file at its top (the definitions) and every actuals
    file the load reads, by name and bytes, with the day (today unless given), the settings and the code."""
    data_dir = Path(data_dir)
    source = actuals_source(data_dir)
    day = (today or dt.date.today()).isoformat()
    digest = hashlib.sha256(f"{_code_digest()}|{data_dir.resolve()}|{source}|{day}".encode())
    settings = sorted((name, repr(value)) for name, value in vars(config).items() if name.isupper())
    digest.update(repr(settings).encode())
    top = sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in [*top, *actuals_files(source)]:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def open_dataset_cached(data_dir: Path, folder: Path | None = None, load=None) -> Dataset:
    """Return the dataset of a data directory as open_dataset does (raising what it raises), from the entry of its
    current content when there is one, else loaded by `load` (open_dataset) and kept for the next start."""
    load = load or open_dataset
    data_dir = Path(data_dir)
    folder = Path(folder) if folder is not None else cache_dir()
    settle(data_dir)  # a write a killed process left half done is finished first: what is read is whole
    try:
        key = content_key(data_dir)
    except OSError:  # a file vanished while it was read, or the folder is none: the load says what is wrong
        return load(data_dir)
    entry = folder / f"{key}.pickle"
    if (found := _read(entry)) is not None:
        return restored_dataset(data_dir, found["catalog"], found["reports"], found["source"], found["tables"])
    ds = load(data_dir)
    try:
        unchanged = not (data_dir / UNFINISHED).exists() and content_key(data_dir) == key
    except OSError:
        unchanged = False
    if unchanged:  # (a writer at work while the files were read: what was loaded may be neither state, not kept)
        _write(folder, entry, {"catalog": ds.catalog, "reports": ds.reports, "source": ds.source,
                               "tables": database_tables(ds)})
    return ds


def _read(entry: Path) -> dict | None:
    """Return an entry, or None when there is none or it cannot be read back (then it is removed)."""
    try:
        fh = entry.open("rb")
    except OSError:  # none yet, or no folder to hold one
        return None
    with fh:
        try:
            return pickle.load(fh)
        except Exception:  # a torn or foreign file: a miss, and out of the way
            log.warning("loaded-data cache entry %s unreadable; removed", entry.name, exc_info=True)
    with contextlib.suppress(OSError):
        entry.unlink(missing_ok=True)
    return None


def _write(folder: Path, entry: Path, value: dict) -> None:
    """Write an entry whole (a temporary file renamed into place), then remove all but the newest KEEP_ENTRIES; a
    folder that cannot be written only costs the next start its load."""
    tmp = folder / f".tmp-{uuid.uuid4().hex}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError:
        log.warning("loaded-data cache not written to %s", folder, exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
