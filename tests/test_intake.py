"""The intake path: every format and encoding gives the same canonical rows; every bad file is refused."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from lib import config, store
from lib.intake import parse

TODAY = dt.date(2021, 12, 15)


@pytest.fixture(autouse=True, params=["record path", "column path"])
def intake_path(request, monkeypatch):
    """Run every test here through both ways of checking a file: they must agree."""
    columns = request.param == "column path"
    monkeypatch.setattr(config, "COLUMN_PATH_MIN_RECORDS", 0 if columns else 10**9)
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 0 if columns else 10**9)
    return request.param
# What every good file below says: Nov 2021, 2.5亿件 parcels, 28 green outlets, 1 workstation in 昆山.
EXPECTED = {
    ("express_volume", "", 2021, 11, 2.5, "month"),
    ("green_outlets", "", 2021, 11, 28.0, "month"),
    ("sbdf_workstations", "昆山市", 2021, 11, 1.0, "month"),
}


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LONG = ("period,indicator,value,region,unit,basis,note\n"
        "2021-11,express_volume,2.5,,亿件,month,\n"
        "2021-11,green_outlets,28,,个,,\n"
        "2021-11,sbdf_workstations,1,昆山市,家,,\n")
ZH_LONG = ("月份,指标名称,数值,单位,地区,备注\n"
           "2021年11月,快递业务量,\"25,000\",万件,全市,\n"
           "2021年11月,快递绿色网点,２８,个,,\n"
           "2021年11月,“扫黄打非”工作站,1,家,昆山, \n")
WIDE = ("月份,地区,快递业务量（万件）,快递绿色网点（个）,“扫黄打非”工作站\n"
        "2021/11,,25000,28,\n"
        "2021/11,昆山,,,1\n")
BULLETIN_ROWS = [["2021年11月全市邮政行业运行情况"], [], ["指标名称", "单位", "地区", "本月", "同比增长(%)"],
                 ["快递业务量", "万件", "", 25000, 12.3], ["快递绿色网点", "个", "", 28, None],
                 ["“扫黄打非”工作站", "家", "昆山市", 1, None]]

GOOD_FILES = {
    "long_utf8.csv": LONG.encode("utf-8"),
    "long_bom.csv": ZH_LONG.encode("utf-8-sig"),
    "long_gbk.csv": ZH_LONG.encode("gbk"),
    "long_gb18030_compact.csv": ZH_LONG.replace("2021年11月", "202111").encode("gb18030"),
    "long_dotted.csv": LONG.replace("2021-11", "2021.11").encode("utf-8"),
    "wide.csv": WIDE.encode("gbk"),
    "2021年11月快报.csv": "\n".join(",".join("" if c is None else str(c) for c in r)
                                   for r in BULLETIN_ROWS[2:]).encode("gbk"),
    "long_title_rows.xlsx": xlsx_bytes({"说明": [["见第二页"]], "数据": [
        ["苏州市邮政管理局月度数据"], ["单位：见各行"], ["月份", "指标", "数值", "单位", "地区"],
        [dt.datetime(2021, 11, 1), "快递业务量", 25000, "万件", None], ["2021-11", "快递绿色网点", 28, "个", None],
        ["2021-11", "sbdf_workstations", 1, "家", "昆山"]]}),
    "bulletin.xlsx": xlsx_bytes({"Sheet1": BULLETIN_ROWS}),
}


def canonical(parsed) -> set[tuple]:
    return {(r.indicator, r.region, r.year, r.month, round(r.value, 9), r.basis) for r in parsed.rows.itertuples()}


@pytest.mark.parametrize("name", list(GOOD_FILES))
def test_every_format_and_encoding_gives_the_same_rows(sample_dir, name):
    sheet = "数据" if name == "long_title_rows.xlsx" else None
    parsed = store.validate(sample_dir, name, GOOD_FILES[name], sheet=sheet, today=TODAY)
    assert parsed.accepted, [p.message("en") for p in parsed.problems]
    assert canonical(parsed) == EXPECTED


def test_layout_and_encoding_are_reported(sample_dir):
    assert store.validate(sample_dir, "wide.csv", GOOD_FILES["wide.csv"], today=TODAY).layout == "wide"
    parsed = store.validate(sample_dir, "b.xlsx", GOOD_FILES["bulletin.xlsx"], today=TODAY)
    assert (parsed.layout, parsed.encoding) == ("bulletin", "xlsx")
    assert store.validate(sample_dir, "g.csv", GOOD_FILES["long_gbk.csv"], today=TODAY).encoding == "gb18030"


def test_bulletin_prefers_the_cumulative_column(sample_dir):
    text = "2021年11月快报\n指标名称,单位,本月,累计\n快递业务量,万件,25000,217500\n"
    parsed = store.validate(sample_dir, "b.csv", text.encode("gbk"), today=TODAY)
    assert canonical(parsed) == {("express_volume", "", 2021, 11, 21.75, "ytd")}


BAD = "period,indicator,value,region,unit,basis,note\n"
BAD_FILES = [
    # (name, content, expected code, row, column)
    ("no_indicator.csv", "月份,数值\n2021-11,1\n", "err_no_header", None, None),
    ("bulletin_no_month.csv", "指标名称,本月\n快递业务量,1\n", "err_bulletin_period", None, None),
    ("unknown.csv", BAD + "2021-11,快递业务,1,,,,\n", "err_indicator_hint", 2, "indicator"),
    ("period.csv", BAD + "2021-13,green_outlets,1,,,,\n", "err_period", 2, "period"),
    ("number.csv", BAD + "2021-11,green_outlets,二十八,,,,\n", "err_number", 2, "value"),
    ("unit.csv", BAD + "2021-11,green_outlets,28,,公斤,,\n", "err_unit", 2, "unit"),
    ("negative_rate.csv", BAD + "2021-11,village_coverage,-3,,%,,\n", "err_negative", 2, "value"),
    ("rate.csv", BAD + "2021-11,village_coverage,100.5,,%,,\n", "err_over_100", 2, "value"),
    ("dup.csv", BAD + "2021-11,green_outlets,28,,,,\n2021-11,快递绿色网点,29,,,,\n", "err_duplicate", 3, "period"),
    ("future.csv", BAD + "2022-01,green_outlets,28,,,,\n", "err_future", 2, "period"),
    ("old_year.csv", BAD + "2019-05,green_outlets,28,,,,\n", "err_year", 2, "period"),
    ("empty.csv", "", "err_empty", None, None),
    ("header_only.csv", BAD, "err_empty", None, None),
    ("binary.csv", "\x00\x01\x02PNG\x00".encode("latin-1"), "err_binary", None, None),
    ("old_excel.xls", "whatever", "err_not_workbook", None, None),
    ("report.pdf", "%PDF-1.4", "err_format", None, None),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "err_corrupt", None, None),
]


@pytest.mark.parametrize("name, content, code, row, column", BAD_FILES)
def test_every_bad_file_is_refused_with_a_located_message(sample_dir, name, content, code, row, column):
    data = content.encode("utf-8") if isinstance(content, str) else content
    parsed = store.validate(sample_dir, name, data, today=TODAY)
    assert not parsed.accepted
    assert parsed.rows.empty
    first = parsed.errors[0]
    assert (first.code, first.row, first.column) == (code, row, column)
    assert name in first.message("zh") and name in first.message("en")


def test_a_falling_year_to_date_and_a_negative_amount_are_stored_with_warnings(sample_dir):
    # 200000万件 = 20亿件 to November, 190000万件 = 19亿件 to December: 1亿件 less; 3 green outlets fewer
    data = (BAD + "2021-11,快递业务量,200000,,万件,累计,\n2021-12,快递业务量,190000,,万件,累计,\n"
                  "2021-11,green_outlets,-3,,,,\n").encode()
    parsed = store.validate(sample_dir, "ytd_down.csv", data, today=TODAY)
    assert parsed.accepted and len(parsed.rows) == 3
    within = [p for p in parsed.warnings if p.code in ("warn_ytd_down", "warn_negative")]  # (and the sample's)
    assert [(p.code, p.row, p.column, p.value) for p in within] == [
        ("warn_ytd_down", 3, "value", "19"), ("warn_negative", 4, "value", "-3")]
    down, negative = within
    assert down.message("zh") == ("ytd_down.csv 第3行「value」：累计「19」比上月累计「20」（第2行）少1亿件，"
                                  "相当于当月为负：仍可入库，请核对")
    assert down.message("en").startswith("ytd_down.csv row 3, column 'value': year to date 19 亿件 is 1 亿件 below "
                                         "last month's 20 亿件 (row 2)")
    assert negative.detail("zh").startswith("当月数值为「-3个」，小于0")


def test_oversized_file_is_refused(sample_dir, monkeypatch):
    monkeypatch.setattr(config, "MAX_ACTUALS_FILE_BYTES", 100)
    parsed = store.validate(sample_dir, "big.csv", (BAD + "2021-11,green_outlets,28,,,,\n" * 10).encode(), today=TODAY)
    assert [p.code for p in parsed.problems] == ["err_too_large"]


def test_every_problem_is_reported_at_once(sample_dir):
    text = BAD + "2021-13,green_outlets,1,,,,\n2021-11,快递业务亮,1,,,,\n2021-11,green_outlets,x,,,,\n"
    parsed = store.validate(sample_dir, "many.csv", text.encode(), today=TODAY)
    assert [(p.row, p.code) for p in parsed.errors] == [(2, "err_period"), (3, "err_indicator_hint"),
                                                        (4, "err_number")]


def test_chinese_header_is_named_in_the_message(sample_dir):
    parsed = store.validate(sample_dir, "zh.csv", "月份,指标名称,数值\n2021年13月,快递业务量,1\n".encode("gbk"),
                            today=TODAY)
    assert parsed.errors[0].message("zh") == "zh.csv 第2行「月份」：「2021年13月」不是有效的月份，应为如 2021-03 的年月"


def test_outlier_and_revision_are_warnings_not_errors(sample_dir):
    text = BAD + "2021-11,快递业务量,80000,,万件,,\n2021-10,green_outlets,27,,个,,\n"
    parsed = store.validate(sample_dir, "w.csv", text.encode(), today=TODAY)
    assert parsed.accepted
    codes = {(p.row, p.code) for p in parsed.warnings}
    assert codes == {(2, "warn_outlier"), (3, "warn_revision")}
    revision = next(p for p in parsed.warnings if p.code == "warn_revision")
    assert "26 → 27个" in revision.message("zh") and "sample_2021-10.csv" in revision.message("zh")


def test_the_same_parser_reads_dropped_files(sample_dir):
    (sample_dir / "actuals" / "2021-11_wide.csv").write_bytes(GOOD_FILES["wide.csv"])
    from lib.dataset import open_dataset

    ds = open_dataset(sample_dir)
    assert not ds.rejected
    rows = ds.query("SELECT indicator, value FROM actuals WHERE year = 2021 AND month = 11 ORDER BY indicator")
    assert dict(zip(rows["indicator"], rows["value"])) == {"express_volume": 2.5, "green_outlets": 28.0,
                                                           "sbdf_workstations": 1.0}


def test_dropped_file_with_a_future_month_is_refused_and_named(sample_dir):
    from lib.dataset import open_dataset

    (sample_dir / "actuals" / "typo.csv").write_text(BAD + "2099-01,green_outlets,28,,,,\n", encoding="utf-8")
    ds = open_dataset(sample_dir)
    assert [(r.file, r.errors[0].code) for r in ds.rejected] == [("typo.csv", "err_future")]


def test_parse_without_context_checks_the_file_alone(sample_dir):
    from lib.catalog import load_catalog

    parsed = parse("f.csv", (BAD + "2099-01,green_outlets,28,,,,\n").encode(), load_catalog(sample_dir))
    assert parsed.accepted


def _loaded_through_october(mini_dir):
    """Load 2020 by month (Nov 14, Dec 12) and Jan–Oct 2021 at 9 a month: October's year to date is 90."""
    from tests.conftest import add_actuals, monthly

    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, [4, 6, 8, 8, 8, 8, 8, 8, 8, 8, 14, 12])
                + monthly("parcels", 2021, [9] * 10))


