"""The sandbox (#25): readers run in warm workers forked from a fork server, never from this process; an abort, a
signal, a hang, a CPU spin or a memory bomb becomes a refusal naming the limit or the signal, the worker is
replaced, and this process (standing in for the server) reads the next file as if nothing happened."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from lib import config, sandbox
from lib.intake import guard, parse, read_workbook
from tests import sandbox_tasks as tasks
from tests.test_hostile_files import BASE

QUICK = sandbox.Limits(cpu_seconds=2, memory_bytes=512 * 2**20, wall_seconds=3)


def reads_fine() -> bool:
    """Return whether a normal workbook still reads (ten months of green outlets, 11 … 20)."""
    sheets, _, kind = read_workbook(BASE)
    return kind == "xlsx" and [row[2] for row in sheets[0].grid[1:]] == [str(v) for v in range(11, 21)]


def test_a_worker_is_not_a_fork_of_this_process():
    pid, parent = sandbox.run(tasks.where)
    assert pid != os.getpid() and parent != os.getpid()  # forked by the fork server, not by the server's process


@pytest.mark.parametrize("task, name", [(tasks.abort, "SIGABRT"), (tasks.segfault, "SIGSEGV")])
def test_a_crash_is_a_refusal_naming_the_signal_and_the_next_file_reads(task, name):
    with pytest.raises(sandbox.Stopped) as stopped:
        sandbox.run(task, limits=QUICK)
    assert (stopped.value.code, stopped.value.params) == ("err_sandbox_signal", {"signal": name})
    assert reads_fine()


def test_a_worker_killed_mid_read_is_a_refusal_and_the_next_file_reads():
    assert reads_fine()
    idle = set(sandbox.workers())
    caught: list[BaseException] = []

    def read() -> None:
        try:
            sandbox.run(tasks.hang, limits=sandbox.Limits(10, 2**30, 30))
        except BaseException as exc:
            caught.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(200):  # the worker that took the task is no longer idle
        if busy := idle - set(sandbox.workers()):
            break
        time.sleep(0.05)
    time.sleep(0.3)  # mid-read
    os.kill(busy.pop(), signal.SIGKILL)
    reader.join(20)
    assert [(type(e), e.code, e.params) for e in caught] == [(sandbox.Stopped, "err_sandbox_signal",
                                                              {"signal": "SIGKILL"})]
    assert reads_fine()


def test_a_hang_ends_at_the_deadline():
    start = time.monotonic()
    with pytest.raises(sandbox.Stopped) as stopped:
        sandbox.run(tasks.hang, limits=QUICK)
    assert (stopped.value.code, stopped.value.params) == ("err_sandbox_time", {"limit": "3 s"})
    assert 2.9 < time.monotonic() - start < 10
    assert reads_fine()


def test_a_spin_ends_at_the_cpu_limit():
    with pytest.raises(sandbox.Stopped) as stopped:
        sandbox.run(tasks.spin, limits=sandbox.Limits(cpu_seconds=1, memory_bytes=2**30, wall_seconds=30))
    assert (stopped.value.code, stopped.value.params) == ("err_sandbox_cpu", {"limit": "1 s"})
    assert reads_fine()


def test_a_memory_bomb_is_refused_naming_the_limit():
    with pytest.raises(sandbox.Stopped) as stopped:
        sandbox.run(tasks.swallow, limits=QUICK)
    assert (stopped.value.code, stopped.value.params) == ("err_sandbox_memory", {"limit": "512 MB"})
    assert reads_fine()


def test_a_reader_writes_no_file(tmp_path):
    with pytest.raises(OSError):
        sandbox.run(tasks.write_file, str(tmp_path / "x"), limits=QUICK)
    assert not (tmp_path / "x").exists() or (tmp_path / "x").stat().st_size == 0


def test_a_refusal_crosses_whole_and_the_settings_of_this_process_hold_there(monkeypatch):
    monkeypatch.setattr(config, "MAX_ROWS", 1234)
    assert sandbox.run(tasks.settings) == (1234, config.SMALL_FILE_BYTES)
    with pytest.raises(guard.Refused) as refused:
        read_workbook(b"PK\x03\x04 not a zip")
    assert refused.value.code == "err_corrupt" and refused.value.params["detail"]


def test_large_results_and_arguments_cross_intact():
    array = sandbox.run(tasks.big_array, 3_000_000)  # 24 MB: through a memfd, not the pipe
    assert array.dtype == np.int64 and len(array) == 3_000_000 and int(array[-1]) == 2_999_999
    array[0] = 7  # writable, as a frame built on it must be
    data = bytes(range(256)) * 20_000
    assert sandbox.run(tasks.echo, data) == (len(data), sum(data[::4096]))


def test_a_crash_in_a_reader_is_a_refused_file_on_every_path(sample_dir, monkeypatch):
    """The 1.5 KB workbook that aborted the whole process (#25): a cell at XFD60000 written with single quotes.
    The guard refuses it now; with the guard out of the way the reader's abort still only costs the file."""
    from tests.test_hostile_input import xlsx_with_cells

    data = xlsx_with_cells("<c r='A1' t='inlineStr'><is><t>月份</t></is></c><c r='XFD60000'><v>1</v></c>")
    monkeypatch.setattr(config, "MAX_COLUMNS", 20_000)  # the guard lets it through, the worker's limits hold
    monkeypatch.setattr(config, "MAX_WORKBOOK_CELLS", 10**12)
    monkeypatch.setattr(config, "SANDBOX_MEMORY_BYTES", 512 * 2**20)
    parsed = parse("crash.xlsx", data, None)
    assert [p.code for p in parsed.errors] in (["err_sandbox_memory"], ["err_sandbox_signal"])
    assert "crash.xlsx" in parsed.errors[0].message("zh")
    assert reads_fine()
