"""The cache of actuals files already read (lib/parsed_cache.py): a second load reads no file again and gives the
same rows and reports; a changed file, definition file, day or setting is read again; nothing is kept in the data
folder, nor a read a limit stopped; and a report whose files are all kept starts no sandbox."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

import lib.actuals
from lib import config, parsed_cache
from lib.actuals import load_actuals
from lib.catalog import load_catalog
from lib.folders import actuals_files, actuals_source
from lib.intake import Parsed, empty_rows
from lib.problems import Problem
from tests.conftest import REPO

NOVEMBER = "period,indicator,value,unit\n2021-11,express_volume,2.1,亿件\n"
THIRTEENTH = "period,indicator,value,unit\n2021-13,express_volume,2.1,亿件\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KPI_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def data(sample_dir):
    (sample_dir / "actuals" / "2021-11.csv").write_text(NOVEMBER, encoding="utf-8")
    (sample_dir / "actuals" / "2021-13.csv").write_text(THIRTEENTH, encoding="utf-8")
    return sample_dir


@pytest.fixture
def reads(monkeypatch):
    """Return the names of the files the intake reads (parse called), in order."""
    names, original = [], lib.actuals.parse
    monkeypatch.setattr(lib.actuals, "parse", lambda name, *a, **k: names.append(name) or original(name, *a, **k))
    return names


def load(data):
    return load_actuals(actuals_source(data), load_catalog(data), data_dir=data)


def files(data):
    return [p.name for p in actuals_files(data / "actuals")]


def test_second_load_reads_nothing_and_gives_the_same(data, cache, reads):
    rows, reports = load(data)
    assert reads == files(data)  # the sample's files and the two above, each once
    november = rows[rows["source_file"] == "2021-11.csv"]
    assert november[["indicator", "year", "month", "value"]].values.tolist() == [["express_volume", 2021, 11, 2.1]]
    assert [r.file for r in reports if not r.accepted] == ["2021-13.csv"]
    reads.clear()
    again, reports_again = load(data)
    assert reads == []
    pd.testing.assert_frame_equal(again, rows)
    assert [(r.file, r.accepted, r.problems, r.layout, r.encoding) for r in reports_again] == \
        [(r.file, r.accepted, r.problems, r.layout, r.encoding) for r in reports]
    assert len(list((cache / "parsed").iterdir())) == len(files(data))


def test_nothing_is_written_into_the_data_folder(data, cache):
    before = sorted(str(p.relative_to(data)) for p in data.rglob("*"))
    load(data)
    load(data)
    assert sorted(str(p.relative_to(data)) for p in data.rglob("*")) == before


def test_a_changed_file_alone_is_read_again(data, cache, reads):
    load(data)
    reads.clear()
    (data / "actuals" / "2021-11.csv").write_text(NOVEMBER.replace("2.1", "2.4"), encoding="utf-8")
    rows, _ = load(data)
    assert reads == ["2021-11.csv"]
    assert rows.loc[rows["source_file"] == "2021-11.csv", "value"].tolist() == [2.4]


def test_a_changed_definition_file_reads_every_file_again(data, cache, reads):
    load(data)
    reads.clear()
    regions = data / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load(data)
    assert reads == files(data)


def test_another_month_or_setting_is_another_key(data, cache, monkeypatch):
    today = parsed_cache.folder_key(data, dt.date(2021, 12, 1))
    assert parsed_cache.folder_key(data, dt.date(2021, 12, 31)) == today  # the intake reads today as its month
    assert parsed_cache.folder_key(data, dt.date(2022, 1, 1)) != today
    monkeypatch.setattr(config, "MAX_CELL_CHARS", config.MAX_CELL_CHARS + 1)
    assert parsed_cache.folder_key(data, dt.date(2021, 12, 1)) != today


def test_an_unreadable_entry_is_read_again(data, cache, reads):
    load(data)
    for entry in (cache / "parsed").iterdir():
        entry.write_bytes(b"not a pickle")
    reads.clear()
    rows, _ = load(data)
    assert reads == files(data)
    assert rows.loc[rows["source_file"] == "2021-11.csv", "value"].tolist() == [2.1]


@pytest.mark.parametrize("code", ["err_sandbox_time", "err_sandbox_memory", "err_unreadable"])
def test_a_read_a_limit_stopped_is_not_kept(cache, code):
    stopped = Parsed("a.csv", empty_rows(), [Problem("a.csv", code, params={"limit": "45 s"})])
    parsed_cache.put("k" * 64, stopped)
    assert parsed_cache.get("k" * 64) is None
    refused = Parsed("a.csv", empty_rows(), [Problem("a.csv", "err_empty")])
    parsed_cache.put("r" * 64, refused)
    assert parsed_cache.get("r" * 64).problems == refused.problems


def test_off_keeps_nothing(data, tmp_path, monkeypatch, reads):
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    assert config.cache_dir() is None and parsed_cache.folder_key(data) is None
    load(data)
    load(data)
    assert reads == files(data) * 2


def test_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("KPI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert config.cache_dir() == tmp_path / "xdg" / "kpi-dashboard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.cache_dir() == tmp_path / "home" / ".cache" / "kpi-dashboard"


def test_no_home_means_no_cache(monkeypatch):
    monkeypatch.delenv("KPI_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(config.Path, "home", staticmethod(homeless))
    assert config.cache_dir() is None


# Run lib.cli as `python -m lib.cli ARGS` does; print its exit code and whether it started the sandbox's fork server.
PROBE = """
import json, runpy, sys
from multiprocessing import forkserver
sys.argv = ["lib.cli", *sys.argv[1:]]
try:
    runpy.run_module("lib.cli", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "sandbox": forkserver._forkserver._forkserver_pid is not None}), file=sys.stderr)
"""


def report(data, cache):
    done = subprocess.run([sys.executable, "-c", PROBE, "report", "--data-dir", str(data)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "KPI_CACHE_DIR": str(cache)})
    *said, probe = done.stderr.strip().splitlines()
    return done.stdout, said, json.loads(probe)


def test_a_report_read_before_says_the_same_and_starts_no_sandbox(data, cache):
    out, said, probe = report(data, cache)
    assert probe == {"code": 1, "sandbox": True}  # 2021-13.csv refused: exit 1, named on stderr
    assert any("2021-13.csv" in line for line in said)
    out_again, said_again, probe_again = report(data, cache)
    assert (out_again, said_again) == (out, said)
    assert probe_again == {"code": 1, "sandbox": False}
    (data / "actuals" / "2021-12.csv").write_text(NOVEMBER.replace("2021-11", "2021-12"), encoding="utf-8")
    assert report(data, cache)[2] == {"code": 1, "sandbox": True}  # one new file: read in the sandbox


def test_a_cache_that_cannot_be_written_costs_time_only(data, tmp_path, monkeypatch, reads):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("KPI_CACHE_DIR", str(blocked))
    rows, _ = load(data)
    again, _ = load(data)
    assert reads == files(data) * 2
    assert again.loc[again["source_file"] == "2021-11.csv", "value"].tolist() == [2.1]
    pd.testing.assert_frame_equal(again, rows)
