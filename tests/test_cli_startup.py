"""What a command imports: each command line run loads only the libraries its work needs (a scorecard needs neither
charts nor slides nor the web app), checked in a fresh process as `python -m lib.cli` runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, city_copy

# Run lib.cli as `python -m lib.cli ARGS` does, then print which top-level packages ended up imported.
PROBE = """
import json, runpy, sys
sys.argv = ["lib.cli", *sys.argv[1:]]
try:
    runpy.run_module("lib.cli", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "modules": sorted({name.split(".")[0] for name in sys.modules}),
                  "plan": "lib.plan" in sys.modules}), file=sys.stderr)
"""
CHARTS_SLIDES_APP = {"plotly", "kaleido", "streamlit", "pptx", "docx"}
DOCUMENT_READERS = {"pdfplumber", "pdfminer", "pypdf"}


def imported(*args: str) -> dict:
    """Return the exit code, the top-level packages imported and whether lib.plan was, for one command line run."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True, timeout=300)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture
def data(tmp_path):
    return city_copy(tmp_path / "data", sample_in_place=True)


@pytest.fixture
def november(tmp_path):
    path = tmp_path / "2021年11月.csv"
    path.write_text("period,indicator,value,unit\n2021-11,express_volume,2.1,亿件\n", encoding="utf-8")
    return path


def test_report_imports_no_charts_slides_app_or_document_readers(data):
    got = imported("report", "--data-dir", str(data))
    assert got["code"] == 0
    assert set(got["modules"]) & (CHARTS_SLIDES_APP | DOCUMENT_READERS) == set()
    assert not got["plan"]  # the plan commands' readers
    assert {"duckdb", "pandas"} <= set(got["modules"])  # the probe saw the command's own imports


@pytest.mark.parametrize("command", ["validate", "import"])
def test_reading_a_csv_imports_no_charts_slides_app_or_document_readers(data, november, command):
    got = imported(command, str(november), "--data-dir", str(data))
    assert got["code"] == 0
    assert set(got["modules"]) & (CHARTS_SLIDES_APP | DOCUMENT_READERS) == set()
    assert not got["plan"]


def test_digest_without_charts_imports_no_browser_renderer_or_app(data, tmp_path):
    got = imported("digest", "--no-charts", "--data-dir", str(data), "--out", str(tmp_path / "outbox"),
                   "--secrets", str(tmp_path / "none.toml"))
    assert got["code"] == 0
    assert set(got["modules"]) & {"kaleido", "streamlit"} == set()
    assert {"pptx", "docx"} <= set(got["modules"])  # it did write the deck and the briefing


@pytest.mark.parametrize(("argv", "named"), [(["--data-dir", "/srv/a"], "/srv/a"), (["--data-dir=/srv/b"], "/srv/b"),
                                             (["--year", "2021", "--data-dir", "c d"], "c d")])
def test_the_data_folder_is_read_from_the_command_line_before_argparse(argv, named):
    from lib.cli import data_dir_named

    assert str(data_dir_named(argv)) == named


def test_without_data_dir_the_default_folder(monkeypatch, tmp_path):
    from lib.cli import data_dir_named

    monkeypatch.setenv("KPI_DATA_DIR", str(tmp_path / "city"))
    assert data_dir_named(["--year", "2021"]) == tmp_path / "city"
