"""Reading actuals files into canonical rows, with every problem located by row and column."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import config, units
from lib.catalog import Catalog
from lib.problems import Problem

CANONICAL_COLUMNS = ["period", "indicator", "value", "region", "unit", "basis", "note"]
REQUIRED_COLUMNS = ["period", "indicator", "value"]
HEADER_ALIASES = {
    "period": ["period", "月份", "期间", "时间", "年月", "统计期"],
    "indicator": ["indicator", "指标", "指标名称", "指标代码"],
    "value": ["value", "数值", "本月数", "当月", "数据"],
    "region": ["region", "地区", "县市区", "区域"],
    "unit": ["unit", "单位", "计量单位"],
    "basis": ["basis", "口径"],
    "note": ["note", "备注", "说明"],
}
BASIS_WORDS = {"": "month", "month": "month", "当月": "month", "本月": "month",
               "ytd": "ytd", "累计": "ytd", "1-n月累计": "ytd"}
# 2021-03, 2021年3月, 2021/3, 2021.03, and dates of the first of the month from Excel
PERIOD_PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]0?1)?(?: 00:00:00)?")
COMPACT_PERIOD_PATTERN = re.compile(r"(\d{4})(\d{2})")
ROW_COLUMNS = ["indicator", "region", "year", "month", "value", "basis", "note", "source_file", "source_row"]


@dataclass
class FileReport:
    """What reading one actuals file gave: its canonical rows or the problems that stop it."""

    file: str
    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that refuse the file."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def accepted(self) -> bool:
        """Return whether the file can be loaded."""
        return not self.errors


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for CSV bytes in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("unknown", data[:1], 0, 1, "neither UTF-8 nor GB18030")


def parse_period(text: str) -> tuple[int, int] | None:
    """Return (year, month) from 2021-03, 2021年3月, 2021/3, 202103 or 2021.03; None if not a month."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = PERIOD_PATTERN.fullmatch(s) or COMPACT_PERIOD_PATTERN.fullmatch(s)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return (year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None


def parse_number(text: str) -> float | None:
    """Return a number from text with thousands separators, full-width digits, % or spaces."""
    s = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "")
    s = s.rstrip("%")
    if s in ("", "-", "nan"):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def canonical_header(name: str) -> str:
    """Return the canonical column a header names, or the header itself."""
    key = unicodedata.normalize("NFKC", str(name)).strip().lower()
    for canonical, words in HEADER_ALIASES.items():
        if key in [w.lower() for w in words]:
            return canonical
    return key


def read_csv_file(path: Path) -> tuple[pd.DataFrame | None, list[Problem], str | None]:
    """Return (all-text frame, problems, encoding) for a CSV file."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, "err_unreadable", params={"detail": exc.strerror or str(exc)})], None
    if len(data) > config.MAX_ACTUALS_FILE_BYTES:
        return None, [Problem(name, "err_too_large", params={
            "size": f"{len(data) / 1e6:.1f} MB", "limit": f"{config.MAX_ACTUALS_FILE_BYTES / 1e6:.0f} MB"})], None
    if not data.strip():
        return None, [Problem(name, "err_empty")], None
    if b"\x00" in data[:4096]:
        return None, [Problem(name, "err_encoding")], None
    try:
        text, encoding = decode_bytes(data)
    except UnicodeDecodeError:
        return None, [Problem(name, "err_encoding")], None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        return None, [Problem(name, "err_unreadable", params={"detail": str(exc).strip()})], encoding
    if frame.empty:
        return None, [Problem(name, "err_empty")], encoding
    return frame, [], encoding


def normalize_long(frame: pd.DataFrame, catalog: Catalog, file_name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Return canonical rows from a long-format frame, converted to each indicator's unit."""
    frame = frame.rename(columns={c: canonical_header(c) for c in frame.columns})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        return _empty_rows(), [Problem(file_name, "err_missing_columns", params={
            "columns": ", ".join(missing), "found": ", ".join(map(str, frame.columns))})]
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for i, raw in enumerate(frame.to_dict("records")):
        line = i + 2  # the header is row 1, as a spreadsheet shows it

        def bad(column: str, code: str, line: int = line, raw: dict = raw, **params: object) -> None:
            problems.append(Problem(file_name, code, row=line, column=column,
                                    value=str(raw.get(column, "")), params=params))

        if all(str(v).strip() == "" for v in raw.values()):
            continue
        before = len(problems)
        period = parse_period(raw["period"])
        if period is None:
            bad("period", "err_period")
        indicator = catalog.resolve_indicator(str(raw["indicator"]))
        if indicator is None:
            hint = catalog.suggest_indicators(str(raw["indicator"]))
            if hint:
                bad("indicator", "err_indicator_hint", names="、".join(hint))
            else:
                bad("indicator", "err_indicator")
        value = parse_number(raw["value"])
        if value is None:
            bad("value", "err_number")
        region = catalog.normalize_region(raw.get("region", ""))
        if region is None:
            bad("region", "err_region", allowed="、".join(["全市", *catalog.region_names()]))
        basis = BASIS_WORDS.get(str(raw.get("basis", "")).strip().lower())
        if basis is None:
            bad("basis", "err_basis")
        if indicator is not None and value is not None:
            target_unit = catalog.indicator(indicator)["unit"]
            unit_text = str(raw.get("unit", "")).strip()
            unit = units.canonical_unit(unit_text)
            if unit is None or (unit and not units.convertible(unit, target_unit)):
                bad("unit", "err_unit", allowed="、".join(units.same_family_units(target_unit)))
            else:
                if unit:
                    value = value * units.factor(unit, target_unit)
                if value < 0:
                    bad("value", "err_negative")
                elif target_unit == "%" and value > 100:
                    bad("value", "err_over_100")
        if len(problems) > before:
            continue
        key = (indicator, region, period)
        if key in seen:
            bad("period", "err_duplicate", other=seen[key])
            continue
        seen[key] = line
        rows.append({
            "indicator": indicator, "region": region, "year": period[0], "month": period[1],
            "value": value, "basis": basis, "note": str(raw.get("note", "")).strip(),
            "source_file": file_name, "source_row": line,
        })
    return pd.DataFrame(rows, columns=ROW_COLUMNS) if rows else _empty_rows(), problems


def _empty_rows() -> pd.DataFrame:
    """Return an empty frame with the canonical row columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ROW_COLUMNS})


def read_actuals_file(path: Path, catalog: Catalog) -> FileReport:
    """Return the report of one actuals file: canonical rows if it is clean, else its problems."""
    frame, problems, encoding = read_csv_file(path)
    if frame is None:
        return FileReport(path.name, _empty_rows(), problems, encoding)
    rows, problems = normalize_long(frame, catalog, path.name)
    if any(p.severity == "error" for p in problems):
        rows = _empty_rows()
    return FileReport(path.name, rows, problems, encoding)


def actuals_files(actuals_dir: Path) -> list[Path]:
    """Return the actuals files in a directory, in the order they are applied (by name)."""
    if not actuals_dir.is_dir():
        return []
    return sorted(p for p in actuals_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() == ".csv")


def load_actuals(actuals_dir: Path, catalog: Catalog) -> tuple[pd.DataFrame, list[FileReport]]:
    """Return (rows of every accepted file with its order, one report per file)."""
    reports = [read_actuals_file(p, catalog) for p in actuals_files(actuals_dir)]
    frames = [r.rows.assign(file_order=i) for i, r in enumerate(reports) if r.accepted and not r.rows.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else _empty_rows().assign(file_order=pd.Series(dtype="int64"))
    return rows, reports
