"""The work plan's items needing attention, department by department: each lead department's line (how many of its
items are done, in progress, not started, behind) over its items behind and not started, each with its status and its
progress in the department's own words; on as many slides as keep every line of every item on the screen, the lines
shared evenly between them and the type as large as the slide lets it be."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lib import display, theme
from lib.fmt import display_width
from lib.i18n import department_label, original, t
from lib.progress import STATUSES as PROGRESS_ORDER
from lib.progress import status_counts as progress_counts
from lib.views.base import Header, Meeting, SlideBody, SlideSpace, TableRows, View, ViewKind
from lib.views.figure import TYPE_PX, Canvas, wrap

# Work-plan items a meeting goes through: behind first, then not started (the tracker's worst-first order).
ATTENTION = ("behind", "not_started")
# How many lines of item text one work-plan view holds, an item's text wrapping every ~36 Chinese characters (the
# item column of a 1024-wide projector, and of the deck's table at 14 pt): more items go on a further view.
WORKPLAN_LINES_PER_VIEW = 12
WORKPLAN_LINE_WIDTH = 72
# Shares of the picture's table width, and the deck table's columns in inches: status, number, item, progress.
WORKPLAN_COLUMNS = (0.11, 0.13, 0.5, 0.26)
DECK_COLUMNS = [1.45, 1.95, 6.1, 3.0]
DECK_TABLE_TOP, DECK_TABLE_BOTTOM = 1.5, 6.75  # inches: under the subtitle, above the footer
DECK_TABLE_SIZES = (26, 24, 22, 20, 18, 16, 14)  # points, the largest that fits first
# The presentation page's table measured in points of a 16:9 window taken as a 13.333 × 7.5 in slide (540 pt tall):
# its columns' shares (status, number, item, progress), its width (95.6 % of the window), the height between the
# progress counts and the footer, its cells' padding (0.6 vw a side, 0.5 vh above and below) and line height.
PAGE_COLUMNS = (0.12, 0.13, 0.48, 0.27)
PAGE_SLIDE_PT, PAGE_TABLE_WIDTH_PT, PAGE_TABLE_ROOM_PT = 540, 0.956 * 960, 0.75 * 540
PAGE_CELL_PAD_PT, PAGE_ROW_PAD_PT, PAGE_LINE = 0.012 * 960, 0.01 * 540, 1.35
PAGE_TABLE_SIZES = tuple(range(34, 13, -1))  # points, the largest that fits first


def item_lines(text: str) -> int:
    """Return how many lines an item's text takes in a work-plan view."""
    return max(1, math.ceil(display_width(text) / WORKPLAN_LINE_WIDTH))


def lead_department(row) -> str:
    """Return the department an item is listed under: the first it names (its lead), '' for none."""
    return next((d for d in str(row.lead_departments).split("、") if d), "")


def attention_items(tracker: pd.DataFrame) -> pd.DataFrame:
    """Return the items needing attention grouped by lead department (the department with most items behind first,
    then most not started), within each behind first."""
    attention = tracker[tracker["status"].isin(ATTENTION)].copy()
    attention["_dept"] = [lead_department(r) for r in attention.itertuples(index=False)]
    rank = {status: i for i, status in enumerate(ATTENTION)}
    weight = attention.groupby("_dept")["status"].agg(lambda s: (-(s == "behind").sum(), -len(s)))
    attention["_dept_rank"] = attention["_dept"].map(weight)
    attention["_status_rank"] = attention["status"].map(rank)
    return attention.sort_values(["_dept_rank", "_dept", "_status_rank"], kind="stable")


def workplan_pages(tracker: pd.DataFrame) -> list[tuple[str, ...]]:
    """Return the keys of the items needing attention (by department, behind first), split into views that each fit a
    screen (a department's line counting as a line), the lines shared about evenly between the views."""
    attention = attention_items(tracker)
    entries = [(key, item_lines(str(text)), dept)
               for key, text, dept in zip(attention["key"], attention["text"], attention["_dept"], strict=True)]
    pages = _split(entries, WORKPLAN_LINES_PER_VIEW)
    if len(pages) > 1:  # as many views, each about as full as the others
        target = math.ceil(sum(_lines(page) for page in pages) / len(pages))
        balanced = _split(entries, target)
        pages = balanced if len(balanced) == len(pages) else pages
    return [tuple(key for key, _lines, _dept in page) for page in pages]


