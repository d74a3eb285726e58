"""The definitions the dashboard works from: targets, the indicators they measure, regions."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import config, units
from lib.datafiles import DataFolderError, read_file
from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plans import HEADLINE_CATEGORY, city_names, empty_plans, load_plans
from lib.problems import InputError, Problem
from lib.safety import clean_control, restore_frame

TARGET_COLUMNS = [
    "id", "year", "indicator", "name_zh", "name_en", "category", "lead_departments", "unit",
    "target_value", "stretch_value", "comparator", "kind", "aggregation", "growth_target_pct",
    "baseline_year", "region", "numerator", "denominator", "source_section", "source_item",
    "source_text", "headline",
]
OPTIONAL_COLUMNS = ("headline",)  # older targets.csv files have no headline column: read as blank
NUMBER_COLUMNS = ("year", "target_value", "stretch_value", "growth_target_pct", "baseline_year", "headline")
TEXT_COLUMNS = [c for c in TARGET_COLUMNS if c not in NUMBER_COLUMNS]  # neutralised when written (lib/safety.py)
COMPARATORS = {"≥", ">", "≤", "=", ">=", "<="}
AGGREGATIONS = {"sum", "latest"}
# What an actuals file may call the whole city; the city's own names (无锡市, 无锡) come from plans.csv.
CITY_NAMES = {"", "全市", "合计", "全市合计", "city", "total"}
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
YEARS = (1901, 2199)  # a plan's year and its baseline year lie within these
MAX_GROWTH_PCT = 1000.0  # a growth target beyond +1000% is a typing mistake, not a plan


@dataclass
class Catalog:
    """Targets (one row per target and year), indicators (one row per measured series), regions, plan records."""

    targets: pd.DataFrame
    indicators: pd.DataFrame
    regions: pd.DataFrame
    plans: pd.DataFrame = field(default_factory=empty_plans)
    aliases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["indicator", "alias"]))
    # Answers worked out once from the frames, which nobody changes once loaded (every page asks on every rerun).
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def years(self) -> list[int]:
        """Return the years that have targets, ascending."""
        if "years" not in self.memo:
            self.memo["years"] = tuple(sorted(int(y) for y in self.targets["year"].dropna().unique()))
        return list(self.memo["years"])

    def require_year(self, year: int | None) -> None:
        """Raise DataFolderError when targets.csv has no targets for a year (naming the years it has)."""
        if year not in self.years():
            raise DataFolderError([Problem("targets.csv", "folder_year_without_targets", params={
                "year": year, "years": "、".join(str(y) for y in self.years()) or "—"})])

    def targets_for(self, year: int) -> pd.DataFrame:
        """Return the targets of one year in file order."""
        return self.targets[self.targets["year"] == year].reset_index(drop=True)

    def indicator(self, indicator_id: str) -> dict:
        """Return the definition of one indicator (name_zh, name_en, unit, aggregation, category, additive)."""
        if not hasattr(self, "_definitions"):
            self._definitions = self.indicators.to_dict("index")
        return self._definitions[indicator_id]

    def resolve_indicator(self, text: str) -> str | None:
        """Return the indicator id named by an id or a Chinese/English name, None if unknown."""
        if not hasattr(self, "_resolved"):
            self._resolved: dict[str, str | None] = {}
        if text not in self._resolved:  # files repeat the same few names on every row
            self._resolved[text] = self._name_index().get(_name_key(text))
        return self._resolved[text]

    def misspells_indicator(self, text: str) -> bool:
        """Return whether an unknown name reads as a misspelling of a known one rather than another indicator: one
        character replaced, added or removed (快递业务亮), part of a known name (快递业务), or no longer than a known
        name and much like it (快递件量 for 快递业务量). A statistics office's other lines are longer, more specific
        names (邮政行业寄递业务量 beside 邮政行业业务总量, 同城快递业务量): kept aside, not refused."""
        key = _name_key(text)
        close = difflib.get_close_matches(key, list(self._name_index()), n=12, cutoff=0.4)
        return any(_one_edit_apart(key, known) or (len(key) >= 2 and key in known)
                   or (len(key) <= len(known) and difflib.SequenceMatcher(None, key, known).ratio() >= 0.6)
                   for known in close)

    def suggest_indicators(self, text: str, limit: int = 3) -> list[str]:
        """Return the indicator names closest to a mistyped one."""
        names = list(self._name_index())
        close = difflib.get_close_matches(_name_key(text), names, n=limit * 3, cutoff=0.4)  # aliases name one twice
        out: list[str] = []
        for key in close:
            ind = self._name_index()[key]
            label = f"{self.indicators.loc[ind, 'name_zh']} ({ind})"
            if label not in out:
                out.append(label)
        return out[:limit]

    def _name_index(self) -> dict[str, str]:
        if not hasattr(self, "_names"):
            index: dict[str, str] = {}
            for ind, row in self.indicators.iterrows():
                for name in (ind, row["name_zh"], row["name_en"]):
                    index.setdefault(_name_key(name), ind)
            for _, row in self.targets.iterrows():
                if not row["region"]:
                    index.setdefault(_name_key(row["name_zh"]), row["indicator"])
            for indicator, alias in zip(self.aliases["indicator"], self.aliases["alias"], strict=True):
                if indicator in self.indicators.index:  # other names, as data (邮政行业业务总量)
                    index.setdefault(_name_key(alias), indicator)
            self._names = index
        return self._names

    def normalize_region(self, text: object) -> str | None:
        """Return the canonical region name ('' for the whole city), None if unknown."""
        name = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text).strip()
        if name.lower() in CITY_NAMES or name.lower() in self.city_names():
            return ""
        if not hasattr(self, "_regions"):
            self._regions = {alias: region for region, row in self.regions.iterrows()
                             for alias in (region, *row["aliases"])}
        return self._regions.get(name)

    def city_names(self) -> set[str]:
        """Return the city's own names, from the plan records (无锡市, 无锡, wuxi)."""
        if not hasattr(self, "_city_names"):
            self._city_names = city_names(self.plans)
        return self._city_names

    def region_names(self) -> list[str]:
        """Return the known region names."""
        return list(self.regions.index)


