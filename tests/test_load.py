"""Twenty sessions at once over Streamlit's own websocket: every run finishes, none draws an error."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO, city_copy

sys.path.insert(0, str(REPO / "bench"))

from load import run_sessions
from run import rss_mb, serve


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("load") / "data"
    city_copy(data)
    proc, url = serve(REPO / "app.py", data)
    yield proc, url
    proc.terminate()
    proc.wait(timeout=20)


def test_twenty_sessions_rerun_the_overview_without_errors(app_server):
    proc, url = app_server
    warm = run_sessions(url, sessions=1, seconds=2)
    assert warm["errors"] == [] and warm["runs"] >= 1
    result = run_sessions(url, sessions=20, seconds=8)
    assert result["errors"] == []
    assert result["runs"] >= 20  # every session's first run finished
    before = rss_mb(proc.pid)
    again = run_sessions(url, sessions=20, seconds=8)
    assert again["errors"] == []
    # A second round of the same sessions must not keep what the first left behind. (Generous: the
    # allocator keeps some pages; bench/RESULTS.md has the measured figures.)
    assert rss_mb(proc.pid) < before * 1.25
    print(f"20 sessions: {result['runs']} runs, p95 {result['p95_s']:.2f} s; "
          f"RSS {before:.0f} → {rss_mb(proc.pid):.0f} MB")
