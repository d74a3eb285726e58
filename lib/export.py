"""Meeting-ready files from the presentation's views (lib/slides.py): one PNG per view that explains itself, a
16:9 PPTX deck of the same views, and a PDF of the same pages (kaleido + system Chromium)."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib import plan
from lib.cards import Card, build_card
from lib.charts import FONT_FAMILY, completion_chart, indicator_detail_chart, plotly_text
from lib.dataset import Dataset, open_dataset
from lib.deepdive import gap_sentence, indicator_view
from lib.display import tracker_frame
from lib.engine import Score, scorecard, status_counts
from lib.fmt import display_width, format_period
from lib.i18n import status_label, t
from lib.kinds import STATUSES
from lib.plans import plan_for
from lib.problems import ExportError, Problem
from lib.progress import load_progress, tracker_table
from lib.progress import status_counts as progress_counts
from lib.safety import clean_deep, has_control
from lib.slides import View, presentation_views
from lib.sources import source_line

# The typeface set as both Latin and East-Asian font on every run, so PowerPoint never falls back to boxes.
DECK_FONT = "Noto Sans CJK SC"
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
# A PNG is a whole 16:9 slide as a projector shows it. Pictures inside the deck are laid out at the same pixels per
# inch, so their type has the size it would have on that 1920-wide slide.
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1920, 1080, 1
PX_PER_INCH = PNG_WIDTH / SLIDE_W_IN
DECK_SCALE = 2
# Type sizes in pixels of a 1920-wide slide, read from the back of a meeting room (tick labels at least 18 px).
TYPE_PX, NOTE_PX, SOURCE_PX, SUBTITLE_PX, TITLE_PX = 20, 18, 18, 26, 44
PAD_PX = 28  # the white edge kept free all round
# Chromium's PDF gives Latin-only runs set in Noto Sans CJK (an OpenType/CFF font) no text behind their digits:
# copied from the PDF, "2021" came out empty. A TrueType Latin face first keeps every number selectable.
PDF_FONT_FAMILY = "Liberation Sans, DejaVu Sans, " + FONT_FAMILY
LABEL_SHARE = 0.42  # the most of a bar chart's width its target names may take before they break

# One lock for starting kaleido and for every render: its sync server answers through a single shared queue, so
# two threads rendering at once (two browser sessions exporting) would receive each other's images.
_kaleido_lock = threading.Lock()
_kaleido_started = False
# A browser that hangs instead of dying cannot be stopped or restarted in this process: refuse from then on.
_kaleido_hung = False
START_TIMEOUT_S = 60  # a cold Chromium start takes about 3 s on 2 cores; leave room for slow machines
RENDER_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30


class ExportUnavailable(Exception):
    """Rendering images needs Chromium (and kaleido); the message says what to install."""

    def __init__(self, lang: str = "zh"):
        super().__init__(t("export_unavailable", lang))


def chromium_path() -> str | None:
    """Return the Chromium kaleido will use: $BROWSER_PATH, else Debian's chromium on the PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _server_thread() -> threading.Thread | None:
    """Return the thread running kaleido's sync server, or None if kaleido is missing or keeps it elsewhere."""
    try:
        import kaleido
    except ImportError:
        return None
    return getattr(getattr(kaleido, "_global_server", None), "_thread", None)


def _watched(fn: Callable[[], Any], timeout: float, watch_server: bool = True) -> Any:
    """Return fn() run in a helper thread; raise TimeoutError if it takes too long or kaleido's server dies."""
    # A browser that fails to start kills kaleido's server thread, and every call queued to it then waits forever.
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, name="export-render", daemon=True)
    worker.start()
    server = _server_thread() if watch_server else None
    deadline = time.monotonic() + timeout
    while worker.is_alive():
        worker.join(0.1)
        if worker.is_alive() and ((server is not None and not server.is_alive()) or time.monotonic() > deadline):
            raise TimeoutError("kaleido did not answer")
    if "error" in result:
        raise result["error"]
    return result["value"]


def _reset_kaleido() -> None:
    """Stop a failed kaleido server so the next export starts a fresh browser; mark it hung if it will not stop."""
    global _kaleido_started, _kaleido_hung
    import kaleido

    # After one failed render (e.g. Chromium killed) the server answers the next one never, so always start afresh.
    try:
        _watched(lambda: kaleido.stop_sync_server(silence_warnings=True), STOP_TIMEOUT_S, watch_server=False)
        _kaleido_started = False
    except Exception:
        _kaleido_hung = True


