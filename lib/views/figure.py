"""How a view becomes one figure of a slide's pixels (a PNG, a PDF page, a deck's picture): type for the back of a
room, the title and subtitle above, the legend and the source line below, and text and boxes placed in pixels for
the views that are not a chart."""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go

from lib import theme
from lib.charts import FONT_FAMILY, plotly_text
from lib.fmt import display_width
from lib.views.base import Header

# A PNG is a whole 16:9 slide as a projector shows it.
PNG_WIDTH, PNG_HEIGHT = 1920, 1080
# Type sizes in pixels of a 1920-wide slide, read from the back of a meeting room (tick labels at least 18 px).
TYPE_PX, NOTE_PX, SOURCE_PX = theme.TYPE_PX, theme.NOTE_PX, theme.SOURCE_PX
SUBTITLE_PX, TITLE_PX = theme.SUBTITLE_PX, theme.TITLE_PX
PAD_PX = 28  # the white edge kept free all round
LABEL_SHARE = 0.42  # the most of a bar chart's width its target names may take before they break


def text_px(text: str, size: float) -> float:
    """Return about how wide a line of text is drawn (a Chinese character a full em, a Latin letter ~0.56 em)."""
    return display_width(text) * size * 0.56


# A Latin word or number stays whole; every other character may end a line.
_TOKENS = re.compile(r"[¥$A-Za-z0-9.,%+\-–/:'’()]+ ?| +|.")
_NO_LINE_START = set("，。、；：）》”’」』〕】!?,.;:)%")


def wrap(text: str, width_px: float, size: float) -> list[str]:
    """Return text broken into lines no wider than width_px at a type size (Chinese between any characters,
    Latin between words), a closing punctuation mark kept on the line it closes."""
    lines, line = [], ""
    for token in _TOKENS.findall(str(text)):
        if line and text_px((line + token).rstrip(), size) > width_px and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def label_width(width: int) -> int:
    """Return how many Latin letters a bar chart's target names may take in a figure width pixels wide."""
    return int(LABEL_SHARE * width / (0.56 * TYPE_PX))


def _legend_rows(names: list[str], width: float) -> int:
    """Return how many rows a horizontal legend of these entries takes in a given width."""
    rows, used = 1, 0.0
    for name in names:
        item = 50 + text_px(name, TYPE_PX)
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


class Frame:
    """The bands of a figure, in pixels: header (title and subtitle) above, legend and source line below."""

    def __init__(self, width: int, header: Header | None, legend: list[str], under_plot: float):
        head = TITLE_PX * 1.3 + len(header.subtitle) * SUBTITLE_PX * 1.45 + 14 if header else 0.0
        source_h = SOURCE_PX * 1.6 if header else 0.0
        legend_h = _legend_rows(legend, width - 2 * PAD_PX) * TYPE_PX * 1.6 + 6 if legend else 0.0
        self.top = PAD_PX + head
        self.bottom = PAD_PX + source_h + legend_h + under_plot
        self.source_y = PAD_PX  # the source line's bottom edge above the figure's bottom
        self.legend_y = PAD_PX + source_h  # the legend's bottom edge above the figure's bottom


def header_and_source(fig: go.Figure, width: int, height: int, header: Header | None) -> None:
    """Put the title and subtitle top left and the source line bottom left, both placed on the whole figure."""
    if header is None:
        return
    fig.update_layout(title=dict(
        text=f"<b>{plotly_text(header.title)}</b>", x=PAD_PX / width, xref="container", xanchor="left",
        y=1 - PAD_PX / height, yref="container", yanchor="top", automargin=False,
        font=dict(size=TITLE_PX, color=theme.PLAN_BLUE),
        subtitle=dict(text="<br>".join(plotly_text(line) for line in header.subtitle),
                      font=dict(size=SUBTITLE_PX, color=theme.INK_SOFT))))
    # A second legend holds the source line as its title: only legends and the title can be placed on the
    # whole figure rather than on the plot area, whose edges move as the axes make room for their labels.
    fig.add_scatter(x=[None], y=[None], mode="lines", line=dict(width=0), name="", legend="legend2",
                    showlegend=True, hoverinfo="skip")
    fig.update_layout(legend2=dict(
        orientation="h", xref="container", yref="container", x=PAD_PX / width, xanchor="left",
        y=PAD_PX / height, yanchor="bottom", itemwidth=30, font=dict(size=2),
        title=dict(text=plotly_text(header.source), side="left", font=dict(size=SOURCE_PX, color=theme.SOURCE))))


