"""Work-plan progress: each item's monthly status and narrative, read and checked like actuals."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from lib import config, intake, store
from lib.access import Action, Principal, require
from lib.dataset import progress_files, progress_source
from lib.intake import Parsed, clean, parse_period, read_grid
from lib.intake.guard import Refused
from lib.problems import Problem
from lib.safety import clean_name, neutralise_frame

STATUSES = ("behind", "not_started", "in_progress", "done")  # worst first: the tracker's order
STATUS_WORDS = {
    "未启动": "not_started", "not_started": "not_started", "not started": "not_started",
    "推进中": "in_progress", "进行中": "in_progress", "in_progress": "in_progress", "in progress": "in_progress",
    "已完成": "done", "完成": "done", "done": "done",
    "滞后": "behind", "behind": "behind",
}
HEADER_WORDS = {
    "period": ["period", "月份", "期间", "年月"],
    "item": ["item", "事项", "事项编号", "编号", "任务", "key"],
    "status": ["status", "状态", "进度状态"],
    "narrative": ["narrative", "进展", "进展情况", "工作进展", "说明"],
    "completion_date": ["completion_date", "完成时间", "完成日期"],
}
ROW_COLUMNS = ["key", "year", "month", "status", "narrative", "completion_date", "source_file", "source_row"]
CANONICAL_COLUMNS = ["period", "item", "status", "narrative", "completion_date"]
MAX_NARRATIVE = 500
ITEM_FORMS = [
    (re.compile(r"^(key_work|work_item|livelihood):(\d+)$"), None),
    (re.compile(r"^(?:民生)?实事\s*(\d+)$"), "livelihood"),
    (re.compile(r"^重点(?:工作)?\s*(\d+)$"), "key_work"),
    (re.compile(r"^(?:工作)?要点\s*(\d+)$"), "work_item"),
    (re.compile(r"^(\d+)$"), "work_item"),
]


def resolve_item(text: str, keys: set[str]) -> str | None:
    """Return the task key an item reference means (45, 工作要点45, 实事12, 重点工作3, work_item:45)."""
    s = clean(text).replace(" ", "")
    for pattern, list_type in ITEM_FORMS:
        m = pattern.match(s)
        if m:
            key = f"{m.group(1)}:{int(m.group(2))}" if list_type is None else f"{list_type}:{int(m.group(1))}"
            return key if key in keys else None
    return None


def parse_date(text: str) -> dt.date | None:
    """Return a date from 2021-05-03, 2021/5/3, 2021年5月3日 or 20210503; None if not a date."""
    s = clean(text)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+00:00:00)?", s) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_progress(name: str, data: bytes, tasks: pd.DataFrame, today: dt.date | None = None,
                   sheet: str | None = None) -> Parsed:
    """Return progress rows read from a CSV/XLSX file, or every problem found in it."""
    today, name = today or dt.date.today(), clean_name(name)
    read = _read(name, data, sheet)
    if isinstance(read, Parsed):
        return read
    grid, encoding, sheets = read
    header_at, columns = _header(grid)
    if header_at is None:
        return Parsed(name, _empty(), [Problem(name, "err_progress_header")], encoding=encoding, sheets=sheets)
    keys = set(tasks["key"])
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for n, row in enumerate(grid[header_at + 1:], start=header_at + 2):
        cells = {c: (row[i] if i < len(row) else "") for c, i in columns.items()}
        if not any(clean(v) for v in cells.values()):
            continue
        bad = _naming(problems, name, n, cells, grid[header_at], columns)
        before = len(problems)
        record = _record(cells, keys, today, bad)
        if len(problems) > before:
            continue
        if (record["key"], record["period"]) in seen:
            bad("item", "err_duplicate", other=seen[(record["key"], record["period"])])
            continue
        seen[(record["key"], record["period"])] = n
        year, month = record.pop("period")
        rows.append({**record, "year": year, "month": month, "source_file": name, "source_row": n})
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS) if rows and not problems else _empty()
    if not rows and not problems:
        problems.append(Problem(name, "err_empty"))
    return Parsed(name, frame, problems, "progress", encoding, sheets)


def _read(name: str, data: bytes, sheet: str | None) -> tuple[list[list[str]], str, list] | Parsed:
    """Return the file's cells (grid, encoding, sheets), or the refusal of a file that is empty, too large or
    unreadable."""
    if not data or data.isspace():
        return Parsed(name, _empty(), [Problem(name, "err_empty")])
    if len(data) > config.MAX_ACTUALS_FILE_BYTES:
        return Parsed(name, _empty(), [Problem(name, "err_too_large", params={
            "size": f"{len(data) / 1e6:.1f} MB", "limit": f"{config.MAX_ACTUALS_FILE_BYTES / 1e6:.0f} MB"})])
    try:
        return read_grid(name, data, sheet)
    except Refused as refused:  # a limit or a reader's refusal, in words
        return Parsed(name, _empty(), [Problem(name, refused.code, sheet=refused.sheet or None,
                                               params={"cell": refused.cell or "", **refused.params})])
    except UnicodeDecodeError:
        return Parsed(name, _empty(), [Problem(name, "err_encoding")])
    except ValueError as exc:
        return Parsed(name, _empty(), [Problem(name, "err_unreadable", params={"detail": str(exc)[:200]})])


def _naming(problems: list[Problem], name: str, n: int, cells: dict, header: list[str], columns: dict[str, int]):
    """Return bad(column, code, **params): names a problem of row n's cell under its header text."""
    def bad(column: str, code: str, **params: object) -> None:
        problems.append(Problem(name, code, row=n, column=header[columns[column]] if column in columns else column,
                                value=clean(cells.get(column, "")), params=params))
    return bad


