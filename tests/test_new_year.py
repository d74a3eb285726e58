"""A new year from its plan document: draft, publish, the first months, and every page for that year.

From the frozen city (tests/fixtures/city: the 2021 plan, its sample apart), the 2022 plan as the office sends it
(.docx, or a PDF printed by Chromium) is drafted and published; the 2021 months are stored as real figures (the
sample's ten months and November–December written here) and then January–March 2022. The 2022 dashboard paces the
2022 targets against 2021's months, and nothing on screen says 2021 or cites the 2021 document, except where a
number is explained by 2021's months.

Hand-worked numbers (express parcel volume, 亿件):
  2021 year to date: March 50563.7万件 (sample_2021-03.csv), October 192485.7万件 (sample_2021-10.csv);
  November +28000万件 and December +22000万件 (written here): the 2021 total is 242485.7万件 = 24.248570亿件.
  2022 target 26亿件, growth 7%: 26 ÷ 1.07 = 24.29907, within 1% of 24.24857 (−0.21%): no baseline warning.
  2022 months 1.9 + 1.4 + 2.2 = 5.5亿件 by March (shown 5.50亿件: measured amounts keep two decimals).
  completion 5.5 ÷ 26 = 21.154%; seasonal expected progress 50563.7 ÷ 242485.7 = 20.852%; gap +0.302 points: on pace;
  linear 3 ÷ 12 = 25%; year on year 5.5 ÷ 5.05637 − 1 = +8.774%; needed April–December (26 − 5.5) ÷ 9 = 2.278亿件;
  projection 5.5 ÷ 0.208522 = 26.376亿件.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lib import store
from lib.dataset import open_dataset
from lib.engine import scorecard
from lib.plans import plan_for
from tests.conftest import ACTUAL_COLUMNS, REPO, SAMPLE, analyst, city_copy, run_cli, write_csv
from tests.test_plan_documents import plain_docx, plan_html

APP = str(REPO / "app.py")

PLAN_2022 = """苏州市邮政管理局文件

苏州邮管〔2022〕15号

苏州市邮政管理局关于印发2022年工作要点和邮政快递业更贴近民生3件实事
分工安排的通知

各市邮政管理局，机关各处室：
现将《苏州市邮政管理局2022年工作要点》《苏州市邮政管理局2022年邮政快递业更贴近民生3件实事分工安排》印发给你们，请认真抓好贯彻落实。

苏州市邮政管理局
2022年3月28日

苏州市邮政管理局2022年工作要点

我市邮政快递业发展的主要目标是：全年邮政业务总量完成600亿元、同比增长10%，业务收入完成320亿元、同比增长7%；快递业务量完成26亿件、同比增长7%，快递业务收入完成290亿元、同比增长8%。全国快递业务量预计达到1200亿件。

