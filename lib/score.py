"""A target's scorecard line (Score), the monthly series it is computed from (Series), and the comparisons every
kind's scorer uses: shared by the engine, which reads the series, and the kinds (lib/kinds/), which score them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from lib import config


@dataclass
class Series:
    """One indicator's months in one region and year: month values, year to date, provenance."""

    month_value: dict[int, float] = field(default_factory=dict)
    ytd: dict[int, float] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    # A ratio's rate (lib/kinds/ratio.py rate_series): how each month's rate was formed ("ytd": the components'
    # years to date, "reported": the rate a file gave, "month": the month's own components, the year's first months
    # missing), and the rows behind it: (part, stored file, row, the part's figure: the month's own where known) with
    # part "numerator", "denominator" or "rate".
    basis: dict[int, str] = field(default_factory=dict)
    parts: dict[int, list[tuple[str, str, int | None, float | None]]] = field(default_factory=dict)
    bases: dict[int, str] = field(default_factory=dict)  # 'ytd' where a file stated the year to date (累计)

    def latest_month(self, as_of: int) -> int | None:
        """Return the last month up to as_of whose year to date is known."""
        months = [m for m in self.ytd if m <= as_of]
        return max(months) if months else None

    def total(self) -> float | None:
        """Return the full-year value (December's year to date), if known."""
        return self.ytd.get(12)


EMPTY = Series()


@dataclass
class Score:
    """The scorecard line of one target. Percentages are numbers like 87.5; None where not applicable."""

    indicator: str
    name: str
    name_en: str
    category: str
    kind: str
    unit: str
    comparator: str
    region: str
    lead_departments: list[str]
    target: float | None
    stretch: float | None = None
    actual_ytd: float | None = None
    data_month: int | None = None
    completion_pct: float | None = None
    stretch_completion_pct: float | None = None
    expected_pct_linear: float | None = None
    expected_pct_seasonal: float | None = None
    seasonal_basis: str | None = None
    rate_basis: str | None = None  # a ratio's rate formed from one month's components ("month"), else None
    # the last month up to data_month whose year to date a file stated (累计): for the formula note, not the JSON
    ytd_stated_through: int | None = field(default=None, metadata={"json": False})
    gap_points: float | None = None
    status: str = "grey"
    yoy_growth_pct: float | None = None
    growth_target_pct: float | None = None
    baseline_year: int | None = None
    baseline_same_period: float | None = None
    baseline_total: float | None = None
    implied_baseline: float | None = None
    baseline_gap_pct: float | None = None
    baseline_consistent: bool | None = None
    projection_year_end: float | None = None
    projection_reliable: bool | None = None
    required_monthly_avg: float | None = None
    baseline_remaining_monthly_avg: float | None = None
    sources: list[str] = field(default_factory=list)
    headline: int | None = None  # the plan's order of its headline targets (1 first); None for the others

    def to_dict(self, digits: int = 4) -> dict:
        """Return the score as plain JSON-ready data, floats rounded (without the fields only the pages read)."""
        out = {}
        shown = {f.name for f in fields(self) if f.metadata.get("json", True)}
        for key, value in asdict(self).items():
            if key not in shown or (key == "rate_basis" and value is None):  # the report reads as it always has
                continue
            if isinstance(value, float):
                value = None if math.isnan(value) else round(value, digits)
            out[key] = value
        return out


def meets(actual: float, target: float, comparator: str) -> bool:
    """Return whether actual satisfies the target under its comparator."""
    eps = 1e-9
    return {
        "≥": actual >= target - eps,
        ">": actual > target + eps,
        "≤": actual <= target + eps,
        "=": abs(actual - target) <= eps,
    }[comparator]


def pace_status(completion: float, expected: float, comparator: str, final: bool,
                actual: float, target: float) -> str:
    """Return the status of a flow or level target from completion against expected progress."""
    if final and meets(actual, target, comparator):
        return "green"
    shortfall = completion - expected if comparator == "≤" else expected - completion
    if shortfall <= 0 and not final:
        return "green"
    if shortfall <= config.PACE_YELLOW_BAND_POINTS:
        return "yellow"
    return "red"


def rate_status(rate: float, target: float, comparator: str) -> str:
    """Return the status of a rate target: met, short by at most the band, or further short."""
    if meets(rate, target, comparator):
        return "green"
    shortfall = rate - target if comparator == "≤" else target - rate
    return "yellow" if shortfall <= config.RATE_YELLOW_BAND_POINTS else "red"


def percent(part: float | None, whole: float | None) -> float | None:
    """Return part / whole as a percentage, None when either is missing, whole is zero, or the result is not a
    finite number (a tiny target under a huge actual)."""
    if part is None or whole is None or whole == 0:
        return None
    return finite(part / whole * 100)


def growth_pct(part: float | None, whole: float | None) -> float | None:
    """Return (part / whole − 1) as a percentage (a growth), None where percent gives None or the base is below zero
    (a growth over a negative year to date would read upside down)."""
    pct = percent(part, whole) if whole is None or whole > 0 else None
    return None if pct is None else pct - 100


def share_of(part: float | None, whole: float | None) -> float | None:
    """Return part / whole as a percentage of a whole above zero (a rate's parts), None otherwise: a denominator at
    or below zero (a month's correction) has no rate."""
    return percent(part, whole) if whole is not None and whole > 0 else None


def finite(value: float | None) -> float | None:
    """Return a number, None for one that is not finite (never shown as inf or nan)."""
    return value if value is None or math.isfinite(value) else None
