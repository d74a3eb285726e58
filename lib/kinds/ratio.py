"""A ratio: a rate judged against the target rate itself (不再二次包装率, 建制村通达率)."""

from __future__ import annotations

from collections.abc import Callable

from lib import config
from lib.fmt import format_points, format_target, format_value
from lib.i18n import status_label, t
from lib.kinds import words
from lib.kinds.base import TargetKind
from lib.score import EMPTY, Score, Series, finite, percent, rate_status, share_of


class Ratio(TargetKind):
    """The year-to-date ratio of the summed components when both are reported (never the mean of monthly rates),
    else the latest reported rate; green when it meets the target rate, yellow a few points short, red beyond."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        rates = rate_series(cur, num, den)
        m = rates.latest_month(as_of)
        if m is None:
            return
        rate = rates.ytd[m]
        score.sources = sorted(set(rates.sources.get(m, "").split(";")) - {""})
        score.rate_basis = "month" if rates.basis.get(m) == "month" else None
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
        key = "gap_rate_month" if s.rate_basis == "month" else "gap_rate"
        return t(key, lang, rate=format_value(s.actual_ytd, s.unit, lang), points=format_points(s.gap_points, lang),
                 month=s.data_month)

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return how the rate is formed and judged."""
        rate, target = format_value(s.actual_ytd, s.unit, lang), format_target(s.target, s.unit, lang)
        how = "explain_ratio_month" if s.rate_basis == "month" else "explain_ratio"
        return [t(how, lang, rate=rate, month=s.data_month),
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


def _sources(*series_months: tuple[Series, int]) -> str:
    """Return the stored files behind some series' months, joined by ';'."""
    files = {f for series, m in series_months for f in series.sources.get(m, "").split(";") if f}
    return ";".join(sorted(files))


def rate_series(cur: Series, num: Series, den: Series) -> Series:
    """Return a ratio target's rate by month, the one the card, the chart, the briefing and the exports show.

    Each month's rate is, first, the numerator's year to date over the denominator's (never the mean of monthly
    rates); else the rate a file reported for the target itself; else, in a year whose first months are missing (a
    first upload in May), the month's own numerator over its denominator. The month bars are each month's own
    numerator over denominator where both are known, else the reported rate's month. Every month names the stored
    files and rows behind it, numerator and denominator alike."""
    out = Series()
    months = set(num.ytd) | set(num.month_value) | set(cur.ytd) | set(cur.month_value)
    for m in sorted(months):
        ytd = share_of(num.ytd.get(m), den.ytd.get(m))
        own = share_of(num.month_value.get(m), den.month_value.get(m))
        if ytd is not None:
            out.ytd[m], out.basis[m] = ytd, "ytd"
        elif m in cur.ytd:
            out.ytd[m], out.basis[m] = cur.ytd[m], "reported"
        elif own is not None:
            out.ytd[m], out.basis[m] = own, "month"
        if own is not None:
            out.month_value[m] = own
        elif m in cur.month_value and out.basis.get(m) == "reported":
            out.month_value[m] = cur.month_value[m]
        if m not in out.ytd and m not in out.month_value:
            continue
        if out.basis.get(m) == "reported" and own is None:
            out.sources[m] = _sources((cur, m))
            out.parts[m] = [("rate", f, cur.rows.get(m), cur.ytd.get(m)) for f in out.sources[m].split(";") if f]
        else:
            out.sources[m] = _sources((num, m), (den, m))
            out.parts[m] = [(part, f, series.rows.get(m), series.month_value.get(m, series.ytd.get(m)))
                            for part, series in (("numerator", num), ("denominator", den))
                            for f in series.sources.get(m, "").split(";") if f]
        note = cur.notes.get(m) or num.notes.get(m) or den.notes.get(m)
        if note:
            out.notes[m] = note
    return out
