"""The kinds table: every target kind's meaning in one entry, its flags here and its rules in its own class (one
module each: flow, level, ratio, zero_tolerance, not_below_last_year; lib/kinds/base.py lists the rules). Every module
reads kinds and statuses from here; a new kind is one entry with its rules (README, "Add a target kind").
"""

from __future__ import annotations

from lib.kinds.base import STATUSES, WORST_FIRST, Kind, Status, TargetKind
from lib.kinds.flow import Flow
from lib.kinds.level import Level
from lib.kinds.not_below_last_year import NotBelowLastYear
from lib.kinds.ratio import Ratio
from lib.kinds.zero_tolerance import ZeroTolerance

__all__ = ["KINDS", "STATUSES", "TARGET_KINDS", "UNKNOWN_KIND", "WORST_FIRST", "Kind", "Status", "TargetKind",
           "register", "unregister"]

_KIND_LIST = (
    # Monthly amounts summed year to date; projection = year to date ÷ the seasonal share reached.
    Flow("flow", label_key="kind_flow", expected_progress="seasonal", judged_by="pace",
         target_value_required=True, growth_target_sets_target=True, target_divides=True,
         shows_completion=True, shows_yoy=True, shows_projection=True, gap_note_key="vs_expected",
         chart_actual_key="chart_cumulative", chart_target_line=True, charts_last_year=True,
         provenance_shows_month=True,
         explain_actual_key="explain_actual_flow", explain_projection_key="explain_projection_flow",
         brief_key="brief_flow", sums_months=True, default_aggregation="sum"),
    # The latest reported count; projection = latest × 12 ÷ months (a steady build-up from zero).
    Level("level", label_key="kind_level", expected_progress="linear", judged_by="pace",
          target_value_required=True,
          shows_completion=True, shows_yoy=True, shows_projection=True, gap_note_key="vs_expected",
          chart_actual_key="chart_level", chart_target_line=True,
          explain_actual_key="explain_actual_level", explain_projection_key="explain_projection_level",
          brief_key="brief_level"),
    # The year-to-date ratio of the components, else the latest reported rate; projection = the current rate.
    Ratio("ratio", label_key="kind_ratio", judged_by="rate", reads_components=True,
          target_value_required=True,
          shows_completion=True, gap_note_key="vs_target",
          chart_actual_key="chart_rate", chart_monthly_key="chart_rate_month", chart_target_line=True),
    # Incidents in the year to date; any is red.
    ZeroTolerance("zero_tolerance", label_key="kind_zero_tolerance", judged_by="no_incident",
                  target_value_required=True, default_aggregation="sum"),
    # The latest value against the baseline year's value for the same period.
    NotBelowLastYear("not_below_last_year", label_key="kind_not_below_last_year", judged_by="not_below_baseline",
                     baseline_year_required=True, gap_note_key="vs_last_year", chart_target_line=True),
    # A measured component without a target of its own (a ratio's numerator or denominator).
    Kind("indicator", is_target=False),
)
KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add a kind to the table (a target kind with every rule; lib/kinds/base.py, TargetKind); raise ValueError when
    its name is taken, TypeError when a target kind is not a TargetKind."""
    if not isinstance(kind, Kind):
        raise TypeError(f"{kind!r} is not a Kind")
    if kind.is_target and not isinstance(kind, TargetKind):
        raise TypeError(f"target kind {kind.name!r} has no rules: make it a TargetKind (lib/kinds/base.py)")
    if kind.name in KINDS:
        raise ValueError(f"kind {kind.name!r} is in the table already")
    KINDS[kind.name] = kind


def unregister(name: str) -> None:
    """Remove a kind (a test's throw-away one); raise KeyError when there is none of that name."""
    del KINDS[name]


for _kind in _KIND_LIST:
    register(_kind)
TARGET_KINDS = tuple(k.name for k in _KIND_LIST if k.is_target)  # the shipped target kinds
# How the catalog validates a row whose kind is misspelt (the misspelling itself is reported):
# as a target, with no kind-specific column required.
UNKNOWN_KIND = Kind("?")
