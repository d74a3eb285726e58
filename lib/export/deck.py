"""The presentation as a 16:9 PPTX deck: one slide per view, in its order. Each slide gets its title, month and
footer here; its body is its view kind's (lib/views), written through a SlideSpace: text boxes, the view's picture
(laid out at the slide's own pixels per inch), native cards and tables whose rows grow with their text."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from lib import theme
from lib.cards import Card
from lib.dataset import Dataset
from lib.export.render import ExportUnavailable, figure_png
from lib.fmt import format_period
from lib.i18n import t
from lib.kinds import STATUSES
from lib.views import Meeting, View, meeting, view_figure
from lib.views.base import DeckLine
from lib.views.figure import PNG_WIDTH, wrap

# The typeface set as both Latin and East-Asian font on every run, so PowerPoint never falls back to boxes.
DECK_FONT = "Noto Sans CJK SC"
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
# Pictures inside the deck are laid out at the pixels per inch of a 1920-wide slide, so their type has the size it
# would have on that slide; rendered at twice that for sharpness.
PX_PER_INCH = PNG_WIDTH / SLIDE_W_IN
DECK_SCALE = 2
TABLE_PT = 14


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#"))


def set_run_font(run, size: float, bold: bool = False, color: str = theme.INK) -> None:
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


def _fill_frame(frame, lines: list[DeckLine]) -> None:
    """Write (text, size, bold, colour) paragraphs into a text frame, wrapping words."""
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        set_run_font(run, size, bold, color)


def _text(slide, left: float, top: float, width: float, height: float, lines: list[DeckLine]):
    """Add a text box of (text, size, bold, colour) paragraphs, positions in inches."""
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _fill_frame(box.text_frame, lines)
    return box


def _slide_head(slide, m: Meeting, view: View, n: int, total: int) -> None:
    """Add a slide's title, its as-of month and its footer: source line, page number and status legend."""
    _text(slide, 0.5, 0.25, 10.4, 0.8, [(view.title, 28, True, theme.PLAN_BLUE)])
    _text(slide, 10.9, 0.38, 2.0, 0.5, [(format_period(m.year, m.as_of, m.lang), 16, True, theme.NOTE)])
    _text(slide, 0.5, 6.88, 12.3, 0.5, [(f"{m.source()}　{t('slide_of', m.lang, n=n, total=total)}", 11, False,
                                         theme.SOURCE), (t("legend", m.lang), 11, False, theme.SOURCE)])


def _card_box(slide, card: Card, left: float, top: float, width: float, height: float) -> None:
    """Add one headline card: a bordered box with title, status, value, target and its first lines."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    color, symbol = STATUSES[card.status].color, STATUSES[card.status].symbol
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb(theme.WHITE)
    box.line.color.rgb = _rgb(theme.RULE)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(0.1))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(color)
    band.line.fill.background()
    frame = box.text_frame
    frame.margin_left = frame.margin_right = Pt(12)
    frame.margin_top = Pt(16)  # below the status band
    frame.vertical_anchor = MSO_ANCHOR.TOP
    lines = [(card.title, 20, True, theme.INK), (f"{symbol} {card.status_text}", 18, True, color),
             (card.value, 30, True, theme.INK), (card.target_text, 16, False, theme.NOTE)]
    if card.delta:
        lines.append((f"{card.delta} {card.delta_note or ''}".strip(), 16, False, theme.NOTE))
    lines += [(part, 15, False, theme.NOTE) for line in card.lines[:2] for part in line.split(" · ")]
    _fill_frame(frame, lines)
    for paragraph in frame.paragraphs:  # a shape centres its text unless told
        paragraph.alignment = PP_ALIGN.LEFT


def _table(slide, rows: pd.DataFrame, left: float, top: float, widths: list[float], colors: list[str]) -> None:
    """Add a native table of rows (header in the plan's blue, the first column in each row's status colour)."""
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows) + 1, len(widths), Inches(left), Inches(top), Inches(sum(widths)),
                                   Inches(0.4 * (len(rows) + 1)))
    table = shape.table
    for c, (header, width) in enumerate(zip(rows.columns, widths, strict=True)):
        table.columns[c].width = Inches(width)
        cell = table.cell(0, c)
        _fill_frame(cell.text_frame, [(str(header), 14, True, theme.WHITE)])
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(theme.PLAN_BLUE)
    for r, (values, color) in enumerate(zip(rows.itertuples(index=False), colors, strict=True), start=1):
        lines = 1
        for c, (value, width) in enumerate(zip(values, widths, strict=True)):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(3)
            _fill_frame(cell.text_frame, [(str(value), TABLE_PT, c == 0, color if c == 0 else theme.INK)])
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(theme.WHITE)
            lines = max(lines, len(wrap(value, width * 72 - 14.4, TABLE_PT)))
        # Rows as tall as their text: a viewer that keeps the stored height would hide the lines below.
        table.rows[r].height = Pt(lines * TABLE_PT * 1.25 + 8)


def deck_picture_px(view: View) -> tuple[int, int]:
    """Return the layout size in pixels of a view's picture in the deck (its type as on a 1920-wide slide)."""
    _left, _top, width, height = view.kind.picture
    return round(width * PX_PER_INCH), round(height * PX_PER_INCH)


