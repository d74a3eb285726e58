"""The monthly digest: the briefing (.docx), the deck (.pptx) and a short Markdown summary in an outbox folder
named by month, and the summary posted to a WeCom, DingTalk or Feishu group robot.

The outbox keeps state.json: the statuses of each month's digest (so the next one can say what turned red
since) and where each month was posted (so a month is never posted twice to the same robot unless forced).
A robot's URL carries its key: it is read from the command line, $KPI_DIGEST_WEBHOOK or secrets.toml, and only
ever written out as scheme://host/… (see redact). Scheduling is cron's or systemd's job (README).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import http.client
import json
import logging
import os
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lib import config
from lib.dataset import Dataset
from lib.display import answer_sentence
from lib.engine import Score, scorecard, status_counts
from lib.fmt import format_period
from lib.i18n import departments_label, t
from lib.kinds import KINDS, WORST_FIRST
from lib.kinds.words import month_span
from lib.plans import headline_scores
from lib.store import atomic_write

log = logging.getLogger(__name__)

CHANNELS = ("wecom", "dingtalk", "feishu")
CHANNEL_HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk", "open.feishu.cn": "feishu",
                 "open.larksuite.com": "feishu"}
ENV_WEBHOOK, ENV_SECRET, ENV_LINK = "KPI_DIGEST_WEBHOOK", "KPI_DIGEST_SECRET", "KPI_DASHBOARD_URL"
SECRETS_FILE = config.REPO_ROOT / ".streamlit" / "secrets.toml"  # [digest] webhook, secret, channel, link
STATE_FILE = "state.json"
WECOM_LIMIT_BYTES = 4096  # WeCom refuses a markdown message longer than this
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


@dataclass
class Digest:
    """What the month's summary says, as data."""

    year: int
    month: int
    lang: str
    title: str
    counts: dict[str, int]
    counts_line: str
    headline: list[str]
    turned_red: list[str]
    compared_with: str  # e.g. 2021年9月; '' for the first digest of a year
    missing: list[str]
    link: str = ""
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Return the month as the outbox names it: 2021-10."""
        return f"{self.year}-{self.month:02d}"


@dataclass
class DigestResult:
    """What a digest run did: the outbox folder and files, the summary, whether it was posted and why not."""

    folder: Path
    files: list[Path]
    summary: str
    posted: bool = False
    skipped: str = ""  # why nothing was posted although a webhook was given ('' otherwise)
    charts_missing: str = ""


# --- what the summary says -------------------------------------------------------------------------------

def _name(s: Score, lang: str) -> str:
    return s.name_en if lang == "en" else s.name


def headline_line(s: Score, lang: str = "zh") -> str:
    """Return one headline target's line in its kind's words: its value and how it stands (a flow: completion and
    gap to expected progress), and its status."""
    if s.data_month is None:
        return t("digest_headline_no_data", lang, name=_name(s, lang))
    return KINDS[s.kind].digest_line(s, lang)


def missing_line(s: Score, year: int, lang: str = "zh") -> str:
    """Return a target whose latest month has not been reported, with the month it has reached."""
    if s.data_month is None:
        return t("digest_missing_none", lang, name=_name(s, lang))
    return t("digest_missing_since", lang, name=_name(s, lang), period=format_period(year, s.data_month, lang))


WORST = WORST_FIRST[0]  # what "turned red" means: the worst status


def build_digest(scores: list[Score], year: int, month: int, lang: str = "zh",
                 previous: Mapping[str, str] | None = None, compared_with: str = "", link: str = "") -> Digest:
    """Return the month's digest from its scorecard and the statuses of the digest it is compared with."""
    counts = status_counts(scores)
    previous = previous or {}
    turned_red = [t("digest_red_line", lang, name=_name(s, lang), depts=departments_label(s.lead_departments, lang))
                  for s in scores if s.status == WORST and previous.get(s.indicator, WORST) != WORST]
    return Digest(
        year=year, month=month, lang=lang,
        title=t("digest_title", lang, year=year, span=month_span(1, month, lang)),
        counts=counts,
        counts_line=answer_sentence(scores, year, month, lang),  # the overview's first sentence, word for word
        headline=[headline_line(s, lang) for s in headline_scores(scores)],
        turned_red=turned_red, compared_with=compared_with,
        missing=[missing_line(s, year, lang) for s in scores if s.data_month is None or s.data_month < month],
        link=link, statuses={s.indicator: s.status for s in scores},
    )


