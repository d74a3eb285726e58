"""The column-at-a-time intake gives exactly what checking one record at a time gives, on messy files."""

from __future__ import annotations

import datetime as dt
import io
import random

import pandas as pd
import pytest

from lib import config, intake
from lib.catalog import load_catalog
from lib.intake import ROW_COLUMNS, Context, checks

PERIODS = ["2021-11", "2021年3月", "2021/7", "202105", "2021.09", "2021-13", "2022-01", "2019-05", "x", "",
           " 2021-10 ", "２０２１-０８"]
INDICATORS = ["express_volume", "快递业务量", "快递绿色网点", "green_outlets", "village_coverage", "快递业务",
              "nope", "", "“扫黄打非”工作站", "EXPRESS_VOLUME"]
VALUES = ["1", "2.5", "25,000", "２８", "-3", "100.5", "99%", "1e3", "x", "", " ", "nan", "inf", "1_000",
          "+4", ".5", "5.", "1e400", "0", "\t7", "12 345"]
REGIONS = ["", "全市", "昆山", "昆山市", "姑苏区", "火星", "city"]
UNITS = ["", "万件", "亿件", "件", "个", "%", "公斤", "nonsense"]
BASES = ["", "month", "累计", "ytd", "本月", "weekly"]


def messy_long_csv(seed: int, rows: int) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("period,indicator,value,region,unit,basis,note\n")
    for i in range(rows):
        cells = [rng.choice(PERIODS), rng.choice(INDICATORS), rng.choice(VALUES), rng.choice(REGIONS),
                 rng.choice(UNITS), rng.choice(BASES), rng.choice(["", "ok", f"note {i}", " 备注 "])]
        out.write(",".join(f'"{c}"' if "," in c else c for c in cells) + "\n")
    return out.getvalue()


def as_tuples(frame: pd.DataFrame, problems: list, unlisted: int) -> tuple:
    return (list(frame[ROW_COLUMNS].itertuples(index=False, name=None)),
            [(p.code, p.row, p.column, p.value, p.severity, sorted(p.params.items())) for p in problems], unlisted)


WIDE_VALUES = ["1", "2.5", "", "", "x", "-1", "25,000", "0"]


