"""What a target kind is (its flags, and the rules every target kind must give) and what a status is.

A kind's flags say which catalog columns it needs and what the card, the charts and the provenance show; its rules,
one method each on a TargetKind, are its numbers (score) and its words (the card's target and delta, the deep dive's
gap sentence and formula lines, the briefing's sentence and problem clause, the requirement in the tables, the
digest's headline line, the overview's shortfall). A kind that misses a rule cannot be made: no consumer falls
through to another kind's words. The kinds table itself is lib/kinds/__init__.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from lib import theme
from lib.score import EMPTY, Score, Series


@dataclass(frozen=True)
class Kind:
    """What a target kind means for validation, scoring and display."""

    name: str
    # False for a measured component (a ratio's numerator or denominator) without a target of its own.
    is_target: bool = True
    label_key: str | None = None  # i18n key of the kind's name
    # The pace a paced kind is held to: "seasonal" (the baseline year's shape, linear when the baseline year is
    # incomplete), "linear" (months / 12) or "" (not paced: judged against the target itself).
    expected_progress: str = ""
    # The status rule, in a word (the plan draft matches figures to kinds by it): "pace" (completion against expected
    # progress), "rate" (the rate against the target rate), "no_incident" (any incident is red), "not_below_baseline"
    # (against the baseline year's same period); a new kind may name its own.
    judged_by: str = ""
    reads_components: bool = False  # the actual is numerator ÷ denominator when both are reported
    # catalog validation
    target_value_required: bool = False
    growth_target_sets_target: bool = False  # a growth target on the baseline year's total may stand for the value
    baseline_year_required: bool = False
    target_divides: bool = False  # completion is actual ÷ target and needs it above zero (a level of 0 is judged)
    # what the card (and the overview's completion chart) shows: completion of the target value (and the stretch
    # value beside the target where the plan gives one)
    shows_completion: bool = False
    shows_yoy: bool = False
    shows_projection: bool = False
    gap_note_key: str | None = None  # what the card's delta is measured against
    # the indicator page's chart: the paced kinds draw expected and projection paths
    chart_actual_key: str | None = None  # the actual line's legend; None: named by the indicator's aggregation
    chart_monthly_key: str = "chart_monthly"
    chart_target_line: bool = False
    charts_last_year: bool = False  # last year's year-to-date line and month bars, and YoY by month
    provenance_shows_month: bool = False  # the provenance value is the month's own amount, else the year to date
    # the indicator page's formula lines of a paced kind
    explain_actual_key: str | None = None
    explain_projection_key: str | None = None
    default_aggregation: str = "latest"  # how a drafted target's months combine: sum, or the latest value
    sums_months: bool = False  # the actual is the months' amounts summed (a flow): reported as 1–N月累计
    # the monthly briefing's sentence of a paced kind (a flow reads "1–10月累计完成…", a level "为…")
    brief_key: str | None = None

    @property
    def paced(self) -> bool:
        """Return whether the kind is held to an expected progress through the year."""
        return self.expected_progress != ""

    @property
    def target_is_zero(self) -> bool:
        """Return whether the target is zero incidents, whatever number the row gives."""
        return self.judged_by == "no_incident"

    @property
    def target_is_last_year(self) -> bool:
        """Return whether the target is the baseline year's value for the same period."""
        return self.judged_by == "not_below_baseline"


