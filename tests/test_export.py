"""Exports: every exported picture inside its edges and legible, PNGs that explain themselves, a deck and a PDF of
the presentation's views in its order, with East-Asian fonts; the CLI."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from lib import export
from lib.datafiles import DataFolderError
from lib.dataset import open_dataset
from tests.conftest import CITY, REPO, analyst, city_copy, run_cli
from tests.documents import plain
from tests.image_checks import edge_ink, ground, ink_margins, layout_faults, text_boxes

NEEDS_BROWSER = os.environ.get("CI") == "true" or export.chromium_path() is not None
browser_only = pytest.mark.skipif(not NEEDS_BROWSER, reason="no Chromium here (CI requires it)")
SLUGS = ["scorecard", "overview", "postal_business_volume", "postal_business_revenue", "express_volume",
         "express_revenue", "green", "workplan_1", "workplan_2", "workplan_3"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def deck_of(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


def slide_texts(deck) -> list[str]:
    """Return each slide's text: its text boxes, then its tables' cells."""
    texts = []
    for slide in deck.slides:
        parts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        parts += [c.text for sh in slide.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
        texts.append(plain(" ".join(parts)))
    return texts


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory):
    data = tmp_path_factory.mktemp("export") / "data"
    city_copy(data)
    return data


@pytest.fixture(scope="module")
def deck_bytes(data_copy):
    return export.build_deck(open_dataset(data_copy), 2021, 10, "zh")


@pytest.fixture(scope="module")
def exported(data_copy, tmp_path_factory):
    """Return every exported picture, both languages: (name, PNG bytes, SVG of the same layout, width, height)."""
    if not NEEDS_BROWSER:
        pytest.skip("no Chromium here (CI requires it)")
    pictures = []
    for lang in ("zh", "en"):
        m = export.meeting(open_dataset(data_copy), 2021, 10, lang)
        views = m.views()
        for path, view in zip(export.export_pngs(m, tmp_path_factory.mktemp(f"png_{lang}")), views, strict=True):
            svg = export.figure_svg(export.view_figure(m, view), lang=lang)
            pictures.append((f"{lang} {path.name}", path.read_bytes(), svg, export.PNG_WIDTH, export.PNG_HEIGHT))
        deck = deck_of(export.build_deck(m.ds, 2021, 10, lang, m=m))
        blobs = [sh.image.blob for slide in deck.slides for sh in slide.shapes if sh.shape_type == 13]
        pictured = [v for v in views if v.kind.picture is not None]
        for blob, view in zip(blobs, pictured, strict=True):
            width, height = export.deck_picture_px(view)
            assert png_size(blob) == (width * export.DECK_SCALE, height * export.DECK_SCALE)
            svg = export.figure_svg(export.deck_figure(m, view), width, height, lang=lang)
            pictures.append((f"{lang} deck picture {view.slug}", blob, svg, width, height))
    return pictures


def test_cjk_font_resolves():
    if shutil.which("fc-match") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fc-match missing: install fonts-noto-cjk (make test does)")
        pytest.skip("fontconfig is not installed")
    out = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in out, out


# --- Every exported picture: nothing cut at an edge, no text leaving it or running into other text ------------

def test_every_exported_picture_is_each_png_and_each_deck_picture_in_both_languages(exported):
    names = [name for name, *_ in exported]
    assert len(names) == 2 * (10 + 6)
    assert names[:2] == ["zh 01_scorecard.png", "zh 02_overview.png"] and "en deck picture green" in names


def test_no_ink_touches_an_edge_of_any_exported_picture(exported):
    inked = {name: sides for name, png, *_ in exported if (sides := edge_ink(png))}
    assert inked == {}


def test_no_text_leaves_or_overlaps_in_any_exported_picture(exported):
    faults = {name: found[:5] for name, _png, svg, w, h in exported if (found := layout_faults(svg, w, h))}
    assert faults == {}


def test_every_bar_of_the_overview_keeps_its_name(exported):
    # 16 targets have a completion rate; plotly thins crowded category labels out unless every one is asked for.
    for name, _png, svg, *_ in exported:
        if "overview" in name:
            names = [b for b in text_boxes(svg) if re.fullmatch(r"y\d*tick", b.kind)]
            assert len({(round(b.top), b.text) for b in names if not b.text.endswith("%")}) >= 16, name


def test_every_text_of_every_exported_picture_is_legible_on_a_1920_screen(exported):
    # Pictures are laid out in the pixels of a 1920-wide slide (the deck's at its pixels per inch): every line of text
    # at least 14 px, and at least 4.5:1 against what it is drawn on (WCAG AA), measured on the rendered pixels.
    from PIL import Image

    from lib.theme import contrast

    small, faint = {}, {}
    for name, png, svg, width, _height in exported:
        scale = Image.open(io.BytesIO(png)).size[0] / width
        for box in (b for b in text_boxes(svg) if b.text.strip()):
            if box.size < 14:
                small.setdefault(name, []).append((box.text, box.size))
            scaled = dataclasses.replace(box, left=box.left * scale, top=box.top * scale, right=box.right * scale,
                                         bottom=box.bottom * scale)
            behind = ground(png, scaled)
            if box.color and contrast(box.color, behind) < 4.5:
                faint.setdefault(name, []).append((box.text, box.color, behind, round(contrast(box.color, behind), 2)))
    assert small == {} and faint == {}


def test_every_exported_picture_keeps_a_white_margin_all_round(exported):
    # The rotated unit title of the indicator charts was drawn 5 px from the left edge: the margin is 28 px.
    for name, png, *_ in exported:
        assert min(ink_margins(png).values()) >= 14, (name, ink_margins(png))


def test_png_type_is_readable_from_the_back_of_a_room(exported):
    for name, _png, svg, *_ in exported:
        if name.endswith(".png"):
            sizes = [float(m) for m in re.findall(rb'class="[xy]\d*tick"><text[^>]*font-size: ([\d.]+)px', svg)]
            assert not sizes or min(sizes) >= 18, name


def test_the_checks_catch_a_chart_cut_at_its_edge():
    # The fault the exports had: labels wider than a 10 px margin, the axes not making room for them.
    if not NEEDS_BROWSER:
        pytest.skip("no Chromium here")
    fig = go.Figure(go.Bar(x=[1, 2], y=["快递业务收入", "邮政业务总量"], orientation="h"))
    fig.update_layout(margin=dict(l=10, r=10, t=10, b=10), yaxis=dict(automargin=False, title_text="亿件"))
    png, svg = export.figure_png(fig, 400, 300, 1), export.figure_svg(fig, 400, 300)
    assert "left" in edge_ink(png)  # (the x ticks, with no room either, may touch the bottom too)
    assert any("«快递业务收入» leaves the image" in f for f in layout_faults(svg, 400, 300))


# --- PNGs that explain themselves ------------------------------------------------------------------------------

@browser_only
def test_png_is_a_1920_by_1080_slide_with_title_month_target_status_and_source(data_copy):
    m = export.meeting(open_dataset(data_copy), 2021, 10, "zh")
    view = next(v for v in m.views() if v.slug == "express_volume")
    fig = export.view_figure(m, view)
    assert png_size(export.view_png(m, view)) == (1920, 1080)
    texts = " ".join(b.text for b in text_boxes(export.figure_svg(fig)))
    for words in ("快递业务量", "截至2021年10月", "目标：≥24亿件", "进度正常（完成率 80.2% · 序时进度 78.8%",
                  "11–12月还需月均完成2.38亿件",
                  "数据：示例数据（随仓库附带的模拟数据）；目标依据：苏州邮管〔2021〕21号"):
        assert words in texts, words
    assert "data/actuals" not in texts


def test_source_line_names_the_last_submission_never_a_folder(sample_dir):
    from lib.sources import source_line
    from lib.store import import_file

    assert source_line(open_dataset(sample_dir), 2021, "zh") == \
        "数据：示例数据（随仓库附带的模拟数据）；目标依据：苏州邮管〔2021〕21号"
    data = "月份,指标名称,数值,单位\n2021年11月,快递绿色网点,29,个\n".encode()
    assert import_file(sample_dir, "十一月.csv", data, by=analyst("zhang")).submission_id == "000001"
    line = source_line(open_dataset(sample_dir), 2021, "en")
    assert re.fullmatch(r"Data: submission 000001 \(\d{4}-\d\d-\d\d, zhang\); targets: plan "
                        r"「苏州邮管〔2021〕21号」", line)  # the 文号 quoted as the original
    assert source_line(open_dataset(sample_dir), 2022, "zh").startswith("数据：提交编号 000001（")  # no plan known


# --- The deck: the presentation's views, in order ------------------------------------------------------------

def test_deck_has_one_slide_per_view_in_the_presentation_order(deck_bytes, data_copy):
    deck = deck_of(deck_bytes)
    assert (deck.slide_width, deck.slide_height) == (12191695, 6858000)  # 13.333 × 7.5 in
    texts = slide_texts(deck)
    views = export.meeting(open_dataset(data_copy), 2021, 10, "zh").views()
    assert [v.slug for v in views] == SLUGS and len(texts) == len(views)
    for text, view in zip(texts, views, strict=True):
        assert text.startswith(view.title), (text[:40], view.title)
        assert "2021年10月" in text and "苏州邮管〔2021〕21号" in text and "data/actuals" not in text
    text = dict(zip(SLUGS, texts, strict=True))
    scorecard = text["scorecard"]
    assert "苏州市邮政快递业2021年目标任务跟踪" in scorecard and "进度正常 17 · 需关注 3 · 滞后 4" in scorecard
    assert "434.46亿元" in scorecard and "19.25亿件" in scorecard
    assert "11–12月还需月均完成2.38亿件，比去年同期月均高7.2%" in text["express_volume"]
    assert "绿色包装" in text["green"] and "8.15万个" in text["green"]


def test_the_work_plan_is_in_the_deck_department_by_department_every_item_whole(deck_bytes):
    deck = deck_of(deck_bytes)
    plan_slides = [slide for slide, slug in zip(deck.slides, SLUGS, strict=True) if slug.startswith("workplan")]
    tables = [sh.table for slide in plan_slides for sh in slide.shapes if sh.has_table]
    rows = [[plain(c.text) for c in row.cells] for table in tables for row in list(table.rows)[1:]]
    # Worked from data/tasks.csv and the sample's progress: 市场监管处 leads 2 items behind (39, 43) and 3 not started,
    # 办公室 1 behind (58) and 4 not started, 普遍服务处 1 behind (35) and 1 not started; each department's line
    # counts all its items (in progress and done as well), its items follow, behind first.
    groups = [r[0] for r in rows if r[0].split("：")[0] in ("市场监管处", "办公室", "普遍服务处")]
    assert groups == ["市场监管处：滞后 2 · 未启动 3 · 推进中 24 · 已完成 14",
                      "办公室：滞后 1 · 未启动 4 · 推进中 18 · 已完成 8",
                      "普遍服务处：滞后 1 · 未启动 1 · 推进中 13 · 已完成 6"]
    items = [r for r in rows if r[0] not in groups]
    assert [r[0] for r in items] == (["✕ 滞后"] * 2 + ["○ 未启动"] * 3 + ["✕ 滞后"] + ["○ 未启动"] * 4
                                     + ["✕ 滞后", "○ 未启动"])
    item_35 = next(r for r in items if r[1] == "工作要点 35")
    assert item_35[2:] == ["持续推进“扫黄打非”进基层工作。深入推进全市邮政业“扫黄打非”基层站点建设工作，市区建成3家"
                           "主要品牌快递企业“扫黄打非”工作站，各县（市）分别建成1家主要品牌快递企业“扫黄打非”工作站，城区"
                           "普遍服务网点“扫黄打非”工作点建设覆盖率达40%以上。",
                           "昆山市主要品牌快递企业工作站尚未挂牌，已约谈企业"]
    for slide in plan_slides:  # rows as tall as their text, each table above the slide's footer
        table = next(sh for sh in slide.shapes if sh.has_table)
        assert table.top + sum(r.height for r in table.table.rows) < 6.85 * 914400


def test_every_run_has_an_east_asian_font(deck_bytes):
    from pptx.oxml.ns import qn

    runs = 0
    for slide in deck_of(deck_bytes).slides:
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
                        assert run.font.size.pt >= 11, run.text
    assert runs > 150


@browser_only
def test_deck_pictures_are_the_chart_views(deck_bytes):
    pictures = [sh for slide in deck_of(deck_bytes).slides for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 6  # overview, four headline indicators, green packaging
    assert png_size(pictures[1].image.blob) == (1282 * 2, 821 * 2)  # 8.9 × 5.7 in at 144 px/in, twice over


def test_without_chromium_png_says_what_to_install_and_the_deck_still_builds(sample_dir, monkeypatch):
    monkeypatch.setattr(export.render, "_kaleido_started", False)
    monkeypatch.setattr(export.render, "chromium_path", lambda: None)
    m = export.meeting(open_dataset(sample_dir), 2021, 10)
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium fonts-noto-cjk"):
        export.view_png(m, m.view("overview"))
    deck = deck_of(export.build_deck(open_dataset(sample_dir), 2021, 10, "en"))
    text = " ".join(slide_texts(deck))
    assert "Cannot render images" in text and "Express parcel volume" in text


# --- The PDF and the CLI -----------------------------------------------------------------------------------------

@browser_only
def test_cli_export_png_pptx_and_pdf_of_the_same_views(tmp_path):
    from pypdf import PdfReader

    def run(fmt, out, lang="zh"):
        return run_cli("export", "--data-dir", CITY, "--year", "2021", "--as-of", "2021-10", "--format", fmt,
                       "--out", out, "--lang", lang)

    deck = run("pptx", tmp_path / "deck.pptx")
    assert (deck.returncode, deck.stdout) == (0, f"{tmp_path / 'deck.pptx'}\n")
    assert len(deck_of((tmp_path / "deck.pptx").read_bytes()).slides) == 10
    result = run("png", tmp_path / "pngs")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "pngs").iterdir())
    assert files == [f"{i:02d}_{slug}.png" for i, slug in enumerate(SLUGS, start=1)]
    assert result.stdout.splitlines() == [str(tmp_path / "pngs" / name) for name in files]
    assert png_size((tmp_path / "pngs" / "05_express_volume.png").read_bytes()) == (1920, 1080)
    pdf = run("pdf", tmp_path / "deck.pdf", "en")
    assert (pdf.returncode, pdf.stdout) == (0, f"{tmp_path / 'deck.pdf'}\n")
    reader = PdfReader(tmp_path / "deck.pdf")
    first_page = reader.pages[SLUGS.index("scorecard")]
    assert len(reader.pages) == 10 and float(first_page.mediabox.width) / float(first_page.mediabox.height) \
        == pytest.approx(16 / 9)
    first = first_page.extract_text()
    assert "Headline targets at a glance" in first and "As of Oct 2021" in first  # text, not pictures of text
    assert "Data: sample data" in first and "¥43.45 bn" in first
    # the items' Chinese, as written (目, 黄: not look-alike radicals)
    plan_page = reader.pages[SLUGS.index("workplan_1")].extract_text()
    assert "Work plan progress (1 of 3)" in plan_page
    assert "扫黄打非" in reader.pages[SLUGS.index("workplan_3")].extract_text().replace(" ", "")


def test_cli_export_bad_arguments():
    result = run_cli("export", "--year", "2021", "--as-of", "2020-10", "--format", "pptx", "--out", "/tmp/x.pptx")
    assert result.returncode == 2
    assert result.stderr == "error: 截至月份「2020-10」无效，应为 YYYY-MM (--year 2021)\n"


@browser_only
def test_png_from_several_threads_each_gets_its_own_chart(sample_dir):
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    m = export.meeting(open_dataset(sample_dir), 2021, 10, "zh")
    figs = [export.view_chart(m, m.view(slug))  # the overview and two indicators
            for slug in ("overview", "postal_business_volume", "postal_business_revenue")]

    def digest(fig) -> str:
        """Return the MD5 of a small rendering of fig."""
        return hashlib.md5(export.figure_png(fig, 480, 270, 1)).hexdigest()

    alone = [digest(fig) for fig in figs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(digest, figs * 2))
    assert len(set(alone)) == 3 and together == alone * 2


def test_write_export_writes_the_deck_and_refuses_a_year_without_targets(sample_dir, tmp_path):
    assert export.write_export(sample_dir, 2021, 10, "pptx", tmp_path / "out" / "deck.pptx") == \
        [tmp_path / "out" / "deck.pptx"]
    assert (tmp_path / "out" / "deck.pptx").read_bytes()[:2] == b"PK"
    with pytest.raises(DataFolderError) as refused:
        export.write_export(sample_dir, 2030, 10, "pptx", tmp_path / "x.pptx")
    assert refused.value.problems[0].message("zh") == \
        "targets.csv：没有2030年的目标（有目标的年份：2021）：换一个年份，或发布2030年的计划"
    assert not (tmp_path / "x.pptx").exists()


def test_cli_export_data_problems_exit_non_zero_with_the_file_named(sample_dir, tmp_path):
    def run(*args):
        return run_cli("export", "--data-dir", sample_dir, "--format", "pptx", "--lang", "en", *args)

    no_year = run("--year", "2030", "--as-of", "2030-10", "--out", tmp_path / "x.pptx")
    assert (no_year.returncode, no_year.stdout) == (4, "")  # the data folder's code (issue 24)
    assert no_year.stderr == ("The data folder has problems; nothing can be computed:\n  targets.csv: no targets for "
                              "2030 (years with targets: 2021): choose another year, or publish 2030's plan\n")
    folder = tmp_path / "taken.pptx"
    folder.mkdir()  # the deck's name is taken by a folder
    unwritable = run("--year", "2021", "--as-of", "2021-10", "--out", folder)
    assert (unwritable.returncode, unwritable.stdout) == (1, "")
    assert unwritable.stderr == f"error: {folder}: cannot write: Is a directory\n"
    (sample_dir / "targets.csv").write_text("id,year\n", encoding="utf-8")
    broken = run("--year", "2021", "--as-of", "2021-10", "--out", tmp_path / "y.pptx")
    assert broken.returncode == 4
    assert broken.stderr.splitlines()[0] == "The data folder has problems; nothing can be computed:"
    assert broken.stderr.splitlines()[1].startswith("  targets.csv: has a header and no rows: ")


@browser_only
@pytest.mark.parametrize("fmt", ["png", "pptx", "pdf", "docx"])
def test_a_browser_that_cannot_start_gives_the_install_hint_quickly(tmp_path, fmt):
    # A process of its own: kaleido's browser is process-wide, and a failed start would leave this one marked hung.
    # Every format fails whole (#28): no deck or briefing whose pictures are replaced by their reason, exit 1.
    env = dict(os.environ, BROWSER_PATH="/bin/false")
    out = tmp_path / "pictures" if fmt == "png" else tmp_path / f"export.{fmt}"
    result = subprocess.run([sys.executable, "-m", "lib.cli", "export", "--data-dir", str(CITY), "--year",
                             "2021", "--as-of", "2021-10", "--format", fmt, "--out", str(out), "--lang", "en"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and result.stdout == ""
    assert "apt-get install chromium fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    if fmt == "docx":
        assert "add --no-charts" in result.stderr
    assert not out.exists() or (out.is_dir() and not any(out.iterdir()))


@browser_only
def test_a_digest_whose_charts_cannot_be_drawn_writes_its_files_and_exits_1(tmp_path):
    env = dict(os.environ, BROWSER_PATH="/bin/false")
    data = city_copy(tmp_path / "d", sample_in_place=True)
    result = subprocess.run([sys.executable, "-m", "lib.cli", "digest", "--data-dir", str(data),
                             "--year", "2021", "--as-of", "2021-10", "--out", str(tmp_path / "out"), "--secrets",
                             str(tmp_path / "none.toml")], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "文件已写入，但通报和汇报未附图表" in result.stderr and "--no-charts" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "2021-10").iterdir()) == [
        "2021-10_摘要_苏州市.md", "2021-10_月度通报_苏州市.docx", "2021-10_汇报_苏州市.pptx"]


def test_views_put_the_work_plan_by_department_on_views_that_fit(data_copy):
    from lib.views import presentation_views
    from lib.views.workplan import WORKPLAN_LINES_PER_VIEW, item_lines

    m = export.meeting(open_dataset(data_copy), 2021, 10, "zh")
    plan_views = [v for v in presentation_views(m.scores, "zh", m.tracker) if v.shows == "workplan"]
    assert [v.title for v in plan_views] == [f"工作要点推进情况（{n}/3）" for n in (1, 2, 3)]
    keys = [k for v in plan_views for k in v.items]
    # the department with most items behind first (市场监管处: 39, 43), then 办公室 (58), then 普遍服务处 (35)
    assert [k for k in keys if m.tracker.set_index("key").at[k, "status"] == "behind"] == [
        "work_item:39", "work_item:43", "work_item:58", "work_item:35"] and len(keys) == 12
    text = m.tracker.set_index("key")["text"]
    lead = m.tracker.set_index("key")["lead_departments"].str.split("、").str[0]
    for view in plan_views:  # each view's items and its departments' lines fit; the views about as full
        assert sum(item_lines(text[k]) for k in view.items) + lead[list(view.items)].nunique() \
            <= WORKPLAN_LINES_PER_VIEW


def test_the_export_helpers_own_error_reports_never_reach_stderr():
    # What was seen: an export that had succeeded (exit 0) ended with choreographer's JSONError traceback, logged by
    # the helper (and by asyncio for the helper's event loop) when the browser's pipe closed mid-message at exit.
    code = """
