"""Analyst accounts: salted PBKDF2 hashes kept outside the repository, checked in constant time.

Accounts come from the environment, KPI_ANALYSTS="name=HASH;other=HASH", or from Streamlit
secrets ([analysts] name = "HASH" in .streamlit/secrets.toml, which git ignores). Make a
hash with: python -m lib.cli hash-password
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Mapping

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 240_000
# Compared against when the name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY = f"{ALGORITHM}${ITERATIONS}${'00' * 16}${'00' * 32}"


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """Return 'pbkdf2_sha256$iterations$salt$hash' for a password."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether password matches a stored hash (constant-time comparison)."""
    try:
        algorithm, iterations, salt, expected = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


def accounts(env: Mapping[str, str] | None = None, secret_accounts: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return analyst name -> password hash from KPI_ANALYSTS and from secrets."""
    env = os.environ if env is None else env
    found: dict[str, str] = {}
    for item in env.get("KPI_ANALYSTS", "").split(";"):
        name, _, stored = item.partition("=")
        if name.strip() and stored.strip():
            found[name.strip()] = stored.strip()
    for name, stored in (secret_accounts or {}).items():
        found[str(name)] = str(stored)
    return found


def check(name: str, password: str, known: Mapping[str, str]) -> bool:
    """Return whether name and password match a known analyst."""
    stored = known.get(name)
    ok = verify_password(password, stored or _DUMMY)
    return ok and stored is not None


class Throttle:
    """Counts failed sign-ins per name; after too many within the window, refuses for a while."""

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, lockout_s: float = 300.0):
        self.max_failures, self.window_s, self.lockout_s = max_failures, window_s, lockout_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, name: str, now: float | None = None) -> float:
        """Return how long this name must wait before trying again (0 when it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < self.window_s]
            self._failures[name] = recent
            if len(recent) >= self.max_failures:
                return max(0.0, recent[-1] + self.lockout_s - now)
            return 0.0

    def failed(self, name: str, now: float | None = None) -> None:
        """Record a failed attempt for this name."""
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic() if now is None else now)

    def succeeded(self, name: str) -> None:
        """Forget the failures of this name."""
        with self._lock:
            self._failures.pop(name, None)


# One throttle for the whole server process: sessions share it, so a new tab does not reset it.
THROTTLE = Throttle()
