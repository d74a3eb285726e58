"""The data files' signature is read once per script run (lib/ui/caches.current_signature), never served stale: a
write this process makes into the data folder, in the same run, and a file another process changed, at the next run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import lib.dataset
import lib.ui.caches
from lib.store import writes

HEADER = "period,indicator,value,region,unit,basis,note\n"


def _page():
    """A page that reads the data, stores a file (when asked) and reads the data again, in one run."""
    import streamlit as st

    from lib import config, store
    from lib.ui import caches as ui
    from tests.conftest import analyst

    before = ui.cached_dataset().last_months()[2021]
    st.markdown(f"before {before}")
    if st.session_state.get("store"):
        outcome = store.import_file(config.data_dir(), "n.csv", st.session_state["store"], by=analyst("zhang"))
        assert outcome.submission_id
        del st.session_state["store"]
    st.markdown(f"after {ui.cached_dataset().last_months()[2021]}")
    st.markdown(f"scores {len(ui.cached_scorecard(2021, ui.cached_dataset().last_months()[2021]))}")


def _counting(monkeypatch) -> list:
    reads = []
    original = lib.dataset.data_signature
    monkeypatch.setattr(lib.ui.caches, "data_signature", lambda d: reads.append(d) or original(d))
    return reads


def test_a_file_stored_in_a_run_is_shown_by_the_same_run(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    reads = _counting(monkeypatch)
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["before 10", "after 10", "scores 24"]
    assert len(reads) == 1  # three reads of the data, one look at the files
    at.session_state["store"] = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
    reads.clear()
    at.run()
    assert not at.exception
    # stored between the two reads: the second sees November, in the same run
    assert [m.value for m in at.markdown] == ["before 10", "after 11", "scores 24"]
    assert len(reads) == 2  # before the write, and once after it
    reads.clear()
    at.run()
    assert [m.value for m in at.markdown] == ["before 11", "after 11", "scores 24"]
    assert len(reads) == 1


def test_a_file_changed_by_another_process_is_seen_at_the_next_run(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert [m.value for m in at.markdown][:2] == ["before 10", "after 10"]
    # written without this process's store (a command run by hand, another server): no write counted here
    (sample_dir / "actuals" / "zz_other.csv").write_text(HEADER + "2021-11,green_outlets,26,,,,\n", encoding="utf-8")
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown][:2] == ["before 11", "after 11"]


def test_every_write_under_the_lock_is_counted(tmp_path):
    before = writes.writes_done()
    with writes.locked(tmp_path):
        pass
    assert writes.writes_done() == before + 1


def test_outside_a_script_run_the_files_are_read_at_each_call(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    reads = _counting(monkeypatch)
    first = lib.ui.caches.current_signature()
    (sample_dir / "actuals" / "zz_other.csv").write_text(HEADER + "2021-11,green_outlets,26,,,,\n", encoding="utf-8")
    assert lib.ui.caches.current_signature() != first
    assert len(reads) == 2


def test_the_server_keeps_no_source_watcher_per_session():
    # A watcher per session resolved every loaded module's path at its first run (~0.1 s with the GIL held, on the
    # event loop every session shares) and again whenever a module was first imported: new sessions stalled the others.
    import tomllib

    from tests.conftest import REPO

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
