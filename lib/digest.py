"""The monthly digest: the briefing (.docx), the deck (.pptx) and a short Markdown summary in an outbox folder
named by month, and the summary posted to a WeCom, DingTalk or Feishu group robot.

The outbox keeps state.json: the statuses of each month's digest (so the next one can say what turned red
since) and where each month was posted (so a month is never posted twice to the same robot unless forced).
A robot's URL carries its key: it is read from the command line, $KPI_DIGEST_WEBHOOK or secrets.toml, and only
ever written out as scheme://host/… (see redact). Scheduling is cron's or systemd's job (README).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic
from time import sleep as _pause

from lib import config
from lib.access import Action, Principal, require
from lib.dataset import Dataset
from lib.display import answer_sentence, md
from lib.engine import Score, scorecard, status_counts
from lib.filenames import export_name
from lib.fmt import format_period
from lib.i18n import departments_label, status_label, t
from lib.kinds import KINDS, STATUSES, WORST_FIRST, words
from lib.kinds.words import month_span
from lib.plans import headline_scores, plan_for
from lib.store import atomic_write
from lib.webhook import (  # noqa: F401 (the digest's API: the CLI and tests reach posting through it)
    CHANNELS,
    ENV_LINK,
    ENV_SECRET,
    ENV_WEBHOOK,
    SECRETS_FILE,
    DigestError,
    Webhook,
    WebhookError,
    check_url,
    guess_channel,
    post_webhook,
    read_secrets,
    redact,
    scrub,
    signed,
    webhook_settings,
)

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
WECOM_LIMIT_BYTES = 4096  # WeCom refuses a markdown message longer than this
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
    plan: str = ""  # the plan the targets come from, with its 文号: 依据：《…》（锡邮管〔2022〕8号）
    behind: list[str] = field(default_factory=list)  # each target behind or to watch, its gap and its page
    no_base: list[str] = field(default_factory=list)  # each target with the month's figure waiting for its baseline

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
    """Return a target's name as the robot's Markdown shows it: as typed, never as a link, <font> or <@all>."""
    return md(s.name_en if lang == "en" else s.name, robot=True)


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


def base_line(s: Score, lang: str = "zh") -> str:
    """Return a target whose month is in but whose baseline is not, with the period it needs (2020年10月)."""
    return t("digest_missing_base", lang, name=_name(s, lang), period=words.base_words(KINDS[s.kind], s, lang))


WORST = WORST_FIRST[0]  # what "turned red" means: the worst status
# what the digest lists with its gap, worst first: the statuses judged and not on pace (as the briefing's 存在问题)
PROBLEM_STATUSES = tuple(name for name in WORST_FIRST if STATUSES[name].judged and not STATUSES[name].on_pace)


def target_link(link: str, target_id: str, year: int, month: int, lang: str = "zh") -> str:
    """Return the address of a target's page on the dashboard at `link`: …/indicator?id=express_volume&period=2021-10
    (and lang=en in English), '' without a dashboard address."""
    if not link:
        return ""
    query = {"id": target_id, "period": f"{year}-{month:02d}"} | ({"lang": "en"} if lang == "en" else {})
    return urllib.parse.urljoin(link, "indicator") + "?" + urllib.parse.urlencode(query)


def behind_line(s: Score, year: int, month: int, lang: str = "zh", link: str = "") -> str:
    """Return a target behind or to watch: its name (a link to its page), lead departments, status and gap in its
    kind's words: [邮政业务收入](…)（市场监管处）：滞后，完成全年目标的74.3%，低于序时进度5.6个百分点；…"""
    address = target_link(link, s.indicator, year, month, lang)
    name = f"[{_name(s, lang)}]({address})" if address else _name(s, lang)
    return t("digest_behind_line", lang, name=name, depts=md(departments_label(s.lead_departments, lang), robot=True),
             status=status_label(s.status, lang), clause=KINDS[s.kind].brief_clause(s, lang))  # our words: no markup


def build_digest(scores: list[Score], year: int, month: int, lang: str = "zh",
                 previous: Mapping[str, str] | None = None, compared_with: str = "", link: str = "",
                 issuer: str = "", plan: str = "") -> Digest:
    """Return the month's digest from its scorecard and the statuses of the digest it is compared with; `issuer` and
    `plan` (its citation with the 文号) say whose digest it is and which plan it reports on."""
    counts = status_counts(scores)
    previous = previous or {}
    turned_red = [t("digest_red_line", lang, name=_name(s, lang),
                    depts=md(departments_label(s.lead_departments, lang), robot=True))
                  for s in scores if s.status == WORST and previous.get(s.indicator, WORST) != WORST]
    flagged = sorted((s for s in scores if s.status in PROBLEM_STATUSES),
                     key=lambda s: (PROBLEM_STATUSES.index(s.status), s.gap_points if s.gap_points is not None else 0))
    span = month_span(1, month, lang)
    title = t("digest_title", lang, year=year, span=span)
    return Digest(
        year=year, month=month, lang=lang,
        title=t("digest_title_of", lang, issuer=md(issuer, robot=True), title=title) if issuer else title,
        counts=counts,
        counts_line=md(answer_sentence(scores, year, month, lang), robot=True),  # the overview's first sentence
        headline=[headline_line(s, lang) for s in headline_scores(scores)],
        turned_red=turned_red, compared_with=compared_with,
        missing=[missing_line(s, year, lang) for s in scores if s.data_month is None or s.data_month < month],
        no_base=[base_line(s, lang) for s in scores if s.data_month == month and STATUSES[s.status].has_figure],
        link=link, statuses={s.indicator: s.status for s in scores},
        plan=t("digest_plan", lang, plan=md(plan, robot=True)) if plan else "",
        behind=[behind_line(s, year, month, lang, link) for s in flagged],
    )


