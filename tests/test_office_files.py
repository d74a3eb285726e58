"""Files as statistics offices make them (#14): .xls and .ods saved by LibreOffice, merged two- and three-row headers,
title rows, units in names and headers, 其中 rows and footers, one sheet per month, reported growth checked against
the baseline, messages an analyst can act on, bulletin templates."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from lib import store, templates
from lib.catalog import load_catalog
from lib.intake import parse
from tests.conftest import REPO, add_actuals, analyst, monthly, run_cli

TODAY = dt.date(2021, 12, 15)
OFFICE = REPO / "tests" / "fixtures" / "office"  # made by tests/fixtures/make_office_fixtures.py (LibreOffice)


def canonical(parsed) -> set[tuple]:
    return {(r.indicator, r.region, r.year, r.month, round(r.value, 9), r.basis) for r in parsed.rows.itertuples()}


def codes(problems) -> list[tuple]:
    return [(p.code, p.sheet, p.row, p.params.get("rows")) for p in problems]


def xlsx(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BULLETIN_MERGES = ["A1:F1", "A3:A4", "B3:B4", "C3:D3", "E3:F3"]


def bulletin(title: str, rows: list[list[object]], top=("指标名称", "单位", "本月", None, "累计", None),
             sub=(None, None, "数值", "同比增长（%）", "数值", "同比增长（%）")) -> list[list[object]]:
    return [[title], [], list(top), list(sub), *rows]


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_bulletin_saved_by_an_office_suite_imports_to_its_numbers(sample_dir, suffix):
    name = f"bulletin_2021-11.{suffix}"
    parsed = store.validate(sample_dir, name, (OFFICE / name).read_bytes(), today=TODAY)
    assert parsed.accepted, [p.message() for p in parsed.problems]
    # 25000万件 = 2.5亿件; the 其中 rows (同城, and 异地 indented under it) and the footer are not data
    assert canonical(parsed) == {("express_volume", "", 2021, 11, 2.5, "month"),
                                 ("green_outlets", "", 2021, 11, 28.0, "month")}
    assert (parsed.layout, parsed.encoding) == ("bulletin", suffix)
    assert codes(parsed.warnings) == [("warn_footer_rows", "快报", None, "9–11"),
                                      ("warn_sub_items", "快报", None, "6–7"),
                                      ("warn_growth_mismatch", "快报", 5, None)]
    assert parsed.warnings[1].message("zh") == f"{name}「快报」工作表：第6–7行为“其中”分项，未入库"
    # November 2020 was 2.4662亿件: 2.5 / 2.4662 − 1 = 1.37%, not the 12.3% the file says
    assert parsed.warnings[2].detail("zh") == "文件中当月同比 12.3%，按2020年同期计算为 1.4%，请核对口径"
    assert parsed.warnings[2].column == "本月·同比增长(%)"
    # the preview shows the file's own value and unit beside the stored one
    first = parsed.rows.iloc[0]
    assert (first["source_value"], first["source_unit"], first["value"], first["source_sheet"]) == (
        "25000", "万件", 2.5, "快报")


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_one_sheet_per_month_imports_in_one_submission(sample_dir, suffix):
    path = OFFICE / f"2021年快报_按月.{suffix}"
    result = run_cli("import", path, "--data-dir", sample_dir, "--user", "zhang")
    assert result.returncode == 0, result.stdout + result.stderr
    stored = (sample_dir / "actuals" / "sub-000001.csv").read_text(encoding="utf-8")
    # the year from the file name, each month from its sheet: 217500万件 and 245000万件 to date
    assert stored.splitlines()[1:] == ["2021-11,express_volume,21.75,,亿件,ytd,",
                                       "2021-12,express_volume,24.5,,亿件,ytd,"]
    assert "工作表「填表说明」为说明页，未读取" in result.stdout
    assert "「11月」工作表：第6–8行为表尾" in result.stdout and "「12月」工作表：第6–8行为表尾" in result.stdout


def test_sheet_still_picks_one_sheet(sample_dir):
    data = (OFFICE / "2021年快报_按月.xls").read_bytes()
    parsed = store.validate(sample_dir, "2021年快报_按月.xls", data, sheet="12月", today=TODAY)
    assert canonical(parsed) == {("express_volume", "", 2021, 12, 24.5, "ytd")}
    assert parsed.read_sheets == ["12月"]
    missing = store.validate(sample_dir, "2021年快报_按月.xls", data, sheet="13月", today=TODAY)
    assert missing.errors[0].message("zh") == ("2021年快报_按月.xls：找不到工作表「13月」"
                                               "（文件中的工作表：填表说明、11月、12月）")


def month_sheets(nov: object, dec: object) -> bytes:
    rows = {f"{m}月": bulletin("苏州市邮政行业运行情况", [["快递业务量", "万件", None, None, v, None]])
            for m, v in ((11, nov), (12, dec))}
    return xlsx(rows, {name: BULLETIN_MERGES for name in rows})


def test_a_month_sheet_with_an_error_stores_no_sheet(sample_dir):
    result = run_cli("import", "--data-dir", sample_dir, "--user", "zhang", "--format", "text",
                     _write(sample_dir.parent / "2021年快报.xlsx", month_sheets(217500, "二十四万")))
    assert result.returncode == 1
    assert "2021年快报.xlsx「12月」工作表第5行「累计·数值」：「二十四万」不是数字" in result.stdout
    assert not list((sample_dir / "actuals").glob("sub-*"))


def test_year_to_date_going_down_across_month_sheets_names_the_other_sheet(sample_dir):
    parsed = store.validate(sample_dir, "2021年快报.xlsx", month_sheets(217500, 200000), today=TODAY)
    assert parsed.accepted  # a warning, kept with the file: 21.75亿件 to November, 20亿件 to December
    (warning,) = parsed.warnings
    assert (warning.code, warning.sheet, warning.row) == ("warn_ytd_down_sheet", "12月", 5)
    assert warning.detail("zh") == ("累计「20」比上月累计「21.75」（工作表「11月」第5行）少1.75亿件，"
                                    "相当于当月为负：仍可入库，请核对")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _loaded_through_october(mini_dir):
    """2020 by month (Nov 14, Dec 12: to November 88亿件) and Jan–Oct 2021 at 9 a month (October to date: 90)."""
    add_actuals(mini_dir, "a.csv", monthly("parcels", 2020, [4, 6, 8, 8, 8, 8, 8, 8, 8, 8, 14, 12])
                + monthly("parcels", 2021, [9] * 10))


def test_a_merged_two_row_header_reads_month_and_year_to_date_and_checks_reported_growth(mini_dir):
    _loaded_through_october(mini_dir)
    data = xlsx({"Sheet1": bulletin("苏州市邮政行业运行情况（2021年11月）", [
        ["快递业务量", "万件", 150000, 7.1, 1050000, 22.0],  # 15亿件 this month, 105亿件 to date
        ["绿色网点", "个", 31, None, None, None]])}, {"Sheet1": BULLETIN_MERGES})
    parsed = store.validate(mini_dir, "快报.xlsx", data, today=TODAY)
    assert parsed.accepted, [p.message() for p in parsed.problems]
    # the year to date is read when there is one: 105亿件; outlets have only this month's 31
    assert canonical(parsed) == {("parcels", "", 2021, 11, 105.0, "ytd"), ("outlets", "", 2021, 11, 31.0, "month")}
    # 105 / 88 − 1 = 19.3%, not the file's 22.0% (its month figure, 15 / 14 − 1 = 7.1%, is not the one read)
    assert [p.message("zh") for p in parsed.warnings] == [
        "快报.xlsx「Sheet1」工作表第5行「累计·同比增长(%)」："
        "文件中累计同比 22.0%，按2020年同期计算为 19.3%，请核对口径"]
    assert "the file says year to date growth 22.0%; computed from 2020 it is 19.3%" in parsed.warnings[0].message("en")


def test_a_three_row_header_takes_the_month_from_its_top_group(mini_dir):
    _loaded_through_october(mini_dir)
    rows = [["指标名称", "单位", "2021年11月", None, None, None], [None, None, "本月", None, "1-11月累计", None],
            [None, None, "数值", "同比增长（%）", "数值", "同比增长（%）"],
            ["快递业务量", "万件", 150000, 7.1, 1050000, 19.3]]
    data = xlsx({"数据": rows}, {"数据": ["A1:A3", "B1:B3", "C1:F1", "C2:D2", "E2:F2"]})
    parsed = store.validate(mini_dir, "data.xlsx", data, today=TODAY)
    assert parsed.accepted and not parsed.warnings, [p.message() for p in parsed.problems]
    assert canonical(parsed) == {("parcels", "", 2021, 11, 105.0, "ytd")}


def test_a_merged_header_without_merge_information_still_reads(mini_dir):
    """CSV and .ods carry no merges: the group's text stands over its first column only."""
    text = ("2021年11月快报\n指标名称,单位,本月,,累计,\n,,数值,同比增长（%）,数值,同比增长（%）\n"
            "快递业务量,亿件,15,7.1,105,19.3\n")
    parsed = store.validate(mini_dir, "b.csv", text.encode("gbk"), today=TODAY)
    assert canonical(parsed) == {("parcels", "", 2021, 11, 105.0, "ytd")}


