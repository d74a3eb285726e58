"""Faults: a killed import or revert, a full or read-only disk, two reverts at once, a corrupt file: nothing lost,
nothing half-written, and readers never see half."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from lib import store
from lib.dataset import open_dataset
from lib.problems import InputError
from tests.conftest import REPO, analyst, run_cli
from tests.test_store import HEADER, green_outlets, snapshot

GOOD = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()


def full_disk_at(monkeypatch, write: int) -> list:
    """Make the write-th file the store writes from now on fail as a full disk; return the paths tried so far."""
    calls = []

    def failing(real):
        def write_or_fail(path, *args):
            calls.append(path)
            if len(calls) == write:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(path, *args)
        return write_or_fail

    monkeypatch.setattr(store.writes, "atomic_write", failing(store.writes.atomic_write))
    monkeypatch.setattr(Path, "touch", failing(Path.touch))  # the marker of a write under way
    return calls


@pytest.mark.parametrize("write, what", [(1, ".unfinished"), (2, "sub-000001_a.csv"), (3, ".pending-sub-000001.csv"),
                                         (4, "log.csv")])
def test_a_full_disk_at_any_write_of_an_import_changes_nothing(sample_dir, monkeypatch, write, what):
    before = snapshot(sample_dir)
    calls = full_disk_at(monkeypatch, write)
    with pytest.raises(store.StoreError) as caught:
        store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    assert calls[-1].name == what
    assert caught.value.code == "store_disk_full" and caught.value.message("en").startswith("no space left on the disk")
    assert caught.value.message("zh").startswith("磁盘空间不足")
    assert snapshot(sample_dir) == before
    assert not (sample_dir / store.UNFINISHED).exists()


@pytest.mark.parametrize("write, what", [(1, ".unfinished"), (2, "log.csv")])
def test_a_full_disk_mid_revert_changes_nothing(sample_dir, monkeypatch, write, what):
    store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    before = snapshot(sample_dir)
    calls = full_disk_at(monkeypatch, write)
    with pytest.raises(store.StoreError) as caught:
        store.revert(sample_dir, "000001", analyst("li"))
    assert calls[-1].name == what and caught.value.code == "store_disk_full"
    assert snapshot(sample_dir) == before
    assert store.read_log(sample_dir)["status"].tolist() == ["active"]
    assert green_outlets(sample_dir) == 28


@pytest.mark.parametrize("operation", ["import", "revert"])
def test_a_failed_rename_after_the_log_puts_the_log_back(sample_dir, monkeypatch, operation):
    if operation == "revert":
        store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    before = snapshot(sample_dir)
    real = os.replace

    def failing(source, target):
        if Path(target).name == "sub-000001.csv":  # the rename that makes rows count or takes them out
            raise OSError(errno.EIO, "Input/output error", str(source))
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(store.StoreError) as caught:
        if operation == "revert":
            store.revert(sample_dir, "000001", analyst("li"))
        else:
            store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    assert caught.value.code == "store_os_error" and "Input/output error" in str(caught.value)
    assert snapshot(sample_dir) == before


def test_when_the_log_cannot_be_put_back_either_the_next_read_finishes_the_store(sample_dir, monkeypatch):
    store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    real_replace, real_write = os.replace, store.writes.atomic_write

    def no_rename(source, target):
        if Path(target).name == "sub-000002.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(source))
        real_replace(source, target)

    def log_once(path, data):
        if path.name == "log.csv" and b"000002" not in data:  # the new log is written, the old one not again
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(os, "replace", no_rename)
    monkeypatch.setattr(store.writes, "atomic_write", log_once)
    with pytest.raises(store.StoreError) as caught:
        store.import_file(sample_dir, "b.csv", (HEADER + "2021-11,green_outlets,30,,,,\n").encode(), analyst("li"))
    assert caught.value.code == "store_unfinished"
    assert caught.value.message("en").startswith("no space left on the disk")
    assert store.read_log(sample_dir)["id"].tolist() == ["000001"]  # logged, rows not counted yet: not shown
    assert green_outlets(sample_dir) == 28
    monkeypatch.undo()  # room again
    assert store.read_log(sample_dir)["id"].tolist() == ["000002", "000001"]
    assert green_outlets(sample_dir) == 30
    assert not (sample_dir / store.UNFINISHED).exists()


def test_read_only_data_dir_gives_a_clear_error(sample_dir, monkeypatch):
    before = snapshot(sample_dir)

    def read_only(path, data):
        raise PermissionError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(store.writes, "atomic_write", read_only)
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
    store.import_file(sample_dir, "after.csv", (HEADER + "2021-11,green_outlets,28,,,,\n").encode(), analyst("zhang"))
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
    store.import_file(sample_dir, "a.csv", data, analyst("zhang"))
    actuals = sample_dir / "actuals"
    # As a writer killed between writing the log and the final rename leaves it, and one killed before the log
    os.replace(actuals / "sub-000001.csv", actuals / ".pending-sub-000001.csv")
    (actuals / ".pending-sub-000009.csv").write_bytes(data)
    assert all(not r.file.startswith(".pending") for r in open_dataset(sample_dir).reports)  # readers skip them
    store.import_file(sample_dir, "b.csv", (HEADER + "2021-11,village_coverage,99,,,,\n").encode(), analyst("zhang"))
    assert sorted(p.name for p in actuals.glob("sub-*.csv")) == ["sub-000001.csv", "sub-000002.csv"]
    assert not list(actuals.glob(".pending-*"))  # the logged one finished, the unlogged one dropped


# Imports the store once, then per copy of the data forks a child that runs the operation and SIGKILLs itself at
# its N-th step (store.writes.reached marks each); prints how each child ended. Forking saves an import per step.
KILL_AT_EACH_STEP = """
import json, os, signal, sys
from lib import store
from lib.access import Principal
operation, source, copies = sys.argv[1], sys.argv[2], sys.argv[3:]
endings = []
for step, data_dir in enumerate(copies, start=1):
    pid = os.fork()
    if pid == 0:
        reached = 0
        def stop_at(name):
            global reached
            reached += 1
            if reached == step:
                os.kill(os.getpid(), signal.SIGKILL)
        store.writes.reached = stop_at
        try:
            if operation == "revert":
                store.revert(data_dir, "000001", Principal.analyst("li", "10.0.0.7"))
            else:
                store.import_file(data_dir, "a.csv", open(source, "rb").read(), Principal.analyst("zhang", "10.0.0.7"))
        finally:
            os._exit(1)  # not killed: the step was never reached
    _, status = os.waitpid(pid, 0)
    endings.append(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status))
