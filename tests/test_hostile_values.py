"""Values at the door (#25): a target of 0 where the kind divides by it, a growth of −100%, inf, nan, 1e308 and
negative targets are refused by targets.csv's own rules (on load, in the draft, at publish), naming the row; the
engine never divides by zero, never shows inf or nan, and judges every kind at 0, tiny and huge values as worked
out by hand; a targets.csv already on disk with such a row says so on the pages instead of failing."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from lib import store
from lib.cards import build_card
from lib.catalog import load_regions, targets_from_frame
from lib.engine import Score, Series
from lib.kinds import KINDS, TARGET_KINDS
from lib.plan.review import validate_draft
from lib.problems import InputError
from tests.conftest import CITY, REPO, analyst, city_copy, run_cli


def targets_text() -> pd.DataFrame:
    return pd.read_csv(CITY / "targets.csv", dtype=str, keep_default_na=False)


def flow_row(frame: pd.DataFrame) -> int:
    return int(frame.index[(frame["kind"] == "flow") & (frame["id"] == "express_volume")][0])


@pytest.mark.parametrize("column, text, code", [
    ("target_value", "0", "target_zero"),
    ("target_value", "-5", "target_negative"),
    ("target_value", "inf", "target_not_finite"),
    ("target_value", "nan", "target_not_finite"),
    ("target_value", "1e308", "target_beyond_unit"),  # 亿件: at most 10^5 亿件 (VALUE_CEILING pieces 1e13)
    ("stretch_value", "-1", "target_negative"),
    ("growth_target_pct", "-100", "growth_not_above_minus_100"),
    ("growth_target_pct", "-inf", "target_not_finite"),
    ("growth_target_pct", "5000", "growth_beyond_range"),
    ("baseline_year", "1e9", "target_year_implausible"),
])
def test_a_target_that_cannot_be_judged_is_refused_naming_its_row(column, text, code):
    frame = targets_text()
    at = flow_row(frame)
    frame.loc[at, column] = text
    with pytest.raises(InputError) as refused:
        targets_from_frame(frame, "targets.csv", load_regions(CITY / "regions.csv"))
    problem = next(p for p in refused.value.problems if p.code == code)
    assert (problem.row, problem.column, problem.value) == (at + 2, column, text)
    assert problem.message("zh").startswith(f"targets.csv 第{at + 2}行「{column}」：")
    assert "division" not in problem.message("en")


def test_the_draft_reviewer_and_publish_refuse_the_same_row(tmp_path):
    frame = targets_text()
    draft = frame[frame["year"] == "2021"].reset_index(drop=True).copy()
    draft["year"] = "2022"
    draft["baseline_year"] = draft["baseline_year"].where(draft["baseline_year"] == "", "2021")
    at = int(draft.index[draft["id"] == "express_volume"][0])
    draft.loc[at, "growth_target_pct"] = "-100"
    problems = validate_draft(draft, frame, load_regions(CITY / "regions.csv"), "draft.csv")
    assert [(p.code, p.row, p.column) for p in problems if p.severity == "error"] == [
        ("growth_not_above_minus_100", at + 2, "growth_target_pct")]
    data_dir = tmp_path / "data"
    city_copy(data_dir)
    path = tmp_path / "draft.csv"
    draft.assign(needs_review="").to_csv(path, index=False)
    result = run_cli("plan", "publish", path, "--data-dir", data_dir, "--user", "li")
    assert result.returncode == 1 and f"第{at + 2}行「growth_target_pct」" in result.stderr
    assert (data_dir / "targets.csv").read_bytes() == (CITY / "targets.csv").read_bytes()  # nothing written


def test_a_bad_targets_csv_on_disk_is_a_message_on_every_page(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    frame = targets_text()
    at = flow_row(frame)
    frame.loc[at, "target_value"] = "0"
    frame.to_csv(sample_dir / "targets.csv", index=False)
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    for page in ("pages/overview.py", "pages/indicator.py", "pages/departments.py"):
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        app.run()
        if page != "pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, page
        errors = [e.value for e in app.error]
        assert any(f"第{at + 2}行「target\\_value」：目标值为 0" in e for e in errors), (page, errors)
        assert not any("division" in e for e in errors)


def series(months: dict[int, float]) -> Series:
    """Return a series whose months add up to their year to date."""
    s, total = Series(), 0.0
    for month, value in sorted(months.items()):
        total += value
        s.month_value[month], s.ytd[month] = value, total
    return s


def level_series(months: dict[int, float]) -> Series:
    s = Series()
    for month, value in months.items():
        s.month_value[month] = s.ytd[month] = value
    return s


def score(kind: str, target: float | None, growth: float | None = None, comparator: str = "≥") -> Score:
    return Score(indicator="x", name="x", name_en="x", category="", kind=kind, unit="万件", comparator=comparator,
                 region="", lead_departments=[], target=target, growth_target_pct=growth,
                 baseline_year=2020 if growth is not None else None)


TINY, HUGE = 1e-12, 1e300
# (kind, target, actual months, baseline months, comparator) → status, worked out by hand at June (month 6).
CASES = [
    # a flow of 0 is judged by its comparator alone: 5 ≥ 0
    ("flow", 0.0, {6: 5.0}, {}, "≥", "green"),
    # tiny target: 0 of 1e-12 is 0% against 50% linear expected progress: red
    ("flow", TINY, {6: 0.0}, {}, "≥", "red"),
    # tiny target, huge actual: the completion overflows: not shown; judged by the comparator, met
    ("flow", TINY, {6: HUGE}, {}, "≥", "green"),
    # huge target, half of it by June against 50% linear: on pace
    ("flow", 1e12, {m: 1e11 for m in range(1, 7)}, {}, "≥", "green"),
    # a level of 0 with ≤: 0 ≤ 0 met
    ("level", 0.0, {6: 0.0}, {}, "≤", "green"),
    # a tiny level reached: 100% of target at June against 50% linear: green
    ("level", TINY, {6: TINY}, {}, "≥", "green"),
    # a huge level, none yet: 0% against 50%: red
    ("level", HUGE, {6: 0.0}, {}, "≥", "red"),
    # a rate target of 0% with ≤, at 0%: met
    ("ratio", 0.0, {6: 0.0}, {}, "≤", "green"),
    # a rate of 1e-12% against 95%: 95 points short: red
    ("ratio", 95.0, {6: TINY}, {}, "≥", "red"),
    # zero tolerance: no incident green, one red; 1e-12 is within the engine's float tolerance (1e-9): none
    ("zero_tolerance", 0.0, {6: 0.0}, {}, "≤", "green"),
    ("zero_tolerance", 0.0, {6: 1.0}, {}, "≤", "red"),
    ("zero_tolerance", 0.0, {6: TINY}, {}, "≤", "green"),
    # not below last year: last year 0, this year 0: not below
    ("not_below_last_year", None, {6: 0.0}, {6: 0.0}, "≥", "green"),
    # last year huge, this year tiny: below
    ("not_below_last_year", None, {6: TINY}, {6: HUGE}, "≥", "red"),
]


@pytest.mark.parametrize("kind, target, months, base, comparator, status", CASES)
def test_every_kind_at_zero_tiny_and_huge_values(kind, target, months, base, comparator, status):
    s = score(kind, target, comparator=comparator)
    sums = KINDS[kind].sums_months
    cur = series(months) if sums else level_series(months)
    last = series(base) if sums else level_series(base)
    KINDS[kind].score(s, cur, last, 6)
    assert s.status == status
    for name, value in s.to_dict().items():
        assert not (isinstance(value, float) and not math.isfinite(value)), (name, value)
    for lang in ("zh", "en"):
        card = build_card(s, 2021, 6, lang)
        shown = " ".join(str(v) for v in (card.title, card.value, card.target_text, card.delta, card.delta_note,
                                          card.status_text, *card.lines))
        assert not any(word in shown.lower() for word in ("inf", "nan")), shown


@pytest.mark.parametrize("growth", [-100.0, -99.999999])
def test_a_growth_target_at_or_near_minus_100_never_divides_by_zero(growth):
    s = score("flow", 10.0, growth=growth)
    KINDS["flow"].score(s, series({6: 5.0}), series({m: 1.0 for m in range(1, 13)}), 6)
    assert s.status in ("green", "yellow", "red")
    assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in s.to_dict().values())


def test_every_kind_is_covered():
    assert {case[0] for case in CASES} == set(TARGET_KINDS)


def test_a_published_name_starting_with_a_formula_is_neutralised_in_targets_csv_and_reads_back(tmp_path):
    from lib.catalog import load_targets
    from lib.plan.review import targets_csv_bytes

    frame = targets_text()
    frame.loc[0, "name_zh"] = "=HYPERLINK(\"http://evil\",\"点\")"
    frame.loc[0, "growth_target_pct"] = "-5"
    path = tmp_path / "targets.csv"
    path.write_bytes(targets_csv_bytes(frame))
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert written.loc[0, "name_zh"] == "'=HYPERLINK(\"http://evil\",\"点\")"  # Excel shows it as text
    assert written.loc[0, "growth_target_pct"] == "-5"  # a number keeps its sign
    targets, _ = load_targets(path, load_regions(CITY / "regions.csv"))
    assert targets.loc[targets["id"] == frame.loc[0, "id"], "name_zh"].iloc[0] == frame.loc[0, "name_zh"]


def test_the_stored_rows_neutralise_a_note_and_read_it_back(sample_dir):
    text = (b"period,indicator,value,region,unit,basis,note\n"
            b"2021-11,green_outlets,28,,,,=cmd|' /C calc'!A0\n")
    outcome = store.import_file(sample_dir, "n.csv", text, analyst("zhang"), today=dt.date(2021, 12, 15))
    stored = (sample_dir / "actuals" / outcome.stored_file).read_text(encoding="utf-8")
    assert ",'=cmd|' /C calc'!A0" in stored
    again = store.validate(sample_dir, "again.csv", stored.encode(), today=dt.date(2021, 12, 15))
    assert again.rows["note"].tolist() == ["=cmd|' /C calc'!A0"]
