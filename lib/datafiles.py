"""The data folder's definition files (targets.csv, regions.csv, plans.csv, tasks.csv, aliases.csv, plan_context.csv,
places.csv) read through one door: each is one entry of FILES that knows its columns, whether the folder needs it and
what a person should do when it is wrong. A file that is missing where needed, empty, header-only where rows are
needed, not UTF-8, not CSV, with a row longer than its header or without its columns raises DataFolderError naming
the file, the row and what to do; the commands exit with their data-folder code and the pages show the message.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from lib.problems import InputError, Problem

BOM = b"\xef\xbb\xbf"


class DataFolderError(InputError):
    """The data folder cannot be used as it is: a definition file missing, empty or malformed, or no such folder."""


@dataclass(frozen=True)
class DefinitionFile:
    """One definition file of the data folder: its columns, what the folder needs of it, what to do when wrong."""

    name: str
    columns: tuple[str, ...]  # the columns a reader needs (others are kept)
    todo_key: str  # the text key of what to do when the file is wrong
    required: bool = False  # the folder cannot be used without it
    rows_required: bool = False  # a header without rows is no file
    whole_numbers: tuple[str, ...] = ()  # columns whose every cell is a whole number
    encoding: str = "utf-8-sig"


FILES = {f.name: f for f in (
    DefinitionFile("targets.csv", ("id", "year"), "folder_todo_targets", required=True, rows_required=True),
    DefinitionFile("regions.csv", ("region", "name_en", "parent", "aliases"), "folder_todo_regions"),
    DefinitionFile("plans.csv", ("year",), "folder_todo_plans"),
    DefinitionFile("tasks.csv", ("key", "list_type", "number", "text"), "folder_todo_tasks", whole_numbers=("number",)),
    DefinitionFile("aliases.csv", ("indicator", "alias"), "folder_todo_aliases"),
    DefinitionFile("plan_context.csv", ("year",), "folder_todo_plan_context"),
    DefinitionFile("places.csv", ("name_zh", "name_en"), "folder_todo_places"),
)}
# What the dashboard reads on every page (places.csv is read only when a plan is published).
DASHBOARD_FILES = ("targets.csv", "regions.csv", "plans.csv", "tasks.csv", "aliases.csv", "plan_context.csv")


SUBFOLDERS = ("actuals", "progress")  # the folders the app reads files from and stores them into


def check_folder(data_dir: Path) -> None:
    """Raise DataFolderError when the folder does not exist (the only time it is said to be missing), or one of its
    own folders is a file (its files would otherwise be taken for none)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        code = "folder_not_a_folder" if data_dir.exists() else "folder_missing"
        raise DataFolderError([Problem(str(data_dir), code)])
    if files := [name for name in SUBFOLDERS if (data_dir / name).exists() and not (data_dir / name).is_dir()]:
        raise DataFolderError([Problem(str(data_dir / name), "folder_sub_not_a_folder", params={"name": name})
                               for name in files])


def check_files(data_dir: Path, names: tuple[str, ...] = DASHBOARD_FILES) -> None:
    """Read every named definition file of a folder; raise DataFolderError listing every one that is wrong."""
    problems: list[Problem] = []
    for name in names:
        try:
            read_file(data_dir, name)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFolderError(problems)


def before_first_plan(error: InputError, data_dir: Path) -> bool:
    """Return whether a folder's only problem is that targets.csv holds no targets yet (absent, empty or a header
    alone): a new city's folder, where the first plan is published."""
    return isinstance(error, DataFolderError) and all(p.file == "targets.csv" for p in error.problems) \
        and holds_no_rows(Path(data_dir) / "targets.csv")


def holds_no_rows(path: Path) -> bool:
    """Return whether a definition file is absent, empty or a header alone (False when it is no such file)."""
    path = Path(path)
    if not path.exists():
        return True
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if not data.strip().removeprefix(BOM).strip():
        return True
    try:
        return read_bytes(replace(FILES[path.name], rows_required=False), data).empty
    except DataFolderError:
        return False


