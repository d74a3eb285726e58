"""Every export as a reader has it in hand, rendered: the briefing and the deck through LibreOffice to PDF, the PDF
and the PNG set as they are, then read by poppler (pdftotext, pdftoppm) and measured. In both languages: no text cut
inside a word with "……", no number parted from its unit at a line break, no heading as the last line of a page,
counts without decimals, every slide at least 60 % filled, and in English no Chinese that is not quoted as the
original. (The pictures' type sizes and contrast: tests/test_export.py.)"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from lib import digest, export
from lib.briefing import monthly_briefing
from lib.dataset import open_dataset
from tests.documents import (
    chinese_outside_originals,
    counts_with_decimals,
    docx_texts,
    ellipses_in_words,
    headings_at_page_end,
    numbers_split_from_units,
    office_tools,
    page_pictures,
    pdf_pages,
    pptx_texts,
    to_pdf,
)
from tests.image_checks import occupied_share

LANGS = ["zh", "en"]
# A slide's content area: below its title band, above its footer, inside its side margins (shares of the slide).
CONTENT_AREA = (0.3 / 13.333, 1.05 / 7.5, 13.03 / 13.333, 6.8 / 7.5)
FILLED = 0.6  # the share of the content area every slide's content occupies at least
ISSUED = dt.date(2021, 11, 5)


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """Return a LibreOffice profile folder of the module's own (a second soffice running meanwhile never collides)."""
    office_tools()
    return tmp_path_factory.mktemp("soffice-profile")


def needs_chromium() -> None:
    """Fail in CI, skip elsewhere, without Chromium: the exports' pictures are drawn by it."""
    import os

    if export.chromium_path() is None:
        message = "Chromium missing: apt-get install chromium fonts-noto-cjk (make test does, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def typesetting_faults(pages: list[str]) -> dict[str, list[str]]:
    """Return what is wrong with a rendered document's text, by rule (empty lists when nothing is)."""
    return {"ellipsis inside a word": ellipses_in_words(pages),
            "number parted from its unit": numbers_split_from_units(pages),
            "heading as a page's last line": headings_at_page_end(pages),
            "count with decimals": counts_with_decimals(pages)}


@pytest.mark.parametrize("lang", LANGS)
def test_the_briefing_is_typeset_as_an_office_sets_it(sample_dir, tmp_path, profile, lang):
    from docx import Document

    needs_chromium()
    ds = open_dataset(sample_dir)
    briefing = monthly_briefing(ds, 2021, 10, lang, issued=ISSUED)
    assert briefing.charts_missing == ""
    assert briefing.filename == ("2021-10_月度通报_苏州市.docx" if lang == "zh" else
                                 "2021-10_monthly-briefing_Suzhou.docx")
    path = tmp_path / briefing.filename
    path.write_bytes(briefing.data)
    pages = pdf_pages(to_pdf(path, profile))
    assert typesetting_faults(pages) == {rule: [] for rule in typesetting_faults([])}
    text = "".join(pages)
    # the date of issue as asked, under the issuer; the four items behind in full in their attachment
    if lang == "zh":
        assert "2021年11月5日" in text.replace(" ", "") and "滞后事项清单" in text
    else:
        assert "5 Nov 2021" in text and "Work plan items behind" in text
    assert len(Document(io.BytesIO(briefing.data)).inline_shapes) == 5  # the charts
    if lang == "en":
        assert chinese_outside_originals(docx_texts(Document(io.BytesIO(briefing.data)))) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_of_the_deck_is_full_and_set_as_it_should_be(sample_dir, tmp_path, profile, lang):
    from pptx import Presentation

    needs_chromium()
    ds = open_dataset(sample_dir)
    m = export.meeting(ds, 2021, 10, lang)
    data = export.build_deck(ds, 2021, 10, lang, m=m)
    path = tmp_path / ("deck.pptx")
    path.write_bytes(data)
    pdf = to_pdf(path, profile)
    pages = pdf_pages(pdf)
    assert len(pages) == len(m.views())
    assert typesetting_faults(pages) == {rule: [] for rule in typesetting_faults([])}
    filled = {view.slug: round(occupied_share(png, CONTENT_AREA), 2)
              for view, png in zip(m.views(), page_pictures(pdf, 1920, 1080), strict=True)}
    assert {slug: share for slug, share in filled.items() if share < FILLED} == {}, filled
    if lang == "en":
        assert chinese_outside_originals(pptx_texts(Presentation(io.BytesIO(data)))) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_picture_of_the_png_set_and_page_of_the_pdf_is_full_and_set_as_it_should_be(sample_dir, tmp_path,
                                                                                          lang):
    from pypdf import PdfReader

    needs_chromium()
    office_tools()
    m = export.meeting(open_dataset(sample_dir), 2021, 10, lang)
    pngs = export.export_pngs(m, tmp_path / "png")
    filled = {path.name: round(occupied_share(path.read_bytes(), CONTENT_AREA), 2) for path in pngs}
    assert {name: share for name, share in filled.items() if share < FILLED} == {}, filled
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(export.build_pdf(m))
    pages = pdf_pages(pdf)
    assert len(pages) == len(pngs)
    faults = typesetting_faults(pages)
    faults.pop("heading as a page's last line")  # a slide is a picture: no heading runs on to the next
    faults.pop("number parted from its unit")  # (the pictures' own lines: wrap() keeps them; checked in test_views)
    assert faults == {"ellipsis inside a word": [], "count with decimals": []}
    if lang == "en":
        assert chinese_outside_originals([page.extract_text() for page in PdfReader(pdf).pages]) == []


def test_the_digest_in_english_quotes_its_chinese_as_the_original(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "build_deck", lambda *args, **kwargs: b"PK deck")  # the deck: tested above
    result = digest.run_digest(open_dataset(sample_dir), 2021, 10, tmp_path, "en", charts=False,
                               link="https://kpi.example/")
    assert chinese_outside_originals(result.summary.splitlines()) == []
    assert "「苏州邮管〔2021〕21号」" in result.summary and counts_with_decimals([result.summary]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_checks_catch_what_the_exports_did(lang):
    # What the exports looked like before (#28), rendered and read back the same way: each rule finds its fault.
    before = {"zh": ["工作要点第39项（进一步规范行政许可和备案管理工作，加强对智能快件箱经营企业、开办快递业……）\n"
                     "低于序时进度16.7\n个百分点；11—12月还需月均完成0.5家。\n"
                     "3.邮政业务收入（市场监管处牵头）：\n— 4 —",
                     "滞后，完成全年目标的74.3%"],
              "en": ["Nov–Dec: 0.5 sites needed per month, target (2,000\nperson-times)\n2. Anti-pornography\n— 5 —",
                     "workstations (Kunshan)"]}[lang]
    faults = typesetting_faults(before)
    assert all(faults[rule] for rule in faults if not (lang == "en" and rule == "ellipsis inside a word")), faults
    assert chinese_outside_originals(["Work item 35 (持续推进“扫黄打非”进基层工作)"]) != []
    # a page may end with a line that starts with a decimal (42.5%，高于目标值…): not a heading
    assert headings_at_page_end(["……\n42.5%，高于目标值（40%）2.5个百分点。\n— 3 —", "下一页"]) == []
    assert chinese_outside_originals(["Work item 35 (「持续推进“扫黄打非”进基层工作」)", "春节 (Chinese only)"]) == []
