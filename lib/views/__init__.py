"""The presentation's views, one registry in one order: presentation mode, the PPTX deck, the PNG set and the PDF all
show this one list (README, "Meeting exports").

Each view kind is one module of this package that knows its slides' titles and slugs, its subtitle, its figure (PNG,
PDF page, deck picture) and its body on a deck slide and on the presentation page (lib/views/base.py, ViewKind).
Adding a view is one new module and one line in VIEW_ORDER below.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from lib import engine, plan
from lib.dataset import Dataset
from lib.deepdive import IndicatorView
from lib.engine import Score
from lib.progress import load_progress, tracker_table
from lib.views import category, indicator, overview, scorecard, workplan
from lib.views.base import (
    VIEW_KINDS,
    Header,
    Meeting,
    SlideBody,
    SlideSpace,
    TableRows,
    View,
    ViewKind,
    register,
    unregister,
)
from lib.views.figure import PNG_HEIGHT, PNG_WIDTH

# The registry line: the view kinds in the order a meeting goes through them.
VIEW_ORDER = (scorecard.KIND, overview.KIND, indicator.KIND, category.KIND, workplan.KIND)
for _kind in VIEW_ORDER:
    register(_kind)

__all__ = ["PNG_HEIGHT", "PNG_WIDTH", "VIEW_KINDS", "Header", "Meeting", "SlideBody", "SlideSpace", "TableRows", "View",
           "ViewKind", "briefing_charts", "meeting", "presentation_views", "register", "unregister", "view_chart",
           "view_figure", "view_subtitle", "workplan_table"]


def presentation_views(scores: list[Score], lang: str = "zh", tracker: pd.DataFrame | None = None) -> list[View]:
    """Return the slides: each registered view kind's, in the registry's order (the headline scorecard, every
    target's completion, each headline indicator, green packaging, then the work plan when there is one)."""
    return [view for kind in VIEW_KINDS.values() for view in kind.views(scores, lang, tracker)]


def workplan_table(data_dir: Path, year: int, as_of: int) -> pd.DataFrame:
    """Return the work-plan items with their latest status, worst first (no rows before the plan is imported)."""
    tasks = plan.load_tasks(data_dir)
    if tasks.empty:
        return tasks
    rows, _refused = load_progress(data_dir, tasks)
    return tracker_table(tasks, rows, year, as_of)


def meeting(ds: Dataset, year: int, as_of: int, lang: str = "zh", scores: list[Score] | None = None,
            tracker: pd.DataFrame | None = None, details: Callable[[str], IndicatorView] | None = None) -> Meeting:
    """Return what the views read and the views themselves, computing the scores and the work-plan table unless
    given (the page's caches; `details`, target id -> deep dive, too)."""
    scores = scores if scores is not None else engine.scorecard(ds, year, as_of)
    tracker = tracker if tracker is not None else workplan_table(ds.data_dir, year, as_of)
    return Meeting(ds, year, as_of, lang, scores, tracker, presentation_views(scores, lang, tracker), details)


def view_subtitle(m: Meeting, view: View) -> list[str]:
    """Return the lines under a view's title: the as-of month, and the target and status in words."""
    return view.kind.subtitle(m, view)


def view_figure(m: Meeting, view: View, width: int = PNG_WIDTH, height: int = PNG_HEIGHT,
                standalone: bool = True) -> go.Figure:
    """Return a view as one figure of width × height pixels. Standalone (a PNG or PDF page), it carries its title,
    as-of month, target and status in words and its source line; inside a slide, the slide carries them."""
    header = Header(view.title, view.kind.subtitle(m, view), m.source()) if standalone else None
    return view.kind.figure(m, view, width, height, header)


def view_chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    """Return the bare chart of a chart view (overview, indicator, category), as the app draws it."""
    if view.kind.chart is None:
        raise ValueError(f"the {view.shows} view {view.slug!r} is not a chart")
    return view.kind.chart(m, view, label_width)


BRIEFING_LABEL_WIDTH = 40  # a chart's target names on a printed page, in Latin letters: most stand on one line


def briefing_charts(m: Meeting) -> dict[str, tuple[str, go.Figure]]:
    """Return the briefing's attachments, slug -> (title, chart): the views whose kind is in the briefing."""
    return {view.slug: (view.title, view_chart(m, view, BRIEFING_LABEL_WIDTH)) for view in m.views()
            if view.kind.in_briefing}
