"""One target in depth: its months, pace paths, projection, regions, provenance and how it is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib import config, queries
from lib.dataset import Dataset
from lib.engine import EMPTY, Score, Series, load_series, scorecard
from lib.fmt import format_value
from lib.i18n import department_label, t
from lib.kinds import KINDS, STATUSES, WORST_FIRST, Kind, words
from lib.kinds.ratio import rate_series

MONTH_COLUMNS = ["month", "actual_month", "actual_ytd", "baseline_month", "baseline_ytd", "expected_seasonal",
                 "expected_linear", "projection_seasonal", "projection_linear", "yoy_month_pct", "note",
                 "source_file", "source_row"]


@dataclass
class IndicatorView:
    """Everything the indicator page shows for one target."""

    score: Score
    target: dict
    months: pd.DataFrame
    regions: pd.DataFrame = field(default_factory=pd.DataFrame)
    region_warnings: list[tuple[int, float, float]] = field(default_factory=list)


def _target_row(ds: Dataset, year: int, target_id: str) -> dict:
    """Return the targets.csv row of one target."""
    rows = ds.catalog.targets_for(year)
    match = rows[rows["id"] == target_id]
    if match.empty:
        raise KeyError(target_id)
    return match.iloc[0].to_dict()


def month_table(score: Score, cur: Series, base: Series, kind: Kind) -> pd.DataFrame:
    """Return one row per month with actuals, last year, the expected paths and the projection paths."""
    target, d = score.target, score.data_month
    base_total = base.total()
    seasonal_ok = (kind.expected_progress == "seasonal" and base_total is not None and base_total > 0
                   and all(m in base.ytd for m in range(1, 13)))
    rows = []
    for m in range(1, 13):
        row = {"month": m, "actual_month": cur.month_value.get(m), "actual_ytd": cur.ytd.get(m),
               "baseline_month": base.month_value.get(m), "baseline_ytd": base.ytd.get(m),
               "expected_seasonal": None, "expected_linear": None, "projection_seasonal": None,
               "projection_linear": None, "yoy_month_pct": None, "note": cur.notes.get(m, ""),
               "source_file": cur.sources.get(m, ""), "source_row": cur.rows.get(m)}
        if target is not None and kind.paced:
            row["expected_linear"] = target * m / 12
            row["expected_seasonal"] = (target * base.ytd[m] / base_total if seasonal_ok and base.ytd[m] > 0
                                        else row["expected_linear"])  # as the scorer paces (lib/kinds/flow.py)
        if d is not None and m >= d and kind.paced and score.actual_ytd is not None:
            row["projection_linear"] = score.actual_ytd * m / d
            row["projection_seasonal"] = (score.actual_ytd * base.ytd[m] / base.ytd[d]
                                          if seasonal_ok and base.ytd[d] > 0 and base.ytd[m] > 0
                                          else row["projection_linear"])
        if row["actual_month"] is not None and row["baseline_month"] and row["baseline_month"] > 0:
            row["yoy_month_pct"] = (row["actual_month"] / row["baseline_month"] - 1) * 100
        rows.append(row)
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)


def region_table(ds: Dataset, target: dict, year: int, as_of: int) -> pd.DataFrame:
    """Return each region's value as of the month, its share of the regions' total, and its own target."""
    frame = ds.query(queries.REGION_SERIES, {"indicator": target["indicator"], "year": year, "as_of": as_of})
    if frame.empty:
        return pd.DataFrame()
    latest = frame.dropna(subset=["ytd_value"]).sort_values("month").groupby("region").tail(1)
    top = latest[latest["parent"] == ""]
    total = top["ytd_value"].sum()
    regional_targets = ds.catalog.targets_for(year)
    regional_targets = regional_targets[regional_targets["indicator"] == target["indicator"]]
    goal = dict(zip(regional_targets["region"], regional_targets["target_value"]))
    out = pd.DataFrame({
        "region": latest["region"], "parent": latest["parent"], "month": latest["month"].astype(int),
        "value": latest["ytd_value"],
        "share_pct": [v / total * 100 if p == "" and total > 0 else None
                      for v, p in zip(latest["ytd_value"], latest["parent"])],
        "target": [goal.get(r) for r in latest["region"]],
    })
    out["completion_pct"] = [v / g * 100 if g else None for v, g in zip(out["value"], out["target"])]
    order = {r: i for i, r in enumerate(ds.catalog.region_names())}
    return out.sort_values("region", key=lambda s: s.map(order)).reset_index(drop=True)


def region_disagreements(ds: Dataset, indicator: str, year: int) -> list[tuple[int, float, float]]:
    """Return (month, city value, sum of regions) where the two differ by more than the tolerance."""
    frame = ds.query(queries.CITY_VS_REGIONS, {"indicator": indicator})
    frame = frame[frame["year"] == year]
    out = []
    for row in frame.itertuples(index=False):
        if row.city_value and abs(row.regions_sum / row.city_value - 1) * 100 > config.REGION_TOLERANCE_PCT:
            out.append((int(row.month), float(row.city_value), float(row.regions_sum)))
    return out


def indicator_view(ds: Dataset, year: int, as_of: int, target_id: str,
                   scores: list[Score] | None = None) -> IndicatorView:
    """Return the deep-dive of one target for a year and as-of month (its score taken from scores when given)."""
    target = _target_row(ds, year, target_id)
    kind = KINDS[target["kind"]]
    scores = scorecard(ds, year, as_of) if scores is None else scores
    score = next(s for s in scores if s.indicator == target_id)
    years = [year] + ([score.baseline_year] if score.baseline_year else [])
    lookup = load_series(ds, years, [(target[col], target["region"]) for col in ("indicator", "numerator",
                                                                                  "denominator")])
    cur = lookup.get((target["indicator"], target["region"], year), EMPTY)
    base = lookup.get((target["indicator"], target["region"], score.baseline_year), EMPTY)
    if kind.reads_components:  # the rate the card shows, month by month (lib/kinds/ratio.py)
        cur = rate_series(cur, *(lookup.get((target[col], target["region"], year), EMPTY) if target[col] else EMPTY
                                 for col in ("numerator", "denominator")))
    months = month_table(score, cur, base, kind)
    units = {"rate": target["unit"], **{part: ds.catalog.indicator(target[part])["unit"]
                                        for part in ("numerator", "denominator") if target[part]}}
    months["parts"] = [[(*part, units.get(part[0], "")) for part in cur.parts.get(m, [])] for m in months["month"]]
    regions = region_table(ds, target, year, as_of) if not target["region"] else pd.DataFrame()
    warnings = region_disagreements(ds, target["indicator"], year) if not regions.empty else []
    return IndicatorView(score=score, target=target, months=months, regions=regions, region_warnings=warnings)


def gap_sentence(s: Score, lang: str = "zh") -> str:
    """Return the gap in words, e.g. 11–12月还需月均完成2.38亿件，比去年同期月均高8.4% (the kind's own sentence)."""
    if not STATUSES[s.status].judged or s.data_month is None:
        return _unjudged(s, lang)
    return KINDS[s.kind].gap_sentence(s, lang)


def _unjudged(s: Score, lang: str) -> str:
    """Return why a score is not judged: no data, or this period's figure without the baseline it is judged by."""
    if STATUSES[s.status].has_figure and s.data_month is not None:
        return t("gap_no_base", lang, period=words.base_words(KINDS[s.kind], s, lang))
    return t("gap_no_data", lang)


def explain(s: Score, lang: str = "zh") -> list[str]:
    """Return the formula lines behind a score, with its inputs filled in (the kind's own lines)."""
    if s.data_month is None or not STATUSES[s.status].judged:
        return [_unjudged(s, lang)]
    return KINDS[s.kind].formula_lines(s, lang)


def provenance(view: IndicatorView, log: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Return, per month with data, where its number came from: file, row, and who submitted it when; for a ratio one
    line per part behind the rate (numerator, denominator, or the rate as reported), each with its file and row."""
    by_file = {row["stored_file"]: row for _, row in log.iterrows()} if not log.empty else {}
    shows_month = KINDS[view.target["kind"]].provenance_shows_month
    rows = []
    for r in view.months.itertuples(index=False):
        if pd.isna(r.actual_ytd) and pd.isna(r.actual_month):
            continue
        value = r.actual_month if shows_month else r.actual_ytd
        line = {"month": int(r.month), "value": value, "ytd": r.actual_ytd, "note": r.note}
        parts = getattr(r, "parts", None)
        if parts:  # a ratio: each part behind the rate on its own line
            names = {"numerator": t("part_numerator", lang), "denominator": t("part_denominator", lang),
                     "rate": t("part_rate", lang)}
            rows += [line | {"part": f"{names[part]} {format_value(figure, unit, lang)}", "file": file, "row": row,
                             "submitted": _submitted(by_file, file, lang)} for part, file, row, figure, unit in parts]
            continue
        files = [f for f in str(r.source_file or "").split(";") if f]
        rows.append(line | {"part": "", "file": ("、" if lang != "en" else ", ").join(files),
                            "row": None if pd.isna(r.source_row) else int(r.source_row),
                            "submitted": "; ".join(dict.fromkeys(_submitted(by_file, f, lang) for f in files))
                            or t("dropped_source", lang)})
    return pd.DataFrame(rows)


def _submitted(by_file: dict, file: str, lang: str) -> str:
    """Return who stored a file and when (its submission), else where it came from: the sample, or dropped in."""
    if file in by_file:
        entry = by_file[file]
        return f"{entry['user']} · {entry['submitted_at'].replace('T', ' ')} · {entry['original_name']}"
    if file.startswith(config.SAMPLE_FILE_PREFIX):
        return t("sample_source", lang)
    return t("dropped_source", lang) if file else ""


def department_scores(scores: list[Score]) -> dict[str, list[Score]]:
    """Return each lead department's targets, worst first (red, yellow, no data, green; then by gap)."""
    out: dict[str, list[Score]] = {}
    for s in scores:
        for dept in s.lead_departments:
            out.setdefault(dept, []).append(s)
    for dept in out:
        out[dept].sort(key=lambda s: (STATUSES[s.status].worst_first,
                                      s.gap_points if s.gap_points is not None else 0.0))
    return out


def league_table(scores: list[Score], lang: str = "zh") -> pd.DataFrame:
    """Return one row per lead department with its status counts and share on pace, best first."""
    rows = []
    for dept, items in department_scores(scores).items():
        counts = {k: sum(1 for s in items if s.status == k) for k in WORST_FIRST}
        judged = sum(1 for s in items if STATUSES[s.status].judged)
        on_pace = sum(1 for s in items if STATUSES[s.status].on_pace)
        rows.append({"department": dept, "label": department_label(dept, lang), "targets": len(items),
                     **counts, "on_pace_pct": on_pace / judged * 100 if judged else None})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["on_pace_pct", "red", "targets"], ascending=[False, True, False],
                             na_position="last").reset_index(drop=True)
