"""The actuals folder: which files are read, in which order, and what they give together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from lib import parsed_cache
from lib.catalog import Catalog
from lib.folders import actuals_files
from lib.intake import Context, Parsed, empty_rows, parse
from lib.problems import Problem


def accepted_years(catalog: Catalog) -> set[int]:
    """Return the years whose actuals are taken: years with targets, their baselines, and the year before each year
    with targets (last year's figures are this year's 同比 and baseline, whether or not last year had targets)."""
    years = set(catalog.years())
    return years | {y - 1 for y in years} | {int(y) for y in catalog.targets["baseline_year"].dropna()}


def baseline_years(catalog: Catalog) -> dict[int, int]:
    """Return each year taken only as a baseline (no targets of its own), with the year whose baseline it is."""
    years = set(catalog.years())
    out = {y - 1: y for y in sorted(years) if y - 1 not in years}
    for year, base in zip(catalog.targets["year"], catalog.targets["baseline_year"], strict=True):
        if pd.notna(base) and pd.notna(year) and int(base) not in years:
            out.setdefault(int(base), int(year))
    return out


def base_context(catalog: Catalog, today: dt.date | None = None) -> Context:
    """Return the checks every file gets: no future months, only years with targets or baselines."""
    return Context(today=today or dt.date.today(), years=accepted_years(catalog))


def read_actuals_file(path: Path, catalog: Catalog, context: Context | None = None,
                      cache_key: bytes | None = None) -> Parsed:
    """Return one actuals file read through the common intake path (from lib/parsed_cache.py's cache when given the
    key of its folder, which the file's name and bytes complete)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Parsed(path.name, empty_rows(), [Problem(path.name, "err_unreadable",
                                                        params={"detail": exc.strerror or str(exc)})])
    key = parsed_cache.file_key(cache_key, path.name, data) if cache_key is not None else None
    kept = parsed_cache.get(key) if key is not None else None
    if isinstance(kept, Parsed):
        return kept
    parsed = parse(path.name, data, catalog, context=context or base_context(catalog))
    if key is not None:
        parsed_cache.put(key, parsed)
    return parsed


def load_actuals(actuals_dir: Path, catalog: Catalog,
                 data_dir: Path | None = None) -> tuple[pd.DataFrame, list[Parsed]]:
    """Return (rows of every accepted file with its order, one report per file). Given the data folder the catalog
    was read from, files read before with the same catalog, code and day come from lib/parsed_cache.py's cache."""
    context = base_context(catalog)
    cache_key = parsed_cache.folder_key(data_dir, context.today) if data_dir is not None else None
    reports = [read_actuals_file(p, catalog, context, cache_key) for p in actuals_files(actuals_dir)]
    frames = [r.rows.assign(file_order=i) for i, r in enumerate(reports) if r.accepted and not r.rows.empty]
    if not frames:
        return empty_rows().assign(file_order=pd.Series(dtype="int64")), reports
    return pd.concat(frames, ignore_index=True), reports
