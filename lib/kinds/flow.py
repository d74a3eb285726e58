"""A flow: monthly amounts summed year to date (邮政业务总量, 快递业务量), paced against last year's seasonal curve."""

from __future__ import annotations

from collections.abc import Callable

from lib import config
from lib.fmt import format_month_range, format_pct, format_value
from lib.i18n import t
from lib.kinds import words
from lib.kinds.paced import Paced, month_name
from lib.score import EMPTY, Score, Series, finite, growth_pct, meets, pace_status, percent, share_of


class Flow(Paced):
    """Monthly amounts summed year to date; expected progress is the baseline year's share reached by the same month
    (linear without a complete baseline year); projection = year to date ÷ that share."""

    base_is_year_total = True  # a growth target is set on the baseline year's total, its December year to date

    def card_target(self, s: Score, lang: str) -> str:
        if s.target is None and s.growth_target_pct is not None:  # set by a growth on a baseline not yet stored
            return f"{t('target', lang)}{words.separator(lang)}{self._growth(s, lang)}"
        return super().card_target(s, lang)

    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        if s.target is None and s.growth_target_pct is not None:
            return self._growth(s, lang)
        return super().requirement(s, lang, amount)

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        if s.target is None:
            return t("brief_flow_no_base", lang, **words.sentence_parts(s, year, as_of, lang),
                     span=words.month_span(1, s.data_month, lang), growth=self._growth(s, lang),
                     period=words.base_words(self, s, lang))
        return super().brief_sentence(s, year, as_of, lang)

    def brief_clause(self, s: Score, lang: str) -> str:
        if s.target is None:
            return t("brief_clause_flow_no_base", lang, actual=format_value(s.actual_ytd, s.unit, lang),
                     period=words.base_words(self, s, lang))
        return super().brief_clause(s, lang)

    def digest_line(self, s: Score, lang: str) -> str:
        if s.target is None:
            return words.headline_value(s, self.brief_clause(s, lang), lang)
        return super().digest_line(s, lang)

    @staticmethod
    def _growth(s: Score, lang: str) -> str:
        """Return the growth a target asks for: 目标增幅+13.8%."""
        space = " " if lang == "en" else ""
        return f"{t('growth_target', lang)}{space}{format_pct(s.growth_target_pct, signed=True)}"

    def actual_line(self, s: Score, lang: str) -> str:
        """Return how the year to date was made, as the files gave it: the months summed, the 累计 a file stated, or
        a stated 累计 and the months after it."""
        value = format_value(s.actual_ytd, s.unit, lang)
        stated = s.ytd_stated_through
        if stated is None:
            return t("explain_actual_flow", lang, month=month_name(s.data_month, lang), value=value)
        if stated == s.data_month:
            return t("explain_actual_flow_stated", lang, months=format_month_range(1, stated, lang), value=value)
        return t("explain_actual_flow_anchored", lang, months=format_month_range(1, stated, lang),
                 rest=format_month_range(stated + 1, s.data_month, lang), value=value)

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        m = cur.latest_month(as_of)
        base_total = base.total()
        score.baseline_total = base_total
        if score.target is None and score.growth_target_pct is not None and base_total is not None:
            score.target = base_total * (1 + score.growth_target_pct / 100)
        if score.growth_target_pct is not None and score.target is not None and score.growth_target_pct > -100:
            score.implied_baseline = finite(score.target / (1 + score.growth_target_pct / 100))
            gap = growth_pct(base_total, score.implied_baseline)
            if gap is not None:
                score.baseline_gap_pct = gap
                score.baseline_consistent = abs(gap) <= config.BASELINE_TOLERANCE_PCT
        score.target = finite(score.target)
        if m is not None and score.target is None and score.growth_target_pct is not None and base_total is None:
            # the year's figure is in, but the target is a growth on the baseline year's total, which is not
            score.actual_ytd, score.data_month, score.status = cur.ytd[m], m, "no_base"
            score.baseline_same_period = base.ytd.get(m)
            score.yoy_growth_pct = growth_pct(score.actual_ytd, score.baseline_same_period)
            return
        if m is None or score.target is None:
            return
        actual = cur.ytd[m]
        score.actual_ytd, score.data_month = actual, m
        score.ytd_stated_through = max((k for k, basis in cur.bases.items() if basis == "ytd" and k <= m), default=None)
        score.completion_pct = percent(actual, score.target)
        score.expected_pct_linear = m / 12 * 100
        base_ytd = base.ytd.get(m)
        # last year's share reached by this month paces the year; a share at or below zero (last year's early
        # months corrected below zero) paces nothing, and the year is paced linearly
        seasonal = share_of(base_ytd, base_total) if base_ytd is not None and base_ytd > 0 else None
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
        score.yoy_growth_pct = growth_pct(actual, base_ytd)
        share = score.expected_pct_seasonal / 100
        score.projection_year_end = finite(actual / share) if share else None
        score.projection_reliable = m >= config.MIN_MONTHS_FOR_PROJECTION
        if m < 12:
            score.required_monthly_avg = finite(max(0.0, (score.target - actual) / (12 - m)))
            if base_total is not None and base_ytd is not None:
                score.baseline_remaining_monthly_avg = finite((base_total - base_ytd) / (12 - m))
