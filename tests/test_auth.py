"""Sign-in throttling: concurrent guesses are counted before the slow check, per name and client."""

from __future__ import annotations

import threading
import time

import pytest

from lib import auth
from lib.auth import Throttle, hash_password

KNOWN = {"zhang": hash_password("correct horse", salt=b"\x02" * 16, iterations=1000)}


@pytest.fixture
def counted(monkeypatch):
    """Return the list of passwords that reached the (slowed-down) password check."""
    checked: list[str] = []
    real = auth.verify_password

    def slow(password, stored):
        checked.append(password)
        time.sleep(0.05)  # as slow as a real hash, so the guesses overlap
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", slow)
    return checked


def at_once(count: int, attempt) -> list:
    """Run attempt(i) in count threads released together; return their results in order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        results[i] = attempt(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_twenty_guesses_at_once_get_only_the_allowed_tries_checked(counted):
    throttle = Throttle(max_failures=5, window_s=900, lockout_s=300)
    results = at_once(20, lambda i: throttle.sign_in("zhang", f"guess{i}", KNOWN, client="10.0.0.9"))
    assert len(counted) == 5
    assert sum(r.wait_s > 0 for r in results) == 15 and not any(r.ok for r in results)
    assert throttle.sign_in("zhang", "correct horse", KNOWN, client="10.0.0.9").wait_s > 290  # this address waits
    assert len(counted) == 5


def test_a_strangers_guesses_do_not_lock_the_analyst_out(counted):
    throttle = Throttle(max_failures=5, window_s=900, lockout_s=300)
    for i in range(8):
        throttle.sign_in("zhang", f"guess{i}", KNOWN, client="203.0.113.7", now=float(i))
    assert throttle.wait_seconds("zhang", client="203.0.113.7", now=8) == pytest.approx(296)
    assert throttle.sign_in("zhang", "correct horse", KNOWN, client="10.0.0.5", now=9) == auth.SignIn(True)
    assert counted == [f"guess{i}" for i in range(5)] + ["correct horse"]


def test_guesses_from_many_addresses_are_capped_per_name_but_a_trusted_client_gets_in(counted):
    throttle = Throttle(max_failures=5, window_s=900, lockout_s=300, name_max_failures=8)
    assert throttle.sign_in("zhang", "correct horse", KNOWN, client="10.0.0.5", now=0).ok
    results = at_once(20, lambda i: throttle.sign_in("zhang", f"guess{i}", KNOWN, client=f"198.51.100.{i}", now=1))
    assert len(counted) == 1 + 8
    assert sum(r.wait_s == 300 for r in results) == 12
    assert throttle.wait_seconds("zhang", client="198.51.100.99", now=2) == 299  # a new address waits too
    assert throttle.sign_in("zhang", "correct horse", KNOWN, client="10.0.0.5", now=2).ok  # the analyst's does not
    assert throttle.wait_seconds("zhang", client="198.51.100.99", now=301) == 0  # the lockout passes


def test_right_passwords_do_not_count_towards_the_name_cap():
    throttle = Throttle(max_failures=2, window_s=900, lockout_s=300, name_max_failures=2)
    for i in range(4):
        assert throttle.sign_in("zhang", "correct horse", KNOWN, client=f"10.0.0.{i}", now=float(i)).ok
    assert throttle.wait_seconds("zhang", client="10.0.0.99", now=5) == 0


def test_the_calls_without_a_client_still_throttle_per_name():
    throttle = Throttle(max_failures=2, window_s=60, lockout_s=120)
    throttle.failed("zhang", now=0)
    throttle.failed("zhang", now=1)
    assert throttle.wait_seconds("zhang", now=2) == 119
    throttle.succeeded("zhang")
    assert throttle.wait_seconds("zhang", now=2) == 0
    assert throttle.sign_in("nobody", "x", KNOWN) == auth.SignIn(False)  # unknown names are counted alike


def test_old_failures_are_swept_so_many_names_cannot_fill_memory(monkeypatch):
    monkeypatch.setattr(auth, "_SWEEP_AT", 3)
    throttle = Throttle(window_s=60)
    for i in range(4):
        throttle.failed(f"name{i}", client="x", now=0)
    throttle.failed("late", client="x", now=100)
    assert list(throttle._failures) == [("late", "x")] and list(throttle._name_failures) == ["late"]


# Who a sign-in comes from: X-Forwarded-For only from a trusted proxy -------------------------------------------------

PROXIES = auth.trusted_proxies({"KPI_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24 ::1"})


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # an untrusted peer's header is ignored: no dodging the throttle
    ("203.0.113.7", None, "203.0.113.7"),
    ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # the proxy's own entry is the client
    ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the browser sent before it is not believed
    ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two trusted proxies in a row are both skipped
    ("10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # all trusted: the farthest known
    ("10.0.0.2", "unknown, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.2", "198.51.100.1, garbage", "10.0.0.2"),  # the proxy wrote nonsense: the proxy it is
    ("10.0.0.2", "", "10.0.0.2"),
    ("10.0.0.2", "[2001:db8::5]:4711", "2001:db8::5"),
    ("10.0.0.2", "198.51.100.1:5123", "198.51.100.1"),
    (None, "198.51.100.1", "198.51.100.1"),  # Streamlit reports a loopback peer as none: 127.0.0.1 is trusted
    ("::1", "198.51.100.1", "198.51.100.1"),
    ("::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),  # a dual-stack socket's form of a trusted address
    ("10.0.1.2", "198.51.100.1", "10.0.1.2"),  # outside the trusted network
])
def test_the_client_address_trusts_x_forwarded_for_only_from_a_named_proxy(peer, forwarded, expected):
    assert auth.client_address(peer, forwarded, PROXIES) == expected


def test_without_the_setting_no_header_is_believed():
    assert auth.trusted_proxies({}) == ()
    assert auth.client_address(None, "198.51.100.1", ()) == "127.0.0.1"
    assert auth.client_address("10.0.0.2", "198.51.100.1", ()) == "10.0.0.2"


def test_a_forged_header_from_an_untrusted_peer_cannot_dodge_the_throttle():
    throttle = Throttle(max_failures=5, window_s=900, lockout_s=300)
    for i in range(5):
        client = auth.client_address("203.0.113.7", f"198.51.100.{i}", PROXIES)  # a new forged address each time
        throttle.sign_in("zhang", f"guess{i}", KNOWN, client=client, now=float(i))
    client = auth.client_address("203.0.113.7", "198.51.100.99", PROXIES)
    assert throttle.sign_in("zhang", "correct horse", KNOWN, client=client, now=6).wait_s > 290


def test_a_setting_that_names_no_address_is_refused_naming_the_entry():
    with pytest.raises(auth.ProxySettingError) as caught:
        auth.trusted_proxies({"KPI_TRUSTED_PROXIES": "127.0.0.1, proxy.example"})
    assert "proxy.example" in caught.value.message("en") and "KPI_TRUSTED_PROXIES" in caught.value.message("zh")