def _name_key(text: object) -> str:
    """Return a name normalised for matching: no spaces or quotes, lower case."""
    return re.sub(r"[\s“”\"'（）()]", "", str(text)).lower()


def load_catalog(data_dir: Path) -> Catalog:
    """Return the catalog read from data_dir/targets.csv, regions.csv and plans.csv; raise InputError."""
    regions = load_regions(Path(data_dir) / "regions.csv")
    targets, indicators = load_targets(Path(data_dir) / "targets.csv", regions)
    return Catalog(targets=targets, indicators=indicators, regions=regions, plans=load_plans(data_dir),
                   aliases=load_aliases(Path(data_dir) / "aliases.csv"))


def headline_ids(catalog: Catalog, year: int) -> list[str]:
    """Return the ids of a year's headline targets in their headline order (targets.csv's headline column; a file
    without it: the targets of the headline category, in file order)."""
    targets = catalog.targets_for(year)
    ordered = targets[targets["headline"].notna()].sort_values("headline", kind="stable")
    if not ordered.empty:
        return ordered["id"].tolist()
    return targets.loc[targets["category"] == HEADLINE_CATEGORY, "id"].tolist()


def load_aliases(path: Path) -> pd.DataFrame:
    """Return an indicator's other names (aliases.csv: indicator, alias); an absent file gives none; raise
    DataFolderError when it is no such file."""
    frame = read_file(Path(path).parent, "aliases.csv")
    return frame.reindex(columns=["indicator", "alias"]).fillna("")


def load_regions(path: Path) -> pd.DataFrame:
    """Return regions indexed by name with parent and alias list; an absent file gives none; raise DataFolderError
    when it is no such file."""
    frame = read_file(Path(path).parent, "regions.csv").reindex(columns=["region", "name_en", "parent", "aliases"])
    frame["aliases"] = frame["aliases"].map(lambda s: [a.strip() for a in s.split("|") if a.strip()])
    return frame.set_index("region")


