"""The column path: raw records checked whole columns at a time, for large files (benchmarked at a million
rows). Each distinct text is read once with the same per-value functions as the record path, and any record
a column check flags goes through check_record itself, so the rows and problems are the record path's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib import config
from lib.catalog import Catalog
from lib.intake import checks, crosscheck
from lib.problems import Problem

_PLAIN_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"  # what float() reads the same way


def _distinct(s: pd.Series) -> tuple[np.ndarray, list]:
    """Return (each cell's code, the distinct cells in order of first appearance), as pd.factorize(s,
    use_na_sentinel=False) does: through Arrow's dictionary encoding for a column Arrow holds without a missing cell
    (the reader's), a third faster on a million cells."""
    chunks = checks.arrow_text(s)
    if chunks is not None and len(chunks) and not pc.max(pc.binary_length(chunks)).as_py():
        return np.zeros(len(chunks), dtype=np.intp), [""]  # a blank column (unit, basis of most files)
    if chunks is not None:
        encoded = pc.dictionary_encode(chunks.combine_chunks() if chunks.num_chunks != 1 else chunks.chunk(0))
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False), \
            encoded.dictionary.to_pylist()
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    return codes, list(uniques)


def _per_unique(s: pd.Series, fn) -> tuple[np.ndarray, list]:
    """Return (codes, fn of each distinct value): columns such as indicator repeat a few values."""
    codes, uniques = _distinct(s)
    return codes, [fn(u) for u in uniques]


def _text_by_code(found: list[str | None], codes: np.ndarray, cells: pd.Series | None = None,
                  uniques: list | None = None) -> tuple[pd.Series, np.ndarray, list]:
    """Return (the text column built from what was found for each distinct cell and each cell's code,
    None → NaN; a key per cell, equal exactly when the texts are; the distinct texts in key order). Where every
    distinct cell (uniques, of the column cells) reads as itself, the column is cells itself, not a copy."""
    distinct, by_found = pd.factorize(np.array(found, dtype=object), use_na_sentinel=False)
    texts = [t if isinstance(t, str) else None for t in by_found]  # factorize turns None into NaN
    key = distinct[codes].astype(np.int64)
    if cells is not None and uniques is not None and len(uniques) == len(texts) and \
            all(type(u) is str and u == f for u, f in zip(uniques, found, strict=True)):
        return cells.reset_index(drop=True).astype("str"), key, texts
    if len(texts) == 1 and texts[0] is not None:
        return checks.constant_text(texts[0], len(key)), key, texts
    return pd.Series(pa.array(texts, pa.string()).take(key), dtype="str"), key, texts


def _read_texts(s: pd.Series, fn) -> tuple[pd.Series, np.ndarray, list]:
    """Return _text_by_code of what fn reads from each distinct cell of a column."""
    codes, uniques = _distinct(s)
    return _text_by_code([fn(u) for u in uniques], codes, s, uniques)


def _numbers(s: pd.Series) -> np.ndarray:
    """Return parse_number() of every cell as floats, NaN where the cell is not a number."""
    try:  # a column of plain numbers, as most are, is read in one cast (what Arrow reads, float() reads the same)
        out = pc.cast(pa.array(s), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _numbers_cell_by_cell(s)
    slow = ~np.isfinite(out)  # inf, nan, 1e999: as parse_number reads them
    if slow.any():
        out = out.copy()
        out[slow] = [np.nan if (v := checks.parse_number(c)) is None else v for c in s[slow]]
    return out


def _numbers_cell_by_cell(s: pd.Series) -> np.ndarray:
    """Return parse_number() of every cell as floats: plain numbers (also once commas, spaces and % are gone) in
    one cast, every other cell through parse_number itself."""
    out = np.full(len(s), np.nan)
    plain = np.array(s.str.fullmatch(_PLAIN_NUMBER), dtype=bool)
    if not plain.all():
        # a cell that is a plain number once commas, spaces and % are gone is ASCII, which clean()
        # only strips; every other cell goes through parse_number itself
        rest = np.flatnonzero(~plain)
        tidy = s.iloc[rest].str.replace(",", "", regex=False).str.replace(" ", "", regex=False).str.rstrip("%")
        tidy_plain = tidy.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool)
        s = s.copy()
        s.iloc[rest[tidy_plain]] = tidy[tidy_plain].to_numpy()
        plain[rest[tidy_plain]] = True
    if plain.any():
        out[plain] = pc.cast(pa.array(s[plain]), pa.float64()).to_numpy(zero_copy_only=False)
    slow = ~plain | ~np.isfinite(out)
    if slow.any():
        out[slow] = [np.nan if (v := checks.parse_number(c)) is None else v for c in s[slow]]
    return out


