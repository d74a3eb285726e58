"""Interface texts: every key the code uses exists in both languages with the same placeholders, none is unused.

The code is scanned for the expressions that name a key: t()'s first argument, a Problem's code, and the
arguments that reach them through a function parameter (intake's bad(column, code, …), ui.page_start(title_key)).
Each such expression must resolve to literal keys ("status_green", "a" if x else "b", a name assigned or looped
over such literals, a function returning them) or to a prefix (f"status_{s}", "prog_" + s) whose values are listed
in built_keys; anything else fails the test, so a new way of naming keys has to be taught here, not slip past it.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import string
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from lib import access, engine, intake, plan, progress
from lib.datafiles import FILES
from lib.i18n import TEXT, t
from lib.kinds import KINDS, STATUSES
from lib.plan import load_tasks
from tests.conftest import CITY, REPO

CODE = sorted([*(REPO / "lib").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py",
               *(REPO / "bench").glob("*.py"), *(REPO / "scripts").glob("*.py")])
# (function name, argument position, keyword) of the calls whose argument is a key.
BASE_SINKS = {("t", 0, "key"), ("Problem", 1, "code"), ("Refused", 0, "code"), ("Stopped", 0, "code")}
KEYWORD_ONLY = 10**6  # the argument position of a keyword-only parameter: reached by its keyword alone
# Keys kept in a field of the kinds and statuses tables (lib/kinds.py): kind.label_key names every value of that field.
TABLE_ROWS = [*KINDS.values(), *STATUSES.values()]
# What to do about a data folder's file: a key in its entry of lib/datafiles.py, given to a Problem as its todo.
FILE_KEYS = {f.todo_key for f in FILES.values()}
TABLE_KEYS = {field: {v for row in TABLE_ROWS if (v := getattr(row, field, None))}
              for field in {f for row in TABLE_ROWS for f in vars(row) if f.endswith("_key")}}
# Keys read back from where a Problem keeps them; the Problem(...) calls that set them are checked as sinks.
PASS_THROUGH = {("problems.py", "self.code"), ("review.py", "problem.code"), ("shapes.py", "self.code"),
                ("__init__.py", "refused.code"), ("reading.py", "stop.code"), ("documents.py", "stop.code"),
                ("sandbox.py", "self.code"), ("review.py", "refused.code"), ("progress.py", "refused.code"),
                ("reading.py", "problem.code"),
                ("problems.py", "params[key]")}  # a Problem's todo / then parameter: a key from the files' table


class Scan:
    """The keys and key prefixes the code uses, and the key expressions it could not resolve."""

    def __init__(self, files: list[Path], root: Path = REPO):
        self.literals: dict[str, list[str]] = {}
        self.prefixes: dict[str, list[str]] = {}
        self.unresolved: list[str] = []
        self.trees = {f: ast.parse(f.read_text(encoding="utf-8")) for f in files}
        self.parents = {f: {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
                        for f, tree in self.trees.items()}
        sinks = {(name, pos, kw, None) for name, pos, kw in BASE_SINKS}
        sinks |= {(name, 0, "code", None) for name in self._translated_errors()}
        checked: set = set()
        while sinks - checked:  # a key passed on through a parameter makes that function a sink too
            for sink in sinks - checked:
                checked.add(sink)
                for f, arg in self._sink_arguments(sink):
                    sinks |= self._resolve(f, arg, f"{f.relative_to(root)}:{arg.lineno}")

    def _translated_errors(self) -> set[str]:
        """Return TranslatedError and every class derived from it: raised with a text key first."""
        found = {"TranslatedError"}
        classes = [n for tree in self.trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        while True:
            more = {c.name for c in classes if any(isinstance(b, ast.Name) and b.id in found for b in c.bases)}
            if more <= found:
                return found
            found |= more

    def _sink_arguments(self, sink):
        """Yield (file, argument expression) for every call of the sink function."""
        name, pos, kw, home = sink
        for f, tree in self.trees.items():
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                local = isinstance(func, ast.Name) and func.id == name and (
                    home is None or home == f or not self._function(f, name))  # defined here, or imported
                qualified = isinstance(func, ast.Attribute) and func.attr == name and (
                    home is None or (isinstance(func.value, ast.Name)
                                     and func.value.id in (home.stem, home.parent.name)))  # module or its package
                method = isinstance(func, ast.Attribute) and func.attr == name and home == f  # rows.bad() at home
                if not (local or qualified or method):
                    continue
                args = [a for a in node.args if not isinstance(a, ast.Starred)]
                arg = args[pos] if len(args) > pos else next((k.value for k in node.keywords if k.arg == kw), None)
                if arg is not None:
                    yield f, arg

    def _resolve(self, f: Path, expr: ast.expr, where: str) -> set:
        """Record the keys or prefixes expr names; return the new sinks it makes (a parameter passed on)."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            self.literals.setdefault(expr.value, []).append(where)
        elif isinstance(expr, ast.Constant) and expr.value is None:
            pass
        elif isinstance(expr, ast.BoolOp):  # kind.chart_actual_key or ("a" if ... else "b")
            return set().union(*(self._resolve(f, v, where) for v in expr.values))
        elif isinstance(expr, ast.IfExp):
            return self._resolve(f, expr.body, where) | self._resolve(f, expr.orelse, where)
        elif (isinstance(expr, ast.JoinedStr) and len(expr.values) == 2 and isinstance(expr.values[0], ast.Constant)
              and isinstance(expr.values[1], ast.FormattedValue)):
            self.prefixes.setdefault(expr.values[0].value, []).append(where)
        elif (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add) and isinstance(expr.left, ast.Constant)
              and isinstance(expr.left.value, str)):
            self.prefixes.setdefault(expr.left.value, []).append(where)
        elif isinstance(expr, ast.Name):
            return self._resolve_name(f, expr, where)
        elif (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "next" and expr.args
              and isinstance(expr.args[0], ast.GeneratorExp)):  # next(code for code, rule in TABLE if ...)
            return self._resolve_generator(f, expr.args[0], where)
        elif isinstance(expr, ast.Call) and (found := self._called(f, expr.func)):
            home, fn = found
            return set().union(*(self._resolve(home, r, where) for r in self._returns(fn)))
        elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) \
                and isinstance(expr.value, ast.Name):  # refused[0], where refused = a_function(...)
            return self._resolve_element(f, expr.value, expr.slice.value, where)
        elif isinstance(expr, ast.Attribute) and expr.attr in TABLE_KEYS:
            for key in TABLE_KEYS[expr.attr]:
                self.literals.setdefault(key, []).append(where)
        elif (f.name, ast.unparse(expr)) not in PASS_THROUGH:
            self.unresolved.append(f"{where}: {ast.unparse(expr)}")
        return set()

    def _called(self, f: Path, func: ast.expr):
        """Return (file, definition) of a called function: local by name, or module.function anywhere."""
        if isinstance(func, ast.Name) and (fn := self._function(f, func.id)):
            return f, fn
        if isinstance(func, ast.Attribute):
            for other in self.trees:
                if fn := self._function(other, func.attr):
                    return other, fn
        return None

    @staticmethod
    def _returns(fn) -> list[ast.expr]:
        return [r.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None]

    def _table(self, f: Path, name: str) -> list[ast.expr]:
        """Return the rows of a module-level tuple or list assigned to name."""
        for node in self.trees[f].body:
            if isinstance(node, ast.Assign) and any(isinstance(x, ast.Name) and x.id == name for x in node.targets) \
                    and isinstance(node.value, (ast.Tuple, ast.List)):
                return node.value.elts
        return []

    def _column(self, f: Path, rows: list[ast.expr], index: int, where: str) -> set:
        """Resolve the index-th element of every row (a tuple) of a table."""
        found: set = set()
        for row in rows:
            if isinstance(row, ast.Tuple) and len(row.elts) > index:
                found |= self._resolve(f, row.elts[index], where)
            else:
                self.unresolved.append(f"{where}: {ast.unparse(row)}[{index}]")
        return found

    def _resolve_generator(self, f: Path, gen: ast.GeneratorExp, where: str) -> set:
        """Resolve next(name for a, name in TABLE ...): the name's column of the module-level table."""
        loop = gen.generators[0]
        if isinstance(gen.elt, ast.Name) and isinstance(loop.target, ast.Tuple) and isinstance(loop.iter, ast.Name):
            names = [x.id if isinstance(x, ast.Name) else None for x in loop.target.elts]
            if gen.elt.id in names:
                return self._column(f, self._table(f, loop.iter.id), names.index(gen.elt.id), where)
        self.unresolved.append(f"{where}: {ast.unparse(gen)}")
        return set()

    def _element_of(self, f: Path, value: ast.expr, index: int, where: str) -> set:
        """Resolve the index-th element of what an expression gives: a function's returned tuples."""
        if isinstance(value, ast.Call) and (found := self._called(f, value.func)):
            home, fn = found
            returns = [r for r in self._returns(fn) if not (isinstance(r, ast.Constant) and r.value is None)]
            return self._column(home, returns, index, where)
        self.unresolved.append(f"{where}: {ast.unparse(value)}[{index}]")
        return set()

    def _resolve_element(self, f: Path, name: ast.Name, index: object, where: str) -> set:
        """Resolve name[index] where name holds what a function returned."""
        scope = self._enclosing_function(f, name) or self.trees[f]
        values = [node.value for node in ast.walk(scope) if isinstance(node, ast.Assign)
                  and any(isinstance(x, ast.Name) and x.id == name.id for x in node.targets)]
        if not values or not isinstance(index, int):
            self.unresolved.append(f"{where}: {name.id}[{index}]")
            return set()
        return set().union(*(self._element_of(f, v, index, where) for v in values))

    def _resolve_name(self, f: Path, name: ast.Name, where: str) -> set:
        """Resolve a name from its assignments and loops in the enclosing function, or pass its parameter on."""
        scope = self._enclosing_function(f, name) or self.trees[f]
        found: set = set()
        bound = False
        for node in ast.walk(scope):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(x, ast.Name) and x.id == name.id for x in targets):
                    bound = True
                    found |= self._resolve(f, node.value, where)
                for x in targets:  # key, params = a_function(...)
                    if isinstance(x, ast.Tuple) and name.id in [e.id for e in x.elts if isinstance(e, ast.Name)]:
                        bound = True
                        index = [e.id if isinstance(e, ast.Name) else None for e in x.elts].index(name.id)
                        found |= self._element_of(f, node.value, index, where)
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Tuple) \
                    and isinstance(node.iter, ast.Name) \
                    and name.id in [e.id for e in node.target.elts if isinstance(e, ast.Name)]:
                bound = True  # for pattern, key in TABLE
                index = [e.id if isinstance(e, ast.Name) else None for e in node.target.elts].index(name.id)
                found |= self._column(f, self._table(f, node.iter.id), index, where)
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name.id and isinstance(node.iter, (ast.Tuple, ast.List)):
                bound = True
                for element in node.iter.elts:
                    found |= self._resolve(f, element, where)
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [*scope.args.posonlyargs, *scope.args.args]
            if name.id in [p.arg for p in params]:
                bound = True
                position = [p.arg for p in params].index(name.id) - (1 if params[0].arg in ("self", "cls") else 0)
                found.add((scope.name, position, name.id, f))
            elif name.id in [p.arg for p in scope.args.kwonlyargs]:
                bound = True
                found.add((scope.name, KEYWORD_ONLY, name.id, f))
        if not bound:
            self.unresolved.append(f"{where}: {name.id}")
        return found

    def _enclosing_function(self, f: Path, node: ast.AST):
        while (node := self.parents[f].get(node)) is not None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def _function(self, f: Path, name: str):
        return next((n for n in ast.walk(self.trees[f]) if isinstance(n, ast.FunctionDef) and n.name == name), None)


