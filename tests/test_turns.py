"""Script runs take turns (lib/turns.py): in arrival order, one at a time, a long one lets the next start after the
patience, and a turn is given back however its block ends."""

from __future__ import annotations

import threading
import time

import pytest

from lib.turns import Turns

LONG = 60.0  # a patience no test reaches: turns strictly one at a time


def wait_until(condition, timeout: float = 10.0) -> None:
    """Wait until condition() holds (the threads below line up in the order a test starts them)."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.001)


def line_up(turns: Turns, count: int, body) -> list[threading.Thread]:
    """Start `count` threads one after another, each waiting for its turn to run body(index), each in the line before
    the next one starts; return them."""
    threads = []
    for index in range(count):
        def work(index=index):
            with turns.turn():
                body(index)
        thread = threading.Thread(target=work)
        thread.start()
        wait_until(lambda index=index: turns.waiting() == index + 1)
        threads.append(thread)
    return threads


def test_turns_start_in_the_order_they_were_asked_for_one_at_a_time():
    turns = Turns(LONG)
    order, inside, most_inside = [], [0], [0]
    lock = threading.Lock()

    def body(index):
        with lock:
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
            order.append(index)
        time.sleep(0.002)
        with lock:
            inside[0] -= 1

    with turns.turn():  # the line forms behind a turn held here
        threads = line_up(turns, 8, body)
        assert order == []
    for thread in threads:
        thread.join(10)
    assert order == list(range(8))
    assert most_inside == [1]
    assert (turns.running(), turns.waiting()) == (0, 0)


def test_a_turn_held_past_the_patience_lets_the_next_one_start_beside_it():
    turns = Turns(0.2)
    started, done = threading.Event(), threading.Event()
    asked = time.monotonic()

    def next_one():
        with turns.turn():
            started.set()
            done.wait(10)

    with turns.turn():  # a long export, still holding its turn
        thread = threading.Thread(target=next_one)
        thread.start()
        assert started.wait(10)
        assert time.monotonic() - asked >= 0.2  # not before the patience
        assert turns.running() == 2
        done.set()
    thread.join(10)
    assert turns.running() == 0


def test_nobody_waits_longer_than_the_longest_wait_whatever_the_line():
    """The safety valve: a caller behind a turn held for good (and behind another waiter) starts after longest_wait."""
    turns = Turns(LONG, longest_wait=0.3)
    started = []
    with turns.turn():  # held for the whole test, with a patience no one reaches
        asked = time.monotonic()
        threads = line_up(turns, 2, lambda index: started.append((index, time.monotonic() - asked)))
        for thread in threads:
            thread.join(10)
        assert sorted(index for index, _ in started) == [0, 1]  # (in either order: each by its own clock)
        assert all(waited >= 0.3 for _, waited in started)
        assert turns.waiting() == 0


def test_a_turn_is_given_back_when_its_block_raises():
    turns = Turns(LONG)
    with pytest.raises(RuntimeError), turns.turn():
        raise RuntimeError("a run that stopped (Streamlit stops a run by raising in it)")
    assert turns.running() == 0
    with turns.turn():  # the next one gets it at once
        assert turns.running() == 1


class Interrupted(BaseException):
    """What a waiting thread might be sent (KeyboardInterrupt)."""


class InterruptedWhileWaiting(Turns):
    """Turns whose first caller to wait is interrupted while in the line."""

    interrupted = False

    def _wait_for_turn(self, ticket, called):
        if not self.interrupted:
            self.interrupted = True
            raise Interrupted
        super()._wait_for_turn(ticket, called)


def test_a_caller_interrupted_while_waiting_leaves_the_line_and_the_next_gets_the_turn():
    turns = InterruptedWhileWaiting(LONG)
    order = []

    def interrupted_caller():
        try:
            with turns.turn():
                order.append("ran")
        except Interrupted:
            order.append("left the line")

    with turns.turn():
        caller = threading.Thread(target=interrupted_caller)
        caller.start()
        caller.join(10)
        assert order == ["left the line"] and turns.waiting() == 0
        threads = line_up(turns, 1, lambda index: order.append("next"))
    threads[0].join(10)
    assert order == ["left the line", "next"]


@pytest.mark.parametrize(("patience", "longest_wait"), [(0, 5.0), (-1.0, 5.0), (0.1, 0)])
def test_a_patience_or_longest_wait_that_is_not_positive_is_refused(patience, longest_wait):
    with pytest.raises(ValueError, match="must be positive"):
        Turns(patience, longest_wait)
