"""The scorecard: for a year and an as-of month, how far each target has got and whether it is on pace.

Meaning of each target kind (see README, "How the numbers are computed"):
- flow: monthly amounts summed year to date; expected progress is seasonal (the baseline
  year's share reached by the same month) or linear (months / 12) without a baseline.
- level: the latest reported count; expected progress is linear; the projection assumes a
  steady build-up from zero at the start of the year.
- ratio: the year-to-date ratio of the summed (or latest, for stock) components when they
  are reported, else the latest reported rate; judged against the target rate itself.
- zero_tolerance: any incident in the year to date is red.
- not_below_last_year: the latest value against the baseline year's value for the same period.
What else a kind changes (catalog columns, card lines, charts) is in lib/kinds.py.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import pandas as pd

from lib import config, queries
from lib.dataset import Dataset
from lib.kinds import KINDS, STATUSES


@dataclass
class Series:
    """One indicator's months in one region and year: month values, year to date, provenance."""

    month_value: dict[int, float] = field(default_factory=dict)
    ytd: dict[int, float] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)

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
        """Return the score as plain JSON-ready data, floats rounded."""
        out = {}
        for key, value in asdict(self).items():
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


def _pct(part: float | None, whole: float | None) -> float | None:
    """Return part / whole as a percentage, None when either is missing, whole is zero, or the result is not a
    finite number (a tiny target under a huge actual)."""
    if part is None or whole is None or whole == 0:
        return None
    return _finite(part / whole * 100)


def _ratio_pct(part: float | None, whole: float | None) -> float | None:
    """Return (part / whole − 1) as a percentage (a growth), None where _pct gives None."""
    pct = _pct(part, whole)
    return None if pct is None else pct - 100


def _finite(value: float | None) -> float | None:
    """Return a number, None for one that is not finite (never shown as inf or nan)."""
    return value if value is None or math.isfinite(value) else None


def _score_flow(score: Score, cur: Series, base: Series, as_of: int) -> None:
    m = cur.latest_month(as_of)
    base_total = base.total()
    score.baseline_total = base_total
    if score.target is None and score.growth_target_pct is not None and base_total is not None:
        score.target = base_total * (1 + score.growth_target_pct / 100)
    if score.growth_target_pct is not None and score.target is not None and score.growth_target_pct > -100:
        score.implied_baseline = _finite(score.target / (1 + score.growth_target_pct / 100))
        gap = _ratio_pct(base_total, score.implied_baseline)
        if gap is not None:
            score.baseline_gap_pct = gap
            score.baseline_consistent = abs(gap) <= config.BASELINE_TOLERANCE_PCT
    score.target = _finite(score.target)
    if m is None or score.target is None:
        return
    actual = cur.ytd[m]
    score.actual_ytd, score.data_month = actual, m
    score.completion_pct = _pct(actual, score.target)
    score.expected_pct_linear = m / 12 * 100
    base_ytd = base.ytd.get(m)
    seasonal = _pct(base_ytd, base_total) if base_total and base_total > 0 and base_ytd is not None else None
    if seasonal is not None:
        score.expected_pct_seasonal = seasonal
        score.seasonal_basis = "baseline"
    else:
        score.expected_pct_seasonal = score.expected_pct_linear
        score.seasonal_basis = "linear"
    if score.completion_pct is None:  # a target of zero (or one too small to divide by): the comparator decides
        score.status = "green" if meets(actual, score.target, score.comparator) else "red"
    else:
        score.gap_points = score.completion_pct - score.expected_pct_seasonal
        score.status = pace_status(score.completion_pct, score.expected_pct_seasonal, score.comparator,
                                   m == 12, actual, score.target)
    score.baseline_same_period = base_ytd
    score.yoy_growth_pct = _ratio_pct(actual, base_ytd)
    share = score.expected_pct_seasonal / 100
    score.projection_year_end = _finite(actual / share) if share else None
    score.projection_reliable = m >= config.MIN_MONTHS_FOR_PROJECTION
    if m < 12:
        score.required_monthly_avg = _finite(max(0.0, (score.target - actual) / (12 - m)))
        if base_total is not None and base_ytd is not None:
            score.baseline_remaining_monthly_avg = _finite((base_total - base_ytd) / (12 - m))


def _score_level(score: Score, cur: Series, base: Series, as_of: int) -> None:
    m = cur.latest_month(as_of)
    if m is None or score.target is None:
        return
    actual = cur.ytd[m]
    score.actual_ytd, score.data_month = actual, m
    score.completion_pct = _pct(actual, score.target)
    score.stretch_completion_pct = _pct(actual, score.stretch)
    score.expected_pct_linear = score.expected_pct_seasonal = m / 12 * 100
    score.seasonal_basis = "linear"
    score.gap_points = score.completion_pct - score.expected_pct_linear if score.completion_pct is not None else None
    if score.completion_pct is None:  # a target of zero: judged by the comparator alone
        score.status = "green" if meets(actual, score.target, score.comparator) else "red"
    else:
        score.status = pace_status(score.completion_pct, score.expected_pct_linear, score.comparator,
                                   m == 12, actual, score.target)
    score.projection_year_end = _finite(actual * 12 / m)
    score.projection_reliable = m >= config.MIN_MONTHS_FOR_PROJECTION
    if m < 12:
        score.required_monthly_avg = _finite(max(0.0, (score.target - actual) / (12 - m)))
    base_value = base.ytd.get(m)
    score.baseline_same_period = base_value
    score.yoy_growth_pct = _ratio_pct(actual, base_value)


