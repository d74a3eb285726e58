"""The commands that look after the data folder on a server: backup, restore, upgrade (python -m lib.cli backup …).

Exit codes as the rest of the command line (0 done, 1 refused or failed, 2 bad arguments) and 3 for a data folder or
archive written by a newer version of the app (lib/cli.py main). The library raises; this module prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib import backup, config, formats, store, upgrade
from lib.cli_args import EXIT_DATA, EXIT_OK, EXIT_USAGE, open_data_folder, operator
from lib.cli_output import say
from lib.i18n import t


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent snapshot of the data folder to --out; return the exit code."""
    try:
        done = backup.backup(Path(args.data_dir), Path(args.out), operator(args))
    except (backup.BackupError, store.StoreError) as exc:
        say(t("backup_refused", args.lang, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_DATA
    say(t("backup_written", args.lang, path=done.path, files=done.files, size=_megabytes(done.bytes),
            version=done.data_format))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the data folder by an archive's, all or nothing; return the exit code."""
    try:
        done = backup.restore(Path(args.file), Path(args.data_dir), operator(args))
    except backup.RestoreError as exc:
        say(t("restore_refused", args.lang, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_DATA
    say(t("restore_done", args.lang, path=done.data_dir, files=done.files, size=_megabytes(done.bytes),
            version=done.data_format))
    if done.kept:
        say(t("restore_kept", args.lang, path=done.kept))
    if done.data_format < formats.CURRENT:
        open_data_folder(done.data_dir, args.lang, operator(args))
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Bring the data folder to today's format (after a backup); return the exit code."""
    data_dir = Path(args.data_dir)
    if not (data_dir / "targets.csv").is_file():
        say(t("backup_refused", args.lang, detail=t("backup_no_data_dir", args.lang, path=data_dir)),
              file=sys.stderr)
        return EXIT_USAGE
    try:
        done = upgrade.upgrade(data_dir, operator(args))
    except (store.StoreError, backup.BackupError) as exc:
        say(t("format_upgrade_failed", args.lang, path=data_dir, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_DATA
    if done is None:
        say(t("format_current", args.lang, path=data_dir, version=formats.CURRENT))
    else:
        say(t("format_upgraded", args.lang, path=data_dir, old=done.old, new=done.new, backup=done.backup))
    return EXIT_OK


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def add_admin_commands(sub) -> None:
    """Add backup, restore and upgrade to the parser."""
    cmd = sub.add_parser("backup", help="write a consistent snapshot of the data folder (.zip, manifest of hashes)")
    cmd.add_argument("--out", required=True, help="the archive to write (e.g. /var/backups/kpi/kpi-2026-12-06.zip)")
    cmd.add_argument("--data-dir", default=str(config.data_dir()), help="the data folder (default: $KPI_DATA_DIR)")
    cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
    cmd.set_defaults(func=cmd_backup)
    cmd = sub.add_parser("restore", help="replace the data folder by a backup, all or nothing (the old one is kept)")
    cmd.add_argument("file", help="an archive written by backup")
    cmd.add_argument("--data-dir", required=True, help="the data folder to replace (created if it does not exist)")
    cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
    cmd.set_defaults(func=cmd_restore)
    cmd = sub.add_parser("upgrade", help="bring the data folder to this version's format (after a backup)")
    cmd.add_argument("--data-dir", default=str(config.data_dir()), help="the data folder (default: $KPI_DATA_DIR)")
    cmd.add_argument("--lang", choices=["zh", "en"], default="zh")
    cmd.set_defaults(func=cmd_upgrade)
