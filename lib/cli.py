"""Command line over the same engine as the app: python -m lib.cli report --data-dir DIR ...

Exit codes: 0 success; 1 data problems (targets.csv unusable, or some actuals files not
loaded: the report is still printed from the rest); 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from lib import config
from lib.dataset import open_dataset
from lib.engine import Score, default_period, scorecard
from lib.fmt import format_pct, format_period, format_value
from lib.i18n import status_label, t
from lib.problems import InputError

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line argument is wrong."""


def parse_as_of(text: str, lang: str) -> tuple[int, int]:
    """Return (year, month) from YYYY-MM, or raise UsageError."""
    parts = text.split("-")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return int(parts[0]), int(parts[1])
    raise UsageError(t("cli_bad_as_of", lang, value=text))


def display_width(text: str) -> int:
    """Return how many terminal columns text takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
            name, format_value(s.actual_ytd, s.unit, lang), format_value(s.target, s.unit, lang),
            format_pct(s.completion_pct), format_pct(s.expected_pct_seasonal),
            format_pct(s.yoy_growth_pct, signed=True), status_label(s.status, lang),
        ])
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in [headers, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    """Print the scorecard; return the exit code."""
    lang = args.lang
    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        raise UsageError(t("cli_no_data_dir", lang, path=data_dir))
    try:
        ds = open_dataset(data_dir)
    except InputError as exc:
        print(t("targets_error", lang), file=sys.stderr)
        for p in exc.problems:
            print("  " + p.message(lang), file=sys.stderr)
        return EXIT_DATA
    if args.as_of:
        year, month = parse_as_of(args.as_of, lang)
        if args.year is not None and args.year != year:
            raise UsageError(t("cli_bad_as_of", lang, value=args.as_of) + f" (--year {args.year})")
    else:
        latest = default_period(ds)
        year = args.year or (latest[0] if latest else None)
        month = latest[1] if latest and latest[0] == year else 12
    if year not in ds.catalog.years():
        raise UsageError(t("cli_no_year", lang, year=year))
    scores = scorecard(ds, year, month)
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in scores], ensure_ascii=False, indent=2))
    else:
        print(format_period(year, month, lang))
        print(render_table(scores, lang))
    for report in ds.rejected:
        print(t("file_problems", lang, file=report.file, count=len(report.errors)), file=sys.stderr)
        for p in report.errors:
            print("  " + p.message(lang), file=sys.stderr)
    return EXIT_DATA if ds.rejected else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="Suzhou postal target tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="print the scorecard for a year and as-of month")
    report.add_argument("--data-dir", default=str(config.data_dir()), help="folder with targets.csv and actuals/")
    report.add_argument("--year", type=int, help="target year (default: the latest with data)")
    report.add_argument("--as-of", help="as-of month YYYY-MM (default: the latest month with data)")
    report.add_argument("--format", choices=["json", "table"], default="table")
    report.add_argument("--lang", choices=["zh", "en"], default="zh")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