def _score_ratio(score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
                 den: Series = EMPTY) -> None:
    both = [mo for mo in num.ytd if mo <= as_of and mo in den.ytd and _pct(num.ytd[mo], den.ytd[mo]) is not None]
    if both:
        m = max(both)
        rate = _pct(num.ytd[m], den.ytd[m])
        score.sources = sorted({num.sources.get(m, ""), den.sources.get(m, "")} - {""})
    else:
        m = cur.latest_month(as_of)
        if m is None:
            return
        rate = cur.ytd[m]
    score.actual_ytd, score.data_month = rate, m
    if score.target is None:
        return
    score.completion_pct = _pct(rate, score.target)
    score.status = rate_status(rate, score.target, score.comparator)
    score.gap_points = _finite(rate - score.target)
    score.projection_year_end = rate


def _score_zero(score: Score, cur: Series, base: Series, as_of: int) -> None:
    m = cur.latest_month(as_of)
    if m is None:
        return
    score.actual_ytd, score.data_month = cur.ytd[m], m
    score.status = "green" if meets(cur.ytd[m], score.target or 0.0, score.comparator) else "red"


def _score_not_below(score: Score, cur: Series, base: Series, as_of: int) -> None:
    m = cur.latest_month(as_of)
    if m is None:
        return
    actual = cur.ytd[m]
    score.actual_ytd, score.data_month = actual, m
    base_month = base.latest_month(m)
    if base_month is None:
        return  # nothing to compare with: stays grey
    score.target = score.baseline_same_period = base.ytd[base_month]
    score.completion_pct = _pct(actual, score.target)
    score.gap_points = _finite(actual - score.target)
    score.yoy_growth_pct = _ratio_pct(actual, score.target)
    score.status = "green" if meets(actual, score.target, "≥") else "red"


def _series_lookup(frame: pd.DataFrame) -> dict[tuple, Series]:
    """Return the series of every (indicator, region, year) in a query result."""
    out: dict[tuple, Series] = {}
    for row in frame.itertuples(index=False):
        s = out.setdefault((row.indicator, row.region, int(row.year)), Series())
        month = int(row.month)
        if pd.notna(row.month_value):
            s.month_value[month] = float(row.month_value)
        if pd.notna(row.ytd_value):
            s.ytd[month] = float(row.ytd_value)
        s.sources[month] = row.source_file
        if pd.notna(row.source_row):
            s.rows[month] = int(row.source_row)
        if isinstance(row.note, str) and row.note:
            s.notes[month] = row.note
    return out


def load_series(ds: Dataset, years: list[int], series: list[tuple[str, str]]) -> dict[tuple, Series]:
    """Return the given (indicator, region) series ('' the city) of the given years, keyed by
    (indicator, region, year): a page reads only the series it shows."""
    keys = sorted({f"{ind}|{region}" for ind, region in series if ind})
    if not keys or not years:
        return {}
    return _series_lookup(ds.query(queries.SERIES_FOR_YEARS, {"years": sorted(set(years)), "series": keys}))


def scorecard(ds: Dataset, year: int, as_of: int) -> list[Score]:
    """Return one Score per target of the year, as of the given month (1–12)."""
    targets = ds.catalog.targets_for(year)
    years = {year} | {int(y) for y in targets["baseline_year"].dropna()}
    lookup = load_series(ds, sorted(years), [(t[col], t["region"]) for t in targets.to_dict("records")
                                             for col in ("indicator", "numerator", "denominator")])
    scores = []
    for t in targets.to_dict("records"):
        score = Score(
            indicator=t["id"], name=t["name_zh"], name_en=t["name_en"], category=t["category"],
            kind=t["kind"], unit=t["unit"], comparator=t["comparator"], region=t["region"],
            lead_departments=list(t["lead_departments"]),
            target=_none(t["target_value"]), stretch=_none(t["stretch_value"]),
            growth_target_pct=_none(t["growth_target_pct"]),
            baseline_year=int(t["baseline_year"]) if pd.notna(t["baseline_year"]) else None,
            headline=int(t["headline"]) if pd.notna(t["headline"]) else None,
        )
        cur = lookup.get((t["indicator"], t["region"], year), EMPTY)
        base = lookup.get((t["indicator"], t["region"], score.baseline_year), EMPTY)
        components = []  # a ratio's numerator and denominator series
        if KINDS[t["kind"]].reads_components:
            components = [lookup.get((t[col], t["region"], year), EMPTY) if t[col] else EMPTY
                          for col in ("numerator", "denominator")]
        SCORERS[t["kind"]](score, cur, base, as_of, *components)
        if not score.sources and score.data_month is not None:
            score.sources = sorted(set(cur.sources.get(score.data_month, "").split(";")) - {""})
        scores.append(score)
    return scores


SCORERS = {  # the one place the engine names kinds: each kind's numbers
    "flow": _score_flow,
    "level": _score_level,
    "ratio": _score_ratio,
    "zero_tolerance": _score_zero,
    "not_below_last_year": _score_not_below,
}


def _none(value: object) -> float | None:
    """Return a float, or None for a missing value."""
    return None if value is None or pd.isna(value) else float(value)


def status_counts(scores: list[Score]) -> dict[str, int]:
    """Return how many targets have each status."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in scores:
        counts[s.status] += 1
    return counts


def default_period(ds: Dataset) -> tuple[int, int] | None:
    """Return (year, last month with data) of the latest year that has both targets and data."""
    periods = ds.periods()
    years = set(ds.catalog.years())
    rows = periods[periods["year"].isin(years)]
    if rows.empty:
        return None
    last = rows.iloc[-1]
    return int(last["year"]), int(last["last_month"])
