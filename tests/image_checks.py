"""Checks of an exported picture: ink at the image's edges (from the PNG), and lines of text that leave the image or
overlap (their boxes measured from the SVG that kaleido lays out exactly as the PNG, with the font it names)."""

from __future__ import annotations

import io
import math
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache, lru_cache

SVG = "{http://www.w3.org/2000/svg}"


def edge_ink(png: bytes, ring: int = 2, tolerance: int = 12) -> list[str]:
    """Return the image edges (left, right, top, bottom) whose outermost `ring` pixels are not all background."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    strips = {"left": pixels[:, :ring], "right": pixels[:, -ring:], "top": pixels[:ring], "bottom": pixels[-ring:]}
    return [side for side, strip in strips.items() if np.abs(strip - 255).max() > tolerance]  # white is background


def ink_margins(png: bytes, tolerance: int = 12) -> dict[str, int]:
    """Return how many pixels of background lie between each edge of an image and its nearest ink."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    ink = np.abs(pixels - 255).max(axis=2) > tolerance
    rows, cols = np.where(ink.any(axis=1))[0], np.where(ink.any(axis=0))[0]
    if not len(rows):
        return {"left": ink.shape[1], "right": ink.shape[1], "top": ink.shape[0], "bottom": ink.shape[0]}
    return {"left": int(cols[0]), "right": int(ink.shape[1] - 1 - cols[-1]), "top": int(rows[0]),
            "bottom": int(ink.shape[0] - 1 - rows[-1])}


@cache
def _font(bold: bool, size: float):
    from PIL import ImageFont

    name = "Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"
    path = subprocess.run(["fc-match", "-f", "%{file}", name], capture_output=True, text=True).stdout
    return ImageFont.truetype(path, size=max(1, round(size)), index=2)


@dataclass(frozen=True)
class TextBox:
    """Where one line of text is drawn, in image pixels, and what it says."""

    text: str
    kind: str  # the text's class, else its nearest classed group's: ytick, xtick, ytitle, legendtext, legend…
    left: float
    top: float
    right: float
    bottom: float
    size: float = 0.0  # the font size, in pixels
    color: str = ""  # the fill, #RRGGBB ('' when the text names none)

    def overlaps(self, other: TextBox, slack: float = 1.0) -> bool:
        return (self.left < other.right - slack and other.left < self.right - slack
                and self.top < other.bottom - slack and other.top < self.bottom - slack)


def _parse_transform(text: str | None):
    """Return the 2×3 affine matrix (a, b, c, d, e, f) of an SVG transform attribute."""
    m = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", text or ""):
        v = [float(x) for x in re.split(r"[\s,]+", args.strip()) if x]
        if name == "translate":
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale":
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate":
            a = math.radians(v[0])
            cx, cy = (v[1], v[2]) if len(v) == 3 else (0.0, 0.0)
            cos, sin = math.cos(a), math.sin(a)
            step = (cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)
        elif name == "matrix":
            step = tuple(v)
        else:
            continue
        m = _compose(m, step)
    return m


def _compose(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _style(el, name: str) -> str | None:
    found = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", el.get("style", ""))
    return found.group(1).strip() if found else el.get(name)


def _length(value: str | None, size: float) -> float:
    if not value:
        return 0.0
    return float(value[:-2]) * size if value.endswith("em") else float(value.rstrip("px") or 0)


def text_boxes(svg: bytes) -> list[TextBox]:
    """Return the box of every line of visible text in a plotly SVG, measured with the font it names."""
    root = ET.fromstring(svg)
    boxes: list[TextBox] = []

    def walk(el, matrix, kind, hidden):
        matrix = _compose(matrix, _parse_transform(el.get("transform")))
        kind = (el.get("class") or "").split()[0] if el.get("class") else kind
        hidden = hidden or _style(el, "opacity") == "0" or _style(el, "display") == "none"
        if el.tag == f"{SVG}text":
            if not hidden:
                boxes.extend(_text_lines(el, matrix, kind))
            return
        if kind == "legend" and el.tag == f"{SVG}g" and not hidden:  # the legend's box, entries and all
            for rect in el.findall(f"{SVG}rect[@class='bg']"):
                w, h = float(rect.get("width", 0)), float(rect.get("height", 0))
                corners = [_apply(matrix, x, y) for x in (0, w) for y in (0, h)]
                boxes.append(TextBox("", "legend", min(c[0] for c in corners), min(c[1] for c in corners),
                                     max(c[0] for c in corners), max(c[1] for c in corners)))
            kind = "legend-entry"
        for child in el:
            walk(child, matrix, kind, hidden)

    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), "", False)
    return boxes


