"""The words of the kinds held to an expected progress through the year (flow, level): completion against 序时进度,
what the rest of the year needs, the projection."""

from __future__ import annotations

from collections.abc import Callable

from lib import config, units
from lib.fmt import (
    format_month_range,
    format_pct,
    format_period,
    format_points,
    format_target,
    format_value,
    requirement,
    trim_number,
)
from lib.i18n import status_label, t
from lib.kinds import words
from lib.kinds.base import TargetKind
from lib.score import Score


class Paced(TargetKind):
    """A kind judged by completion against its expected progress (a flow's seasonal one, a level's linear one)."""

    def card_target(self, s: Score, lang: str) -> str:
        return words.target_value(s, lang)

    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        if s.completion_pct is None or s.expected_pct_seasonal is None:
            return None
        return format_points(s.gap_points, lang), t(self.gap_note_key, lang)

    def gap_sentence(self, s: Score, lang: str) -> str:
        """Return what the remaining months need, against last year's same months."""
        if s.data_month == 12:
            return t("gap_year_done", lang, completion=format_pct(s.completion_pct))
        if not s.required_monthly_avg:
            return t("gap_already_met", lang)
        return words.required(s, format_month_range(s.data_month + 1, 12, lang), lang)

    def actual_line(self, s: Score, lang: str) -> str:
        """Return the line saying what the actual is (the kind's explain_actual_key)."""
        return t(self.explain_actual_key, lang, month=month_name(s.data_month, lang),
                 value=format_value(s.actual_ytd, s.unit, lang))

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return the actual, completion, expected progress, status, projection, need, growth and baseline lines."""
        v = lambda x: format_value(x, s.unit, lang)  # noqa: E731
        lines = [self.actual_line(s, lang),
                 t("explain_completion", lang, actual=v(s.actual_ytd), target=format_target(s.target, s.unit, lang),
                   pct=format_pct(s.completion_pct)),
                 t("explain_linear", lang, m=s.data_month, pct=format_pct(s.expected_pct_linear))]
        if s.seasonal_basis == "baseline":
            lines.append(t("explain_seasonal", lang, year=s.baseline_year,
                           months=format_month_range(1, s.data_month, lang),
                           base=v(s.baseline_same_period), total=v(s.baseline_total),
                           pct=format_pct(s.expected_pct_seasonal)))
        else:
            lines.append(t("explain_seasonal_linear", lang))
        lines.append(t("explain_status_pace", lang, gap=format_points(s.gap_points, lang),
                       band=f"{config.PACE_YELLOW_BAND_POINTS:g}", status=status_label(s.status, lang)))
        if s.projection_year_end is not None:
            lines.append(t(self.explain_projection_key, lang, actual=v(s.actual_ytd),
                           pct=format_pct(s.expected_pct_seasonal), m=s.data_month, value=v(s.projection_year_end)))
        if s.required_monthly_avg is not None:
            given = dict(target=format_target(s.target, s.unit, lang), actual=v(s.actual_ytd), n=12 - s.data_month)
            if units.lookup(s.unit).whole:  # the quotient as computed, then the whole count it asks for
                lines.append(t("explain_required_whole", lang, **given, quotient=trim_number(s.required_monthly_avg),
                               value=v(requirement(s.required_monthly_avg, s.unit))))
            else:
                lines.append(t("explain_required", lang, **given, value=v(s.required_monthly_avg)))
        if s.growth_target_pct is not None and s.yoy_growth_pct is not None:
            lines.append(t("explain_growth", lang, actual=v(s.actual_ytd), base=v(s.baseline_same_period),
                           pct=format_pct(s.yoy_growth_pct, signed=True),
                           target=format_pct(s.growth_target_pct, signed=True)))
        if s.implied_baseline is not None:
            lines.append(t("explain_consistency", lang, target=format_target(s.target, s.unit, lang),
                           growth=f"{s.growth_target_pct:g}", implied=v(s.implied_baseline),
                           actual=v(s.baseline_total),
                           gap=f"{s.baseline_gap_pct:+.1f}%" if s.baseline_gap_pct is not None else "—",
                           tol=f"{config.BASELINE_TOLERANCE_PCT:g}"))
        return lines

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        common = words.sentence_parts(s, year, as_of, lang)
        if s.completion_pct is None:  # a target of zero reads as a value
            return t("brief_ratio", lang, **common, compare=words.rate_compare(s, lang))
        pace = dict(target=format_target(s.target, s.unit, lang), pct=format_pct(s.completion_pct),
                    pace=words.pace_words(s, lang), rest=words.stretch(s, lang) + words.rest_of_year(s, lang))
        if self.sums_months:  # "1–10月累计完成", and the months not yet reported
            late = t("brief_not_reported", lang, month=words.month_name(as_of, lang)) if s.data_month < as_of else ""
            span = words.month_span(1, s.data_month, lang)
            return t(self.brief_key, lang, **(common | pace | dict(late=late, span=span, yoy=words.yoy(s, lang))))
        return t(self.brief_key, lang, **(common | pace))

    def brief_clause(self, s: Score, lang: str) -> str:
        if s.completion_pct is None:
            return words.value_clause(s, lang)
        return t("brief_clause_pace", lang, pct=format_pct(s.completion_pct), pace=words.pace_words(s, lang),
                 rest=words.rest_of_year(s, lang))

    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        return f"{s.comparator}{amount(s.target)}"

    def digest_line(self, s: Score, lang: str) -> str:
        if s.completion_pct is None:
            return t("digest_headline_no_data", lang, name=words.name(s, lang))
        return t("digest_headline", lang, name=words.name(s, lang), value=format_value(s.actual_ytd, s.unit, lang),
                 pct=format_pct(s.completion_pct), pace=words.pace_words(s, lang),
                 status=status_label(s.status, lang))

    def shortfall(self, s: Score, lang: str) -> str:
        if s.gap_points is None:
            return words.status_shortfall(s, lang)
        return t("answer_below_expected", lang, name=words.name(s, lang), points=f"{abs(s.gap_points):.1f}")


def month_name(month: int, lang: str) -> str:
    """Return a month without its year, as the formula lines name it (10月, Oct)."""
    return format_period(2000, month, lang).replace("2000年", "").replace(" 2000", "")
