"""Meeting-ready files: every chart as PNG (kaleido + system Chromium) and a 16:9 PPTX deck with Chinese text."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from lib.cards import build_card
from lib.charts import FONT_FAMILY, completion_chart, indicator_detail_chart
from lib.dataset import Dataset, open_dataset
from lib.deepdive import gap_sentence, indicator_view
from lib.engine import scorecard, status_counts
from lib.fmt import format_pct, format_period, format_value
from lib.i18n import category_label, status_label, t
from lib.kinds import KINDS, STATUSES
from lib.plans import headline_scores, plan_for, slide_source
from lib.problems import ExportError, Problem

PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2
# The typeface set as both Latin and East-Asian font on every run, so PowerPoint never falls back to boxes.
DECK_FONT = "Noto Sans CJK SC"
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5

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


def figure_png(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, scale: int = PNG_SCALE,
               lang: str = "zh") -> bytes:
    """Return a figure rendered server-side as PNG (width × height × scale pixels); raise ExportUnavailable."""
    fig = go.Figure(fig)
    fig.update_layout(width=width, height=height, font_family=FONT_FAMILY)
    with _kaleido_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _start_kaleido(lang)
        try:
            return _watched(lambda: fig.to_image(format="png", width=width, height=height, scale=scale),
                            RENDER_TIMEOUT_S)
        except Exception as exc:
            _reset_kaleido()
            raise ExportUnavailable(lang) from exc


def chart_set(ds: Dataset, year: int, as_of: int, lang: str = "zh") -> list[tuple[str, str, go.Figure]]:
    """Return (file slug, title, figure) for every chart worth exporting: overview, headline indicators, green."""
    scores = scorecard(ds, year, as_of)
    by_id = {s.indicator: s for s in scores}
    charts = [("overview", t("completion_chart", lang), completion_chart(scores, lang))]
    for target_id in (s.indicator for s in headline_scores(scores)):
        view = indicator_view(ds, year, as_of, target_id, scores=scores)
        title = by_id[target_id].name_en if lang == "en" else by_id[target_id].name
        charts.append((target_id, title, indicator_detail_chart(view, lang)))
    green = [s for s in scores if s.category == "green"]
    if green:
        charts.append(("green", category_label("green", lang), completion_chart(green, lang)))
    return charts


def export_pngs(ds: Dataset, year: int, as_of: int, lang: str, out_dir: Path) -> list[Path]:
    """Write one PNG per chart into out_dir (01_overview.png, …); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (slug, title, fig) in enumerate(chart_set(ds, year, as_of, lang), start=1):
        fig.update_layout(title=dict(text=f"{title} · {format_period(year, as_of, lang)}", x=0.01))
        path = out_dir / f"{i:02d}_{slug}.png"
        path.write_bytes(figure_png(fig, lang=lang))
        paths.append(path)
    return paths


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


def _text(slide, left: float, top: float, width: float, height: float, lines: list[tuple[str, float, bool, str]]):
    """Add a text box of (text, size, bold, colour) paragraphs, positions in inches."""
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        set_run_font(run, size, bold, color)
    return box


def _footer(slide, ds: Dataset, year: int, as_of: int, lang: str) -> None:
    source = slide_source(ds, year, lang)
    _text(slide, 0.5, 6.95, 12.3, 0.4,
          [(t("slide_footer", lang, period=format_period(year, as_of, lang), source=source) + "　" + t("legend", lang),
            10, False, "#666666")])


def _title(slide, title: str, year: int, as_of: int, lang: str) -> None:
    _text(slide, 0.5, 0.3, 10.5, 0.8, [(title, 28, True, "#1F4E79")])
    _text(slide, 10.8, 0.45, 2.1, 0.5, [(format_period(year, as_of, lang), 14, True, "#444444")])