def _text_lines(el, matrix, kind) -> list[TextBox]:
    size = float((_style(el, "font-size") or "12px").rstrip("px"))
    bold = (_style(el, "font-weight") or "normal") in ("bold", "700", "800", "900")
    anchor = el.get("text-anchor", "start")
    x0, y0 = float(el.get("x", 0)), float(el.get("y", 0)) + _length(el.get("dy"), size)
    lines: list[tuple[str, float, float]] = []
    if el.text and el.text.strip():
        lines.append((el.text, x0, y0))
    y = y0
    for span in el.iter(f"{SVG}tspan"):
        if "line" in (span.get("class") or "").split():
            # plotly gives each line its own y and a dy counted from there (n × 1.3em); without y, dy is relative
            y = (float(span.get("y")) if span.get("y") is not None else y) + _length(span.get("dy"), size)
            text = "".join(span.itertext())
            if text.strip():
                lines.append((text, float(span.get("x", x0)), y))
        elif span.text and span.text.strip() and not lines:
            lines.append(("".join(el.itertext()), x0, y0))
            break
    out = []
    font = _font(bold, size)
    color = _hex(_style(el, "fill"))
    for text, x, y in lines:
        width = font.getlength(text)
        shift = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
        left, top, right, bottom = font.getbbox(text, anchor="ls")
        corners = [_apply(matrix, x + shift + dx, y + dy) for dx in (left, right) for dy in (top, bottom)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        out.append(TextBox(text, kind, min(xs), min(ys), max(xs), max(ys), size, color))
    return out


def _hex(fill: str | None) -> str:
    """Return an SVG fill (rgb(r, g, b) or #rrggbb) as #RRGGBB, '' for anything else."""
    if not fill:
        return ""
    found = re.fullmatch(r"rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", fill.strip())
    if found:
        return "#" + "".join(f"{int(v):02X}" for v in found.groups())
    return fill.upper() if re.fullmatch(r"#[0-9A-Fa-f]{6}", fill.strip()) else ""


@lru_cache(maxsize=2)
def rgb_pixels(png: bytes):
    """Return a PNG's pixels as an RGB array, read-only: decoded once for all the lines of text of one picture."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    pixels.flags.writeable = False
    return pixels


def ground(png: bytes, box: TextBox, margin: int = 3) -> str:
    """Return the colour a line of text is drawn on: the commonest colour of the ring just outside its box."""
    import numpy as np

    pixels = rgb_pixels(png)
    height, width = pixels.shape[:2]
    x0, y0 = max(0, int(box.left) - margin), max(0, int(box.top) - margin)
    x1, y1 = min(width - 1, int(box.right) + margin), min(height - 1, int(box.bottom) + margin)
    ring = np.concatenate([pixels[y0, x0:x1], pixels[y1, x0:x1], pixels[y0:y1, x0], pixels[y0:y1, x1]])
    values, counts = np.unique(ring.reshape(-1, 3), axis=0, return_counts=True)
    return "#" + "".join(f"{int(v):02X}" for v in values[counts.argmax()])


def occupied_share(png: bytes, box: tuple[float, float, float, float], cell: int = 48, tolerance: int = 60,
                   ink: float = 0.003) -> float:
    """Return the share of a picture's content area (left, top, right, bottom as shares of its size) that content
    occupies: the area is cut into cells of `cell` pixels (1/3 inch on a 1920-wide slide); a cell holds content when
    more than `ink` of its pixels differ from white by more than `tolerance` (text, bars, lines: not the light rules,
    grids and borders around them), and content within one cell of another is one block (the space between lines
    of text or of a chart's series is not empty)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    height, width = pixels.shape[:2]
    left, top, right, bottom = box
    area = (np.abs(pixels - 255).max(axis=2) > tolerance)[int(top * height):int(bottom * height),
                                                           int(left * width):int(right * width)]
    rows, cols = area.shape[0] // cell, area.shape[1] // cell
    cells = area[:rows * cell, :cols * cell].reshape(rows, cell, cols, cell).mean(axis=(1, 3)) > ink
    grown = cells.copy()
    grown[1:] |= cells[:-1]
    grown[:-1] |= cells[1:]
    grown[:, 1:] |= cells[:, :-1]
    grown[:, :-1] |= cells[:, 1:]
    return float(grown.mean())


def layout_faults(svg: bytes, width: int, height: int, inset: float = 1.0) -> list[str]:
    """Return what is wrong with a figure's text: lines leaving the image, and lines overlapping each other."""
    boxes = text_boxes(svg)
    faults = [f"{b.kind} «{b.text}» leaves the image ({b.left:.0f},{b.top:.0f})–({b.right:.0f},{b.bottom:.0f})"
              for b in boxes if b.kind != "legend" and
              (b.left < inset or b.top < inset or b.right > width - inset or b.bottom > height - inset)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if {a.kind, b.kind} & {"legend"} and {a.kind, b.kind} & {"legendtext", "legend-entry"}:
                continue  # the legend's own entries lie in its box
            if a.overlaps(b):
                faults.append(f"{a.kind} «{a.text}» overlaps {b.kind} «{b.text}»")
    return faults
