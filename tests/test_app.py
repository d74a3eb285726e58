"""AppTest of every page: no exception, and the key figures on screen."""

from __future__ import annotations

import datetime as dt
import io
import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from lib.dataset import open_dataset
from lib.engine import scorecard
from lib.turns import Turns
from lib.ui import frame
from tests.conftest import REPO, analyst

APP = str(REPO / "app.py")


def run_app(monkeypatch, data_dir, lang: str | None = None) -> AppTest:
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def test_overview_shows_every_target_in_chinese(monkeypatch, sample_dir):
    at = run_app(monkeypatch, sample_dir)
    assert not at.exception
    text = all_text(at)
    assert "目标任务完成情况总览" in text and "示例数据" in text
    # the answer first: the sentence, the status counts in one row, then the four headline targets' cards
    assert at.markdown[0].value == ("**截至2021年10月，24项目标17项正常、3项需关注、4项滞后；"
                                    "主要指标中邮政业务收入低于序时进度5.6个百分点。**")
    assert at.markdown[1].value.startswith("#### :green-badge[● 进度正常 17]")
    assert [m.value for m in at.metric[:4]] == ["434.46亿元", "222.85亿元", "19.25亿件", "197.77亿元"]
    assert len(at.metric) == 24  # one card per target: the headline four are not repeated below
    values = {m.value for m in at.metric}
    for expected in ("434.46亿元", "19.25亿件", "8.15万个", "1,710人次", "96.2%", "26个"):
        assert expected in values
    assert "目标：≥24亿件" in text and "挑战值 15万个：完成率 54.3%" in text  # 8.15 / 15
    assert "目标与基期不一致" in text  # express revenue's 2020 base is 2% off 260 / 1.11
    assert "数据来源：data/actuals（12个文件）" in text  # the folder, not the server's path
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    headline = fig["data"][0]
    assert headline["y"] == ["邮政业务总量", "邮政业务收入", "快递业务量", "快递业务收入"]
    engine = {s.name: s.completion_pct for s in scorecard(open_dataset(sample_dir), 2021, 10)}
    assert dict(zip(headline["y"], headline["x"])) == pytest.approx({n: engine[n] for n in headline["y"]})


def test_overview_in_english(monkeypatch, sample_dir):
    at = run_app(monkeypatch, sample_dir, lang="en")
    assert not at.exception
    text = all_text(at)
    assert "Target completion overview" in text and "Sample data" in text
    values = {m.value for m in at.metric}
    assert "1.92 bn parcels" in values and "¥43.45 bn" in values  # a count keeps its unit (#28)
    assert "On pace" in text