def messy_wide_csv(seed: int, rows: int) -> str:
    """Return a wide sheet: a period and region per row, one column per indicator, blanks unreported."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("月份,地区,口径,快递业务量（万件）,快递业务收入（亿元）,快递绿色网点,邮政业务总量\n")
    for _ in range(rows):
        cells = [rng.choice(PERIODS[:8]), rng.choice(REGIONS[:5]), rng.choice(["", "", "累计", "x"]),
                 *(rng.choice(WIDE_VALUES) for _ in range(4))]
        out.write(",".join(f'"{c}"' if "," in c else c for c in cells) + "\n")
    return out.getvalue()


CONTEXT = dict(loaded={("express_volume", "", 2021, 11): (2.5, "month", "a.csv"),
                       ("green_outlets", "", 2021, 3): (28.0, "month", "b.csv"),
                       ("express_volume", "昆山市", 2021, 7): (0.1, "ytd", "c.csv")},
               last_year={("express_volume", "", 2020, 11): 0.2, ("green_outlets", "", 2020, 3): 5.0,
                          ("express_volume", "", 2020, 5): 1.0, ("express_volume", "", 2020, 8): 2.0,
                          ("express_volume", "", 2020, 10): 1.5, ("express_volume", "昆山市", 2020, 8): 0.3},
               # loaded years to date: the month a year-to-date row implies is checked against last year's
               ytd={("express_volume", "", 2021, 10): 2.0, ("express_volume", "", 2021, 4): 0.5,
                    ("express_volume", "", 2021, 7): 1.0, ("express_volume", "", 2021, 9): 30.0,
                    ("express_volume", "昆山市", 2021, 7): 0.1})


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limit", [1000, 7])
def test_column_path_agrees_on_wide_sheets_and_with_a_low_problem_cap(sample_dir, monkeypatch, seed, limit):
    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", limit)
    catalog = load_catalog(sample_dir)
    context = Context(today=dt.date(2021, 12, 15), years={2020, 2021}, **CONTEXT)
    for text, layout in ((messy_wide_csv(seed, 300), "wide"), (messy_long_csv(seed, 400), "long")):
        cells, _, _ = intake.read_cells("f.csv", text.encode("utf-8"))
        raw, names, found_layout, _ = intake.to_raw(cells, catalog, "f.csv")
        assert found_layout == layout
        records = as_tuples(*intake.normalize(raw, names, catalog, "f.csv", context, method="records"))
        columns = as_tuples(*intake.normalize(raw, names, catalog, "f.csv", context, method="columns"))
        assert columns == records
        if limit == 7:
            assert len(records[1]) >= 7 and records[2] > 0  # the cap was reached and the rest counted


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_context", [False, True])
def test_column_path_agrees_with_the_record_path(sample_dir, monkeypatch, seed, with_context):
    catalog = load_catalog(sample_dir)
    context = None
    if with_context:  # months already loaded (revisions) and last year's values (outliers)
        context = Context(today=dt.date(2021, 12, 15), years={2020, 2021}, **CONTEXT)
    cells, _, _ = intake.read_cells("f.csv", messy_long_csv(seed, 400).encode("utf-8"))
    raw, names, layout, file_problems = intake.to_raw(cells, catalog, "f.csv")
    # the messy file leaves some values blank: those rows are named in a warning (#25), nothing else is said
    assert layout == "long" and {p.code for p in file_problems} <= {"warn_blank_values"}

    flagged_but_fine = []  # records the column checks flagged that the reference check (checks.check_record) accepts
    check = checks.check_record

    def counting(rec, *args):
        row, found = check(rec, *args)
        if row is not None:
            flagged_but_fine.append(rec["pos"] + 1)
        return row, found

    records = as_tuples(*intake.normalize(raw, names, catalog, "f.csv", context, method="records"))
    monkeypatch.setattr(checks, "check_record", counting)
    columns = as_tuples(*intake.normalize(raw, names, catalog, "f.csv", context, method="columns"))

    assert columns[1] == records[1]  # every problem, in the same order, with the same details
    assert columns[0] == records[0]  # every row, value for value
    assert columns[2] == records[2] == 0
    assert flagged_but_fine == [], "the column checks flagged records that are fine"
    codes = {p[0] for p in records[1]}
    assert len(records[0]) > 10 and len(records[1]) > 50  # the mix exercises both sides
    assert {"err_period", "err_indicator_hint", "err_number", "err_unit", "err_duplicate"} <= codes


@pytest.mark.parametrize("text", [
    "title only\n" + "period,indicator,value\n2021-11,green_outlets,28\n",  # ragged: a short title row
    "period,indicator,value\n\n2021-11,green_outlets,28\n2021-10,green_outlets,\"2,7\"\n",
    'period,indicator,value,note\n2021-11,green_outlets,28,"two\nlines"\n2021-10,green_outlets,27,\n',
])
def test_fast_reader_and_line_by_line_reader_give_the_same_cells(text, monkeypatch):
    data = text.replace("green_outlets", "快递绿色网点").encode("gb18030")
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 0)  # the Arrow reader (a ragged file falls back to csv)
    fast, encoding, _ = intake.read_cells("f.csv", data)
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 10**9)  # the csv module
    slow, _, _ = intake.read_cells("f.csv", data)
    assert encoding == "gb18030"
    assert fast.values.tolist() == slow.values.tolist()


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_endings_of_every_excel_read_alike(sample_dir, monkeypatch, newline):
    catalog = load_catalog(sample_dir)
    text = newline.join(["period,indicator,value", "2021-11,green_outlets,28", "2021-10,green_outlets,27", ""])
    results = []
    for small in (10**9, 0):  # the csv module, then the Arrow reader
        monkeypatch.setattr(config, "SMALL_FILE_BYTES", small)
        parsed = intake.parse("f.csv", text.encode("gbk"), catalog)
        assert parsed.accepted, [p.code for p in parsed.problems]
        results.append(parsed.rows[["indicator", "year", "month", "value", "source_row"]].values.tolist())
    assert results[0] == results[1] == [["green_outlets", 2021, 11, 28.0, 2], ["green_outlets", 2021, 10, 27.0, 3]]


def test_row_numbers_count_records_not_physical_lines(sample_dir):
    catalog = load_catalog(sample_dir)
    text = 'period,indicator,value,note\n2021-11,green_outlets,28,"two\nlines"\n2021-10,green_outlets,x,\n'
    parsed = intake.parse("f.csv", text.encode(), catalog)
    assert [(p.code, p.row) for p in parsed.errors] == [("err_number", 3)]


def test_a_file_with_many_bad_rows_lists_the_first_and_counts_the_rest(sample_dir, monkeypatch):
    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", 5)
    bad_months = "".join(f"2021-13,green_outlets,{i},,,,\n" for i in range(10))  # rows 2-11
    duplicates = "".join(f"2021-11,green_outlets,{i},,,,\n" for i in range(11))  # rows 12-22: 10 duplicates
    parsed = intake.parse("f.csv", (BAD_HEADER + bad_months + duplicates).encode(), load_catalog(sample_dir))
    assert [(p.code, p.row) for p in parsed.problems] == [("err_period", r) for r in range(2, 7)]
    assert parsed.unlisted == 5 + 10
    assert not parsed.accepted and parsed.rows.empty


def test_duplicates_before_the_cut_are_listed_in_row_order(sample_dir, monkeypatch):
    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", 3)
    text = BAD_HEADER + "2021-11,green_outlets,1,,,,\n2021-11,green_outlets,2,,,,\n2021-13,green_outlets,3,,,,\n" \
        + "2021-11,green_outlets,4,,,,\n2021-13,green_outlets,5,,,,\n2021-13,green_outlets,6,,,,\n"
    parsed = intake.parse("f.csv", text.encode(), load_catalog(sample_dir))
    assert [(p.code, p.row) for p in parsed.problems] == [("err_duplicate", 3), ("err_period", 4),
                                                          ("err_duplicate", 5)]
    assert parsed.unlisted == 2  # rows 6 and 7 (the second duplicate on row 5 was listed)


BAD_HEADER = "period,indicator,value,region,unit,basis,note\n"
