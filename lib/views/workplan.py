"""The work plan's items needing attention (behind first, then not started), on as many slides as keep every line
of every item on the screen."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lib import display, theme
from lib.display import tracker_frame
from lib.fmt import display_width
from lib.i18n import t
from lib.kinds import STATUSES
from lib.progress import status_counts as progress_counts
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, View, ViewKind
from lib.views.figure import TYPE_PX, Canvas, wrap

# Work-plan items a meeting goes through: behind first, then not started (the tracker's worst-first order).
ATTENTION = ("behind", "not_started")
PROGRESS_COLORS = {"behind": STATUSES["red"].color, "not_started": STATUSES["yellow"].color}
# How many lines of item text one work-plan view holds, an item's text wrapping every ~36 Chinese characters (the
# item column of a 1024-wide projector, and of the deck's table at 14 pt): more items go on a further view.
WORKPLAN_LINES_PER_VIEW = 12
WORKPLAN_LINE_WIDTH = 72
# Shares of the picture's table width, and the deck table's columns in inches: status, number, item, lead, progress.
WORKPLAN_COLUMNS = (0.1, 0.12, 0.5, 0.12, 0.16)
DECK_COLUMNS = [1.3, 1.45, 6.35, 1.5, 1.9]


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


def views(scores, lang: str, tracker: pd.DataFrame | None) -> list[View]:
    """Return the work plan's slides (none before the plan is imported), numbered when there are several."""
    if tracker is None or tracker.empty:
        return []
    pages = workplan_pages(tracker)
    out = []
    for n, items in enumerate(pages, start=1):
        title = t("slide_workplan", lang) + (t("slide_part", lang, n=n, total=len(pages)) if len(pages) > 1 else "")
        out.append(View("workplan", title, f"workplan_{n}" if len(pages) > 1 else "workplan", items=items))
    return out


def workplan_items(m: Meeting, view: View) -> pd.DataFrame:
    """Return the tracker rows of the work-plan items a view lists, in its order."""
    return m.tracker.set_index("key").loc[list(view.items)].reset_index()


def workplan_rows(m: Meeting, view: View) -> pd.DataFrame:
    """Return the work-plan items a view lists, in its order: status, number, item, lead and progress."""
    rows = workplan_items(m, view)
    frame = tracker_frame(rows, m.scores, m.lang, with_list=True)
    columns = [t(k, m.lang) for k in ("filter_progress_status", "col_number", "col_item", "col_lead", "col_progress")]
    return frame[columns].assign(_status=list(rows["status"]))


def _colors(rows: pd.DataFrame) -> list[str]:
    return [PROGRESS_COLORS.get(s, theme.INK) for s in rows["_status"]]


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the month and the items' progress counts: ✕ 滞后 4 · ○ 未启动 8 · …"""
    counts = " · ".join(f"{t('prog_' + s, m.lang)} {n}" for s, n in progress_counts(m.tracker).items() if n)
    return [f"{m.as_of_words()} · {counts}"]


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return a work-plan view as a figure: a table of its items, behind first, every line of each item shown."""
    canvas = Canvas(width, height, header)
    rows = workplan_rows(m, view)
    columns = list(rows.columns[:-1])
    size, pad = TYPE_PX * 1.1, 10
    lefts = [sum(WORKPLAN_COLUMNS[:i]) * canvas.w for i in range(len(columns))]
    widths = [share * canvas.w - 2 * pad for share in WORKPLAN_COLUMNS]
    head = size * 1.3 + 2 * pad
    canvas.box(0, 0, canvas.w, head, theme.PLAN_BLUE)
    for left, column in zip(lefts, columns, strict=True):
        canvas.text([column], left + pad, pad, size, theme.WHITE, bold=True)
    y = head
    for values in rows.itertuples(index=False):
        cells = [wrap(v, w, size) for v, w in zip(values[:-1], widths, strict=True)]
        row_h = max(len(c) for c in cells) * size * 1.3 + 4 + 2 * pad
        color = PROGRESS_COLORS.get(values[-1], theme.INK)
        for i, (left, cell) in enumerate(zip(lefts, cells, strict=True)):
            canvas.text(cell, left + pad, y + pad, size, color if i == 0 else theme.INK, bold=i == 0)
        y += row_h
        canvas.box(0, y - 1, canvas.w, y + 1, theme.RULE)
    return canvas.finish()


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the month and progress counts, then the items as a native table."""
    space.text(0.5, 1.0, 12.3, 0.4, [(subtitle(m, view)[0], 14, False, theme.NOTE)])
    rows = workplan_rows(m, view)
    space.table(rows.drop(columns="_status"), 0.4, 1.5, DECK_COLUMNS, _colors(rows))


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the progress counts, then the items: a table, or on a phone the tracker's list."""
    if m.lang == "en":
        body.caption(t("plan_chinese_only", m.lang))
    body.markdown(display.progress_count_badges(progress_counts(m.tracker), m.lang))
    if body.narrow:  # the tracker's list: a table of five columns does not fit a phone
        body.html(display.tracker_list_html(workplan_items(m, view), m.scores, m.lang, with_list=True))
    else:
        rows = workplan_rows(m, view)
        body.table(rows.drop(columns="_status"), _colors(rows))


KIND = ViewKind("workplan", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page)
