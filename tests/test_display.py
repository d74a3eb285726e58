"""What the pages show, built without Streamlit: escaping, badges, display tables and slide figures."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest

from lib import display
from lib.charts import axis_units, completion_chart, indicator_detail_chart
from lib.dataset import open_dataset
from lib.deepdive import indicator_view
from lib.engine import Score, scorecard
from lib.problems import Problem
from tests.conftest import add_actuals, monthly


@pytest.mark.parametrize(("text", "expected"), [
    ("**bold** _it_", r"\*\*bold\*\* \_it\_"),
    ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
    ("[link](http://x)", "\\[link\\](http:\u2060//x)"),  # a bare URL, address, emoji would be live: split (#25)
    ("www.evil.example a@b.cn :smile:", "www\u2060.evil.example a\u2060@b.cn :\u2060smile:"),
    ("a|b ~c~ $x$ #h `code`", r"a\|b \~c\~ \$x\$ \#h \`code\`"),
    ("C:\\data", "C:\\\\data"),
    ("快递业务量 24亿件", "快递业务量 24亿件"),
    (12.5, "12.5"),
])
def test_md_escapes_every_markdown_control_character(text, expected):
    assert display.md(text) == expected


def test_badge_markdown_has_colour_icon_and_escaped_label():
    assert display.badge_markdown("red", "滞后*") == r":red-badge[:material/cancel: 滞后\*]"
    assert display.badge_markdown("yellow", "Watch") == ":orange-badge[:material/error: Watch]"


def test_status_count_badges_tell_statuses_apart_by_symbol():
    line = display.status_count_badges({"green": 17, "yellow": 3, "red": 4, "grey": 0}, "zh")
    assert line == ("#### :green-badge[● 进度正常 17]　:orange-badge[▲ 需关注 3]　"
                    ":red-badge[✕ 滞后 4]　:gray-badge[○ 无数据 0]")


def test_progress_count_badges_in_english():
    line = display.progress_count_badges({"behind": 2, "done": 5}, "en")
    assert line == "#### :red-badge[✕ Behind 2]　:green-badge[● Done 5]"


def test_csv_bytes_opens_in_chinese_excel_and_neutralises_formulas():
    frame = pd.DataFrame({"指标": ["快递业务量", "=HYPERLINK(\"http://x\")", "@SUM(A1)"], "数值": [24.0, -1.5, 3.0]})
    data = display.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["指标"]) == ["快递业务量", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert list(back["数值"]) == [24.0, -1.5, 3.0]  # numbers are numbers, not text with an apostrophe


def test_xlsx_sheet_names_of_a_broken_workbook_is_empty():
    assert display.xlsx_sheet_names(b"PK\x03\x04 not really a workbook") == []


@pytest.mark.parametrize(("months", "expected"), [(3, (2021, 4)), (12, (2022, 1))])
def test_next_period_is_the_month_after_the_latest_with_data(mini_dir, months, expected):
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2021, [1.0] * months))
    assert display.next_period(open_dataset(mini_dir)) == expected


def test_next_period_without_data_is_january_of_the_last_target_year(mini_dir):
    assert display.next_period(open_dataset(mini_dir)) == (2021, 1)


def test_problems_frame_lists_severity_location_and_message():
    problems = [Problem("a.csv", "err_number", row=3, column="value", value="abc"),
                Problem("a.csv", "err_empty", severity="warning")]
    frame = display.problems_frame(problems, "en")
    assert list(frame.columns) == ["Type", "Row", "Column", "Value", "Message"]
    assert list(frame["Type"]) == ["error", "warning"]
    # issue 24: a problem about the whole file has blank row, column and value, never None or nan
    assert list(frame["Row"]) == ["3", ""] and list(frame["Column"]) == ["value", ""]
    assert list(frame["Value"]) == ["abc", ""]
    # row and column have columns of their own: the message says only what is wrong
    assert frame["Message"].iloc[0] == problems[0].message("en").removeprefix("a.csv row 3, column 'value': ")
    assert not frame["Message"].iloc[0].startswith("a.csv")


def test_preview_frame_names_the_indicator_city_and_basis(mini_dir):
    from lib.catalog import load_catalog

    rows = pd.DataFrame({"source_row": [2, 3], "year": [2021, 2021], "month": [10, 11],
                         "indicator": ["parcels", "outlets"], "region": ["", "昆山市"], "value": [1.5, 31.0],
                         "basis": ["month", "ytd"], "note": ["", "新增"]})
    zh = display.preview_frame(rows, load_catalog(mini_dir), "zh")
    assert list(zh["月份"]) == ["2021年10月", "2021年11月"]
    assert list(zh["指标"]) == ["快递业务量", "绿色网点"]
    assert list(zh["地区"]) == ["全市", "昆山市"]
    assert list(zh["单位"]) == ["亿件", "个"]
    assert list(zh["口径"]) == ["当月", "累计"]
    en = display.preview_frame(rows, load_catalog(mini_dir), "en")
    assert list(en["Period"]) == ["Oct 2021", "Nov 2021"]
    assert list(en["Target"]) == ["Parcels", "Green outlets"]
    assert list(en["Region"]) == ["Whole city", "Kunshan"]  # regions.csv's name_en


def test_provenance_frame_formats_values_in_their_unit():
    frame = pd.DataFrame({"month": [1, 2], "value": [150_000.0, float("nan")], "ytd": [150_000.0, 2.5e8],
                          "file": ["a.csv", "b.csv"], "row": [2.0, float("nan")], "submitted": ["", ""],
                          "note": ["春节", ""]})
    out = display.provenance_frame(frame, "件", "zh")
    assert list(out["数值"]) == ["15.00万件", "—"]
    assert list(out["累计"]) == ["15.00万件", "2.50亿件"]
    assert list(out["行"]) == [2, ""]
    assert list(out["备注"]) == ["春节", ""]
    assert list(display.provenance_frame(frame, "件", "en")["Note"]) == ["春节 (Chinese only)", ""]


def test_league_frame_translates_headers_and_formats_the_share():
    frame = pd.DataFrame({"label": ["Market Supervision Division"], "targets": [8], "green": [5], "yellow": [1],
                          "red": [2], "grey": [0], "on_pace_pct": [62.5]})
    out = display.league_frame(frame, "en")
    # The share's header differs from the green count's ("On pace"): a shared header dropped a column.
    assert list(out.columns) == ["Department", "Targets", "On pace", "Watch", "Behind", "No data", "Share on pace"]
    assert list(out.iloc[0]) == ["Market Supervision Division", 8, 5, 1, 2, 0, "62.5%"]
    assert len(display.league_frame(frame, "zh").columns) == 7


def test_tracker_frame_links_targets_with_their_status_symbol():
    rows = pd.DataFrame({"status": ["done", "behind"], "number": ["1", "2"], "section": ["一·1", ""],
                         "section_title": ["行业发展", ""], "text": ["事项甲", "事项乙"],
                         "lead_departments": ["市场监管处、普遍服务处", "普遍服务处"], "narrative": ["", "推进中"],
                         "updated_month": [10.0, float("nan")], "completion_date": ["2021-09", ""],
                         "target_ids": ["parcels;unknown", ""]})
    scores = [SimpleNamespace(indicator="parcels", status="red", name="快递业务量", name_en="Parcels")]
    zh = display.tracker_frame(rows, scores, "zh")
    assert list(zh["板块"]) == ["1、行业发展", ""]
    assert list(zh["牵头"]) == ["市场监管处、普遍服务处", "普遍服务处"]
    assert list(zh["更新月份"]) == ["10月", ""]
    assert list(zh["关联指标"]) == ["✕ 快递业务量", ""]  # an unknown id is left out
    en = display.tracker_frame(rows, scores, "en")
    assert list(en["Lead"]) == ["Market Supervision Division, Universal Service Division", "Universal Service Division"]
    assert list(en["Updated"]) == ["Oct", ""]
    assert list(en["Linked targets"]) == ["✕ Parcels", ""]


def test_presentation_figure_hides_the_overview_legend_and_makes_room_for_one_below(sample_dir):
    ds = open_dataset(sample_dir)
    overview = display.presentation_figure(completion_chart(scorecard(ds, 2021, 10), "zh"), height=410)
    assert overview.layout.height == 410 and overview.layout.font.size == 17
    assert overview.layout.showlegend is False  # the slide's footer explains the colours
    detail = indicator_detail_chart(indicator_view(ds, 2021, 10, "express_volume"), "zh")
    assert detail.layout.legend.y is not None and detail.layout.legend.y < 0
    slide = display.presentation_figure(detail, height=410)
    assert slide.layout.margin.b == 95 and slide.layout.legend.y == -0.2
    assert slide.layout.showlegend is not False


def a_score(**fields) -> Score:
    """Return a score with plain defaults, changed by fields."""
    base = dict(indicator="express_volume", name="快递业务量", name_en="Express parcel volume", category="headline",
                kind="flow", unit="亿件", comparator="≥", region="", lead_departments=["市场监管处"], target=24.0)
    return Score(**(base | fields))


@pytest.mark.parametrize(("fields", "zh", "en"), [
    ({}, "≥24亿件", "≥2.4"),  # English: in bn parcels (24亿 = 2.4 bn)
    ({"unit": "%", "target": 95.0, "kind": "ratio"}, "≥95%", "≥95%"),
    ({"unit": "万个", "target": 10.0, "stretch": 15.0, "kind": "level"}, "≥10万个（挑战值 15万个）",
     "≥100,000 (Stretch 150,000)"),  # English counts the boxes: 10万 = 100,000
    ({"unit": "人次", "target": 2000.0, "comparator": ">"}, ">2,000人次", ">2,000"),
    ({"kind": "zero_tolerance", "unit": "起", "target": 0.0, "comparator": "≤"}, "零发生", "Zero"),
    ({"kind": "not_below_last_year", "unit": "分", "target": 78.2}, "不低于去年同期（78.2分）",
     "Not below last year (78.2)"),
    ({"kind": "not_below_last_year", "unit": "分", "target": None}, "不低于去年同期", "Not below last year"),
])
def test_requirement_text_in_the_tables_unit(fields, zh, en):
    score = a_score(**fields)
    assert display.requirement_text(score, "zh") == zh
    assert display.requirement_text(score, "en") == en


def test_scorecard_table_reads_without_a_glossary_and_keeps_numbers_for_excel():
    scores = [
        a_score(actual_ytd=19.2468, data_month=10, completion_pct=80.195, expected_pct_seasonal=78.8149,
                gap_points=1.3801, status="green", yoy_growth_pct=16.8849, growth_target_pct=15.0,
                projection_year_end=24.4321, sources=["a.csv", "b.csv"]),
        a_score(indicator="incidents", name="机要通信安全事故", name_en="Incidents", category="safety",
                kind="zero_tolerance", unit="起", comparator="≤", target=0.0, actual_ytd=None,
                lead_departments=["普遍服务处", "市场监管处"]),
    ]
    zh = display.scorecard_table(scores, 2021, "zh")
    assert list(zh.columns) == ["指标", "类别", "牵头", "状态", "目标要求", "实际完成", "单位", "完成率（%）",
                                "序时进度（%）", "快慢（百分点）", "同比（%）", "目标增幅（%）", "预计全年", "数据截至",
                                "来源文件"]
    first = zh.iloc[0]
    assert (first["状态"], first["目标要求"], first["单位"]) == ("进度正常", "≥24亿件", "亿件")
    assert (first["实际完成"], first["完成率（%）"], first["序时进度（%）"], first["快慢（百分点）"]) == \
        (19.25, 80.2, 78.8, 1.4)
    assert (first["同比（%）"], first["目标增幅（%）"], first["预计全年"]) == (16.9, 15.0, 24.43)
    assert (first["数据截至"], first["来源文件"]) == ("2021年10月", "a.csv; b.csv")
    second = zh.iloc[1]
    assert second["牵头"] == "普遍服务处、市场监管处" and second["状态"] == "无数据" and second["目标要求"] == "零发生"
    assert pd.isna(second["实际完成"]) and second["数据截至"] == ""
    en = display.scorecard_table(scores, 2021, "en")
    assert list(en.iloc[0][["Target", "Unit", "Data through"]]) == ["Express parcel volume", "bn parcels", "Oct 2021"]
    # the cards' scale: 19.2468亿 = 1.92468 bn, 24.4321亿 = 2.44321 bn
    assert (en.iloc[0]["Actual"], en.iloc[0]["Year-end projection"], en.iloc[0]["Requirement"]) == (1.92, 2.44, "≥2.4")
    assert en.iloc[1]["Lead"] == "Universal Service Division, Market Supervision Division"
    assert len(set(en.columns)) == len(en.columns) == len(zh.columns)


def _tables(language: str, catalog) -> dict[str, pd.DataFrame]:
    """Return every display table built from one small input, in one language."""
    rows = pd.DataFrame({"source_row": [2], "year": [2021], "month": [10], "indicator": ["parcels"], "region": [""],
                         "value": [1.5], "basis": ["month"], "note": [""]})
    provenance = pd.DataFrame({"month": [1], "value": [1.0], "ytd": [1.0], "file": ["a.csv"], "row": [2.0],
                               "submitted": [""], "note": [""]})
    league = pd.DataFrame({"label": ["x"], "targets": [1], "green": [1], "yellow": [0], "red": [0], "grey": [0],
                           "on_pace_pct": [100.0]})
    tracker = pd.DataFrame({"status": ["done"], "number": ["1"], "section": [""], "section_title": [""],
                            "text": ["x"], "lead_departments": ["办公室"], "narrative": [""], "updated_month": [10.0],
                            "completion_date": [""], "target_ids": [""]})
    return {
        "problems": display.problems_frame([Problem("a.csv", "err_empty")], language),
        "preview": display.preview_frame(rows, catalog, language),
        "provenance": display.provenance_frame(provenance, "件", language),
        "league": display.league_frame(league, language),
        "tracker": display.tracker_frame(tracker, [], language),
        "scorecard": display.scorecard_table([a_score()], 2021, language),
    }


def test_every_display_table_keeps_all_its_columns_in_both_languages(mini_dir):
    """Headers are dict keys: two columns whose headers translate alike would silently become one."""
    from lib.catalog import load_catalog

    catalog = load_catalog(mini_dir)
    expected = {"problems": 5, "preview": 8, "provenance": 7, "league": 7, "tracker": 9, "scorecard": 15}
    for language in ("zh", "en"):
        tables = _tables(language, catalog)
        assert {name: len(frame.columns) for name, frame in tables.items()} == expected, language
        for name, frame in tables.items():
            assert frame.columns.is_unique, (name, language)


def test_timestamps_read_the_chinese_way():
    assert display.format_timestamp("2026-11-29T09:52:30", "zh") == "2026年11月29日 09:52"
    assert display.format_timestamp("2026-11-29T09:52:30", "en") == "29 Nov 2026 09:52"
    assert display.format_timestamp("", "zh") == ""


def test_submissions_frame_says_who_stored_what_and_whether_it_counts():
    log = pd.DataFrame({"id": ["000002", "000001"], "submitted_at": ["2021-12-02T10:00:00", "2021-12-01T09:05:00"],
                        "user": ["li", "zhang"], "original_name": ["b.csv", "a.csv"], "stored_file": ["x", "y"],
                        "rows": ["3", "12"], "warnings": ["0", "2"], "sha256": ["ab" * 32, "cd" * 32],
                        "status": ["active", "reverted"], "reverted_at": ["", "2021-12-03T08:00:00"],
                        "reverted_by": ["", "li"]})
    zh = display.submissions_frame(log, "zh")
    assert zh.iloc[1].tolist() == ["000001", "2021年12月1日 09:05", "zhang", "a.csv", 12, 2, "已撤回",
                                   "2021年12月3日 08:00 · li", "cdcdcdcdcdcd"]
    assert display.submissions_frame(log, "en").iloc[0]["Status"] == "in use"


def test_intake_summary_says_how_the_file_was_read(sample_dir):
    from lib import store

    good = store.validate(sample_dir, "nov.csv", "月份,指标名称,数值\n2021年11月,快递绿色网点,29\n".encode("gbk"))
    assert display.intake_summary(good, "zh") == "nov.csv：1行数据，0个提醒（长表：每行一个指标，GBK编码）"
    bad = store.validate(sample_dir, "bad.csv", "月份,指标名称,数值\n2021年13月,快递绿色网点,29\n".encode())
    assert display.intake_summary(bad, "en") == \
        "bad.csv: 1 error, 0 warnings, not stored (long: one indicator per row, UTF-8)"


def test_a_1080p_slide_chart_gets_type_larger_in_proportion(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    small = display.presentation_figure(indicator_detail_chart(view, "zh"), height=410)
    big = display.presentation_figure(indicator_detail_chart(view, "zh"), height=640)  # 640 / 480 = 4/3
    assert (small.layout.font.size, small.layout.xaxis.tickfont.size, small.layout.legend.font.size) == (17, 15, 13)
    assert (big.layout.font.size, big.layout.xaxis.tickfont.size, big.layout.legend.font.size) == (23, 20, 17)
    assert big.layout.margin.b == 127  # 95 × 4/3, room for the larger legend


@pytest.mark.parametrize(("text", "level"), [
    ("11–12月还需月均完成2.38亿件，比去年同期月均高7.2%", "###"),  # 49 wide: one line at level 3
    ("Nov–Dec: 2.38 bn parcels needed per month, 7.2% above", "###"),
    ("Nov–Dec: CNY 3.86 bn needed per month, 42.3% above last year", "####"),
    ("Nov–Dec: CNY 3.86 bn needed per month, 42.3% above the same months last year", "#####"),
])
def test_slide_heading_level_keeps_the_headline_on_one_line(text, level):
    assert display.slide_heading(text) == f"{level} {text}"


def test_tracker_frame_names_the_list_where_lists_mix():
    rows = pd.DataFrame({"status": ["done", "done"], "number": ["1", "1"], "section": ["", ""],
                         "section_title": ["", ""], "text": ["甲", "乙"], "lead_departments": ["办公室", "办公室"],
                         "narrative": ["", ""], "updated_month": [float("nan")] * 2, "completion_date": ["", ""],
                         "target_ids": ["", ""], "list_type": ["work_item", "key_work"]})
    assert list(display.tracker_frame(rows, [], "zh", with_list=True)["编号"]) == ["工作要点 1", "重点工作 1"]
    assert list(display.tracker_frame(rows, [], "zh")["编号"]) == ["1", "1"]


@pytest.mark.parametrize(("text", "expected"), [
    ("邮政业务总量", "邮政业务总量"),
    ("主要品牌快递服务建制村通达率", "主要品牌快递服务建制村通达率"),  # 14 characters, 28 wide: one line
    ("城区普遍服务网点“扫黄打非”工作点覆盖率", "城区普遍服务网点<br>“扫黄打非”工作点覆盖率"),  # cut beside the quote
    ("进口邮快件及从业人员感染病例数量统计", "进口邮快件及从业人<br>员感染病例数量统计"),  # no good place: even halves
    ("Outlets with packaging recycling devices", "Outlets with packaging<br>recycling devices"),
])
def test_chart_labels_wrap_by_printed_width(text, expected):
    from lib.charts import wrap_label

    assert wrap_label(text) == expected


def test_english_detail_chart_draws_amounts_in_the_cards_scale(sample_dir):
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    zh, en = indicator_detail_chart(view, "zh"), indicator_detail_chart(view, "en")
    assert (axis_units(zh)["y"], axis_units(en)["y"]) == ("亿件", "bn parcels")
    target = next(trace for trace in en.data if trace.name == "Target")
    assert list(target.y) == pytest.approx([2.4, 2.4])  # 24亿件 = 2.4 bn parcels
    for a, b in zip(zh.data, en.data, strict=True):
        if a.y is not None and a.yaxis != "y3":  # every amount a tenth (YoY %, on its own axis, as it was)
            assert [v * 0.1 if v == v and v is not None else v for v in a.y] == pytest.approx(list(b.y), nan_ok=True)


def test_regions_read_in_english_with_their_month(sample_dir):
    from lib.catalog import load_catalog

    catalog = load_catalog(sample_dir)
    view = indicator_view(open_dataset(sample_dir), 2021, 10, "express_volume")
    en = display.region_frame(view, catalog, "en")
    assert list(en["Region"]) == ["Urban districts", "Changshu", "Zhangjiagang", "Kunshan", "Taicang"]
    assert set(en["Month"]) == {"Oct"} and en["Share"].iloc[0] == "45.2%"
    assert list(en.columns) == ["Region", "Month", "Actual", "Share"]  # no region has a target of its own here
    assert list(display.region_frame(view, catalog, "zh")["地区"]) == ["市区", "常熟市", "张家港市", "昆山市", "太仓市"]
    assert display.region_name("新区", catalog, "en") == "新区 (Chinese only)"  # not in regions.csv


def test_answer_sentence_counts_and_names_the_headline_target_behind(sample_dir):
    scores = scorecard(open_dataset(sample_dir), 2021, 10)
    by_status = {}
    for s in scores:
        by_status[s.status] = by_status.get(s.status, 0) + 1
    assert by_status == {"green": 17, "yellow": 3, "red": 4}  # 24 targets, none without data
    revenue = next(s for s in scores if s.indicator == "postal_business_revenue")
    # 222.85亿元 of 300: 74.3% done where October's seasonal pace asks 79.9%: 5.6 points behind
    assert round(revenue.actual_ytd / 300 * 100, 1) == 74.3 and round(revenue.expected_pct_seasonal, 1) == 79.9
    assert [s.name for s in display.headline_scores(scores) if s.status == "red"] == ["邮政业务收入"]
    assert display.answer_sentence(scores, 2021, 10, "zh") == \
        "截至2021年10月，24项目标17项正常、3项需关注、4项滞后；主要指标中邮政业务收入低于序时进度5.6个百分点。"
    assert display.answer_sentence(scores, 2021, 10, "en") == (
        "As of Oct 2021: 17 of 24 targets on pace, 3 to watch, 4 behind; among the headline targets, "
        "Postal business revenue is 5.6 pp behind expected progress.")


def test_answer_sentence_without_a_headline_target_behind():
    on_pace = a_score(status="green", gap_points=1.4)
    watch = [a_score(indicator=i, name=n, status="yellow", gap_points=g)
             for i, n, g in (("a", "快递业务收入", -2.7), ("b", "邮政业务总量", -4.1))]
    rate = a_score(indicator="r", name="通达率", kind="ratio", unit="%", category="rural", status="red",
                   gap_points=-0.5)
    nodata = a_score(indicator="n", name="满意度", kind="not_below_last_year", status="grey")
    assert display.answer_sentence([on_pace, *watch, rate], 2021, 3, "zh") == \
        "截至2021年3月，4项目标1项正常、2项需关注、1项滞后；主要指标中邮政业务总量低于序时进度4.1个百分点、快递业务收入低于序时进度2.7个百分点。"
    assert display.answer_sentence([on_pace, rate, nodata], 2021, 3, "zh") == \
        "截至2021年3月，3项目标1项正常、0项需关注、1项滞后、1项无数据；主要指标中满意度无数据。"
    assert display.answer_sentence([on_pace], 2021, 3, "en") == \
        "As of Mar 2021: 1 of 1 target on pace, 0 to watch, 0 behind; every headline target is on pace."
    assert display.answer_sentence([rate], 2021, 3, "zh") == "截至2021年3月，1项目标0项正常、0项需关注、1项滞后。"
    headline_rate = a_score(indicator="r", name="通达率", kind="ratio", unit="%", status="red", gap_points=-0.5)
    assert display.answer_sentence([headline_rate], 2021, 3, "zh").endswith("；主要指标中通达率低于目标0.5个百分点。")


def test_league_lines_fit_a_phone(sample_dir):
    from lib.deepdive import league_table

    lines = display.league_lines(league_table(scorecard(open_dataset(sample_dir), 2021, 10), "zh"), "zh").split("\n")
    # 市场监管处 leads 15 targets, 11 on pace: 11 / 15 = 73.3%
    assert lines[1] == "- **市场监管处** · 指标数 15 · ●11 ▲3 ✕1 ○0 · 进度正常占比 73.3%"
    assert len(lines) == 3


def test_table_lines_put_a_row_a_paragraph_for_a_phone_skipping_empty_cells_and_escaping_data():
    frame = pd.DataFrame({"年度": ["2021", "2022"], "文号": ["苏邮管〔2021〕21号", ""],
                          "标题": ["*要点*", None], "印发": ["2021-03-01", "nan"]})
    assert display.table_lines(frame, "zh") == (
        "**2021**  \n文号：苏邮管〔2021〕21号 · 标题：\\*要点\\* · 印发：2021-03-01\n\n**2022**  \n")
    english = pd.DataFrame({"Year": ["2021"], "No.": ["「苏州邮管〔2021〕21号」"], "Issued": ["2021-04-09"]})
    assert display.table_lines(english, "en") == "**2021**  \nNo.: 「苏州邮管〔2021〕21号」 · Issued: 2021-04-09"


def test_tracker_list_shows_each_item_whole_with_its_status_and_escapes_the_text():
    rows = pd.DataFrame({"key": ["work_item:35", "key_work:2"], "list_type": ["work_item", "key_work"],
                         "section": ["工作要点·五", ""], "section_title": ["强化行业治理", ""], "number": ["35", "2"],
                         "text": ["持续推进<b>“扫黄打非”</b>进基层工作。" * 5, "推动文件落地落实。"],
                         "lead_departments": ["普遍服务处", "办公室、市场监管处"], "target_ids": ["express_volume", ""],
                         "status": ["behind", "done"], "narrative": ["已约谈企业", ""],
                         "completion_date": ["", "2021-09-15"], "updated_month": [10.0, float("nan")]})
    scores = [a_score(status="green")]
    zh = display.tracker_list_html(rows, scores, "zh")
    assert zh.count('<div class="plan-item">') == 2 and '<div class="plan-item head">' in zh
    assert '<div class="plan-status behind">✕ 滞后</div>' in zh and '<div class="plan-status done">● 已完成</div>' in zh
    assert "&lt;b&gt;“扫黄打非”&lt;/b&gt;" in zh and "<b>" not in zh  # data is shown as typed, never as markup
    assert "持续推进&lt;b&gt;“扫黄打非”&lt;/b&gt;进基层工作。" * 5 in zh  # the whole text, not cut
    assert '<span class="plan-section">五、强化行业治理</span>' in zh
    assert "关联指标：</span>● 快递业务量" in zh and "办公室、市场监管处" in zh
    assert "(更新月份：10月)" in zh and "(完成时间：2021-09-15)" in zh and "进展情况：</span>—" in zh
    en = display.tracker_list_html(rows, scores, "en", with_list=True)
    assert '<div class="plan-number">Key work 2</div>' in en and "General Office, Market Supervision Division" in en
    assert "Linked targets: </span>● Express parcel volume" in en and "(Updated: Oct)" in en