def test_a_merged_header_that_cannot_be_resolved_is_refused_at_its_cell(mini_dir):
    rows = [["2021年11月快报"], ["指标名称", "单位", "合计", None], [None, None, "数值", "数值"],
            ["快递业务量", "亿件", 15, 105]]
    parsed = store.validate(mini_dir, "b.xlsx", xlsx({"表1": rows}, {"表1": ["C2:D2"]}), today=TODAY)
    error = parsed.errors[0]
    assert (error.code, error.sheet, error.params["cell"]) == ("err_header_ambiguous", "表1", "D3")
    assert "哪一列是本月、哪一列是累计" in error.message("zh") and "b.xlsx「表1」工作表" in error.message("zh")


@pytest.mark.parametrize("rows, unit_cell", [
    # the unit in the indicator's name, in the value's header, in a title row
    ([["period", "indicator", "value"], ["2021-11", "快递业务量（万件）", "150000"]], None),
    ([["月份", "指标名称", "本月（万件）"], ["2021年11月", "快递业务量", "150000"]], None),
    ([["单位：万件"], ["月份", "指标名称", "数值"], ["2021年11月", "快递业务量", "150000"]], None),
])
def test_a_unit_is_read_wherever_offices_write_it(mini_dir, rows, unit_cell):
    text = "\n".join(",".join(r) for r in rows) + "\n"
    parsed = store.validate(mini_dir, "u.csv", text.encode("utf-8"), today=TODAY)
    assert parsed.accepted, [p.message() for p in parsed.problems]
    assert canonical(parsed) == {("parcels", "", 2021, 11, 15.0, "month")}  # 150000万件 = 15亿件


