"""The tables of target kinds and statuses: complete, consistent with the texts, and the only place they are spelt."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from lib.i18n import TEXT, status_label, t
from lib.kinds import KINDS, STATUSES, TARGET_KINDS, TargetKind
from lib.views import VIEW_KINDS
from tests.conftest import CITY

REPO = Path(__file__).resolve().parent.parent
# st.badge's colours (Streamlit 1.67, streamlit/elements/markdown.py)
BADGE_COLORS = {"red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"}


def test_every_kind_in_targets_csv_is_in_the_table():
    with open(CITY / "targets.csv", encoding="utf-8-sig") as f:
        used = {row["kind"] for row in csv.DictReader(f)}
    assert used <= set(KINDS)
    assert used == {"flow", "level", "ratio", "zero_tolerance", "not_below_last_year", "indicator"}


def test_the_engine_scores_every_target_kind_and_only_those():
    # the engine scores a target through its kind's entry (TargetKind.score); the indicator kind has no score
    scored = {name for name, k in KINDS.items() if isinstance(k, TargetKind)}
    assert scored == set(TARGET_KINDS) == set(KINDS) - {"indicator"}


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_every_target_kind_has_its_texts_and_a_status_rule(kind):
    k = KINDS[kind]
    keys = [k.label_key, k.gap_note_key, k.chart_actual_key, k.chart_monthly_key, k.explain_actual_key,
            k.explain_projection_key]
    for key in filter(None, keys):
        assert key in TEXT and all(TEXT[key]), key
    assert isinstance(k, TargetKind) and k.judged_by  # every rule a method (an abstract one cannot be left out)
    if k.paced:  # the formula lines of a paced kind name its actual and its projection
        assert k.explain_actual_key and k.explain_projection_key


def test_the_kinds_mean_what_the_readme_says():
    paced = {name: k.expected_progress for name, k in KINDS.items() if k.paced}
    assert paced == {"flow": "seasonal", "level": "linear"}
    assert [n for n, k in KINDS.items() if k.target_value_required] == ["flow", "level", "ratio", "zero_tolerance"]
    assert [n for n, k in KINDS.items() if k.growth_target_sets_target] == ["flow"]
    assert [n for n, k in KINDS.items() if k.baseline_year_required] == ["not_below_last_year"]
    assert [n for n, k in KINDS.items() if k.shows_completion] == ["flow", "level", "ratio"]
    assert [n for n, k in KINDS.items() if k.shows_projection] == ["flow", "level"]
    assert [n for n, k in KINDS.items() if k.target_is_zero] == ["zero_tolerance"]
    assert [n for n, k in KINDS.items() if k.target_is_last_year] == ["not_below_last_year"]
    assert [n for n, k in KINDS.items() if not k.is_target] == ["indicator"]


@pytest.mark.parametrize("status", list(STATUSES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_status_has_colour_pattern_symbol_badge_and_words(status, lang):
    s = STATUSES[status]
    assert re.fullmatch(r"#[0-9A-F]{6}", s.color)
    go.bar.marker.Pattern(shape=s.pattern)  # raises on a shape Plotly does not draw
    assert s.symbol.strip() and len(s.symbol) == 1
    assert s.badge_color in BADGE_COLORS and s.badge_icon.startswith(":material/")
    words = t(s.words_key, lang)
    assert s.words_key in TEXT and words.strip() and words == status_label(status, lang)


def test_statuses_are_told_apart_without_colour_and_in_order():
    statuses = list(STATUSES.values())
    for attribute in ("color", "pattern", "symbol", "badge_color", "badge_icon", "words_key", "worst_first"):
        assert len({getattr(s, attribute) for s in statuses}) == len(statuses), attribute
    assert list(STATUSES) == ["green", "yellow", "red", "no_base", "grey"]
    assert sorted(STATUSES, key=lambda n: STATUSES[n].worst_first) == ["red", "yellow", "no_base", "grey", "green"]
    assert {s.color for s in statuses} == {"#009E73", "#E69F00", "#D55E00", "#56B4E9", "#999999"}  # Okabe–Ito
    assert [n for n, s in STATUSES.items() if not s.judged] == ["no_base", "grey"]
    assert [n for n, s in STATUSES.items() if s.has_figure] == ["no_base"]  # unjudged, its figure in hand
    assert [n for n, s in STATUSES.items() if s.on_pace] == ["green"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_slides_legend_agrees_with_the_table(lang):
    legend = t("legend", lang).lower()
    places = [legend.find(f"{s.symbol} {t(s.words_key, lang).lower()}") for s in STATUSES.values()]
    assert all(p >= 0 for p in places) and places == sorted(places)


# What a kind, a status and a view's kind are read as (view.shows), and the names they may have.
VOCABULARY = {"kind": set(KINDS), "status": set(STATUSES), "shows": set(VIEW_KINDS)}
# The packages that hold the tables, where their own names are spelt.
TABLES = {"lib/kinds": ("kind", "status"), "lib/views": ("shows",)}
# View kinds are named by common words (indicator, category): a literal copies their table only when it holds nothing
# else (a list of columns that names "indicator" and "category" is not one).
WHOLE_LITERALS_ONLY = {"shows"}


def _names_kind_or_status(node: ast.AST) -> bool:
    """Return whether an expression reads a kind, a status or a view kind: x.kind, kind, row["status"],
    row.get("kind", …), view.shows."""
    if isinstance(node, ast.Attribute):
        return node.attr in VOCABULARY
    if isinstance(node, ast.Name):
        return node.id in VOCABULARY
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value in VOCABULARY
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        return isinstance(node.args[0], ast.Constant) and node.args[0].value in VOCABULARY
    return False


def _spelt(node: ast.AST, vocabulary: dict[str, set[str]]) -> set[str]:
    """Return the names a literal spells (a string, or a tuple, list or set of them)."""
    every = set().union(*vocabulary.values())
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return {i.value for i in items if isinstance(i, ast.Constant) and i.value in every}


def vocabulary_spelt_outside_the_tables(root: Path) -> list[str]:
    """Return where a module of lib/ or pages/ (or app.py) outside the tables' own package compares a kind, status or
    view kind with a literal, or lists several of one in a literal of its own (a second copy of the table)."""
    found = []
    for path in sorted([*(root / "lib").rglob("*.py"), *(root / "pages").glob("*.py"), root / "app.py"]):
        if not path.exists():
            continue
        name = path.relative_to(root).as_posix()
        own = {word for package, words in TABLES.items() if name.startswith(package + "/") for word in words}
        vocabulary = {word: names for word, names in VOCABULARY.items() if word not in own}
        if not vocabulary:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {id(side) for c in ast.walk(tree) if isinstance(c, ast.Compare) for side in (c.left, *c.comparators)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                spelt = set().union(*(_spelt(s, vocabulary) for s in sides))
                if any(_names_kind_or_status(s) for s in sides) and spelt:
                    found.append((name, node.lineno, f"compares with {sorted(spelt)}"))
            elif isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and id(node) not in allowed:
                keys = [k for k in (node.keys if isinstance(node, ast.Dict) else node.elts) if k is not None]
                spelt = set().union(*(_spelt(k, vocabulary) for k in keys))
                whole = all(isinstance(k, ast.Constant) and k.value in spelt for k in keys)
                if any(len(spelt & names) >= 2 and (whole or word not in WHOLE_LITERALS_ONLY)
                       for word, names in vocabulary.items()):
                    found.append((name, node.lineno, f"lists {sorted(spelt)}"))
    return [f"{name}:{line} {what}" for name, line, what in sorted(found)]


def test_no_module_but_the_tables_spells_a_kind_or_status():
    assert vocabulary_spelt_outside_the_tables(REPO) == []


def test_the_spelling_check_finds_a_check(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text('if s.kind in ("flow", "level"):\n    pass\n'
                                           'ok = row.get("kind", "") != "indicator"\n'
                                           'ORDER = {"red": 0, "green": 1}\n'
                                           'fine = s.category == "green" or status == other\n', encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.py").write_text('if view.shows == "workplan":\n    pass\n'
                                             'PICTURED = ("overview", "category")\n', encoding="utf-8")
    (tmp_path / "lib" / "views").mkdir()
    (tmp_path / "lib" / "views" / "v.py").write_text('own = view.shows == "workplan"\n'
                                                     'other = s.kind == "flow"\n', encoding="utf-8")
    assert vocabulary_spelt_outside_the_tables(tmp_path) == [
        "lib/a.py:1 compares with ['flow', 'level']", "lib/a.py:3 compares with ['indicator']",
        "lib/a.py:4 lists ['green', 'red']", "lib/views/v.py:2 compares with ['flow']",
        "pages/p.py:1 compares with ['workplan']", "pages/p.py:3 lists ['category', 'overview']"]