def build_deck(ds: Dataset, year: int, as_of: int, lang: str = "zh",
               progress: Callable[[float, str], None] | None = None) -> bytes:
    """Return a 16:9 PPTX: title, summary table, one slide per headline indicator, green packaging."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    blank = deck.slide_layouts[6]
    scores = scorecard(ds, year, as_of)
    charts = {slug: (title, fig) for slug, title, fig in chart_set(ds, year, as_of, lang)}
    headline = [s.indicator for s in headline_scores(scores)]
    steps = 3 + len([i for i in headline if i in charts])
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(min(done / steps, 1.0), label)

    unavailable: list[ExportUnavailable] = []

    def picture(slide, fig, left, top, width, height) -> None:
        # After one failure the remaining slides go text-only at once instead of retrying the browser each time.
        try:
            if unavailable:
                raise unavailable[0]
            png = figure_png(fig, width=int(width * 160), height=int(height * 160), scale=2, lang=lang)
        except ExportUnavailable as exc:
            unavailable[:] = [exc]
            _text(slide, left, top, width, 1.0, [(str(exc), 14, False, STATUSES["red"].color)])
            return
        slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height))

    slide = deck.slides.add_slide(blank)
    _text(slide, 0.8, 2.3, 11.7, 1.2, [(plan_for(ds.catalog, year).app_title(lang), 36, True, "#1F4E79")])
    counts = status_counts(scores)
    summary = "　".join(f"{status_label(s, lang)} {n}" for s, n in counts.items())
    _text(slide, 0.8, 3.6, 11.7, 1.0, [(format_period(year, as_of, lang), 24, False, "#444444"),
                                       (summary, 18, False, "#444444")])
    _footer(slide, ds, year, as_of, lang)
    step(t("slide_scorecard", lang))

    slide = deck.slides.add_slide(blank)
    _title(slide, t("slide_scorecard", lang), year, as_of, lang)
    rows = len(scores) + 1
    table = slide.shapes.add_table(rows, 5, Inches(0.5), Inches(1.1), Inches(12.3), Inches(0.23 * rows)).table
    headers = [t("col_target_name", lang), t("actual", lang), t("target", lang), t("completion", lang),
               t("col_status", lang)]
    widths = [5.3, 2.0, 2.0, 1.5, 1.5]
    for c, (header, width) in enumerate(zip(headers, widths, strict=True)):
        table.columns[c].width = Inches(width)
        cell = table.cell(0, c)
        cell.text_frame.paragraphs[0].add_run().text = header
        set_run_font(cell.text_frame.paragraphs[0].runs[0], 10, True, "#FFFFFF")
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb("#1F4E79")
    for r, s in enumerate(scores, start=1):
        target = 0 if KINDS[s.kind].target_is_zero else s.target
        values = [s.name_en if lang == "en" else s.name, format_value(s.actual_ytd, s.unit, lang),
                  f"{s.comparator}{format_value(target, s.unit, lang)}", format_pct(s.completion_pct),
                  status_label(s.status, lang)]
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(1)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.add_run().text = value
            set_run_font(paragraph.runs[0], 9, c == 4, "#FFFFFF" if c == 4 else "#222222")
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(STATUSES[s.status].color if c == 4 else "#FFFFFF")
        table.rows[r].height = Inches(0.22)
    _footer(slide, ds, year, as_of, lang)
    step(t("table_title", lang))

    by_id = {s.indicator: s for s in scores}
    for target_id in headline:
        if target_id not in charts:
            continue
        title, fig = charts[target_id]
        score = by_id[target_id]
        card = build_card(score, year, as_of, lang)
        slide = deck.slides.add_slide(blank)
        _title(slide, title, year, as_of, lang)
        picture(slide, fig, 0.4, 1.2, 8.6, 5.6)
        lines = [(card.status_text, 16, True, STATUSES[score.status].color), (card.value, 30, True, "#222222"),
                 (card.target_text, 14, False, "#444444"), (gap_sentence(score, lang), 14, True, "#1F4E79")]
        lines += [(line, 12, False, "#444444") for line in card.lines]
        _text(slide, 9.2, 1.3, 3.8, 5.5, lines)
        _footer(slide, ds, year, as_of, lang)
        step(title)

    if "green" in charts:
        title, fig = charts["green"]
        slide = deck.slides.add_slide(blank)
        _title(slide, title, year, as_of, lang)
        picture(slide, fig, 0.4, 1.2, 7.6, 4.2)
        green = [build_card(s, year, as_of, lang) for s in scores if s.category == "green"]
        lines = []
        for card in green:
            lines += [(f"{card.title}：{card.value}（{card.status_text}）" if lang != "en"
                       else f"{card.title}: {card.value} ({card.status_text})", 13, True, "#222222"),
                      (card.target_text, 11, False, "#555555")]
        _text(slide, 8.2, 1.3, 4.8, 5.4, lines)
        _footer(slide, ds, year, as_of, lang)
    step(category_label("green", lang))

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def write_export(data_dir: Path, year: int, as_of: int, fmt: str, out: Path, lang: str = "zh") -> list[Path]:
    """Return the written files: the PPTX deck (out is a file) or one PNG per chart (out is a folder).

    Raises InputError when targets.csv is unusable, ExportError when the year has no targets or a file cannot be
    written, ExportUnavailable when the pictures cannot be rendered.
    """
    ds = open_dataset(Path(data_dir))
    if year not in ds.catalog.years():
        raise ExportError(Problem(str(Path(data_dir) / "targets.csv"), "no_targets_year", params={"year": year}))
    try:
        if fmt == "pptx":
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_bytes(build_deck(ds, year, as_of, lang))
            return [Path(out)]
        return export_pngs(ds, year, as_of, lang, Path(out))
    except OSError as exc:
        raise ExportError(Problem(str(exc.filename or out), "err_unwritable",
                                  params={"detail": exc.strerror or exc})) from exc
