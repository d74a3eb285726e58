"""Context kept: the figures a plan quotes for the country or the province (全国快递业务量1320亿件), published with
the plan into data/plan_context.csv and shown beside the matching target on its indicator page.

plan_context.csv: year, scope (全国, 全省…), name_zh, value, unit, growth_pct, target_id (the target it stands beside,
'' when none matches), source_item, source_text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from lib import units
from lib.datafiles import read_file
from lib.plan.candidates import CONTEXT_START, CSV_ENCODING
from lib.plan.draft import REASON_COLUMN, TAKEN_COLUMN, is_taken, reason_code
from lib.plan.matching import similarity

CONTEXT_FILE = "plan_context.csv"
CONTEXT_COLUMNS = ["year", "scope", "name_zh", "value", "unit", "growth_pct", "target_id", "source_item",
                   "source_text"]
SAME_TARGET = 0.75


def _unscoped(name: str) -> str:
    """Return a context figure's name without its year and scope: 2021年全国快递业务量 → 快递业务量."""
    found = CONTEXT_START.match(name)
    return re.sub(r"^(?:完成|达到|达)", "", name[found.end():] if found else name)


def matching_target(name: str, unit: str, targets: pd.DataFrame) -> str:
    """Return the id of the target a context figure stands beside (快递业务量 for 全国快递业务量), '' when none."""
    best, best_id = 0.0, ""
    for row in targets.to_dict("records"):
        if unit and row.get("unit") and not (unit == row["unit"] or units.convertible(unit, row["unit"])):
            continue
        score = similarity(_unscoped(name), row.get("name_zh", ""))
        if score > best:
            best, best_id = score, row["id"]
    return best_id if best >= SAME_TARGET else ""


def context_frame(draft: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Return the context figures of a reviewed draft (rows not taken whose reason is context), each with the target
    of the same year it stands beside."""
    rows = []
    for row in draft.fillna("").astype(str).to_dict("records"):
        if is_taken(row.get(TAKEN_COLUMN, "")) or reason_code(row.get(REASON_COLUMN, "")) != "context":
            continue
        scope = re.split(r"[：:]", row[REASON_COLUMN], maxsplit=1)[-1].strip()
        same_year = targets[targets["year"].astype(str) == row["year"]] if "year" in targets else targets
        rows.append({"year": row["year"], "scope": scope, "name_zh": row["name_zh"], "value": row["target_value"],
                     "unit": row["unit"], "growth_pct": row["growth_target_pct"],
                     "target_id": matching_target(row["name_zh"], row["unit"], same_year),
                     "source_item": row["source_item"], "source_text": row["source_text"]})
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


def load_context(data_dir: Path) -> pd.DataFrame:
    """Return data_dir/plan_context.csv as text cells (no rows when there is none); raise DataFolderError."""
    frame = read_file(Path(data_dir), CONTEXT_FILE)
    return frame.reindex(columns=CONTEXT_COLUMNS).fillna("")


def context_csv_bytes(data_dir: Path, year: int, frame: pd.DataFrame) -> bytes:
    """Return plan_context.csv with this year's figures in place of the year's earlier ones."""
    kept = load_context(data_dir)
    kept = kept[kept["year"] != str(year)]
    out = pd.concat([kept, frame], ignore_index=True).reindex(columns=CONTEXT_COLUMNS).fillna("")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode(CSV_ENCODING)


def context_for(data_dir: Path, year: int, target_id: str) -> list[dict]:
    """Return the context figures a year's plan quotes beside one target (全国 1320亿件 beside 快递业务量)."""
    frame = load_context(data_dir)
    chosen = frame[(frame["year"] == str(year)) & (frame["target_id"] == target_id)]
    return chosen.to_dict("records")