def _quiet_server_crash(hook):
    """Return a threading.excepthook that drops the kaleido server thread's crash (reported as ExportUnavailable)."""

    def quiet(args) -> None:
        if args.thread is not None and args.thread is _server_thread():
            return
        hook(args)

    return quiet


def _start_kaleido(lang: str) -> None:
    """Start kaleido's browser once per process and check it answers; the caller holds _kaleido_lock."""
    global _kaleido_started
    if _kaleido_hung or chromium_path() is None:
        raise ExportUnavailable(lang)
    if _kaleido_started:
        return
    previous_hook = threading.excepthook
    threading.excepthook = _quiet_server_crash(previous_hook)
    try:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _kaleido_started = True
        probe = go.Figure(go.Scatter(x=[0], y=[0]))
        _watched(lambda: probe.to_image(format="png", width=32, height=32), START_TIMEOUT_S)
    except Exception as exc:  # any failure to launch the browser means the same to the user
        if _kaleido_started:
            _reset_kaleido()
        raise ExportUnavailable(lang) from exc
    finally:
        threading.excepthook = previous_hook


def _render(fig: go.Figure, fmt: str, width: int, height: int, scale: float, lang: str) -> bytes:
    """Return a figure rendered server-side as png, svg or pdf at width × height; raise ExportUnavailable."""
    fig = _without_control(go.Figure(fig))
    fig.update_layout(width=width, height=height, font_family=PDF_FONT_FAMILY if fmt == "pdf" else FONT_FAMILY)
    with _kaleido_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _start_kaleido(lang)
        try:
            return _watched(lambda: fig.to_image(format=fmt, width=width, height=height, scale=scale),
                            RENDER_TIMEOUT_S)
        except Exception as exc:
            _reset_kaleido()
            raise ExportUnavailable(lang) from exc


def _without_control(fig: go.Figure) -> go.Figure:
    """Return a figure whose texts hold no control character (one in a name failed the browser's render, which then
    read as Chromium missing); the figure itself when none does."""
    spec = fig.to_plotly_json()
    return go.Figure(clean_deep(spec)) if has_control(spec) else fig


def figure_png(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, scale: float = PNG_SCALE,
               lang: str = "zh") -> bytes:
    """Return a figure rendered server-side as PNG (width × height × scale pixels); raise ExportUnavailable."""
    return _render(fig, "png", width, height, scale, lang)


def figure_svg(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, lang: str = "zh") -> bytes:
    """Return a figure laid out exactly as figure_png lays it out, as SVG (its text positions can be read)."""
    return _render(fig, "svg", width, height, 1, lang)


def figure_pdf(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, lang: str = "zh") -> bytes:
    """Return a figure as a one-page vector PDF (text stays text); raise ExportUnavailable."""
    return _render(fig, "pdf", width, height, 1, lang)


# --- What every view reads ----------------------------------------------------------------------------

@dataclass
class Meeting:
    """What the views of one presentation read: the dataset, period, language, scores and work-plan table."""

    ds: Dataset
    year: int
    as_of: int
    lang: str
    scores: list[Score]
    tracker: pd.DataFrame

    def views(self) -> list[View]:
        """Return the presentation's views (the one list the page, the deck, the PNGs and the PDF show)."""
        return presentation_views(self.scores, self.lang, self.tracker)

    def source(self) -> str:
        """Return the source line: the data's last submission and the plan's document number."""
        return source_line(self.ds, self.year, self.lang)


def workplan_table(data_dir: Path, year: int, as_of: int) -> pd.DataFrame:
    """Return the work-plan items with their latest status, worst first (no rows before the plan is imported)."""
    tasks = plan.load_tasks(data_dir)
    if tasks.empty:
        return tasks
    rows, _refused = load_progress(data_dir, tasks)
    return tracker_table(tasks, rows, year, as_of)


def meeting(ds: Dataset, year: int, as_of: int, lang: str = "zh", scores: list[Score] | None = None,
            tracker: pd.DataFrame | None = None) -> Meeting:
    """Return what the views read, computing the scores and the work-plan table unless given (the page's caches)."""
    return Meeting(ds, year, as_of, lang, scores if scores is not None else scorecard(ds, year, as_of),
                   tracker if tracker is not None else workplan_table(ds.data_dir, year, as_of))


def _counts_words(counts: dict[str, int], lang: str) -> str:
    """Return status counts in words: 进度正常 17 · 需关注 4 · 滞后 2 (statuses with none left out)."""
    return " · ".join(f"{status_label(s, lang)} {n}" for s, n in counts.items() if n)