着力抓好2项重点工作：
1. 推动“两进一出”工程提质增效。（市场监管处、普遍服务处牵头）
2. 推进快递包装绿色转型。（市场监管处牵头）
具体抓好以下2个方面、4项工作：
一、深化协同融合，持续提升行业运营质态
1. 推动“快递进村”。主要品牌快递服务建制村通达率保持100%。（市场监管处、普遍服务处牵头）
2. 推动全市快递末端综合服务站建设，年底前建成综合服务站100个以上。（市场监管处牵头）
二、强化行业治理，持续提升风险防控能力
3. 电商快件不再二次包装率保持在98%以上，建成快递绿色网点50个以上。（市场监管处牵头）
4. 切实加强进口邮快件的消毒处置，继续巩固全行业“零感染”成果。（市场监管处牵头）
2022年邮政业更贴近民生三件实事分工安排
一、推动实现快递服务直投到村
1.主要品牌快递服务建制村通达率保持100%。（普遍服务处、市场监管处牵头）
二、加快推进快递包装绿色转型
2.力争年底可循环快递箱（盒）使用量达25万个。（市场监管处牵头）
三、不断提高从业人员素质
3.全年培训从业人员力争超3000人次。（办公室牵头）
"""
NOV_DEC_2021 = [dict(period="2021-11", indicator="快递业务量", value=220485.7, unit="万件", basis="ytd"),
                dict(period="2021-12", indicator="快递业务量", value=242485.7, unit="万件", basis="ytd")]
JAN_MAR_2022 = [dict(period=f"2022-{m:02d}", indicator="express_volume", value=v, unit="亿件")
                for m, v in ((1, 1.9), (2, 1.4), (3, 2.2))]


def pdf_of(browser, text: str) -> bytes:
    """Return the plan printed to PDF by Chromium (a real CJK text layer), as test_plan_documents prints its plans."""
    page = browser.new_page()
    try:
        page.set_content(plan_html(text))
        return page.pdf(format="A4", margin={"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"})
    finally:
        page.close()


@pytest.fixture(scope="module")
def new_year(tmp_path_factory):
    """Return (data directory, draft run, publish run) after the 2022 plan (.docx) is drafted and published and the
    2021 months and January–March 2022 are stored as real files."""
    tmp = tmp_path_factory.mktemp("new_year")
    data_dir = tmp / "data"
    city_copy(data_dir)
    document = tmp / "2022年工作要点.docx"
    document.write_bytes(plain_docx(PLAN_2022))
    draft = run_cli("plan", "draft", document, "--year", "2022", "--data-dir", data_dir, "--out", tmp / "draft.csv")
    published = run_cli("plan", "publish", tmp / "draft.csv", "--data-dir", data_dir, "--plan", document,
                        "--user", "li")
    for path in sorted((SAMPLE / "actuals").glob("sample_2021-??.csv")):  # last year's months, now real figures
        assert store.import_file(data_dir, path.name, path.read_bytes(), analyst("li")).submission_id
    for name, rows in (("2021-11_12.csv", NOV_DEC_2021), ("2022-03.csv", JAN_MAR_2022)):
        path = write_csv(tmp / name, rows, ACTUAL_COLUMNS)
        assert store.import_file(data_dir, name, path.read_bytes(), analyst("li")).submission_id
    return data_dir, draft, published


def test_the_draft_carries_last_years_targets_and_leaves_the_countrys_figure_out(new_year):
    data_dir, draft, _ = new_year
    assert (draft.returncode, draft.stderr) == (0, "")
    lines = draft.stdout.splitlines()
    assert lines[0] == "2022年目标草稿：采纳11项（沿用上年指标10项，新指标1项，待核对6行）"  # 4 of them: 主要目标
    # every other figure, by reason, counted by hand: the 文号; 2022年 in the 通知's title, the plan's title and the
    # 实事 heading, 2022年3月28日; in names: 2022年 twice and 3件 in the 《》 titles, 两进一出, 二次包装; the plan's
    # own parts: 3件实事, 2项重点工作, 2个方面, 4项工作, 三件实事; the country's 1200亿件.
    assert lines[1] == ("未采纳的数字16处：背景数字 1，日期或期限 4，名称中的数字 5，计划自身的条目数 5，"
                        "文号或成文日期 1")
    assert lines[2] == "未能读取的文件部分0处：—"
    assert lines[4] == "新增（待核对）：service_stations（综合服务站）"
    assert lines[6] == "背景数字（不列为目标）：全国快递业务量 1200亿件（主要目标）"
    targets = open_dataset(data_dir).catalog.targets_for(2022).set_index("id")
    assert len(targets) == 11 and "service_stations" in targets.index
    row = targets.loc["express_volume"]
    assert (row["target_value"], row["growth_target_pct"], row["baseline_year"], row["unit"], row["headline"]) == \
        (26, 7, 2021, "亿件", 3)
    assert targets["headline"].dropna().to_dict() == {"postal_business_volume": 1, "postal_business_revenue": 2,
                                                       "express_volume": 3, "express_revenue": 4}


def test_publishing_records_the_plan_its_document_and_its_tasks(new_year):
    data_dir, _, published = new_year
    assert published.returncode == 0
    assert published.stdout.splitlines()[:2] == [
        "已发布（编号 000001）：2022年目标11项，工作任务9项",
        "计划：《苏州市邮政管理局关于印发2022年工作要点和邮政快递业更贴近民生3件实事分工安排的通知》（苏州邮管〔2022〕15号），"
        "苏州市邮政管理局"]
    plan = plan_for(data_dir, 2022)
    assert (plan.doc_number, plan.issuer_zh, plan.issuer_en, plan.city_en, plan.issued.isoformat(), plan.document) \
        == ("苏州邮管〔2022〕15号", "苏州市邮政管理局", "Suzhou Postal Administration", "Suzhou", "2022-03-28",
            "2022_2022年工作要点.docx")
    assert (data_dir / "plans" / plan.document).read_bytes() == (data_dir.parent / "2022年工作要点.docx").read_bytes()
    from lib.plan import load_tasks

    assert len(load_tasks(data_dir, 2022)) == 2 + 4 + 3 and len(load_tasks(data_dir, 2021)) == 88
    assert load_tasks(data_dir, 2022).set_index("key").at["livelihood:2", "target_ids"] == "recyclable_boxes"


def test_the_2022_scorecard_paces_against_2021s_months(new_year):
    data_dir, _, _ = new_year
    ds = open_dataset(data_dir)
    assert not ds.is_sample and not ds.rejected
    score = {s.indicator: s for s in scorecard(ds, 2022, 3)}["express_volume"]
    assert score.actual_ytd == pytest.approx(5.5)
    assert score.completion_pct == pytest.approx(5.5 / 26 * 100)  # 21.15385
    assert score.expected_pct_seasonal == pytest.approx(50563.7 / 242485.7 * 100)  # 20.85224
    assert score.seasonal_basis == "baseline" and score.expected_pct_linear == pytest.approx(25)
    assert score.status == "green" and score.gap_points == pytest.approx(21.15385 - 20.85224, abs=1e-5)
    assert score.yoy_growth_pct == pytest.approx((5.5 / 5.05637 - 1) * 100)  # +8.774
    assert score.baseline_consistent and score.baseline_gap_pct == pytest.approx((24.248570 / (26 / 1.07) - 1) * 100)
    assert score.required_monthly_avg == pytest.approx((26 - 5.5) / 9)


def test_report_cli_for_2022(new_year):
    data_dir, _, _ = new_year
    table = run_cli("report", "--data-dir", data_dir, "--year", "2022")
    assert table.returncode == 0 and table.stdout.splitlines()[0] == "2022年3月"
    assert "快递业务量                    5.50亿件  26亿件     21.2%   20.9%     +8.8%  进度正常" in table.stdout
    assert "2021" not in table.stdout
    rows = {r["indicator"]: r for r in json.loads(run_cli("report", "--data-dir", data_dir, "--format", "json").stdout)}
    assert len(rows) == 11  # the latest year with data is 2022
    assert (rows["express_volume"]["completion_pct"], rows["express_volume"]["expected_pct_seasonal"]) == \
        (21.1538, 20.8522)


def run_app(monkeypatch, data_dir, page: str | None = None, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    if page:
        at.switch_page(page)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
    assert not at.exception
    return at


def screen_text(at: AppTest) -> str:
    """Return every text of the main area: titles, Markdown, captions, notices, metrics and expander labels."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    parts += [f"{m.label} {m.value}" for m in at.metric] + [e.label for e in at.expander]
    return "\n".join(parts)


