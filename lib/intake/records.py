"""The record path: raw records checked one at a time with check_record, for small files (the column path's
set-up costs more than it saves there). It is the reference the column path is held to.
"""

from __future__ import annotations

import itertools

import pandas as pd

from lib import config
from lib.catalog import Catalog
from lib.intake.checks import (
    ROW_COLUMNS,
    Context,
    check_record,
    clean,
    empty_rows,
    implied_month_check,
    implied_month_params,
    value_name,
)
from lib.problems import Problem


def normalize(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
              context: Context | None) -> tuple[pd.DataFrame, list[Problem], int]:
    """Return what lib.intake.normalize returns, checking one record at a time."""
    limit = config.MAX_LISTED_PROBLEMS
    listed: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    flagged = duplicates = unlisted = 0
    cutoff = None  # (row, column) of the first record with problems past the limit: none after it are listed
    for rec in raw.to_dict("records"):
        here = (rec["pos"], rec["value_col"])
        headers = names_by_col.get(rec["value_col"], {})
        row, found = check_record(rec, headers, catalog, file_name, context)
        if row is None:
            flagged += 1
            if flagged <= limit:
                listed += found
            else:  # counted, not checked further: one problem at least
                unlisted += 1
                cutoff = cutoff or here
            continue
        key = (row["indicator"], row["region"], row["year"], row["month"])
        if key in seen:
            if (cutoff is None or here < cutoff) and duplicates < limit:
                duplicates += 1
                listed.append(Problem(file_name, "err_duplicate", row=rec["pos"] + 1,
                                      column=headers.get("period") or "period", value=clean(rec["period"]),
                                      params={"other": seen[key]}))
            else:
                unlisted += 1
            continue
        seen[key] = rec["pos"] + 1
        rows.append(row | {"source_file": file_name, "source_row": rec["pos"] + 1})
    unlisted += max(0, len(listed) - limit)
    problems = listed[:limit]
    found, more = _ytd_going_down(rows, catalog, file_name, names_by_col)
    problems += found
    unlisted += more
    if context is not None:
        found, more = _against_loaded(rows, catalog, file_name, context, names_by_col)
        problems += found
        unlisted += more
    if not rows:
        return empty_rows(), problems, unlisted
    return pd.DataFrame(rows, columns=ROW_COLUMNS), problems, unlisted


def _ytd_going_down(rows: list[dict], catalog: Catalog, file_name: str,
                            names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return a problem for every year-to-date value lower than the month before it (the first
    config.MAX_LISTED_PROBLEMS), and how many more there are."""
    ytd = sorted((r for r in rows if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum"),
                 key=lambda r: (r["indicator"], r["region"], r["year"], r["month"]))
    down = [(prev, cur) for prev, cur in itertools.pairwise(ytd)
            if (prev["indicator"], prev["region"], prev["year"]) == (cur["indicator"], cur["region"], cur["year"])
            and cur["value"] < prev["value"] - 1e-9]
    down.sort(key=lambda pair: (pair[1]["source_row"], pair[1]["value_col"]))  # by row, then column
    problems = [Problem(file_name, "err_ytd_down", row=cur["source_row"],
                        column=value_name(names_by_col, cur["value_col"]), value=f"{cur['value']:g}",
                        params={"previous": f"{prev['value']:g}", "prev_row": prev["source_row"]})
                for prev, cur in down[:config.MAX_LISTED_PROBLEMS]]
    return problems, max(0, len(down) - config.MAX_LISTED_PROBLEMS)


def _against_loaded(rows: list[dict], catalog: Catalog, file_name: str, context: Context,
                            names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return warnings: revisions of months already loaded, values far from last year's, and year-to-date
    values by the month they imply (the first config.MAX_LISTED_PROBLEMS), and how many more there are."""
    problems = []
    own_ytd = {(r["indicator"], r["region"], r["year"], r["month"]): r["value"] for r in rows if r["basis"] == "ytd"}
    for r in rows:
        key = (r["indicator"], r["region"], r["year"], r["month"])
        column = value_name(names_by_col, r["value_col"])
        unit = catalog.indicator(r["indicator"])["unit"]
        if key in context.loaded:
            old, old_basis, source = context.loaded[key]
            if old_basis != r["basis"] or abs(old - r["value"]) > 1e-9 * max(1.0, abs(old)):
                problems.append(Problem(file_name, "warn_revision", row=r["source_row"], column=column,
                                        value=f"{r['value']:g}", severity="warning",
                                        params={"old": f"{old:g}", "new": f"{r['value']:g}", "unit": unit,
                                                "source": source}))
        last = context.last_year.get((r["indicator"], r["region"], r["year"] - 1, r["month"]))
        if r["basis"] == "month" and last and last > 0 and r["value"] > 0 \
                and not 1 / config.OUTLIER_FACTOR <= r["value"] / last <= config.OUTLIER_FACTOR:
            problems.append(Problem(file_name, "warn_outlier", row=r["source_row"], column=column,
                                    value=f"{r['value']:g}", severity="warning",
                                    params={"last": f"{last:g}", "unit": unit, "factor": f"{r['value'] / last:.1f}"}))
        if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum":
            before = (r["indicator"], r["region"], r["year"], r["month"] - 1)
            own, loaded = own_ytd.get(before), context.ytd.get(before)
            prev = 0.0 if r["month"] == 1 else (own if own is not None else loaded)
            code = implied_month_check(r["value"], prev, last, from_file=own is not None or r["month"] == 1)
            if code:
                problems.append(Problem(file_name, code, row=r["source_row"], column=column, value=f"{r['value']:g}",
                                        severity="warning", params=implied_month_params(r["value"], prev, last, unit)))
    return problems[:config.MAX_LISTED_PROBLEMS], max(0, len(problems) - config.MAX_LISTED_PROBLEMS)