def summary_markdown(d: Digest, with_title: bool = True, with_link: bool = True) -> str:
    """Return the summary as Markdown: counts, the headline four, what turned red, missing data, the link."""
    lang, period = d.lang, format_period(d.year, d.month, d.lang)
    blocks = [f"## {d.title}"] if with_title else []
    blocks.append(d.counts_line)
    blocks.append("\n".join([f"**{t('digest_headline_title', lang)}**", *[f"- {line}" for line in d.headline]]))
    if not d.compared_with:
        blocks.append(f"**{t('digest_red_title_first', lang)}**")
    elif d.turned_red:
        blocks.append("\n".join([f"**{t('digest_red_title', lang, period=d.compared_with)}**",
                                 *[f"- {line}" for line in d.turned_red]]))
    else:
        blocks.append(f"**{t('digest_red_title', lang, period=d.compared_with)}**{t('digest_red_none', lang)}")
    if d.missing:
        intro = f"**{t('digest_missing_title', lang)}**{t('digest_missing_intro', lang, period=period)}"
        blocks.append("\n".join([intro, *[f"- {line}" for line in d.missing]]))
    else:
        blocks.append(f"**{t('digest_missing_title', lang)}**{t('digest_missing_all', lang, period=period)}")
    if with_link and d.link:
        blocks.append(f"[{t('digest_link', lang)}]({d.link})")
    return "\n\n".join(blocks) + "\n"


def _fit_bytes(text: str, limit: int) -> str:
    """Return text cut at a line so that its UTF-8 form fits in limit bytes, marked with … when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    lines = text.splitlines()
    while lines and len(("\n".join(lines) + "\n…").encode("utf-8")) > limit:
        lines.pop()
    return "\n".join(lines) + "\n…"


def channel_payload(d: Digest, channel: str) -> dict:
    """Return the JSON a channel's group robot takes: WeCom and DingTalk markdown, a Feishu interactive card."""
    if channel == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": _fit_bytes(summary_markdown(d), WECOM_LIMIT_BYTES)}}
    if channel == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": d.title, "text": summary_markdown(d)}}
    if channel == "feishu":
        elements: list[dict] = [{"tag": "markdown", "content": summary_markdown(d, with_title=False, with_link=False)}]
        if d.link:
            elements.append({"tag": "action", "actions": [{
                "tag": "button", "type": "primary", "url": d.link,
                "text": {"tag": "plain_text", "content": t("digest_link", d.lang)}}]})
        return {"msg_type": "interactive", "card": {
            "config": {"wide_screen_mode": True},
            "header": {"template": "red" if d.counts["red"] else "green",
                       "title": {"tag": "plain_text", "content": d.title}},
            "elements": elements}}
    raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")


# --- posting ---------------------------------------------------------------------------------------------

def redact(url: str) -> str:
    """Return a robot URL without its key: scheme://host/…."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…" if parts.netloc else "(webhook)"


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
    """Return (code, message) when a robot's answer says it refused the message, None when it accepted it."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None  # an HTTP 2xx without JSON (a proxy's page) counts as delivered
    if not isinstance(answer, dict):
        return None
    for code_key, message_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if code_key in answer and answer[code_key] not in (0, "0"):
            try:
                return int(answer[code_key]), str(answer.get(message_key, ""))[:200]
            except (TypeError, ValueError):
                return -2, str(answer.get(message_key, ""))[:200]
    return None


def post_webhook(webhook: Webhook, payload: dict, timeout: float | None = None, attempts: int | None = None,
                 backoff_s: float | None = None, sleep: Callable[[float], None] | None = None,
                 lang: str = "zh") -> None:
    """Post a payload to a group robot; retry timeouts, network errors, HTTP 5xx/429 and rate limits with
    exponential backoff; raise WebhookError when the robot refuses or every attempt fails.

    Unset arguments take TIMEOUT_S, ATTEMPTS, BACKOFF_S and time.sleep as they are at the call."""
    timeout = TIMEOUT_S if timeout is None else timeout
    attempts = ATTEMPTS if attempts is None else attempts
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    sleep = sleep or time.sleep
    where = redact(webhook.url)
    for attempt in range(1, attempts + 1):
        url, body = signed(webhook, payload)
        request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                         headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
        retry = True
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                refused = _refusal(response.read(65536))
            if refused is None:
                log.info("digest posted to %s", where)
                return
            code, message = refused
            retry = code in RATE_LIMIT_CODES
            problem = t("digest_refused", lang, where=where, code=code, message=scrub(message, webhook))
        except urllib.error.HTTPError as exc:
            retry = exc.code >= 500 or exc.code == 429
            problem = t("digest_http_error", lang, where=where, status=exc.code, reason=scrub(str(exc.reason), webhook))
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:  # OSError: timeouts, resets
            reason = getattr(exc, "reason", None) or exc
            problem = t("digest_unreachable", lang, where=where, reason=scrub(str(reason) or type(exc).__name__,
                                                                              webhook))
        if not retry or attempt == attempts:
            raise WebhookError(problem + (t("digest_after_attempts", lang, n=attempt) if attempt > 1 else ""))
        wait = backoff_s * 2 ** (attempt - 1)
        log.warning("%s; retrying in %.0f s (attempt %d of %d)", problem, wait, attempt + 1, attempts)
        sleep(wait)


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
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DigestError(t("digest_bad_url", lang, where=redact(url)))
    channel = channel or str(secrets.get("channel") or "") or guess_channel(url)
    if channel not in CHANNELS:
        raise DigestError(t("digest_no_channel", lang, where=redact(url), channels=", ".join(CHANNELS)))
    return Webhook(url=url, channel=channel, secret=env.get(ENV_SECRET) or str(secrets.get("secret") or ""))


