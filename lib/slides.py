"""The presentation's views: which 16:9 slides exist, in order. Presentation mode, the PPTX deck, the PNG set and the
PDF all show this one list."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.engine import Score
from lib.fmt import display_width
from lib.i18n import category_label, t
from lib.plans import headline_scores

# Work-plan items a meeting goes through: behind first, then not started (the tracker's worst-first order).
ATTENTION = ("behind", "not_started")
# How many lines of item text one work-plan view holds, an item's text wrapping every ~36 Chinese characters (the
# item column of a 1024-wide projector, and of the deck's table at 14 pt): more items go on a further view.
WORKPLAN_LINES_PER_VIEW = 12
WORKPLAN_LINE_WIDTH = 72


@dataclass(frozen=True)
class View:
    """One slide: what it shows (scorecard, overview, indicator, category or workplan), its title, its file name,
    and the target, category or work-plan items it is about."""

    shows: str
    title: str
    slug: str
    target_id: str | None = None
    category: str | None = None
    items: tuple[str, ...] = ()


def item_lines(text: str) -> int:
    """Return how many lines an item's text takes in a work-plan view."""
    return max(1, math.ceil(display_width(text) / WORKPLAN_LINE_WIDTH))


def workplan_pages(tracker: pd.DataFrame) -> list[tuple[str, ...]]:
    """Return the keys of the items needing attention (behind first), split into views that each fit a screen."""
    attention = tracker[tracker["status"].isin(ATTENTION)]
    pages: list[list[str]] = [[]]
    used = 0
    for key, text in zip(attention["key"], attention["text"], strict=True):
        lines = item_lines(str(text))
        if pages[-1] and used + lines > WORKPLAN_LINES_PER_VIEW:
            pages.append([])
            used = 0
        pages[-1].append(key)
        used += lines
    return [tuple(page) for page in pages]


def presentation_views(scores: list[Score], lang: str = "zh", tracker: pd.DataFrame | None = None) -> list[View]:
    """Return the slides: headline scorecard, every target's completion, each headline indicator, green
    packaging, then the work plan (items behind first, on as many views as they need) when there is one."""
    views = [View("scorecard", t("slide_scorecard", lang), "scorecard"),
             View("overview", t("completion_chart", lang), "overview")]
    views += [View("indicator", s.name_en if lang == "en" else s.name, s.indicator, target_id=s.indicator)
              for s in headline_scores(scores)]
    if any(s.category == "green" for s in scores):
        views.append(View("category", category_label("green", lang), "green", category="green"))
    if tracker is not None and not tracker.empty:
        pages = workplan_pages(tracker)
        for n, items in enumerate(pages, start=1):
            title = t("slide_workplan", lang) + (t("slide_part", lang, n=n, total=len(pages)) if len(pages) > 1 else "")
            views.append(View("workplan", title, f"workplan_{n}" if len(pages) > 1 else "workplan", items=items))
    return views
