"""One headline target in depth: its months, pace paths and projection, beside its status and numbers."""

from __future__ import annotations

import plotly.graph_objects as go

from lib import display, theme
from lib.cards import build_card
from lib.charts import detail_chart_narrow, indicator_detail_chart
from lib.deepdive import gap_sentence
from lib.kinds import STATUSES
from lib.plans import headline_scores
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, View, ViewKind
from lib.views.figure import chart_figure


def views(scores, lang: str, tracker) -> list[View]:
    """Return one slide per headline target, in the plan's order."""
    return [View("indicator", s.name_en if lang == "en" else s.name, s.indicator, target_id=s.indicator)
            for s in headline_scores(scores)]


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the month, the target and its status in words (with its completion), then its gap sentence."""
    score = m.score(view.target_id)
    card = build_card(score, m.year, m.as_of, m.lang)
    status = card.status_text + (f"（{card.lines[0]}）" if m.lang != "en" else f" ({card.lines[0]})") \
        if card.progress is not None else card.status_text
    return [f"{m.as_of_words()} · {card.target_text} · {status}", gap_sentence(score, m.lang)]


def chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    """Return the deep-dive chart of the target, as the indicator page draws it."""
    return indicator_detail_chart(m.indicator(view.target_id), m.lang)


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return the deep-dive chart laid out for a slide."""
    return chart_figure(chart(m, view), width, height, header)


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the chart, and beside it the status, value, target, gap sentence and the card's lines."""
    score = m.score(view.target_id)
    card = build_card(score, m.year, m.as_of, m.lang)
    space.picture()
    lines = [(card.status_text, theme.DECK_LEAD_PT, True, STATUSES[score.status].ink),
             (card.value, theme.DECK_VALUE_PT, True, theme.INK),
             (card.target_text, theme.DECK_BODY_PT, False, theme.NOTE),
             (gap_sentence(score, m.lang), theme.DECK_BODY_PT, True, theme.PLAN_BLUE)]
    lines += [(line, theme.DECK_SMALL_PT, False, theme.NOTE) for line in card.lines]
    space.text(9.3, 1.2, 3.8, 5.6, lines)


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the status, value and headline numbers on the left; the gap sentence and the chart on the right."""
    detail = m.indicator(view.target_id)
    card = build_card(detail.score, m.year, m.as_of, m.lang)
    left, right = body.columns([1, 3.2])
    side = left.container("slide_side")
    side.badge(card.status, card.status_text)
    side.metric(card)
    side.numbers(detail.score)
    main = right.container("slide_main")
    main.markdown(display.slide_heading(gap_sentence(detail.score, m.lang)))
    main.chart(indicator_detail_chart(detail, m.lang), phone=detail_chart_narrow(detail, m.lang))


KIND = ViewKind("indicator", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page,
                picture=(0.3, 1.1, 8.9, 5.7), chart=chart, in_briefing=True)
