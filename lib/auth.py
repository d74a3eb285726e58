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
