"""The data folder's format version: which layout of files it holds, so a new version of the app knows how to read it.

A folder carries its version in format.json ({"format": 2}); a folder without the file is version 1, the layout
before the version was written (targets.csv, actuals/, progress/, submissions/, rejected/, plans/). Version 2 is
version 1 with format.json and audit/ (the audit log). Today's code reads every version up to CURRENT (an older
folder is first migrated, with a backup: lib/upgrade.py) and refuses a newer one, which a later version of the app
wrote and this one might misread.
"""

from __future__ import annotations

import json
from pathlib import Path

from lib.problems import TranslatedError

CURRENT = 2
FORMAT_FILE = "format.json"
UNVERSIONED = 1  # a folder without format.json


class FormatError(TranslatedError):
    """The data folder's format.json cannot be read."""


class FormatTooNew(FormatError):
    """The data folder was written by a newer version of the app than this one."""


def folder_version(data_dir: Path) -> int:
    """Return the format version of a data folder (1 without format.json); raise FormatError when the file is
    unreadable or holds no version number."""
    path = Path(data_dir) / FORMAT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UNVERSIONED
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError("format_unreadable", path=str(path), detail=str(exc)) from exc
    try:
        version = json.loads(text)["format"]
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError("format_unreadable", path=str(path), detail=f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FormatError("format_unreadable", path=str(path), detail=f"format = {version!r}")
    return version


def check_readable(data_dir: Path) -> int:
    """Return the folder's version; raise FormatTooNew when a newer version of the app wrote it."""
    version = folder_version(data_dir)
    if version > CURRENT:
        raise FormatTooNew("format_too_new", path=str(data_dir), version=version, current=CURRENT)
    return version


def format_bytes(version: int = CURRENT) -> bytes:
    """Return the content of format.json for a version."""
    return (json.dumps({"format": version}) + "\n").encode("utf-8")
