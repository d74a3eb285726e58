"""Storing all or nothing: originals kept, log written, revisions supersede, revert, two analysts at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import store
from lib.auth import accounts, check, hash_password, verify_password
from lib.dataset import open_dataset
from lib.engine import scorecard
from tests.conftest import REPO, analyst, run_cli

TODAY = dt.date(2021, 12, 15)
HEADER = "period,indicator,value,region,unit,basis,note\n"


def snapshot(root: Path) -> dict[str, str]:
    """Return every file under root (but rejected/ and the lock) with its checksum."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "rejected" not in p.parts and p.name != ".lock"}


def green_outlets(data_dir: Path, as_of: int = 11) -> float:
    return next(s.actual_ytd for s in scorecard(open_dataset(data_dir), 2021, as_of) if s.indicator == "green_outlets")


def test_rejected_file_changes_nothing_and_is_kept_with_its_report(sample_dir):
    before = snapshot(sample_dir)
    outcome = store.import_file(sample_dir, "bad.csv", (HEADER + "2021-11,green_outlets,lots,,,,\n").encode("gbk"),
                                by=analyst("zhang"), today=TODAY)
    assert outcome.submission_id is None
    assert snapshot(sample_dir) == before  # byte for byte
    kept = sorted(p.name for p in (sample_dir / "rejected").iterdir())
    assert len(kept) == 2 and kept[0].endswith("_bad.csv") and kept[1].endswith("_bad.csv.json")
    assert "不是数字" in (sample_dir / "rejected" / kept[1]).read_text(encoding="utf-8")


def test_accepted_file_is_stored_canonical_with_original_and_log(sample_dir):
    original = ("月份,指标名称,数值,单位\n2021年11月,快递绿色网点,28,个\n").encode("gbk")
    outcome = store.import_file(sample_dir, "十一月.csv", original, by=analyst("zhang"), today=TODAY,
                                now=dt.datetime(2021, 12, 3, 9, 30))
    assert outcome.submission_id == "000001"
    stored = (sample_dir / "actuals" / "sub-000001.csv").read_text(encoding="utf-8")
    assert stored == HEADER + "2021-11,green_outlets,28,,个,month,\n"
    assert (sample_dir / "submissions" / "originals" / "sub-000001_十一月.csv").read_bytes() == original
    log = store.read_log(sample_dir)
    assert log.iloc[0][["id", "user", "original_name", "rows", "status", "submitted_at"]].tolist() == [
        "000001", "zhang", "十一月.csv", "1", "active", "2021-12-03T09:30:00"]
    assert log.iloc[0]["sha256"] == hashlib.sha256(original).hexdigest()
    assert green_outlets(sample_dir) == 28


def test_later_submission_supersedes_and_revert_restores(sample_dir):
    first = store.import_file(sample_dir, "a.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(),
                              analyst("zhang"), today=TODAY)
    second = store.import_file(sample_dir, "b.csv", (HEADER + "2021-11,green_outlets,29,,,,\n").encode(), analyst("li"),
                               today=TODAY)
    revision = next(p for p in second.parsed.warnings if p.code == "warn_revision_submission")
    assert {k: revision.params[k] for k in ("old", "new", "id", "user", "original")} == {
        "old": "28", "new": "29", "id": "000001", "user": "zhang", "original": "a.csv"}
    assert green_outlets(sample_dir) == 29
    store.revert(sample_dir, second.submission_id, by=analyst("zhang"))
    assert green_outlets(sample_dir) == 28
    log = store.read_log(sample_dir)
    assert dict(zip(log["id"], log["status"])) == {first.submission_id: "active", second.submission_id: "reverted"}
    assert (sample_dir / "submissions" / "reverted" / "sub-000002.csv").exists()
    with pytest.raises(store.StoreError):
        store.revert(sample_dir, second.submission_id, by=analyst("zhang"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "a/../../b.csv", "/abs/x.csv", "..\\..\\x.csv"])
def test_path_traversal_names_never_leave_the_data_dir(name):
    try:
        cleaned = store.safe_name(name)
    except store.StoreError:
        return
    assert "/" not in cleaned and "\\" not in cleaned and not cleaned.startswith(".")


