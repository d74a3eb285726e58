"""Bringing an older data folder to today's format, after a backup, once: every month stays.

MIGRATIONS has one step per version: the step from version N to N+1 changes a folder laid out as N into N+1. Before
the first step the whole folder is backed up into its backups/ folder (lib/backup.py), and format.json is written last,
so a migration killed halfway is run again from the start on the next open. Version 1 → 2 adds format.json (and, as
events happen, audit/): nothing of version 1 is moved or rewritten, which tests/test_upgrade.py checks on a folder
the previous version wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lib import audit, backup, formats, store
from lib.access import Principal


def _from_1(data_dir: Path) -> None:
    """Version 1 → 2: the folder stays as it is; format.json (written after every step) says it is version 2."""


MIGRATIONS: dict[int, Callable[[Path], None]] = {1: _from_1}


@dataclass(frozen=True)
class Upgraded:
    """An upgrade that was made: from which version to which, and the backup taken before it."""

    old: int
    new: int
    backup: Path


def upgrade(data_dir: Path, by: Principal, now: dt.datetime | None = None) -> Upgraded | None:
    """Migrate an older data folder to formats.CURRENT after backing it up; return what was done, or None when it
    is current already. `by` is who opened the folder (the audit trail names them): an upgrade is no one's choice,
    the folder must be current to be read, so it needs no permission.

    Raise FormatTooNew for a folder a newer version wrote, FormatError for an unreadable format.json, StoreError or
    BackupError when the folder cannot be written (it is then read as it is: nothing of it changed)."""
    data_dir = Path(data_dir)
    if formats.check_readable(data_dir) == formats.CURRENT or not data_dir.is_dir():
        return None
    if not (data_dir / "targets.csv").exists() and not (data_dir / formats.FORMAT_FILE).exists():
        _mark_new(data_dir)  # a new city's folder: nothing of an older version to back up or migrate
        return None
    now = now or dt.datetime.now().astimezone().replace(microsecond=0)
    with store.locked(data_dir):
        old = formats.check_readable(data_dir)  # again under the lock: another process may have just done it
        if old == formats.CURRENT:
            return None
        stamp = now.strftime("%Y%m%dT%H%M%S")
        saved = data_dir / backup.BACKUPS_FOLDER / f"before-format-{formats.CURRENT}-{stamp}.zip"
        backup.write_archive(data_dir, saved, now)
        try:
            for version in range(old, formats.CURRENT):
                MIGRATIONS[version](data_dir)
            store.atomic_write(data_dir / formats.FORMAT_FILE, formats.format_bytes())
        except OSError as exc:
            raise store.StoreError("store_os_error", detail=exc.strerror or str(exc),
                                   path=str(getattr(exc, "filename", None) or data_dir)) from exc
    audit.record(data_dir, "upgrade", by, old=old, new=formats.CURRENT, backup=str(saved))
    return Upgraded(old, formats.CURRENT, saved)


def _mark_new(data_dir: Path) -> None:
    """Write today's format.json into a folder that holds no targets yet; one that cannot be written stays as it is
    (the first publication writes into it under the same rules)."""
    try:
        with store.locked(data_dir):
            if not (data_dir / formats.FORMAT_FILE).exists():
                store.atomic_write(data_dir / formats.FORMAT_FILE, formats.format_bytes())
    except (OSError, store.StoreError):
        pass
