"""Zero tolerance: incidents in the year to date (零感染, 重大安全事故); any is red."""

from __future__ import annotations

from collections.abc import Callable

from lib.fmt import format_value
from lib.i18n import status_label, t
from lib.kinds import words
from lib.kinds.base import STATUSES, TargetKind
from lib.score import EMPTY, Score, Series, meets


class ZeroTolerance(TargetKind):
    """Incidents summed over the year to date; green while there is none (whatever number the row gives)."""

    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        m = cur.latest_month(as_of)
        if m is None:
            return
        score.actual_ytd, score.data_month = cur.ytd[m], m
        score.status = "green" if meets(cur.ytd[m], score.target or 0.0, score.comparator) else "red"

    def card_target(self, s: Score, lang: str) -> str:
        return f"{t('target', lang)}{words.separator(lang)}{t('zero_target', lang)}"

    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        return None

    def gap_sentence(self, s: Score, lang: str) -> str:
        """Return whether the year is still free of incidents."""
        return t("gap_zero_ok", lang) if STATUSES[s.status].on_pace else t(
            "gap_zero_bad", lang, value=format_value(s.actual_ytd, s.unit, lang))

    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return the incidents so far and the zero-tolerance rule."""
        return [t("explain_zero", lang, value=format_value(s.actual_ytd, s.unit, lang),
                  status=status_label(s.status, lang))]

    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        common = words.sentence_parts(s, year, as_of, lang)
        key = "gap_zero_ok" if STATUSES[s.status].on_pace else "gap_zero_bad"
        return t("brief_zero", lang, area=common["area"], name=common["name"], late=common["late"],
                 text=t(key, lang, value=common["actual"]))

    def brief_clause(self, s: Score, lang: str) -> str:
        return self.gap_sentence(s, lang).rstrip("。.")

    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        return t("zero_target", lang)

    def digest_line(self, s: Score, lang: str) -> str:
        return words.headline_value(s, self.brief_clause(s, lang), lang)

    def shortfall(self, s: Score, lang: str) -> str:
        return words.status_shortfall(s, lang)
