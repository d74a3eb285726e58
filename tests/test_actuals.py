"""Reading actuals files: encodings, formats of periods and numbers, and row-precise problems."""

from __future__ import annotations

import pytest

from lib.actuals import read_actuals_file
from lib.catalog import load_catalog
from lib.dataset import open_dataset
from lib.intake import parse_number, parse_period
from tests.conftest import add_actuals

CANONICAL = "period,indicator,value,region,unit,basis,note\n"


@pytest.mark.parametrize("text, expected", [
    ("2021-03", (2021, 3)), ("2021年3月", (2021, 3)), ("2021/3", (2021, 3)), ("202103", (2021, 3)),
    ("2021.03", (2021, 3)), (" ２０２１－０３ ", (2021, 3)), ("2021-13", None), ("March", None), ("2021", None),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1,234.5", 1234.5), ("９５．５", 95.5), (" 96.2% ", 96.2), ("0", 0.0), ("abc", None), ("", None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_csv_in_every_excel_encoding_reads_the_same(mini_dir, encoding):
    path = mini_dir / "actuals" / f"f_{encoding}.csv"
    path.write_bytes((CANONICAL + "2021年1月,快递业务量,\"12,345\",全市,万件,累计,春节前\n").encode(encoding))
    report = read_actuals_file(path, load_catalog(mini_dir))
    assert report.accepted, [p.message() for p in report.problems]
    row = report.rows.iloc[0]
    got = (row.indicator, row.year, row.month, row.basis, row.region, row.note)
    assert got == ("parcels", 2021, 1, "ytd", "", "春节前")
    assert row.value == pytest.approx(1.2345)


def messages(mini_dir, text: str, lang="zh"):
    path = mini_dir / "actuals" / "bad.csv"
    path.write_text(text, encoding="utf-8")
    report = read_actuals_file(path, load_catalog(mini_dir))
    return report, [p.message(lang) for p in report.problems]


def test_every_bad_row_is_reported_with_row_column_and_value(mini_dir):
    report, msgs = messages(mini_dir, CANONICAL + "\n".join([
        "2021-01,parcels,1.0,,,,",          # row 2: fine
        "2021-13,parcels,1.0,,,,",          # row 3: bad month
        "2021-02,快递业务,1.0,,,,",           # row 4: unknown indicator, suggests 快递业务量
        "2021-02,parcels,abc,,,,",          # row 5: not a number
        "2021-02,parcels,1.0,,公斤,,",       # row 6: unknown unit
        "2021-02,coverage,101,,%,,",        # row 7: rate above 100%
        "2021-02,coverage,-1,,%,,",         # row 8: negative rate
        "2021-02,parcels,1.0,火星,,,",       # row 9: unknown region
        "2021-01,parcels,2.0,,,,",          # row 10: duplicates row 2
        "2021-02,parcels,1.0,,,weekly,",    # row 11: bad basis
    ]) + "\n")
    assert not report.accepted
    assert report.rows.empty  # nothing from a refused file is loaded
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "period"), (4, "indicator"), (5, "value"), (6, "unit"), (7, "value"),
        (8, "value"), (9, "region"), (10, "period"), (11, "basis")]
    assert msgs[0] == "bad.csv 第3行「period」：「2021-13」不是有效的月份，应为如 2021-03 的年月"
    assert "快递业务量 (parcels)" in msgs[1]
    assert "亿件、万件、件" in msgs[3] or "件、万件、亿件" in msgs[3]
    assert "与第2行重复" in msgs[7]


def test_problems_speak_english_when_asked(mini_dir):
    _, msgs = messages(mini_dir, CANONICAL + "2021-13,parcels,1.0,,,,\n", lang="en")
    assert msgs == ["bad.csv row 2, column 'period': '2021-13' is not a month; expected a period like 2021-03"]


@pytest.mark.parametrize("content, code", [
    (b"", "err_empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "err_binary"),
    ("月份,数值\n2021-01,1\n".encode(), "err_no_header"),
])
def test_unusable_files_are_refused_whole(mini_dir, content, code):
    path = mini_dir / "actuals" / "x.csv"
    path.write_bytes(content)
    report = read_actuals_file(path, load_catalog(mini_dir))
    assert [p.code for p in report.problems] == [code]


def test_a_bad_file_never_hides_the_good_ones(mini_dir):
    add_actuals(mini_dir, "good.csv", [dict(period="2021-01", indicator="outlets", value=3)])
    (mini_dir / "actuals" / "broken.csv").write_text(CANONICAL + "2021-01,outlets,lots,,,,\n", encoding="utf-8")
    ds = open_dataset(mini_dir)
    assert [r.file for r in ds.rejected] == ["broken.csv"]
    assert ds.query("SELECT count(*) AS n FROM actuals")["n"][0] == 1


def test_chinese_header_words_are_understood(mini_dir):
    path = mini_dir / "actuals" / "zh.csv"
    path.write_text("月份,指标名称,数值,单位,地区,口径,备注\n2021-01,绿色网点,3,个,全市,当月,\n", encoding="utf-8")
    report = read_actuals_file(path, load_catalog(mini_dir))
    assert report.accepted and report.rows.iloc[0].indicator == "outlets"
