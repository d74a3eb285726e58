"""Numbers, units and months written the way readers expect (亿元, 万件, 2021年10月)."""

from __future__ import annotations

import calendar
import math
import re
import unicodedata

from lib.units import REGISTRY, Unit, lookup, scaled
from lib.units import base as base_unit

DASH = "—"


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
    no number); a whole number rounds half up (0.5 reads 1, as a reader rounds, not 0)."""
    if math.isnan(value):
        return DASH
    if math.isinf(value):
        return INFINITY if value > 0 else f"-{INFINITY}"
    if abs(value) >= _SCIENTIFIC_FROM:
        return f"{value:.3g}"
    if decimals == 0:
        value = math.copysign(math.floor(abs(value) + 0.5), value)
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


def format_value(value: float | None, unit: str, lang: str = "zh") -> str:
    """Return a value in its unit as its registry entry writes it, e.g. 412.35亿元, 8.10万个, 82人次 (zh), ¥41.24 bn,
    1.92 bn parcels, 82 person-times (en); raise UnitError for a unit not in the registry.

    Amounts in a scaled unit (亿, 万, bn, m) always have two decimals and percentages and scores one, so the
    same quantity reads alike wherever it shows (255.90亿元 beside 434.46亿元, 97.0% beside 96.3%); a count in its
    own unit is a whole number."""
    return _format(value, unit, lang, keep_zeros=True)


def format_target(value: float | None, unit: str, lang: str = "zh") -> str:
    """Return a plan's figure as the plan states it, without zeros it never wrote: 540亿元, 24亿件, 95%, ¥54 bn
    (a measured 24.00亿件 has two decimals; the target ≥24亿件 does not)."""
    return _format(value, unit, lang, keep_zeros=False)


def _format(value: float | None, unit: str, lang: str, keep_zeros: bool) -> str:
    """Return a value in its unit; keep_zeros writes the fixed decimals of format_value."""
    entry = lookup(unit)
    if is_missing(value):
        return DASH
    if entry.family == "percent":
        return f"{trim_number(value, entry.decimals, keep_zeros=keep_zeros)}%"
    if entry.family == "score":
        number = trim_number(value, entry.decimals, keep_zeros=keep_zeros)
        return f"{number}分" if lang != "en" else f"{number} {entry.english}"
    if lang == "en":
        return _format_en(value * entry.factor, entry, keep_zeros)
    for prefix, size in (("亿", 1e8), ("万", 1e4)):
        larger = scaled(entry, prefix)
        if larger is not None and abs(value) >= size:
            return f"{trim_number(value / size, larger.decimals, keep_zeros=keep_zeros)}{larger.name}"
    return f"{trim_number(value, entry.decimals, keep_zeros=keep_zeros and not entry.whole)}{entry.name}"


def _format_en(base_value: float, unit: Unit, keep_zeros: bool = True) -> str:
    """Return a base-unit amount in English with bn/m scaling and the unit's word: ¥43.45 bn, 1.92 bn parcels."""
    size = abs(base_value)
    base = base_unit(unit)
    if math.isinf(size):  # a huge value times its unit's factor: no bn or m in front of ∞
        number = trim_number(base_value)
    elif size >= 1e9:
        number = f"{trim_number(base_value / 1e9, keep_zeros=keep_zeros)} bn"
    elif size >= 1e6:
        number = f"{trim_number(base_value / 1e6, keep_zeros=keep_zeros)} m"
    else:
        number = trim_number(base_value, base.decimals, keep_zeros=keep_zeros and not base.whole)
    if unit.family == "money":  # ¥ everywhere: cards, sentences and tables read alike
        return f"¥{number}"
    return f"{number} {unit.english_word(1 if number == '1' else 2)}".strip()  # 1 site as it reads, 0.5 rounded


def estimate(value: float | None, unit: str) -> float | None:
    """Return an estimate as readers take it: whole numbers for counts of things (31个, not 31.2个)."""
    entry = lookup(unit)
    if is_missing(value) or not entry.whole or math.isinf(value):
        return value
    return math.copysign(math.floor(abs(value) + 0.5), value) + 0.0


def requirement(value: float, unit: str) -> float:
    """Return what a requirement asks for as readers take it: a count rounded up (2.3 a month asks for 3: written
    as 2 it would fall short); amounts as they are."""
    entry = lookup(unit)
    if not entry.whole or is_missing(value) or math.isinf(value):
        return value
    return float(math.ceil(value - 1e-9))


