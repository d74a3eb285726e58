"""A loaded data directory: the catalog, every actuals file's report, and a DuckDB database.

The bundled sample (data/sample/actuals, data/sample/progress) is read only while the data directory's own folder
holds no file: the first real file stored replaces the sample whole, so sample and real figures never mix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from lib import config, queries
from lib.actuals import load_actuals
from lib.catalog import Catalog, load_catalog
from lib.datafiles import DASHBOARD_FILES, check_files, check_folder
from lib.folders import actuals_files, actuals_source, reading_dir
from lib.intake import Parsed
from lib.store.writes import settle


@dataclass
class Dataset:
    """Everything the engine needs for one data directory, loaded once."""

    data_dir: Path
    catalog: Catalog
    reports: list[Parsed]
    con: duckdb.DuckDBPyConnection
    source: Path | None = None  # the folder the actuals were read from: actuals/, or the sample's before any is stored
    _periods: pd.DataFrame | None = field(default=None, repr=False)
    _last_months: dict[int, int] | None = field(default=None, repr=False)

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
        """Return whether the figures are bundled sample data: read from the sample folder, or a sample_ file."""
        return any(r.accepted and (self.uses_sample or r.file.startswith(config.SAMPLE_FILE_PREFIX))
                   for r in self.reports)

    @property
    def uses_sample(self) -> bool:
        """Return whether the actuals are the bundled sample's (the data directory's own folder holds none yet)."""
        return self.source is not None and self.source != actuals_dir(self.data_dir)

    @property
    def actuals_label(self) -> str:
        """Return the folder the actuals were read from, as a reader names it: data/actuals or data/sample/actuals."""
        source = self.source or actuals_dir(self.data_dir)
        try:
            return "/".join((self.data_dir.name, *source.relative_to(self.data_dir).parts))
        except ValueError:
            return str(source)

    def periods(self) -> pd.DataFrame:
        """Return, per year with data, the last month and the number of months reported (computed once)."""
        if self._periods is None:  # the data of a Dataset never changes, and every page asks on every rerun
            self._periods = self.query(queries.PERIODS_WITH_DATA)
        return self._periods.copy()

    def last_months(self) -> dict[int, int]:
        """Return each year with data and its last month with data, in year order (periods(), without a frame)."""
        if self._last_months is None:
            periods = self.periods()
            self._last_months = dict(zip(periods["year"].astype(int), periods["last_month"].astype(int), strict=True))
        return dict(self._last_months)


def actuals_dir(data_dir: Path) -> Path:
    """Return the folder of actuals files inside a data directory (where stored files go)."""
    return Path(data_dir) / "actuals"


def progress_files(folder: Path) -> list[Path]:
    """Return the work-plan progress files in a folder, in the order they are applied (by name)."""
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith(".")) if folder.is_dir() else []


def progress_source(data_dir: Path) -> Path:
    """Return the folder progress files are read from: progress/, or the bundled sample's before any is stored."""
    return reading_dir(data_dir, "progress", lambda folder: bool(progress_files(folder)))


def data_signature(data_dir: Path) -> tuple:
    """Return a key that changes whenever a definition or actuals file is added, changed or removed."""
    data_dir = Path(data_dir)
    settle(data_dir)  # a write a killed process left half done is finished first: what is read is whole
    return files_signature(data_dir, [*(data_dir / name for name in DASHBOARD_FILES),
                                      *actuals_files(actuals_source(data_dir))])


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


def open_catalog(data_dir: Path) -> Catalog:
    """Return the catalog of a data directory, checked as open_dataset checks it (the same errors), no actuals read."""
    data_dir = Path(data_dir)
    check_folder(data_dir)
    check_files(data_dir)
    settle(data_dir)  # a write a killed process left half done is finished first: what is read is whole
    return load_catalog(data_dir)


def shows_sample(data_dir: Path) -> bool:
    """Return whether a data directory's actuals are the bundled sample's (its own folder holds none yet)."""
    return actuals_source(data_dir) != actuals_dir(data_dir)


def open_dataset(data_dir: Path, catalog: Catalog | None = None) -> Dataset:
    """Return the dataset of a data directory (its catalog, when already opened by open_catalog); raise DataFolderError
    when it is no folder or a definition file the pages read is missing, empty or malformed (every such file named),
    InputError when targets.csv's rows are wrong."""
    data_dir = Path(data_dir)
    catalog = catalog if catalog is not None else open_catalog(data_dir)
    source = actuals_source(data_dir)
    rows, reports = load_actuals(source, catalog, data_dir=data_dir)
    return Dataset(data_dir=data_dir, catalog=catalog, reports=reports, con=_database(catalog, rows), source=source)


def dataset_of_rows(data_dir: Path, catalog: Catalog, rows: pd.DataFrame) -> Dataset:
    """Return the dataset the folder would hold were these canonical rows (one file's) its only actuals: what the
    pages would show once a first real file is stored, worked out by the same engine before it is."""
    return Dataset(data_dir=Path(data_dir), catalog=catalog, reports=[],
                   con=_database(catalog, rows.assign(file_order=0)), source=actuals_dir(data_dir))


def _database(catalog: Catalog, rows: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """Return an in-memory database of the catalog's indicators and regions and these actuals rows."""
    con = duckdb.connect(":memory:")
    con.register("indicators_frame", catalog.indicators.reset_index())
    con.register("regions_frame", catalog.regions.reset_index())
    con.register("actuals_frame", rows)
    con.execute(queries.SCHEMA)
    for name in ("indicators_frame", "regions_frame", "actuals_frame"):
        con.unregister(name)
    return con


def database_tables(ds: Dataset) -> dict:
    """Return every table of a dataset's database as an Arrow table (types kept exactly), by name."""
    return {name: ds.con.sql(f"SELECT * FROM {name}").to_arrow_table() for name in queries.TABLES}


def restored_dataset(data_dir: Path, catalog: Catalog, reports: list[Parsed], source: Path | None,
                     tables: dict) -> Dataset:
    """Return a dataset from what database_tables gave and the loaded catalog and reports, without reading a file."""
    con = duckdb.connect(":memory:")
    for name in queries.TABLES:
        con.register(f"{name}_frame", tables[name])
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")
    return Dataset(data_dir=Path(data_dir), catalog=catalog, reports=reports, con=con, source=source)
