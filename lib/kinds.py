"""The meaning of each target kind and of each status, in one table each: every module reads these.

A kind's numbers are computed in lib/engine.py (one scorer per kind, SCORERS); everything else a kind changes —
which catalog columns it needs, what the card, charts and formulas show — is an attribute here.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    # The status rule, a name the deep-dive's gap sentence and formula lines dispatch on:
    # "pace" (completion against expected progress), "rate" (the rate against the target rate),
    # "no_incident" (any incident is red), "not_below_baseline" (against the baseline year's same period).
    judged_by: str = ""
    reads_components: bool = False  # the actual is numerator ÷ denominator when both are reported
    # catalog validation
    target_value_required: bool = False
    growth_target_sets_target: bool = False  # a growth target on the baseline year's total may stand for the value
    baseline_year_required: bool = False
    target_divides: bool = False  # completion is actual ÷ target and needs it above zero (a level of 0 is judged)
    # what the card (and the overview's completion chart) shows
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


_KIND_LIST = (
    # Monthly amounts summed year to date; projection = year to date ÷ the seasonal share reached.
    Kind("flow", label_key="kind_flow", expected_progress="seasonal", judged_by="pace",
         target_value_required=True, growth_target_sets_target=True, target_divides=True,
         shows_completion=True, shows_yoy=True, shows_projection=True, gap_note_key="vs_expected",
         chart_actual_key="chart_cumulative", chart_target_line=True, charts_last_year=True,
         provenance_shows_month=True,
         explain_actual_key="explain_actual_flow", explain_projection_key="explain_projection_flow",
         brief_key="brief_flow", sums_months=True, default_aggregation="sum"),
    # The latest reported count; projection = latest × 12 ÷ months (a steady build-up from zero).
    Kind("level", label_key="kind_level", expected_progress="linear", judged_by="pace",
         target_value_required=True,
         shows_completion=True, shows_yoy=True, shows_projection=True, gap_note_key="vs_expected",
         chart_actual_key="chart_level", chart_target_line=True,
         explain_actual_key="explain_actual_level", explain_projection_key="explain_projection_level",
         brief_key="brief_level"),
    # The year-to-date ratio of the components, else the latest reported rate; projection = the current rate.
    Kind("ratio", label_key="kind_ratio", judged_by="rate", reads_components=True,
         target_value_required=True,
         shows_completion=True, gap_note_key="vs_target",
         chart_actual_key="chart_rate", chart_monthly_key="chart_rate_month", chart_target_line=True),
    # Incidents in the year to date; any is red.
    Kind("zero_tolerance", label_key="kind_zero_tolerance", judged_by="no_incident",
         target_value_required=True, default_aggregation="sum"),
    # The latest value against the baseline year's value for the same period.
    Kind("not_below_last_year", label_key="kind_not_below_last_year", judged_by="not_below_baseline",
         baseline_year_required=True, gap_note_key="vs_last_year", chart_target_line=True),
    # A measured component without a target of its own (a ratio's numerator or denominator).
    Kind("indicator", is_target=False),
)
KINDS: dict[str, Kind] = {k.name: k for k in _KIND_LIST}
TARGET_KINDS = tuple(k.name for k in _KIND_LIST if k.is_target)
# How the catalog validates a row whose kind is misspelt (the misspelling itself is reported):
# as a target, with no kind-specific column required.
UNKNOWN_KIND = Kind("?")


@dataclass(frozen=True)
class Status:
    """How a status is drawn and said: colour, greyscale pattern, symbol, Streamlit badge, words."""

    name: str
    color: str  # Okabe–Ito, told apart by colour-blind readers
    pattern: str  # Plotly bar pattern: tells statuses apart in greyscale
    symbol: str  # tells statuses apart in plain text
    badge_color: str  # Streamlit badge colour
    badge_icon: str
    words_key: str  # i18n key of its words
    worst_first: int  # rank in lists that put the worst first (a department's targets)
    judged: bool = True  # False: no data, the target could not be judged
    on_pace: bool = False


_STATUS_LIST = (  # in the order counts, legends and badges list them
    Status("green", "#009E73", "", "●", "green", ":material/check_circle:", "status_green", 3, on_pace=True),
    Status("yellow", "#E69F00", "/", "▲", "orange", ":material/error:", "status_yellow", 1),
    Status("red", "#D55E00", "x", "✕", "red", ":material/cancel:", "status_red", 0),
    Status("grey", "#999999", ".", "○", "gray", ":material/help:", "status_grey", 2, judged=False),
)
STATUSES: dict[str, Status] = {s.name: s for s in _STATUS_LIST}
WORST_FIRST = tuple(sorted(STATUSES, key=lambda name: STATUSES[name].worst_first))