def test_two_analysts_at_once_both_land(sample_dir, tmp_path):
    # Processes of their own: the store's lock has to hold between processes (the app and the command line).
    files = []
    for i in range(4):
        path = tmp_path / f"f{i}.csv"
        path.write_text(HEADER + f"2021-{i + 1:02d},green_outlets,{100 + i},,个,,\n", encoding="utf-8")
        files.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "lib.cli", "import", str(p), "--data-dir", str(sample_dir),
                               "--user", f"u{i}"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i, p in enumerate(files)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    log = store.read_log(sample_dir)
    assert sorted(log["id"]) == ["000001", "000002", "000003", "000004"]
    assert sorted(log["user"]) == ["u0", "u1", "u2", "u3"]
    stored = sorted((sample_dir / "actuals").glob("sub-*.csv"))
    assert len(stored) == 4
    values = sorted(line.split(",")[2] for p in stored for line in p.read_text(encoding="utf-8").splitlines()[1:])
    assert values == ["100", "101", "102", "103"]
    assert not list((sample_dir / "actuals").glob(".tmp-*"))


def test_temporary_files_are_never_read(sample_dir):
    (sample_dir / "actuals" / ".tmp-abc-sub-000009.csv").write_text(HEADER + "2021-11,green_outlets,9", "utf-8")
    assert not open_dataset(sample_dir).rejected
    assert green_outlets(sample_dir) == 26  # October's sample value, untouched


def test_cli_import_and_validate_exit_codes(sample_dir, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + "2021-10,green_outlets,26,,,,\n", encoding="utf-8")
    bad.write_text(HEADER + "2021-10,village_coverage,-1,,%,,\n", encoding="utf-8")  # a share below 0

    def run(*args):
        return run_cli(*args, "--data-dir", sample_dir)

    assert run("validate", str(good)).returncode == 0
    result = run("validate", str(bad), "--lang", "en")
    assert result.returncode == 1 and "bad.csv row 2, column 'value': value '-1' cannot be negative" in result.stdout
    assert run("import", str(bad)).returncode == 1
    assert run("import", str(good)).returncode == 0
    assert run("validate", str(tmp_path / "missing.csv")).returncode == 2