@pytest.fixture(scope="module")
def scan() -> Scan:
    return Scan(CODE)


def built_keys() -> dict[str, set[str]]:
    """Return, for each prefix the code builds keys from, the keys its values make (from where the values live)."""
    # A prefix alone cannot say which keys it needs, nor that a key under it is still needed.
    targets = pd.read_csv(CITY / "targets.csv", dtype=str, keep_default_na=False)
    departments = {d for text in [*targets["lead_departments"], *load_tasks(CITY)["lead_departments"]]
                   for d in text.split("、") if d}
    values = {"status_": engine.STATUSES, "prog_": (*progress.STATUSES, "none"), "list_": plan.LIST_NAME,
              "basis_": set(intake.checks.BASIS_WORDS.values()),
              "submission_": ("active", "reverted", "missing"),
              "severity_": ("error", "warning"), "layout_": ("long", "wide", "bulletin", "mixed"),
              "encoding_": ("utf-8-sig", "gb18030", "xlsx", "xls", "xlsb", "ods"),
              # category_label and department_label show an unknown value as it is: the frozen city's values.
              "cat_": set(targets["category"]), "dept_": departments,
              "plan_reason_": plan.REASONS, "plan_part_": plan.PART_REASONS,
              "access_who_": access.Via, "access_via_": access.Via, "access_action_": access.Action}
    return {prefix: {prefix + v for v in vs} for prefix, vs in values.items()}


