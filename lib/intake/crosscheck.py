"""Figures of a file checked against each other and against what is stored, as warnings (the file is stored, the
warnings kept with it): the 本月 a row gives beside its 累计 against the change in 累计 (from the file's own month
before, else the month before already stored); a stated 同比 against last year's stored figure; a 累计 below the
file's own month before; an amount below zero."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib import config
from lib.catalog import Catalog
from lib.intake.checks import (
    Context,
    clean,
    growth_problem,
    negative_problem,
    parse_number,
    ytd_down_problem,
    ytd_went_down,
)
from lib.problems import Problem

# How far a stated month may be from the change in the year to date before it is flagged: rounding of the
# published figures (a bulletin's 万件 with two decimals), relative to the larger of the two.
MONTH_TOLERANCE = 0.005


def month_against_ytd(rows: pd.DataFrame, raw: pd.DataFrame, names_by_col: dict[int, dict], name: str,
                      context: Context | None, catalog: Catalog) -> list[Problem]:
    """Return a warning for each row whose stated 本月 differs from its 累计 minus the 累计 of the month before (in
    the file, else stored; January's 累计 is its month), naming the row, the two figures and the difference."""
    if "stated_month" not in raw or rows.empty:
        return []
    is_ytd = (rows["basis"] == "ytd").to_numpy()
    if not is_ytd.any():  # (a million month rows: nothing to compare, and no copy of rows or raw records made)
        return []
    ytd = rows[is_ytd]
    stated = raw[["pos", "stated_month", "value", "value_col"]].fillna({"stated_month": ""}).drop_duplicates(
        "pos").set_index("pos")
    in_file = {(r.indicator, r.region, int(r.year), int(r.month)): float(r.value) for r in ytd.itertuples()}
    stored = context.ytd if context is not None else {}
    problems = []
    for r in ytd.itertuples(index=False):
        pos = int(r.source_row) - 1
        if pos not in stated.index:
            continue
        text = clean(stated.at[pos, "stated_month"])
        month, written = parse_number(text), parse_number(stated.at[pos, "value"])
        if month is None or not written:
            continue
        month *= r.value / written  # into the indicator's unit, as the 累计 beside it was
        key = (r.indicator, r.region, int(r.year), int(r.month) - 1)
        previous = 0.0 if r.month == 1 else in_file.get(key, stored.get(key))
        if previous is None:
            continue
        change = r.value - previous
        if abs(month - change) > MONTH_TOLERANCE * max(abs(month), abs(change), 1e-9):
            column = names_by_col.get(int(stated.at[pos, "value_col"]), {}).get("month") or "本月"
            code = "warn_month_vs_ytd_file" if key in in_file or r.month == 1 else "warn_month_vs_ytd_stored"
            problems.append(Problem(name, code, row=pos + 1, column=column, value=text, severity="warning", params={
                "month": f"{month:g}", "ytd": f"{r.value:g}", "previous": f"{previous:g}", "change": f"{change:g}",
                "difference": f"{month - change:+g}", "unit": catalog.indicator(r.indicator)["unit"]}))
    return problems


def within_file(rows: pd.DataFrame, catalog: Catalog, file_name: str,
                names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return a warning for every year-to-date value of a summed indicator lower than the file's own month before it
    and every value below zero, by row and column (the first config.MAX_LISTED_PROBLEMS), and how many more there
    are. rows: canonical rows with value_col beside them, as both checking paths build them."""
    if rows.empty:
        return [], 0
    line, col = rows["source_row"].to_numpy(), rows["value_col"].to_numpy()
    value = rows["value"].to_numpy(dtype=float)
    down, previous = _ytd_falls(rows, catalog)
    negative = np.flatnonzero(value < 0)
    found = np.concatenate([down, negative])
    kind = np.concatenate([np.zeros(len(down), np.int64), np.ones(len(negative), np.int64)])
    order = np.lexsort((kind, col[found], line[found]))  # by row, column, then falling before negative
    limit = config.MAX_LISTED_PROBLEMS
    problems = []
    for k in order[:limit]:
        i = found[k]
        r = rows.iloc[i]
        unit = catalog.indicator(r["indicator"])["unit"]
        if kind[k] == 0:
            before = previous[k]
            problems.append(ytd_down_problem(file_name, names_by_col, line[i], col[i], value[i], value[before],
                                             line[before], unit))
        else:
            problems.append(negative_problem(file_name, names_by_col, line[i], col[i], value[i], r["basis"], unit))
    return problems, max(0, len(found) - limit)


def _ytd_falls(rows: pd.DataFrame, catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions of the year-to-date values of summed indicators lower than the same file's month
    before them, and the positions of those months (whole columns at a time: a file may hold a million rows)."""
    none = np.zeros(0, np.int64)
    ytd_mask = (rows["basis"] == "ytd").to_numpy()
    if ytd_mask.sum() < 2:
        return none, none
    summed = [ind for ind in rows["indicator"].unique() if catalog.indicator(ind)["aggregation"] == "sum"]
    at = np.flatnonzero(ytd_mask & rows["indicator"].isin(summed).to_numpy())
    if len(at) < 2:
        return none, none
    ytd = rows.iloc[at]
    indicator, region = pd.factorize(ytd["indicator"])[0], pd.factorize(ytd["region"])[0]
    year, month = ytd["year"].to_numpy(), ytd["month"].to_numpy()
    order = np.lexsort((month, year, region, indicator))  # months in order within each series and year
    indicator, region, year = indicator[order], region[order], year[order]
    value, at = ytd["value"].to_numpy(dtype=float)[order], at[order]
    same = (indicator[1:] == indicator[:-1]) & (region[1:] == region[:-1]) & (year[1:] == year[:-1])
    down = np.flatnonzero(same & ytd_went_down(value[1:], value[:-1])) + 1
    return at[down], at[down - 1]


def reported_growth(rows: pd.DataFrame, raw: pd.DataFrame, names_by_col: dict[int, dict], name: str,
                    context: Context) -> list[Problem]:
    """Return a warning for each reported year-on-year growth (同比) that differs from the growth computed from
    the loaded baseline year by more than config.GROWTH_TOLERANCE_POINTS."""
    growth = raw[raw["growth"] != ""].drop_duplicates("pos").set_index("pos")
    problems = []
    for r in rows.itertuples(index=False):
        pos = int(r.source_row) - 1
        if pos not in growth.index:
            continue
        text = clean(growth.at[pos, "growth"])
        reported = parse_number(text)
        base = (context.ytd if r.basis == "ytd" else context.last_year).get((r.indicator, r.region, r.year - 1,
                                                                              r.month))
        if reported is None or not base or base <= 0:
            continue
        computed = (r.value / base - 1) * 100
        if abs(reported - computed) > config.GROWTH_TOLERANCE_POINTS:
            column = names_by_col.get(int(growth.at[pos, "value_col"]), {}).get("growth") or "同比"
            problems.append(growth_problem(name, pos + 1, column, text, reported, computed, r.year - 1, r.basis))
    return problems[:config.MAX_LISTED_PROBLEMS]
