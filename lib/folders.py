"""Which files of a data folder are read, and from where: the actuals files in their order, and the bundled sample's
folder before any file is stored. Standard library only, so that a command can tell at its start what it will read
before pandas is imported."""

from __future__ import annotations

from pathlib import Path

ACTUALS_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SAMPLE_FOLDER = "sample"


def actuals_files(actuals_dir: Path) -> list[Path]:
    """Return the actuals files in a folder, in the order they are applied (by name)."""
    if not actuals_dir.is_dir():
        return []
    return sorted(p for p in actuals_dir.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in ACTUALS_SUFFIXES)


def reading_dir(data_dir: Path, folder: str, holds_files) -> Path:
    """Return the folder files of one kind are read from: data_dir/folder once it holds one (holds_files says),
    before that the bundled sample's data_dir/sample/folder when it has any."""
    own = Path(data_dir) / folder
    sample = Path(data_dir) / SAMPLE_FOLDER / folder
    return sample if not holds_files(own) and holds_files(sample) else own


def actuals_source(data_dir: Path) -> Path:
    """Return the folder the actuals are read from: actuals/, or the bundled sample's before any file is stored."""
    return reading_dir(data_dir, "actuals", lambda folder: bool(actuals_files(folder)))