def decimals(unit: str, lang: str = "zh", magnitude: float | None = None) -> int:
    """Return how many decimals a table's numbers of this unit carry in the unit display_unit names."""
    entry = lookup(unit)
    if lang != "en" or entry.family in ("percent", "score", "money"):
        return entry.decimals
    label, _scale = display_unit(unit, lang, magnitude)
    return 2 if label.startswith(("bn ", "m ")) else 0 if entry.whole or entry.factor != 1.0 else entry.decimals


def display_unit(unit: str, lang: str = "zh", magnitude: float | None = None) -> tuple[str, float]:
    """Return (unit label, multiplier) for a column or axis of amounts in unit, about `magnitude` in size: the
    unit itself in Chinese; in English the scale the cards use (亿元 of hundreds → "¥ bn", × 0.1)."""
    entry = lookup(unit)
    if lang != "en":
        return entry.name, 1.0
    if entry.family == "percent":
        return "%", 1.0
    if entry.family == "score":
        return entry.english, 1.0
    size = abs(magnitude * entry.factor) if not is_missing(magnitude) else entry.factor
    scale, divisor = ("bn", 1e9) if size >= 1e9 else ("m", 1e6) if size >= 1e6 else ("", 1.0)
    noun = "¥" if entry.family == "money" else entry.english
    label = f"¥ {scale}" if entry.family == "money" and scale else f"{scale} {noun}".strip()
    return label, entry.factor / divisor


# What keeps a number and its unit on one line: a no-break space in English (1.92 bn parcels), a word joiner
# between digits and a Chinese unit and between the unit's characters (19.25⁠亿⁠件), which lets no line break in
# but prints nothing. Every number is joined to the Chinese character after it (2021⁠年 too), so that all read
# alike: a joiner also takes away the quarter-em gap a word processor puts between Latin and Chinese text.
NO_BREAK_SPACE, WORD_JOINER = "\u00a0", "\u2060"
_WORDS = sorted({word for u in REGISTRY.values() if u.english for word in (u.english, u.english_word(1))},
                key=len, reverse=True)
_WORD = "|".join(map(re.escape, _WORDS))
_LATIN_UNIT = re.compile(r"([\d%]) (?=(?:bn|m|pp|" + _WORD + r")\b)")
_SCALE_WORD = re.compile(r"(\d\u00a0(?:bn|m)) (?=(?:" + _WORD + r")\b)")
# 个百分点 is held by its 个 only: five characters held together opened wide gaps in a justified line of 28.
_CJK_UNITS = sorted([*(name for name in REGISTRY if name != "%"), "%"], key=len, reverse=True)
# A number and the unit after it (its characters joined too: 亿⁠元), or the one character after it (2021⁠年, 10⁠月).
_CJK_UNIT = re.compile(r"(?<=[\d.])((?:亿|万)?(?:" + "|".join(map(re.escape, _CJK_UNITS)) + r")|[\u3400-\u9fff])")
# A range of numbers (11—12月, 1–10): its dash held to both ends (a line ending "11" read as a month of its own).
_RANGE_DASH = re.compile(r"(?<=\d)([—–])(?=\d)")


def unbreakable_pieces(text: str) -> list[str]:
    """Return the pieces of a text no line may break inside once its units are kept together: Latin words (a line may
    end after a hyphen between letters) and numbers with their units; a Chinese character alone (a line may end
    after any)."""
    pieces, piece, glued = [], "", False
    for ch in keep_units_together(text):
        if ch == " ":
            pieces.append(piece)
            piece, glued = "", False
            continue
        if ch == WORD_JOINER:
            glued = True
            continue
        wide = display_width(ch) == 2
        after_hyphen = len(piece) > 1 and piece[-1] == "-" and piece[-2].isalpha()  # illegal-|publication
        if piece and not glued and (wide or display_width(piece[-1]) == 2 or after_hyphen):
            pieces.append(piece)
            piece = ""
        piece += ch
        glued = False
    return [p for p in [*pieces, piece] if p]


def keep_units_together(text: str) -> str:
    """Return text whose numbers cannot be parted from their units at a line break (documents and slides that wrap
    lines themselves: the briefing, the deck)."""
    text = _LATIN_UNIT.sub(lambda m: m.group(1) + NO_BREAK_SPACE, text)
    text = _SCALE_WORD.sub(lambda m: m.group(1) + NO_BREAK_SPACE, text)
    text = _RANGE_DASH.sub(WORD_JOINER + r"\1" + WORD_JOINER, text)
    return _CJK_UNIT.sub(lambda m: WORD_JOINER + WORD_JOINER.join(m.group(1)), text)


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