def _lines(page: list[tuple[str, int, str]]) -> int:
    """Return the lines a view of these entries takes: their items' and each department's line."""
    return sum(lines for _key, lines, _dept in page) + len({dept for _key, _lines, dept in page})


def _split(entries: list[tuple[str, int, str]], limit: int) -> list[list[tuple[str, int, str]]]:
    """Return (key, lines, department) entries in order, in views of at most `limit` lines (a department continued
    on the next view has its line there again)."""
    pages: list[list[tuple[str, int, str]]] = [[]]
    for entry in entries:
        if pages[-1] and _lines([*pages[-1], entry]) > limit:
            pages.append([])
        pages[-1].append(entry)
    return pages


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


def department_line(m: Meeting, dept: str) -> str:
    """Return a department's line: its name and how all its items stand, 普遍服务处：滞后 1 · 未启动 1 · 推进中 13 ·
    已完成 6."""
    mine = m.tracker[m.tracker["lead_departments"].str.split("、").map(lambda names: dept in names)]
    counts = progress_counts(mine)
    words = " · ".join(f"{t('prog_' + s, m.lang).split(' ', 1)[-1]} {counts[s]}"
                       for s in (*PROGRESS_ORDER, "none") if counts[s])
    return f"{department_label(dept, m.lang) or '—'}{': ' if m.lang == 'en' else '：'}{words}"


def workplan_rows(m: Meeting, view: View) -> TableRows:
    """Return a view's table: each department's line, then its items with status, number, text and progress (in
    English the items' Chinese quoted as the original)."""
    header = [t(k, m.lang) for k in ("filter_progress_status", "col_number", "col_item", "col_progress")]
    rows, kinds, colors = [], [], []
    current = None
    for row in workplan_items(m, view).itertuples(index=False):
        dept = lead_department(row)
        if dept != current:
            rows.append([department_line(m, dept), "", "", ""])
            kinds.append("group")
            colors.append(theme.PLAN_BLUE)
            current = dept
        progress = original(row.narrative, m.lang) if row.narrative else "—"
        rows.append([t("prog_" + row.status, m.lang), f"{t('list_' + row.list_type, m.lang)} {row.number}",
                     original(row.text, m.lang), progress])
        kinds.append("item")
        colors.append(theme.PROGRESS_COLORS[row.status][0])
    return TableRows(header, rows, kinds, colors)


def subtitle(m: Meeting, view: View) -> list[str]:
    """Return the month and the items' progress counts: ✕ 滞后 4 · ○ 未启动 8 · … (in English, what 「」 means)."""
    counts = " · ".join(f"{t('prog_' + s, m.lang)} {n}" for s, n in progress_counts(m.tracker).items() if n)
    legend = f" · {t('original_legend', m.lang)}" if m.lang == "en" else ""
    return [f"{m.as_of_words()} · {counts}{legend}"]


def _cells(table: TableRows, widths: list[float], size: float) -> list[list[list[str]]]:
    """Return each row's cells broken into lines at a type size (a department's line across the whole table)."""
    return [[wrap(values[0], sum(widths), size), [], [], []] if kind == "group" else
            [wrap(v, w, size) for v, w in zip(values, widths, strict=True)]
            for values, kind in zip(table.rows, table.kinds, strict=True)]