# --- the outbox and its state ----------------------------------------------------------------------------

def read_state(out_dir: Path) -> dict:
    """Return the outbox's memory of earlier digests and posts (empty for a new outbox)."""
    path = Path(out_dir) / STATE_FILE
    if not path.is_file():
        return {"digests": {}, "posts": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DigestError(f"{path}: unreadable ({type(exc).__name__}); move it away to start afresh") from None
    state.setdefault("digests", {})
    state.setdefault("posts", {})
    return state


def write_state(out_dir: Path, state: dict) -> None:
    """Write the outbox's state through a temporary file and a rename."""
    atomic_write(Path(out_dir) / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))


@contextlib.contextmanager
def outbox_lock(out_dir: Path) -> Iterator[None]:
    """Hold the outbox's lock: two digests started at once (a slow cron run and a manual one) post only once."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(out_dir) / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def previous_statuses(state: dict, ds: Dataset, year: int, month: int, lang: str) -> tuple[dict[str, str], str]:
    """Return the statuses to compare this month with and their month: the latest earlier digest of the year
    in the outbox, else the scorecard of the month before ({} and '' for January with no earlier digest)."""
    earlier = sorted(k for k in state["digests"] if k.startswith(f"{year}-") and k < f"{year}-{month:02d}")
    if earlier:
        key = earlier[-1]
        return dict(state["digests"][key]["statuses"]), format_period(year, int(key[5:]), lang)
    if month == 1:
        return {}, ""
    return {s.indicator: s.status for s in scorecard(ds, year, month - 1)}, format_period(year, month - 1, lang)


def outbox_names(year: int, month: int) -> dict[str, str]:
    """Return the outbox's file names for a month: briefing, deck and summary."""
    key = f"{year}-{month:02d}"
    return {"docx": f"briefing_{key}.docx", "pptx": f"deck_{key}.pptx", "md": f"summary_{key}.md"}


def run_digest(ds: Dataset, year: int, month: int, out_dir: Path, lang: str = "zh", webhook: Webhook | None = None,
               link: str = "", force: bool = False, charts: bool = True, issued: dt.date | None = None,
               post: Callable[..., None] = post_webhook,
               now: Callable[[], dt.datetime] = lambda: dt.datetime.now().replace(microsecond=0)) -> DigestResult:
    """Write the month's briefing, deck and summary into out_dir/YYYY-MM/ and post the summary to the webhook
    (once per month and robot unless forced); return what was done. Raise WebhookError when the robot refuses
    (the files are written by then)."""
    from lib.briefing import monthly_briefing
    from lib.export import build_deck

    out_dir = Path(out_dir)
    with outbox_lock(out_dir):
        state = read_state(out_dir)
        previous, compared_with = previous_statuses(state, ds, year, month, lang)
        digest = build_digest(scorecard(ds, year, month), year, month, lang, previous, compared_with, link)
        folder = out_dir / digest.key
        names = outbox_names(year, month)
        briefing = monthly_briefing(ds, year, month, lang, issued=issued, charts=charts)
        summary = summary_markdown(digest)
        files = [folder / names["docx"], folder / names["pptx"], folder / names["md"]]
        for path, data in zip(files, (briefing.data, build_deck(ds, year, month, lang), summary.encode("utf-8"))):
            atomic_write(path, data)
        state["digests"][digest.key] = {"statuses": digest.statuses, "written_at": now().isoformat()}
        write_state(out_dir, state)
        result = DigestResult(folder, files, summary, charts_missing=briefing.charts_missing)
        if webhook is None:
            return result
        posted_at = state["posts"].get(digest.key, {}).get(webhook.destination())
        if posted_at and not force:
            result.skipped = t("digest_already_posted", lang, period=digest.key, at=posted_at)
            return result
        post(webhook, channel_payload(digest, webhook.channel), lang=lang)
        state["posts"].setdefault(digest.key, {})[webhook.destination()] = now().isoformat()
        write_state(out_dir, state)
        result.posted = True
        return result
