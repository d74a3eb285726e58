"""Hostile input: markup shows as text, formulas are neutralised, names cannot escape, guesses are throttled."""

from __future__ import annotations

import io
import tomllib

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import store, templates
from lib.auth import Throttle
from lib.catalog import load_catalog
from lib.safety import neutralise_cell, neutralise_frame
from tests.conftest import REPO, analyst
from tests.test_app import APP, HEADER

EVIL = "<script>window.__xss=1</script><img src=x onerror=alert(1)>**粗体**[link](javascript:alert(1))"


def test_markup_in_names_and_notes_is_shown_as_text(monkeypatch, sample_dir):
    path = sample_dir / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",快递业务量,", f",{EVIL.replace(',', ' ')},", 1),
                    encoding="utf-8")
    (sample_dir / "actuals" / "zz.csv").write_text(HEADER + f"2021-10,green_outlets,26,,,,\"{EVIL}\"\n",
                                                   encoding="utf-8")
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    for element in at.markdown:
        assert not element.proto.allow_html
    card_titles = [m.value for m in at.markdown if "script" in m.value]
    assert card_titles and all("\\<script\\>" in v for v in card_titles)


@pytest.mark.parametrize("cell, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("快递业务量", "快递业务量"), (12.5, 12.5),
])
def test_formula_cells_are_neutralised(cell, expected):
    assert neutralise_cell(cell) == expected


def test_exported_templates_carry_no_formulas(sample_dir):
    path = sample_dir / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",快递业务量,", ",=1+2,", 1), encoding="utf-8")
    catalog = load_catalog(sample_dir)
    frame = templates.long_template(catalog, "2021-11")
    assert "'=1+2" in templates.to_csv(frame).decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(templates.to_xlsx(frame, catalog)))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=1+2" in cells and not any(v.startswith("=") for v in cells)


