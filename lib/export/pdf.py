"""The presentation as one PDF: each view's picture rendered by kaleido as a vector page and joined by pypdf, its
text selectable and searchable (radicals Chromium substitutes mapped back to the ideographs they stand for)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable

from lib.export.render import figure_pdf
from lib.fmt import format_period
from lib.plans import plan_for
from lib.views import Meeting, view_figure

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
