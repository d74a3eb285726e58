"""A reviewed draft of next year's targets: written for Excel, read back as the analyst saved it, checked by
targets.csv's own rules (lib/catalog.py), row problems in the reader's language, and published into targets.csv.

Only the rows marked taken (是) are checked and published; the others are every other figure of the plan with the
reason it is not a target, for the reviewer to flip. The needs_review column is the reviewer's: a note still present
on a taken row is a warning, not an error. published_targets drops the draft's own columns, so targets.csv keeps
exactly its columns. A draft without a taken column (a plain table of targets) is taken whole.
"""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pandas as pd

from lib import config
from lib.catalog import OPTIONAL_COLUMNS, TARGET_COLUMNS, TEXT_COLUMNS, load_regions, targets_from_frame
from lib.fmt import format_target
from lib.i18n import t
from lib.intake import read_grid
from lib.intake.guard import Refused
from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plan.candidates import CSV_ENCODING, format_number
from lib.plan.draft import DRAFT_COLUMNS, NUMBER_COLUMNS, REVIEW_COLUMN, TAKEN_COLUMN, YES, is_taken
from lib.plan.draft_rows import fill_ids
from lib.plan.matching import as_number
from lib.problems import InputError, Problem
from lib.safety import FORMULA_PREFIXES, clean_name, neutralise_cell, neutralise_frame


def draft_csv_bytes(rows: pd.DataFrame) -> bytes:
    """Return the draft as CSV for Excel (UTF-8 with BOM); text cells that would start a formula are neutralised."""
    out = rows.copy()
    for column in out.columns:
        if column not in NUMBER_COLUMNS:
            out[column] = out[column].map(neutralise_cell)
    return out.to_csv(index=False).encode(CSV_ENCODING)


def write_draft(rows: pd.DataFrame, path: str | Path) -> Path:
    """Write the draft CSV (UTF-8 with BOM) in one step; return its path."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(draft_csv_bytes(rows))
    os.replace(partial, path)
    return path


def read_draft(name: str, data: bytes) -> pd.DataFrame:
    """Return a draft as edited by hand or saved back from Excel (CSV in UTF-8, BOM or GBK, or XLSX) as text cells."""
    name = clean_name(name)
    try:
        grid = read_grid(name, data)[0]
    except Refused as refused:  # a limit or a reader's refusal, in words
        raise InputError([Problem(name, refused.code, params={"cell": refused.cell or "", **refused.params})]) \
            from None
    except (UnicodeDecodeError, ValueError) as exc:
        code = "err_encoding" if isinstance(exc, UnicodeDecodeError) else "err_unreadable"
        raise InputError([Problem(name, code, params={"detail": str(exc)})]) from exc
    grid = [row for row in grid if any(cell.strip() for cell in row)]
    if not grid:
        raise InputError([Problem(name, "err_empty")])
    header = [cell.strip().lstrip("\ufeff") for cell in grid[0]]
    missing = [c for c in TARGET_COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if missing:
        raise InputError([Problem(name, "err_missing_columns", params={
            "columns": ", ".join(missing), "found": ", ".join(header)})])
    records = [{column: _cell(row[i] if i < len(row) else "", column) for i, column in enumerate(header)
                if column in DRAFT_COLUMNS} for row in grid[1:]]
    frame = pd.DataFrame(records, columns=DRAFT_COLUMNS, dtype=object).fillna("").astype(str)
    if TAKEN_COLUMN not in header:
        frame[TAKEN_COLUMN] = YES
    return frame


def taken_only(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Return the rows marked taken (all of them when there is no taken column) and their positions in the draft; a
    taken row without an id (a figure the reviewer flipped to taken) gets a readable one from its name."""
    if TAKEN_COLUMN not in frame.columns:
        chosen, positions = frame.reset_index(drop=True), list(range(len(frame)))
    else:
        positions = [i for i, cell in enumerate(frame[TAKEN_COLUMN]) if is_taken(cell)]
        chosen = frame.iloc[positions].reset_index(drop=True)
    if "id" not in chosen.columns or not (chosen["id"].fillna("").astype(str).str.strip() == "").any():
        return chosen, positions
    others = {str(i) for i in frame["id"].fillna("")} - {""}
    filled = fill_ids([{**row, "id": row["id"] if str(row["id"]).strip() else ""}
                       for row in chosen.to_dict("records")], others)
    return pd.DataFrame(filled, columns=chosen.columns), positions


def _cell(text: str, column: str) -> str:
    """Return a cell as the draft means it: trimmed, a neutralising apostrophe removed, Excel's 2022.0 and 1,200 as
    2022 and 1200."""
    text = str(text).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    if column in NUMBER_COLUMNS and text:
        plain = text.replace(",", "").replace("，", "")
        number = as_number(plain)
        if number is not None:
            text = format_number(number)
    return text


