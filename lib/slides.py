"""The presentation's views: which 16:9 slides exist, in order, for a scorecard."""

from __future__ import annotations

from dataclasses import dataclass

from lib.engine import Score
from lib.i18n import category_label, t
from lib.plans import headline_scores


@dataclass(frozen=True)
class View:
    """One slide: its kind (scorecard, indicator, category or workplan), title and the target it shows."""

    kind: str
    title: str
    target_id: str | None = None
    category: str | None = None


def presentation_views(scores: list[Score], lang: str = "zh", has_workplan: bool = False) -> list[View]:
    """Return the slides: headline scorecard, each of the plan's headline targets, green packaging, work plan if any."""
    views = [View("scorecard", t("slide_scorecard", lang))]
    views += [View("indicator", s.name_en if lang == "en" else s.name, target_id=s.indicator)
              for s in headline_scores(scores)]
    if any(s.category == "green" for s in scores):
        views.append(View("category", category_label("green", lang), category="green"))
    if has_workplan:
        views.append(View("workplan", t("slide_workplan", lang)))
    return views
