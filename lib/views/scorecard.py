"""The headline scorecard: one card per headline target (status, value, target, progress), the status counts above."""

from __future__ import annotations

import plotly.graph_objects as go

from lib import display, theme
from lib.cards import build_card
from lib.engine import status_counts
from lib.i18n import t
from lib.kinds import STATUSES
from lib.plans import headline_scores, plan_for
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, View, ViewKind
from lib.views.figure import TYPE_PX, Canvas, wrap


def views(scores, lang: str, tracker) -> list[View]:
    """Return the one scorecard slide."""
    return [View("scorecard", t("slide_scorecard", lang), "scorecard")]


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the plan's title and the month, then how many targets stand where."""
    return [f"{plan_for(m.ds.catalog, m.year).app_title(m.lang)} · {m.as_of_words()}", m.counted_words()]


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return the scorecard as a figure: one card per headline target (status, value, target, progress)."""
    scores = headline_scores(m.scores)
    canvas = Canvas(width, height, header)
    gap, inset, size = 28, 22, TYPE_PX * 1.2
    card_w = (canvas.w - gap * (len(scores) - 1)) / max(len(scores), 1)
    inner = card_w - 2 * inset
    for i, score in enumerate(scores):
        card = build_card(score, m.year, m.as_of, m.lang)
        color = STATUSES[score.status].color
        left = i * (card_w + gap)
        x = left + inset
        canvas.box(left, 0, left + card_w, canvas.h, theme.WHITE, line=theme.RULE)
        canvas.box(left, 0, left + card_w, 12, color)
        y = 32.0
        y += canvas.text(wrap(card.title, inner, size * 1.1), x, y, size * 1.1, bold=True) + 8
        y += canvas.text([f"{STATUSES[score.status].symbol} {card.status_text}"], x, y, size,
                         STATUSES[score.status].ink, bold=True) + 8
        y += canvas.text([card.value], x, y, size * 2.2, bold=True) + 10
        if card.progress is not None:
            canvas.box(x, y, x + inner, y + 14, theme.TRACK)
            canvas.box(x, y, x + inner * card.progress, y + 14, color)
            y += 34
        lines = [card.target_text] + ([f"{card.delta} {card.delta_note or ''}".strip()] if card.delta else [])
        lines += [part for line in card.lines for part in line.split(" · ")]
        for line in lines:
            wrapped = wrap(line, inner, size)
            if y + len(wrapped) * size * 1.3 > canvas.h - 16:
                break  # the card is full: the rest is on the indicator's own view
            y += canvas.text(wrapped, x, y, size, theme.INK_SOFT) + 4
    return canvas.finish()


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the subtitle and one native card per headline target."""
    space.text(0.5, 1.1, 12.3, 0.9, [(line, theme.DECK_LEAD_PT - 2 if i else theme.DECK_SMALL_PT, bool(i), theme.NOTE)
                                     for i, line in enumerate(subtitle(m, view))])
    cards = [build_card(score, m.year, m.as_of, m.lang) for score in headline_scores(m.scores)]
    space.cards(cards, 0.5, 2.1, 12.3, 4.6, gap=0.2)


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the status counts as badges and one card per headline target, with its progress and first line."""
    body.markdown(display.status_count_badges(status_counts(m.scores), m.lang))
    headline = headline_scores(m.scores)
    for column, score in zip(body.columns(len(headline) or 1), headline, strict=False):
        column.card(build_card(score, m.year, m.as_of, m.lang), details=True)


KIND = ViewKind("scorecard", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page)
