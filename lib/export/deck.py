"""The presentation as a 16:9 PPTX deck: one slide per view, in its order. Each slide gets its title, month and
footer here; its body is its view kind's (lib/views), written through a SlideSpace: text boxes, the view's picture
(laid out at the slide's own pixels per inch), native cards and tables whose rows grow with their text."""

from __future__ import annotations

import io
from collections.abc import Callable

import plotly.graph_objects as go

from lib import theme
from lib.cards import Card
from lib.dataset import Dataset
from lib.export.render import ExportUnavailable, figure_png
from lib.fmt import format_period, keep_units_together
from lib.i18n import t
from lib.kinds import STATUSES
from lib.views import Meeting, View, meeting, view_figure
from lib.views.base import DeckLine, TableRows
from lib.views.figure import PNG_WIDTH, wrap

# The typeface set as both Latin and East-Asian font on every run, so PowerPoint never falls back to boxes.
DECK_FONT = "Noto Sans CJK SC"
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
# Pictures inside the deck are laid out at the pixels per inch of a 1920-wide slide, so their type has the size it
# would have on that slide; rendered at twice that for sharpness.
PX_PER_INCH = PNG_WIDTH / SLIDE_W_IN
CARD_LINE = 1.2  # a card's line, single spaced, is this many times its size tall (measured in LibreOffice)
DECK_SCALE = 2


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
        run.text = keep_units_together(text)  # a number and its unit on one line, wherever the box wraps
        set_run_font(run, size, bold, color)


def _text(slide, left: float, top: float, width: float, height: float, lines: list[DeckLine]):
    """Add a text box of (text, size, bold, colour) paragraphs, positions in inches."""
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _fill_frame(box.text_frame, lines)
    return box


def _slide_head(slide, m: Meeting, view: View, n: int, total: int) -> None:
    """Add a slide's title, its as-of month and its footer: source line, page number and status legend."""
    _text(slide, 0.5, 0.25, 10.4, 0.8, [(view.title, theme.DECK_TITLE_PT, True, theme.PLAN_BLUE)])
    _text(slide, 10.9, 0.38, 2.0, 0.5, [(format_period(m.year, m.as_of, m.lang), theme.DECK_DATE_PT, True,
                                         theme.NOTE)])
    _text(slide, 0.5, 6.88, 12.3, 0.5, [(f"{m.source()}　{t('slide_of', m.lang, n=n, total=total)}",
                                         theme.DECK_FOOT_PT, False, theme.SOURCE),
                                        (t("legend", m.lang), theme.DECK_FOOT_PT, False, theme.SOURCE)])


def _card_lines(card: Card, scale: float = 1.0) -> list[DeckLine]:
    """Return a headline card's lines at a scale of their sizes: title, status, value, target, delta and every detail
    line of the card (completion, growth, projection, what the rest of the year needs, lead)."""
    status = STATUSES[card.status]
    lines = [(card.title, theme.DECK_LEAD_PT + 2, True, theme.INK),
             (f"{status.symbol} {card.status_text}", theme.DECK_LEAD_PT, True, status.ink),
             (card.value, theme.DECK_VALUE_PT + 4, True, theme.INK),
             (card.target_text, theme.DECK_BODY_PT + 2, False, theme.NOTE)]
    if card.delta:
        lines.append((f"{card.delta} {card.delta_note or ''}".strip(), theme.DECK_BODY_PT + 2, False, theme.NOTE))
    lines += [(part, theme.DECK_BODY_PT + 1, False, theme.NOTE) for line in card.lines for part in line.split(" · ")]
    return [(text, round(size * scale, 1), bold, color) for text, size, bold, color in lines]


def card_scale(cards: list[Card], width: float, height: float) -> float:
    """Return the scale of the cards' type: the largest at which every card's lines fit its box (one for a row of
    cards, so that they read alike)."""
    inner = (width * 72 - 24, height * 72 - 24)  # points: the box less its margins
    return next((s for s in (1.15, 1.1, 1.05, 1.0, 0.94, 0.88, 0.82, 0.76, 0.7)
                 if all(_lines_height(_card_lines(card, s), inner[0]) <= inner[1] for card in cards)), 0.7)


