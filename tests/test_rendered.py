"""Pictures already drawn are read back, not drawn again (lib/export/rendered.py): only the same figure, format,
size and scale from the same renderer; never when caching is off or no browser is there."""

from __future__ import annotations

import os

import plotly.graph_objects as go
import pytest

from lib import diskcache, export
from lib.export import render, rendered

NEEDS_BROWSER = os.environ.get("CI") == "true" or export.chromium_path() is not None


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Return the list of pictures the (stand-in) browser was asked to draw: each render's format, size and scale
    and the figure's title. The picture it returns names them, so a picture read back can be told apart."""
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path / "cache"))
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    monkeypatch.setattr(render, "chromium_path", lambda: str(browser))
    monkeypatch.setattr(render, "_start_kaleido", lambda lang: None)
    monkeypatch.setattr(rendered, "_font_files", lambda: [])
    rendered.renderer_digest.cache_clear()
    asked = []

    def to_image(fig, format, width, height, scale):
        asked.append((format, width, height, scale, fig.layout.title.text))
        return f"{format} {width}x{height}@{scale} {fig.layout.title.text} #{len(asked)}".encode()

    monkeypatch.setattr(go.Figure, "to_image", to_image)
    yield asked
    rendered.renderer_digest.cache_clear()


def chart(title: str = "快递业务量") -> go.Figure:
    return go.Figure(go.Bar(x=["1月", "2月"], y=[1.5, 2.0]), layout={"title": {"text": title}})


def test_the_same_figure_at_the_same_size_is_drawn_once_and_read_back(drawn):
    first = render.figure_png(chart(), 800, 450, 2)
    again = render.figure_png(chart(), 800, 450, 2)
    assert first == again == "png 800x450@2 快递业务量 #1".encode()
    assert drawn == [("png", 800, 450, 2, "快递业务量")]


@pytest.mark.parametrize("other", [
    lambda: render.figure_png(chart(), 800, 451, 2),      # another height
    lambda: render.figure_png(chart(), 800, 450, 1),      # another scale
    lambda: render.figure_svg(chart(), 800, 450),         # another format
    lambda: render.figure_png(chart("快递业务收入"), 800, 450, 2),  # another text in the figure
])
def test_another_size_scale_format_or_figure_is_drawn(drawn, other):
    render.figure_png(chart(), 800, 450, 2)
    picture = other()
    assert len(drawn) == 2 and picture.endswith(b"#2")


def test_another_browser_build_or_another_font_draws_again(drawn, tmp_path, monkeypatch):
    render.figure_png(chart(), 800, 450, 2)
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n# upgraded\n")  # a package upgrade: another size and time
    rendered.renderer_digest.cache_clear()
    assert render.figure_png(chart(), 800, 450, 2).endswith(b"#2")
    font = tmp_path / "NotoSansCJK-Regular.ttc"
    font.write_bytes(b"font")
    monkeypatch.setattr(rendered, "_font_files", lambda: [str(font)])  # a font installed since
    rendered.renderer_digest.cache_clear()
    assert render.figure_png(chart(), 800, 450, 2).endswith(b"#3")
    assert render.figure_png(chart(), 800, 450, 2).endswith(b"#3")
    assert len(drawn) == 3


def test_with_caching_off_every_picture_is_drawn(drawn, monkeypatch):
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    render.figure_png(chart(), 800, 450, 2)
    render.figure_png(chart(), 800, 450, 2)
    assert len(drawn) == 2


def test_without_a_browser_a_kept_picture_is_not_handed_out(drawn, monkeypatch):
    """No browser means exports are unavailable, as before: the message says what to install."""
    render.figure_png(chart(), 800, 450, 2)
    monkeypatch.setattr(render, "chromium_path", lambda: None)
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium fonts-noto-cjk"):
        render.figure_png(chart(), 800, 450, 2)


def test_a_torn_entry_is_drawn_again_and_replaced(drawn, tmp_path):
    render.figure_png(chart(), 800, 450, 2)
    [entry] = (tmp_path / "cache" / "rendered").iterdir()
    entry.write_bytes(entry.read_bytes()[:10])
    assert render.figure_png(chart(), 800, 450, 2).endswith(b"#2")
    assert render.figure_png(chart(), 800, 450, 2).endswith(b"#2")


def kept_sizes(folder) -> dict[str, object]:
    """Return the kept pictures by the size their stand-in names ("800x101@1")."""
    return {diskcache.read(path).split()[1].decode(): path for path in folder.iterdir()}


def test_the_newest_pictures_are_kept_and_a_picture_read_counts_as_new(drawn, tmp_path, monkeypatch):
    monkeypatch.setattr(rendered, "KEEP_ENTRIES", 3)
    folder = tmp_path / "cache" / "rendered"
    for height in (101, 102, 103):
        render.figure_png(chart(), 800, height, 1)
    for age, size in enumerate(["800x101@1", "800x102@1", "800x103@1"], start=1):
        os.utime(kept_sizes(folder)[size], (age * 1000, age * 1000))  # drawn in that order, long ago
    render.figure_png(chart(), 800, 101, 1)  # read back: the newest now
    render.figure_png(chart(), 800, 104, 1)  # a fourth picture: the oldest, 102, goes
    assert sorted(kept_sizes(folder)) == ["800x101@1", "800x103@1", "800x104@1"]
    render.figure_png(chart(), 800, 102, 1)
    assert [height for _fmt, _width, height, _scale, _title in drawn] == [101, 102, 103, 104, 102]


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_a_picture_read_back_is_the_picture_chromium_draws(tmp_path, monkeypatch):
    """With the real renderer: the kept picture is byte for byte what drawing the figure again gives."""
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path / "cache"))
    figure = chart("可循环快递箱（盒）")
    first = render.figure_png(figure, 480, 270, 1)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and len(list((tmp_path / "cache" / "rendered").iterdir())) == 1
    assert render.figure_png(figure, 480, 270, 1) == first
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    assert render.figure_png(figure, 480, 270, 1) == first