def summary_markdown(d: Digest, with_title: bool = True, with_link: bool = True) -> str:
    """Return the summary as Markdown: counts, the headline four, what turned red, missing data, the link."""
    lang, period = d.lang, format_period(d.year, d.month, d.lang)
    blocks = [f"## {d.title}"] if with_title else []
    if d.plan:
        blocks.append(d.plan)
    blocks.append(d.counts_line)
    blocks.append("\n".join([f"**{t('digest_headline_title', lang)}**", *[f"- {line}" for line in d.headline]]))
    if d.behind:
        blocks.append("\n".join([f"**{t('digest_behind_title', lang)}**", *[f"- {line}" for line in d.behind]]))
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
    if d.no_base:  # the month's figure is in: what is asked for is last year's
        blocks.append("\n".join([f"**{t('digest_no_base_title', lang)}**", *[f"- {line}" for line in d.no_base]]))
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
def outbox_lock(out_dir: Path, lang: str = "zh") -> Iterator[None]:
    """Hold the outbox's lock: two digests started at once (a slow cron run and a manual one) post only once."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(out_dir) / ".lock", "a+") as fh:
        waited_until = monotonic() + config.DIGEST_DEADLINE_SECONDS  # a run holds it at most that long
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if monotonic() >= waited_until:
                    raise DigestError(t("digest_busy", lang, folder=Path(out_dir).name)) from None
                _pause(0.2)
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


def outbox_names(ds: Dataset, year: int, month: int, lang: str = "zh") -> dict[str, str]:
    """Return the outbox's file names for a month, named for what they hold: 2021-10_月度通报_无锡市.docx, the deck
    2021-10_汇报_无锡市.pptx and the summary 2021-10_摘要_无锡市.md."""
    def name(what: str, extension: str) -> str:
        return export_name(ds.catalog, year, month, what, extension, lang)

    return {"docx": name(t("file_briefing", lang), "docx"), "pptx": name(t("file_deck", lang), "pptx"),
            "md": name(t("file_summary", lang), "md")}


def run_digest(ds: Dataset, year: int, month: int, out_dir: Path, lang: str = "zh", webhook: Webhook | None = None,
               link: str = "", force: bool = False, charts: bool = True, issued: dt.date | None = None,
               post: Callable[..., None] = post_webhook,
               now: Callable[[], dt.datetime] = lambda: dt.datetime.now().replace(microsecond=0),
               by: Principal | None = None) -> DigestResult:
    """Write the month's briefing, deck and summary into out_dir/YYYY-MM/ and post the summary to the webhook
    (once per month and robot unless forced); return what was done. Raise access.NotAllowed, before anything is
    written, when a webhook is given and `by` may not send the digest (lib/access.py); WebhookError when the robot
    refuses (the files are written by then)."""
    if webhook is not None:
        require(by, Action.SEND_DIGEST)
    from lib.briefing import monthly_briefing
    from lib.export import ExportUnavailable, build_deck

    out_dir = Path(out_dir)
    with outbox_lock(out_dir, lang):
        state = read_state(out_dir)
        previous, compared_with = previous_statuses(state, ds, year, month, lang)
        plan = plan_for(ds.catalog, year)
        digest = build_digest(scorecard(ds, year, month), year, month, lang, previous, compared_with, link,
                              issuer=plan.issuer(lang), plan=plan.citation(lang))
        folder = out_dir / digest.key
        names = outbox_names(ds, year, month, lang)
        briefing = monthly_briefing(ds, year, month, lang, issued=issued, charts=charts)
        charts_missing = briefing.charts_missing
        try:  # the deck without its pictures (their reason in their place) still goes out, and the run says so
            deck = build_deck(ds, year, month, lang, strict=charts, charts=charts)
        except ExportUnavailable as exc:
            deck, charts_missing = build_deck(ds, year, month, lang), charts_missing or str(exc)
        summary = summary_markdown(digest)
        files = [folder / names["docx"], folder / names["pptx"], folder / names["md"]]
        for path, data in zip(files, (briefing.data, deck, summary.encode("utf-8"))):
            atomic_write(path, data)
        state["digests"][digest.key] = {"statuses": digest.statuses, "written_at": now().isoformat()}
        write_state(out_dir, state)
        result = DigestResult(folder, files, summary, charts_missing=charts_missing)
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