def test_the_2022_overview(monkeypatch, new_year):
    at = run_app(monkeypatch, new_year[0])
    text = screen_text(at)
    years = at.segmented_control(key="year_zh")
    assert years.options == ["2021", "2022"] and years.value == 2022
    assert "截至2022年3月，11项目标1项正常、0项需关注、0项滞后、10项无数据" in text
    assert "完成率 21.2% · 序时进度 20.9% · 线性进度 25.0%  \n同比 +8.8%（目标增幅 +7.0%）" in text
    assert ("目标依据：《苏州市邮政管理局关于印发2022年工作要点和邮政快递业更贴近民生3件实事分工安排的通知》"
            "（苏州邮管〔2022〕15号）") in text
    # The headline four lead; the new indicator, with no category yet, comes under 其他目标.
    assert "#### 其他目标" in text
    assert "示例数据" not in text and "2021" not in text


def test_the_2022_indicator_page(monkeypatch, new_year):
    at = run_app(monkeypatch, new_year[0], "pages/indicator.py", {"id": "express_volume"})
    text = screen_text(at)
    assert at.title[0].value == "快递业务量" and "2022年3月 · 累计量 · 目标：≥26亿件" in text
    seasonal = "- 季节序时进度 = 2021年1–3月累计 ÷ 2021年全年 = 5.06亿件 ÷ 24.25亿件 = 20.9%"
    assert seasonal in text.splitlines()  # the one place 2021 is named: the months the pace comes from
    assert "2021" not in text.replace(seasonal, "")
    assert "- 完成率 = 实际 ÷ 目标 = 5.50亿件 ÷ 26亿件 = 21.2%" in text