def test_a_region_is_read_from_the_title(sample_dir):
    rows = bulletin("昆山市邮政行业运行情况（2021年11月）", [["“扫黄打非”工作站", "家", 1, None, None, None]])
    data = xlsx({"快报": rows}, {"快报": BULLETIN_MERGES})
    parsed = store.validate(sample_dir, "ks.xlsx", data, today=TODAY)
    assert canonical(parsed) == {("sbdf_workstations", "昆山市", 2021, 11, 1.0, "month")}


def test_a_sub_item_that_is_an_indicator_is_read_as_one(sample_dir):
    data = xlsx({"快报": bulletin("苏州市邮政行业运行情况（2021年11月）", [
        ["快递业务量", "万件", 25000, None, None, None], ["其中：电商快件量", "万件", 14100, None, None, None],
        ["　　其中：同城", "万件", 3000, None, None, None], [None], ["快递绿色网点", "个", 28, None, None, None]])},
        {"快报": BULLETIN_MERGES})
    parsed = store.validate(sample_dir, "b.xlsx", data, today=TODAY)
    assert canonical(parsed) == {("express_volume", "", 2021, 11, 2.5, "month"),
                                 ("ecommerce_parcels", "", 2021, 11, 14100.0, "month"),
                                 ("green_outlets", "", 2021, 11, 28.0, "month")}
    assert [(p.code, p.params.get("rows")) for p in parsed.warnings if p.code != "warn_outlier"] == [
        ("warn_blank_rows", "8"), ("warn_sub_items", "7")]


