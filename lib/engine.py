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
Each kind's scorer, and everything else a kind changes (catalog columns, card lines, charts, sentences), is its entry
in the kinds table (lib/kinds/).
"""

from __future__ import annotations

import pandas as pd

from lib import queries
from lib.dataset import Dataset
from lib.kinds import KINDS, STATUSES
from lib.score import EMPTY, Score, Series, meets, pace_status, rate_status

# The scorecard's types and the status comparisons live in lib/score.py (the kinds' scorers use them too); they are
# read from here as well.
__all__ = ["EMPTY", "Score", "Series", "default_period", "load_series", "meets", "pace_status", "rate_status",
           "scorecard", "status_counts"]


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
        s.bases[month] = row.basis
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
        kind = KINDS[t["kind"]]
        components = []  # a ratio's numerator and denominator series
        if kind.reads_components:
            components = [lookup.get((t[col], t["region"], year), EMPTY) if t[col] else EMPTY
                          for col in ("numerator", "denominator")]
        kind.score(score, cur, base, as_of, *components)
        if not score.sources and score.data_month is not None:
            score.sources = sorted(set(cur.sources.get(score.data_month, "").split(";")) - {""})
        scores.append(score)
    return scores


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
    years = set(ds.catalog.years())
    with_targets = [(year, month) for year, month in ds.last_months().items() if year in years]
    return with_targets[-1] if with_targets else None
