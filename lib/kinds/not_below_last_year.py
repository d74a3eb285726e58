"""Not below last year (稳中有升): the latest value against the baseline year's value for the same period."""

from __future__ import annotations

from collections.abc import Callable

from lib.fmt import format_points, format_value
from lib.i18n import status_label, t
from lib.kinds import words
from lib.kinds.base import STATUSES, TargetKind
from lib.score import EMPTY, Score, Series, finite, growth_pct, meets, percent


class NotBelowLastYear(TargetKind):
    """The latest value; its target is the baseline year's value for the same period (no_base until there is one)."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        m = cur.latest_month(as_of)
        if m is None:
            return
        actual = cur.ytd[m]
        score.actual_ytd, score.data_month = actual, m
        base_month = base.latest_month(m)
        if base_month is None:
            score.status = "no_base"  # the figure is in, last year's same period is not: nothing to compare with
            return
        score.target = score.baseline_same_period = base.ytd[base_month]
        score.completion_pct = percent(actual, score.target)
        score.gap_points = finite(actual - score.target)
        score.yoy_growth_pct = growth_pct(actual, score.target)
        score.status = "green" if meets(actual, score.target, "≥") else "red"

    def card_target(self, s: Score, lang: str) -> str:
        if s.target is None and s.data_month is not None:  # the figure is in: name the baseline it waits for
            given = t("base_missing", lang, period=words.base_words(self, s, lang))
        else:
            given = format_value(s.target, s.unit, lang)
        return f"{t('not_below_target', lang)}{words.separator(lang)}{given}"

    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        if s.gap_points is None:
            return None
        change = format_points(s.gap_points, lang) if s.unit == "%" else \
            ("+" if s.gap_points >= 0 else "") + format_value(s.gap_points, s.unit, lang)
        return change, t(self.gap_note_key, lang)

    def gap_sentence(self, s: Score, lang: str) -> str:
        """Return the value beside last year's for the same period."""
        return t("gap_not_below", lang, value=format_value(s.actual_ytd, s.unit, lang),
                 base=format_value(s.target, s.unit, lang))

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return the value against the baseline year's same period."""
        return [t("explain_not_below", lang, value=format_value(s.actual_ytd, s.unit, lang),
                  base=format_value(s.target, s.unit, lang), year=s.baseline_year,
                  status=status_label(s.status, lang))]

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        common = words.sentence_parts(s, year, as_of, lang)
        if s.target is None:
            return t("brief_not_below_nobase", lang, **common)
        verdict = t("brief_nb_met" if STATUSES[s.status].on_pace else "brief_nb_missed", lang)
        return t("brief_not_below", lang, **common, base=format_value(s.target, s.unit, lang),
                 change=words.change(s, lang), verdict=verdict)

    def brief_clause(self, s: Score, lang: str) -> str:
        actual = format_value(s.actual_ytd, s.unit, lang)
        if s.target is None:
            return t("brief_clause_no_base", lang, actual=actual)
        return t("brief_clause_not_below", lang, actual=actual, base=format_value(s.target, s.unit, lang),
                 change=words.change(s, lang))

    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        if s.target is None:
            return t("not_below_target", lang)
        open_, close = (" (", ")") if lang == "en" else ("（", "）")
        return f"{t('not_below_target', lang)}{open_}{amount(s.target)}{close}"

    def digest_line(self, s: Score, lang: str) -> str:
        return words.headline_value(s, self.brief_clause(s, lang), lang)

    def shortfall(self, s: Score, lang: str) -> str:
        return words.status_shortfall(s, lang)