def test_messages_name_what_the_analyst_sees(sample_dir):
    unknown = store.validate(sample_dir, "x.csv", "月份,指标名称,数值\n2021-11,快递件量,1\n".encode(), today=TODAY)
    message = unknown.errors[0].message("zh")
    assert "targets.csv" not in message
    assert message == ("x.csv 第2行「指标名称」：未知指标「快递件量」，最接近的指标：电商快件量 (ecommerce_parcels)、"
                       "快递业务量 (express_volume)、可循环快递箱（盒）使用量 (recyclable_boxes)")
    no_match = store.validate(sample_dir, "y.csv", "月份,指标名称,数值\n2021-11,ZZZ,1\n".encode(), today=TODAY)
    assert no_match.errors[0].detail("zh") == "未知指标「ZZZ」：请使用模板（“模板下载”页）中的指标名称"
    refused = store.validate(sample_dir, "汇总.docx", b"PK\x03\x04...", today=TODAY)
    assert refused.errors[0].message("zh") == (
        "汇总.docx：不支持的文件类型「.docx」。可以上传：CSV（.csv、.txt）、Excel 工作簿（.xlsx、.xlsm、.xls、.xlsb）、"
        "WPS/LibreOffice 表格（.ods）")
    html = store.validate(sample_dir, "导出.xls", b"<html><table><tr><td>1</td></tr></table></html>",
                          today=TODAY)
    assert html.errors[0].code == "err_html_workbook" and "另存为” .xlsx" in html.errors[0].message("zh")


def test_a_correction_compares_like_with_like_and_cites_the_submission(mini_dir):
    _loaded_through_october(mini_dir)
    month = "period,indicator,value,region,unit,basis,note\n2021-11,parcels,15,,亿件,当月,\n"
    first = store.import_file(mini_dir, "十一月快报.csv", month.encode(), by=analyst("张三"), today=TODAY,
                              now=dt.datetime(2021, 9, 10, 9, 30))
    assert first.submission_id == "000001"
    # a year to date for November: compared with the loaded one, 90 + 15 = 105, not with the month's 15
    ytd = "period,indicator,value,region,unit,basis,note\n2021-11,parcels,110,,亿件,累计,\n"
    parsed = store.validate(mini_dir, "更正.csv", ytd.encode(), today=TODAY)
    revision = next(p for p in parsed.warnings if p.code.startswith("warn_revision"))
    assert revision.detail("zh") == ("修订已入库的累计数据：105 → 110亿件（原数据：提交编号 000001，"
                                     "2021年9月10日，张三，原文件名 十一月快报.csv）")
    assert revision.detail("en") == ("revises the loaded year to date figure: 105 → 110 亿件 (was from submission "
                                     "000001, 10 Sep 2021, 张三, original file 十一月快报.csv)")
    again = store.validate(mini_dir, "更正.csv", month.replace(",15,", ",16,").encode(), today=TODAY)
    month_revision = next(p for p in again.warnings if p.code.startswith("warn_revision"))
    assert "修订已入库的当月数据：15 → 16亿件" in month_revision.detail()


@pytest.mark.parametrize("maker, suffix", [(templates.to_bulletin_xlsx, "xlsx"), (templates.to_bulletin_xls, "xls")])
def test_the_bulletin_template_filled_in_imports(sample_dir, maker, suffix):
    catalog = load_catalog(sample_dir)
    frame = templates.bulletin_frame(catalog)
    frame.loc[frame["指标名称"] == "快递业务量", "累计数值"] = 21.75  # the template's unit for it: 亿件
    frame.loc[frame["指标名称"] == "快递绿色网点", "本月数值"] = 28
    data = maker(frame, 2021, 11)
    parsed = parse(f"template.{suffix}", data, catalog)
    assert canonical(parsed) == {("express_volume", "", 2021, 11, 21.75, "ytd"),
                                 ("green_outlets", "", 2021, 11, 28.0, "month")}
    book_sheets = parsed.sheets
    assert book_sheets == ["11月", "填表说明"]
    assert [p.code for p in parsed.warnings] == ["warn_notes_sheet", "warn_footer_rows", "warn_blank_values"]
    blank = parsed.warnings[2]  # every indicator row left empty is named, not dropped without a word (#25)
    assert blank.params["count"] == len(frame) - 2 and blank.params["rows"].startswith("5")