def test_overview_on_a_phone_draws_the_narrow_chart_without_a_mode_bar(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewport"] = {"narrow": True}  # what the page's probe reports from a 390 px window
    at.run()
    assert not at.exception
    chart = at.get("plotly_chart")[0].proto
    assert json.loads(chart.config)["displayModeBar"] is False
    fig = json.loads(chart.spec)
    names = [a["text"] for a in fig["layout"]["annotations"]]
    assert "✕ 邮政业务收入" in names and "<b>74.3%</b>" in names  # 222.85 / 300, written beside the name
    assert fig["layout"]["xaxis"]["visible"] is False  # no tick labels to run through the values


def test_a_shared_link_opens_its_period_and_language(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["period"] = "2021-06"
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.markdown[0].value.startswith("**As of Jun 2021: ")
    assert (at.query_params["period"], at.query_params["lang"]) == ("2021-06", "en")  # still the address
    at.select_slider(key="as_of_2021_10_en").set_value(10).run()  # back to the latest: the address drops it
    assert "period" not in at.query_params and at.markdown[0].value.startswith("**As of Oct 2021: ")


def test_earlier_as_of_month_changes_the_figures(monkeypatch, sample_dir):
    at = run_app(monkeypatch, sample_dir)
    at.select_slider(key="as_of_2021_10_zh").set_value(3).run()
    assert not at.exception
    assert "截至2021年3月" in all_text(at)
    assert "19.25亿件" not in {m.value for m in at.metric}


def test_bad_file_is_named_and_everything_else_shows(monkeypatch, sample_dir):
    (sample_dir / "actuals" / "broken.csv").write_text("period,indicator,value\n2021-10,不存在的指标,1\n",
                                                       encoding="utf-8")
    at = run_app(monkeypatch, sample_dir)
    assert not at.exception
    text = all_text(at)
    assert "1个数据文件未载入" in text and "broken.csv" in text and "不存在的指标" in text
    assert "19.25亿件" in {m.value for m in at.metric}


def test_broken_targets_file_is_explained_not_crashed(monkeypatch, sample_dir):
    path = sample_dir / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("540,,≥,flow", "五百,,≥,flow"), encoding="utf-8")
    at = run_app(monkeypatch, sample_dir)
    assert not at.exception
    assert "目标定义文件有误" in at.error[0].value and "第2行" in at.error[0].value


class CountedTurns(Turns):
    """Turns that count the turns taken."""

    taken = 0

    def _start(self, ticket):
        super()._start(ticket)
        self.taken += 1


@pytest.mark.parametrize("targets_broken", [False, True], ids=["page drawn", "page stopped"])
def test_every_run_of_the_app_takes_its_turn_and_gives_it_back(monkeypatch, sample_dir, targets_broken):
    """app.py runs inside a turn (lib/turns.py), and one that ends in st.stop (the targets' problems) gives it back."""
    if targets_broken:
        (sample_dir / "targets.csv").write_text("broken\n", encoding="utf-8")
    turns = CountedTurns(60.0)
    monkeypatch.setattr(frame, "SCRIPT_TURNS", turns)
    at = run_app(monkeypatch, sample_dir)
    assert not at.exception
    assert bool(at.error) == targets_broken
    at.run()
    assert turns.taken >= 2 and turns.running() == 0 and turns.waiting() == 0


def test_new_file_shows_without_restart(monkeypatch, sample_dir):
    at = run_app(monkeypatch, sample_dir)
    (sample_dir / "actuals" / "2021-11.csv").write_text(
        "period,indicator,value,unit\n2021-11,green_outlets,31,个\n", encoding="utf-8")
    at.run()
    assert "31个" in {m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_actuals_folder(monkeypatch, sample_dir, lang):
    for path in (sample_dir / "actuals").iterdir():
        path.unlink()
    at = run_app(monkeypatch, sample_dir, lang=lang)
    assert not at.exception


HEADER = "period,indicator,value,region,unit,basis,note\n"


def upload_page(monkeypatch, data_dir, analysts: str | None = None) -> AppTest:
    if analysts is not None:
        monkeypatch.setenv("KPI_ANALYSTS", analysts)
    else:
        monkeypatch.delenv("KPI_ANALYSTS", raising=False)
    at = run_app(monkeypatch, data_dir)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def test_viewer_can_check_a_gbk_file_but_never_sees_store_buttons(monkeypatch, sample_dir):
    at = upload_page(monkeypatch, sample_dir)
    assert "尚未配置分析员账号" in all_text(at)
    data = "月份,指标名称,数值,单位\n2021年11月,快递绿色网点,28,个\n".encode("gbk")
    at.file_uploader(key="upload_0").set_value(("十一月.csv", data, "text/csv")).run()
    assert not at.exception
    assert "校验通过，可以入库。" in [e.value for e in at.success]
    assert "登录分析员账号后可入库。" in [e.value for e in at.info]
    assert not [b for b in at.button if b.key in ("confirm_store", "revert")]
    preview = at.dataframe[0].value  # no problems, so the first table is the preview
    # the value and unit as the file wrote them, then as stored (in the indicator's unit)
    assert preview.iloc[0].tolist()[:8] == [2, "2021年11月", "快递绿色网点", "全市", "28", "个", 28.0, "个"]


def test_analyst_signs_in_stores_and_reverts(monkeypatch, sample_dir):
    from lib.auth import hash_password

    at = upload_page(monkeypatch, sample_dir, analysts=f"zhang={hash_password('s3cret-pass', iterations=1000)}")
    at.text_input(key="sign_in_name").set_value("zhang")
    at.text_input(key="sign_in_password").set_value("wrong-pass")
    at.button[0].click().run()
    assert "用户名或密码不正确" in [e.value for e in at.error]
    at.text_input(key="sign_in_password").set_value("s3cret-pass")
    at.button[0].click().run()
    assert "分析员：**zhang**" in all_text(at)
    data = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
    at.file_uploader(key="upload_0").set_value(("n.csv", data, "text/csv")).run()
    at.button(key="confirm_store").click().run()
    assert not at.exception
    assert "已入库：提交编号 000001，共1行。总览已更新。" in [e.value for e in at.success]
    assert (sample_dir / "actuals" / "sub-000001.csv").exists()
    assert at.file_uploader(key="upload_1").value is None  # a fresh uploader: the stored file is not offered again
    history = at.dataframe[-1].value  # the submissions tab, after the templates'
    assert list(history.columns[:7]) == ["提交编号", "提交时间", "提交人", "原文件名", "行数", "提醒", "状态"]
    assert history.iloc[0][["提交编号", "提交人", "原文件名", "行数", "状态"]].tolist() == \
        ["000001", "zhang", "n.csv", 1, "有效"]
    at.file_uploader(key="upload_1").set_value(("again.csv", data, "text/csv")).run()  # the same bytes again
    assert not [b for b in at.button if b.key == "confirm_store"]
    assert any(i.value.startswith("此文件已于") and "由zhang入库（提交编号 000001），无需重复提交。" in i.value
               for i in at.info)
    at.button(key="revert").click().run()
    assert not at.exception
    assert not (sample_dir / "actuals" / "sub-000001.csv").exists()
    at.button(key="sign_out").click().run()
    assert not [b for b in at.button if b.key == "revert"]


def test_bad_upload_lists_every_problem(monkeypatch, sample_dir):
    at = upload_page(monkeypatch, sample_dir)
    data = (HEADER + "2021-13,green_outlets,1,,,,\n2021-11,快递业务,1,,,,\n").encode("gbk")
    at.file_uploader(key="upload_0").set_value(("bad.csv", data, "text/csv")).run()
    assert "文件有2个错误，未入库。请按清单修改后重新上传。" in [e.value for e in at.error]
    # issue 24: the problems are a table whose 说明 wraps (st.table; cells escaped for Markdown), rows as text
    problems = at.table[0].value
    assert problems["行"].tolist() == ["2", "3"]
    assert "快递业务量 (express_volume)" in problems["说明"].iloc[1].replace("\\", "")
    assert "None" not in problems.to_string()


def test_interacting_never_rereads_the_files(monkeypatch, sample_dir):
    import lib.actuals

    reads = []
    original = lib.actuals.read_actuals_file
    monkeypatch.setattr(lib.actuals, "read_actuals_file", lambda *a, **k: reads.append(a[0].name) or original(*a, **k))
    at = run_app(monkeypatch, sample_dir)
    first = len(reads)
    assert first == len(list((sample_dir / "actuals").glob("*.csv")))  # each file read once to start with
    at.select_slider(key="as_of_2021_10_zh").set_value(6).run()
    at.switch_page("pages/departments.py").run()
    assert not at.exception
    assert len(reads) == first  # month changes and page switches use the cached data
    (sample_dir / "actuals" / "2021-11.csv").write_text(HEADER + "2021-11,green_outlets,31,,个,,\n", encoding="utf-8")
    at.run()
    assert len(reads) > first  # a new file changes the signature and is picked up


def test_presentation_pages_every_view(monkeypatch, sample_dir):
    at = run_app(monkeypatch, sample_dir)
    at.switch_page("pages/present.py").run()
    assert not at.exception
    titles = []
    for _ in range(10):
        titles.append(next(m.value for m in at.markdown if m.value.startswith("# ")))
        footer = " ".join(c.value for c in at.caption)
        assert "数据：示例数据" in footer and "苏州邮管〔2021〕21号" in footer and "图例" in footer
        assert "data/actuals" not in footer
        next_button = at.button(key="slide_next")
        if next_button.disabled:
            break
        next_button.click().run()
        assert not at.exception
    # lib/views/ list, the same the deck, the PDF and the PNG set show
    assert titles == ["# 主要指标完成情况", "# 完成进度与序时进度", "# 邮政业务总量", "# 邮政业务收入", "# 快递业务量",
                      "# 快递业务收入", "# 绿色包装", *(f"# 工作要点推进情况（{n}/3）" for n in (1, 2, 3))]


def test_presentation_exports_this_view_as_png_and_the_views_as_pdf(monkeypatch, sample_dir):
    from lib import export

    if export.chromium_path() is None and os.environ.get("CI") != "true":
        pytest.skip("no Chromium here (CI requires it)")
    at = run_app(monkeypatch, sample_dir)
    at.query_params["view"] = "express_volume"
    at.switch_page("pages/present.py").run()
    at.button(key="png_view").click().run()
    assert not at.exception
    assert "下载 PNG" in [b.proto.label for b in at.get("download_button")]
    at.button(key="build_pdf").click().run()
    assert not at.exception
    assert "下载 PDF" in [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presentation_page_hands_out_the_png_set_as_a_zip_and_names_each_file_for_what_it_holds(monkeypatch,
                                                                                                  sample_dir, lang):
    import zipfile

    import streamlit as st

    from lib import export

    if export.chromium_path() is None and os.environ.get("CI") != "true":
        pytest.skip("no Chromium here (CI requires it)")
    handed = {}
    original = st.download_button

    def download_button(label, data, file_name, *args, **kwargs):
        handed[file_name] = data
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", download_button)
    at = run_app(monkeypatch, sample_dir, lang)
    at.switch_page("pages/present.py").run()
    for key in ("build_png_zip", "build_pptx", "build_pdf"):
        at.button(key=key).click().run()
        assert not at.exception
    month, city = ("2021-10", "苏州市") if lang == "zh" else ("2021-10", "Suzhou")
    what = {"zh": ("图表", "汇报"), "en": ("charts", "presentation")}[lang]
    assert sorted(handed) == sorted([f"{month}_{what[0]}_{city}.zip", f"{month}_{what[1]}_{city}.pptx",
                                     f"{month}_{what[1]}_{city}.pdf"])
    with zipfile.ZipFile(io.BytesIO(handed[f"{month}_{what[0]}_{city}.zip"])) as archive:
        names = archive.namelist()
        # one picture per view, in the presentation's order: the scorecard, the overview, six targets, three plan pages
        assert len(names) == 10 and names[0] == "01_scorecard.png" and names[-1] == "10_workplan_3.png"
        assert all(archive.read(n).startswith(b"\x89PNG") for n in names)


def test_indicator_page_exports_png_and_deck(monkeypatch, sample_dir):
    from lib import export

    if export.chromium_path() is None and os.environ.get("CI") != "true":
        pytest.skip("no Chromium here (CI requires it)")
    at = run_app(monkeypatch, sample_dir)
    at.query_params["id"] = "express_volume"
    at.switch_page("pages/indicator.py").run()
    at.button(key="png_express_volume").click().run()
    assert not at.exception
    assert "下载 PNG" in [b.proto.label for b in at.get("download_button")]
    at.button(key="build_pptx").click().run()
    assert not at.exception
    assert "下载 PPTX" in [b.proto.label for b in at.get("download_button")]


def test_a_file_with_too_many_problems_lists_the_first_and_counts_the_rest(monkeypatch, sample_dir):
    from lib import config

    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", 3)
    at = upload_page(monkeypatch, sample_dir)
    data = (HEADER + "".join(f"2021-13,green_outlets,{i},,,,\n" for i in range(10))).encode()
    at.file_uploader(key="upload_0").set_value(("many.csv", data, "text/csv")).run()
    assert not at.exception
    assert "文件至少有10个错误，未入库。请按清单修改后重新上传。" in [e.value for e in at.error]
    assert at.table[0].value["行"].tolist() == ["2", "3", "4"]
    assert "另有至少7个问题未逐行列出（每项检查只列前3个）。" in [c.value for c in at.caption]


def test_upload_page_checks_a_file_once_against_the_loaded_data(monkeypatch, sample_dir):
    import lib.store
    import lib.ui.caches

    opened, parsed = [], []
    for module in (lib.store.submissions, lib.ui.caches):
        original_open = module.open_dataset
        monkeypatch.setattr(module, "open_dataset", lambda *a, _o=original_open, **k: opened.append(1) or _o(*a, **k))
    original_parse = lib.store.submissions.parse
    monkeypatch.setattr(lib.store.submissions, "parse", lambda *a, **k: parsed.append(a[0]) or original_parse(*a, **k))
    at = upload_page(monkeypatch, sample_dir)
    assert len(opened) == 1  # the app's dataset, opened once
    at.file_uploader(key="upload_0").set_value(("n.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(),
                                                "text/csv")).run()
    at.run()
    at.run()
    assert not at.exception
    assert "校验通过，可以入库。" in [e.value for e in at.success] and not at.warning
    assert len(opened) == 1 and parsed == ["n.csv"]  # checked once, against the dataset already open
    (sample_dir / "actuals" / "other.csv").write_text(HEADER + "2021-11,green_outlets,26,,,,\n", encoding="utf-8")
    at.run()  # another analyst's file for the same month: the check is made again, against the new data
    assert len(opened) == 2 and parsed == ["n.csv", "n.csv"]
    assert "有1个提醒：数据会入库，但请核对。" in [e.value for e in at.warning]
    assert "修订已入库的当月数据：26 → 28个（原来源：文件 other.csv）" in at.table[0].value["说明"].iloc[0]


def test_provenance_rereads_the_submissions_log_only_when_it_changes(monkeypatch, sample_dir):
    import lib.store

    reads = []
    original = lib.store.read_log
    monkeypatch.setattr(lib.store, "read_log", lambda *a, **k: reads.append(1) or original(*a, **k))
    at = run_app(monkeypatch, sample_dir)
    at.query_params["id"] = "green_outlets"
    at.switch_page("pages/indicator.py").run()
    at.run()
    assert not at.exception
    assert len(reads) == 1  # read on the first run only
    lib.store.import_file(sample_dir, "n.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(),
                          by=analyst("zhang"), now=dt.datetime(2021, 12, 1, 9, 30))
    reads.clear()
    at.run()
    assert not at.exception
    assert len(reads) == 1  # the log changed: read again once
    provenance = at.table[-1].value.set_index("月份")  # a static table: its notes wrap (#28)
    # its cells as Markdown made inert (lib/display.md: a word joiner keeps "09:30:" from reading as an emoji's name)
    assert provenance.loc[11, "提交人 · 时间 · 原文件"].replace("\u2060", "") == "zhang · 2021-12-01 09:30:00 · n.csv"



def test_provenance_shows_a_note_as_typed_not_as_markup(monkeypatch, sample_dir):
    """A note with Markdown's characters (bold, a link) reads as text in the provenance table (st.table renders its
    cells as Markdown): each character that starts markup escaped, the link's :// split by a word joiner."""
    import lib.store

    note = "**加粗** [链接](http://evil.example)"
    lib.store.import_file(sample_dir, "n.csv", (HEADER + f"2021-11,green_outlets,28,,,,{note}\n").encode(),
                          by=analyst("zhang"), now=dt.datetime(2021, 12, 1, 9, 30))
    at = run_app(monkeypatch, sample_dir)
    at.query_params["id"] = "green_outlets"
    at.switch_page("pages/indicator.py").run()
    assert not at.exception
    provenance = at.table[-1].value.set_index("月份")
    assert provenance.loc[11, "备注"] == "\\*\\*加粗\\*\\* \\[链接\\](http:\u2060//evil.example)"


@pytest.mark.parametrize("period, months", [("2021-09", ["2021年9月"]), ("2021-10", ["2021年9月", "2021年10月"])])
def test_an_items_history_stops_at_the_month_shown(monkeypatch, sample_dir, period, months):
    """The sample's progress files give key_work:1 a line for September and one for October: a link to September shows
    September's only (what was known then), October both."""
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(str(REPO / "pages" / "tracker.py"), default_timeout=60)
    at.query_params["period"] = period
    at.run()
    assert not at.exception
    at.selectbox(key="history_item").set_value("key_work:1").run()
    assert not at.exception
    history = at.table[-1].value
    assert history["月份"].tolist() == months and set(history["状态"]) == {"○ 未启动"}


def test_tracker_on_a_phone_in_english(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewport"] = {"narrow": True}
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/tracker.py").run()
    assert not at.exception
    assert "Filters" in [e.label for e in at.expander]  # folded away on a phone
    assert any(c.value.startswith("The work plan's items, sections and progress notes exist in Chinese only")
               for c in at.caption)
    items = next(h.proto.body for h in at.get("html") if 'class="plan-list"' in h.proto.body)
    assert '<div class="plan-status behind">✕ Behind</div>' in items and "Universal Service Division" in items
