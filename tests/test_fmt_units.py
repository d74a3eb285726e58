"""Units convert correctly and numbers read the Chinese way (亿元, 万件, 2021年10月)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from lib import fmt, units
from lib.fmt import display_unit, format_period, format_points, format_target, format_value
from lib.i18n import t


@pytest.mark.parametrize("value, src, dst, expected", [
    (12345, "万件", "亿件", 1.2345), (2.4, "亿件", "万件", 24000), (3_000_000, "万元", "亿元", 300),
    (81500, "个", "万个", 8.15), (15, "万个", "个", 150000), (96.5, "％", "%", 96.5),
])
def test_conversion(value, src, dst, expected):
    assert value * units.factor(src, dst) == pytest.approx(expected)


@pytest.mark.parametrize("src, dst", [("万件", "亿元"), ("个", "%"), ("公斤", "万件")])
def test_incompatible_units_raise(src, dst):
    with pytest.raises(units.UnitError):
        units.factor(src, dst)


@pytest.mark.parametrize("value, unit, lang, expected", [
    (434.4598, "亿元", "zh", "434.46亿元"), (540, "亿元", "zh", "540.00亿元"), (255.9, "亿元", "zh", "255.90亿元"),
    (8.15, "万个", "zh", "8.15万个"), (81000, "个", "zh", "8.10万个"), (1710, "人次", "zh", "1,710人次"),
    (96.17, "%", "zh", "96.2%"), (97, "%", "zh", "97.0%"), (79.4, "分", "zh", "79.4分"), (80, "分", "en", "80.0 pts"),
    (None, "亿元", "zh", "—"), (-0.001, "亿元", "zh", "0.00亿元"),
    (434.4598, "亿元", "en", "¥43.45 bn"), (19.25, "亿件", "en", "1.93 bn parcels"),
    (24, "亿件", "en", "2.40 bn parcels"),
    (8.15, "万个", "en", "81,500 units"), (1710, "人次", "en", "1,710 person-times"),
    # counts in their own unit are whole numbers (rounded half up, as a reader rounds)
    (81.67, "人次", "zh", "82人次"), (81.67, "人次", "en", "82 person-times"), (0.5, "家", "zh", "1家"),
    (0.5, "家", "en", "1 site"), (2.5, "家", "en", "3 sites"), (0.17, "个", "zh", "0个"), (26, "个", "en", "26 units"),
    (81.67, "万人次", "zh", "81.67万人次"),  # a scaled count keeps its two decimals: 816,700 person-times
])
def test_format_value(value, unit, lang, expected):
    assert format_value(value, unit, lang) == expected


@pytest.mark.parametrize("value, unit, lang, expected", [  # the 2021 plan's own figures, as it wrote them
    (540, "亿元", "zh", "540亿元"), (24, "亿件", "zh", "24亿件"), (10, "万个", "zh", "10万个"),
    (95, "%", "zh", "95%"), (100000, "个", "zh", "10万个"), (30, "个", "zh", "30个"), (12.5, "亿件", "zh", "12.5亿件"),
    (99.5, "%", "zh", "99.5%"),
    (540, "亿元", "en", "¥54 bn"), (24, "亿件", "en", "2.4 bn parcels"), (None, "亿元", "zh", "—"),
])
def test_targets_read_as_the_plan_states_them(value, unit, lang, expected):
    assert format_target(value, unit, lang) == expected


def test_format_period_and_points():
    assert format_period(2021, 10) == "2021年10月"
    assert format_period(2021, 10, "en") == "Oct 2021"
    assert format_points(-2.74) == "-2.7个百分点"
    assert format_points(0.55, "en") == "+0.6 pp"


@pytest.mark.parametrize(("unit", "magnitude", "en"), [
    ("亿元", 434.46, ("¥ bn", 0.1)),  # 43.4 billion yuan: 434.46 × 0.1 = 43.446 (¥ bn)
    ("亿元", 5, ("¥ m", 100.0)),  # 500 million: 5 × 100 = 500 (¥ m)
    ("亿件", 19.25, ("bn parcels", 0.1)), ("万件", 12345, ("m parcels", 0.01)),  # 123.45 million parcels
    ("万个", 8.15, ("units", 1e4)),  # 81,500 boxes: counted, not scaled
    ("人次", 1710, ("person-times", 1.0)), ("%", 96.2, ("%", 1.0)), ("分", 80, ("pts", 1.0)),
])
def test_display_unit_in_english_is_the_cards_scale(unit, magnitude, en):
    assert display_unit(unit, "en", magnitude) == en
    assert display_unit(unit, "zh", magnitude) == (unit, 1.0)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (31.2, "个", 31.0), (2212.24, "人次", 2212.0), (2.4, "家", 2.0), (2.6, "家", 3.0),
    (9.78, "万个", 9.78),  # 9.78万个 is 97,800 boxes: already whole enough
    (543.75, "亿元", 543.75), (96.17, "%", 96.17), (79.4, "分", 79.4), (None, "个", None),
])
def test_estimates_of_counts_are_whole(value, unit, expected):
    from lib.fmt import estimate

    assert estimate(value, unit) == expected


HOSTILE_FLOATS = [math.inf, -math.inf, math.nan, 1e308, -1e308, -0.0, 5e-324, -5e-324]
# Every fmt function that takes a number, with each way of calling it.
NUMBER_FORMATTERS = {
    "trim_number": lambda v, lang: [fmt.trim_number(v), fmt.trim_number(v, 1), fmt.trim_number(v, 0)],
    "format_value": lambda v, lang: [fmt.format_value(v, unit, lang) for unit in [*units.UNITS, *units.UNIT_ALIASES]],
    "format_pct": lambda v, lang: [fmt.format_pct(v), fmt.format_pct(v, signed=True)],
    "format_points": lambda v, lang: [fmt.format_points(v, lang)],
    "estimate": lambda v, lang: [fmt.estimate(v, unit) for unit in units.UNITS],
    "is_missing": lambda v, lang: [fmt.is_missing(v)],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("value", HOSTILE_FLOATS, ids=repr)
@pytest.mark.parametrize("name", NUMBER_FORMATTERS)
def test_no_float_makes_a_formatter_raise_or_print_minus_zero(name, value, lang):
    for out in NUMBER_FORMATTERS[name](value, lang):  # estimate and is_missing: only that they do not raise
        if isinstance(out, str):
            assert "inf" not in out.lower() and "nan" not in out.lower(), out
            if abs(value) < 1e-300:  # -0.0, ±5e-324 read as a plain zero
                assert "0" in out and not re.search(r"-\s*0", out), out


@pytest.mark.parametrize("call, expected", [
    (lambda: fmt.format_pct(-0.0), "0.0%"), (lambda: fmt.format_pct(-0.04), "0.0%"),
    (lambda: fmt.format_pct(-0.04, signed=True), "+0.0%"), (lambda: fmt.format_pct(-0.06, signed=True), "-0.1%"),
    (lambda: fmt.format_points(-0.0), "+0.0个百分点"), (lambda: fmt.format_points(-0.0, "en"), "+0.0 pp"),
    (lambda: fmt.format_value(-0.0, "亿元"), "0.00亿元"), (lambda: fmt.format_value(5e-324, "%"), "0.0%"),
    (lambda: fmt.format_value(math.inf, "亿元"), "∞亿元"), (lambda: fmt.format_value(-math.inf, "元", "en"), "¥-∞"),
    (lambda: fmt.format_value(math.inf, "万件", "en"), "∞ parcels"), (lambda: fmt.format_pct(math.inf, True), "+∞%"),
    (lambda: fmt.format_value(math.nan, "%"), "—"), (lambda: fmt.format_points(math.nan), "—"),
    (lambda: fmt.format_value(1e308, "个"), "1e+304万个"),  # 1e308 个 is 1e304 万个
    (lambda: fmt.format_value(-1e308, "亿元"), "-1e+308亿元"),
    (lambda: fmt.format_value(1e308, "亿元", "en"), "¥∞"),  # 1e316 yuan is past the largest float
    (lambda: fmt.format_value(2e15, "%"), "2e+15%"), (lambda: fmt.format_value(1e14, "%"), "100,000,000,000,000.0%"),
    (lambda: fmt.estimate(math.inf, "个"), math.inf), (lambda: fmt.estimate(-0.4, "个"), 0.0),
])
def test_hostile_floats_read_as_expected(call, expected):
    assert call() == expected


@pytest.mark.parametrize("unit", ["公斤", "", "nonsense", None])
def test_a_unit_not_in_the_registry_is_an_error_at_lookup(unit):
    with pytest.raises(units.UnitError, match="unknown unit"):
        units.lookup(unit)
    with pytest.raises(units.UnitError):
        format_value(1.0, unit)


def test_every_unit_is_one_entry_that_knows_its_precision_and_english_word():
    # counts of things in their own unit are whole; scaled amounts two decimals; rates and scores one
    for name, unit in units.REGISTRY.items():
        assert unit.name == name and units.UNITS[name] == (unit.family, unit.factor)
        if unit.factor != 1.0:
            assert unit.decimals == 2, name
        assert unit.english or unit.family in ("money", "percent"), name
    assert [n for n, u in units.REGISTRY.items() if u.whole] == [
        "件", "个", "项", "人次", "家", "座", "例", "起", "组", "套", "条", "辆", "台", "户", "场", "批"]
    assert (units.REGISTRY["%"].decimals, units.REGISTRY["分"].decimals, units.REGISTRY["亿元"].decimals) == (1, 1, 2)
    assert units.lookup("处") is units.REGISTRY["家"]  # an alias reads as its unit


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (2.67, "个", 3.0), (81.67, "人次", 82.0), (2.0, "家", 2.0), (2.0000000001, "家", 2.0),  # a float's noise is no need
    (2.38, "亿件", 2.38), (0.5, "%", 0.5),
])
def test_a_requirement_of_a_count_is_rounded_up(value, unit, expected):
    assert fmt.requirement(value, unit) == expected


@pytest.mark.parametrize(("text", "kept"), [
    ("累计完成434.46亿元，同比", "434.46\u2060亿\u2060元"), ("完成80.2%，", "80.2\u2060%"),
    ("还需完成1家。", "1\u2060家"), ("高于0.6个百分点", "0.6\u2060个百分点"),
    ("2021年", "2021\u2060年"), ("11—12月还需", "11\u2060—\u206012\u2060月"), ("Nov 1–10 only", "1\u2060–\u206010"),
    ("reached 1.92 bn parcels year to date", "1.92\u00a0bn\u00a0parcels"),
    ("¥43.45 bn needed", "¥43.45\u00a0bn needed"),
    ("1,710 person-times", "1,710\u00a0person-times"), ("0.5 pp behind", "0.5\u00a0pp"), ("1 site", "1\u00a0site"),
])
def test_numbers_are_kept_with_their_units_where_lines_wrap(text, kept):
    assert kept in fmt.keep_units_together(text)
    assert fmt.keep_units_together(text).replace("\u2060", "").replace("\u00a0", " ") == text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("month", [9, 10])
def test_counts_are_whole_numbers_in_every_output(sample_dir, monkeypatch, month, lang):
    """One rule per unit, used by every output (#28): in the sample's September and October the engine's figures of
    counts have decimals (166.67人次 a month still needed, 0.33家, a projection of 2,237.9人次), and no card, table,
    sentence, digest, briefing, deck or command-line table writes a count with them."""
    import io

    from docx import Document
    from pptx import Presentation

    from lib import digest, display, export
    from lib.briefing import monthly_briefing
    from lib.cards import build_card
    from lib.cli import render_table
    from lib.dataset import open_dataset
    from lib.deepdive import explain, gap_sentence, indicator_view, provenance
    from lib.engine import scorecard
    from tests.documents import counts_with_decimals, docx_texts, pptx_texts

    monkeypatch.setattr(export.render, "chromium_path", lambda: None)  # the pictures: test_documents renders them
    ds = open_dataset(sample_dir)
    scores = scorecard(ds, 2021, month)
    counts = [s for s in scores if units.lookup(s.unit).whole]
    raw = [v for s in counts for v in (s.required_monthly_avg, s.projection_year_end) if v is not None]
    assert any(abs(v - round(v)) > 0.01 for v in raw)  # the engine's own figures have decimals: the test can fail
    texts = [display.answer_sentence(scores, 2021, month, lang), render_table(scores, lang)]
    for s in scores:
        card = build_card(s, 2021, month, lang)
        texts += [card.value, card.target_text, card.delta or "", card.delta_note or "", *card.lines,
                  gap_sentence(s, lang), *explain(s, lang)]
    for s in counts:
        view = indicator_view(ds, 2021, month, s.indicator, scores)
        log = pd.DataFrame(columns=["id", "file", "submitted_at", "user", "status"])
        frame = display.provenance_frame(provenance(view, log, lang), s.unit, lang)
        texts += [str(v) for v in frame.to_numpy().ravel()]
        if not view.regions.empty:
            texts += [str(v) for v in display.region_frame(view, ds.catalog, lang).to_numpy().ravel()]
    texts.append(digest.summary_markdown(digest.build_digest(scores, 2021, month, lang, link="https://kpi.example/")))
    texts += docx_texts(Document(io.BytesIO(monthly_briefing(ds, 2021, month, lang, charts=False).data)))
    texts += pptx_texts(Presentation(io.BytesIO(export.build_deck(ds, 2021, month, lang))))
    assert counts_with_decimals(texts) == []
    # the table for Excel keeps numbers as numbers: a count's actual and projection are whole
    table = display.scorecard_table(scores, 2021, lang)
    for i, s in enumerate(scores):
        if units.lookup(s.unit).whole:
            for column in ("col_actual_ytd", "col_projection"):
                value = table.iloc[i][t(column, lang)]
                assert value is None or value != value or value == round(value), (s.indicator, column, value)
