"""Which files of a data folder are read, and from where: the actuals files in their order, and the bundled sample's
folder before any file is stored. Standard library only, so that a command can tell at its start what it will read
before pandas is imported."""

from __future__ import annotations

import os
from pathlib import Path

ACTUALS_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SAMPLE_FOLDER = "sample"


def actuals_files(actuals_dir: Path) -> list[Path]:
    """Return the actuals files in a folder, in the order they are applied (by name)."""
    # One directory read: the pages ask on every rerun, and a file's type comes with its entry (no stat per file).
    try:
        entries = os.scandir(actuals_dir)
    except OSError:  # no such folder (or not a folder): no files
        return []
    with entries:
        return sorted(Path(actuals_dir) / e.name for e in entries
                      if not e.name.startswith((".", "~$")) and os.path.splitext(e.name)[1].lower() in ACTUALS_SUFFIXES
                      and e.is_file())


def reading_dir(data_dir: Path, folder: str, holds_files) -> Path:
    """Return the folder files of one kind are read from: data_dir/folder once it holds one (holds_files says),
    before that the bundled sample's data_dir/sample/folder when it has any."""
    own = Path(data_dir) / folder
    sample = Path(data_dir) / SAMPLE_FOLDER / folder
    return sample if not holds_files(own) and holds_files(sample) else own


def actuals_source(data_dir: Path) -> Path:
    """Return the folder the actuals are read from: actuals/, or the bundled sample's before any file is stored."""
    return reading_dir(data_dir, "actuals", lambda folder: bool(actuals_files(folder)))