def _progress_words(table: pd.DataFrame, lang: str) -> str:
    """Return work-plan progress counts in words: ✕ 滞后 4 · ○ 未启动 8 · …"""
    return " · ".join(f"{t('prog_' + s, lang)} {n}" for s, n in progress_counts(table).items() if n)


def view_subtitle(m: Meeting, view: View) -> list[str]:
    """Return the lines under a view's title: the as-of month, and the target and status in words."""
    as_of = t("as_of_period", m.lang, period=format_period(m.year, m.as_of, m.lang))
    if view.shows == "indicator":
        score = next(s for s in m.scores if s.indicator == view.target_id)
        card = build_card(score, m.year, m.as_of, m.lang)
        status = card.status_text + (f"（{card.lines[0]}）" if m.lang != "en" else f" ({card.lines[0]})") \
            if card.progress is not None else card.status_text
        return [f"{as_of} · {card.target_text} · {status}", gap_sentence(score, m.lang)]
    if view.shows == "category":
        group = [s for s in m.scores if s.category == view.category]
        return [f"{as_of} · {_counts_words(status_counts(group), m.lang)}"]
    if view.shows == "workplan":
        return [f"{as_of} · {_progress_words(m.tracker, m.lang)}"]
    counts = f"{t('targets_counted', m.lang, n=len(m.scores))}{_counts_words(status_counts(m.scores), m.lang)}"
    if view.shows == "scorecard":
        return [f"{plan_for(m.ds.catalog, m.year).app_title(m.lang)} · {as_of}", counts]
    return [f"{as_of} · {counts}"]


# --- Figures of the views ---------------------------------------------------------------------------------

def _text_px(text: str, size: float) -> float:
    """Return about how wide a line of text is drawn (a Chinese character a full em, a Latin letter ~0.56 em)."""
    return display_width(text) * size * 0.56


# A Latin word or number stays whole; every other character may end a line.
_TOKENS = re.compile(r"[¥$A-Za-z0-9.,%+\-–/:'’()]+ ?| +|.")
_NO_LINE_START = set("，。、；：）》”’!?,.;:)")


def _wrap(text: str, width_px: float, size: float) -> list[str]:
    """Return text broken into lines no wider than width_px at a type size (Chinese between any characters,
    Latin between words), a closing punctuation mark kept on the line it closes."""
    lines, line = [], ""
    for token in _TOKENS.findall(str(text)):
        if line and _text_px((line + token).rstrip(), size) > width_px and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def _legend_rows(names: list[str], width: float) -> int:
    """Return how many rows a horizontal legend of these entries takes in a given width."""
    rows, used = 1, 0.0
    for name in names:
        item = 50 + _text_px(name, TYPE_PX)
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


@dataclass(frozen=True)
class _Frame:
    """The bands of a figure, in pixels: header (title and subtitle) above, legend and source line below."""

    top: float
    bottom: float
    source_y: float  # the source line's bottom edge above the figure's bottom
    legend_y: float  # the legend's bottom edge above the figure's bottom


def _frame(width: int, height: int, title: str | None, subtitle: list[str], source: str | None,
           legend: list[str], under_plot: float) -> _Frame:
    """Return where the header, the plot, the legend and the source line go in a width × height figure."""
    header = TITLE_PX * 1.3 + len(subtitle) * SUBTITLE_PX * 1.45 + 14 if title else 0.0
    source_h = SOURCE_PX * 1.6 if source else 0.0
    legend_h = _legend_rows(legend, width - 2 * PAD_PX) * TYPE_PX * 1.6 + 6 if legend else 0.0
    return _Frame(top=PAD_PX + header, bottom=PAD_PX + source_h + legend_h + under_plot, source_y=PAD_PX,
                  legend_y=PAD_PX + source_h)


def _header_and_source(fig: go.Figure, width: int, height: int, title: str | None, subtitle: list[str],
                       source: str | None) -> None:
    """Put the title and subtitle top left and the source line bottom left, both placed on the whole figure."""
    if title:
        fig.update_layout(title=dict(
            text=f"<b>{plotly_text(title)}</b>", x=PAD_PX / width, xref="container", xanchor="left",
            y=1 - PAD_PX / height, yref="container", yanchor="top", automargin=False,
            font=dict(size=TITLE_PX, color="#1F4E79"),
            subtitle=dict(text="<br>".join(plotly_text(line) for line in subtitle),
                          font=dict(size=SUBTITLE_PX, color="#333333"))))
    if source:
        # A second legend holds the source line as its title: only legends and the title can be placed on the
        # whole figure rather than on the plot area, whose edges move as the axes make room for their labels.
        fig.add_scatter(x=[None], y=[None], mode="lines", line=dict(width=0), name="", legend="legend2",
                        showlegend=True, hoverinfo="skip")
        fig.update_layout(legend2=dict(
            orientation="h", xref="container", yref="container", x=PAD_PX / width, xanchor="left",
            y=PAD_PX / height, yanchor="bottom", itemwidth=30, font=dict(size=2),
            title=dict(text=plotly_text(source), side="left", font=dict(size=SOURCE_PX, color="#555555"))))


