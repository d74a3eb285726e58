"""The checks both intake paths share: what a cell means (clean, parse_period, parse_number, BASIS_WORDS), the
reference check of one record (check_record), the rules and messages of the checks across rows, and the shape of
a canonical row (ROW_COLUMNS, Context).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from lib import config, units
from lib.catalog import Catalog
from lib.problems import Problem

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


def check_record(rec: dict, headers: dict, catalog: Catalog, file_name: str,
                 context: Context | None) -> tuple[dict | None, list[Problem]]:
    """Return one raw record as a canonical row, or None and its problems (the reference check of a record)."""
    problems: list[Problem] = []
    line = rec["pos"] + 1

    def bad(column: str, code: str, value: object, **params: object) -> None:
        problems.append(Problem(file_name, code, row=line, column=headers.get(column) or column,
                                value=clean(value), params=params))

    period = parse_period(rec["period"])
    if period is None:
        bad("period", "err_period", rec["period"])
    elif context is not None:
        if period > (context.today.year, context.today.month):
            bad("period", "err_future", rec["period"])
        elif period[0] not in context.years:
            bad("period", "err_year", rec["period"], years="、".join(map(str, sorted(context.years))))
    indicator = catalog.resolve_indicator(clean(rec["indicator"]))
    if indicator is None:
        hint = catalog.suggest_indicators(clean(rec["indicator"]))
        if hint:
            bad("indicator", "err_indicator_hint", rec["indicator"], names="、".join(hint))
        else:
            bad("indicator", "err_indicator", rec["indicator"])
    value = parse_number(rec["value"])
    if value is None:
        bad("value", "err_number", rec["value"])
    region = catalog.normalize_region(clean(rec["region"]))
    if region is None:
        bad("region", "err_region", rec["region"], allowed="、".join(["全市", *catalog.region_names()]))
    basis = BASIS_WORDS.get(clean(rec["basis"]).lower())
    if basis is None:
        bad("basis", "err_basis", rec["basis"])
    if indicator is not None and value is not None:
        target_unit = catalog.indicator(indicator)["unit"]
        unit = units.canonical_unit(clean(rec["unit"]))
        if unit is None or (unit and not units.convertible(unit, target_unit)):
            bad("unit", "err_unit", rec["unit"], allowed="、".join(units.same_family_units(target_unit)))
        else:
            if unit:
                value = value * units.factor(unit, target_unit)
            if value < 0:
                bad("value", "err_negative", rec["value"])
            elif target_unit == "%" and value > 100:
                bad("value", "err_over_100", rec["value"])
    if problems:
        return None, problems
    return {"pos": rec["pos"], "indicator": indicator, "region": region, "year": period[0], "month": period[1],
            "value": value, "basis": basis, "note": str(rec["note"] or "").strip(), "value_col": rec["value_col"]}, []


def implied_month_check(value: float, prev: float | None, last: float | None, from_file: bool) -> str | None:
    """Return the warning a year-to-date value earns from the month it implies (value minus the previous
    month's year to date), or None: below the loaded previous month (a decrease within the file is an
    error of its own), or beyond OUTLIER_FACTOR of last year's month, an unchanged total included."""
    if prev is None:
        return None
    implied = value - prev
    if implied < -1e-9:
        return None if from_file else "warn_ytd_below_loaded"
    if last and last > 0 and not 1 / config.OUTLIER_FACTOR <= max(implied, 0.0) / last <= config.OUTLIER_FACTOR:
        return "warn_ytd_month_outlier"
    return None


def implied_month_params(value: float, prev: float, last: float | None, unit: str) -> dict:
    """Return the message parameters of an implied-month warning."""
    implied = value - prev
    return {"prev": f"{prev:g}", "implied": f"{0.0 if abs(implied) < 1e-9 else implied:g}", "unit": unit,
            "last": f"{last:g}" if last else "—"}


def value_name(names_by_col: dict[int, dict], value_col: int) -> str:
    """Return the header a row's value problems are reported under."""
    return names_by_col.get(value_col, {}).get("value") or "value"