def test_neutralise_frame_covers_headers_and_text_columns():
    frame = neutralise_frame(pd.DataFrame({"=bad": ["=cmd|' /C calc'!A0", "ok"], "n": [1, -2]}))
    assert list(frame.columns) == ["'=bad", "n"]
    assert frame["'=bad"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert frame["n"].tolist() == [1, -2]


@pytest.mark.parametrize("name", ["../../targets.csv", "..\\..\\x.csv", "a/../../b.csv"])
def test_path_traversal_names_are_refused(sample_dir, name):
    before = sorted(p for p in sample_dir.rglob("*") if p.name != ".lock")
    with pytest.raises(store.StoreError):
        store.import_file(sample_dir, name, (HEADER + "2021-10,green_outlets,26,,,,\n").encode(), analyst("zhang"))
    assert sorted(p for p in sample_dir.rglob("*") if p.name != ".lock") == before


def test_markup_in_an_upload_name_is_stripped(sample_dir):
    name = "<img src=x onerror=alert(1)>.csv"
    outcome = store.import_file(sample_dir, name, (HEADER + "2021-10,green_outlets,26,,,,\n").encode(),
                                analyst("zhang"))
    stored = list((sample_dir / "submissions" / "originals").iterdir())
    assert outcome.submission_id and len(stored) == 1
    assert stored[0].parent == sample_dir / "submissions" / "originals"
    assert "<" not in stored[0].name and "/" not in stored[0].name
    assert (sample_dir / "targets.csv").read_text(encoding="utf-8").startswith("id,year")


def test_wrong_passwords_are_throttled():
    throttle = Throttle(max_failures=3, window_s=60, lockout_s=120)
    for i in range(3):
        assert throttle.wait_seconds("zhang", now=i) == 0
        throttle.failed("zhang", now=i)
    assert throttle.wait_seconds("zhang", now=3) == pytest.approx(119)
    assert throttle.wait_seconds("li", now=3) == 0  # per name
    assert throttle.wait_seconds("zhang", now=200) == 0  # the window has passed
    throttle.failed("li", now=1)
    throttle.succeeded("li")
    assert throttle.wait_seconds("li", now=2) == 0


def test_server_settings_keep_xsrf_on_and_limit_uploads():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"].get("enableXsrfProtection", True) is True
    assert config["server"]["maxUploadSize"] <= 20


@pytest.mark.parametrize("name, kept", [
    ("a" * 126 + ".csv", "a" * 126 + ".csv"),  # 130 characters: kept whole (it lost its .csv and was refused)
    ("苏" * 83 + ".csv", "苏" * 65 + ".csv"),  # 87 characters, 253 bytes: "File name too long" once prefixed
    ("a" * 251 + ".csv", "a" * 196 + ".csv"),  # 255 bytes, the most a file system takes
    ("数" * 83 + "ab.csv", "数" * 65 + ".csv"),  # 255 bytes: no half character is left at the cut
    ("月报" * 150 + ".xlsx.csv", "月报" * 32 + "月.csv"),  # longer than any file system takes: browsers send such
], ids=["130 ASCII characters", "87 Chinese characters", "255 ASCII bytes", "255 Chinese bytes", "903 bytes"])
def test_a_long_name_keeps_its_extension_and_stores(sample_dir, name, kept):
    assert store.safe_name(name) == kept and len(kept.encode("utf-8")) <= store.NAME_BYTES
    data = (HEADER + "2021-10,green_outlets,26,,,,\n").encode()
    outcome = store.import_file(sample_dir, name, data, analyst("zhang"))
    assert outcome.submission_id == "000001"
    assert (sample_dir / "submissions" / "originals" / f"sub-000001_{kept}").read_bytes() == data
    assert store.read_log(sample_dir)["original_name"].tolist() == [kept]
    refused = store.import_file(sample_dir, name, (HEADER + "2021-10,green_outlets,lots,,,,\n").encode(),
                                analyst("zhang"))
    assert refused.rejected_file.endswith(f"_{kept}")
    assert (sample_dir / "rejected" / f"{refused.rejected_file}.json").exists()


MARKUP_NOTE = '<a href="https://evil.example">点此</a><b>粗</b>&amp;'


def test_markup_in_a_note_and_a_name_is_drawn_as_text_in_every_chart(sample_dir):
    """Plotly reads <a>, <b>, <br> and entities in any label as markup: a stored note or a target name must reach
    the chart escaped (a live link in every viewer's chart otherwise), on a screen, on a phone and in exports."""
    from lib.charts import completion_chart, completion_chart_narrow, detail_chart_narrow, indicator_detail_chart
    from lib.dataset import open_dataset
    from lib.deepdive import indicator_view
    from lib.engine import scorecard

    path = sample_dir / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",快递业务量,", ",快递<b>业务量</b>,", 1),
                    encoding="utf-8")
    quoted = MARKUP_NOTE.replace('"', '""')
    (sample_dir / "actuals" / "zz.csv").write_text(HEADER + f'2021-11,express_volume,22.1,,亿件,ytd,"{quoted}"\n',
                                                   encoding="utf-8")
    ds = open_dataset(sample_dir)
    view = indicator_view(ds, 2021, 11, "express_volume")
    escaped_note = "&lt;a href=\"https://evil.example\"&gt;点此&lt;/a&gt;&lt;b&gt;粗&lt;/b&gt;&amp;amp;"
    for fig in (indicator_detail_chart(view, "zh"), detail_chart_narrow(view, "zh")):
        notes = [a.text for a in fig.layout.annotations if a.showarrow]
        assert len(notes) == 1
        assert notes[0].replace("<br>", "") == escaped_note  # wrapped, but every character as typed
    scores = scorecard(ds, 2021, 11)
    wide, narrow = completion_chart(scores, "zh"), completion_chart_narrow(scores, "zh")
    names = [y for trace in wide.data if trace.y is not None for y in trace.y if y and "业务量" in str(y)]
    assert names and all(name.replace("<br>", "") == "快递&lt;b&gt;业务量&lt;/b&gt;" for name in names)
    drawn = [a.text for a in narrow.layout.annotations] + [h for trace in narrow.data for h in (trace.hovertext or [])]
    assert any("快递&lt;b&gt;业务量&lt;/b&gt;" in text for text in drawn)
    assert not any("<b>业务量" in text or "<a " in text for text in drawn)


def test_tables_download_through_ours_with_formulas_neutralised(monkeypatch, sample_dir):
    """Streamlit's own table download wrote =HYPERLINK(…) notes as they were: it is off, and the tables people take
    away (scorecard, departments, work plan) have our CSV, whose formula cells are neutralised."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in ("pages/departments.py", "pages/tracker.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "下载明细（CSV）" in [b.proto.label for b in at.get("download_button")], page

    from lib import display
    from lib.dataset import open_dataset
    from lib.engine import scorecard
    from lib.export import workplan_table

    table = workplan_table(sample_dir, 2021, 10)
    table.loc[table.index[0], "narrative"] = '=HYPERLINK("http://evil.example","点我")'
    frame = display.tracker_frame(table, scorecard(open_dataset(sample_dir), 2021, 10), "zh", with_list=True)
    text = display.csv_bytes(frame).decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://evil.example"",""点我"")' in text and ",=HYPERLINK" not in text
