"""Command line of the monthly briefing and digest, wired into lib/cli.py:

    from lib.cli_digest import add_digest_commands, cmd_export_docx
    add_digest_commands(sub)                       # adds: digest
    export --format docx → cmd_export_docx(args)   # the briefing as .docx

Exit codes as lib/cli: 0 success; 1 data problems or the robot refused; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from lib import config
from lib.dataset import Dataset, open_dataset
from lib.engine import default_period
from lib.i18n import t
from lib.problems import InputError

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class _Usage(Exception):
    """A command-line argument is wrong (exit 2)."""


def _as_of(text: str, lang: str) -> tuple[int, int]:
    parts = text.split("-")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return int(parts[0]), int(parts[1])
    raise _Usage(t("cli_bad_as_of", lang, value=text))


def _open(data_dir: str, lang: str) -> Dataset | None:
    """Return the dataset, or None after printing why targets.csv is unusable."""
    if not (Path(data_dir) / "targets.csv").is_file():
        raise _Usage(t("cli_no_data_dir", lang, path=data_dir))
    try:
        return open_dataset(Path(data_dir))
    except InputError as exc:
        print(t("targets_error", lang), file=sys.stderr)
        for p in exc.problems:
            print("  " + p.message(lang), file=sys.stderr)
        return None


def _period(ds: Dataset, year: int | None, as_of: str | None, lang: str) -> tuple[int, int]:
    """Return (year, month): --as-of, else the latest month with data (of --year when given)."""
    if as_of:
        y, m = _as_of(as_of, lang)
        if year is not None and year != y:
            raise _Usage(t("cli_bad_as_of", lang, value=as_of) + f" (--year {year})")
    else:
        latest = default_period(ds)
        y = year or (latest[0] if latest else None)
        periods = ds.periods()
        months = periods.loc[periods["year"] == y, "last_month"]
        m = int(months.iloc[0]) if not months.empty else 12
    if y not in ds.catalog.years():
        raise _Usage(t("cli_no_year", lang, year=y))
    return y, m


def _print_rejected(ds: Dataset, lang: str) -> None:
    for report in ds.rejected:
        print(t("file_problems", lang, file=report.file, count=len(report.errors)), file=sys.stderr)
        for p in report.errors:
            print("  " + p.message(lang), file=sys.stderr)


def _run(handler, args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except _Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_export_docx(args: argparse.Namespace) -> int:
    """Write the month's briefing (.docx) to --out; return the exit code (for export --format docx)."""
    return _run(_export_docx, args)


def _export_docx(args: argparse.Namespace) -> int:
    from lib.briefing import monthly_briefing

    lang = args.lang
    ds = _open(args.data_dir, lang)
    if ds is None:
        return EXIT_DATA
    year, month = _period(ds, args.year, args.as_of, lang)
    out = Path(args.out)
    briefing = monthly_briefing(ds, year, month, lang, charts=not getattr(args, "no_charts", False))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(briefing.data)
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {out}", file=sys.stderr)
        return EXIT_DATA
    if briefing.charts_missing:
        print(t("briefing_charts_missing", lang, detail=briefing.charts_missing), file=sys.stderr)
    print(out)
    _print_rejected(ds, lang)
    return EXIT_DATA if ds.rejected else EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    """Write the month's outbox folder and post its summary; return the exit code."""
    return _run(_digest, args)


def _digest(args: argparse.Namespace) -> int:
    from lib import digest

    lang = args.lang
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # the retries, on stderr
    try:
        secrets = digest.read_secrets(Path(args.secrets))
        webhook = digest.webhook_settings(args.webhook, args.channel, secrets=secrets, lang=lang)
    except digest.DigestError as exc:
        raise _Usage(str(exc)) from None
    ds = _open(args.data_dir, lang)
    if ds is None:
        return EXIT_DATA
    year, month = _period(ds, args.year, args.as_of, lang)
    link = args.link or os.environ.get(digest.ENV_LINK) or str(secrets.get("link") or "")
    try:
        result = digest.run_digest(ds, year, month, Path(args.out), lang, webhook=webhook, link=link,
                                   force=args.force, charts=not args.no_charts)
    except digest.WebhookError as exc:
        print(t("digest_failed", lang, detail=exc), file=sys.stderr)
        return EXIT_DATA
    except (digest.DigestError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    print(t("digest_written", lang, folder=result.folder))
    for path in result.files:
        print(f"  {path}")
    if result.charts_missing:
        print(t("briefing_charts_missing", lang, detail=result.charts_missing), file=sys.stderr)
    if webhook is None:
        print(t("digest_no_webhook", lang))
    elif result.skipped:
        print(result.skipped)
    else:
        print(t("digest_posted", lang, where=digest.redact(webhook.url), channel=webhook.channel))
    print()
    print(result.summary, end="")
    _print_rejected(ds, lang)
    return EXIT_DATA if ds.rejected else EXIT_OK


def add_digest_commands(subparsers) -> None:
    """Add the digest subcommand to the CLI's subparsers."""
    from lib.digest import CHANNELS, SECRETS_FILE

    cmd = subparsers.add_parser("digest", help="write the month's briefing, deck and summary and post the summary "
                                               "to a WeCom / DingTalk / Feishu group robot")
    cmd.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv and actuals/")
    cmd.add_argument("--year", type=int, help="target year (default: the latest with data)")
    cmd.add_argument("--as-of", help="as-of month YYYY-MM (default: the latest month with data)")
    cmd.add_argument("--out", required=True, help="outbox folder; the month's files go into OUT/YYYY-MM/")
    cmd.add_argument("--webhook", help="group robot URL (default: $KPI_DIGEST_WEBHOOK or [digest] webhook in "
                                       "secrets.toml); without one, files only")
    cmd.add_argument("--channel", choices=CHANNELS, help="robot kind (default: told from the URL's host)")
    cmd.add_argument("--link", help="dashboard URL for the message (default: $KPI_DASHBOARD_URL or [digest] link)")
    cmd.add_argument("--force", action="store_true", help="post even if this month was already posted to this robot")
    cmd.add_argument("--no-charts", action="store_true", help="leave the charts out of the briefing")
    cmd.add_argument("--secrets", default=str(SECRETS_FILE), help="secrets.toml with a [digest] table")
    cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
    cmd.set_defaults(func=cmd_digest)
