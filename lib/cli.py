"""Command line over the same engine as the app: python -m lib.cli report --data-dir DIR ...

Exit codes: 0 success; 1 data problems (some actuals files not loaded, the report still printed from the rest; a file
that cannot be read, imported or written); 2 bad arguments; 3 a data folder or backup written by a newer version of
the app (lib/formats.py); 4 the data folder cannot be used as it is (no such folder; targets.csv or another definition
file missing, empty, header-only, no CSV or with wrong rows; no targets for the year asked). The library raises;
only this module prints and chooses the exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import sys
from pathlib import Path

from lib import config, parsed_cache, sandbox

# Commands that read actuals files only: their sandbox workers need the actuals readers, not the plan documents'.
ACTUALS_READERS = ("lib.intake.reading",)


def data_dir_named(argv: list[str]) -> Path:
    """Return the folder --data-dir names in a command line (its default when not named), read before argparse."""
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--data-dir="):
            return Path(arg.split("=", 1)[1])
    return config.data_dir()


# The commands that read files through the sandbox start its fork server before anything else is imported: it imports
# the readers on the other core while this process imports the rest, so the command waits for one import, not two.
# A report whose every actuals file is in lib/parsed_cache.py's cache reads none, and starts nothing.
COMMAND = sys.argv[1] if __name__ == "__main__" and len(sys.argv) > 1 else None
if COMMAND in ("validate", "import", "export", "digest") or (
        COMMAND == "report" and not parsed_cache.folder_cached(data_dir_named(sys.argv[2:]))):
    sandbox.prestart(ACTUALS_READERS if COMMAND in ("report", "validate", "import") else None)

from lib import access, audit, formats, store
from lib.cli_admin import add_admin_commands
from lib.cli_args import (
    EXIT_DATA,
    EXIT_FOLDER,
    EXIT_FORMAT,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    data_dir_of,
    operator,
    read_input,
)
from lib.cli_output import say
from lib.cli_plan import add_plan_command
from lib.datafiles import DataFolderError
from lib.dataset import open_dataset
from lib.display import intake_summary
from lib.engine import Score, default_period, scorecard
from lib.fmt import display_width, format_pct, format_period, format_target, format_value
from lib.i18n import status_label, t
from lib.problems import ExportError, InputError, PlanError, Problem


def parse_date(text: str | None, lang: str) -> dt.date | None:
    """Return --date as a date (None when not given); raise UsageError for anything but a real YYYY-MM-DD."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(t("cli_bad_date", lang, value=text))


def parse_as_of(text: str, lang: str) -> tuple[int, int]:
    """Return (year, month) from YYYY-MM, or raise UsageError."""
    parts = text.split("-")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return int(parts[0]), int(parts[1])
    raise UsageError(t("cli_bad_as_of", lang, value=text))


def pad(text: str, width: int) -> str:
    """Return text padded with spaces to a display width."""
    return text + " " * max(0, width - display_width(text))


