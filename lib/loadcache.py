"""The loaded data kept on disk between server starts, keyed on the content of everything the load read.

Opening a data folder checks every actuals file in a sandbox worker and builds DuckDB's tables: most of a server's
first run after a start (or after its caches were emptied), paid again for files that had not changed. An entry is
found only by the SHA-256 of the folder's definition files and actuals files (names and bytes), the day (a month in
the future is refused until it comes), the settings, the versions and the source of the code that read them: a
changed byte anywhere is another key, so an entry cannot be stale; old entries are removed, the newest few kept.

Entries are kept as lib/diskcache.py keeps them (pickles this code wrote, in the cache folder's loaded/; nothing anyone
uploads is ever unpickled; a file that cannot be read back is a miss, removed). Off with $KPI_CACHE_DIR=off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from lib import diskcache
from lib.dataset import Dataset, database_tables, open_dataset, restored_dataset
from lib.folders import actuals_files, actuals_source
from lib.store.writes import UNFINISHED, settle

KEEP_ENTRIES = 16  # a server shows one state of its folder at a time; a few more for the tabs still open on older ones
_FORMAT = 1  # the entry's layout: bump when what is pickled changes shape


def cache_dir() -> Path | None:
    """Return the folder of the entries: loaded/ in the cache folder (config.cache_dir()), or None when caching is
    off."""
    return diskcache.folder("loaded")


def content_key(data_dir: Path, today: dt.date | None = None) -> str:
    """Return the key of a data folder's current content: every file at its top (the definitions) and every actuals
    file the load reads, by name and bytes, with the day (today unless given), the settings and the code."""
    data_dir = Path(data_dir)
    source = actuals_source(data_dir)
    day = (today or dt.date.today()).isoformat()
    digest = hashlib.sha256(diskcache.code_digest() + diskcache.settings_digest())
    digest.update(f"|{_FORMAT}|{data_dir.resolve()}|{source}|{day}".encode())
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
    if folder is None:  # caching off
        return load(data_dir)
    settle(data_dir)  # a write a killed process left half done is finished first: what is read is whole
    try:
        key = content_key(data_dir)
    except OSError:  # a file vanished while it was read, or the folder is none: the load says what is wrong
        return load(data_dir)
    entry = folder / f"{key}.pickle"
    if (found := diskcache.read(entry)) is not None:
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


def _write(folder: Path, entry: Path, value: dict) -> None:
    """Write an entry whole, then remove all but the newest KEEP_ENTRIES."""
    if diskcache.write(entry, value):
        diskcache.keep_newest(folder, KEEP_ENTRIES)
