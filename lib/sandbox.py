"""Where untrusted bytes are read: a small pool of warm child processes, each task under limits, so that a reader
that crashes, aborts, hangs or swallows memory costs a refused file and a replaced worker, never the server.

Every reader of a file someone brought (workbooks, CSV, plan documents, drafts, progress files) is called through
run(func, *args, limits=...): func, a module-level function, runs in a worker with resource.setrlimit limits on
CPU time and address space (no files written, few files open, no core dumps) and a wall-time deadline the parent
enforces by killing it. Whatever stops it (a limit, a signal such as SIGABRT or SIGSEGV, MemoryError) is raised here
as Stopped, naming the limit or the signal; the worker is replaced. Exceptions the function raises itself (a refused
file) are raised again here as they were.

The workers are forked from multiprocessing's fork server, never from the server's own threaded process; the fork
server imports config.SANDBOX_PRELOAD once, so a replaced worker is ready in milliseconds. Large results (a million
rows of cells) come back without copying through the pipe: their buffers (Arrow, NumPy) are written to a memfd whose
pages the parent maps (pickle protocol 5 out of band).
"""

from __future__ import annotations

import io
import logging
import math
import mmap
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util

from lib import config

log = logging.getLogger(__name__)

_OUT_OF_BAND_MIN_BYTES = 1 << 20  # results whose buffers are smaller go through the pipe as one pickle
_STDERR_TAIL_BYTES = 4096
_MEMORY_WORDS = ("memory allocation of", "MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")


@dataclass(frozen=True)
class Limits:
    """What one task may cost: CPU seconds, bytes of address space above the worker's own, seconds of wall time."""

    cpu_seconds: float
    memory_bytes: int
    wall_seconds: float


class Stopped(Exception):
    """A task stopped by a limit or killed by a signal: a message code and its parameters (limit, signal)."""

    def __init__(self, code: str, **params: object):
        super().__init__(code, params)
        self.code, self.params = code, params

    def __reduce__(self):
        return _stopped, (self.code, self.params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


def _stopped(code: str, params: dict) -> Stopped:
    return Stopped(code, **params)


def in_worker() -> bool:
    """Return whether this process is a sandbox worker (where run calls the function directly)."""
    return _IN_WORKER


_IN_WORKER = False


def run(func, *args, limits: Limits | None = None, **kwargs):
    """Return func(*args, **kwargs) computed in a sandbox worker; raise what it raised, or Stopped."""
    if _IN_WORKER:
        return func(*args, **kwargs)
    return _pool().run(func, args, kwargs, limits or default_limits())


def _settings() -> dict:
    """Return lib/config.py's settings as they are in this process (a test or the benchmark may have changed one):
    the worker reads with the same."""
    return {name: value for name, value in vars(config).items()
            if name.isupper() and isinstance(value, int | float | str | tuple | dict)}


def default_limits() -> Limits:
    """Return the limits of reading one actuals-sized file (lib/config.py)."""
    return Limits(config.SANDBOX_CPU_SECONDS, config.SANDBOX_MEMORY_BYTES, config.SANDBOX_WALL_SECONDS)


def prestart(preload: tuple[str, ...] | None = None) -> None:
    """Start the fork server now and return at once: it imports preload (config.SANDBOX_PRELOAD unless named: a
    command that reads only actuals skips the plan readers) on another core while the caller goes on, and the first
    run() finds it ready (a command line run waits for one import, not two in a row)."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload or config.SANDBOX_PRELOAD))
    forkserver.ensure_running()


def shutdown() -> None:
    """Stop every worker (the pool starts again on the next run)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


def workers() -> list[int]:
    """Return the process ids of the live workers (for tests and the benchmark)."""
    pool = _POOL
    return [] if pool is None else pool.pids()


# --- the parent's side ---------------------------------------------------------------------------------------------

_POOL = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = _Pool(config.SANDBOX_WORKERS)
        return _POOL


def _launch_without_main(popen, process_obj) -> None:
    """Start a worker from the fork server as multiprocessing's forkserver Popen does, but without importing the
    caller's __main__ in it (a script that reads a file at import would read it again in every worker)."""
    prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                 if key not in ("main_path", "init_main_from_name", "init_main_from_path")}
    buf = io.BytesIO()
    context.set_spawning_popen(popen)
    try:
        reduction.dump(prep_data, buf)
        reduction.dump(process_obj, buf)
    finally:
        context.set_spawning_popen(None)
    popen.sentinel, w = forkserver.connect_to_new_process(popen._fds)
    parent_w = os.dup(w)
    popen.finalizer = util.Finalize(popen, util.close_fds, (parent_w, popen.sentinel))
    with open(w, "wb", closefd=True) as f:
        f.write(buf.getbuffer())
    popen.pid = forkserver.read_signed(popen.sentinel)


class _Popen(popen_forkserver.Popen):
    def _launch(self, process_obj):
        _launch_without_main(self, process_obj)


class _Process(multiprocessing.get_context("forkserver").Process):
    """A forkserver process whose start skips the caller's __main__."""

    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


