"""One category's targets (green packaging): their completion chart and a card each."""

from __future__ import annotations

import plotly.graph_objects as go

from lib import theme
from lib.cards import build_card
from lib.charts import completion_chart, completion_chart_narrow
from lib.engine import status_counts
from lib.i18n import category_label
from lib.kinds import STATUSES
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, View, ViewKind, status_words
from lib.views.figure import chart_figure, label_width

SHOWN = ("green",)  # the categories that have a slide of their own, when any target is in them


def views(scores, lang: str, tracker) -> list[View]:
    """Return one slide per shown category that has targets."""
    return [View("category", category_label(c, lang), c, category=c) for c in SHOWN
            if any(s.category == c for s in scores)]


def _group(m: Meeting, view: View) -> list:
    return [s for s in m.scores if s.category == view.category]


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the month and how the category's targets stand."""
    return [f"{m.as_of_words()} · {status_words(status_counts(_group(m, view)), m.lang)}"]


def chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    """Return the completion chart of the category's targets."""
    return completion_chart(_group(m, view), m.lang, label_width=label_width)


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return the category's chart laid out for a slide."""
    return chart_figure(chart(m, view, label_width(width)), width, height, header)


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the chart, and beside it each target's name, value, status and target."""
    space.picture()
    lines = []
    for score in _group(m, view):
        card = build_card(score, m.year, m.as_of, m.lang)
        lines += [(card.title, theme.DECK_BODY_PT + 2, True, theme.INK),
                  (f"{card.value} · {card.status_text}", theme.DECK_BODY_PT + 2, True, STATUSES[score.status].ink),
                  (card.target_text, theme.DECK_BODY_PT, False, theme.NOTE)]
        lines += [(card.lines[0], theme.DECK_BODY_PT, False, theme.NOTE)] if card.progress is not None else []
    space.text(8.4, 1.2, 4.6, 5.6, lines)


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the chart, then a card per target."""
    group = _group(m, view)
    body.chart(completion_chart(group, m.lang, label_width=70), phone=completion_chart_narrow(group, m.lang))
    for column, score in zip(body.columns(len(group) or 1), group, strict=False):
        column.card(build_card(score, m.year, m.as_of, m.lang))


KIND = ViewKind("category", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page,
                picture=(0.3, 1.1, 7.9, 5.7), chart=chart)