def used_keys(scan: Scan) -> set[str]:
    """Return every key the code names, literally or built from a prefix."""
    return set(scan.literals).union(*built_keys().values(), FILE_KEYS)


def placeholders(text: str) -> set[str]:
    """Return the {names} a text is formatted with."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_expression_is_understood(scan):
    assert scan.unresolved == []
    assert set(scan.prefixes) == set(built_keys())


def test_every_key_the_code_uses_exists(scan):
    assert {key: scan.literals.get(key, "built from a prefix") for key in used_keys(scan) - set(TEXT)} == {}


# The keys of the plan's categories and departments follow the shipped data: tests/test_shipped_data.py checks that
# each names one of data/'s (and that each of data/'s has one), so a department added there breaks nothing here.
DATA_PREFIXES = ("cat_", "dept_")


def test_no_key_is_unused(scan):
    assert [key for key in TEXT if key not in used_keys(scan) and not key.startswith(DATA_PREFIXES)] == []


# Texts whose languages say different things on purpose; their callers pass what both use. The briefing's
# Chinese names the area (全市) and numbers its headings （一）; English dates take the month's abbreviation.
LANGUAGE_SPECIFIC = {"brief_flow", "brief_level", "brief_ratio", "brief_zero", "brief_not_below",
                     "brief_not_below_nobase", "brief_flow_no_base", "brief_no_data", "brief_dept_lead",
                     "brief_cat_lead", "brief_date"}


def test_both_languages_have_text_with_the_same_placeholders():
    assert [key for key, (zh, en) in TEXT.items() if not zh.strip() or not en.strip()] == []
    assert {key: (placeholders(zh), placeholders(en)) for key, (zh, en) in TEXT.items()
            if placeholders(zh) != placeholders(en) and key not in LANGUAGE_SPECIFIC} == {}
    assert {key for key in LANGUAGE_SPECIFIC if placeholders(TEXT[key][0]) == placeholders(TEXT[key][1])} == set()


@pytest.mark.parametrize("rows, warnings, expected", [
    (1, 0, "nov.csv: 1 row, 0 warnings (long)"), (2, 1, "nov.csv: 2 rows, 1 warning (long)"),
    (0, 2, "nov.csv: 0 rows, 2 warnings (long)")])
def test_an_english_count_takes_its_word_by_its_number(rows, warnings, expected):
    assert t("intake_summary_ok", "en", file="nov.csv", rows=rows, warnings=warnings, how="long") == expected
    # Chinese has no plural: the same text whatever the number
    assert t("intake_summary_ok", "zh", file="f", rows=rows, warnings=warnings, how="h") == \
        f"f：{rows}行数据，{warnings}个提醒（h）"


def test_a_count_choice_leaves_other_format_specs_as_str_format_has_them():
    from lib.i18n import _TEXTS

    assert _TEXTS.format("{n:.1f} {n:point is|points are} {x:>3}", n=1, x=7) == "1.0 point is   7"
    assert _TEXTS.format("{n:,} {n:row|rows}", n=12000) == "12,000 rows"
    # a count handed over as text (a formatted number) chooses alike
    assert [_TEXTS.format("{n} {n:row|rows}", n=n) for n in ("1", "1.0", "1,000", "—")] == \
        ["1 row", "1.0 row", "1,000 rows", "— rows"]


# Placeholders that hold a count: in English the word after one is chosen by the number ("{rows} {rows:row|rows}"),
# never written "rows" or "row(s)", which read "1 rows" and "1 row(s)" to a person.
COUNTS = {"count", "rows", "n", "files", "errors", "warnings", "pages", "red", "review", "not_taken", "found",
          "expected", "tasks", "minutes", "band", "total", "covered"}


# Where the word after a count placeholder is not its noun: ", {n} with this period's figure", "Attachment {n} lists".
NOT_THE_COUNTS_NOUN = {"brief_count_no_base", "brief_items_in_full"}


def test_no_english_count_is_followed_by_a_fixed_plural():
    fixed = re.compile(r"\{(\w+)\} ((?:[a-z]+ )?[a-z]+(?:s|\(s\)))(?=\W|$)")
    assert {key: match.group(0) for key, (_, en) in TEXT.items() for match in fixed.finditer(en)
            if match.group(1) in COUNTS and key not in NOT_THE_COUNTS_NOUN} == {}
    assert {key: en for key, (_, en) in TEXT.items() if re.search(r"\{\w+\}[^{]*\w\(s\)", en)} == {}
    # nor by a verb fixed in the plural: "1 more have", "1 of 5 targets have"
    verb = re.compile(r"\{(\w+)\} (?:more |of \{\w+\} \S+ )?(?:have|are|were)\b")
    assert {key: match.group(0) for key, (_, en) in TEXT.items() for match in verb.finditer(en)
            if match.group(1) in COUNTS - {"rows"}} == {}  # rows: a list of row numbers ("rows 3, 5 are blank")


def test_each_catalogue_holds_every_key_once():
    import tomllib

    from lib.i18n import LOCALE_DIR

    keys = {}
    for lang in ("zh", "en"):
        text = (LOCALE_DIR / f"{lang}.toml").read_text(encoding="utf-8")
        keys[lang] = set(tomllib.loads(text))  # tomllib itself refuses a key written twice
    assert keys["zh"] - keys["en"] == set() and keys["en"] - keys["zh"] == set()
    assert keys["zh"] == set(TEXT)


def test_the_scanner_follows_names_parameters_and_prefixes(tmp_path):
    code = tmp_path / "sample.py"
    code.write_text('def label(key, lang):\n'
                    '    return t(key, lang)\n'
                    'def show(kind, lang):\n'
                    '    key = "gap_rate" if kind else "no_such_key"\n'
                    '    return t(key, lang) + t(f"status_{kind}", lang) + label("app_title", lang) + t(kind.key)\n',
                    encoding="utf-8")
    found = Scan([code], root=tmp_path)
    assert set(found.literals) == {"gap_rate", "no_such_key", "app_title"} and set(found.prefixes) == {"status_"}
    assert found.unresolved == ["sample.py:5: kind.key"]


def test_a_missing_key_raises_under_strict_mode_and_shows_the_key_otherwise(monkeypatch, caplog):
    assert os.environ["KPI_STRICT_I18N"] == "1"  # tests/conftest.py, for the whole suite
    with pytest.raises(KeyError, match="no_such_key"):
        t("no_such_key")
    monkeypatch.delenv("KPI_STRICT_I18N")
    assert t("no_such_key", "en", value=1) == "no_such_key"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == \
        [("WARNING", "no text for 'no_such_key' in lib/locale/")]


def test_the_catalogues_are_parsed_once_per_content_and_kept(monkeypatch, tmp_path):
    """A command's start reads the kept catalogue instead of parsing both TOML files again; a changed text is a new
    entry (the old one removed), so a kept catalogue is never stale; with the cache off both files are parsed."""
    from lib import i18n

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path / "cache"))
    parsed = []
    real_loads = tomllib.loads
    monkeypatch.setattr(i18n.tomllib, "loads", lambda text: parsed.append(1) or real_loads(text))
    first = i18n._catalogue()
    assert first == i18n.TEXT and len(parsed) == 2  # both languages parsed, then kept
    assert i18n._catalogue() == first and len(parsed) == 2  # read back, not parsed
    zh = locale / "zh.toml"
    zh.write_text(zh.read_text(encoding="utf-8").replace('status_green = "进度正常"', 'status_green = "正常"'),
                  encoding="utf-8")
    changed = i18n._catalogue()
    assert changed["status_green"] == ("正常", "On pace") and len(parsed) == 4
    assert len(list((tmp_path / "cache" / "locale").glob("*.pickle"))) == 1  # the old catalogue's entry is gone
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    assert i18n._catalogue() == changed and len(parsed) == 6
