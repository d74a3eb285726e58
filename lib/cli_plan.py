"""The plan commands of the command line: python -m lib.cli plan draft|publish|revert|log.

draft: a plan document (.txt, .docx, PDF) and the earlier targets into next year's draft: every figure of the plan, the
targets taken and every other figure with the reason it is not one (targets.csv's columns and taken, needs_review,
reason, figure); publish: a reviewed draft's taken rows (as saved from Excel too) into targets.csv, with the plan's
tasks, record, context figures and document, all or nothing; revert: put back what a publication replaced; log: the
publications.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lib import config, store
from lib.cli_args import EXIT_DATA, EXIT_OK, UsageError, data_dir_of, operator, read_input
from lib.cli_output import say
from lib.datafiles import DataFolderError
from lib.i18n import t
from lib.problems import InputError, PlanDocumentError

if TYPE_CHECKING:  # lib.plan (its document readers) is imported by the plan commands alone: `report` starts faster
    from lib import plan

RECORD_OPTIONS = {"doc_number": "--doc-number", "issuer_zh": "--issuer", "title_zh": "--title", "issued": "--issued",
                  "city_zh": "--city", "issuer_en": "--issuer-en", "city_en": "--city-en", "title_en": "--title-en"}


def _print_problems(heading: str, problems, lang: str) -> None:
    say(heading, file=sys.stderr)
    for p in problems:
        say("  " + p.message(lang), file=sys.stderr)


def _document(path_text: str, lang: str) -> plan.PlanDocument:
    """Return the plan document at a path; raise UsageError when there is no such file."""
    from lib import plan

    path = Path(path_text)
    if not path.is_file():
        raise UsageError(t("cli_no_file", lang, path=path))
    return plan.PlanDocument.read(path.name, path.read_bytes())


def cmd_plan_draft(args: argparse.Namespace) -> int:
    """Write next year's draft from a plan document and print what it holds; return the exit code."""
    from lib import plan

    lang, data_dir = args.lang, data_dir_of(args)
    try:
        document = _document(args.plan, lang)
    except PlanDocumentError as exc:
        say(f"error: {exc.problem.message(lang)}", file=sys.stderr)
        return EXIT_DATA
    parse = document.parse()
    year = args.year or parse.year
    if year is None:
        raise UsageError(t("cli_plan_no_year", lang, file=document.name))
    if not parse.tasks and not parse.goals:
        say(f"error: {t('problem_file', lang, file=document.name)}: {t('err_plan_no_items', lang)}",
              file=sys.stderr)
        return EXIT_DATA
    draft = plan.draft_document(data_dir, document, year, lang)
    try:
        written = plan.write_draft(draft.rows, args.out)
    except OSError as exc:
        say(f"error: {exc.strerror or exc}: {args.out}", file=sys.stderr)
        return EXIT_DATA
    say(draft.summary(lang))
    say(f"→ {written}")
    return EXIT_OK


def cmd_plan_publish(args: argparse.Namespace) -> int:
    """Publish a reviewed draft (and the plan's tasks, record and document); return the exit code."""
    from lib import plan

    lang, data_dir = args.lang, data_dir_of(args)
    name, data = read_input(args.draft, lang)
    try:
        document = _document(args.plan, lang) if args.plan else None
    except PlanDocumentError as exc:
        say(f"error: {exc.problem.message(lang)}", file=sys.stderr)
        return EXIT_DATA
    overrides = {field: getattr(args, field) for field in RECORD_OPTIONS if getattr(args, field)}
    try:
        published = plan.publish_draft(data_dir, name, data, operator(args), document=document, overrides=overrides)
    except plan.DraftRefused as exc:
        _print_problems(t("plan_refused", lang, file=name, count=len(exc.problems)), exc.problems, lang)
        return EXIT_DATA
    except DataFolderError:
        raise  # the data folder's, not the draft's: main says so (exit 4)
    except InputError as exc:
        _print_problems(t("plan_unreadable", lang, file=name), exc.problems, lang)
        return EXIT_DATA
    except store.StoreError as exc:
        say(t("import_failed", lang, detail=exc.message(lang)), file=sys.stderr)
        return EXIT_DATA
    say(t("plan_published", lang, id=published.id, year=published.year, rows=published.rows,
            tasks=published.tasks))
    if published.plan is not None:
        say(t("plan_recorded", lang, plan=published.plan.citation(lang), issuer=published.plan.issuer(lang)))
    if published.context:
        say(t("plan_published_context", lang, n=published.context))
    if published.aliases:
        say(t("plan_published_aliases", lang, names="、".join(published.aliases)))
    if published.notes:
        say("  [!] " + t("plan_english_names_unknown", lang, issuer="、".join(published.notes)))
    for warning in published.warnings:
        say("  [?] " + warning.message(lang))
    return EXIT_OK