def deck_figure(m: Meeting, view: View) -> go.Figure:
    """Return the figure of a view's picture in the deck (the slide carries its title and source line)."""
    return view_figure(m, view, *deck_picture_px(view), standalone=False)


class _Slide:
    """A deck slide below its title, as a view fills it (lib/views/base.py, SlideSpace)."""

    def __init__(self, slide, m: Meeting, view: View, unavailable: list[ExportUnavailable], charts: bool = True):
        self.slide, self.m, self.view, self.charts = slide, m, view, charts
        self.unavailable = unavailable  # the first failure to render: the deck's remaining pictures say it at once

    def text(self, left: float, top: float, width: float, height: float, lines: list[DeckLine]) -> None:
        _text(self.slide, left, top, width, height, lines)

    def picture(self) -> None:
        from pptx.util import Inches

        left, top, width, height = self.view.kind.picture
        if not self.charts:
            _text(self.slide, left, top, width, 1.0, [(t("deck_chart_left_out", self.m.lang), 14, False, theme.NOTE)])
            return
        try:
            if self.unavailable:
                raise self.unavailable[0]
            png = figure_png(deck_figure(self.m, self.view), *deck_picture_px(self.view), scale=DECK_SCALE,
                             lang=self.m.lang)
        except ExportUnavailable as exc:
            self.unavailable[:] = [exc]
            _text(self.slide, left, top, width, 1.0, [(str(exc), 14, False, STATUSES["red"].color)])
            return
        self.slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height))

    def card(self, card: Card, left: float, top: float, width: float, height: float) -> None:
        _card_box(self.slide, card, left, top, width, height)

    def table(self, rows: pd.DataFrame, left: float, top: float, widths: list[float], colors: list[str]) -> None:
        _table(self.slide, rows, left, top, widths, colors)


def build_deck(ds: Dataset, year: int, as_of: int, lang: str = "zh",
               progress: Callable[[float, str], None] | None = None, m: Meeting | None = None,
               charts: bool = True) -> bytes:
    """Return a 16:9 PPTX with one slide per view of the presentation, in its order; without charts a view's picture
    is a line saying it was left out (no browser is started)."""
    from pptx import Presentation
    from pptx.util import Inches

    m = m or meeting(ds, year, as_of, lang)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    blank = deck.slide_layouts[6]
    views = m.views()
    unavailable: list[ExportUnavailable] = []  # after one failure the rest go text-only instead of retrying
    for n, view in enumerate(views, start=1):
        slide = deck.slides.add_slide(blank)
        _slide_head(slide, m, view, n, len(views))
        view.kind.slide(_Slide(slide, m, view, unavailable, charts), m, view)
        if progress:
            progress(n / len(views), view.title)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