import logging
from choreographer.channels._errors import JSONError
from lib.export import render
render.quiet_helper_logs()
try:
    raise JSONError("the pipe closed mid-message")
except JSONError as error:
    logging.getLogger("choreographer._brokers._async").error("Error in run_read_loop.", exc_info=error)
    logging.getLogger("asyncio").error("Exception in callback", exc_info=error)
try:
    raise ValueError("an error of the app's own")
except ValueError as error:
    logging.getLogger("asyncio").error("Exception in callback", exc_info=error)
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "JSONError" not in result.stderr and "ValueError: an error of the app's own" in result.stderr


@browser_only
def test_an_export_that_succeeds_says_nothing_on_stderr(sample_dir, tmp_path):
    for fmt, out in (("pdf", tmp_path / "deck.pdf"), ("docx", tmp_path / "brief.docx")):
        result = subprocess.run([sys.executable, "-m", "lib.cli", "export", "--data-dir", str(sample_dir), "--year",
                                 "2021", "--as-of", "2021-10", "--format", fmt, "--out", str(out)],
                                cwd=REPO, capture_output=True, text=True, timeout=300)
        assert (result.returncode, result.stdout, result.stderr) == (0, f"{out}\n", ""), fmt


def test_a_browser_profile_left_at_exit_is_removed_quietly_and_other_folders_kept(tmp_path):
    """What kaleido's browser helper leaves to Python's exit (a TemporaryDirectory holding the profile's Default/) is
    removed at our exit hook, its own cleanup detached (it raised 'Directory not empty' while Chromium still wrote);
    a temporary folder that is no browser profile is not touched."""
    import tempfile

    from lib.export import render

    profile, other = tempfile.TemporaryDirectory(dir=tmp_path), tempfile.TemporaryDirectory(dir=tmp_path)
    (Path(profile.name) / "Default" / "Cache").mkdir(parents=True)
    (Path(profile.name) / "Default" / "Cache" / "data_0").write_bytes(b"x")
    render.remove_browser_profiles(wait_s=0)
    assert not Path(profile.name).exists() and not profile._finalizer.alive
    assert Path(other.name).is_dir() and other._finalizer.alive
    other.cleanup()
