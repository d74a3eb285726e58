"""The store's ledgers: the kinds of submission (actuals, progress, plan publications), their logs as written, and
the names the store gives files; the errors every part of the store raises."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.access import NotAllowed
from lib.problems import TranslatedError


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


class NotPermitted(StoreError, NotAllowed):
    """The principal may not do this (lib/access.py said no); nothing was read or written."""


class NonFiniteValue(StoreError):
    """A value to store is infinite or not a number: written out, it would make the stored file unreadable."""


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


def log_path(data_dir: Path, ledger: Ledger = ACTUALS) -> Path:
    """Return the path of a submissions log."""
    return Path(data_dir) / "submissions" / ledger.log_name


def raw_log(data_dir: Path, ledger: Ledger) -> pd.DataFrame:
    """Return a submissions log as written, oldest first (writers read it under the lock)."""
    path = log_path(data_dir, ledger)
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def folder_names(folder: Path) -> set[str]:
    """Return the names in a folder (none when it does not exist)."""
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()


def as_loaded(data_dir: Path, log: pd.DataFrame, ledger: Ledger = ACTUALS) -> pd.DataFrame:
    """Return log entries with the status their rows have on disk.

    A store whose rows still wait as .pending- is left out, a revert whose rows are still loaded reads active,
    rows found only under reverted/ read reverted, and rows found nowhere read missing."""
    names = folder_names(data_dir / ledger.folder)
    stored = log["stored_file"]
    loaded = stored.isin(names)
    logged_active = log["status"] == "active"
    waiting = ~loaded & logged_active & (PENDING_PREFIX + stored).isin(names)
    gone = ~loaded & logged_active & ~waiting
    view = log.copy()
    view.loc[loaded & ~logged_active, ["status", "reverted_at", "reverted_by"]] = ["active", "", ""]
    aside = folder_names(data_dir / "submissions" / "reverted")
    view.loc[gone, "status"] = np.where(stored[gone].isin(aside), "reverted", "missing")
    return view[~waiting].reset_index(drop=True)


def next_id(data_dir: Path, ledger: Ledger) -> str:
    """Return the next submission id of a ledger (call under the lock)."""
    numbers = [int(i) for i in raw_log(data_dir, ledger)["id"] if str(i).isdigit()]
    for folder in (data_dir / ledger.folder, data_dir / "submissions" / "reverted"):
        if folder.is_dir():
            numbers += [int(p.stem[len(ledger.prefix):]) for p in folder.glob(f"{ledger.prefix}*.csv")
                        if p.stem[len(ledger.prefix):].isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def active_entry(log: pd.DataFrame, submission_id: str) -> int:
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

