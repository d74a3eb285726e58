"""Turns in arrival order for work that competes for one interpreter: a run starts when the runs before it have
started and the one running has finished or has held its turn for longer than `patience`.

The app's script runs all share one Python interpreter (one GIL). Twenty sessions' runs at once each got a slice in
turn, none finished sooner for it, and which finished first was chance: with twenty sessions rerunning back to back
(bench/load.py) a rerun's p95 was 1.44-1.58x the median; taking turns in arrival order, 1.27-1.38x.
A run that lasts (a long export) lets the next one start after `patience`, so nobody waits behind it for long; and
nobody waits longer than `longest_wait` in all, whatever the line (a safety valve should the line ever stall).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """Hands out turns in arrival order; see the module's docstring."""

    def __init__(self, patience: float, longest_wait: float = 5.0):
        if patience <= 0 or longest_wait <= 0:
            raise ValueError(f"patience and longest_wait must be positive, not {patience!r}, {longest_wait!r}")
        self.patience = patience
        self.longest_wait = longest_wait  # a caller who waited this long starts, whatever the line (a safety valve)
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._running: dict[object, float] = {}  # a turn's ticket → when it started

    def _wait_left(self, now: float) -> float:
        """Seconds until a new turn may start (0: now): until the newest running one has held its turn `patience`."""
        if not self._running:
            return 0.0
        return max(0.0, self.patience - (now - max(self._running.values())))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this caller's turn, hold it while the block runs, give it up however the block ends."""
        ticket = object()
        self._start(ticket)
        try:
            yield
        finally:
            with self._lock:
                del self._running[ticket]
                if self._waiting:
                    self._waiting[0].set()

    def _start(self, ticket: object) -> None:
        with self._lock:
            if not self._waiting and self._wait_left(time.monotonic()) == 0:
                self._running[ticket] = time.monotonic()
                return
            called = threading.Event()
            self._waiting.append(called)
            if self._waiting[0] is called:  # first in line: it looks at once how long the patience leaves it
                called.set()
        try:
            self._wait_for_turn(ticket, called)
        except BaseException:  # (interrupted while waiting: out of the line, and the next one told if it leads now)
            with self._lock:
                if called in self._waiting:
                    self._waiting.remove(called)
                    if self._waiting:
                        self._waiting[0].set()
            raise

    def _wait_for_turn(self, ticket: object, called: threading.Event) -> None:
        give_up = time.monotonic() + self.longest_wait
        timeout = self.longest_wait
        while True:
            called.wait(timeout)
            with self._lock:
                called.clear()
                now = time.monotonic()
                if now >= give_up or (self._waiting[0] is called and self._wait_left(now) == 0):
                    head = self._waiting[0] is called
                    self._waiting.remove(called)
                    self._running[ticket] = now
                    if head and self._waiting:  # the next in line now waits with its own timeout
                        self._waiting[0].set()
                    return
                if self._waiting[0] is called:
                    timeout = min(self._wait_left(now), give_up - now)
                else:  # (woken in passing: the head is someone else's)
                    timeout = give_up - now

    def running(self) -> int:
        """Return how many turns are being held now."""
        with self._lock:
            return len(self._running)

    def waiting(self) -> int:
        """Return how many callers wait for a turn now."""
        with self._lock:
            return len(self._waiting)