class TargetKind(Kind, ABC):
    """A kind of target: a Kind's flags and its rules, one method each. Every consumer asks the kind of a score;
    a kind that misses a rule is an error when it is made (TypeError), never a sentence of another kind."""

    @abstractmethod
    def score(self, score: Score, cur: Series, base: Series, as_of: int, num: Series = EMPTY,
              den: Series = EMPTY) -> None:
        """Fill in a score's actual, completion, expected progress, status and projection from its series (this
        year's, the baseline year's, and a ratio's numerator and denominator)."""

    base_is_year_total = False  # judged against the baseline year's total (its December year to date)

    def base_month(self, s: Score) -> int | None:
        """Return the month of the baseline year whose figure a score with this period's figure is judged against:
        the same period (the score's month), or 12 for a kind that reads the baseline year's total."""
        return 12 if self.base_is_year_total else s.data_month

    def base_period(self, s: Score) -> tuple[int, int] | None:
        """Return (year, month) of the figure a score waiting for its baseline needs (2020年10月: the baseline year's
        same period, or its December for a kind judged on the year's total), None without a baseline year."""
        month = self.base_month(s)
        return (s.baseline_year, month) if s.baseline_year and month else None

    @abstractmethod
    def card_target(self, s: Score, lang: str) -> str:
        """Return what the card says is asked: 目标：≥24亿件, 目标：零发生, 不低于去年同期：86.0分."""

    @abstractmethod
    def card_delta(self, s: Score, lang: str) -> tuple[str, str] | None:
        """Return the card's delta and what it is measured against (+1.4个百分点, 较序时进度), or None."""

    @abstractmethod
    def gap_sentence(self, s: Score, lang: str) -> str:
        """Return the gap in words, for a judged score with data (the deep dive's and the slide's headline)."""

    @abstractmethod
    def formula_lines(self, s: Score, lang: str) -> list[str]:
        """Return the formula lines behind a score with data, its inputs filled in."""

    @abstractmethod
    def brief_sentence(self, s: Score, year: int, as_of: int, lang: str) -> str:
        """Return the monthly briefing's sentence on a target with data."""

    @abstractmethod
    def brief_clause(self, s: Score, lang: str) -> str:
        """Return how far a target with data is from where it should be, for the briefing's 存在问题 list."""

    @abstractmethod
    def requirement(self, s: Score, lang: str, amount: Callable[[float], str]) -> str:
        """Return what the target asks for, an amount written by `amount`: ≥24亿件, 零发生, 不低于去年同期（86分）
        (the stretch value, where the kind shows completion, is added by the table)."""

    @abstractmethod
    def digest_line(self, s: Score, lang: str) -> str:
        """Return the digest's line on a headline target with data: its value and how it stands."""

    @abstractmethod
    def shortfall(self, s: Score, lang: str) -> str:
        """Return how a headline target not on pace falls short, for the overview's first sentence."""


@dataclass(frozen=True)
class Status:
    """How a status is drawn and said: colour, greyscale pattern, symbol, Streamlit badge, words."""

    name: str
    color: str  # the fill of its bars and bands (Okabe–Ito, told apart by colour-blind readers)
    pattern: str  # Plotly bar pattern: tells statuses apart in greyscale
    symbol: str  # tells statuses apart in plain text
    badge_color: str  # Streamlit badge colour
    badge_icon: str
    words_key: str  # i18n key of its words
    worst_first: int  # rank in lists that put the worst first (a department's targets)
    judged: bool = True  # False: the target could not be judged (no figure, or nothing to compare it with)
    on_pace: bool = False
    ink: str = theme.INK  # the status written as text: its fill's hue, dark enough to read (4.5:1 on white)
    # an unjudged status's count in the overview's sentence ("、7项无数据") and in the briefing's ("，暂无数据7项")
    answer_count_key: str | None = None
    brief_count_key: str | None = None
    has_figure: bool = False  # unjudged with this period's figure in hand (not "no data": never asked for again)



_STATUS_LIST = (  # in the order counts, legends and badges list them
    Status("green", theme.ON_PACE_FILL, "", "●", "green", ":material/check_circle:", "status_green", 4,
           on_pace=True, ink=theme.ON_PACE_INK),
    Status("yellow", theme.WATCH_FILL, "/", "▲", "orange", ":material/error:", "status_yellow", 1, ink=theme.WATCH_INK),
    Status("red", theme.BEHIND_FILL, "x", "✕", "red", ":material/cancel:", "status_red", 0, ink=theme.BEHIND_INK),
    # the period's figure is in, the baseline it is judged against (last year's same period or total) is not
    Status("no_base", theme.NO_BASE_FILL, "-", "◇", "blue", ":material/hourglass_top:", "status_no_base", 2,
           judged=False, ink=theme.NO_BASE_INK, answer_count_key="answer_count_no_base",
           brief_count_key="brief_count_no_base", has_figure=True),
    Status("grey", theme.NO_DATA_FILL, ".", "○", "gray", ":material/help:", "status_grey", 3, judged=False,
           ink=theme.NO_DATA_INK, answer_count_key="answer_no_data", brief_count_key="brief_count_grey"),
)
STATUSES: dict[str, Status] = {s.name: s for s in _STATUS_LIST}
WORST_FIRST = tuple(sorted(STATUSES, key=lambda name: STATUSES[name].worst_first))
