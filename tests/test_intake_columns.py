"""The column-at-a-time intake gives exactly what checking one record at a time gives, on messy files."""

from __future__ import annotations

import datetime as dt
import io
import random

import pandas as pd
import pytest

from lib import intake
from lib.catalog import load_catalog
from lib.intake import Context

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


def reference(raw: pd.DataFrame, names: dict, catalog, context: Context | None) -> tuple[list[tuple], list[tuple]]:
    """Check one record at a time, as the intake did before it worked on columns."""
    rows, problems, seen = [], [], {}
    for rec in raw.to_dict("records"):
        row, found = intake._check_record(rec, names.get(rec["value_col"], {}), catalog, "f.csv", context)
        problems += [(p.code, p.row, p.column, p.value) for p in found]
        if row is None:
            continue
        key = (row["indicator"], row["region"], row["year"], row["month"])
        if key in seen:
            problems.append(("err_duplicate", rec["pos"] + 1, names[rec["value_col"]]["period"],
                             intake.clean(rec["period"])))
            continue
        seen[key] = rec["pos"] + 1
        rows.append((row["indicator"], row["region"], row["year"], row["month"], row["value"], row["basis"],
                     row["note"], rec["pos"] + 1))
    return rows, problems


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_context", [False, True])
def test_columns_agree_with_one_record_at_a_time(sample_dir, monkeypatch, seed, with_context):
    catalog = load_catalog(sample_dir)
    context = Context(today=dt.date(2021, 12, 15), years={2020, 2021}) if with_context else None
    cells, _, _ = intake.read_cells("f.csv", messy_long_csv(seed, 400).encode("utf-8"))
    raw, names, layout, file_problems = intake.to_raw(cells, catalog, "f.csv")
    assert layout == "long" and not file_problems

    accepted_by_reference_only = []
    check = intake._check_record

    def counting(rec, *args):
        row, found = check(rec, *args)
        if row is not None:
            accepted_by_reference_only.append(rec["pos"] + 1)
        return row, found

    monkeypatch.setattr(intake, "_check_record", counting)
    frame, problems, unlisted = intake.normalize(raw, names, catalog, "f.csv", context)
    monkeypatch.setattr(intake, "_check_record", check)
    want_rows, want_problems = reference(raw, names, catalog, context)

    got_problems = [(p.code, p.row, p.column, p.value) for p in problems if p.code != "err_ytd_down"]
    assert got_problems == want_problems
    got_rows = list(frame[["indicator", "region", "year", "month", "value", "basis", "note", "source_row"]]
                    .itertuples(index=False, name=None))
    assert got_rows == want_rows
    assert accepted_by_reference_only == [], "the column checks flagged records that are fine"
    assert unlisted == 0
    assert len(want_rows) > 10 and len(want_problems) > 50  # the mix exercises both sides


@pytest.mark.parametrize("text", [
    "title only\n" + "period,indicator,value\n2021-11,green_outlets,28\n",  # ragged: a short title row
    "period,indicator,value\n\n2021-11,green_outlets,28\n2021-10,green_outlets,\"2,7\"\n",
    'period,indicator,value,note\n2021-11,green_outlets,28,"two\nlines"\n2021-10,green_outlets,27,\n',
])
def test_fast_reader_and_line_by_line_reader_give_the_same_cells(text, monkeypatch):
    data = text.replace("green_outlets", "快递绿色网点").encode("gb18030")
    fast, encoding, _ = intake.read_cells("f.csv", data)

    def refuse(_utf8):
        raise intake.pa.ArrowInvalid("forced")

    monkeypatch.setattr(intake, "_read_csv_columns", refuse)
    slow, _, _ = intake.read_cells("f.csv", data)
    assert encoding == "gb18030"
    assert fast.values.tolist() == slow.values.tolist()


def test_row_numbers_count_records_not_physical_lines(sample_dir):
    catalog = load_catalog(sample_dir)
    text = 'period,indicator,value,note\n2021-11,green_outlets,28,"two\nlines"\n2021-10,green_outlets,x,\n'
    parsed = intake.parse("f.csv", text.encode(), catalog)
    assert [(p.code, p.row) for p in parsed.errors] == [("err_number", 3)]


def test_a_file_with_many_bad_rows_lists_the_first_and_counts_the_rest(sample_dir, monkeypatch):
    monkeypatch.setattr(intake.config, "MAX_LISTED_PROBLEMS", 5)
    bad_months = "".join(f"2021-13,green_outlets,{i},,,,\n" for i in range(10))  # rows 2-11
    duplicates = "".join(f"2021-11,green_outlets,{i},,,,\n" for i in range(11))  # rows 12-22: 10 duplicates
    parsed = intake.parse("f.csv", (BAD_HEADER + bad_months + duplicates).encode(), load_catalog(sample_dir))
    assert [(p.code, p.row) for p in parsed.problems] == [("err_period", r) for r in range(2, 7)]
    assert parsed.unlisted == 5 + 10
    assert not parsed.accepted and parsed.rows.empty


def test_duplicates_before_the_cut_are_listed_in_row_order(sample_dir, monkeypatch):
    monkeypatch.setattr(intake.config, "MAX_LISTED_PROBLEMS", 3)
    text = BAD_HEADER + "2021-11,green_outlets,1,,,,\n2021-11,green_outlets,2,,,,\n2021-13,green_outlets,3,,,,\n" \
        + "2021-11,green_outlets,4,,,,\n2021-13,green_outlets,5,,,,\n2021-13,green_outlets,6,,,,\n"
    parsed = intake.parse("f.csv", text.encode(), load_catalog(sample_dir))
    assert [(p.code, p.row) for p in parsed.problems] == [("err_duplicate", 3), ("err_period", 4),
                                                          ("err_duplicate", 5)]
    assert parsed.unlisted == 2  # rows 6 and 7 (the second duplicate on row 5 was listed)


BAD_HEADER = "period,indicator,value,region,unit,basis,note\n"
