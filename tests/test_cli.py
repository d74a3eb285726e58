"""The report CLI on the frozen city's sample (tests/fixtures/city), checked against sums taken from the CSV files.

Commands run in-process through cli.main; one test runs python -m lib.cli to prove the module entry point."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.conftest import CITY, REPO, SAMPLE, run_cli

REQUIRED_KEYS = {"indicator", "name", "unit", "target", "actual_ytd", "completion_pct", "expected_pct_linear",
                 "expected_pct_seasonal", "status", "yoy_growth_pct", "growth_target_pct",
                 "projection_year_end", "required_monthly_avg"}


def sample_rows(indicator_names: set[str]) -> list[dict]:
    rows = []
    for path in sorted((SAMPLE / "actuals").glob("sample_*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += [r for r in csv.DictReader(fh) if r["indicator"] in indicator_names]
    return rows


@pytest.fixture(scope="module")
def report() -> dict:
    result = run_cli("report", "--data-dir", str(CITY), "--year", "2021", "--as-of", "2021-10",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    return {row["indicator"]: row for row in json.loads(result.stdout)}


def test_report_has_every_target_and_key(report):
    assert len(report) == 24
    for row in report.values():
        assert set(row) >= REQUIRED_KEYS
        assert row["status"] in {"green", "yellow", "red", "grey"}


def test_express_volume_against_the_bulletin_figures(report):
    # The sample gives express volume as 1–N月累计 in 万件; 2020 as monthly 亿件.
    ytd_2021 = {r["period"]: float(r["value"]) for r in sample_rows({"快递业务量"})}
    base = {r["period"]: float(r["value"]) for r in sample_rows({"express_volume"}) if r["period"].startswith("2020")}
    actual = ytd_2021["2021-10"] / 1e4
    base_ytd = sum(v for p, v in base.items() if p <= "2020-10")
    base_total = sum(base.values())
    row = report["express_volume"]
    assert row["actual_ytd"] == pytest.approx(actual, abs=1e-4)
    assert row["completion_pct"] == pytest.approx(actual / 24 * 100, abs=1e-3)
    assert row["expected_pct_linear"] == pytest.approx(1000 / 12, abs=1e-3)
    assert row["expected_pct_seasonal"] == pytest.approx(base_ytd / base_total * 100, abs=1e-3)
    assert row["yoy_growth_pct"] == pytest.approx((actual / base_ytd - 1) * 100, abs=1e-3)
    assert row["projection_year_end"] == pytest.approx(actual / (base_ytd / base_total), abs=1e-3)
    assert row["required_monthly_avg"] == pytest.approx((24 - actual) / 2, abs=1e-4)
    assert row["growth_target_pct"] == 15


def test_recyclable_boxes_level_in_ge_converted_to_wan_ge(report):
    oct_boxes = next(float(r["value"]) for r in sample_rows({"recyclable_boxes"}) if r["period"] == "2021-10")
    row = report["recyclable_boxes"]
    assert row["actual_ytd"] == pytest.approx(oct_boxes / 1e4)
    assert row["completion_pct"] == pytest.approx(oct_boxes / 1e4 / 10 * 100)


def test_no_repack_rate_is_ratio_of_summed_components(report):
    rows = sample_rows({"no_repack_parcels", "ecommerce_parcels"})
    num = sum(float(r["value"]) for r in rows if r["indicator"] == "no_repack_parcels")
    den = sum(float(r["value"]) for r in rows if r["indicator"] == "ecommerce_parcels")
    assert report["no_repack_rate"]["actual_ytd"] == pytest.approx(num / den * 100, abs=1e-4)
    assert report["no_repack_rate"]["status"] == "green"


def test_sample_has_targets_ahead_and_behind(report):
    statuses = {row["status"] for row in report.values()}
    assert {"green", "yellow", "red"} <= statuses


def test_table_format_is_readable():
    result = run_cli("report", "--data-dir", str(CITY), "--as-of", "2021-10", "--format", "table")
    assert result.returncode == 0
    assert "2021年10月" in result.stdout and "快递业务量" in result.stdout and "19.25亿件" in result.stdout


@pytest.mark.parametrize("args, fragment, code", [
    (["--as-of", "2021-13"], "2021-13", 2),  # a wrong argument
    (["--year", "2019"], "没有2019年的目标（有目标的年份：2021）", 4),  # the data folder has no such year (issue 24)
    (["--data-dir", "/nonexistent/dir"], "/nonexistent/dir：数据目录不存在", 4),
])
def test_bad_arguments_exit_non_zero_with_a_message(args, fragment, code):
    result = run_cli("report", "--data-dir", CITY, *args)  # a later --data-dir replaces it
    assert result.returncode == code
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_bad_data_file_is_named_and_exit_is_non_zero(sample_dir):
    # The one run through python -m lib.cli: the module entry point prints and passes main's exit code on.
    (sample_dir / "actuals" / "zz_broken.csv").write_text("period,indicator,value\n2021-10,快递业务量,很多\n",
                                                          encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lib.cli", "report", "--data-dir", str(sample_dir), "--as-of",
                             "2021-10", "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(json.loads(result.stdout)) == 24  # the rest is still reported
    assert "zz_broken.csv 第2行「value」：「很多」不是数字" in result.stderr


def test_broken_targets_file_lists_its_problems_and_exits_4(sample_dir):
    targets = sample_dir / "targets.csv"
    targets.write_text(targets.read_text(encoding="utf-8").replace(",flow,", ",flood,", 1), encoding="utf-8")
    result = run_cli("report", "--data-dir", sample_dir, "--as-of", "2021-10", "--lang", "en")
    assert result.returncode == 4 and result.stdout == ""  # the data folder's code (issue 24)
    lines = result.stderr.splitlines()
    assert lines[0] == "The targets file has errors; nothing can be computed:"
    assert lines[1] == ("  targets.csv row 2, column 'kind': kind 'flood' is invalid; expected one of: flow, "
                        "indicator, level, not_below_last_year, ratio, zero_tolerance")


@pytest.mark.parametrize("lang, message", [("zh", "error: 密码至少需要8个字符"),
                                           ("en", "error: use at least 8 characters")])
def test_hash_password_refuses_a_short_password_in_the_chosen_language(monkeypatch, lang, message):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    result = run_cli("hash-password", "--lang", lang)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (2, "", message)


def test_hash_password_prints_a_hash_of_the_piped_password(monkeypatch):
    from lib.auth import verify_password

    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    result = run_cli("hash-password")
    assert result.returncode == 0 and result.stdout.startswith("pbkdf2_sha256$")
    assert verify_password("correct horse", result.stdout.strip())