def _chart_for_meeting(fig: go.Figure, width: int, height: int, title: str | None, subtitle: list[str],
                       source: str | None) -> go.Figure:
    """Return a copy of an app chart laid out for a slide: type for the back of a room, the legend under the plot,
    and (for a picture that stands alone) its title, as-of month, status and source line."""
    fig = go.Figure(fig)
    names = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]
    titled_x = any(axis.title.text for axis in fig.select_xaxes())
    frame = _frame(width, height, title, subtitle, source, names, TYPE_PX * (3.4 if titled_x else 1.8) + 8)
    fig.update_layout(
        width=width, height=height, font=dict(family=FONT_FAMILY, size=TYPE_PX), showlegend=True,
        margin=dict(l=PAD_PX, r=PAD_PX, t=round(frame.top + 1.6 * TYPE_PX), b=round(frame.bottom)),
        legend=dict(orientation="h", xref="container", yref="container", x=PAD_PX / width, xanchor="left",
                    y=frame.legend_y / height, yanchor="bottom", font=dict(size=TYPE_PX)))
    fig.update_xaxes(tickfont_size=TYPE_PX, title_font_size=TYPE_PX, automargin=True)
    fig.update_yaxes(tickfont_size=TYPE_PX, title_font_size=TYPE_PX, automargin=True)
    # Every bar keeps its name: plotly thins crowded category labels out, leaving bars without one.
    fig.update_yaxes(dtick=1, selector=lambda axis: axis.categoryarray is not None)
    fig.update_annotations(font_size=TYPE_PX)
    fig.update_traces(textfont_size=TYPE_PX, selector=dict(mode="text"))
    _header_and_source(fig, width, height, title, subtitle, source)
    return fig


def _blank_figure(width: int, height: int, frame: _Frame) -> go.Figure:
    """Return an empty figure whose paper is the body between header and source line (no axes)."""
    fig = go.Figure()
    fig.update_layout(template="suzhou", width=width, height=height, font=dict(family=FONT_FAMILY, size=TYPE_PX),
                      margin=dict(l=PAD_PX, r=PAD_PX, t=round(frame.top + 16), b=round(frame.bottom),
                                  autoexpand=False),
                      xaxis=dict(visible=False), yaxis=dict(visible=False), showlegend=True)
    return fig


class _Canvas:
    """Text and boxes placed in pixels from the top left of a blank figure's body."""

    def __init__(self, fig: go.Figure, width: int, height: int):
        self.fig = fig
        self.w = width - fig.layout.margin.l - fig.layout.margin.r
        self.h = height - fig.layout.margin.t - fig.layout.margin.b

    def text(self, lines: list[str], x: float, y: float, size: float, color: str = "#222222",
             bold: bool = False) -> float:
        """Write lines from (x, y) down; return the height they take."""
        body = "<br>".join(plotly_text(line) for line in lines)
        self.fig.add_annotation(text=f"<b>{body}</b>" if bold else body, x=x / self.w, y=1 - y / self.h,
                                xref="paper", yref="paper", xanchor="left", yanchor="top", align="left",
                                showarrow=False, font=dict(size=size, color=color))
        return len(lines) * size * 1.3 + 4

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: str, line: str | None = None) -> None:
        """Draw a rectangle (pixels) under the text."""
        self.fig.add_shape(type="rect", x0=x0 / self.w, x1=x1 / self.w, y0=1 - y1 / self.h, y1=1 - y0 / self.h,
                           xref="paper", yref="paper", fillcolor=fill, layer="below",
                           line=dict(color=line or fill, width=2 if line else 0))