def _year(text: str) -> str:
    number = as_number(text)
    return format_number(number) if number is not None else ""


def _other_years(existing_targets: pd.DataFrame, draft: pd.DataFrame) -> pd.DataFrame:
    """Return targets.csv's rows (as text, original index) that the draft does not replace: other years, indicators."""
    existing = existing_targets.reindex(columns=TARGET_COLUMNS).fillna("").astype(str)
    years = {_year(y) for y in draft["year"]} - {""}
    return existing[~existing["year"].map(_year).isin(years)]


def validate_draft(frame: pd.DataFrame, existing_targets: pd.DataFrame, regions: pd.DataFrame | None = None,
                   name: str = "draft.csv") -> list[Problem]:
    """Return the draft's problems by targets.csv's own rules (the draft in place of its years' rows), rows numbered
    as in the draft file, in Chinese; a needs_review note still present is a warning."""
    if missing := [c for c in TARGET_COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS]:
        return [Problem(name, "err_missing_columns", params={"columns": ", ".join(missing),
                                                              "found": ", ".join(map(str, frame.columns))})]
    chosen, positions = taken_only(frame)
    draft = chosen.reindex(columns=TARGET_COLUMNS).fillna("").astype(str).reset_index(drop=True)
    kept = _other_years(existing_targets, draft)
    combined = pd.concat([draft, kept], ignore_index=True)
    if regions is None:
        regions = load_regions(config.data_dir() / "regions.csv")
    problems: list[Problem] = []
    try:
        targets_from_frame(combined, name, regions)
    except InputError as exc:
        for problem in exc.problems:
            at = (problem.row or 2) - 2
            in_targets = problem.row is not None and at >= len(draft)  # a kept row of targets.csv
            row = kept.index[at - len(draft)] + 2 if in_targets else \
                positions[at] + 2 if problem.row is not None else None  # the row as numbered in the draft file
            problems.append(dataclasses.replace(problem, file="targets.csv" if in_targets else name, row=row))
    if REVIEW_COLUMN in chosen.columns:
        for at, note in zip(positions, chosen[REVIEW_COLUMN].fillna("").astype(str), strict=True):
            if note.strip():
                problems.append(Problem(name, "draft_needs_review", row=at + 2, column=REVIEW_COLUMN, value=note,
                                        params={"note": note}, severity="warning"))
    return problems


def is_publishable(problems: list[Problem]) -> bool:
    """Return whether a draft may go into targets.csv: no errors (review notes left are warnings)."""
    return not any(p.severity == "error" for p in problems)


def published_targets(existing_targets: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Return targets.csv with the draft's taken rows in place of its years' rows, without the draft's own columns."""
    draft = taken_only(frame)[0].reindex(columns=TARGET_COLUMNS).fillna("").astype(str)
    return pd.concat([_other_years(existing_targets, draft), draft], ignore_index=True)


def targets_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return targets.csv as written in the repository (UTF-8, no BOM)."""
    buffer = io.StringIO()
    neutralise_frame(frame[TARGET_COLUMNS], TEXT_COLUMNS).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def previous_targets(frame: pd.DataFrame, existing_targets: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Return, for each draft row, the same target in its latest earlier year as a leader asks for it
    (2021: 24亿件 +15%; 2021: 不低于上年), '' for a target new this year."""
    earlier: dict[str, list[dict]] = {}
    existing = existing_targets.reindex(columns=TARGET_COLUMNS).fillna("").astype(str)
    for row in existing.to_dict("records"):
        if KINDS.get(row["kind"], UNKNOWN_KIND).is_target and _year(row["year"]):
            earlier.setdefault(row["id"], []).append(row)
    out = []
    for row in frame.fillna("").astype(str).to_dict("records"):
        year = _year(row.get("year", ""))
        before = [r for r in earlier.get(row["id"], []) if year and int(_year(r["year"])) < int(year)]
        if not before:
            out.append("")
            continue
        last = max(before, key=lambda r: int(_year(r["year"])))
        kind = KINDS.get(last["kind"], UNKNOWN_KIND)
        value = as_number(last["target_value"])
        if kind.target_is_last_year:
            text = t("not_below_target", lang)
        elif kind.target_is_zero:
            text = t("zero_target", lang)
        else:
            text = format_target(value, last["unit"], lang) if value is not None else ""
        growth = as_number(last["growth_target_pct"])
        if growth is not None:
            text = f"{text} {'+' if growth >= 0 else ''}{format_number(growth)}%".strip()
        out.append(f"{_year(last['year'])}: {text}")
    return out
