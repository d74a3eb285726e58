"""Figures of a file checked against each other and against what is stored: the 本月 a row gives beside its 累计
against the change in 累计 (from the file's own month before, else the month before already stored)."""

from __future__ import annotations

import pandas as pd

from lib.catalog import Catalog
from lib.intake.checks import Context, clean, parse_number
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
    stated = raw[["pos", "stated_month", "value", "value_col"]].drop_duplicates("pos").set_index("pos")
    ytd = rows[rows["basis"] == "ytd"]
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
