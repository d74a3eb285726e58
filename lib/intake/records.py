"""The record path: raw records checked one at a time with check_record, for small files (the column path's
set-up costs more than it saves there). It is the reference the column path is held to.
"""

from __future__ import annotations

import pandas as pd

from lib import config
from lib.catalog import Catalog
from lib.intake import checks, crosscheck
from lib.problems import Problem


def normalize(raw: pd.DataFrame, names_by_col: dict[int, dict], catalog: Catalog, file_name: str,
              context: checks.Context | None) -> tuple[pd.DataFrame, list[Problem], int]:
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
        row, found = checks.check_record(rec, headers, catalog, file_name, context)
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
                listed.append(checks.duplicate_problem(file_name, headers, rec["pos"], rec["period"], seen[key][0],
                                                       row["basis"], seen[key][1]))
            else:
                unlisted += 1
            continue
        seen[key] = (rec["pos"] + 1, row["basis"])
        rows.append(row | {"source_file": file_name, "source_row": rec["pos"] + 1})
    unlisted += max(0, len(listed) - limit)
    problems = listed[:limit]
    frame = pd.DataFrame(rows, columns=[*checks.ROW_COLUMNS, "value_col"])
    found, more = crosscheck.within_file(frame, catalog, file_name, names_by_col)
    problems += found
    unlisted += more
    if context is not None:
        found, more = _against_loaded(rows, catalog, file_name, context, names_by_col)
        problems += found
        unlisted += more
    if not rows:
        return checks.empty_rows(), problems, unlisted
    return frame[checks.ROW_COLUMNS], problems, unlisted


def _against_loaded(rows: list[dict], catalog: Catalog, file_name: str, context: checks.Context,
                    names_by_col: dict[int, dict]) -> tuple[list[Problem], int]:
    """Return warnings: revisions of months already loaded, values far from last year's, and year-to-date
    values by the month they imply (the first config.MAX_LISTED_PROBLEMS), and how many more there are."""
    problems = []
    own_ytd = {(r["indicator"], r["region"], r["year"], r["month"]): r["value"] for r in rows if r["basis"] == "ytd"}
    for r in rows:
        key = (r["indicator"], r["region"], r["year"], r["month"])
        at = (file_name, names_by_col, r["source_row"], r["value_col"], r["value"])
        unit = catalog.indicator(r["indicator"])["unit"]
        if key in context.loaded:
            found = checks.revision_check(context, key, r["value"], r["basis"])
            if found:
                problems.append(checks.revision_problem(*at, r["basis"], found, unit, context, key))
        last = context.last_year.get((r["indicator"], r["region"], r["year"] - 1, r["month"]))
        if r["basis"] == "month" and last and last > 0 and r["value"] > 0 \
                and checks.beyond_outlier_factor(r["value"] / last):
            problems.append(checks.outlier_problem(*at, last, unit))
        if r["basis"] == "ytd" and catalog.indicator(r["indicator"])["aggregation"] == "sum":
            before = (r["indicator"], r["region"], r["year"], r["month"] - 1)
            own, loaded = own_ytd.get(before), context.ytd.get(before)
            prev = 0.0 if r["month"] == 1 else (own if own is not None else loaded)
            from_file = own is not None or r["month"] == 1
            if checks.implied_month_check(r["value"], prev, last, from_file):
                problems.append(checks.implied_month_problem(*at, prev, last, unit, from_file))
    return problems[:config.MAX_LISTED_PROBLEMS], max(0, len(problems) - config.MAX_LISTED_PROBLEMS)