_THREADS = ThreadPoolExecutor(2, thread_name_prefix="intake-columns")
SIDE_BY_SIDE_MIN_ROWS = 100_000  # below this the threads cost more than they save


def _side_by_side(n: int, work: dict, wait: bool = True) -> dict:
    """Return each column's result: read two at a time for a large file (Arrow and the hash tables let go of the
    GIL, so both cores work, as DuckDB's reader does), one after another for a small one. With wait=False, return
    futures (done ones for a small file)."""
    if n < SIDE_BY_SIDE_MIN_ROWS:
        done = {name: fn() for name, fn in work.items()}
        return done if wait else {name: _Done(value) for name, value in done.items()}
    futures = {name: _THREADS.submit(fn) for name, fn in work.items()}
    return {name: future.result() for name, future in futures.items()} if wait else futures


class _Done:
    """A result already there, read as a future's."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def normalize(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
              context: checks.Context | None) -> tuple[pd.DataFrame, list[Problem], int]:
    """Return what lib.intake.normalize returns, checking whole columns (per record only for records
    with a problem)."""
    read = _read_columns(raw, catalog, context)
    failing = read.failing
    # one integer per (indicator, region, year, month), to find duplicates without hashing text: dense (the years
    # the rows that passed hold, not all 2200), so that it can be counted (_duplicated)
    years = read.year[~failing] if failing.any() else read.year
    first_year = int(years.min()) if len(years) else 0
    year_span = int(years.max()) - first_year + 1 if len(years) else 1
    row_key = ((read.indicator_key * (read.region_key.max(initial=0) + 1) + read.region_key) * year_span
               + read.year - first_year) * 13 + read.month
    # the duplicates among the rows the column checks passed, found while the rows are built beside them
    passed = row_key[~failing] if failing.any() else row_key
    duplicates = _side_by_side(len(raw), {"d": lambda: _duplicated(passed)}, wait=False)["d"]
    rows = pd.DataFrame({"pos": raw["pos"].to_numpy(dtype=np.int64), "indicator": read.indicator,
                         "region": read.region, "year": read.year, "month": read.month, "value": read.value,
                         "basis": read.basis, "note": checks.note_column(raw["note"]),
                         "value_col": raw["value_col"].to_numpy(dtype=np.int64)},
                        copy=False)  # (its columns are new arrays or read-only views: not copied into blocks again)
    flagged = _Flagged.check(raw, failing, names_by_col, catalog, file_name, context)
    good = rows[~failing] if failing.any() else rows
    if flagged.rescued:  # (kept on their own index, which is raw's)
        good = pd.concat([good, pd.DataFrame(flagged.rescued, index=flagged.rescued_at)]).sort_index(kind="stable")
        key = _row_keys(good, ["indicator", "region", "year", "month"])
        duplicate = key.duplicated(keep="first").to_numpy()
    else:
        key, duplicate = pd.Series(passed), duplicates.result()
    if duplicate.any():
        good = _drop_duplicates(good, key, duplicate, raw, flagged, names_by_col, file_name)
    flagged.located.sort(key=lambda item: (item[0], item[1]))
    limit = config.MAX_LISTED_PROBLEMS
    unlisted = flagged.unlisted + max(0, len(flagged.located) - limit)
    problems = [p for _, _, p in flagged.located[:limit]]
    good = good.reset_index(drop=True)
    good = good.assign(source_file=checks.constant_text(file_name, len(good)), source_row=good["pos"] + 1)
    more, more_unlisted = crosscheck.within_file(good, catalog, file_name, names_by_col)
    problems += more
    unlisted += more_unlisted
    if context is not None:
        more, more_unlisted = _against_loaded(good, catalog, file_name, context, names_by_col)
        problems += more
        unlisted += more_unlisted
    if good.empty:
        return checks.empty_rows(), problems, unlisted
    return good[checks.ROW_COLUMNS].astype({"year": "int64", "month": "int64", "value": "float64",
                                            "source_row": "int64"}), problems, unlisted


def _countable(span: int, n: int) -> bool:
    """Return whether n integer keys in [0, span) are found faster by counting (np.bincount) than by hashing."""
    return span <= 4 * n + 1024


def _duplicated(key: np.ndarray) -> np.ndarray:
    """Return pd.Series(key).duplicated(keep="first") of non-negative integer keys: counted when the keys span
    little more than their number (no key twice, as in most files: no hash of a million keys; else only the keys that
    occur twice are hashed), hashed all when they span more."""
    if not len(key) or not _countable(int(key.max()) + 1, len(key)):
        return pd.Series(key).duplicated(keep="first").to_numpy()
    twice = np.bincount(key)[key] > 1
    if not twice.any():
        return twice
    duplicated = np.zeros(len(key), dtype=bool)
    duplicated[twice] = pd.Series(key[twice]).duplicated(keep="first").to_numpy()
    return duplicated


@dataclass
class _Read:
    """The raw records' columns read whole: each cell's reading (and codes of the distinct texts behind it), the
    value in its indicator's unit, and which records a column check flags."""

    year: np.ndarray
    month: np.ndarray
    indicator: pd.Series
    indicator_key: np.ndarray
    region: pd.Series
    region_key: np.ndarray
    basis: pd.Series
    value: np.ndarray
    failing: np.ndarray


