"""Shared fixtures: small data directories written for each test, built from tests/fixtures (never from data/)."""

from __future__ import annotations

import atexit
import contextlib
import csv
import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# A missing interface text raises instead of showing its key (lib/i18n.py t()), here and in every subprocess.
os.environ["KPI_STRICT_I18N"] = "1"
# The caches on disk (lib/diskcache.py: files already read, whole loads, the interface texts, pictures drawn) as a
# server keeps them, in a folder of the run's own, made by the first test process (pytest-xdist's workers inherit it;
# the app servers and commands they start share it): the frozen city's files, which most tests copy, are read once a
# run, and a chart drawn once a run, not once a test. An entry's key hashes everything it depends on (the bytes, the
# data folder's definition files, the settings and the code; a figure and its renderer), so no test can see another's
# data, and entries are written whole (renamed into place), so workers may share them. The caches themselves are
# tested with folders of their own (tests/test_parsed_cache.py, tests/test_loadcache.py, tests/test_rendered.py); a
# test that must read every file sets KPI_CACHE_DIR=off.
os.environ["KPI_TEST_RUN_CACHE"] = os.environ.get("KPI_TEST_RUN_CACHE") or tempfile.mkdtemp(prefix="kpi-test-cache-")
os.environ["KPI_CACHE_DIR"] = os.environ["KPI_TEST_RUN_CACHE"]

from lib.access import Principal
from lib.catalog import TARGET_COLUMNS