def left_labels_px(fig: go.Figure, size: float = TYPE_PX) -> float:
    """Return about how wide the left axes' tick labels are drawn: the widest line of a category axis's names, or the
    widest number of a value axis (its largest value with thousands separators, at most two decimals)."""
    widest = 0.0
    for axis in fig.select_yaxes():
        if axis.side == "right" or axis.overlaying:
            continue
        if axis.categoryarray is not None:
            lines = [line for name in axis.categoryarray for line in str(name).split("<br>")]
            widest = max([widest, *(text_px(html.unescape(line), size) for line in lines)])
        else:
            ref = axis.plotly_name.replace("axis", "")
            values = [abs(v) for trace in fig.data if (trace.yaxis or "y") == ref and trace.y is not None
                      for v in trace.y if isinstance(v, int | float) and v == v]
            top = max(values, default=0.0)
            widest = max(widest, text_px(f"{top:,.0f}" if top >= 10 else f"{top:.1f}", size) + size * 0.6)
    return widest


def chart_figure(fig: go.Figure, width: int, height: int, header: Header | None) -> go.Figure:
    """Return a copy of an app chart laid out for a slide: type for the back of a room, the legend under the plot,
    and (for a picture that stands alone) its title, as-of month, status and source line."""
    fig = go.Figure(fig)
    names = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]
    titled_x = any(axis.title.text for axis in fig.select_xaxes())
    frame = Frame(width, header, names, TYPE_PX * (3.4 if titled_x else 1.8) + 8)
    # The left margin holds the axis's labels and the white edge besides: automargin alone fits the labels inside the
    # figure, against its edge (5 to 12 px from it), not inside the margin.
    left = PAD_PX + round(left_labels_px(fig) + TYPE_PX * 0.5)
    fig.update_layout(
        width=width, height=height, font=dict(family=FONT_FAMILY, size=TYPE_PX), showlegend=True,
        margin=dict(l=left, r=PAD_PX, t=round(frame.top + 1.6 * TYPE_PX), b=round(frame.bottom)),
        legend=dict(orientation="h", xref="container", yref="container", x=PAD_PX / width, xanchor="left",
                    y=frame.legend_y / height, yanchor="bottom", font=dict(size=TYPE_PX)))
    fig.update_xaxes(tickfont_size=TYPE_PX, title_font_size=TYPE_PX, automargin=True)
    fig.update_yaxes(tickfont_size=TYPE_PX, title_font_size=TYPE_PX, automargin=True)
    # Every bar keeps its name: plotly thins crowded category labels out, leaving bars without one.
    fig.update_yaxes(dtick=1, selector=lambda axis: axis.categoryarray is not None)
    fig.update_annotations(font_size=TYPE_PX)
    fig.update_traces(textfont_size=TYPE_PX, selector=dict(mode="text"))
    header_and_source(fig, width, height, header)
    return fig


class Canvas:
    """A blank figure (no axes) whose body lies between the header and the source line, and text and boxes placed
    on it in pixels from the body's top left."""

    def __init__(self, width: int, height: int, header: Header | None):
        frame = Frame(width, header, [], 16)
        self.fig = go.Figure()
        self.fig.update_layout(template="suzhou", width=width, height=height,
                               font=dict(family=FONT_FAMILY, size=TYPE_PX),
                               margin=dict(l=PAD_PX, r=PAD_PX, t=round(frame.top + 16), b=round(frame.bottom),
                                           autoexpand=False),
                               xaxis=dict(visible=False), yaxis=dict(visible=False), showlegend=True)
        self.width, self.height, self.header = width, height, header
        self.w = width - self.fig.layout.margin.l - self.fig.layout.margin.r
        self.h = height - self.fig.layout.margin.t - self.fig.layout.margin.b

    def text(self, lines: list[str], x: float, y: float, size: float, color: str = theme.INK,
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

    def finish(self) -> go.Figure:
        """Return the figure with its title, subtitle and source line (when it stands alone)."""
        header_and_source(self.fig, self.width, self.height, self.header)
        return self.fig