def test_cli_stores_a_negative_amount_and_prints_its_warning(sample_dir, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text(HEADER + "2021-10,green_outlets,-1,,,,\n", encoding="utf-8")
    validated = run_cli("validate", str(odd), "--data-dir", sample_dir, "--lang", "en")
    assert validated.returncode == 0
    assert "  [?] odd.csv row 2, column 'value': month value -1 个 is below zero" in validated.stdout
    imported = run_cli("import", str(odd), "--data-dir", sample_dir, "--user", "zhang")
    assert imported.returncode == 0 and "[?] odd.csv 第2行「value」：当月数值为「-1个」，小于0" in imported.stdout
    assert green_outlets(sample_dir) == -1


def test_password_hashes_and_accounts():
    stored = hash_password("correct horse", salt=b"\x01" * 16, iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$" + "01" * 16 + "$")
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong", stored)
    assert not verify_password("correct horse", "garbage")
    known = accounts(env={"KPI_ANALYSTS": f"zhang={stored}; li = {stored}"}, secret_accounts={"wang": stored})
    assert sorted(known) == ["li", "wang", "zhang"]
    assert check("zhang", "correct horse", known)
    assert not check("zhang", "wrong", known)
    assert not check("nobody", "correct horse", known)


def test_a_huge_bad_file_is_refused_with_a_readable_report(sample_dir, tmp_path):
    bad = tmp_path / "huge.csv"
    bad.write_text(HEADER + "".join(f"2021-13,green_outlets,{i},,,,\n" for i in range(1250)), encoding="utf-8")
    result = run_cli("import", bad, "--data-dir", sample_dir, "--lang", "en")
    assert result.returncode == 1
    assert result.stdout.count("is not a month; expected a period like 2021-03") == 1000
    assert "At least 250 more problems are not listed (each check lists its first 1000)." in result.stdout
    [report] = (sample_dir / "rejected").glob("*_huge.csv.json")
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert (len(saved["problems"]), saved["unlisted"]) == (1000, 250)


def test_active_submission_finds_the_same_bytes_until_reverted(sample_dir):
    data = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
    assert store.active_submission(sample_dir, data) is None
    store.import_file(sample_dir, "a.csv", data, analyst("zhang"))
    assert store.active_submission(sample_dir, data)["id"] == "000001"
    assert store.active_submission(sample_dir, data + b"2021-11,village_coverage,99,,,,\n") is None
    store.revert(sample_dir, "000001", analyst("zhang"))
    assert store.active_submission(sample_dir, data) is None


def test_validating_against_an_open_dataset_opens_nothing_and_finds_the_same(monkeypatch, sample_dir):
    ds = open_dataset(sample_dir)
    data = (HEADER + "2021-10,green_outlets,30,,,,\n2021-13,green_outlets,1,,,,\n").encode()
    from_dir = store.validate(sample_dir, "n.csv", data, today=TODAY)
    monkeypatch.setattr(store.submissions, "open_dataset", lambda *a, **k: pytest.fail("opened the data again"))
    given = store.validate(sample_dir, "n.csv", data, today=TODAY, dataset=ds)
    assert [(p.row, p.code, p.severity) for p in given.problems] == \
        [(p.row, p.code, p.severity) for p in from_dir.problems]
    assert [(p.row, p.severity) for p in given.problems] == [(3, "error"), (2, "warning")]
    # October's 26 个 comes from sample_2021-10.csv
    assert given.problems[1].code == "warn_revision" and given.problems[1].params["old"] == "26"


def test_a_value_that_is_not_finite_is_refused_before_anything_is_written(sample_dir):
    from lib.catalog import load_catalog

    rows = pd.DataFrame({"year": [2021, 2021, 2021], "month": [9, 10, 11], "indicator": ["green_outlets"] * 3,
                         "value": [26.0, math.nan, math.inf], "region": [""] * 3, "basis": ["month"] * 3,
                         "note": [""] * 3})
    with pytest.raises(store.NonFiniteValue) as caught:
        store.canonical_csv(rows, load_catalog(sample_dir))
    assert caught.value.message("en") == ("the value nan of green_outlets for 2021-10 is not a finite number and "
                                          "cannot be stored")
    assert caught.value.message("zh") == "2021-10 green_outlets 的数值 nan 不是有限数，不能入库"
    before = snapshot(sample_dir)
    data = (HEADER + "2021-11,green_outlets,1e308,,万个,,\n").encode()  # 1e308 万个 is past the largest float in 个
    try:
        outcome = store.import_file(sample_dir, "huge.csv", data, analyst("zhang"), today=TODAY)
        assert outcome.submission_id is None  # refused at intake is as good
    except store.NonFiniteValue as exc:
        assert exc.params == {"value": "inf", "indicator": "green_outlets", "period": "2021-11"}
    assert snapshot(sample_dir) == before
    assert not open_dataset(sample_dir).rejected


def test_a_revert_of_an_unknown_submission_says_so(sample_dir):
    with pytest.raises(store.StoreError) as caught:
        store.revert(sample_dir, "000042", analyst("zhang"))
    assert (caught.value.message("zh"), caught.value.message("en")) == ("没有编号为 000042 的提交",
                                                                        "there is no submission 000042")


def test_what_an_older_version_left_is_put_right_by_the_next_writer(sample_dir):
    data = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
    store.import_file(sample_dir, "a.csv", data, analyst("zhang"))
    originals = sample_dir / "submissions" / "originals"
    # A revert that moved the rows aside, then failed to write the log; originals of imports killed before the log
    (sample_dir / "submissions" / "reverted").mkdir()
    os.replace(sample_dir / "actuals" / "sub-000001.csv", sample_dir / "submissions" / "reverted" / "sub-000001.csv")
    (originals / "sub-000001_b.csv").write_bytes(b"killed, then its id was used again")
    (originals / "sub-000007_c.csv").write_bytes(b"killed")
    (originals / "update-000002_d.csv").write_bytes(b"killed, no progress log at all")
    assert store.read_log(sample_dir)["status"].tolist() == ["reverted"]  # as the rows are: not loaded
    assert green_outlets(sample_dir) == 26
    store.import_file(sample_dir, "e.csv", (HEADER + "2021-10,village_coverage,99,,,,\n").encode(), analyst("li"))
    assert store.read_log(sample_dir)["status"].tolist() == ["active", "active"]  # the failed revert undone
    assert green_outlets(sample_dir) == 28
    assert sorted(p.name for p in originals.iterdir()) == ["sub-000001_a.csv", "sub-000002_e.csv"]


def test_originals_whose_rows_are_stored_stay_even_without_a_log(sample_dir):
    store.import_file(sample_dir, "a.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(), analyst("zhang"))
    store.log_path(sample_dir).unlink()
    store.import_file(sample_dir, "b.csv", (HEADER + "2021-10,village_coverage,99,,,,\n").encode(), analyst("li"))
    assert sorted(p.name for p in (sample_dir / "submissions" / "originals").iterdir()) == [
        "sub-000001_a.csv", "sub-000002_b.csv"]
