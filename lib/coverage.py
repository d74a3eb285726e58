"""Which targets have figures for a month and which wait for their file: the overview's first line after the sample
gives way to real data, and the confirm step's warning before the first real file is stored."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.actuals import baseline_years
from lib.catalog import Catalog
from lib.dataset import Dataset
from lib.display import md
from lib.fmt import format_period
from lib.i18n import t
from lib.score import Score


@dataclass(frozen=True)
class Coverage:
    """How many of a year's targets have figures for a month, and the ones still waiting for theirs."""

    year: int
    month: int
    total: int
    waiting: list[Score]

    @property
    def covered(self) -> int:
        """Return how many targets have figures for the month."""
        return self.total - len(self.waiting)


def coverage(scores: list[Score], year: int, month: int) -> Coverage:
    """Return the coverage of a month: a target has figures for it when its latest figure is that month's."""
    return Coverage(year, month, len(scores), [s for s in scores if s.data_month != month])


def coverage_line(c: Coverage, lang: str) -> str:
    """Return the overview's first line on real data (Markdown, the period escaped): N of M targets have figures for
    the month, and how many wait (each one's link to the upload page follows it: waiting_links)."""
    period = md(format_period(c.year, c.month, lang))
    if not c.waiting:
        return t("coverage_all", lang, total=c.total, period=period)
    return t("coverage_waiting", lang, covered=c.covered, total=c.total, period=period, count=len(c.waiting))


def waiting_links(c: Coverage, lang: str) -> list[tuple[str, str, str]]:
    """Return, for each target waiting for the month's figures, what its link to the upload page needs: (its name in
    lang, as plain text; its id, the upload page's ?target=; the month, its ?period=, as 2021-10)."""
    period = f"{c.year}-{c.month:02d}"
    return [(s.name_en if lang == "en" else s.name, s.indicator, period) for s in c.waiting]


def target_indicators(catalog: Catalog, year: int, target_id: str) -> list[str]:
    """Return the indicators whose figures a target reads: a ratio's numerator and denominator, else its own."""
    rows = catalog.targets_for(year)
    row = rows[rows["id"] == target_id]
    if row.empty:
        return []
    r = row.iloc[0]
    return [r["numerator"], r["denominator"]] if r["numerator"] and r["denominator"] else [r["indicator"]]


def _given(target: dict, given: set[str]) -> bool:
    """Return whether figures of these indicators give a target its number: its own, or both parts of a ratio."""
    parts = {target["numerator"], target["denominator"]} - {""}
    return target["indicator"] in given or (len(parts) == 2 and parts <= given)


def first_real_file(ds: Dataset, rows: pd.DataFrame, lang: str) -> str | None:
    """Return the warning of the confirm step before the first real file is stored, or None when real figures are
    stored already: the sample stops showing, and the targets of the file's year that it gives no figure for read
    无数据 until their files come (names escaped for Markdown)."""
    if not ds.uses_sample or rows.empty:
        return None
    years = {int(y) for y in rows["year"]}
    with_targets = [y for y in years if not ds.catalog.targets_for(y).empty]
    bases = baseline_years(ds.catalog)  # a file of last year only: this year's targets all still wait
    year = max(with_targets or [bases[y] for y in years if y in bases] or years)
    given = set(rows.loc[rows["year"] == year, "indicator"])
    targets = ds.catalog.targets_for(year)
    if targets.empty:
        return t("first_file_no_targets", lang, year=year)
    missing = [r["name_en"] if lang == "en" else r["name_zh"] for r in targets.to_dict("records")
               if not _given(r, given)]
    sep = ", " if lang == "en" else "、"
    if not missing:
        return t("first_file_all", lang, year=year, total=len(targets))
    return t("first_file_missing", lang, year=year, count=len(missing), total=len(targets),
             names=sep.join(md(n) for n in missing))
