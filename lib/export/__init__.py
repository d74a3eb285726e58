"""Meeting-ready files of the presentation's views (lib/views): one PNG per view that explains itself, a 16:9 PPTX
deck of the same views, and a PDF of the same pages, rendered by kaleido in the system's Chromium.

render (kaleido and its browser), deck (PPTX), pdf (PDF) and this module (the PNG set, and the CLI's entry); the
views themselves, the Meeting they read and their figures are lib/views'.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from lib.dataset import open_dataset
from lib.export.deck import DECK_FONT, DECK_SCALE, build_deck, deck_figure, deck_picture_px
from lib.export.pdf import build_pdf
from lib.export.render import ExportUnavailable, chromium_path, figure_pdf, figure_png, figure_svg
from lib.problems import ExportError, Problem
from lib.views import (
    PNG_HEIGHT,
    PNG_WIDTH,
    Meeting,
    View,
    briefing_charts,
    meeting,
    view_chart,
    view_figure,
    view_subtitle,
    workplan_table,
)

__all__ = ["DECK_FONT", "DECK_SCALE", "FORMATS", "PNG_HEIGHT", "PNG_WIDTH", "ExportUnavailable", "Meeting", "View",
           "briefing_charts", "build_deck", "build_pdf", "chromium_path", "deck_figure", "deck_picture_px",
           "export_pngs", "figure_pdf", "figure_png", "figure_svg", "meeting", "png_name", "png_zip", "view_chart",
           "view_figure", "view_png", "view_subtitle", "workplan_table", "write_export"]

FORMATS = ("png", "pptx", "pdf")


def view_png(m: Meeting, view: View) -> bytes:
    """Return one view as a 1920×1080 PNG that explains itself; raise ExportUnavailable."""
    return figure_png(view_figure(m, view), lang=m.lang)


def png_name(n: int, view: View) -> str:
    """Return a view's file name in the PNG set: 05_express_volume.png (its place, then its slug)."""
    return f"{n:02d}_{view.slug}.png"


def export_pngs(m: Meeting, out_dir: Path) -> list[Path]:
    """Write one PNG per view into out_dir (01_scorecard.png, 02_overview.png, …); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, view in enumerate(m.views(), start=1):
        path = out_dir / png_name(i, view)
        path.write_bytes(view_png(m, view))
        paths.append(path)
    return paths


def png_zip(m: Meeting, progress: Callable[[float, str], None] | None = None) -> bytes:
    """Return the PNG set as one zip (the files export_pngs writes, under the same names); raise ExportUnavailable."""
    buffer = io.BytesIO()
    views = m.views()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
        for i, view in enumerate(views, start=1):
            archive.writestr(png_name(i, view), view_png(m, view))
            if progress:
                progress(i / len(views), view.title)
    return buffer.getvalue()


def write_export(data_dir: Path, year: int, as_of: int, fmt: str, out: Path, lang: str = "zh") -> list[Path]:
    """Return the written files: the PPTX deck or the PDF (out is a file), or one PNG per view (out is a folder).

    Raises InputError when targets.csv is unusable (DataFolderError when the year has no targets), ExportError when a
    file cannot be written, ExportUnavailable when the pictures cannot be rendered.
    """
    ds = open_dataset(Path(data_dir))
    ds.catalog.require_year(year)
    m = meeting(ds, year, as_of, lang)
    try:
        if fmt == "png":
            return export_pngs(m, Path(out))
        data = build_deck(ds, year, as_of, lang, m=m, strict=True) if fmt == "pptx" else build_pdf(m)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        return [Path(out)]
    except OSError as exc:
        raise ExportError(Problem(str(exc.filename or out), "err_unwritable",
                                  params={"detail": exc.strerror or exc})) from exc
