"""The shortcuts a large CSV takes through the intake (Arrow's reader in the worker, distinct cells through Arrow's
dictionary encoding, read columns kept as the cells they equal, one unit conversion for every record, filled cells
found from their lengths) name the same rows, columns and values as the record path, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib import config, intake
from lib.catalog import load_catalog
from lib.intake import checks

HEADER = "period,indicator,value,region,unit,basis,note\n"


@pytest.fixture
def large_file_paths(monkeypatch):
    """Read every file as a large one: Arrow's CSV reader in the sandbox worker, then the column path."""
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 0)
    monkeypatch.setattr(config, "COLUMN_PATH_MIN_RECORDS", 0)


def both_paths(text: str, catalog, monkeypatch) -> tuple:
    """Return (the large-file path's parse, the record path's rows and problems) of one file."""
    parsed = intake.parse("f.csv", text.encode("utf-8"), catalog)
    cells, _, _ = intake.read_cells("f.csv", text.encode("utf-8"))
    raw, names, _, _ = intake.to_raw(cells, catalog, "f.csv")
    records = intake.normalize(raw, names, catalog, "f.csv", method="records")
    return parsed, records


def located(problems: list) -> list[tuple]:
    return [(p.code, p.row, p.column, p.value) for p in problems]


def test_ids_and_canonical_regions_kept_as_their_cells_still_name_a_bad_row(sample_dir, large_file_paths,
                                                                              monkeypatch):
    catalog = load_catalog(sample_dir)
    text = HEADER + ("2021-01,express_volume,1.5,,,,\n"  # row 2
                     "2021-02,express_volume,2,昆山市,,,\n"  # row 3
                     "2021-03,express_volume,x,,,,\n"  # row 4: not a number
                     "2021-01,express_volume,3,,,,\n"  # row 5: row 2's indicator, region and month again
                     "2021-04,green_outlets,7,火星,,,\n")  # row 6: no such region
    parsed, (_, record_problems, _) = both_paths(text, catalog, monkeypatch)
    assert located(parsed.errors) == [("err_number", 4, "value", "x"), ("err_duplicate", 5, "period", "2021-01"),
                                      ("err_region", 6, "region", "火星")]
    assert [p.params.get("other") for p in parsed.errors] == [None, 2, None]
    assert located(parsed.problems) == located(record_problems)
    assert parsed.rows.empty and not parsed.accepted


def test_one_unit_for_every_record_and_a_mix_of_units_convert_alike(sample_dir, large_file_paths, monkeypatch):
    catalog = load_catalog(sample_dir)
    # express_volume is kept in 亿件: 15000 万件 = 1.5 亿件, 300000000 件 = 3 亿件
    mixed = HEADER + ("2021-01,express_volume,15000,,万件,,\n2021-02,express_volume,2,,亿件,,\n"
                      "2021-03,express_volume,300000000,昆山市,件,,\n2021-04,green_outlets,7,,,,\n")
    plain = HEADER + "2021-01,express_volume,1.5,,,,\n2021-02,express_volume,2,昆山市,,,\n"
    for text, values, regions in ((mixed, [1.5, 2.0, 3.0, 7.0], ["", "", "昆山市", ""]),
                                  (plain, [1.5, 2.0], ["", "昆山市"])):
        parsed, (record_rows, record_problems, _) = both_paths(text, catalog, monkeypatch)
        assert parsed.accepted, located(parsed.problems)
        assert parsed.rows["value"].tolist() == pytest.approx(values)
        assert parsed.rows["region"].tolist() == regions
        assert parsed.rows["basis"].tolist() == ["month"] * len(values)
        assert parsed.rows["source_row"].tolist() == list(range(2, 2 + len(values)))
        assert parsed.rows["source_file"].tolist() == ["f.csv"] * len(values)
        assert parsed.rows["value"].tolist() == pytest.approx(record_rows["value"].tolist())
        assert located(parsed.problems) == located(record_problems)


