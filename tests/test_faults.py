"""Faults: a killed import, a full or read-only disk, a corrupt file: nothing lost, nothing half-written."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from lib import store
from lib.dataset import open_dataset
from tests.conftest import REPO, run_cli
from tests.test_store import HEADER, snapshot


def test_failure_while_writing_leaves_nothing_behind(sample_dir, monkeypatch):
    before = snapshot(sample_dir)
    calls = []
    real = store.atomic_write

    def failing(path, data):
        calls.append(path)
        if len(calls) == 2:  # the original was written; the disk fills up on the canonical file
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(store, "atomic_write", failing)
    with pytest.raises(store.StoreError, match="No space left on device"):
        store.import_file(sample_dir, "a.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(), "zhang")
    assert snapshot(sample_dir) == before


def test_read_only_data_dir_gives_a_clear_error(sample_dir, monkeypatch):
    before = snapshot(sample_dir)

    def read_only(path, data):
        raise PermissionError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(store, "atomic_write", read_only)
    path = sample_dir.parent / "in.csv"
    path.write_text(HEADER + "2021-11,green_outlets,28,,,,\n", encoding="utf-8")
    result = run_cli("import", path, "--data-dir", sample_dir)
    assert result.returncode == 1
    assert "入库失败，未做任何修改" in result.stderr and "Read-only file system" in result.stderr
    assert snapshot(sample_dir) == before


def test_kill_9_during_imports_loses_nothing(sample_dir, tmp_path):
    rows = "".join(f"2021-{m:02d},{ind},{v},,,,\n" for m in range(1, 11)
                   for ind, v in (("green_outlets", m * 2), ("practitioner_training", 100 + m)))
    source = tmp_path / "import.csv"
    source.write_text(HEADER + rows, encoding="utf-8")
    killed = 0
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6):
        proc = subprocess.Popen([sys.executable, "-m", "lib.cli", "import", str(source), "--data-dir",
                                 str(sample_dir)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
    assert killed >= 1
    # Every logged submission is complete; every stored file is logged and whole; readers see no temporaries.
    log = store.read_log(sample_dir)
    stored = {p.name for p in (sample_dir / "actuals").glob("sub-*.csv")}
    assert set(log["stored_file"]) == stored
    for row in log.itertuples():
        text = (sample_dir / "actuals" / row.stored_file).read_text(encoding="utf-8")
        assert len(text.splitlines()) == int(row.rows) + 1 == 21
        original = next((sample_dir / "submissions" / "originals").glob(f"sub-{row.id}_*"))
        assert hashlib.sha256(original.read_bytes()).hexdigest() == row.sha256
    ds = open_dataset(sample_dir)
    assert not ds.rejected
    # The next writer clears what a killed one left.
    store.import_file(sample_dir, "after.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(), "zhang")
    assert not [p for p in sample_dir.rglob(".tmp-*")]


def test_corrupt_file_never_takes_a_page_down(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    (sample_dir / "actuals" / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    (sample_dir / "actuals" / "garbage.csv").write_bytes(os.urandom(3000))
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "2个数据文件未载入（其余数据照常显示）：" in [e.label for e in at.expander]
    assert "19.25亿件" in {m.value for m in at.metric}
    for page in ("pages/indicator.py", "pages/departments.py", "pages/upload.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_a_store_killed_after_its_log_is_finished_by_the_next_writer(sample_dir):
    data = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
    store.import_file(sample_dir, "a.csv", data, "zhang")
    actuals = sample_dir / "actuals"
    # As a writer killed between writing the log and the final rename leaves it, and one killed before the log
    os.replace(actuals / "sub-000001.csv", actuals / ".pending-sub-000001.csv")
    (actuals / ".pending-sub-000009.csv").write_bytes(data)
    assert all(not r.file.startswith(".pending") for r in open_dataset(sample_dir).reports)  # readers skip them
    store.import_file(sample_dir, "b.csv", (HEADER + "2021-11,village_coverage,99,,,,\n").encode(), "zhang")
    assert sorted(p.name for p in actuals.glob("sub-*.csv")) == ["sub-000001.csv", "sub-000002.csv"]
    assert not list(actuals.glob(".pending-*"))  # the logged one finished, the unlogged one dropped
