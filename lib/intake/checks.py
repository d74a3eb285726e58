"""The checks both intake paths share: what a cell means (clean, parse_period, parse_number, BASIS_WORDS), the
reference check of one record (check_record), the rules and messages of the checks across rows, and the shape of
a canonical row (ROW_COLUMNS, Context).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import config, units
from lib.catalog import Catalog
from lib.problems import Problem
from lib.safety import restore_cell

ROW_COLUMNS = ["indicator", "region", "year", "month", "value", "basis", "note", "source_file", "source_row"]
BASIS_WORDS = {"": "month", "month": "month", "当月": "month", "本月": "month",
               "ytd": "ytd", "累计": "ytd", "1-n月累计": "ytd", "本年累计": "ytd"}
PERIOD_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]0?1)?(?:\s+00:00:00)?")
COMPACT_PERIOD_PATTERN = re.compile(r"(\d{4})(\d{2})")
_ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


@dataclass
class Context:
    """What validation compares a file with: today, the years in use, and data already loaded."""

    today: dt.date
    years: set[int]
    loaded: dict[tuple, tuple[float, str, str]] = field(default_factory=dict)  # value, basis, source file
    last_year: dict[tuple, float] = field(default_factory=dict)  # month values of loaded series
    ytd: dict[tuple, float] = field(default_factory=dict)  # year-to-date values of loaded series
    submissions: dict[str, dict] = field(default_factory=dict)  # log entry of each stored file, by its name


def empty_rows() -> pd.DataFrame:
    """Return an empty frame with the canonical row columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def clean(text: object) -> str:
    """Return a cell as text: NFKC-normalised, stripped, '' for empty."""
    if type(text) is str and text.isascii():  # NFKC leaves ASCII unchanged; most cells are ASCII
        return text.strip()
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def note_column(s: pd.Series) -> pd.Series:
    """Return a note column as the record path reads each note: stripped, a neutralising apostrophe the store wrote
    removed (lib/safety.py)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    notes = s.astype("str")
    if not len(notes) or not pc.max(pc.binary_length(pa.array(notes))).as_py():  # no note at all, as most files
        return notes
    notes = notes.str.strip()
    marked = notes.str.startswith("'").to_numpy(dtype=bool)
    if marked.any():
        notes = notes.copy()
        notes[marked] = notes[marked].map(restore_cell)
    return notes


def constant_text(text: str, n: int, index: pd.Index | None = None) -> pd.Series:
    """Return a text column of n cells that all hold text, built straight from Arrow buffers (a million cells of a
    file's name or of '' cost milliseconds, not a copy of each)."""
    import pyarrow as pa

    encoded = text.encode("utf-8")
    wide = len(encoded) * n >= 2**31
    offsets = np.arange(n + 1, dtype=np.int64 if wide else np.int32) * len(encoded)
    cells = pa.Array.from_buffers(pa.large_string() if wide else pa.string(), n,
                                  [None, pa.py_buffer(offsets), pa.py_buffer(encoded * n)])
    return pd.Series(cells, index=index, dtype="str")


def arrow_text(s: pd.Series):
    """Return the Arrow chunks behind a text column without a missing cell (as the CSV reader gives them), or None
    for a column held otherwise."""
    import pyarrow as pa

    chunks = getattr(s.array, "_pa_array", None)
    if isinstance(chunks, pa.ChunkedArray) and chunks.null_count == 0 and \
            (pa.types.is_string(chunks.type) or pa.types.is_large_string(chunks.type)):
        return chunks
    return None


def distinct_cells(s: pd.Series) -> list:
    """Return the distinct cells of a text column in order of first appearance, as pd.unique does (through Arrow for
    a column it holds: a million cells in a few milliseconds)."""
    import pyarrow.compute as pc

    chunks = arrow_text(s)
    return pc.unique(chunks).to_pylist() if chunks is not None else list(pd.unique(s))


def filled_cells(s: pd.Series) -> np.ndarray:
    """Return, per cell of a text column, whether clean() leaves anything of it. A column Arrow holds whose bytes
    have no whitespace, control or non-ASCII byte at all (a column of figures) is blank exactly where a cell is
    empty, found from its lengths; any other goes through clean_column."""
    import pyarrow.compute as pc

    chunks = arrow_text(s)
    if chunks is not None and all(_plain_ascii(chunk) for chunk in chunks.chunks):
        return pc.greater(pc.binary_length(chunks), 0).to_numpy(zero_copy_only=False)
    return (clean_column(s) != "").to_numpy(dtype=bool)


def _plain_ascii(chunk) -> bool:
    """Return whether the bytes of an Arrow text chunk (the whole buffer: a slice's neighbours too, which can only
    make the answer False) hold no byte str.strip() or NFKC could change: none at or below space, none past ASCII."""
    data = chunk.buffers()[2]
    if data is None:
        return True
    found = np.frombuffer(data, dtype=np.uint8)
    return not len(found) or bool(((found - np.uint8(33)) < np.uint8(94)).all())  # 33..126 only


def clean_column(s: pd.Series) -> pd.Series:
    """Return clean() of every cell of a text column: vectorised for ASCII, per cell otherwise."""
    out = s.str.strip(_ASCII_SPACE)  # NFKC leaves ASCII alone; these are what str.strip() removes in ASCII
    ascii_cells = s.str.isascii()
    if not ascii_cells.all():
        out[~ascii_cells] = s[~ascii_cells].map(clean)
    return out


def parse_period(text: object) -> tuple[int, int] | None:
    """Return (year, month) from 2021-03, 2021年3月, 2021/3, 202103 or 2021.03; None if not a month."""
    s = clean(text)
    m = PERIOD_PATTERN.fullmatch(s) or COMPACT_PERIOD_PATTERN.fullmatch(s)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return (year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None


def parse_number(text: object) -> float | None:
    """Return a number from text with thousands separators, full-width digits, % or spaces."""
    s = clean(text).replace(",", "").replace(" ", "").rstrip("%")
    if s in ("", "-", "nan"):
        return None
    try:
        value = float(s)
    except ValueError:
        return None
    return None if value != value or value in (float("inf"), float("-inf")) else value


def read_indicator(text: object, catalog: Catalog) -> str | None:
    """Return the indicator id a cell names, or None."""
    return catalog.resolve_indicator(clean(text))


def without_target(text: object, catalog: Catalog) -> bool:
    """Return whether an indicator cell names an indicator this dashboard has no target or component for (a
    statistics office's other lines, 邮政行业寄递业务量), rather than a known one or a misspelling of one, which is
    refused with a hint."""
    name = clean(text)
    return bool(name) and read_indicator(name, catalog) is None and not catalog.misspells_indicator(name)


def read_region(text: object, catalog: Catalog) -> str | None:
    """Return the region a cell names ('' for the whole city), or None."""
    return catalog.normalize_region(clean(text))


def read_basis(text: object) -> str | None:
    """Return 'month' or 'ytd' for a basis cell, or None."""
    return BASIS_WORDS.get(clean(text).lower())


def period_problem(period: tuple[int, int] | None, context: Context | None) -> str | None:
    """Return the problem code of a record's month as parse_period read it (None: not a month), or None when the
    month is fine."""
    if period is None:
        return "err_period"
    if context is None:
        return None
    if period > (context.today.year, context.today.month):
        return "err_future"
    if period[0] not in context.years:
        return "err_year"
    return None


def unit_conversion(catalog: Catalog, indicator: str, unit_text: object) -> tuple[float, bool, float] | None:
    """Return (the factor into the indicator's unit, whether that unit is a percentage, the largest plausible value
    in it: config.VALUE_CEILING) for a unit cell ('' means the indicator's unit), or None when the indicator's unit
    cannot be reached from it."""
    target_unit = catalog.indicator(indicator)["unit"]
    unit = units.canonical_unit(clean(unit_text))
    if unit is None or (unit and not units.convertible(unit, target_unit)):
        return None
    target = units.canonical_unit(target_unit)
    family, base = units.UNITS[target] if target else ("", 1.0)
    ceiling = config.VALUE_CEILING.get(family, float("inf")) / base
    return (units.factor(unit, target_unit) if unit else 1.0), target_unit == "%", ceiling


# Limits on a value in its indicator's unit, in the order they are reported: (problem code, whether a value
# breaks it, given whether the unit is a percentage and the unit's ceiling). The rules work on numbers (the record
# path) and on whole arrays (the column path) alike; a value converted past the largest float is inf, over any ceiling.
# A share cannot be below 0 or above 100; a negative amount or count (a month's correction of a flow) is possible
# and stored with a warning (crosscheck.within_file), not refused.
VALUE_LIMITS = {
    "err_negative": lambda value, percent, ceiling: percent & (value < 0),
    "err_over_100": lambda value, percent, ceiling: percent & (value > 100),
    "err_too_big": lambda value, percent, ceiling: value > ceiling,
}


def value_limit(value: float, percent: bool, ceiling: float) -> str | None:
    """Return the first of VALUE_LIMITS a value breaks, or None."""
    for code in ("err_negative", "err_over_100", "err_too_big"):
        if VALUE_LIMITS[code](value, percent, ceiling):
            return code
    return None


def check_record(rec: dict, headers: dict, catalog: Catalog, file_name: str,
                 context: Context | None) -> tuple[dict | None, list[Problem]]:
    """Return one raw record as a canonical row, or None and its problems (the reference check of a record)."""
    problems: list[Problem] = []

    def bad(column: str, code: str, **params: object) -> None:
        problems.append(Problem(file_name, code, row=rec["pos"] + 1, column=headers.get(column) or column,
                                value=clean(rec[column]), params=params))

    period = parse_period(rec["period"])
    refused = period_problem(period, context)
    if refused:
        bad("period", refused, years="、".join(map(str, sorted(context.years))) if context else "")
    indicator = read_indicator(rec["indicator"], catalog)
    if indicator is None:
        hint = catalog.suggest_indicators(clean(rec["indicator"]))
        if hint:
            bad("indicator", "err_indicator_hint", names="、".join(hint))
        else:
            bad("indicator", "err_indicator")
    value = parse_number(rec["value"])
    if value is None:
        bad("value", "err_number")
    region = read_region(rec["region"], catalog)
    if region is None:
        bad("region", "err_region", allowed="、".join(["全市", *catalog.region_names()]))
    basis = read_basis(rec["basis"])
    if basis is None:
        bad("basis", "err_basis")
    if indicator is not None and value is not None:
        conversion = unit_conversion(catalog, indicator, rec["unit"])
        if conversion is None:
            allowed = units.same_family_units(catalog.indicator(indicator)["unit"])
            bad("unit", "err_unit", allowed="、".join(allowed))
        else:
            factor, percent, ceiling = conversion
            value = value * factor + 0.0  # + 0.0: a -0 reads 0
            broken = value_limit(value, percent, ceiling)
            if broken:
                bad("value", broken, ceiling=f"{ceiling:,.0f}", unit=catalog.indicator(indicator)["unit"])
    if problems:
        return None, problems
    return {"pos": rec["pos"], "indicator": indicator, "region": region, "year": period[0], "month": period[1],
            "value": value, "basis": basis, "note": restore_cell(str(rec["note"] or "").strip()),
            "value_col": rec["value_col"]}, []


def duplicate_problem(file_name: str, headers: dict, pos: int, period_text: object, other_row: int,
                      basis: str = "", other_basis: str = "") -> Problem:
    """Return the error of a record repeating the indicator, region and month of an earlier row (other_row); when
    one gives the month and the other the year to date, that is said (a long file cannot hold both for one key)."""
    if basis and other_basis and basis != other_basis:
        return Problem(file_name, "err_duplicate_basis", row=int(pos) + 1, column=headers.get("period") or "period",
                       value=clean(period_text), params={"other": int(other_row), "basis": basis,
                                                          "other_basis": other_basis})
    return Problem(file_name, "err_duplicate", row=int(pos) + 1, column=headers.get("period") or "period",
                   value=clean(period_text), params={"other": int(other_row)})


# Checks across rows: the record path runs them over rows as dicts, the column path over whole frames (as
# frames they would cost a small file more than all its other checks); both with these rules and messages.


def beyond_outlier_factor(ratio: float | pd.Series) -> bool | pd.Series:
    """Return whether a ratio to last year's value (a number, or each of an array) is beyond
    config.OUTLIER_FACTOR either way."""
    return np.logical_not((ratio >= 1 / config.OUTLIER_FACTOR) & (ratio <= config.OUTLIER_FACTOR))  # NaN: beyond


def ytd_went_down(value: float | np.ndarray, previous: float | np.ndarray) -> bool | np.ndarray:
    """Return whether a year-to-date value (a number, or each of an array) is lower than the month before's."""
    return value < previous - 1e-9


def is_revision(old: float | pd.Series, old_basis: str | pd.Series, value: float | pd.Series,
                basis: str | pd.Series) -> bool | pd.Series:
    """Return whether a value (a number, or each of an array) changes a month already loaded: another basis,
    or a value that differs beyond rounding."""
    return (old_basis != basis) | (np.abs(old - value) > 1e-9 * np.maximum(np.abs(old), 1.0))


def revision_check(context: Context, key: tuple, value: float, basis: str) -> tuple[float | None] | None:
    """Return (the loaded figure of the same basis, None when none can be derived) when a value changes a month
    already loaded, or None when it does not: a month value is compared with the loaded month value, a year to date
    with the loaded year to date (either derived from what was loaded), never one with the other."""
    old, old_basis, _ = context.loaded[key]
    same = old if old_basis == basis else (context.ytd if basis == "ytd" else context.last_year).get(key)
    if same is None or is_revision(same, basis, value, basis):
        return (same,)
    return None


def implied_month_check(value: float, prev: float | None, last: float | None, from_file: bool) -> str | None:
    """Return the warning a year-to-date value earns from the month it implies (value minus the previous
    month's year to date), or None: below the loaded previous month (a decrease within the file is a
    warning of its own), or beyond OUTLIER_FACTOR of last year's month, an unchanged total included."""
    if prev is None:
        return None
    implied = value - prev
    if implied < -1e-9:
        return None if from_file else "warn_ytd_below_loaded"
    if last and last > 0 and beyond_outlier_factor(max(implied, 0.0) / last):
        return "warn_ytd_month_outlier"
    return None


def value_name(names_by_col: dict[int, dict], value_col: int) -> str:
    """Return the header a row's value problems are reported under."""
    return names_by_col.get(value_col, {}).get("value") or "value"


def _at_value(file_name: str, code: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
              params: dict, severity: str = "warning") -> Problem:
    """Return a problem with a stored row's value, located at its row and the header of its value column."""
    return Problem(file_name, code, row=int(row), column=value_name(names_by_col, value_col), value=f"{value:g}",
                   severity=severity, params=params)


def ytd_down_problem(file_name: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
                     previous: float, previous_row: int, unit: str) -> Problem:
    """Return the warning of a year-to-date value lower than the month before it (on previous_row), with both
    figures and how much lower."""
    return _at_value(file_name, "warn_ytd_down", names_by_col, row, value_col, value,
                     {"previous": f"{previous:g}", "prev_row": int(previous_row), "unit": unit,
                      "difference": f"{previous - value:g}"})


def negative_problem(file_name: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
                     basis: str, unit: str) -> Problem:
    """Return the warning of an amount or count below zero (a share below zero is an error: VALUE_LIMITS)."""
    return _at_value(file_name, "warn_negative", names_by_col, row, value_col, value,
                     {"basis": basis, "unit": unit})


def revision_problem(file_name: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
                     basis: str, found: tuple[float | None], unit: str, context: Context, key: tuple) -> Problem:
    """Return the warning (found: revision_check's) of a value changing a month already loaded, citing where the
    loaded figure came from: the submission (id, day, who, original file name) or the file dropped in."""
    (same,) = found
    _, old_basis, source = context.loaded[key]
    entry = context.submissions.get(source)
    params = {"basis": basis, "old_basis": old_basis, "unit": unit, "new": f"{value:g}",
              "old": "" if same is None else f"{same:g}", "source": source}
    if entry:
        params |= {"id": entry["id"], "submitted_at": entry["submitted_at"], "user": entry["user"],
                   "original": entry["original_name"]}
        code = "warn_revision_submission" if same is not None else "warn_revision_basis_submission"
    else:
        code = "warn_revision" if same is not None else "warn_revision_basis"
    return _at_value(file_name, code, names_by_col, row, value_col, value, params)


def ratio_text(ratio: float) -> str:
    """Return how many times one value is another, as a reader takes it in: 4.5, 45, 1,250, 0.25, <0.001."""
    if ratio >= 100:
        return f"{ratio:,.0f}"
    if ratio >= 0.1:
        return f"{ratio:.1f}"
    return f"{ratio:.3f}" if ratio >= 0.001 else "<0.001"


def outlier_problem(file_name: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
                    last: float, unit: str) -> Problem:
    """Return the warning of a month value far from the same month last year."""
    return _at_value(file_name, "warn_outlier", names_by_col, row, value_col, value,
                     {"last": f"{last:g}", "unit": unit, "factor": ratio_text(value / last)})


def growth_problem(file_name: str, row: int, column: str, text: str, reported: float, computed: float, year: int,
                   basis: str) -> Problem:
    """Return the warning of a reported year-on-year growth that differs from the one computed from the baseline."""
    return Problem(file_name, "warn_growth_mismatch", row=int(row), column=column, value=text, severity="warning",
                   params={"reported": f"{reported:.1f}", "computed": f"{computed:.1f}", "year": year, "basis": basis})


def implied_month_problem(file_name: str, names_by_col: dict[int, dict], row: int, value_col: int, value: float,
                          prev: float, last: float | None, unit: str, from_file: bool) -> Problem:
    """Return the warning of a year-to-date value by the month it implies (one implied_month_check flags)."""
    code = implied_month_check(value, prev, last, from_file)
    implied = value - prev
    return _at_value(file_name, code, names_by_col, row, value_col, value, {
        "prev": f"{prev:g}", "implied": f"{0.0 if abs(implied) < 1e-9 else implied:g}", "unit": unit,
        "last": f"{last:g}" if last else "—", "difference": f"{max(-implied, 0.0):g}"})