class _Worker:
    """One child process, its end of the pipe, and the tail of what it wrote to stderr."""

    def __init__(self, context):
        parent_end, child_end = context.Pipe()
        err_read, err_write = context.Pipe(duplex=False)
        self.process = _Process(target=_serve, args=(child_end, err_write), daemon=True, name="kpi-sandbox")
        self.process.start()
        child_end.close()
        err_write.close()
        self.conn = parent_end
        self.tasks = 0
        self.stderr = deque(maxlen=64)
        threading.Thread(target=self._drain, args=(err_read,), daemon=True, name="kpi-sandbox-stderr").start()

    def _drain(self, err_read) -> None:
        """Log what the worker writes to stderr (a native library's last words) and keep its tail."""
        fd = err_read.fileno()
        pending = b""
        try:
            while chunk := os.read(fd, 4096):
                self.stderr.append(chunk)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines[:20]:
                    log.warning("sandbox worker %s: %s", self.process.pid, line.decode("utf-8", "replace")[:300])
                pending = pending[-_STDERR_TAIL_BYTES:]
        except OSError:
            pass
        finally:
            err_read.close()

    def said(self) -> str:
        """Return the tail of the worker's stderr."""
        return b"".join(self.stderr)[-_STDERR_TAIL_BYTES:].decode("utf-8", "replace")

    def kill(self) -> None:
        """End the worker at once and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Pool:
    """Warm workers handed to one caller at a time; a worker that died or overran is replaced."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(list(config.SANDBOX_PRELOAD))
        self.idle: list[_Worker] = []
        self.busy = 0
        self.ready = threading.Condition()
        self.closed = False

    def pids(self) -> list[int]:
        with self.ready:
            return [w.process.pid for w in self.idle]

    def close(self) -> None:
        with self.ready:
            self.closed = True
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.kill()

    def _acquire(self) -> _Worker:
        with self.ready:
            while not self.idle and self.busy >= self.size:
                self.ready.wait()
            self.busy += 1
            worker = self.idle.pop() if self.idle else None
        if worker is not None and worker.process.is_alive():
            return worker
        try:
            return _Worker(self.context)
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        with self.ready:
            self.busy -= 1
            if worker is not None and not self.closed and worker.tasks < config.SANDBOX_TASKS_PER_WORKER:
                self.idle.append(worker)
                worker = None
            self.ready.notify()
        if worker is not None:
            worker.kill()

    def run(self, func, args: tuple, kwargs: dict, limits: Limits):
        args = tuple(_Shared(a) if isinstance(a, bytes) and len(a) >= _OUT_OF_BAND_MIN_BYTES else a for a in args)
        task = (func, args, kwargs, limits, _settings())
        worker = self._acquire()
        keep = False
        try:
            try:
                _send(worker.conn, task)
            except OSError:  # the worker died while idle (killed from outside): a fresh one takes the task
                worker.kill()
                worker = _Worker(self.context)
                _send(worker.conn, task)
            worker.tasks += 1
            deadline = time.monotonic() + limits.wall_seconds
            if not worker.conn.poll(limits.wall_seconds):
                log.warning("sandbox: %s overran %.0f s; worker %s killed", _name(func), limits.wall_seconds,
                            worker.process.pid)
                raise Stopped("err_sandbox_time", limit=_seconds(limits.wall_seconds))
            try:
                status, payload, retiring = _receive(worker.conn, max(1.0, deadline - time.monotonic()))
            except (EOFError, OSError, TimeoutError):
                raise self._death(worker, func, limits) from None
            keep = not retiring
            if status == "ok":
                return payload
            if status == "memory":
                raise Stopped("err_sandbox_memory", limit=_megabytes(limits.memory_bytes))
            raise payload
        finally:
            self._release(worker if keep else None)
            if not keep:
                worker.kill()

    def _death(self, worker: _Worker, func, limits: Limits) -> Stopped:
        """Return the Stopped for a worker that died mid-task: the limit or signal that ended it."""
        worker.process.join(5)
        code = worker.process.exitcode
        said = worker.said()
        log.warning("sandbox: %s ended worker %s with exit code %s; it said: %s", _name(func), worker.process.pid,
                    code, said[-500:])
        if code == -signal.SIGXCPU:
            return Stopped("err_sandbox_cpu", limit=_seconds(limits.cpu_seconds))
        if any(word in said for word in _MEMORY_WORDS):
            return Stopped("err_sandbox_memory", limit=_megabytes(limits.memory_bytes))
        if code is not None and code < 0:
            return Stopped("err_sandbox_signal", signal=signal.Signals(-code).name if -code in
                           signal.valid_signals() else str(-code))
        return Stopped("err_sandbox_signal", signal=f"exit {code}")


