"""What every command shares: the exit codes, a wrong argument (UsageError), the person a command acts for (its
principal), the data folder of --data-dir (checked, and brought to today's format), and an input file read whole."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib import backup, store, upgrade
from lib.access import Principal
from lib.cli_output import say
from lib.datafiles import check_folder
from lib.i18n import t

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_FORMAT, EXIT_FOLDER = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A command-line argument is wrong."""


def operator(args: argparse.Namespace) -> Principal:
    """Return who a command acts for: the command line's operator, named by --user where the command has it, else the
    system user. The name is as given: the command line proves only that it runs on the server (lib/access.py)."""
    return Principal.command_line(getattr(args, "user", None))


def open_data_folder(data_dir: Path, lang: str, by: Principal) -> None:
    """Bring an older data folder to today's format (after a backup), telling so on stderr; one that cannot be
    written is read as it is, with a note. FormatTooNew (a newer version's folder) goes up to main: exit 3."""
    try:
        done = upgrade.upgrade(data_dir, by)
    except (store.StoreError, backup.BackupError) as exc:
        say(t("format_upgrade_failed", lang, path=data_dir, detail=exc.message(lang)), file=sys.stderr)
        return
    if done:
        say(t("format_upgraded", lang, path=data_dir, old=done.old, new=done.new, backup=done.backup),
              file=sys.stderr)


def read_input(path_text: str, lang: str) -> tuple[str, bytes]:
    """Return the name and bytes of a file named on the command line; raise UsageError when there is none."""
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(t("cli_no_file", lang, path=path))
    return path.name, path.read_bytes()


def data_dir_of(args: argparse.Namespace) -> Path:
    """Return --data-dir brought to today's format; raise DataFolderError when there is no such folder (what it
    must hold, each command's reader says: a new city's empty folder is where its first plan is published)."""
    data_dir = Path(args.data_dir)
    check_folder(data_dir)
    open_data_folder(data_dir, args.lang, operator(args))
    return data_dir