def _record(cells: dict, keys: set[str], today: dt.date, bad) -> dict:
    """Return one row's reading (key, period, status, narrative, completion date), naming each cell that is wrong
    through bad: a period not read or in the future, an unknown item or status, a narrative too long, a completion
    date not read or in the future."""
    period = parse_period(cells["period"])
    if period is None:
        bad("period", "err_period")
    elif period > (today.year, today.month):
        bad("period", "err_future")
    key = resolve_item(cells["item"], keys)
    if key is None:
        bad("item", "err_item")
    status = STATUS_WORDS.get(clean(cells["status"]).lower())
    if status is None:
        bad("status", "err_status")
    narrative = str(cells.get("narrative", "")).strip()
    if len(narrative) > MAX_NARRATIVE:
        bad("narrative", "err_narrative_long", limit=MAX_NARRATIVE)
    done_text = clean(cells.get("completion_date", ""))
    done = parse_date(done_text) if done_text else None
    if done_text and done is None:
        bad("completion_date", "err_date")
    elif done is not None and done > today:
        bad("completion_date", "err_date_future")
    return {"key": key, "period": period, "status": status, "narrative": narrative,
            "completion_date": done.isoformat() if done else ""}


def _header(grid: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    """Return the header row and the column of each field, or (None, {})."""
    for i, row in enumerate(grid[: intake.HEADER_SCAN_ROWS]):
        columns = {}
        for j, cell in enumerate(row):
            key = clean(cell).lower()
            for field, words in HEADER_WORDS.items():
                if key in (w.lower() for w in words) and field not in columns:
                    columns[field] = j
        if {"period", "item", "status"} <= set(columns):
            return i, columns
    return None, {}


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def canonical_csv(rows: pd.DataFrame) -> bytes:
    """Return progress rows as canonical UTF-8 CSV."""
    out = pd.DataFrame({
        "period": [f"{int(y)}-{int(m):02d}" for y, m in zip(rows["year"], rows["month"])],
        "item": rows["key"], "status": rows["status"], "narrative": rows["narrative"],
        "completion_date": rows["completion_date"],
    })
    return neutralise_frame(out).to_csv(index=False).encode("utf-8")


def import_progress(data_dir: Path, name: str, data: bytes, tasks: pd.DataFrame, by: Principal,
                    sheet: str | None = None, today: dt.date | None = None,
                    now: dt.datetime | None = None) -> store.Outcome:
    """Validate a progress file and store it all or nothing, with the same log, lock and rollback as actuals; raise
    store.NotPermitted, before anything is read, when the principal may not store (lib/access.py)."""
    require(by, Action.STORE, store.NotPermitted)
    data_dir = Path(data_dir)
    original = store.safe_name(name)
    now = now or dt.datetime.now().replace(microsecond=0)
    with store.locked(data_dir):
        parsed = parse_progress(original, data, tasks, today, sheet)
        if not parsed.accepted:
            return store.Outcome(parsed, rejected_file=store.keep_rejected(data_dir, original, data, parsed, by, now))
        return store.store_accepted(data_dir, store.PROGRESS, original, data, canonical_csv(parsed.rows), parsed,
                                    by, now)


def editor_csv(frame: pd.DataFrame, year: int, month: int) -> bytes:
    """Return the rows of the in-page editor as a progress CSV (so they go through the same checks)."""
    out = pd.DataFrame({
        "period": f"{year}-{month:02d}", "item": frame["key"], "status": frame["status"],
        "narrative": frame["narrative"].fillna(""),
        "completion_date": [d.isoformat() if isinstance(d, dt.date) else (d or "") for d in frame["completion_date"]],
    })
    return out.to_csv(index=False).encode("utf-8")


def load_progress(data_dir: Path, tasks: pd.DataFrame) -> tuple[pd.DataFrame, list[Parsed]]:
    """Return every stored progress row (later files win per item and month) and the reports of refused files."""
    frames, refused = [], []
    for order, path in enumerate(progress_files(progress_source(Path(data_dir)))):
        parsed = parse_progress(path.name, path.read_bytes(), tasks)
        if parsed.accepted:
            frames.append(parsed.rows.assign(file_order=order))
        else:
            refused.append(parsed)
    if not frames:
        return _empty().assign(file_order=pd.Series(dtype="int64")), refused
    rows = pd.concat(frames, ignore_index=True).sort_values(["key", "year", "month", "file_order"])
    return rows.drop_duplicates(["key", "year", "month"], keep="last").reset_index(drop=True), refused


def latest_status(progress: pd.DataFrame, year: int, as_of: int) -> pd.DataFrame:
    """Return each item's latest status reported up to the as-of month of the year."""
    upto = progress[(progress["year"] == year) & (progress["month"] <= as_of)]
    return upto.sort_values(["month", "file_order"]).groupby("key").tail(1).set_index("key")


def tracker_table(tasks: pd.DataFrame, progress: pd.DataFrame, year: int, as_of: int) -> pd.DataFrame:
    """Return the items with their latest status, worst first (滞后, 未启动, 推进中, 已完成, then not reported)."""
    latest = latest_status(progress, year, as_of)
    table = tasks.copy()
    for column, missing in (("status", "none"), ("narrative", ""), ("completion_date", "")):
        values = latest[column].to_dict()
        table[column] = [values.get(k, missing) for k in table["key"]]
    table["updated_month"] = table["key"].map(latest["month"].to_dict())
    order = {s: i for i, s in enumerate((*STATUSES, "none"))}
    list_order = {"key_work": 0, "work_item": 1, "livelihood": 2}
    table["_o"] = table["status"].map(order)
    table["_l"] = table["list_type"].map(list_order)
    return table.sort_values(["_o", "_l", "number"]).drop(columns=["_o", "_l"]).reset_index(drop=True)


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    """Return how many items have each status (none = not reported yet)."""
    counts = table["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in (*STATUSES, "none")}