def _receive(conn, timeout: float | None = None, copy: bool = False):
    """Return what _send sent: one pickle, or a pickle whose buffers are in a memfd (mapped, or with copy=True read
    into bytes at once: a worker's input, which it keeps as bytes)."""
    head = conn.recv_bytes()
    if head[:1] != b"M":
        return pickle.loads(head[1:])
    layout = pickle.loads(head[1:])
    if timeout is not None and not conn.poll(timeout):
        raise TimeoutError("no buffers")
    fd = reduction.recv_handle(conn)
    if copy:
        try:
            buffers = [os.pread(fd, length, start) if length else b"" for start, length in layout["buffers"]]
        finally:
            os.close(fd)
        return pickle.loads(layout["head"], buffers=buffers)
    try:
        size = layout["size"]
        # a private writable mapping: arrays built on it are writable, and the memfd's pages are shared, not copied
        # (populated at once: faulting 60 MB in page by page costs more than the copy it saves)
        mapped = mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE | mmap.MAP_POPULATE,
                           prot=mmap.PROT_READ | mmap.PROT_WRITE) if size else b""
    finally:
        os.close(fd)
    view = memoryview(mapped)
    buffers = [view[start:start + length] for start, length in layout["buffers"]]
    return pickle.loads(layout["head"], buffers=buffers)


def _name(func) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', func)}"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _megabytes(value: int) -> str:
    return f"{value / 2**20:,.0f} MB"


# --- the worker's side ---------------------------------------------------------------------------------------------

def _serve(conn, err_write) -> None:
    """A worker's life: limits that hold for every task, then tasks one at a time until the pipe closes."""
    global _IN_WORKER
    _IN_WORKER = True
    os.dup2(err_write.fileno(), 2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    err_write.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the parent's to handle
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _lower(resource.RLIMIT_NOFILE, config.SANDBOX_OPEN_FILES)
    while True:
        try:
            func, args, kwargs, limits, settings = _receive(conn, copy=True)
        except (EOFError, OSError):
            return
        except Exception as exc:  # a task that cannot be unpickled here (a function of the caller's __main__)
            _send(conn, ("raise", RuntimeError(f"the task cannot be run in the sandbox: {exc}"), False))
            continue
        for name, value in settings.items():
            setattr(config, name, value)
        retire = False
        _limit_task(limits)
        try:
            result = ("ok", func(*args, **kwargs))
        except MemoryError:
            result, retire = ("memory", None), True
        except BaseException as exc:  # everything the reader raised goes back to the caller
            if _caused_by_memory(exc):
                result, retire = ("memory", None), True
            else:
                result = ("raise", _transportable(exc))
        finally:
            _unlimit_task()
        del args, kwargs
        retire = retire or _resident_bytes() > config.SANDBOX_RETIRE_RESIDENT_BYTES
        try:
            _send(conn, (*result, retire))
        except (OSError, EOFError):
            return
        if retire:
            return


def _resident_bytes() -> int:
    """Return the worker's resident memory: one that a large file left large is replaced."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * mmap.PAGESIZE


def _lower(which: int, soft: int) -> None:
    """Set a soft limit, never above the hard one."""
    _, hard = resource.getrlimit(which)
    resource.setrlimit(which, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _limit_task(limits: Limits) -> None:
    """Hold the next task to its CPU seconds and address space (counted from now) and to writing no file."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _lower(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime + limits.cpu_seconds))
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * mmap.PAGESIZE
    _lower(resource.RLIMIT_AS, mapped + limits.memory_bytes)
    _lower(resource.RLIMIT_FSIZE, 0)


def _unlimit_task() -> None:
    """Lift a task's limits again (to the hard limits) for the worker's own work between tasks."""
    for which in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_FSIZE):
        _, hard = resource.getrlimit(which)
        resource.setrlimit(which, (hard, hard))


def _caused_by_memory(exc: BaseException) -> bool:
    """Return whether a MemoryError is behind an exception (readers wrap what they meet)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _transportable(exc: BaseException) -> BaseException:
    """Return the exception itself when it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc, protocol=5))
        exc.__traceback__ = None
        exc.__cause__ = exc.__context__ = None
        return exc
    except Exception:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return RuntimeError(text[:500])


def _send(conn, obj) -> None:
    """Send an object: a small one as one pickle; large buffers (bytes given to a reader, Arrow and NumPy results)
    through a memfd the other side maps, so that they are not copied through the pipe."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    if sum(v.nbytes for v in views) < _OUT_OF_BAND_MIN_BYTES:
        conn.send_bytes(b"P" + (pickle.dumps(obj, protocol=5) if views else head))
        return
    fd = os.memfd_create("kpi-sandbox", os.MFD_CLOEXEC)
    try:
        places, at = [], 0
        for view in views:
            at = -(-at // 64) * 64  # each buffer 64-byte aligned, as Arrow and NumPy want them (else they copy)
            places.append((at, view.nbytes))
            written = 0
            while written < view.nbytes:
                written += os.pwrite(fd, view[written:], at + written)
            at += view.nbytes
        os.ftruncate(fd, at)
        conn.send_bytes(b"M" + pickle.dumps({"head": head, "buffers": places, "size": at}, protocol=5))
        reduction.send_handle(conn, fd, os.getpid())
    finally:
        os.close(fd)


class _Shared:
    """Bytes handed to a reader out of band (through the memfd), arriving as bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def __reduce_ex__(self, protocol):
        return bytes, (pickle.PickleBuffer(self.data),)
