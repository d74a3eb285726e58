"""A level: the latest reported count (绿色网点, 可循环快递箱), paced linearly from zero at the start of the year."""

from __future__ import annotations

from lib import config
from lib.kinds.paced import Paced
from lib.score import EMPTY, Score, Series, finite, growth_pct, meets, pace_status, percent


class Level(Paced):
    """The latest reported count; expected progress is months ÷ 12; projection = latest × 12 ÷ months (a steady
    build-up from zero)."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        m = cur.latest_month(as_of)
        if m is None or score.target is None:
            return
        actual = cur.ytd[m]
        score.actual_ytd, score.data_month = actual, m
        score.completion_pct = percent(actual, score.target)
        score.stretch_completion_pct = percent(actual, score.stretch)
        score.expected_pct_linear = score.expected_pct_seasonal = m / 12 * 100
        score.seasonal_basis = "linear"
        score.gap_points = (score.completion_pct - score.expected_pct_linear if score.completion_pct is not None
                            else None)
        if score.completion_pct is None:  # a target of zero: judged by the comparator alone
            score.status = "green" if meets(actual, score.target, score.comparator) else "red"
        else:
            score.status = pace_status(score.completion_pct, score.expected_pct_linear, score.comparator,
                                       m == 12, actual, score.target)
        score.projection_year_end = finite(actual * 12 / m)
        score.projection_reliable = m >= config.MIN_MONTHS_FOR_PROJECTION
        if m < 12:
            score.required_monthly_avg = finite(max(0.0, (score.target - actual) / (12 - m)))
        base_value = base.ytd.get(m)
        score.baseline_same_period = base_value
        score.yoy_growth_pct = growth_pct(actual, base_value)
