"""The data the repository ships (data/), checked as it is: the one file of tests that reads it.

Every other test builds its own data or reads the frozen city in tests/fixtures/city (conftest: CITY, sample_dir,
fresh_dir), so a target added to or removed from data/targets.csv can only fail what is checked here: that the
definitions are valid by the catalog's rules and read in both languages, that the sample loads whole, that the
README's numbers for the sample hold, and that the plan document's items link to the targets.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.catalog import load_catalog
from lib.dataset import open_dataset
from lib.engine import scorecard
from lib.fmt import format_target, format_value
from lib.i18n import TEXT
from lib.kinds import KINDS
from lib.plan import link_targets, parse_plan, read_targets, write_outputs
from lib.plan.structure import load_tasks
from lib.plans import plan_for
from tests.conftest import REPO
from tests.test_i18n import CODE, DATA_PREFIXES, Scan

DATA = REPO / "data"
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA)  # raises InputError naming every row that breaks targets.csv's rules


@pytest.fixture(scope="module")
def scores():
    return {s.indicator: s for s in scorecard(open_dataset(DATA), 2021, 10)}


def test_targets_csv_is_valid_by_the_catalogs_rules(catalog):
    targets = catalog.targets
    assert not targets.empty and targets["id"].is_unique
    assert set(targets["kind"]) <= set(KINDS)  # every kind has its entry and rules
    assert set(catalog.years()) <= {int(y) for y in catalog.plans["year"]}  # every year's targets cite their plan
    for year in catalog.years():  # the headline order is 1, 2, … without gaps or repeats
        order = sorted(int(h) for h in catalog.targets_for(year)["headline"].dropna())
        assert order == list(range(1, len(order) + 1))


def test_every_category_and_department_reads_in_both_languages():
    targets = pd.read_csv(DATA / "targets.csv", dtype=str, keep_default_na=False)
    departments = {d for text in [*targets["lead_departments"], *load_tasks(DATA)["lead_departments"]]
                   for d in text.split("、") if d}
    keys = {f"cat_{c}" for c in targets["category"] if c} | {f"dept_{d}" for d in departments}
    assert len(keys) > 10 and sorted(keys - set(TEXT)) == []
    # and no such text is left for a category or department the data no longer has (tests/test_i18n.py leaves
    # these keys to this file; dept_items and the like are texts the code names itself)
    named = set(Scan(CODE).literals)
    assert sorted(k for k in TEXT if k.startswith(DATA_PREFIXES) and k not in keys | named) == []


def test_the_sample_loads_whole():
    ds = open_dataset(DATA)
    assert not list((DATA / "actuals").glob("*.csv"))  # shipped clean: the sample is read from data/sample/
    assert ds.uses_sample and ds.is_sample and not ds.rejected
    assert sorted(r.file for r in ds.reports) == sorted(p.name for p in (DATA / "sample" / "actuals").glob("*.csv"))
    periods = ds.periods().set_index("year")["last_month"].to_dict()
    assert periods == {2020: 12, 2021: 10}


def test_the_readmes_numbers_for_the_sample_hold(catalog, scores):
    plan = plan_for(catalog, 2021)
    assert f"({plan.doc_number}: 60 work items,\n9 key works, 19 民生实事 sub-items)" in README
    counts = load_tasks(DATA, 2021)["list_type"].value_counts().to_dict()
    assert counts == {"work_item": 60, "livelihood": 19, "key_work": 9}
    # "540亿元 of business volume is a flow … 30 green outlets is a level … 95% of parcels not re-packed is a ratio"
    for indicator, kind, said in (("postal_business_volume", "flow", "540亿元"), ("green_outlets", "level", "30"),
                                  ("no_repack_rate", "ratio", "95%")):
        assert scores[indicator].kind == kind and said in README
    assert format_target(scores["postal_business_volume"].target, "亿元", "zh") == "540亿元"
    assert format_target(scores["express_volume"].target, "亿件", "zh") == "24亿件" and "≥24亿件" in README
    assert format_target(scores["green_outlets"].target, "个", "zh") == "30个"
    assert format_target(scores["no_repack_rate"].target, "%", "zh") == "95%"
    # the formatting example: the sample's business volume to October, 434.46亿元
    assert "434.46亿元" in README
    assert format_value(scores["postal_business_volume"].actual_ytd, "亿元", "zh") == "434.46亿元"


def test_the_plan_documents_items_link_to_the_targets(catalog, tmp_path):
    plan = plan_for(catalog, 2021)
    document = plan.document_path(DATA)
    assert document is not None and document.is_file()
    parsed = parse_plan(document.read_text(encoding="utf-8"))
    link_targets(parsed, read_targets(DATA / "targets.csv"))
    tasks_path, candidates_path = write_outputs(parsed, tmp_path)
    assert (DATA / "tasks.csv").read_bytes() == tasks_path.read_bytes()  # data/tasks.csv is the plan's parse
    assert (DATA / "target_candidates.csv").read_bytes() == candidates_path.read_bytes()
    linked = {i for cell in load_tasks(DATA)["target_ids"] for i in re.split(r"[;、,]", str(cell)) if i}
    assert linked and linked <= set(catalog.targets["id"])  # every link names a target that exists