def test_the_2022_presentation(monkeypatch, new_year):
    at = run_app(monkeypatch, new_year[0], "pages/present.py")
    titles, texts = [], []
    for _ in range(10):
        titles.append(next(m.value for m in at.markdown if m.value.startswith("# ")))
        texts.append(screen_text(at))
        if at.button(key="slide_next").disabled:
            break
        at.button(key="slide_next").click().run()
        assert not at.exception
    assert titles == ["# 主要指标完成情况", "# 完成进度与序时进度", "# 邮政业务总量", "# 邮政业务收入", "# 快递业务量",
                      "# 快递业务收入", "# 绿色包装", "# 工作要点推进情况"]
    assert all("**2022年3月**" in text and "目标依据：苏州邮管〔2022〕15号" in text for text in texts)
    assert not [text for text in texts if "2021" in text]


def test_a_pdf_of_the_plan_drafts_the_same_targets(browser, tmp_path, new_year):
    document = tmp_path / "2022年工作要点.pdf"
    document.write_bytes(pdf_of(browser, PLAN_2022))
    fresh = tmp_path / "data"
    city_copy(fresh)
    draft = run_cli("plan", "draft", document, "--year", "2022", "--data-dir", fresh, "--out", tmp_path / "d.csv")
    assert draft.returncode == 0 and draft.stdout.splitlines()[0] == new_year[1].stdout.splitlines()[0]
    docx_draft = new_year[0].parent / "draft.csv"
    assert (tmp_path / "d.csv").read_bytes() == docx_draft.read_bytes()


# A year with targets and no actuals yet -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planned_only(tmp_path_factory):
    """Return a data directory as shipped with the 2022 plan published and no real actuals (the sample on screen)."""
    tmp = tmp_path_factory.mktemp("planned_only")
    data_dir = tmp / "data"
    city_copy(data_dir)
    document = tmp / "plan.docx"
    document.write_bytes(plain_docx(PLAN_2022))
    assert run_cli("plan", "draft", document, "--data-dir", data_dir, "--out", tmp / "d.csv").returncode == 0
    assert run_cli("plan", "publish", tmp / "d.csv", "--data-dir", data_dir, "--plan", document).returncode == 0
    return data_dir


def year_2022(monkeypatch, data_dir, page: str) -> AppTest:
    """Return the app on a page after 2022 is chosen in the year selector."""
    at = run_app(monkeypatch, data_dir)
    years = at.segmented_control(key="year_zh")
    assert years.options == ["2021", "2022"] and years.value == 2021
    at.segmented_control(key="year_zh").set_value(2022).run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception
    return at


NO_ACTUALS = ("2022年还没有实际数据，各项目标暂显示为“无数据”。"
              "请在“数据上报”页上传2022年1月起的月度数据（可先下载模板）。")