def render_table(scores: list[Score], lang: str) -> str:
    """Return the scorecard as an aligned plain-text table."""
    headers = [t(key, lang) for key in ("col_target_name", "actual", "target", "completion", "expected_seasonal",
                                        "yoy", "col_status")]
    rows = []
    for s in scores:
        name = s.name_en if lang == "en" else s.name
        rows.append([
            name, format_value(s.actual_ytd, s.unit, lang), format_target(s.target, s.unit, lang),
            format_pct(s.completion_pct), format_pct(s.expected_pct_seasonal),
            format_pct(s.yoy_growth_pct, signed=True), status_label(s.status, lang),
        ])
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in [headers, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def resolve_period(ds, year: int | None, as_of: str | None, lang: str) -> tuple[int, int]:
    """Return (year, month): --as-of, else the latest month with data of --year, else of the latest year with
    targets and data (as the pages open), else the latest year with targets; raise UsageError for a wrong --as-of,
    DataFolderError for a year without targets."""
    if as_of:
        chosen, month = parse_as_of(as_of, lang)
        if year is not None and year != chosen:
            raise UsageError(t("cli_bad_as_of", lang, value=as_of) + f" (--year {year})")
    else:
        latest = default_period(ds)
        years = ds.catalog.years()
        chosen = year or (latest[0] if latest else years[-1] if years else None)
        periods = ds.periods()
        months = periods.loc[periods["year"] == chosen, "last_month"]
        month = int(months.iloc[0]) if not months.empty else 12
    ds.catalog.require_year(chosen)
    return chosen, month


def open_or_report(args: argparse.Namespace):
    """Return the dataset of --data-dir, or None after printing why the folder's definitions are unusable."""
    try:
        return open_dataset(data_dir_of(args))
    except InputError as exc:
        print_definition_problems(exc, args.lang)
        return None


def print_definition_problems(exc: InputError, lang: str) -> None:
    """Print why the data folder cannot be used: its files' problems (folder_error), or targets.csv's rows'."""
    heading = "folder_error" if isinstance(exc, DataFolderError) else "targets_error"
    print_problems(t(heading, lang), exc.problems, lang)


def print_rejected(ds, lang: str) -> None:
    """Print every actuals file that was not loaded, with its problems, to stderr."""
    for report in ds.rejected:
        print_problems(t("file_problems", lang, file=report.file, count=len(report.errors)), report.errors, lang)


def cmd_report(args: argparse.Namespace) -> int:
    """Print the scorecard; return the exit code."""
    lang = args.lang
    ds = open_or_report(args)
    if ds is None:
        return EXIT_FOLDER
    year, month = resolve_period(ds, args.year, args.as_of, lang)
    scores = scorecard(ds, year, month)
    if args.format == "json":
        say(json.dumps([s.to_dict() for s in scores], ensure_ascii=False, indent=2))
    else:
        say(format_period(year, month, lang))
        say(render_table(scores, lang))
    print_rejected(ds, lang)
    return EXIT_DATA if ds.rejected else EXIT_OK


def print_problems(heading: str, problems: list[Problem], lang: str) -> None:
    """Print a heading and every problem under it to stderr."""
    say(heading, file=sys.stderr)
    for p in problems:
        say("  " + p.message(lang), file=sys.stderr)


def print_report(parsed, lang: str, as_json: bool) -> None:
    """Print what validation found in a file: a summary line and every problem."""
    if as_json:
        say(json.dumps({"file": parsed.file, "accepted": parsed.accepted, "layout": parsed.layout,
                          "encoding": parsed.encoding, "rows": len(parsed.rows),
                          "problems": [p.as_dict(lang) for p in parsed.problems], "unlisted": parsed.unlisted},
                         ensure_ascii=False, indent=2))
        return
    say(intake_summary(parsed, lang))
    for p in parsed.problems:
        say(("  [!] " if p.severity == "error" else "  [?] ") + p.message(lang))
    if parsed.unlisted:
        say("  " + t("problems_unlisted", lang, count=parsed.unlisted, limit=config.MAX_LISTED_PROBLEMS))


def cmd_validate(args: argparse.Namespace) -> int:
    """Print the report of a file as it would be imported; exit 0 when it would be accepted."""
    name, data = read_input(args.file, args.lang)
    parsed = store.validate(data_dir_of(args), name, data, sheet=args.sheet)
    print_report(parsed, args.lang, args.format == "json")
    return EXIT_OK if parsed.accepted else EXIT_DATA


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a file, then store it all or nothing; exit 0 when stored."""
    name, data = read_input(args.file, args.lang)
    try:
        outcome = store.import_file(data_dir_of(args), name, data, operator(args), sheet=args.sheet)
    except store.StoreError as exc:
        say(t("import_failed", args.lang, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_DATA
    print_report(outcome.parsed, args.lang, args.format == "json")
    if outcome.submission_id:
        say(t("import_stored", args.lang, id=outcome.submission_id, file=outcome.stored_file))
        return EXIT_OK
    say(t("import_rejected", args.lang, file=outcome.rejected_file), file=sys.stderr)
    return EXIT_DATA


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Read a password (twice) and print its hash for KPI_ANALYSTS or secrets.toml."""
    import getpass

    from lib.auth import hash_password

    if sys.stdin.isatty():
        first = getpass.getpass(t("password", args.lang) + ": ")
        if first != getpass.getpass(t("password_again", args.lang) + ": "):
            raise UsageError(t("cli_passwords_differ", args.lang))
    else:
        first = sys.stdin.readline().rstrip("\n")
    if len(first) < 8:
        raise UsageError(t("cli_password_short", args.lang))
    say(hash_password(first))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export the views as PNGs, a PPTX deck or a PDF and print the files written; return the exit code."""
    from lib.export import ExportUnavailable, write_export

    if args.format == "docx":
        return cmd_export_docx(args)
    year, month = parse_as_of(args.as_of, args.lang)
    if year != args.year:
        raise UsageError(t("cli_bad_as_of", args.lang, value=args.as_of) + f" (--year {args.year})")
    try:
        written = write_export(data_dir_of(args), year, month, args.format, Path(args.out), args.lang)
    except InputError as exc:
        print_definition_problems(exc, args.lang)
        return EXIT_FOLDER
    except ExportError as exc:
        say(f"error: {exc.message(args.lang)}", file=sys.stderr)
        return EXIT_DATA
    except ExportUnavailable as exc:
        say(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    for path in written:
        say(path)
    return EXIT_OK


def cmd_export_docx(args: argparse.Namespace) -> int:
    """Write the month's briefing (.docx) to --out and print its path; return the exit code."""
    from lib.briefing import monthly_briefing

    lang = args.lang
    ds = open_or_report(args)
    if ds is None:
        return EXIT_FOLDER
    issued = parse_date(args.date, lang)
    year, month = resolve_period(ds, args.year, args.as_of, lang)
    out = Path(args.out)
    briefing = monthly_briefing(ds, year, month, lang, issued=issued, charts=not args.no_charts)
    if briefing.charts_missing:  # a briefing is either whole or not written (--no-charts asks for one without)
        say(f"error: {t('cli_briefing_needs_charts', lang, detail=briefing.charts_missing)}", file=sys.stderr)
        return EXIT_DATA
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(briefing.data)
    except OSError as exc:
        say(f"error: {exc.strerror or exc}: {out}", file=sys.stderr)
        return EXIT_DATA
    say(out)
    print_rejected(ds, lang)
    return EXIT_DATA if ds.rejected else EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    """Write the month's outbox folder, post its summary to the group robot and print it; return the exit code."""
    from lib import digest

    lang = args.lang
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # the retries, on stderr
    try:
        secrets = digest.read_secrets(Path(args.secrets))
        webhook = digest.webhook_settings(args.webhook, args.channel, secrets=secrets, lang=lang)
    except digest.DigestError as exc:
        raise UsageError(str(exc)) from None
    ds = open_or_report(args)
    if ds is None:
        return EXIT_FOLDER
    issued = parse_date(args.date, lang)
    year, month = resolve_period(ds, args.year, args.as_of, lang)
    link = args.link or os.environ.get(digest.ENV_LINK) or str(secrets.get("link") or "")
    try:
        result = digest.run_digest(ds, year, month, Path(args.out), lang, webhook=webhook, link=link,
                                   force=args.force, charts=not args.no_charts, issued=issued, by=operator(args))
    except digest.WebhookError as exc:
        say(t("digest_failed", lang, detail=exc), file=sys.stderr)
        return EXIT_DATA
    except access.NotAllowed as exc:
        say(f"error: {exc.message(lang)}", file=sys.stderr)
        return EXIT_DATA
    except (digest.DigestError, OSError) as exc:
        say(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    audit.record(ds.data_dir, "digest", operator(args), period=f"{year}-{month:02d}", folder=str(result.folder),
                 posted=result.posted)
    say(t("digest_written", lang, folder=result.folder))
    for path in result.files:
        say(f"  {path}")
    if result.charts_missing:  # written and posted (the summary is what the group reads), but not whole: not 0
        say(t("cli_digest_charts_missing", lang, detail=result.charts_missing), file=sys.stderr)
    if webhook is None:
        say(t("digest_no_webhook", lang))
    elif result.skipped:
        say(result.skipped)
    else:
        say(t("digest_posted", lang, where=digest.redact(webhook.url), channel=webhook.channel))
    say()
    say(result.summary, end="")
    print_rejected(ds, lang)
    return EXIT_DATA if ds.rejected or result.charts_missing else EXIT_OK


def cmd_parse_plan(args: argparse.Namespace) -> int:
    """Parse a work-plan document into tasks.csv and target_candidates.csv; print the summary; return the exit code."""
    from lib import plan

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(t("cli_no_file", args.lang, path=path))
    try:
        result = plan.parse_plan_file(path, Path(args.out), Path(args.targets))
    except PlanError as exc:
        say(f"error: {exc.message(args.lang)}", file=sys.stderr)
        return EXIT_DATA
    say(plan.summary(result.parse))
    if not result.linked:
        say(t("plan_no_targets", args.lang, path=result.targets))
    say("→ " + ", ".join(str(p) for p in result.written))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="Postal and express target tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="print the scorecard for a year and as-of month")
    report.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv and actuals/")
    report.add_argument("--year", type=int, help="target year (default: the latest with data)")
    report.add_argument("--as-of", help="as-of month YYYY-MM (default: the latest month with data)")
    report.add_argument("--format", choices=["json", "table"], default="table")
    report.add_argument("--lang", choices=["zh", "en"], default="zh")
    report.set_defaults(func=cmd_report)
    for name, func, text in (("validate", cmd_validate, "check a file without storing it"),
                             ("import", cmd_import, "validate a file, then store it all or nothing")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("file", help="CSV file or workbook (.xlsx, .xlsm, .xls, .xlsb, .ods)")
        cmd.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv and actuals/")
        cmd.add_argument("--sheet", help="one sheet of a workbook (default: every sheet that holds data)")
        cmd.add_argument("--format", choices=["text", "json"], default="text")
        cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
        if name == "import":
            cmd.add_argument("--user", default=os.environ.get("USER") or "cli",
                             help="who submits: a name for the log and the audit trail, not checked")
        cmd.set_defaults(func=func)
    parse_plan = sub.add_parser("parse-plan", help="read a work plan into tasks.csv and target candidates")
    parse_plan.add_argument("file", help="the plan document: .docx, PDF with a text layer, or text (UTF-8 or GBK)")
    parse_plan.add_argument("--out", required=True, help="folder for tasks.csv and target_candidates.csv")
    parse_plan.add_argument("--targets", default=str(config.data_dir() / "targets.csv"),
                            help="targets.csv to link items to (default: the data directory's)")
    parse_plan.add_argument("--lang", choices=["zh", "en"], default="zh")
    parse_plan.set_defaults(func=cmd_parse_plan)
    export = sub.add_parser("export", help="write the presentation's views: the PPTX deck, the PDF, or one PNG each")
    export.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv and actuals/")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--as-of", required=True, help="as-of month YYYY-MM")
    export.add_argument("--format", choices=["png", "pptx", "pdf", "docx"], required=True,
                        help="png: one picture per view; pptx: the deck; pdf: the deck as PDF; docx: the monthly "
                             "briefing (通报)")
    export.add_argument("--out", required=True, help="the .pptx, .pdf or .docx file, or the folder for PNGs")
    export.add_argument("--no-charts", action="store_true", help="docx: leave the charts out")
    export.add_argument("--date", help="docx: the date of issue, YYYY-MM-DD (default: today)")
    export.add_argument("--lang", choices=["zh", "en"], default="zh")
    export.set_defaults(func=cmd_export)
    add_digest_command(sub)
    add_plan_command(sub)
    add_admin_commands(sub)
    hashing = sub.add_parser("hash-password", help="print a password hash for KPI_ANALYSTS or secrets.toml")
    hashing.add_argument("--lang", choices=["zh", "en"], default="zh")
    hashing.set_defaults(func=cmd_hash_password)
    return parser


def add_digest_command(sub) -> None:
    """Add the digest subcommand to the parser."""
    from lib.webhook import CHANNELS, SECRETS_FILE

    cmd = sub.add_parser("digest", help="write the month's briefing, deck and summary and post the summary "
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
    cmd.add_argument("--date", help="the briefing's date of issue, YYYY-MM-DD (default: today)")
    cmd.add_argument("--secrets", default=str(SECRETS_FILE), help="secrets.toml with a [digest] table")
    cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
    cmd.set_defaults(func=cmd_digest)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        say(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataFolderError as exc:
        print_definition_problems(exc, args.lang)
        return EXIT_FOLDER
    except formats.FormatError as exc:
        say(f"error: {exc.message(args.lang)}", file=sys.stderr)
        return EXIT_FORMAT if isinstance(exc, formats.FormatTooNew) else EXIT_FOLDER  # format.json unreadable


if __name__ == "__main__":
    sys.exit(main())