def _read_columns(raw: pd.DataFrame, catalog: Catalog, context: checks.Context | None) -> _Read:
    """Return the columns read, each distinct text once (two columns at a time for a large file), and which records
    fail a column check: a period, indicator, region or basis not read, a value not a number or past its limits."""
    n = len(raw)
    catalog.resolve_indicator("")  # (its name index built once, before the columns are read side by side)
    columns = _side_by_side(n, {
        "period": lambda: _per_unique(raw["period"], checks.parse_period),
        "indicator": lambda: _read_texts(raw["indicator"], lambda s: checks.read_indicator(s, catalog)),
        "value": lambda: _numbers(raw["value"]),
        "region": lambda: _read_texts(raw["region"], lambda s: checks.read_region(s, catalog)),
        "basis": lambda: _read_texts(raw["basis"], checks.read_basis),
        "unit": lambda: _distinct(raw["unit"])})
    codes, found = columns["period"]
    year = np.array([p[0] if p else 0 for p in found], dtype=np.int64)[codes] if n else np.zeros(0, np.int64)
    month = np.array([p[1] if p else 0 for p in found], dtype=np.int64)[codes] if n else np.zeros(0, np.int64)
    refused = [checks.period_problem(p, context) is not None for p in found]
    failing = np.array(refused, dtype=bool)[codes] if n else np.zeros(0, bool)
    (indicator, indicator_key, ids), value = columns["indicator"], columns["value"]
    (region, region_key, _), (basis, _, _) = columns["region"], columns["basis"]
    failing |= (indicator.isna() | region.isna() | basis.isna()).to_numpy() | np.isnan(value)
    value, out_of_bounds = _in_units(value, indicator_key, ids, columns["unit"], catalog)
    return _Read(year, month, indicator, indicator_key, region, region_key, basis, value, failing | out_of_bounds)


