"""Posting to a WeCom, DingTalk or Feishu group robot: where to (the URL holds the robot's key, so it is checked
and only ever written out as scheme://host/…), signing, retries with backoff, an overall deadline, and what counts
as delivered (a 2xx carrying the robot's own success code; never a redirect)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import logging
import os
import re
import socket
import threading
import time
import tomllib
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic

from lib import config
from lib.i18n import t

log = logging.getLogger(__name__)

CHANNELS = ("wecom", "dingtalk", "feishu")
CHANNEL_HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk", "open.feishu.cn": "feishu",
                 "open.larksuite.com": "feishu"}
ENV_WEBHOOK, ENV_SECRET, ENV_LINK = "KPI_DIGEST_WEBHOOK", "KPI_DIGEST_SECRET", "KPI_DASHBOARD_URL"
SECRETS_FILE = config.REPO_ROOT / ".streamlit" / "secrets.toml"  # [digest] webhook, secret, channel, link
TIMEOUT_S = 10.0
ATTEMPTS = 4
BACKOFF_S = 2.0  # waits 2, 4, 8 s between the attempts
# Answers that mean "too many messages, try later" rather than "refused": WeCom 45009 and -1 (busy),
# DingTalk 130101, Feishu 11232 and 9499.
RATE_LIMIT_CODES = {-1, 45009, 130101, 11232, 9499}



class DigestError(Exception):
    """The digest could not be made or delivered; the message is safe to print (it holds no webhook key)."""


class WebhookError(DigestError):
    """The robot refused the message or could not be reached after every attempt."""


@dataclass
class Webhook:
    """Where to post: the robot's URL (it holds the key), its channel and the optional signing secret."""

    url: str = field(repr=False)  # never shown: the key is in it
    channel: str
    secret: str = field(default="", repr=False)

    def destination(self) -> str:
        """Return a name for this robot that is safe to store: the channel and a hash of the URL."""
        return f"{self.channel}:{hashlib.sha256(self.url.encode()).hexdigest()[:12]}"


def redact(url: str) -> str:
    """Return a robot URL without its key: scheme://host/… (a URL that cannot even be split: (webhook))."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "(webhook)"
    if not parts.netloc or not _HOST.fullmatch(host) or parts.scheme not in ("http", "https"):
        return "(webhook)"
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"


_HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,253}")


def check_url(url: str, lang: str = "zh") -> None:
    """Refuse a robot URL that is not one: a scheme other than http(s), no host, a bad port, spaces or line breaks
    (which would end up in the request line), or one that cannot be split at all. The message never holds the key."""
    bad = DigestError(t("digest_bad_url", lang, where=redact(url)))
    if not url.isprintable() or any(c.isspace() for c in url):
        raise bad
    try:
        parts = urllib.parse.urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not host or not _HOST.fullmatch(host):
        raise bad


def _secrets_in(webhook: Webhook) -> list[str]:
    """Return the parts of a webhook that must never be printed: query values, long path segments, the secret."""
    parts = urllib.parse.urlsplit(webhook.url)
    values = [v for _, v in urllib.parse.parse_qsl(parts.query)] + [s for s in parts.path.split("/") if len(s) >= 16]
    return [v for v in [*values, webhook.secret, webhook.url] if v]


def scrub(text: str, webhook: Webhook) -> str:
    """Return text with every secret part of the webhook replaced by ***."""
    for secret in sorted(_secrets_in(webhook), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def signed(webhook: Webhook, payload: dict, now: float | None = None) -> tuple[str, dict]:
    """Return the URL and payload with the channel's signature when a signing secret is set (DingTalk, Feishu)."""
    if not webhook.secret:
        return webhook.url, payload
    now = time.time() if now is None else now
    if webhook.channel == "dingtalk":  # timestamp in ms and HMAC-SHA256 of "timestamp\nsecret" in the query
        stamp = str(int(now * 1000))
        digest = hmac.new(webhook.secret.encode(), f"{stamp}\n{webhook.secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        joiner = "&" if urllib.parse.urlsplit(webhook.url).query else "?"
        return f"{webhook.url}{joiner}timestamp={stamp}&sign={sign}", payload
    if webhook.channel == "feishu":  # timestamp in s and HMAC-SHA256 keyed by "timestamp\nsecret" in the body
        stamp = str(int(now))
        digest = hmac.new(f"{stamp}\n{webhook.secret}".encode(), b"", hashlib.sha256).digest()
        return webhook.url, {"timestamp": stamp, "sign": base64.b64encode(digest).decode(), **payload}
    return webhook.url, payload  # WeCom robots have no signature: the key in the URL is the secret


def _refusal(body: bytes) -> tuple[int, str] | None:
    """Return (code, message) unless a robot's answer is its own success (errcode 0, code 0 or StatusCode 0): an
    answer that is not the robot's JSON (a proxy's page, a login form) is no delivery either."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return -3, body[:80].decode("utf-8", "replace")
    if not isinstance(answer, dict):
        return -3, str(answer)[:80]
    for code_key, message_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if code_key in answer:
            if answer[code_key] in (0, "0"):
                return None
            try:
                return int(answer[code_key]), str(answer.get(message_key, ""))[:200]
            except (TypeError, ValueError):
                return -2, str(answer.get(message_key, ""))[:200]
    return -3, json.dumps(answer, ensure_ascii=False)[:80]


class _Deadline(Exception):
    """The digest's overall time for posting (config.DIGEST_DEADLINE_SECONDS) has run out."""


def _exchange(url: str, body: bytes, timeout: float, deadline: float) -> tuple[int, bytes]:
    """Return (HTTP status, at most 64 KB of the answer) of one POST, never following a redirect; a watchdog cuts
    the connection at the deadline, so a robot that answers one byte a second cannot hold the digest."""
    parts = urllib.parse.urlsplit(url)
    remaining = deadline - monotonic()
    if remaining <= 0:
        raise _Deadline
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=min(timeout, remaining))
    watchdog = threading.Timer(remaining, _cut, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=body, headers={"Content-Type": "application/json; charset=utf-8"})
        response = connection.getresponse()
        answer = b""
        while len(answer) < 65536 and (chunk := response.read1(65536 - len(answer))):
            answer += chunk
        return response.status, answer
    except OSError:
        if monotonic() >= deadline:
            raise _Deadline from None
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _cut(connection: http.client.HTTPConnection) -> None:
    """End a connection from the watchdog: the read it is blocked in fails at once."""
    with contextlib.suppress(OSError):
        if connection.sock is not None:
            connection.sock.shutdown(socket.SHUT_RDWR)