def _card_box(slide, card: Card, left: float, top: float, width: float, height: float,
              scale: float | None = None) -> None:
    """Add one headline card: a bordered box with title, status, value, target and its lines, its type as large as
    the box holds (every line shown), or at a row's scale."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    color = STATUSES[card.status].color
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
    box.shadow.inherit = False  # no drop shadow: a flat card, as on the page
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb(theme.WHITE)
    box.line.color.rgb = _rgb(theme.RULE)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(0.1))
    band.shadow.inherit = False
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(color)
    band.line.fill.background()
    frame = box.text_frame
    frame.margin_left = frame.margin_right = Pt(12)
    frame.margin_top = Pt(16)  # below the status band
    frame.vertical_anchor = MSO_ANCHOR.TOP
    _fill_frame(frame, _card_lines(card, scale or card_scale([card], width, height)))
    for paragraph in frame.paragraphs:  # a shape centres its text unless told; single spacing, as measured
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.line_spacing = 1.0


def _lines_height(lines: list[DeckLine], width_pt: float) -> float:
    """Return how tall (points) lines take in a text box width_pt wide, each wrapped at its own size."""
    return sum(len(wrap(text, width_pt, size)) * size * CARD_LINE for text, size, _bold, _color in lines)


def _table(slide, table: TableRows, left: float, top: float, widths: list[float], size: float) -> None:
    """Add a native table (header in the plan's blue; a group's line merged across the table on a light ground;
    each item's first cell in its colour), every row as tall as its text at the type size."""
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(table.rows) + 1, len(widths), Inches(left), Inches(top), Inches(sum(widths)),
                                   Inches(0.4 * (len(table.rows) + 1)))
    grid = shape.table
    for c, (header, width) in enumerate(zip(table.header, widths, strict=True)):
        grid.columns[c].width = Inches(width)
        cell = grid.cell(0, c)
        _fill_frame(cell.text_frame, [(str(header), size, True, theme.WHITE)])
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(theme.PLAN_BLUE)
    for r, (values, kind, color) in enumerate(zip(table.rows, table.kinds, table.colors, strict=True), start=1):
        if kind == "group":
            cell = grid.cell(r, 0)
            cell.merge(grid.cell(r, len(widths) - 1))
            cell.margin_top = cell.margin_bottom = Pt(3)
            _fill_frame(cell.text_frame, [(str(values[0]), size, True, color)])
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(theme.GROUP_GROUND)
            lines = len(wrap(values[0], sum(widths) * 72 - 14.4, size))
        else:
            lines = 1
            for c, (value, width) in enumerate(zip(values, widths, strict=True)):
                cell = grid.cell(r, c)
                cell.margin_top = cell.margin_bottom = Pt(3)
                _fill_frame(cell.text_frame, [(str(value), size, c == 0, color if c == 0 else theme.INK)])
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(theme.WHITE)
                lines = max(lines, len(wrap(value, width * 72 - 14.4, size)))
        # Rows as tall as their text: a viewer that keeps the stored height would hide the lines below.
        grid.rows[r].height = Pt(lines * size * theme.DECK_LINE + 8)


def deck_picture_px(view: View) -> tuple[int, int]:
    """Return the layout size in pixels of a view's picture in the deck (its type as on a 1920-wide slide)."""
    _left, _top, width, height = view.kind.picture
    return round(width * PX_PER_INCH), round(height * PX_PER_INCH)


def deck_figure(m: Meeting, view: View) -> go.Figure:
    """Return the figure of a view's picture in the deck (the slide carries its title and source line)."""
    return view_figure(m, view, *deck_picture_px(view), standalone=False)


class _Slide:
    """A deck slide below its title, as a view fills it (lib/views/base.py, SlideSpace)."""

    def __init__(self, slide, m: Meeting, view: View, unavailable: list[ExportUnavailable], strict: bool = False,
                 charts: bool = True):
        self.slide, self.m, self.view, self.charts = slide, m, view, charts
        self.unavailable = unavailable  # the first failure to render: the deck's remaining pictures say it at once
        self.strict = strict  # a picture that cannot be drawn fails the deck instead of being replaced by its reason

    def text(self, left: float, top: float, width: float, height: float, lines: list[DeckLine]) -> None:
        _text(self.slide, left, top, width, height, lines)

    def picture(self) -> None:
        from pptx.util import Inches

        left, top, width, height = self.view.kind.picture
        if not self.charts:
            left_out = t("deck_chart_left_out", self.m.lang)
            _text(self.slide, left, top, width, 1.0, [(left_out, theme.DECK_SMALL_PT, False, theme.NOTE)])
            return
        try:
            if self.unavailable:
                raise self.unavailable[0]
            png = figure_png(deck_figure(self.m, self.view), *deck_picture_px(self.view), scale=DECK_SCALE,
                             lang=self.m.lang)
        except ExportUnavailable as exc:
            if self.strict:
                raise
            self.unavailable[:] = [exc]
            _text(self.slide, left, top, width, 1.0, [(str(exc), theme.DECK_SMALL_PT, False, theme.BEHIND_INK)])
            return
        self.slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height))

    def cards(self, cards: list[Card], left: float, top: float, width: float, height: float, gap: float) -> None:
        each = (width - gap * (len(cards) - 1)) / max(len(cards), 1)
        scale = card_scale(cards, each, height)
        for i, card in enumerate(cards):
            _card_box(self.slide, card, left + i * (each + gap), top, each, height, scale)

    def table(self, table: TableRows, left: float, top: float, widths: list[float], size: float) -> None:
        _table(self.slide, table, left, top, widths, size)


def build_deck(ds: Dataset, year: int, as_of: int, lang: str = "zh",
               progress: Callable[[float, str], None] | None = None, m: Meeting | None = None,
               strict: bool = False, charts: bool = True) -> bytes:
    """Return a 16:9 PPTX with one slide per view of the presentation, in its order. A picture that cannot be drawn
    is replaced by the reason on its slide, or, when `strict` (a deck handed out as it is), raises ExportUnavailable:
    a deck is either whole or not made. Without charts a view's picture is a line saying it was left out (no browser
    is started)."""
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
        view.kind.slide(_Slide(slide, m, view, unavailable, strict, charts), m, view)
        if progress:
            progress(n / len(views), view.title)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