def _cards_figure(m: Meeting, scores: list[Score], width: int, height: int, title: str | None,
                  subtitle: list[str], source: str | None) -> go.Figure:
    """Return the scorecard view as a figure: one card per headline target (status, value, target, progress)."""
    frame = _frame(width, height, title, subtitle, source, [], 16)
    fig = _blank_figure(width, height, frame)
    canvas = _Canvas(fig, width, height)
    gap, inset, size = 28, 22, TYPE_PX * 1.2
    card_w = (canvas.w - gap * (len(scores) - 1)) / max(len(scores), 1)
    inner = card_w - 2 * inset
    for i, score in enumerate(scores):
        card = build_card(score, m.year, m.as_of, m.lang)
        color = STATUSES[score.status].color
        left = i * (card_w + gap)
        x = left + inset
        canvas.box(left, 0, left + card_w, canvas.h, "white", line="#CCCCCC")
        canvas.box(left, 0, left + card_w, 12, color)
        y = 32.0
        y += canvas.text(_wrap(card.title, inner, size * 1.1), x, y, size * 1.1, bold=True) + 8
        y += canvas.text([f"{STATUSES[score.status].symbol} {card.status_text}"], x, y, size, color, bold=True) + 8
        y += canvas.text([card.value], x, y, size * 2.2, bold=True) + 10
        if card.progress is not None:
            canvas.box(x, y, x + inner, y + 14, "#E5E5E5")
            canvas.box(x, y, x + inner * card.progress, y + 14, color)
            y += 34
        lines = [card.target_text] + ([f"{card.delta} {card.delta_note or ''}".strip()] if card.delta else [])
        lines += [part for line in card.lines for part in line.split(" · ")]
        for line in lines:
            wrapped = _wrap(line, inner, size)
            if y + len(wrapped) * size * 1.3 > canvas.h - 16:
                break  # the card is full: the rest is on the indicator's own view
            y += canvas.text(wrapped, x, y, size, "#333333") + 4
    _header_and_source(fig, width, height, title, subtitle, source)
    return fig


PROGRESS_COLORS = {"behind": STATUSES["red"].color, "not_started": STATUSES["yellow"].color}


def workplan_items(m: Meeting, view: View) -> pd.DataFrame:
    """Return the tracker rows of the work-plan items a view lists, in its order."""
    return m.tracker.set_index("key").loc[list(view.items)].reset_index()


def workplan_rows(m: Meeting, view: View) -> pd.DataFrame:
    """Return the work-plan items a view lists, in its order: status, number, item, lead and progress."""
    rows = workplan_items(m, view)
    frame = tracker_frame(rows, m.scores, m.lang, with_list=True)
    columns = [t(k, m.lang) for k in ("filter_progress_status", "col_number", "col_item", "col_lead", "col_progress")]
    return frame[columns].assign(_status=list(rows["status"]))


# Shares of the work-plan table's width: status, number, item, lead, progress.
WORKPLAN_COLUMNS = (0.1, 0.12, 0.5, 0.12, 0.16)


def _workplan_figure(m: Meeting, view: View, width: int, height: int, title: str | None, subtitle: list[str],
                     source: str | None) -> go.Figure:
    """Return a work-plan view as a figure: a table of its items, behind first, every line of each item shown."""
    frame = _frame(width, height, title, subtitle, source, [], 16)
    fig = _blank_figure(width, height, frame)
    canvas = _Canvas(fig, width, height)
    rows = workplan_rows(m, view)
    columns = list(rows.columns[:-1])
    size, pad = TYPE_PX * 1.1, 10
    lefts = [sum(WORKPLAN_COLUMNS[:i]) * canvas.w for i in range(len(columns))]
    widths = [share * canvas.w - 2 * pad for share in WORKPLAN_COLUMNS]
    head = size * 1.3 + 2 * pad
    canvas.box(0, 0, canvas.w, head, "#1F4E79")
    for left, column in zip(lefts, columns, strict=True):
        canvas.text([column], left + pad, pad, size, "#FFFFFF", bold=True)
    y = head
    for values in rows.itertuples(index=False):
        cells = [_wrap(v, w, size) for v, w in zip(values[:-1], widths, strict=True)]
        row_h = max(len(c) for c in cells) * size * 1.3 + 4 + 2 * pad
        color = PROGRESS_COLORS.get(values[-1], "#222222")
        for i, (left, cell) in enumerate(zip(lefts, cells, strict=True)):
            canvas.text(cell, left + pad, y + pad, size, color if i == 0 else "#222222", bold=i == 0)
        y += row_h
        canvas.box(0, y - 1, canvas.w, y + 1, "#CCCCCC")
    _header_and_source(fig, width, height, title, subtitle, source)
    return fig


