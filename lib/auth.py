"""Analyst accounts: salted PBKDF2 hashes kept outside the repository, checked in constant time.

Accounts come from the environment, KPI_ANALYSTS="name=HASH;other=HASH", or from Streamlit
secrets ([analysts] name = "HASH" in .streamlit/secrets.toml, which git ignores). Make a
hash with: python -m lib.cli hash-password
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from lib.problems import TranslatedError

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


@dataclass(frozen=True)
class SignIn:
    """One sign-in attempt's outcome: whether it succeeded, and how long to wait when it was refused unchecked."""

    ok: bool
    wait_s: float = 0.0


class Throttle:
    """Counts wrong sign-ins per name and client, and per name from all clients together.

    A client (a browser's address) that got a name's password wrong max_failures times within window_s waits
    lockout_s, so a stranger guessing from elsewhere does not lock the analyst out. All clients together get
    name_max_failures for a name, so guessing from many addresses is slowed as well; a client that signed in
    as that name within trust_s is exempt from that cap, so the analyst still gets in during such an attack.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, lockout_s: float = 300.0,
                 name_max_failures: int = 25, trust_s: float = 30 * 86400.0):
        self.max_failures, self.window_s, self.lockout_s = max_failures, window_s, lockout_s
        self.name_max_failures, self.trust_s = name_max_failures, trust_s
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._name_failures: dict[str, list[float]] = {}
        self._trusted: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def sign_in(self, name: str, password: str, known: Mapping[str, str], client: str = "",
                now: float | None = None) -> SignIn:
        """Return the outcome of one attempt, counted as wrong before the slow check so concurrent guesses wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            wait = self._wait(name, client, now)
            if wait == 0:
                self._record(name, client, now)
        if wait > 0:
            return SignIn(False, wait)
        if check(name, password, known):
            with self._lock:  # a right password is no guess: take back the attempt counted above
                everyone = self._name_failures.get(name, [])
                if now in everyone:
                    everyone.remove(now)
            self.succeeded(name, client, now)
            return SignIn(True)
        return SignIn(False)

    def wait_seconds(self, name: str, client: str = "", now: float | None = None) -> float:
        """Return how long this name must wait before trying again from this client (0 when it may try now)."""
        with self._lock:
            return self._wait(name, client, time.monotonic() if now is None else now)

    def failed(self, name: str, client: str = "", now: float | None = None) -> None:
        """Record a wrong attempt for this name from this client."""
        with self._lock:
            self._record(name, client, time.monotonic() if now is None else now)

    def succeeded(self, name: str, client: str = "", now: float | None = None) -> None:
        """Forget this client's wrong attempts at this name, and trust the client for the name from now on."""
        with self._lock:
            self._failures.pop((name, client), None)
            self._trusted[(name, client)] = time.monotonic() if now is None else now

    def _wait(self, name: str, client: str, now: float) -> float:
        """Return the wait for a name and client (hold the lock)."""
        own = self._recent(self._failures, (name, client), now)
        wait = own[-1] + self.lockout_s - now if len(own) >= self.max_failures else 0.0
        trusted_since = self._trusted.get((name, client))
        if trusted_since is None or now - trusted_since >= self.trust_s:
            everyone = self._recent(self._name_failures, name, now)
            if len(everyone) >= self.name_max_failures:
                wait = max(wait, everyone[-1] + self.lockout_s - now)
        return max(0.0, wait)

    def _record(self, name: str, client: str, now: float) -> None:
        """Count one wrong attempt (hold the lock)."""
        if len(self._failures) > _SWEEP_AT:  # names and clients are the caller's to choose: keep memory bounded
            for key in list(self._failures):
                self._recent(self._failures, key, now)
            for key in list(self._name_failures):
                self._recent(self._name_failures, key, now)
        self._failures.setdefault((name, client), []).append(now)
        self._name_failures.setdefault(name, []).append(now)

    def _recent(self, table: dict, key, now: float) -> list[float]:
        """Return a key's failures within the window, dropping older ones (and the key when none are left)."""
        recent = [t for t in table.get(key, []) if now - t < self.window_s]
        if recent:
            table[key] = recent
        else:
            table.pop(key, None)
        return recent


_SWEEP_AT = 10_000

# Who is signing in: the address the request came from, and X-Forwarded-For only from a proxy named here.
ENV_TRUSTED_PROXIES = "KPI_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_LOOPBACK = {4: ipaddress.ip_network("127.0.0.0/8"), 6: ipaddress.ip_network("::1/128")}


class ProxySettingError(TranslatedError):
    """KPI_TRUSTED_PROXIES names something that is not an address or a network."""


def trusted_proxies(env: Mapping[str, str] | None = None) -> tuple[Network, ...]:
    """Return the networks of KPI_TRUSTED_PROXIES ("127.0.0.1, 10.0.0.0/24", commas or spaces); raise
    ProxySettingError naming an entry that is neither an address nor a network."""
    env = os.environ if env is None else env
    networks = []
    for entry in env.get(ENV_TRUSTED_PROXIES, "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ProxySettingError("proxy_setting_bad", setting=ENV_TRUSTED_PROXIES, value=entry) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return an address written as 1.2.3.4, 1.2.3.4:port, ::1 or [::1]:port, or None when it is none of those."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.2, as a dual-stack socket gives it


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """Return the address a request comes from, the one the sign-in throttle counts tries by.

    peer is the address the connection came from; None means the loopback (Streamlit reports no address for it).
    X-Forwarded-For is read only when the peer is a trusted proxy: its entries are read from the right (each proxy
    appends the address it saw), skipping trusted proxies; the first other entry is the client. An entry that is not
    an address ends the walk at the last address known good. From any other peer the header is ignored, so a
    browser cannot choose the address its tries are counted under."""
    if peer is None:
        address = ipaddress.ip_address("127.0.0.1")
        from_proxy = any(n.overlaps(_LOOPBACK[n.version]) for n in trusted)
    else:
        address = _address(peer)
        if address is None:
            return peer
        from_proxy = _trusted(address, trusted)
    client = address
    for entry in reversed((forwarded_for or "").split(",") if from_proxy else []):
        if not entry.strip():
            continue
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, trusted):
            break
    return str(client)


# One throttle for the whole server process: sessions share it, so a new tab does not reset it.
THROTTLE = Throttle()
