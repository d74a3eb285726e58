"""Problems found in input files, each locating file, row, column and value."""

from __future__ import annotations

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

    def message(self, lang: str = "zh") -> str:
        """Return the problem as one sentence in lang, with its location first."""
        where = (
            t("problem_at", lang, file=self.file, row=self.row, column=self.column)
            if self.row is not None
            else t("problem_file", lang, file=self.file)
        )
        colon = ": " if lang == "en" else "："
        return f"{where}{colon}{self.detail(lang)}"

    def detail(self, lang: str = "zh") -> str:
        """Return what is wrong, without the location (for tables that show file, row and column apart)."""
        return t(self.code, lang, **{"value": self.value, **self.params})

    def as_dict(self, lang: str = "zh") -> dict:
        """Return the problem as plain data for JSON and tables."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang),
        }


class InputError(Exception):
    """Raised with the full list of problems when an input cannot be used."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message("en") for p in problems[:5]))
        self.problems = problems


class PlanDocumentError(InputError):
    """Raised when a plan document cannot be read as text; its message (in Chinese) names the file and the need."""

    def __init__(self, problem: Problem):
        super().__init__([problem])
        self.problem = problem
        self.args = (problem.message("zh"),)
