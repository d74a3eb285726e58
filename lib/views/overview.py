"""Every target's completion against its expected progress, in one bar chart."""

from __future__ import annotations

import plotly.graph_objects as go

from lib import theme
from lib.charts import completion_chart, completion_chart_narrow
from lib.i18n import t
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, View, ViewKind
from lib.views.figure import chart_figure, label_width


def views(scores, lang: str, tracker) -> list[View]:
    """Return the one overview slide."""
    return [View("overview", t("completion_chart", lang), "overview")]


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the month and how many targets stand where."""
    return [f"{m.as_of_words()} · {m.counted_words()}"]


def chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    """Return the app's completion chart of every target."""
    return completion_chart(m.scores, m.lang, label_width=label_width)


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return the completion chart laid out for a slide."""
    return chart_figure(chart(m, view, label_width(width)), width, height, header)


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the month and counts, then the chart."""
    space.text(0.5, 1.0, 12.3, 0.4, [(subtitle(m, view)[0], theme.DECK_SMALL_PT, False, theme.NOTE)])
    space.picture()


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the chart filling the slide (sixteen rows: the dense type)."""
    body.chart(completion_chart(m.scores, m.lang, label_width=70), phone=completion_chart_narrow(m.scores, m.lang),
               dense=True)


KIND = ViewKind("overview", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page,
                picture=(0.4, 1.35, 12.5, 5.5), chart=chart, in_briefing=True)