def test_a_unit_that_does_not_convert_names_its_row_among_uniform_ones(sample_dir, large_file_paths, monkeypatch):
    catalog = load_catalog(sample_dir)
    text = HEADER + ("2021-01,express_volume,1,,亿件,,\n2021-02,express_volume,2,,公斤,,\n"
                     "2021-03,express_volume,3,,亿件,,\n")
    parsed, (_, record_problems, _) = both_paths(text, catalog, monkeypatch)
    assert [(p.code, p.row, p.column) for p in parsed.errors] == [("err_unit", 3, "unit")]
    assert located(parsed.problems) == located(record_problems)


@pytest.mark.parametrize(("cells", "filled"), [
    (["1", "", "2.5", "", "-3"], [True, False, True, False, True]),  # plain figures: found from the lengths
    ([" ", "1", "\t", "", "x y"], [False, True, False, False, True]),  # spaces: cleaned cell by cell
    (["\u3000", "１", "", "\u00a0"], [False, True, False, False]),  # non-ASCII (NFKC) spaces and figures
])
def test_filled_cells_agree_with_clean(cells, filled):
    column = pd.Series(cells, dtype="str")
    assert checks.filled_cells(column).tolist() == filled
    assert checks.filled_cells(column.iloc[1:]).tolist() == filled[1:]  # a slice of the reader's column
    assert filled == [checks.clean(c) != "" for c in cells]


@pytest.mark.parametrize("text", ["", "f.csv", "快递业务量"])
def test_constant_text_is_the_column_of_that_text(text):
    index = pd.RangeIndex(3, 8)
    assert checks.constant_text(text, 5, index).equals(pd.Series([text] * 5, index=index, dtype="str"))
    assert checks.constant_text(text, 0).tolist() == []


def test_distinct_cells_in_order_of_first_appearance():
    column = pd.Series(["b", "a", "b", "", "c", "a"], dtype="str")
    assert checks.distinct_cells(column) == ["b", "a", "", "c"]
    assert checks.distinct_cells(column.iloc[2:]) == ["b", "", "c", "a"]


@pytest.mark.parametrize("text", ["a,b,c\n1,,\n2,,\n", "a,,c\n", ",,\n,,\n", "x\n", "a,b\n,\n3,\n"])
def test_blank_columns_cross_the_sandbox_as_their_place_and_read_as_before(text, monkeypatch):
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 0)  # Arrow's reader: blank columns set apart in the worker
    fast, _, _ = intake.read_cells("f.csv", text.encode())
    monkeypatch.setattr(config, "SMALL_FILE_BYTES", 10**9)  # the csv module
    slow, _, _ = intake.read_cells("f.csv", text.encode())
    expected = [line.split(",") for line in text.splitlines()]
    assert fast.values.tolist() == slow.values.tolist() == expected
    assert list(fast.columns) == list(range(len(expected[0])))
    assert (fast.dtypes == slow.dtypes).all()


def test_the_guard_bounds_short_lines_and_measures_a_long_one(monkeypatch):
    from lib.intake import guard

    monkeypatch.setattr(config, "MAX_COLUMNS", 10)
    monkeypatch.setattr(config, "MAX_CELL_CHARS", 12)
    short = b"ab,c\n" * 40  # lines of 4 bytes: bounded below both limits (blocks of 5 bytes each hold a break)
    longest, feeds, _ = guard.check_text(short)
    assert 4 <= longest < 10 and feeds == 40
    long_line = short + b"x" * 11 + b"\n" + short  # one line of 11 bytes: measured exactly
    assert guard.check_text(long_line)[:2] == (11, 81)
    with pytest.raises(guard.Refused) as refused:  # a line of 11 fields: over MAX_COLUMNS
        guard.check_text(short + b"," * 10 + b"\n")
    assert refused.value.code == "err_limit_columns"
    assert guard.check_text(b"ab\rcd\r" + b"x" * 13)[0] == 13  # old Mac line ends: the last line, 13 bytes