def view_figure(m: Meeting, view: View, width: int = PNG_WIDTH, height: int = PNG_HEIGHT,
                standalone: bool = True) -> go.Figure:
    """Return a view as one figure of width × height pixels. Standalone (a PNG or PDF page), it carries its title,
    as-of month, target and status in words and its source line; inside a slide, the slide carries them."""
    title, subtitle, source = (view.title, view_subtitle(m, view), m.source()) if standalone else (None, [], None)
    if view.shows == "scorecard":
        headline = [s for v in m.views() if v.shows == "indicator" for s in m.scores if s.indicator == v.target_id]
        return _cards_figure(m, headline, width, height, title, subtitle, source)
    if view.shows == "workplan":
        return _workplan_figure(m, view, width, height, title, subtitle, source)
    chart = view_chart(m, view, label_width=int(LABEL_SHARE * width / (0.56 * TYPE_PX)))
    return _chart_for_meeting(chart, width, height, title, subtitle, source)


def view_chart(m: Meeting, view: View, label_width: int = 30) -> go.Figure:
    """Return the bare chart of a chart view (overview, indicator, category), as the app draws it."""
    if view.shows == "indicator":
        return indicator_detail_chart(indicator_view(m.ds, m.year, m.as_of, view.target_id, scores=m.scores), m.lang)
    shown = [s for s in m.scores if view.category in (None, s.category)]
    return completion_chart(shown, m.lang, label_width=label_width)


def briefing_charts(m: Meeting) -> dict[str, tuple[str, go.Figure]]:
    """Return the briefing's attachments, slug -> (title, chart): the overview and each headline indicator."""
    return {view.slug: (view.title, view_chart(m, view))
            for view in m.views() if view.shows in ("overview", "indicator")}


def view_png(m: Meeting, view: View) -> bytes:
    """Return one view as a 1920×1080 PNG that explains itself; raise ExportUnavailable."""
    return figure_png(view_figure(m, view), lang=m.lang)


def export_pngs(m: Meeting, out_dir: Path) -> list[Path]:
    """Write one PNG per view into out_dir (01_scorecard.png, 02_overview.png, …); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, view in enumerate(m.views(), start=1):
        path = out_dir / f"{i:02d}_{view.slug}.png"
        path.write_bytes(view_png(m, view))
        paths.append(path)
    return paths


# The simplified forms in the CJK radicals block, which (unlike the Kangxi radicals) Unicode gives no decomposition.
SIMPLIFIED_RADICALS = dict(zip("⻅⻆⻉⻋⻐⻓⻔⻚⻛⻜⻠⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
                               "见角贝车钅长门页风飞饣马鱼鸟卤麦黄黾齐齿龙龟", strict=True))
# Characters of the Kangxi radicals and CJK radicals blocks in a font's ToUnicode map.
_RADICALS = re.compile(rb"<(2[EF][0-9A-Fa-f]{2})>")


def _unified_ideographs(to_unicode: bytes) -> bytes:
    """Return a font's ToUnicode map with radicals mapped to the ideographs they stand for: Noto CJK draws 目 and
    the radical ⽬ with one glyph, and Chromium's PDF names the radical, so copied or searched text missed 目标."""

    def unified(found: re.Match) -> bytes:
        radical = chr(int(found.group(1), 16))
        plain = SIMPLIFIED_RADICALS.get(radical) or unicodedata.normalize("NFKC", radical)
        return b"<%04X>" % ord(plain) if len(plain) == 1 else found.group(0)

    return _RADICALS.sub(unified, to_unicode)


def build_pdf(m: Meeting, progress_report: Callable[[float, str], None] | None = None) -> bytes:
    """Return the views as one PDF, a 16:9 page each, rendered as vector pages (Chinese text selectable)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    views = m.views()
    for i, view in enumerate(views, start=1):
        writer.append(io.BytesIO(figure_pdf(view_figure(m, view), lang=m.lang)))
        if progress_report:
            progress_report(i / len(views), view.title)
    for page in writer.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            to_unicode = font.get_object().get("/ToUnicode")
            if to_unicode is not None:
                stream = to_unicode.get_object()
                stream.set_data(_unified_ideographs(stream.get_data()))
    title = plan_for(m.ds.catalog, m.year).app_title(m.lang)
    writer.add_metadata({"/Title": f"{title} · {format_period(m.year, m.as_of, m.lang)}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- PPTX -------------------------------------------------------------------------------------------

def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#"))


def set_run_font(run, size: float, bold: bool = False, color: str = "#222222") -> None:
    """Set size, weight, colour and both the Latin and the East-Asian typeface of a text run."""
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = DECK_FONT
    run.font.color.rgb = _rgb(color)
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", DECK_FONT)


def _fill_frame(frame, lines: list[tuple[str, float, bool, str]]) -> None:
    """Write (text, size, bold, colour) paragraphs into a text frame, wrapping words."""
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        set_run_font(run, size, bold, color)


def _text(slide, left: float, top: float, width: float, height: float, lines: list[tuple[str, float, bool, str]]):
    """Add a text box of (text, size, bold, colour) paragraphs, positions in inches."""
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _fill_frame(box.text_frame, lines)
    return box


def _slide_head(slide, m: Meeting, view: View, n: int, total: int) -> None:
    """Add a slide's title, its as-of month and its footer: source line, page number and status legend."""
    _text(slide, 0.5, 0.25, 10.4, 0.8, [(view.title, 28, True, "#1F4E79")])
    _text(slide, 10.9, 0.38, 2.0, 0.5, [(format_period(m.year, m.as_of, m.lang), 16, True, "#444444")])
    _text(slide, 0.5, 6.88, 12.3, 0.5, [(f"{m.source()}　{t('slide_of', m.lang, n=n, total=total)}", 11, False,
                                         "#555555"), (t("legend", m.lang), 11, False, "#555555")])


