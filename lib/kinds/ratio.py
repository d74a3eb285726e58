"""A ratio: a rate judged against the target rate itself (不再二次包装率, 建制村通达率)."""

from __future__ import annotations

from collections.abc import Callable

from lib import config
from lib.fmt import format_points, format_target, format_value
from lib.i18n import status_label, t
from lib.kinds import words
from lib.kinds.base import TargetKind
from lib.score import EMPTY, Score, Series, finite, percent, rate_status


class Ratio(TargetKind):
    """The year-to-date ratio of the summed components when both are reported (never the mean of monthly rates),
    else the latest reported rate; green when it meets the target rate, yellow a few points short, red beyond."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        both = [mo for mo in num.ytd if mo <= as_of and mo in den.ytd and percent(num.ytd[mo], den.ytd[mo]) is not None]
        if both:
            m = max(both)
            rate = percent(num.ytd[m], den.ytd[m])
            score.sources = sorted({num.sources.get(m, ""), den.sources.get(m, "")} - {""})
        else:
            m = cur.latest_month(as_of)
            if m is None:
                return
            rate = cur.ytd[m]
        score.actual_ytd, score.data_month = rate, m
        if score.target is None:
            return
        score.completion_pct = percent(rate, score.target)
        score.status = rate_status(rate, score.target, score.comparator)
        score.gap_points = finite(rate - score.target)
        score.projection_year_end = rate

    def card_target(self, s: Score, lang: str) -> str:
        return words.target_value(s, lang)

    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        if s.completion_pct is None or s.gap_points is None:
            return None
        return format_points(s.gap_points, lang), t(self.gap_note_key, lang)

    def gap_sentence(self, s: Score, lang: str) -> str:
        """Return the rate and its distance from the target rate."""
        return t("gap_rate", lang, rate=format_value(s.actual_ytd, s.unit, lang),
                 points=format_points(s.gap_points, lang))

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return how the rate is formed and judged."""
        rate, target = format_value(s.actual_ytd, s.unit, lang), format_target(s.target, s.unit, lang)
        return [t("explain_ratio", lang, rate=rate),
                t("explain_status_rate", lang, target=f"{s.comparator}{target}",
                  band=f"{config.RATE_YELLOW_BAND_POINTS:g}", status=status_label(s.status, lang))]

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        return t("brief_ratio", lang, **words.sentence_parts(s, year, as_of, lang),
                 compare=words.rate_compare(s, lang))

    def brief_clause(self, s: Score, lang: str) -> str:
        return words.value_clause(s, lang)

    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        return f"{s.comparator}{amount(s.target)}"

    def digest_line(self, s: Score, lang: str) -> str:
        return words.headline_value(s, self.brief_clause(s, lang), lang)

    def shortfall(self, s: Score, lang: str) -> str:
        if s.gap_points is None:
            return words.status_shortfall(s, lang)
        return t("answer_below_target", lang, name=words.name(s, lang), points=f"{abs(s.gap_points):.1f}")
