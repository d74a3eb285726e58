"""Exports: PNGs of the right size with real Chinese glyphs, a 16:9 PPTX with East-Asian fonts, the CLI."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys

import pytest

from lib import export
from lib.dataset import open_dataset
from lib.problems import ExportError
from tests.conftest import REPO, run_cli

NEEDS_BROWSER = os.environ.get("CI") == "true" or export.chromium_path() is not None


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def deck_bytes(tmp_path_factory):
    data = tmp_path_factory.mktemp("export") / "data"
    shutil.copytree(REPO / "data", data)
    return export.build_deck(open_dataset(data), 2021, 10, "zh")


def test_cjk_font_resolves():
    if shutil.which("fc-match") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fc-match missing: install fonts-noto-cjk (make test does)")
        pytest.skip("fontconfig is not installed")
    out = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in out, out


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_png_has_the_expected_pixel_size(sample_dir):
    charts = export.chart_set(open_dataset(sample_dir), 2021, 10, "zh")
    assert [slug for slug, _, _ in charts] == ["overview", "postal_business_volume", "postal_business_revenue",
                                               "express_volume", "express_revenue", "green"]
    png = export.figure_png(charts[3][2])
    assert png_size(png) == (1600 * 2, 900 * 2)


def test_deck_is_16_9_with_the_expected_slides(deck_bytes):
    import io

    from pptx import Presentation

    deck = Presentation(io.BytesIO(deck_bytes))
    assert (deck.slide_width, deck.slide_height) == (12191695, 6858000)  # 13.333 × 7.5 in
    texts = [" ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame) for slide in deck.slides]
    assert len(texts) == 7  # title, summary, four headline indicators, green packaging
    assert "苏州市邮政快递业2021年目标任务跟踪" in texts[0] and "进度正常 17" in texts[0]
    assert texts[2].startswith("邮政业务总量") and "434.46亿元" in texts[2]
    assert "11–12月还需月均完成2.38亿件，比去年同期月均高7.2%" in texts[4]
    assert "绿色包装" in texts[6] and "8.15万个" in texts[6]
    for text in texts:
        assert "截至2021年10月" in text and "苏州邮管〔2021〕21号" in text
    table = next(sh.table for sh in deck.slides[1].shapes if sh.has_table)
    assert len(table.rows) == 25 and table.cell(3, 0).text == "快递业务量" and table.cell(3, 1).text == "19.25亿件"


def test_every_run_has_an_east_asian_font(deck_bytes):
    import io

    from pptx import Presentation
    from pptx.oxml.ns import qn

    deck = Presentation(io.BytesIO(deck_bytes))
    runs = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        runs += 1
                        ea = run._r.find(qn("a:rPr")).find(qn("a:ea"))
                        assert ea is not None and ea.get("typeface") == export.DECK_FONT, run.text
    assert runs > 150


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_deck_slides_carry_chart_pictures(deck_bytes):
    import io

    from pptx import Presentation

    deck = Presentation(io.BytesIO(deck_bytes))
    pictures = [sh for slide in deck.slides for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 5
    assert png_size(pictures[2].image.blob)[0] >= 2000


def test_without_chromium_png_says_what_to_install_and_the_deck_still_builds(sample_dir, monkeypatch):
    monkeypatch.setattr(export, "_kaleido_started", False)
    monkeypatch.setattr(export, "chromium_path", lambda: None)
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium fonts-noto-cjk"):
        export.figure_png(export.chart_set(open_dataset(sample_dir), 2021, 10)[0][2])
    import io

    from pptx import Presentation

    deck = Presentation(io.BytesIO(export.build_deck(open_dataset(sample_dir), 2021, 10, "en")))
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "Cannot render images" in text and "Express parcel volume" in text


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_cli_export_pptx_and_png(tmp_path):
    def run(fmt, out):
        return run_cli("export", "--data-dir", REPO / "data", "--year", "2021", "--as-of", "2021-10", "--format", fmt,
                       "--out", out)

    deck = run("pptx", tmp_path / "deck.pptx")
    assert (deck.returncode, deck.stdout) == (0, f"{tmp_path / 'deck.pptx'}\n")
    assert (tmp_path / "deck.pptx").stat().st_size > 100_000
    result = run("png", tmp_path / "pngs")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "pngs").iterdir())
    assert files[0] == "01_overview.png" and len(files) == 6
    assert result.stdout.splitlines() == [str(tmp_path / "pngs" / name) for name in files]
    assert png_size((tmp_path / "pngs" / "04_express_volume.png").read_bytes()) == (3200, 1800)


def test_cli_export_bad_arguments():
    result = run_cli("export", "--year", "2021", "--as-of", "2020-10", "--format", "pptx", "--out", "/tmp/x.pptx")
    assert result.returncode == 2
    assert result.stderr == "error: 截至月份「2020-10」无效，应为 YYYY-MM (--year 2021)\n"


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_png_from_several_threads_each_gets_its_own_chart(sample_dir):
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    figs = [fig for _, _, fig in export.chart_set(open_dataset(sample_dir), 2021, 10, "zh")][:3]

    def digest(fig) -> str:
        """Return the MD5 of a small rendering of fig."""
        return hashlib.md5(export.figure_png(fig, 400, 225, 1)).hexdigest()

    alone = [digest(fig) for fig in figs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(digest, figs * 2))
    assert len(set(alone)) == 3 and together == alone * 2


def test_write_export_writes_the_deck_and_refuses_a_year_without_targets(sample_dir, tmp_path):
    assert export.write_export(sample_dir, 2021, 10, "pptx", tmp_path / "out" / "deck.pptx") == \
        [tmp_path / "out" / "deck.pptx"]
    assert (tmp_path / "out" / "deck.pptx").read_bytes()[:2] == b"PK"
    with pytest.raises(ExportError) as refused:
        export.write_export(sample_dir, 2030, 10, "pptx", tmp_path / "x.pptx")
    assert refused.value.message("zh") == f"{sample_dir / 'targets.csv'}：2030年没有目标。"
    assert not (tmp_path / "x.pptx").exists()


def test_cli_export_data_problems_exit_1_with_the_file_named(sample_dir, tmp_path):
    def run(*args):
        return run_cli("export", "--data-dir", sample_dir, "--format", "pptx", "--lang", "en", *args)

    no_year = run("--year", "2030", "--as-of", "2030-10", "--out", tmp_path / "x.pptx")
    assert (no_year.returncode, no_year.stdout) == (1, "")
    assert no_year.stderr == f"error: {sample_dir / 'targets.csv'}: No targets for 2030.\n"
    folder = tmp_path / "taken.pptx"
    folder.mkdir()  # the deck's name is taken by a folder
    unwritable = run("--year", "2021", "--as-of", "2021-10", "--out", folder)
    assert (unwritable.returncode, unwritable.stdout) == (1, "")
    assert unwritable.stderr == f"error: {folder}: cannot write: Is a directory\n"
    (sample_dir / "targets.csv").write_text("id,year\n", encoding="utf-8")
    broken = run("--year", "2021", "--as-of", "2021-10", "--out", tmp_path / "y.pptx")
    assert broken.returncode == 1
    assert broken.stderr.splitlines()[0] == "The targets file has errors; nothing can be computed:"
    assert broken.stderr.splitlines()[1].startswith("  targets.csv: missing required column(s): ")


@pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
def test_a_browser_that_cannot_start_gives_the_install_hint_quickly(tmp_path):
    # A process of its own: kaleido's browser is process-wide, and a failed start would leave this one marked hung.
    env = dict(os.environ, BROWSER_PATH="/bin/false")
    result = subprocess.run([sys.executable, "-m", "lib.cli", "export", "--data-dir", str(REPO / "data"), "--year",
                             "2021", "--as-of", "2021-10", "--format", "png", "--out", str(tmp_path), "--lang", "en"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "apt-get install chromium fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
