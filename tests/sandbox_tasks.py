"""Tasks the sandbox tests hand to a worker (a worker imports a task's module by name, so they live here): each
misbehaves as a native reader can — aborts, hangs, spins, swallows memory — or reports where it ran."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np

from lib import config


def where() -> tuple[int, int]:
    """Return (this process, its parent)."""
    return os.getpid(), os.getppid()


def abort() -> None:
    """End the process as a Rust panic under memory pressure or a failed C assertion does."""
    os.kill(os.getpid(), signal.SIGABRT)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def hang(pid_file: str = "") -> None:
    """Wait forever (a reader stuck in a loop that never reads); write the pid first when asked."""
    if pid_file:
        Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def spin() -> None:
    """Burn CPU forever."""
    n = 0
    while True:
        n += 1


def swallow() -> bytes:
    """Ask for 64 GB at once."""
    return bytearray(64 * 2**30)


def settings() -> tuple[int, int]:
    """Return two of lib/config.py's settings as the worker sees them."""
    return config.MAX_ROWS, config.SMALL_FILE_BYTES


def big_array(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64)


def echo(data: bytes) -> tuple[int, int]:
    """Return the length and a checksum of bytes handed in."""
    return len(data), sum(data[::4096])


def write_file(path: str) -> None:
    """Try to write a file (a reader writes none)."""
    Path(path).write_bytes(b"x" * 1024)
