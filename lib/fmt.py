"""Numbers, units and months written the way readers expect (亿元, 万件, 2021年10月)."""

from __future__ import annotations

import calendar
import math
import unicodedata

from lib.units import UNITS, canonical_unit

DASH = "—"

_EN_NOUN = {
    "pieces": "parcels",
    "items": "",
    "person_times": "person-times",
    "sites": "sites",
    "cases": "cases",
    "incidents": "incidents",
}


def is_missing(value: object) -> bool:
    """Return whether a value is absent (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def display_width(text: str) -> int:
    """Return how wide text prints, in Latin letters (terminal columns): a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


INFINITY = "∞"
# Beyond this a number written out in full is a row of digits nobody reads (1e308 has 309 of them).
_SCIENTIFIC_FROM = 1e15


def trim_number(value: float, decimals: int = 2, keep_zeros: bool = False) -> str:
    """Return value with thousands separators and at most `decimals` decimals, zeros trimmed unless kept (∞ or — for
    no number)."""
    if math.isnan(value):
        return DASH
    if math.isinf(value):
        return INFINITY if value > 0 else f"-{INFINITY}"
    if abs(value) >= _SCIENTIFIC_FROM:
        return f"{value:.3g}"
    text = f"{value:,.{decimals}f}"
    if "." in text and not keep_zeros:
        text = text.rstrip("0").rstrip(".")
    return text.removeprefix("-") if text.strip("-0.") == "" else text


def _one_decimal(value: float, signed: bool) -> str:
    """Return value with one decimal (+ when signed); a value that rounds to zero reads 0.0, never -0.0."""
    if math.isinf(value) or abs(value) >= _SCIENTIFIC_FROM:
        text = trim_number(value)
        return f"+{text}" if signed and value > 0 else text
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    if float(text) == 0:
        return "+0.0" if signed else "0.0"
    return text


def format_value(value: float | None, unit: str, lang: str = "zh", compact: bool = False) -> str:
    """Return a value in its unit, e.g. 412.35亿元 or 8.10万个 (zh), ¥41.24 bn (en).

    Amounts in a scaled unit (亿, 万, bn, m) always have two decimals and percentages and scores one, so the
    same quantity reads alike wherever it shows (255.90亿元 beside 434.46亿元, 97.0% beside 96.3%)."""
    return _format(value, unit, lang, compact, keep_zeros=True)


def format_target(value: float | None, unit: str, lang: str = "zh", compact: bool = False) -> str:
    """Return a plan's figure as the plan states it, without zeros it never wrote: 540亿元, 24亿件, 95%, ¥54 bn
    (a measured 24.00亿件 has two decimals; the target ≥24亿件 does not)."""
    return _format(value, unit, lang, compact, keep_zeros=False)


def _format(value: float | None, unit: str, lang: str, compact: bool, keep_zeros: bool) -> str:
    """Return a value in its unit; keep_zeros writes the fixed decimals of format_value."""
    if is_missing(value):
        return DASH
    unit = canonical_unit(unit) or unit
    family, factor = UNITS.get(unit, ("", 1.0))
    if family == "percent":
        return f"{trim_number(value, 1, keep_zeros=keep_zeros)}%"
    if family == "score":
        number = trim_number(value, 1, keep_zeros=keep_zeros)
        return f"{number}分" if lang != "en" else f"{number} pts"
    if lang == "en":
        return _format_en(value * factor, family, unit, compact, keep_zeros)
    if factor == 1.0 and abs(value) >= 1e8 and f"亿{unit}" in UNITS:
        return f"{trim_number(value / 1e8, keep_zeros=keep_zeros)}亿{unit}"
    if factor == 1.0 and abs(value) >= 1e4 and f"万{unit}" in UNITS:
        return f"{trim_number(value / 1e4, keep_zeros=keep_zeros)}万{unit}"
    return f"{trim_number(value, keep_zeros=keep_zeros and factor != 1.0)}{unit}"


def _format_en(base_value: float, family: str, unit: str, compact: bool = False, keep_zeros: bool = True) -> str:
    """Return a base-unit amount in English with bn/m scaling; compact drops the noun."""
    size = abs(base_value)
    if math.isinf(size):  # a huge value times its unit's factor: no bn or m in front of ∞
        number = trim_number(base_value)
    elif size >= 1e9:
        number = f"{trim_number(base_value / 1e9, keep_zeros=keep_zeros)} bn"
    elif size >= 1e6:
        number = f"{trim_number(base_value / 1e6, keep_zeros=keep_zeros)} m"
    else:
        number = trim_number(base_value)
    if family == "money":  # ¥ everywhere: cards, sentences and tables read alike
        return f"¥{number}"
    if compact:
        return number
    noun = _EN_NOUN.get(family, unit)
    if base_value == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return f"{number} {noun}".strip()


COUNT_FAMILIES = {"pieces", "items", "person_times", "sites", "cases", "incidents"}


def estimate(value: float | None, unit: str) -> float | None:
    """Return an estimate as readers take it: whole numbers for counts of things (31个, not 31.2个)."""
    canonical = canonical_unit(unit) or unit
    family, factor = UNITS.get(canonical, ("", 1.0))
    if is_missing(value) or family not in COUNT_FAMILIES or factor != 1.0 or math.isinf(value):
        return value
    return float(round(value))


def display_unit(unit: str, lang: str = "zh", magnitude: float | None = None) -> tuple[str, float]:
    """Return (unit label, multiplier) for a column or axis of amounts in unit, about `magnitude` in size: the
    unit itself in Chinese; in English the scale the cards use (亿元 of hundreds → "¥ bn", × 0.1)."""
    canonical = canonical_unit(unit) or unit
    if lang != "en" or canonical not in UNITS:
        return unit, 1.0
    family, factor = UNITS[canonical]
    if family == "percent":
        return "%", 1.0
    if family == "score":
        return "pts", 1.0
    size = abs(magnitude * factor) if not is_missing(magnitude) else factor
    scale, divisor = ("bn", 1e9) if size >= 1e9 else ("m", 1e6) if size >= 1e6 else ("", 1.0)
    noun = "¥" if family == "money" else _EN_NOUN.get(family) or family
    label = f"¥ {scale}" if family == "money" and scale else f"{scale} {noun}".strip()
    return label, factor / divisor


def format_pct(value: float | None, signed: bool = False) -> str:
    """Return a percentage like 76.4% (or +14.5% when signed)."""
    if is_missing(value):
        return DASH
    return f"{_one_decimal(value, signed)}%"


def format_points(value: float | None, lang: str = "zh") -> str:
    """Return a difference in percentage points, e.g. +3.2个百分点."""
    if is_missing(value):
        return DASH
    text = _one_decimal(value, signed=True)
    return f"{text}个百分点" if lang != "en" else f"{text} pp"  # pts are a score's


def format_period(year: int, month: int, lang: str = "zh") -> str:
    """Return a month as 2021年10月 (zh) or Oct 2021 (en)."""
    if lang == "en":
        return f"{calendar.month_abbr[month]} {year}"
    return f"{year}年{month}月"


def format_month_range(start: int, end: int, lang: str = "zh") -> str:
    """Return a span of months such as 11–12月 (zh) or Nov–Dec (en)."""
    if lang == "en":
        if start == end:
            return calendar.month_abbr[start]
        return f"{calendar.month_abbr[start]}–{calendar.month_abbr[end]}"
    return f"{start}月" if start == end else f"{start}–{end}月"