@pytest.mark.parametrize(("lines", "expected"), [
    # October's total again: November would be 0 against last November's 14
    (["2021-11,parcels,90,,,累计,"], [(2, "warn_ytd_month_outlier", {"prev": "90", "implied": "0", "last": "14"})]),
    (["2021-11,parcels,104,,,累计,"], []),  # 104 − 90 = 14, as last November
    (["2021-11,parcels,80,,,累计,"], [(2, "warn_ytd_below_loaded", {"prev": "90", "implied": "-10", "last": "14"})]),
    # December from November in the same file: 104 − 104 = 0 against last December's 12
    (["2021-11,parcels,104,,,累计,", "2021-12,parcels,104,,,累计,"],
     [(3, "warn_ytd_month_outlier", {"prev": "104", "implied": "0", "last": "12"})]),
    (["2021-11,parcels,150,,,累计,"], [(2, "warn_ytd_month_outlier", {"prev": "90", "implied": "60", "last": "14"})]),
])
def test_year_to_date_is_checked_by_the_month_it_implies(mini_dir, lines, expected):
    _loaded_through_october(mini_dir)
    text = "period,indicator,value,region,unit,basis,note\n" + "\n".join(lines) + "\n"
    parsed = store.validate(mini_dir, "nov.csv", text.encode(), today=TODAY)
    assert parsed.accepted
    found = [(p.row, p.code, {k: p.params[k] for k in ("prev", "implied", "last")}) for p in parsed.warnings]
    assert found == expected


def test_implied_month_warning_reads_in_both_languages(mini_dir):
    _loaded_through_october(mini_dir)
    text = "period,indicator,value,region,unit,basis,note\n2021-11,parcels,90,,,累计,\n"
    warning = store.validate(mini_dir, "nov.csv", text.encode(), today=TODAY).warnings[0]
    assert warning.message("zh") == ("nov.csv 第2行「value」：累计值减去上月累计（90亿件），当月为0亿件，"
                                     "与去年同月（14亿件）相差过大，请核对")
    assert "leaves 0 亿件 for the month, far from the same month last year (14 亿件)" in warning.message("en")