def _card_box(slide, card: Card, left: float, top: float, width: float, height: float) -> None:
    """Add one headline card: a bordered box with title, status, value, target and its first lines."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    color, symbol = STATUSES[card.status].color, STATUSES[card.status].symbol
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb("#FFFFFF")
    box.line.color.rgb = _rgb("#CCCCCC")
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(0.1))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(color)
    band.line.fill.background()
    frame = box.text_frame
    frame.margin_left = frame.margin_right = Pt(12)
    frame.margin_top = Pt(16)  # below the status band
    frame.vertical_anchor = MSO_ANCHOR.TOP
    lines = [(card.title, 20, True, "#222222"), (f"{symbol} {card.status_text}", 18, True, color),
             (card.value, 30, True, "#222222"), (card.target_text, 16, False, "#444444")]
    if card.delta:
        lines.append((f"{card.delta} {card.delta_note or ''}".strip(), 16, False, "#444444"))
    lines += [(part, 15, False, "#444444") for line in card.lines[:2] for part in line.split(" · ")]
    _fill_frame(frame, lines)
    for paragraph in frame.paragraphs:  # a shape centres its text unless told
        paragraph.alignment = PP_ALIGN.LEFT


TABLE_PT = 14
# Where a view's picture goes on its slide (left, top, width, height in inches), by what the view shows.
DECK_PICTURES = {"overview": (0.4, 1.35, 12.5, 5.5), "indicator": (0.3, 1.1, 8.9, 5.7),
                 "category": (0.3, 1.1, 7.9, 5.7)}


def _table(slide, rows: pd.DataFrame, left: float, top: float, widths: list[float], colors: list[str]) -> None:
    """Add a native table of rows (header in the plan's blue, the first column in each row's status colour)."""
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows) + 1, len(widths), Inches(left), Inches(top), Inches(sum(widths)),
                                   Inches(0.4 * (len(rows) + 1)))
    table = shape.table
    for c, (header, width) in enumerate(zip(rows.columns, widths, strict=True)):
        table.columns[c].width = Inches(width)
        cell = table.cell(0, c)
        _fill_frame(cell.text_frame, [(str(header), 14, True, "#FFFFFF")])
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb("#1F4E79")
    for r, (values, color) in enumerate(zip(rows.itertuples(index=False), colors, strict=True), start=1):
        lines = 1
        for c, (value, width) in enumerate(zip(values, widths, strict=True)):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(3)
            _fill_frame(cell.text_frame, [(str(value), TABLE_PT, c == 0, color if c == 0 else "#222222")])
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb("#FFFFFF")
            lines = max(lines, len(_wrap(value, width * 72 - 14.4, TABLE_PT)))
        # Rows as tall as their text: a viewer that keeps the stored height would hide the lines below.
        table.rows[r].height = Pt(lines * TABLE_PT * 1.25 + 8)


def deck_picture_px(view: View) -> tuple[int, int]:
    """Return the layout size in pixels of a view's picture in the deck (its type as on a 1920-wide slide)."""
    _left, _top, width, height = DECK_PICTURES[view.shows]
    return round(width * PX_PER_INCH), round(height * PX_PER_INCH)


def deck_figure(m: Meeting, view: View) -> go.Figure:
    """Return the figure of a view's picture in the deck (the slide carries its title and source line)."""
    return view_figure(m, view, *deck_picture_px(view), standalone=False)