def cmd_plan_revert(args: argparse.Namespace) -> int:
    """Put back what a publication replaced; return the exit code."""
    try:
        store.revert_publication(data_dir_of(args), args.id, operator(args))
    except store.StoreError as exc:
        say(t("revert_failed", args.lang, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_DATA
    say(t("plan_reverted", args.lang, id=args.id))
    return EXIT_OK


def cmd_plan_log(args: argparse.Namespace) -> int:
    """Print the publications, newest first; return the exit code."""
    from lib import plan

    log = plan.publications(data_dir_of(args))
    if log.empty:
        say(t("plan_no_publications", args.lang))
        return EXIT_OK
    for row in log.to_dict("records"):
        say("  ".join([row["id"], row["year"], row["submitted_at"].replace("T", " "), row["user"],
                         row["original_name"], t("plan_log_rows", args.lang, rows=row["rows"]), row["status"]]))
    return EXIT_OK


def _date(text: str) -> str:
    """Return a YYYY-MM-DD option as given, or raise ArgumentTypeError."""
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from exc
    return text


def add_plan_command(sub) -> None:
    """Add the plan subcommand (draft, publish, revert, log) to the parser."""
    cmd = sub.add_parser("plan", help="draft next year's targets from a plan document, publish, revert, list")
    plan_sub = cmd.add_subparsers(dest="plan_command", required=True)

    def common(parser) -> None:
        parser.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    draft = plan_sub.add_parser("draft", help="write the draft of a year's targets from a plan document")
    draft.add_argument("plan", help="the plan document: .docx, PDF with a text layer, or text")
    draft.add_argument("--year", type=int, help="the year of the targets (default: the plan's)")
    draft.add_argument("--out", required=True, help="the draft CSV to write (UTF-8 with BOM, opens in Excel)")
    common(draft)
    draft.set_defaults(func=cmd_plan_draft)

    publish = plan_sub.add_parser("publish", help="check a reviewed draft and write its year's targets")
    publish.add_argument("draft", help="the reviewed draft (CSV as saved by Excel, or XLSX)")
    publish.add_argument("--plan", help="the plan document: its tasks go into tasks.csv, its record into plans.csv")
    for field, option in RECORD_OPTIONS.items():
        publish.add_argument(option, dest=field, type=_date if field == "issued" else str,
                             help=f"the plan's {field.replace('_', ' ')} (default: read from the document)")
    publish.add_argument("--user", default=os.environ.get("USER") or "cli",
                         help="who publishes: a name for the log, not checked")
    common(publish)
    publish.set_defaults(func=cmd_plan_publish)

    revert = plan_sub.add_parser("revert", help="put back the files a publication replaced")
    revert.add_argument("id", help="the publication's id (plan log lists them)")
    revert.add_argument("--user", default=os.environ.get("USER") or "cli",
                        help="who reverts: a name for the log, not checked")
    common(revert)
    revert.set_defaults(func=cmd_plan_revert)

    log = plan_sub.add_parser("log", help="list the publications, newest first")
    common(log)
    log.set_defaults(func=cmd_plan_log)
