"""The monthly briefing (月度通报): what the engine says, written as a GB/T 9704 .docx.

content.py builds the sections and sentences as data (testable without Word); word.py renders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from lib import plan, progress
from lib.briefing.content import Briefing, Chart, PlanIdentity, build_briefing, plan_identity
from lib.dataset import Dataset
from lib.filenames import export_name
from lib.fmt import display_width
from lib.i18n import t

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DETAIL_CHART_PX_HEIGHT = 480  # 760 × 480 px print 156 × 99 mm: two with their captions fill a page
MIN_LEFT_MARGIN_PX = 70  # room for y-axis ticks such as 500 and the unit title beside them
LABEL_PX_PER_WIDTH = 7.5  # a 14 px chart font: a Chinese character (width 2) is about 15 px wide

__all__ = [
    "DOCX_MIME",
    "Briefing",
    "BriefingFile",
    "PlanIdentity",
    "briefing_filename",
    "build_briefing",
    "chart_pictures",
    "load_tracker",
    "monthly_briefing",
    "plan_identity",
]


@dataclass
class BriefingFile:
    """A rendered briefing: the .docx bytes, a file name, and why its charts are missing ('' when they are in)."""

    data: bytes
    filename: str
    charts_missing: str = ""


def briefing_filename(ds: Dataset, year: int, as_of: int, lang: str = "zh") -> str:
    """Return the briefing's file name, e.g. 2021-10_月度通报_无锡市.docx."""
    return export_name(ds.catalog, year, as_of, t("file_briefing", lang), "docx", lang)


def load_tracker(data_dir: Path, year: int, as_of: int) -> pd.DataFrame | None:
    """Return the work-plan tracker of a data directory as of a month, or None when no plan has been imported."""
    tasks = plan.load_tasks(data_dir, year)
    if tasks.empty:
        return None
    rows, _refused = progress.load_progress(Path(data_dir), tasks)  # refused files are reported by the pages
    return progress.tracker_table(tasks, rows, year, as_of)


def room_for_labels(fig: go.Figure) -> go.Figure:
    """Return a copy of a figure whose left margin fits its horizontal bars' labels and the y-axis ticks.

    A stopgap: kaleido lays the figure out without the app's automatic margins and cuts those labels off
    (see platform notes); drop it once lib/export renders them itself.
    """
    labels = [str(y) for trace in fig.data if getattr(trace, "orientation", None) == "h" for y in (trace.y or ())
              if y is not None]
    widest = max((display_width(line) for label in labels for line in label.split("<br>")), default=0)
    needed = max(MIN_LEFT_MARGIN_PX, round(widest * LABEL_PX_PER_WIDTH) + 20)
    out = go.Figure(fig)
    if (out.layout.margin.l or 0) < needed:
        out.update_layout(margin_l=needed)
    return out


def chart_pictures(brief: Briefing) -> dict[str, bytes]:
    """Return each chart of the briefing as PNG (slug -> bytes); raise ExportUnavailable without Chromium."""
    from lib.briefing.word import PICTURE_PX_WIDTH
    from lib.export import figure_png

    return {c.slug: figure_png(room_for_labels(c.figure), width=PICTURE_PX_WIDTH, height=_height(c, n == 0),
                               scale=2, lang=brief.lang)
            for n, c in enumerate(brief.figures)}


def _height(chart: Chart, first: bool) -> int:
    """Return a chart's height in pixels: one that grows with its rows (the overview's) as tall as it is, up to what
    is left under the attachment's title when it comes first; the others are cut to two a page."""
    from lib.briefing.word import FIRST_PICTURE_H_MM, MAX_PICTURE_H_MM, PICTURE_PX_WIDTH, TEXT_W_MM

    if (chart.figure.layout.height or 0) <= 1.5 * DETAIL_CHART_PX_HEIGHT:  # a chart of months, not of many rows
        return DETAIL_CHART_PX_HEIGHT
    room = (FIRST_PICTURE_H_MM if first else MAX_PICTURE_H_MM) / TEXT_W_MM * PICTURE_PX_WIDTH
    return int(min(chart.figure.layout.height, room))


def monthly_briefing(ds: Dataset, year: int, as_of: int, lang: str = "zh", issued: dt.date | None = None,
                     charts: bool = True, identity: PlanIdentity | None = None) -> BriefingFile:
    """Return the month's briefing as .docx; without Chromium it is written without charts and says why."""
    from lib.briefing.word import render_docx
    from lib.export import ExportUnavailable

    brief = build_briefing(ds, year, as_of, lang, tracker=load_tracker(ds.data_dir, year, as_of), issued=issued,
                           identity=identity, charts=None if charts else {})
    pictures, missing = {}, ""
    if charts:
        try:
            pictures = chart_pictures(brief)
        except ExportUnavailable as exc:
            missing = str(exc)
    return BriefingFile(render_docx(brief, pictures), briefing_filename(ds, year, as_of, lang), missing)
