"""Problems found in input files, each locating file, row, column and value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lib.i18n import t


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, and a message key with its parameters."""

    file: str
    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)
    severity: str = "error"
    sheet: str | None = None  # the workbook sheet it is in

    def message(self, lang: str = "zh") -> str:
        """Return the problem as one sentence in lang, with its location first (file, sheet, row and column)."""
        if self.row is not None:
            where = (t("problem_at_sheet", lang, file=self.file, sheet=self.sheet, row=self.row, column=self.column)
                     if self.sheet else t("problem_at", lang, file=self.file, row=self.row, column=self.column))
        else:
            where = (t("problem_in_sheet", lang, file=self.file, sheet=self.sheet) if self.sheet
                     else t("problem_file", lang, file=self.file))
        colon = ": " if lang == "en" else "："
        return f"{where}{colon}{self.detail(lang)}"

    def detail(self, lang: str = "zh") -> str:
        """Return what is wrong, without the location (for tables that show file, row and column apart).

        Two kinds of parameter read differently by language: a basis ('month', 'ytd', named basis or *_basis) is
        said in words (当月, year to date), a time (a *_at parameter, ISO) as the submissions tab says it, and what
        to do (todo, or then after a semicolon: a text key) in lang."""
        params = {"value": "" if self.value is None else self.value, **self.params}  # never "None" in a sentence
        for key, value in params.items():
            if (key == "basis" or key.endswith("_basis")) and value in ("month", "ytd"):
                params[key] = t(f"basis_{value}", lang)
            elif key.endswith("_at") and value:
                params[key] = _day(str(value), lang)
            elif key in ("todo", "then"):  # what to do, a text key (then: after a sentence, by a semicolon)
                said = t(params[key], lang) if value else ""
                params[key] = ("; " if lang == "en" else "；") + said if key == "then" and said else said
        return t(self.code, lang, **params)

    def as_dict(self, lang: str = "zh") -> dict:
        """Return the problem as plain data for JSON and tables."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "severity": self.severity,
            "sheet": self.sheet,
            "code": self.code,
            "message": self.message(lang),
        }


def _day(iso: str, lang: str) -> str:
    """Return the day of an ISO time as the submissions tab writes it: 2021年9月10日, 10 Sep 2021."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment.strftime('%b')} {moment.year}" if lang == "en" else \
        f"{moment.year}年{moment.month}月{moment.day}日"


class InputError(Exception):
    """Raised with the full list of problems when an input cannot be used."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message("en") for p in problems[:5]))
        self.problems = problems

    def __reduce__(self):  # rebuilt from its problems (it crosses the sandbox's boundary, lib/sandbox.py)
        return type(self), (self.problems,)


class FileError(Exception):
    """Raised when one file cannot be read, used or written; its problem says which file and what went wrong."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message("en"))
        self.problem = problem

    def __reduce__(self):
        return type(self), (self.problem,)

    def message(self, lang: str = "zh") -> str:
        """Return the error as one sentence in lang, the file first."""
        return self.problem.message(lang)


class PlanError(FileError):
    """A work-plan text cannot be read, holds no numbered items, or its tables cannot be written."""


class ExportError(FileError):
    """An export cannot be made: no targets for the year, or the deck or a picture cannot be written."""


class TranslatedError(Exception):
    """An error told by a text key and its parameters, so it reads in either language."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params

    def message(self, lang: str = "zh") -> str:
        """Return the error as one phrase in lang (a code that is no text key is shown as it is)."""
        return t(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class PlanDocumentError(InputError):
    """Raised when a plan document cannot be read as text; its message (in Chinese) names the file and the need."""

    def __init__(self, problem: Problem):
        super().__init__([problem])
        self.problem = problem
        self.args = (problem.message("zh"),)

    def __reduce__(self):
        return type(self), (self.problem,)
