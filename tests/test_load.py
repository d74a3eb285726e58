"""Twenty sessions at once over Streamlit's own websocket: every run finishes, none draws an error."""

from __future__ import annotations

import sys

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from tests.conftest import REPO, city_copy

sys.path.insert(0, str(REPO / "bench"))

from load import one_run, run_sessions
from run import rss_mb, serve


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("load") / "data"
    city_copy(data)
    proc, url = serve(REPO / "app.py", data)
    yield proc, url
    proc.terminate()
    proc.wait(timeout=20)


def test_a_run_counts_until_the_page_is_drawn_in_the_first_session_after_the_server_starts(app_server):
    """The server's first session runs its script twice (it leaves Streamlit's pages-folder mode by a rerun,
    lib/ui/frame.py): the load client's run ends with the second, the one that draws the page, and nothing of it is
    left to be read as the next run's (the client once stopped at the first and was a run behind from then on).
    First in this file, so that its session is the server's first."""
    _, url = app_server
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None) as ws:
        for _ in range(2):
            _, exceptions = one_run(ws, "overview")
            assert exceptions == []
            assert set(messages_until_quiet(ws)) <= {"session_status_changed"}  # ("not running"), no page, no finish


def messages_until_quiet(ws, quiet_s: float = 1.5) -> list[str]:
    """Return the kinds of the messages a session receives until none came for quiet_s seconds."""
    kinds = []
    while True:
        try:
            data = ws.recv(timeout=quiet_s)
        except TimeoutError:
            return kinds
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kinds.append(msg.WhichOneof("type"))


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