def read_file(data_dir: Path, name: str, *, missing_ok: bool | None = None) -> pd.DataFrame:
    """Return one definition file of data_dir as text cells (no rows when an optional file is absent); raise
    DataFolderError naming the file, the row and what to do. missing_ok overrides whether the folder needs it."""
    spec = FILES[name]
    path = Path(data_dir) / name
    if not path.exists():
        if (not spec.required) if missing_ok is None else missing_ok:
            return pd.DataFrame(columns=list(spec.columns))
        check_folder(path.parent)
        raise DataFolderError([_problem(spec, "folder_file_missing", folder=path.parent)])
    if not path.is_file():
        raise DataFolderError([_problem(spec, "folder_file_not_a_file", folder=path.parent)])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFolderError([_problem(spec, "folder_file_unreadable", detail=exc.strerror or str(exc))]) from None
    return read_bytes(spec, data)


def read_bytes(spec: DefinitionFile | str, data: bytes) -> pd.DataFrame:
    """Return a definition file's bytes as a frame of text cells; raise DataFolderError when they are no such file."""
    spec = FILES[spec] if isinstance(spec, str) else spec
    text = _text(spec, data)
    rows = _rows(spec, text)
    header = [cell.strip() for cell in rows[0]]
    doubled = sorted({c for c in header if header.count(c) > 1 and c})
    if doubled:
        raise DataFolderError([_problem(spec, "folder_file_columns_twice", columns=", ".join(doubled))])
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise DataFolderError([_problem(spec, "folder_file_columns", columns=", ".join(missing),
                                        found=", ".join(c for c in header if c) or "—")])
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line (Excel leaves ",,,," rows at the end) holds nothing to lose
        if len(row) > len(header):
            if any(cell.strip() for cell in row[len(header):]):
                raise DataFolderError([_problem(spec, "folder_file_row_too_long", row=number, found=len(row),
                                                expected=len(header))])
            row = row[:len(header)]
        body.append(row + [""] * (len(header) - len(row)))
    if spec.rows_required and not body:
        raise DataFolderError([_problem(spec, "folder_file_header_only")])
    frame = pd.DataFrame(body, columns=header, dtype=str)
    for column in spec.whole_numbers:
        for number, text in zip(frame.index, frame[column], strict=True):
            if not text.strip().isdigit():
                raise DataFolderError([_problem(spec, "folder_file_cell", row=number + 2, column=column, value=text)])
    return frame


def _text(spec: DefinitionFile, data: bytes) -> str:
    """Return a file's bytes as text; raise DataFolderError when it is empty, binary or not UTF-8."""
    if not data.strip().removeprefix(BOM).strip():
        raise DataFolderError([_problem(spec, "folder_file_empty", size=len(data))])
    if b"\x00" in data[:4096]:
        raise DataFolderError([_problem(spec, "folder_file_binary")])
    try:
        return data.decode(spec.encoding)
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        raise DataFolderError([_problem(spec, "folder_file_not_utf8", row=row)]) from None


def _rows(spec: DefinitionFile, text: str) -> list[list[str]]:
    """Return the CSV rows of a text; raise DataFolderError naming the row where it stops being CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    start = 1  # the line the row being read starts on: a quoted field may run over several
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataFolderError([csv_problem(spec.name, exc, start, spec.todo_key)]) from None
    return rows


def csv_problem(name: str, exc: csv.Error, line: int, then: str = "") -> Problem:
    """Return the problem of a CSV text the csv module stopped reading at a line, in words (a field longer than the
    module's limit, a quote never closed, a quote in the middle of a field); then is the text key of what to do."""
    detail = str(exc)
    if "field larger than field limit" in detail:
        return Problem(name, "csv_field_too_large", params={"row": line, "limit": f"{csv.field_size_limit():,}",
                                                           "then": then})
    if "unexpected end of data" in detail:
        return Problem(name, "csv_quote_not_closed", params={"row": line, "then": then})
    return Problem(name, "csv_bad_quote", params={"row": line, "detail": detail, "then": then})


def _problem(spec: DefinitionFile, code: str, **params: object) -> Problem:
    return Problem(spec.name, code, params={"todo": spec.todo_key, **params})
