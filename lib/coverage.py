"""Which targets have figures for a month and which wait for their file: the overview's first line after the sample
gives way to real data, and the confirm step's warning before the first real file is stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.actuals import baseline_years
from lib.catalog import Catalog
from lib.dataset import Dataset, dataset_of_rows
from lib.display import md
from lib.engine import scorecard
from lib.fmt import format_period
from lib.i18n import t
from lib.kinds import KINDS, STATUSES
from lib.kinds.words import base_words
from lib.score import Score


@dataclass(frozen=True)
class Coverage:
    """How many of a year's targets have figures for a month, and the ones still waiting for theirs."""

    year: int
    month: int
    total: int
    waiting: list[Score]
    # targets with the month's figure that wait for their baseline instead (last year's same period): what they need
    # is last year's file, never this month's again
    no_base: list[Score] = field(default_factory=list)

    @property
    def covered(self) -> int:
        """Return how many targets have figures for the month."""
        return self.total - len(self.waiting)


def coverage(scores: list[Score], year: int, month: int) -> Coverage:
    """Return the coverage of a month: a target has figures for it when its latest figure is that month's (and,
    among those, the ones whose baseline is missing)."""
    return Coverage(year, month, len(scores), [s for s in scores if s.data_month != month],
                    [s for s in scores if s.data_month == month and STATUSES[s.status].has_figure])


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


def base_links(c: Coverage, lang: str) -> list[tuple[str, str, str]]:
    """Return, for each target with the month's figure waiting for its baseline, what its link to the upload page
    needs: (its name and the period it needs, as plain text: 投诉满意度（缺2020年10月数据）; its id; that period, as
    2020-10, so that the page offers last year's template, not this month's)."""
    links = []
    for s in c.no_base:
        kind = KINDS[s.kind]
        year, month = kind.base_period(s) or (c.year - 1, c.month)
        name = s.name_en if lang == "en" else s.name
        links.append((t("coverage_no_base_link", lang, name=name, period=base_words(kind, s, lang)),
                      s.indicator, f"{year}-{month:02d}"))
    return links


def target_row(catalog: Catalog, year: int, target_id: str) -> dict | None:
    """Return a target's row for a period's year: that year's, or for a baseline year the row of the year it is the
    baseline of (last year's figures are asked for this year's targets, whether or not last year had targets)."""
    rows = catalog.targets_for(year)
    row = rows[rows["id"] == target_id]
    if row.empty and year in baseline_years(catalog):
        rows = catalog.targets_for(baseline_years(catalog)[year])
        row = rows[rows["id"] == target_id]
    return None if row.empty else row.iloc[0].to_dict()


def target_indicators(catalog: Catalog, year: int, target_id: str) -> list[str]:
    """Return the indicators whose figures a target reads: a ratio's numerator and denominator, else its own."""
    r = target_row(catalog, year, target_id)
    if r is None:
        return []
    return [r["numerator"], r["denominator"]] if r["numerator"] and r["denominator"] else [r["indicator"]]


def first_real_file(ds: Dataset, rows: pd.DataFrame, lang: str) -> str | None:
    """Return the warning of the confirm step before the first real file is stored, or None when real figures are
    stored already: the sample stops showing, and which targets of the file's year will read 无数据 or 缺上年基数 once
    it is (names escaped for Markdown). The file is scored as the pages will score it, so the warning and the
    overview after 确认入库 name the same targets: those it gives no figure for; those it gives figures that make no
    year to date (a flow's month alone); those whose last year it lacks."""
    if not ds.uses_sample or rows.empty:
        return None
    years = {int(y) for y in rows["year"]}
    with_targets = [y for y in years if not ds.catalog.targets_for(y).empty]
    bases = baseline_years(ds.catalog)  # a file of last year only: this year's targets all still wait
    year = max(with_targets or [bases[y] for y in years if y in bases] or years)
    targets = ds.catalog.targets_for(year)
    if targets.empty:
        return t("first_file_no_targets", lang, year=year)
    given = set(rows.loc[rows["year"] == year, "indicator"])
    sep = ", " if lang == "en" else "、"
    names = {r["id"]: r["name_en"] if lang == "en" else r["name_zh"] for r in targets.to_dict("records")}
    missing = [names[r["id"]] for r in targets.to_dict("records") if not _given(r, given)]
    text = t("first_file_missing", lang, year=year, count=len(missing), total=len(targets),
             names=sep.join(md(n) for n in missing)) if missing else t("first_file_all", lang, year=year,
                                                                          total=len(targets))
    if not given:
        return text
    month = int(rows.loc[rows["year"] == year, "month"].max())
    after = coverage(scorecard(dataset_of_rows(ds.data_dir, ds.catalog, rows), year, month), year, month)
    no_total = [names[s.indicator] for s in after.waiting if names[s.indicator] not in missing]
    no_base = [names[s.indicator] for s in after.no_base]
    if no_total:
        text += t("first_file_no_total", lang, count=len(no_total), period=format_period(year, month, lang),
                  names=sep.join(md(n) for n in no_total))
    if no_base:
        text += t("first_file_no_base", lang, count=len(no_base), names=sep.join(md(n) for n in no_base))
    return text


def _given(target: dict, given: set[str]) -> bool:
    """Return whether figures of these indicators give a target its number: its own, or both parts of a ratio."""
    parts = {target["numerator"], target["denominator"]} - {""}
    return target["indicator"] in given or (len(parts) == 2 and parts <= given)