print(json.dumps(endings))
"""
REFUSED = (HEADER + "2021-11,green_outlets,lots,,,,\n").encode()


def run_operation(data_dir: Path, operation: str, source: Path) -> None:
    """Run one operation in this process as the killed ones run it."""
    if operation == "revert":
        store.revert(data_dir, "000001", analyst("li"))
    else:
        store.import_file(data_dir, "a.csv", source.read_bytes(), analyst("zhang"))


@contextlib.contextmanager
def writer_at_work(data_dir: Path):
    """Hold the write lock as a live writer would, so readers cannot finish anything meanwhile."""
    with open(data_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def loaded_submissions(data_dir: Path) -> set[str]:
    """Return the stored submission files the dataset loaded."""
    return {r.file for r in open_dataset(data_dir).reports if r.accepted and r.file.startswith("sub-")}


@pytest.mark.parametrize("operation", ["import", "revert", "refused import"])
def test_kill_9_at_every_step_is_finished_or_undone_and_readers_never_see_half(sample_dir, tmp_path, monkeypatch,
                                                                              operation):
    source = tmp_path / "a.csv"
    source.write_bytes(REFUSED if operation == "refused import" else GOOD)
    if operation == "revert":
        store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    before = snapshot(sample_dir)
    trial = tmp_path / "trial"
    shutil.copytree(sample_dir, trial)
    steps = []
    monkeypatch.setattr(store.writes, "reached", steps.append)
    run_operation(trial, operation, source)
    monkeypatch.undo()
    commit = steps.index("logged") + 1 if "logged" in steps else len(steps) + 1
    copies = [tmp_path / f"killed-at-{step}" for step in range(1, len(steps) + 1)]
    for copy in copies:
        shutil.copytree(sample_dir, copy)
    result = subprocess.run([sys.executable, "-c", KILL_AT_EACH_STEP, operation.split()[-1], str(source),
                             *map(str, copies)], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env=os.environ | {"OPENBLAS_NUM_THREADS": "1"})
    assert json.loads(result.stdout) == [signal.SIGKILL] * len(steps), result.stderr
    for step, copy in enumerate(copies, start=1):
        with writer_at_work(copy):  # what readers see before anything is finished
            view, loaded = store.read_log(copy), loaded_submissions(copy)
            assert set(view.loc[view["status"] == "active", "stored_file"]) == loaded, steps[step - 1]
            assert (store.active_submission(copy, GOOD) is not None) == ("sub-000001.csv" in loaded)
        view = store.read_log(copy)  # a reader finishes it
        assert not [p for p in copy.rglob("*") if p.name.startswith((".tmp-", ".pending-", store.UNFINISHED))]
        if store.log_path(copy).exists():  # the log says what readers see
            on_disk = pd.read_csv(store.log_path(copy), dtype=str, keep_default_na=False)
            assert view.equals(on_disk.iloc[::-1].reset_index(drop=True))
        else:
            assert view.empty
        done = step >= commit
        if operation == "import":
            assert view["status"].tolist() == (["active"] if done else [])
            assert loaded_submissions(copy) == ({"sub-000001.csv"} if done else set())
        elif operation == "revert":
            assert view["status"].tolist() == (["reverted"] if done else ["active"])
            assert loaded_submissions(copy) == (set() if done else {"sub-000001.csv"})
        rejected = sorted(p.name[22:] for p in (copy / "rejected").glob("*")) if (copy / "rejected").exists() else []
        assert rejected in ([], ["_a.csv", "_a.csv.json"])
        if not done:
            assert snapshot(copy) == before, steps[step - 1]  # byte for byte, no stray original
        else:
            assert sorted(p.name for p in (copy / "submissions" / "originals").iterdir()) == ["sub-000001_a.csv"]


def test_two_analysts_reverting_at_once_the_second_is_told_why(sample_dir):
    store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    barrier, outcomes = threading.Barrier(2), {}

    def revert(user):
        barrier.wait()
        try:
            store.revert(sample_dir, "000001", analyst(user), now=dt.datetime(2021, 12, 3, 9, 30))
            outcomes[user] = "reverted"
        except store.StoreError as exc:
            outcomes[user] = exc

    threads = [threading.Thread(target=revert, args=(user,)) for user in ("zhang", "li")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [winner] = [user for user, outcome in outcomes.items() if outcome == "reverted"]
    [refused] = [outcome for outcome in outcomes.values() if outcome != "reverted"]
    assert isinstance(refused, store.SubmissionNotActive)
    assert refused.message("en") == f"submission 000001 was already reverted by {winner} at 2021-12-03 09:30:00"
    assert refused.message("zh") == f"提交 000001 已于2021-12-03 09:30:00由{winner}撤回"
    assert store.read_log(sample_dir)[["status", "reverted_by"]].values.tolist() == [["reverted", winner]]


def test_a_data_dir_that_cannot_be_locked_gives_a_typed_error(tmp_path):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data folder should be", encoding="utf-8")
    with pytest.raises(store.StoreError) as caught:  # revert takes the lock first
        store.revert(not_a_folder, "000001", analyst("zhang"))
    assert caught.value.code == "store_os_error" and caught.value.params["path"] == str(not_a_folder)
    assert caught.value.message("zh") == f"File exists（{not_a_folder}）"
    with pytest.raises(InputError) as refused:  # an import checks the file against targets.csv before the lock
        store.import_file(not_a_folder, "a.csv", GOOD, analyst("zhang"))
    assert refused.value.problems[0].message("zh") == \
        f"{not_a_folder}：不是文件夹：--data-dir 或 KPI_DATA_DIR 应指向数据目录"  # the folder itself (issue 24)