def build_deck(ds: Dataset, year: int, as_of: int, lang: str = "zh",
               progress: Callable[[float, str], None] | None = None, m: Meeting | None = None) -> bytes:
    """Return a 16:9 PPTX with one slide per view of the presentation, in its order."""
    from pptx import Presentation
    from pptx.util import Inches

    m = m or meeting(ds, year, as_of, lang)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    blank = deck.slide_layouts[6]
    views = m.views()
    unavailable: list[ExportUnavailable] = []

    def picture(slide, view: View) -> None:
        # After one failure the remaining slides go text-only at once instead of retrying the browser each time.
        left, top, width, height = DECK_PICTURES[view.shows]
        try:
            if unavailable:
                raise unavailable[0]
            png = figure_png(deck_figure(m, view), *deck_picture_px(view), scale=DECK_SCALE, lang=lang)
        except ExportUnavailable as exc:
            unavailable[:] = [exc]
            _text(slide, left, top, width, 1.0, [(str(exc), 14, False, STATUSES["red"].color)])
            return
        slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height))

    for n, view in enumerate(views, start=1):
        slide = deck.slides.add_slide(blank)
        _slide_head(slide, m, view, n, len(views))
        if view.shows == "scorecard":
            _text(slide, 0.5, 1.1, 12.3, 0.9, [(line, 18 if i else 14, bool(i), "#444444")
                                               for i, line in enumerate(view_subtitle(m, view))])
            headline = [s for v in views if v.shows == "indicator" for s in m.scores if s.indicator == v.target_id]
            width = (12.3 - 0.2 * (len(headline) - 1)) / max(len(headline), 1)
            for i, score in enumerate(headline):
                _card_box(slide, build_card(score, year, as_of, lang), 0.5 + i * (width + 0.2), 2.1, width, 4.6)
        elif view.shows == "overview":
            _text(slide, 0.5, 1.0, 12.3, 0.4, [(view_subtitle(m, view)[0], 14, False, "#444444")])
            picture(slide, view)
        elif view.shows == "indicator":
            score = next(s for s in m.scores if s.indicator == view.target_id)
            card = build_card(score, year, as_of, lang)
            picture(slide, view)
            lines = [(card.status_text, 18, True, STATUSES[score.status].color), (card.value, 32, True, "#222222"),
                     (card.target_text, 16, False, "#444444"), (gap_sentence(score, lang), 16, True, "#1F4E79")]
            lines += [(line, 13, False, "#444444") for line in card.lines]
            _text(slide, 9.3, 1.2, 3.8, 5.6, lines)
        elif view.shows == "category":
            picture(slide, view)
            lines = []
            for score in (s for s in m.scores if s.category == view.category):
                card = build_card(score, year, as_of, lang)
                lines += [(card.title, 14, True, "#222222"),
                          (f"{card.value} · {card.status_text}", 14, True, STATUSES[score.status].color),
                          (card.target_text, 12, False, "#555555")]
            _text(slide, 8.4, 1.2, 4.6, 5.6, lines)
        else:
            _text(slide, 0.5, 1.0, 12.3, 0.4, [(view_subtitle(m, view)[0], 14, False, "#444444")])
            rows = workplan_rows(m, view)
            _table(slide, rows.drop(columns="_status"), 0.4, 1.5, [1.3, 1.45, 6.35, 1.5, 1.9],
                   [PROGRESS_COLORS.get(s, "#222222") for s in rows["_status"]])
        if progress:
            progress(n / len(views), view.title)

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


FORMATS = ("png", "pptx", "pdf")


def write_export(data_dir: Path, year: int, as_of: int, fmt: str, out: Path, lang: str = "zh") -> list[Path]:
    """Return the written files: the PPTX deck or the PDF (out is a file), or one PNG per view (out is a folder).

    Raises InputError when targets.csv is unusable, ExportError when the year has no targets or a file cannot be
    written, ExportUnavailable when the pictures cannot be rendered.
    """
    ds = open_dataset(Path(data_dir))
    if year not in ds.catalog.years():
        raise ExportError(Problem(str(Path(data_dir) / "targets.csv"), "no_targets_year", params={"year": year}))
    m = meeting(ds, year, as_of, lang)
    try:
        if fmt == "png":
            return export_pngs(m, Path(out))
        data = build_deck(ds, year, as_of, lang, m=m) if fmt == "pptx" else build_pdf(m)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        return [Path(out)]
    except OSError as exc:
        raise ExportError(Problem(str(exc.filename or out), "err_unwritable",
                                  params={"detail": exc.strerror or exc})) from exc