def load_targets(path: Path, regions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (targets, indicators) from targets.csv, or raise InputError listing every problem (DataFolderError
    when the file is missing, empty, header-only or no CSV)."""
    raw = restore_frame(read_file(Path(path).parent, "targets.csv"))
    return targets_from_frame(raw, Path(path).name, regions)


def targets_from_frame(raw: pd.DataFrame, name: str, regions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (targets, indicators) from targets.csv's rows read as text, or raise InputError listing every problem."""
    rows = _Rows(_readable(raw, name), name)
    # (to_dict, not iterrows: iterrows costs ~1 ms a row)
    records = [_record(rows, i, row, regions) for i, row in enumerate(rows.raw.to_dict("records"))]
    frame = pd.DataFrame(records, columns=TARGET_COLUMNS)
    is_target = frame["kind"].map(lambda name: KINDS.get(name, UNKNOWN_KIND).is_target).astype(bool)
    _check_unique(rows, frame, is_target)
    indicators = _indicator_table(frame)
    _check_references(rows, frame, indicators)
    if rows.problems:
        raise InputError(rows.problems)
    targets = frame[is_target].reset_index(drop=True)
    targets["region"] = targets["region"].fillna("")
    targets["year"] = targets["year"].astype(int)
    return targets, indicators


class _Rows:
    """targets.csv's rows read as text, and the problems found in them, each named at its row and column."""

    def __init__(self, raw: pd.DataFrame, name: str):
        self.raw, self.name, self.problems = raw, name, []

    def bad(self, i: int, column: str, code: str, **params: object) -> None:
        """Name a problem of row i's column: a text key (targets_*) and its parameters; the cell is its value."""
        self.problems.append(Problem(self.name, code, row=i + 2, column=column, value=self.raw.at[i, column],
                                     params=params))

    def number(self, row: dict, i: int, column: str) -> float | None:
        """Return a cell as a number, None when blank; a cell that is not a number is a problem."""
        text = row[column]
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            self.bad(i, column, "targets_not_a_number")
            return None


def _readable(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the rows with every column (optional ones blank) and no control character; raise InputError naming
    the columns that are missing."""
    missing = [c for c in TARGET_COLUMNS if c not in raw.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise InputError([Problem(name, "err_missing_columns", params={
            "columns": ", ".join(missing), "found": ", ".join(raw.columns)})])
    return raw.reindex(columns=[*raw.columns, *(c for c in OPTIONAL_COLUMNS if c not in raw.columns)],
                       fill_value="").map(lambda text: clean_control(str(text)).strip())


def _record(rows: _Rows, i: int, row: dict, regions: pd.DataFrame) -> dict:
    """Return one row of targets.csv as a record (numbers, canonical unit and comparator, departments as a list),
    naming the problems of its cells and of its kind's rules."""
    rec = dict(row)
    if not _ID_PATTERN.match(row["id"]):
        rows.bad(i, "id", "targets_bad_id")
    kind = KINDS.get(row["kind"], UNKNOWN_KIND)
    if row["kind"] not in KINDS:
        rows.bad(i, "kind", "targets_bad_kind", known=", ".join(sorted(KINDS)))
    if row["aggregation"] not in AGGREGATIONS:
        rows.bad(i, "aggregation", "targets_bad_aggregation")
    if units.canonical_unit(row["unit"]) in (None, ""):
        rows.bad(i, "unit", "targets_bad_unit", known=", ".join(units.UNITS))
    rec["indicator"] = row["indicator"] or row["id"]
    rec["comparator"] = {">=": "≥", "<=": "≤"}.get(row["comparator"], row["comparator"])
    for col in ("target_value", "stretch_value", "growth_target_pct"):
        rec[col] = rows.number(row, i, col)
    for col in ("year", "baseline_year"):
        value = rows.number(row, i, col)
        rec[col] = int(value) if value is not None and math.isfinite(value) else None
        if value is not None and not math.isfinite(value):
            rows.problems.append(Problem(rows.name, "target_not_finite", row=i + 2, column=col, value=row[col]))
    rec["headline"] = rows.number(row, i, "headline")
    if rec["headline"] is not None and (not math.isfinite(rec["headline"]) or rec["headline"] < 1
                                        or rec["headline"] != int(rec["headline"])):
        rows.bad(i, "headline", "targets_bad_headline")
    elif rec["headline"] is not None and not kind.is_target:
        rows.bad(i, "headline", "targets_headline_not_target")
    if kind.is_target:
        _check_target(rows, i, rec, kind)
    rows.problems.extend(_value_problems(rows.name, i, rec, kind, row))
    if row["region"] and row["region"] not in regions.index:
        if len(regions.index):
            rows.bad(i, "region", "targets_bad_region", known=", ".join(regions.index))
        else:
            rows.bad(i, "region", "targets_no_regions")
    rec["lead_departments"] = [d.strip() for d in re.split(r"[、,，;；|]", row["lead_departments"]) if d.strip()]
    rec["unit"] = units.canonical_unit(row["unit"]) or row["unit"]
    return rec


def _check_target(rows: _Rows, i: int, rec: dict, kind) -> None:
    """Name what a target's row lacks by its kind's rules: a year, a comparator, a target value (or a growth target
    that sets it), a baseline year before the target year where a growth or the kind needs one."""
    if rec["year"] is None and not rows.raw.at[i, "year"]:  # a year that is not a number is named as such
        rows.bad(i, "year", "targets_no_year")
    if rec["comparator"] not in COMPARATORS:
        rows.bad(i, "comparator", "targets_bad_comparator")
    if kind.target_value_required and rec["target_value"] is None \
            and not (kind.growth_target_sets_target and rec["growth_target_pct"] is not None):
        rows.bad(i, "target_value", "targets_no_target_value")
    if rec["growth_target_pct"] is not None and rec["baseline_year"] is None:
        rows.bad(i, "baseline_year", "targets_growth_needs_baseline")
    if kind.baseline_year_required and rec["baseline_year"] is None:
        rows.bad(i, "baseline_year", "targets_not_below_needs_baseline")
    if rec["baseline_year"] is not None and rec["year"] is not None and rec["baseline_year"] >= rec["year"]:
        rows.bad(i, "baseline_year", "targets_baseline_after_year")


def _check_unique(rows: _Rows, frame: pd.DataFrame, is_target: pd.Series) -> None:
    """Name a target id twice in a year, a headline order twice in a year, an indicator defined twice."""
    keyed = frame[is_target]
    for i in keyed[keyed.duplicated(["id", "year"], keep="first")].index:
        rows.bad(i, "id", "targets_duplicate_id")
    ranked = keyed[keyed["headline"].notna()]
    for i in ranked[ranked.duplicated(["year", "headline"], keep="first")].index:
        rows.bad(i, "headline", "targets_duplicate_headline")
    ind_ids = frame[~is_target]["id"]
    for i in ind_ids[ind_ids.duplicated()].index:
        rows.bad(i, "id", "targets_duplicate_indicator")


def _check_references(rows: _Rows, frame: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """Name a reference to an indicator targets.csv does not define, a ratio with one part, and (when nothing else
    is wrong) a target whose unit is not its indicator's."""
    for i, row in zip(frame.index, frame.to_dict("records"), strict=True):
        for col in ("indicator", "numerator", "denominator"):
            ref = row[col]
            if ref and ref not in indicators.index:
                rows.bad(i, col, "targets_undefined_reference")
        if bool(row["numerator"]) != bool(row["denominator"]):
            rows.bad(i, "denominator", "targets_numerator_denominator")
        if row["indicator"] in indicators.index and not rows.problems \
                and units.canonical_unit(indicators.at[row["indicator"], "unit"]) != row["unit"]:
            rows.bad(i, "unit", "targets_unit_differs", indicator=row["indicator"])


def _value_problems(name: str, i: int, rec: dict, kind, row: dict) -> list[Problem]:
    """Return the problems of a row's numbers: targets finite, not negative, above zero where the kind divides by
    them, within the plausible range of the unit (config.VALUE_CEILING); growth above −100% and finite; years
    plausible. The engine never meets a target it would divide by zero."""
    found = []

    def refuse(column: str, code: str, **params: object) -> None:
        found.append(Problem(name, code, row=i + 2, column=column, value=row[column], params=params))

    unit = units.canonical_unit(row["unit"])
    family, factor = units.UNITS.get(unit, (None, 1.0))
    ceiling = config.VALUE_CEILING.get(family, math.inf) / factor
    for column in ("target_value", "stretch_value"):
        value = rec[column]
        if value is None:
            continue
        if not math.isfinite(value):
            refuse(column, "target_not_finite")
        elif value < 0:
            refuse(column, "target_negative")
        elif value == 0 and column == "target_value" and kind.target_divides:
            refuse(column, "target_zero", kind=row["kind"])
        elif value > ceiling:
            refuse(column, "target_beyond_unit", ceiling=f"{ceiling:,.0f}", unit=unit)
    growth = rec["growth_target_pct"]
    if growth is not None and not math.isfinite(growth):
        refuse("growth_target_pct", "target_not_finite")
    elif growth is not None and growth <= -100:
        refuse("growth_target_pct", "growth_not_above_minus_100")
    elif growth is not None and growth > MAX_GROWTH_PCT:
        refuse("growth_target_pct", "growth_beyond_range", limit=f"{MAX_GROWTH_PCT:,.0f}")
    for column in ("year", "baseline_year"):
        if rec[column] is not None and not YEARS[0] <= rec[column] <= YEARS[1]:
            refuse(column, "target_year_implausible", first=YEARS[0], last=YEARS[1])
    return found


def _indicator_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return one definition per indicator: its indicator row, or its latest target row."""
    rows = {}
    for row in frame.sort_values("year", na_position="first").to_dict("records"):
        if not KINDS.get(row["kind"], UNKNOWN_KIND).is_target or row["indicator"] == row["id"]:
            rows[row["id"]] = {
                "name_zh": row["name_zh"], "name_en": row["name_en"], "unit": row["unit"],
                "aggregation": row["aggregation"], "category": row["category"],
            }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "indicator"
    table["additive"] = table["unit"].map(lambda u: units.is_known(u) and units.is_additive(units.canonical_unit(u)))
    return table


def _one_edit_apart(a: str, b: str) -> bool:
    """Return whether two texts differ by at most one character replaced, added or removed."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    i = next((k for k, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return short[i:] == long_[i + 1:]