def test_duplicates_through_the_large_file_path_are_the_rows_worked_out_by_hand(sample_dir, large_file_paths,
                                                                                monkeypatch):
    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", 3)
    catalog = load_catalog(sample_dir)
    # rows 2, 3, 5: green_outlets 2021-11 (3 and 5 repeat row 2); rows 4, 6, 7: month 13; row 8: 2021-10, fine
    text = HEADER + ("2021-11,green_outlets,1,,,,\n2021-11,green_outlets,2,,,,\n2021-13,green_outlets,3,,,,\n"
                     "2021-11,green_outlets,4,,,,\n2021-13,green_outlets,5,,,,\n2021-13,green_outlets,6,,,,\n"
                     "2021-10,green_outlets,7,,,,\n")
    parsed = intake.parse("f.csv", text.encode(), catalog)
    assert [(p.code, p.row) for p in parsed.problems] == [("err_duplicate", 3), ("err_period", 4),
                                                          ("err_duplicate", 5)]
    assert [p.params.get("other") for p in parsed.problems] == [2, None, 2]
    assert parsed.unlisted == 2  # rows 6 and 7's month 13, counted past the three listed
    monkeypatch.setattr(config, "MAX_LISTED_PROBLEMS", 1000)
    parsed = intake.parse("f.csv", text.encode(), catalog)
    assert [(p.code, p.row) for p in parsed.problems] == [("err_duplicate", 3), ("err_period", 4),
                                                          ("err_duplicate", 5), ("err_period", 6),
                                                          ("err_period", 7)]
    assert parsed.unlisted == 0


def test_a_month_and_a_year_to_date_row_of_one_key_say_which_is_which_on_both_paths(sample_dir, large_file_paths,
                                                                                      monkeypatch):
    """A long file with 2021-11's month (row 2) and its year to date (row 3) for one indicator: not a plain
    repetition; both paths name row 3, say row 2 is 当月 and row 3 累计, and point to the wide layout."""
    text = HEADER + "2021-11,express_volume,2.3,,亿件,month,\n2021-11,express_volume,21.5,,亿件,ytd,\n" \
        "2021-11,green_outlets,28,,,,\n2021-11,green_outlets,29,,,,\n"
    parsed, (_, problems, _) = both_paths(text, load_catalog(sample_dir), monkeypatch)
    for found in (parsed.errors, problems):
        assert located(found) == [("err_duplicate_basis", 3, "period", "2021-11"),
                                  ("err_duplicate", 5, "period", "2021-11")]
        assert found[0].detail("zh").startswith("与第2行是同一月份、指标、地区：第2行是当月数，本行是累计数。")
        assert found[1].detail("zh") == "与第4行重复（同一月份、指标、地区）"  # both a month: a repetition
        assert "row 2 gives the month figure, this row the year to date figure" in found[0].detail("en")


@pytest.mark.parametrize("keys, later", [
    ([], []),
    ([3, 1, 2], [False, False, False]),  # no key twice: found by counting
    ([5, 5, 0, 5, 0], [False, True, False, True, True]),  # the first of each kept
    ([0, 0, 0], [False, True, True]),
    ([10**9, 7, 10**9], [False, False, True]),  # keys far apart: hashed
])
def test_later_rows_of_a_key_are_the_duplicates(keys, later):
    from lib.intake.columns import _duplicated

    assert _duplicated(np.array(keys, dtype=np.int64)).tolist() == later


def test_one_month_of_two_years_is_no_duplicate_on_the_large_file_path(sample_dir, large_file_paths):
    """November of 2020 and of 2021 for one indicator are two months; November 2021 again (row 4) is the duplicate,
    and a row whose month is not read (row 5) takes no part."""
    text = HEADER + ("2021-11,green_outlets,1,,,,\n2020-11,green_outlets,2,,,,\n2021-11,green_outlets,3,,,,\n"
                     "2019-13,green_outlets,4,,,,\n2020-12,green_outlets,5,,,,\n")
    parsed = intake.parse("f.csv", text.encode(), load_catalog(sample_dir))
    assert [(p.code, p.row) for p in parsed.problems] == [("err_duplicate", 4), ("err_period", 5)]
