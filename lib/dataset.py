"""A loaded data directory: the catalog, every actuals file's report, and a DuckDB database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from lib import config, queries
from lib.actuals import actuals_files, load_actuals
from lib.catalog import Catalog, load_catalog
from lib.intake import Parsed


@dataclass
class Dataset:
    """Everything the engine needs for one data directory, loaded once."""

    data_dir: Path
    catalog: Catalog
    reports: list[Parsed]
    con: duckdb.DuckDBPyConnection
    _periods: pd.DataFrame | None = field(default=None, repr=False)

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Return the result of one query, run on its own cursor (connections are not thread-safe)."""
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, params or {}).df()
        finally:
            cursor.close()

    @property
    def rejected(self) -> list[Parsed]:
        """Return the reports of files that could not be loaded."""
        return [r for r in self.reports if not r.accepted]

    @property
    def is_sample(self) -> bool:
        """Return whether any loaded file is bundled sample data."""
        return any(r.accepted and r.file.startswith(config.SAMPLE_FILE_PREFIX) for r in self.reports)

    def periods(self) -> pd.DataFrame:
        """Return, per year with data, the last month and the number of months reported (computed once)."""
        if self._periods is None:  # the data of a Dataset never changes, and every page asks on every rerun
            self._periods = self.query(queries.PERIODS_WITH_DATA)
        return self._periods.copy()


def actuals_dir(data_dir: Path) -> Path:
    """Return the folder of actuals files inside a data directory."""
    return Path(data_dir) / "actuals"


def data_signature(data_dir: Path) -> tuple:
    """Return a key that changes whenever a definition or actuals file is added, changed or removed."""
    data_dir = Path(data_dir)
    _settle(data_dir)
    return files_signature(data_dir, [data_dir / "targets.csv", data_dir / "regions.csv",
                                      *actuals_files(actuals_dir(data_dir))])


def files_signature(data_dir: Path, paths: list[Path]) -> tuple:
    """Return (data dir, name/size/mtime of each existing path): a cache key that changes with the files."""
    entries = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        entries.append((path.name, st.st_size, st.st_mtime_ns))
    return (str(data_dir.resolve()), tuple(entries))


def _settle(data_dir: Path) -> None:
    """Finish a write a killed process left half done, so what is read next is whole (a stat when there is none)."""
    from lib.store import settle  # lib.store builds on this module

    settle(data_dir)


def open_dataset(data_dir: Path) -> Dataset:
    """Return the dataset of a data directory; raise InputError when targets.csv is unusable."""
    data_dir = Path(data_dir)
    _settle(data_dir)
    catalog = load_catalog(data_dir)
    rows, reports = load_actuals(actuals_dir(data_dir), catalog)
    con = duckdb.connect(":memory:")
    con.register("indicators_frame", catalog.indicators.reset_index())
    con.register("regions_frame", catalog.regions.reset_index())
    con.register("actuals_frame", rows)
    con.execute(queries.SCHEMA)
    for name in ("indicators_frame", "regions_frame", "actuals_frame"):
        con.unregister(name)
    return Dataset(data_dir=data_dir, catalog=catalog, reports=reports, con=con)