def _in_units(value: np.ndarray, indicator_key: np.ndarray, ids: list, units: tuple[np.ndarray, list],
              catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    """Return the values converted to their indicators' units (each distinct indicator and unit text once), and
    which cannot be: a unit that does not convert, a value past its limits (a percentage below 0 or over 100, past
    the unit's ceiling)."""
    unit_codes, unit_texts = units
    pair = indicator_key * len(unit_texts) + unit_codes  # each (indicator, unit text) once, in [0, span)
    span = len(ids) * len(unit_texts)
    if _countable(span, len(pair)):  # (the pairs that occur, found by counting: no hash of a million keys)
        pairs, pair_codes = np.flatnonzero(np.bincount(pair, minlength=span)), pair
    else:
        pair_codes, pairs = pd.factorize(pair)

    def conversion(pair: int) -> tuple[float, bool, float]:
        ind, unit_text = ids[pair // len(unit_texts)], unit_texts[pair % len(unit_texts)]
        if ind is None:
            return 1.0, False, np.inf
        return checks.unit_conversion(catalog, ind, unit_text) or (np.nan, False, np.inf)

    found = [conversion(int(p)) for p in pairs]
    if len(set(found)) <= 1:  # one conversion for every record (a file in the indicators' own units): no gathers
        factor, percent, ceiling = found[0] if found else (1.0, False, np.inf)
        percent = np.bool_(percent)
    else:
        at = pairs if pair_codes is pair else np.arange(len(pairs))  # where each pair's conversion is looked up
        size = span if pair_codes is pair else len(pairs)
        factor, percent, ceiling = np.ones(size), np.zeros(size, dtype=bool), np.full(size, np.inf)
        factor[at], percent[at], ceiling[at] = zip(*found, strict=True)
        factor, percent, ceiling = factor[pair_codes], percent[pair_codes], ceiling[pair_codes]
    with np.errstate(over="ignore", invalid="ignore"):
        value = value * factor + 0.0  # + 0.0: a -0 reads 0
    failing = np.isnan(value)
    for breaks in checks.VALUE_LIMITS.values():
        failing |= breaks(value, percent, ceiling)
    return value, failing


@dataclass
class _Flagged:
    """The records a column check flagged, checked one by one as the record path does (the first
    MAX_LISTED_PROBLEMS; the rest counted): their problems where they are, the ones the reference check accepts
    after all (rescued, on raw's index), and where listing stopped."""

    located: list[tuple[int, int, Problem]]  # (row, column, problem): sorted into the record path's order
    rescued: list[dict]
    rescued_at: list[int]
    cutoff: tuple[int, int] | None
    unlisted: int

    @classmethod
    def check(cls, raw: pd.DataFrame, failing: np.ndarray, names_by_col: dict[int, dict], catalog: Catalog,
              file_name: str, context: checks.Context | None) -> _Flagged:
        """Return the flagged records checked. A file with a million bad rows gets its first problems listed row by
        row and the rest counted: checking every record one at a time would take minutes and the list could not be
        read anyway."""
        limit = config.MAX_LISTED_PROBLEMS
        flagged = raw[failing] if failing.any() else raw.iloc[:0]
        cutoff = (int(flagged["pos"].iloc[limit]), int(flagged["value_col"].iloc[limit])) \
            if len(flagged) > limit else None
        out = cls([], [], [], cutoff, max(0, len(flagged) - limit))
        checked = flagged.head(limit)
        for at, rec in zip(checked.index, checked.to_dict("records"), strict=True):
            row, problems = checks.check_record(rec, names_by_col.get(rec["value_col"], {}), catalog, file_name,
                                                context)
            out.located += [(rec["pos"], rec["value_col"], p) for p in problems]
            if row is not None:  # the column checks flagged a record the reference check accepts: keep it
                out.rescued.append(row)
                out.rescued_at.append(at)
        return out


def _drop_duplicates(good: pd.DataFrame, key: pd.Series, duplicate: np.ndarray, raw: pd.DataFrame,
                     flagged: _Flagged, names_by_col: dict[int, dict], file_name: str) -> pd.DataFrame:
    """Return the rows without the later ones for the same indicator, region and month; name each one dropped
    (before the listing cutoff, MAX_LISTED_PROBLEMS at most) among flagged's problems, and count the rest."""
    limit = config.MAX_LISTED_PROBLEMS
    groups = good.groupby(key.to_numpy(), sort=False)
    first_line = groups["pos"].transform("first").to_numpy() + 1
    pos, col = good["pos"].to_numpy(), good["value_col"].to_numpy()
    listed = duplicate.copy()
    if flagged.cutoff is not None:
        listed &= (pos < flagged.cutoff[0]) | ((pos == flagged.cutoff[0]) & (col < flagged.cutoff[1]))
    listed &= np.cumsum(listed) <= limit
    flagged.unlisted += int(duplicate.sum() - listed.sum())
    periods = raw.loc[good.index[listed], "period"]
    bases, first_bases = good["basis"].to_numpy()[listed], groups["basis"].transform("first").to_numpy()[listed]
    for p, c, other, period, basis, other_basis in zip(pos[listed], col[listed], first_line[listed], periods, bases,
                                                        first_bases, strict=True):
        flagged.located.append((p, c, checks.duplicate_problem(file_name, names_by_col.get(c, {}), p, period, other,
                                                               basis, other_basis)))
    return good[~duplicate]


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Return one integer per row that is equal exactly when the rows agree on these columns."""
    key = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        span *= len(uniques) + 1
        if span >= 2**62:  # too many distinct combinations for one integer: hash the rows instead
            return pd.Series(pd.util.hash_pandas_object(frame[columns], index=False).to_numpy(), index=frame.index)
        key = key * (len(uniques) + 1) + codes + 1
    return pd.Series(key, index=frame.index)


def _against_loaded(rows: pd.DataFrame, catalog: Catalog, file_name: str, context: checks.Context,
                    names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return warnings: revisions of months already loaded, values far from last year's, and year-to-date
    values by the month they imply (the first config.MAX_LISTED_PROBLEMS), and how many more there are."""
    keys = ["indicator", "region", "year", "month"]
    located: list[tuple[int, int, int, Problem]] = []
    if context.loaded and not rows.empty:
        loaded = pd.DataFrame([(*k, *v) for k, v in context.loaded.items()],
                              columns=[*keys, "old", "old_basis", "source"]).astype({"year": "int64", "month": "int64"})
        met = rows.merge(loaded, on=keys, how="inner")  # few rows: each checked as the record path does
        for r in met.itertuples():
            key = (r.indicator, r.region, int(r.year), int(r.month))
            found = checks.revision_check(context, key, r.value, r.basis)
            if found:
                located.append((r.source_row, r.value_col, 0, checks.revision_problem(
                    file_name, names_by_col, r.source_row, r.value_col, r.value, r.basis, found,
                    catalog.indicator(r.indicator)["unit"], context, key)))
    # last year's month values, keyed by the month a year later that they are compared with
    last = pd.DataFrame([(k[0], k[1], k[2] + 1, k[3], v) for k, v in context.last_year.items()],
                        columns=[*keys, "last"]).astype({"year": "int64", "month": "int64"})
    if context.last_year and not rows.empty:
        met = rows[rows["basis"] == "month"].merge(last, on=keys, how="inner")
        far = met[(met["last"] > 0) & (met["value"] > 0) & checks.beyond_outlier_factor(met["value"] / met["last"])]
        for r in far.itertuples():
            located.append((r.source_row, r.value_col, 1, checks.outlier_problem(
                file_name, names_by_col, r.source_row, r.value_col, r.value, r.last,
                catalog.indicator(r.indicator)["unit"])))
    summed = [ind for ind in rows["indicator"].unique() if catalog.indicator(ind)["aggregation"] == "sum"] \
        if not rows.empty else []
    ytd = rows[((rows["basis"] == "ytd") & rows["indicator"].isin(summed)).to_numpy()]
    if not ytd.empty:
        own = ytd[[*keys, "value"]].rename(columns={"value": "own"}).assign(month=lambda f: f["month"] + 1)
        met = ytd.merge(own, on=keys, how="left")
        loaded_ytd = pd.DataFrame([(*k, v) for k, v in context.ytd.items()], columns=[*keys, "loaded"]) \
            .astype({"year": "int64", "month": "int64"}).assign(month=lambda f: f["month"] + 1)
        met = met.merge(loaded_ytd, on=keys, how="left").merge(last, on=keys, how="left")
        first = met["month"] == 1
        prev = met["own"].where(met["own"].notna(), met["loaded"]).mask(first, 0.0)
        implied = met["value"] - prev
        from_file = met["own"].notna() | first
        below = (implied < -1e-9) & ~from_file
        ratio = implied.clip(lower=0.0) / met["last"]
        far = (implied >= -1e-9) & (met["last"] > 0) & checks.beyond_outlier_factor(ratio)
        flagged = met.assign(prev=prev)[(below | far).to_numpy()]
        for r in flagged.itertuples():
            last_value = None if pd.isna(r.last) else r.last
            located.append((r.source_row, r.value_col, 2, checks.implied_month_problem(
                file_name, names_by_col, r.source_row, r.value_col, r.value, r.prev, last_value,
                catalog.indicator(r.indicator)["unit"], from_file=not pd.isna(r.own) or r.month == 1)))
    # by row, column, then revision, outlier, implied month: the record path's order
    located.sort(key=lambda item: item[:3])
    return ([p for *_, p in located[:config.MAX_LISTED_PROBLEMS]],
            max(0, len(located) - config.MAX_LISTED_PROBLEMS))