def test_a_year_without_actuals_shows_grey_cards_and_what_to_upload(monkeypatch, planned_only):
    at = year_2022(monkeypatch, planned_only, "pages/overview.py")
    text = screen_text(at)
    assert "2022年的11项目标都还没有实际数据。" in text and "截至2022年12月" not in text  # said once (issue 24)
    assert NO_ACTUALS in [e.value for e in at.info]
    assert [m.value for m in at.metric] == ["—"] * 11  # every card (the status counts are badges)
    assert "苏州邮管〔2022〕15号" in text and "苏州邮管〔2021〕21号" not in text


@pytest.mark.parametrize("page", ["pages/indicator.py", "pages/departments.py", "pages/tracker.py",
                                  "pages/present.py", "pages/upload.py", "pages/plan.py"])
def test_every_page_works_for_a_year_without_actuals(monkeypatch, planned_only, page):
    at = year_2022(monkeypatch, planned_only, page)
    text = screen_text(at)
    if page in ("pages/indicator.py", "pages/departments.py"):
        assert NO_ACTUALS in [e.value for e in at.info]
    if page == "pages/tracker.py":
        assert "2022年12月：共9项" in text
    if page == "pages/present.py":
        assert "**2022年12月**" in text and "目标依据：苏州邮管〔2022〕15号" in text
        assert "无数据 11" in text


# Start clean --------------------------------------------------------------------------------------------------------

HEADER = "period,indicator,value,region,unit,basis,note\n"
OCTOBER = (HEADER + "2021-10,green_outlets,20,,个,,\n").encode()


def test_a_fresh_data_dir_shows_the_sample_under_its_banner(monkeypatch, fresh_dir):
    assert not list((fresh_dir / "actuals").glob("*.csv"))  # shipped without real files
    ds = open_dataset(fresh_dir)
    assert ds.is_sample and ds.uses_sample and ds.actuals_label == "data/sample/actuals"
    text = screen_text(run_app(monkeypatch, fresh_dir))
    assert "示例数据：当前显示的是随仓库附带的模拟数据，并非真实统计数据。" in text
    assert "截至2021年10月，24项目标17项正常" in text and "数据来源：data/sample/actuals（12个文件）" in text


def test_the_first_real_file_replaces_the_sample_whole(monkeypatch, fresh_dir, sample_dir):
    # Beside the sample, October's 20 green outlets would replace its 26; the first real file meets nothing.
    assert store.validate(sample_dir, "oct.csv", OCTOBER).warnings
    assert store.validate(fresh_dir, "oct.csv", OCTOBER).problems == []
    assert store.import_file(fresh_dir, "oct.csv", OCTOBER, analyst("li")).submission_id == "000001"
    ds = open_dataset(fresh_dir)
    assert not ds.is_sample and [r.file for r in ds.reports] == ["sub-000001.csv"]
    at = run_app(monkeypatch, fresh_dir)
    text = screen_text(at)
    assert "示例数据" not in text
    # 20 of 30 outlets by October: 66.7% against 10/12 = 83.3% linear, 16.7 points behind; nothing else has data.
    assert "截至2021年10月，24项目标0项正常、0项需关注、1项滞后、23项无数据" in text
    assert "数据来源：data/actuals（1个文件）" in text and "20个" in [m.value for m in at.metric]


def test_work_plan_progress_starts_clean_too(fresh_dir):
    from lib import progress
    from lib.plan import load_tasks

    tasks = load_tasks(fresh_dir, 2021)
    rows, _ = progress.load_progress(fresh_dir, tasks)
    assert set(rows["source_file"]) == {"sample_progress_2021-09.csv", "sample_progress_2021-10.csv"}
    update = "period,item,status,narrative,completion_date\n2021-11,45,done,已完成,2021-11-20\n".encode()
    assert progress.import_progress(fresh_dir, "november.csv", update, tasks, analyst("li")).submission_id
    rows, _ = progress.load_progress(fresh_dir, tasks)
    assert rows[["key", "status", "source_file"]].values.tolist() == [["work_item:45", "done", "update-000001.csv"]]