def figure(m: Meeting, view: View, width: int, height: int, header: Header | None) -> go.Figure:
    """Return a work-plan view as a figure: the table of its departments and items, every line shown, its type as
    large as the picture lets it be (from the slide's type up to 1.8 times as large)."""
    canvas = Canvas(width, height, header)
    table = workplan_rows(m, view)
    pad = 10
    lefts = [sum(WORKPLAN_COLUMNS[:i]) * canvas.w for i in range(len(WORKPLAN_COLUMNS))]
    widths = [share * canvas.w - 2 * pad for share in WORKPLAN_COLUMNS]

    def height_at(size: float) -> float:
        rows = _cells(table, widths, size)
        return size * 1.3 + 2 * pad + sum(max(1, *(len(c) for c in cells)) * size * 1.3 + 4 + 2 * pad
                                          for cells in rows)

    size = next((s for s in (TYPE_PX * f for f in (1.8, 1.65, 1.5, 1.4, 1.3, 1.2, 1.1)) if height_at(s) <= canvas.h),
                TYPE_PX * 1.1)
    head = size * 1.3 + 2 * pad
    canvas.box(0, 0, canvas.w, head, theme.PLAN_BLUE)
    for left, column in zip(lefts, table.header, strict=True):
        canvas.text([column], left + pad, pad, size, theme.WHITE, bold=True)
    y = head
    for cells, kind, color in zip(_cells(table, widths, size), table.kinds, table.colors, strict=True):
        row_h = max(1, *(len(c) for c in cells)) * size * 1.3 + 4 + 2 * pad
        if kind == "group":
            canvas.box(0, y, canvas.w, y + row_h, theme.GROUP_GROUND)
            canvas.text(cells[0], pad, y + pad, size, color, bold=True)
        else:
            for i, (left, cell) in enumerate(zip(lefts, cells, strict=True)):
                canvas.text(cell, left + pad, y + pad, size, color if i == 0 else theme.INK, bold=i == 0)
        y += row_h
        canvas.box(0, y - 1, canvas.w, y + 1, theme.RULE)
    return canvas.finish()


def deck_size(table: TableRows) -> float:
    """Return the deck table's type size: the largest of DECK_TABLE_SIZES at which it fits above the footer."""
    def height_in(size: float) -> float:
        lines = [1 if kind == "group" else max(len(wrap(v, w * 72 - 14.4, size)) for v, w in
                                               zip(values, DECK_COLUMNS, strict=True))
                 for values, kind in zip(table.rows, table.kinds, strict=True)]
        return (size * theme.DECK_LINE + 8 + sum(n * size * theme.DECK_LINE + 8 for n in lines)) / 72

    return next((s for s in DECK_TABLE_SIZES if height_in(s) <= DECK_TABLE_BOTTOM - DECK_TABLE_TOP),
                DECK_TABLE_SIZES[-1])


def page_size(table: TableRows) -> float:
    """Return the presentation page's table type size in points of its slide: the largest of PAGE_TABLE_SIZES at
    which every line of every row fits between the progress counts and the footer (as the deck's is found)."""
    widths = [share * PAGE_TABLE_WIDTH_PT - PAGE_CELL_PAD_PT for share in PAGE_COLUMNS]

    def height_pt(size: float) -> float:
        rows = [1 if kind == "group" else max(len(wrap(v, w, size)) for v, w in zip(values, widths, strict=True))
                for values, kind in zip(table.rows, table.kinds, strict=True)]
        return sum(n * size * PAGE_LINE + PAGE_ROW_PAD_PT for n in [1, *rows])  # the header row too

    return next((s for s in PAGE_TABLE_SIZES if height_pt(s) <= PAGE_TABLE_ROOM_PT), PAGE_TABLE_SIZES[-1])


def slide(space: SlideSpace, m: Meeting, view: View) -> None:
    """Add the month and progress counts, then the departments and their items as a native table."""
    space.text(0.5, 1.0, 12.3, 0.4, [(subtitle(m, view)[0], theme.DECK_SMALL_PT, False, theme.NOTE)])
    table = workplan_rows(m, view)
    space.table(table, 0.4, DECK_TABLE_TOP, DECK_COLUMNS, deck_size(table))


def page(body: SlideBody, m: Meeting, view: View) -> None:
    """Draw the progress counts, then the items: a table, or on a phone the tracker's list."""
    if m.lang == "en":
        body.caption(t("plan_chinese_only", m.lang))
    body.markdown(display.progress_count_badges(progress_counts(m.tracker), m.lang))
    if body.narrow:  # the tracker's list: a table of four columns does not fit a phone
        body.html(display.tracker_list_html(workplan_items(m, view), m.scores, m.lang, with_list=True))
    else:
        table = workplan_rows(m, view)
        body.table(table, share=page_size(table) / PAGE_SLIDE_PT)


KIND = ViewKind("workplan", views=views, subtitle=subtitle, figure=figure, slide=slide, page=page)