def post_webhook(webhook: Webhook, payload: dict, timeout: float | None = None, attempts: int | None = None,
                 backoff_s: float | None = None, sleep: Callable[[float], None] | None = None,
                 lang: str = "zh", deadline_s: float | None = None) -> None:
    """Post a payload to a group robot; retry timeouts, network errors, HTTP 5xx/429 and rate limits with
    exponential backoff, all within an overall deadline; raise WebhookError when the robot refuses (a redirect, an
    answer that is not its success code), every attempt fails, or the deadline passes.

    Unset arguments take TIMEOUT_S, ATTEMPTS, BACKOFF_S, time.sleep and config.DIGEST_DEADLINE_SECONDS."""
    timeout = TIMEOUT_S if timeout is None else timeout
    attempts = ATTEMPTS if attempts is None else attempts
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    sleep = sleep or time.sleep
    check_url(webhook.url, lang)
    deadline = monotonic() + (config.DIGEST_DEADLINE_SECONDS if deadline_s is None else deadline_s)
    where = redact(webhook.url)
    for attempt in range(1, attempts + 1):
        url, body = signed(webhook, payload)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        retry = True
        try:
            status, answer = _exchange(url, data, timeout, deadline)
            if 200 <= status < 300:
                refused = _refusal(answer)
                if refused is None:
                    log.info("digest posted to %s", where)
                    return
                code, message = refused
                retry = code in RATE_LIMIT_CODES
                problem = t("digest_refused", lang, where=where, code=code, message=scrub(message, webhook))
            else:
                retry = status >= 500 or status == 429
                problem = t("digest_http_error", lang, where=where, status=status,
                            reason=scrub(http.client.responses.get(status, ""), webhook))
        except _Deadline:
            raise WebhookError(t("digest_deadline", lang, where=where, limit=_deadline_text(deadline_s))) from None
        except (http.client.HTTPException, OSError) as exc:  # OSError: timeouts, resets, refused connections
            problem = t("digest_unreachable", lang, where=where, reason=scrub(str(exc) or type(exc).__name__, webhook))
        if not retry or attempt == attempts:
            raise WebhookError(problem + (t("digest_after_attempts", lang, n=attempt) if attempt > 1 else ""))
        wait = backoff_s * 2 ** (attempt - 1)
        if monotonic() + wait >= deadline:
            raise WebhookError(t("digest_deadline", lang, where=where, limit=_deadline_text(deadline_s)))
        log.warning("%s; retrying in %.0f s (attempt %d of %d)", problem, wait, attempt + 1, attempts)
        sleep(wait)


def _deadline_text(deadline_s: float | None) -> str:
    return f"{config.DIGEST_DEADLINE_SECONDS if deadline_s is None else deadline_s:g} s"


def guess_channel(url: str) -> str | None:
    """Return the channel a robot URL belongs to, from its host (None when the host is not a known one)."""
    return CHANNEL_HOSTS.get(urllib.parse.urlsplit(url).hostname or "")


def read_secrets(path: Path = SECRETS_FILE) -> dict:
    """Return the [digest] table of secrets.toml ({} when there is no file); raise DigestError when unreadable."""
    if not Path(path).is_file():
        return {}
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("digest", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DigestError(f"{Path(path).name}: cannot be read ({type(exc).__name__})") from None
    return table if isinstance(table, dict) else {}


def webhook_settings(url: str | None = None, channel: str | None = None, env: Mapping[str, str] | None = None,
                     secrets: Mapping[str, object] | None = None, lang: str = "zh") -> Webhook | None:
    """Return the robot to post to: the URL from the argument, $KPI_DIGEST_WEBHOOK or secrets ([digest] webhook);
    the signing secret from $KPI_DIGEST_SECRET or secrets; the channel given, configured or known from the host.
    None when no URL is configured; raise DigestError when the channel cannot be told."""
    env = os.environ if env is None else env
    secrets = secrets or {}
    url = url or env.get(ENV_WEBHOOK) or str(secrets.get("webhook") or "")
    if not url:
        return None
    check_url(url, lang)
    channel = channel or str(secrets.get("channel") or "") or guess_channel(url)
    if channel not in CHANNELS:
        raise DigestError(t("digest_no_channel", lang, where=redact(url), channels=", ".join(CHANNELS)))
    return Webhook(url=url, channel=channel, secret=env.get(ENV_SECRET) or str(secrets.get("secret") or ""))