if "PYTEST_XDIST_WORKER" not in os.environ:  # the process that made the folder removes it, after its workers end
    atexit.register(shutil.rmtree, os.environ["KPI_TEST_RUN_CACHE"], ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
# A frozen city (tests/fixtures/city/README.md): the 2021 Suzhou plan and the synthetic sample as data/ shipped them.
# Tests read it (or copies of it), never the repository's data/: only tests/test_shipped_data.py checks that.
CITY = REPO / "tests" / "fixtures" / "city" / "data"
SAMPLE = CITY / "sample"  # the city's sample: actuals/ and progress/
# What running the app or a command leaves in a data folder (the audit trail, upgrade backups): not part of the
# city, so never copied into a test's folder.
RUNTIME = ("audit", "backups")

# A small plan with one target of every kind, numbers chosen so results can be worked by hand.
MINI_TARGETS = [
    dict(id="parcels", year=2021, name_zh="快递业务量", name_en="Parcels", category="headline",
         lead_departments="市场监管处", unit="亿件", target_value=120, comparator="≥", kind="flow",
         aggregation="sum", growth_target_pct=20, baseline_year=2020),
    dict(id="repack_rate", year=2021, name_zh="不再二次包装率", name_en="Not re-packed", category="green",
         lead_departments="市场监管处", unit="%", target_value=95, comparator="≥", kind="ratio",
         aggregation="latest", numerator="repack_num", denominator="repack_den"),
    dict(id="coverage", year=2021, name_zh="通达率", name_en="Coverage", category="rural",
         lead_departments="普遍服务处、市场监管处", unit="%", target_value=95, comparator="≥", kind="ratio",
         aggregation="latest"),
    dict(id="outlets", year=2021, name_zh="绿色网点", name_en="Green outlets", category="green",
         lead_departments="市场监管处", unit="个", target_value=30, stretch_value=40, comparator="≥",
         kind="level", aggregation="latest"),
    dict(id="incidents", year=2021, name_zh="安全事故", name_en="Incidents", category="safety",
         lead_departments="普遍服务处", unit="起", target_value=0, comparator="≤", kind="zero_tolerance",
         aggregation="sum"),
    dict(id="satisfaction", year=2021, name_zh="满意度", name_en="Satisfaction", category="quality",
         lead_departments="市场监管处", unit="分", comparator="≥", kind="not_below_last_year",
         aggregation="latest", baseline_year=2020),
    dict(id="stations_ks", year=2021, indicator="stations", name_zh="工作站（昆山市）", name_en="Stations (Kunshan)",
         category="culture_security", lead_departments="普遍服务处", unit="家", target_value=1, comparator="≥",
         kind="level", aggregation="latest", region="昆山市"),
    dict(id="repack_num", name_zh="不再二次包装件数", name_en="Not re-packed parcels", category="green",
         unit="万件", kind="indicator", aggregation="sum"),
    dict(id="repack_den", name_zh="电商快件数", name_en="E-commerce parcels", category="green",
         unit="万件", kind="indicator", aggregation="sum"),
    dict(id="stations", name_zh="工作站", name_en="Stations", category="culture_security",
         unit="家", kind="indicator", aggregation="latest"),
]


def write_csv(path: Path, rows: list[dict], columns: list[str], encoding: str = "utf-8") -> Path:
    """Write rows as CSV with the given columns and encoding; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


ACTUAL_COLUMNS = ["period", "indicator", "value", "region", "unit", "basis", "note"]
# Who a test acts as: the store, the plan publisher, backups and the audit trail take a principal (lib/access.py).
ANALYST_ADDRESS = "10.0.0.7"
OPERATOR = Principal.command_line("operator")


def analyst(name: str, where: str = ANALYST_ADDRESS) -> Principal:
    """Return an analyst as the sign-in makes one: the name checked, at a client's address."""
    return Principal.analyst(name, where)


@pytest.fixture(autouse=True)
def _no_default_data_folder(monkeypatch, tmp_path_factory):
    """Point KPI_DATA_DIR (the app's and the commands' default folder) at a folder that does not exist, so a test
    that forgets to name its data folder fails instead of reading or writing the repository's data/."""
    monkeypatch.setenv("KPI_DATA_DIR", str(tmp_path_factory.getbasetemp() / "no-data-folder-named"))


@pytest.fixture(scope="session", autouse=True)
def _city_stays_frozen():
    """Fail the run if a test wrote into the frozen city (tests copy it before they change anything)."""
    before = city_files()
    yield
    assert city_files() == before, "a test changed tests/fixtures/city: copy it (sample_dir, fresh_dir, city_copy)"


def city_files() -> dict[str, str]:
    """Return every file of the frozen city with its SHA-256."""
    return {str(p.relative_to(CITY)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(CITY.rglob("*")) if p.is_file()}


def city_copy(dest: Path, *, sample_in_place: bool = False) -> Path:
    """Copy the frozen city's data folder to dest and return it: as a new administration gets it (empty actuals/ and
    progress/, the sample apart in sample/), or with sample_in_place the sample's files in actuals/ and progress/ as
    the app showed them before the sample moved apart (their sample_ names keep the banner)."""
    ignore = ("sample", *RUNTIME) if sample_in_place else RUNTIME
    shutil.copytree(CITY, dest, ignore=shutil.ignore_patterns(*ignore))
    if sample_in_place:
        for folder in ("actuals", "progress"):
            for path in (SAMPLE / folder).iterdir():
                shutil.copy(path, dest / folder / path.name)
    return dest


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """Return a data directory with the mini plan, the city's regions and no actuals yet."""
    write_csv(tmp_path / "targets.csv", MINI_TARGETS, TARGET_COLUMNS)
    shutil.copy(CITY / "regions.csv", tmp_path / "regions.csv")
    (tmp_path / "actuals").mkdir()
    return tmp_path


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """Return a copy of the frozen city (its targets) with the sample's files in actuals/ and progress/."""
    return city_copy(tmp_path / "data", sample_in_place=True)


@pytest.fixture
def fresh_dir(tmp_path: Path) -> Path:
    """Return a copy of the frozen city as a new administration gets it: empty actuals/ and progress/, the sample
    apart in sample/."""
    return city_copy(tmp_path / "fresh" / "data")


def add_actuals(data_dir: Path, name: str, rows: list[dict], encoding: str = "utf-8") -> Path:
    """Write one actuals file into data_dir/actuals; return its path."""
    return write_csv(data_dir / "actuals" / name, rows, ACTUAL_COLUMNS, encoding)


def monthly(indicator: str, year: int, values: list[float | None], **extra: object) -> list[dict]:
    """Return one row per month from January, skipping None months."""
    return [dict(period=f"{year}-{m:02d}", indicator=indicator, value=v, **extra)
            for m, v in enumerate(values, start=1) if v is not None]


def plotly_values(data: object) -> list:
    """Return a figure JSON array as a list, decoding Plotly's typed-array form ({dtype, bdata})."""
    import base64

    import numpy as np

    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


@dataclass(frozen=True)
class CliRun:
    """What one command line run returned and printed."""

    returncode: int
    stdout: str
    stderr: str


def open_upload_for(at, target: str, period: str):
    """Open the upload page in an AppTest as a coverage link does (?target=…&period=…) and return it, run without an
    exception."""
    at.switch_page("pages/upload.py")
    at.query_params["target"], at.query_params["period"] = target, period
    at.run()
    assert not at.exception
    return at


def run_cli(*args: str) -> CliRun:
    """Return the exit code and output of python -m lib.cli with args, run in this process."""
    from lib import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return CliRun(code, out.getvalue(), err.getvalue())


# The real-browser tests' shared app and browser: one of each per test process (each pytest-xdist worker has its own),
# whichever browser test file asks first. Files that change the app's data start a server of their own.
@pytest.fixture(scope="session")
def browser():
    """Yield Debian chromium-headless-shell launched through Playwright, once per test process."""
    from playwright.sync_api import sync_playwright

    from tests.browsing import launch_chromium, need_browser

    need_browser()
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield TabsOfOneContext(chromium)
        chromium.close()


class TabsOfOneContext:
    """Playwright's Browser whose new_page(viewport=…) opens a tab of one context kept for the test process, as a
    person opens the app's links in tabs of one browser: the app's scripts are fetched once, not once a page (a new
    context for each page cost about 1.8 s of CPU more on every page of the suite). Each tab is a session of its own on
    the server (the app keeps nothing in cookies or storage). A page with options of its own (a phone's touch, scale
    and user agent) is a tab of the context kept for those options; new_context gives a context of its own."""

    def __init__(self, browser):
        self._browser, self._contexts = browser, {}

    def new_page(self, viewport: dict | None = None, **options):
        key = repr(sorted(options.items()))
        if key not in self._contexts:
            self._contexts[key] = self._browser.new_context(**options)
        page = self._contexts[key].new_page()
        if viewport:
            page.set_viewport_size(viewport)
        return page

    def open_pages(self) -> list:
        """Return every tab open now, in every context."""
        return [page for context in self._contexts.values() for page in context.pages]

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, save a picture of every tab still open (tests/artifacts/failed_*.png) and name them
    in the report, so a failure in CI shows what the pages showed."""
    report = yield
    tabs = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(tabs, TabsOfOneContext):
        from tests.browsing import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() else "_" for c in item.name)[:80]
        for i, page in enumerate(tabs.open_pages()):
            path = ARTIFACTS / f"failed_{name}_{i}.png"
            with contextlib.suppress(Exception):  # a tab that has crashed or closed meanwhile has no picture
                page.screenshot(path=str(path), full_page=True, timeout=10_000)
                report.sections.append(("open tab", f"{page.url} -> {path}"))
    return report


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Start the app on the frozen city with its sample once per test process; yield its URL. Tests that use it
    only read (the uploads have their own, tests/test_browser_upload.py)."""
    from tests.browsing import need_browser, running_app

    need_browser()
    with running_app(tmp_path_factory.mktemp("browser") / "data") as url:
        yield url


# The longest work first (a file that runs whole on one worker, or one test of TESTS_APART), from a run's per-test
# times (tests on 4 workers of a 2-core machine): what starts last should be short, or one worker runs on alone.
LONGEST_FIRST = ("tests/test_export.py", "tests/test_browser.py::test_twenty_concurrent_sessions",
                 "tests/test_browser_present.py::test_presentation_fits_each_meeting_screen", "tests/test_intake.py",
                 "tests/test_app.py", "tests/test_documents.py", "tests/test_faults.py",
                 "tests/test_browser_widths.py::test_every_page_reads_at_every_width",
                 "tests/test_browser_tables.py::test_every_table_shows_each_cell_whole",
                 "tests/test_backup.py", "tests/test_server.py", "tests/test_plans.py", "tests/test_ratio_parts.py",
                 "tests/test_hostile_files.py", "tests/test_new_year.py", "tests/test_browser_upload.py",
                 "tests/test_store.py", "tests/test_browser_first_use.py")


# Browser files whose tests each open their own pages on the worker's shared app and browser (or start an app of
# their own) and share nothing else within the file: under pytest-xdist each of their tests goes to whichever worker is
# free, not the whole file to one worker. Every other file goes to one worker whole, so its module fixtures are built
# once (tests/test_browser_upload.py's tests follow each other on one server of the file's own).
TESTS_APART = ("tests/test_browser.py", "tests/test_browser_first_use.py", "tests/test_browser_links.py",
               "tests/test_browser_present.py", "tests/test_browser_tables.py", "tests/test_browser_widths.py")


# Tests that assert on one walk through the app's pages (tests/walks.py), walked once per test process: those of one
# window and language go to one worker together, one after the other.
ON_ONE_WALK = ("tests/test_browser_widths.py::test_every_page_reads_at_every_width",
               "tests/test_browser_tables.py::test_every_table_shows_each_cell_whole")


def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadfile` (make test): a file to a worker, except TESTS_APART's tests one at a time and
    ON_ONE_WALK's a window and language at a time; and a worker is given its next file or test only when it is down
    to its last one (xdist's own keeps two in hand), so the long ones go to whichever worker is free first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class TestsApartInBrowserFiles(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            test, _, params = nodeid.partition("[")
            if test in ON_ONE_WALK:
                return f"walk[{params}"
            path = nodeid.split("::", 1)[0]
            return nodeid if path in TESTS_APART else path

        def schedule(self) -> None:
            # A worker runs a test once it holds the next one (a fixture's teardown depends on what follows), so each
            # starts with two units: the longest first, and behind it one of the shortest (the last in the queue), so
            # that no long unit waits behind another on one worker while the others are free.
            self._from_the_end = self.collection is None
            super().schedule()
            self._from_the_end = False

        def _assign_work_unit(self, node) -> None:
            if getattr(self, "_from_the_end", False) and self.assigned_work.get(node):
                self.workqueue.move_to_end(next(reversed(self.workqueue)), last=False)
            super()._assign_work_unit(node)

        def _reschedule(self, node) -> None:
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            # xdist's own gives a worker more once it is down to two tests; here once it is down to the one it runs.
            if self._pending_of(self.assigned_work[node]) > 1:
                return
            self._assign_work_unit(node)

    return TestsApartInBrowserFiles(config, log)


def pytest_collection_modifyitems(config, items):
    """Run the longest work first, then the files with real-browser tests, then the rest, each file in its own order:
    under pytest-xdist (make test) the workers start on the long ones and the short files fill in around them at the
    end."""
    first = {item.module.__name__ for item in items if item.get_closest_marker("browser")}

    def rank(item) -> tuple[int, bool]:
        longest = next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
                       len(LONGEST_FIRST))
        return longest, item.module.__name__ not in first

    items.sort(key=rank)  # stable: each file keeps its order
