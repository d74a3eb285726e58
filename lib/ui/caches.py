"""Every cache of the app: each keyed on the signature of the files its data comes from, so a changed file is read anew.

Data (st.cache_data) is copied out to each caller; figures (st.cache_resource) are shared and never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib import charts, config, coverage, deepdive, display, loadcache, plan, progress, store, templates
from lib.cards import Card, build_card
from lib.dataset import Dataset, data_signature, files_signature, open_dataset, progress_files, progress_source
from lib.display import scorecard_table, xlsx_sheet_names
from lib.engine import Score, scorecard, status_counts
from lib.i18n import category_label
from lib.intake import Parsed
from lib.plans import headline_scores, overview_groups, plan_for
from lib.problems import PlanDocumentError, Problem
from lib.store.writes import writes_done
from lib.ui.state import lang

# The data files' signature, read once per script run: a page asks for it four times and more (the title, the dataset,
# the scorecard, the chart...), each a directory read and a stat per file. A memo holds within one run only (a run
# after another process changed a file reads them anew) and only until this process writes into a data folder (every
# store write holds its lock, and writes_done() counts each time it is let go): a page that stores a file and draws
# the data again in the same run reads the files again.
_RUN_SIGNATURES: dict[int, tuple] = {}  # id of a session's run context → (its weak reference, the run, memo)


def current_signature() -> tuple:
    """Return the cache key of the data folder's current files: (data dir, digest of data_signature's entries), read
    once per script run and data folder, and again after any write this process made into a data folder."""
    data_dir = config.data_dir()
    key = (str(data_dir), writes_done())  # before the files are read: a write that ends while they are read counts
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "cursors", None)  # a new object at each run's start (and each fragment's)
    if run is None:  # outside a script run (a command, a test calling in): no memo
        return signature_key(data_signature(data_dir))
    number = id(ctx)
    entry = _RUN_SIGNATURES.get(number)
    if entry is None or entry[0]() is not ctx or entry[1] is not run:
        # the entry goes with its session (at worst a later session's, whose run then reads the files once more)
        entry = (weakref.ref(ctx, lambda _: _RUN_SIGNATURES.pop(number, None)), run, {})
        _RUN_SIGNATURES[number] = entry
    found = entry[2].get(key)
    if found is None:
        found = entry[2][key] = signature_key(data_signature(data_dir))
    return found


def signature_key(signature: tuple) -> tuple:
    """Return (data dir, SHA-256 of the files' names, sizes and times): a short key, hashed by each cached call in
    a fraction of the time a tuple of every file's entry takes."""
    return signature[0], hashlib.sha256(repr(signature[1]).encode()).hexdigest()


def progress_signature(data_dir) -> tuple:
    """Return a key that changes when tasks.csv or a progress file changes."""
    data_dir = Path(data_dir)
    return files_signature(data_dir, [data_dir / "tasks.csv", *progress_files(progress_source(data_dir))])


def log_signature(data_dir) -> tuple:
    """Return a key that changes when the actuals submissions log is written."""
    data_dir = Path(data_dir)
    return files_signature(data_dir, [store.log_path(data_dir)])


@st.cache_resource(max_entries=2, show_spinner=False)
def _load_dataset(signature: tuple) -> Dataset:
    """Return the dataset for one state of the data files (a new signature rebuilds it; a content loaded before, by
    this server or an earlier start, is read back from lib/loadcache.py's entry)."""
    return loadcache.open_dataset_cached(signature[0], load=open_dataset)


def cached_dataset() -> Dataset:
    """Return the dataset of the current data files, opened once per state of them; raise InputError."""
    return _load_dataset(current_signature())


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard(signature: tuple, year: int, as_of: int) -> list[Score]:
    """Return the scorecard for one state of the data files, year and as-of month."""
    return scorecard(_load_dataset(signature), year, as_of)


def cached_scorecard(year: int, as_of: int) -> list[Score]:
    """Return the scorecard, computed once per data state, year and month."""
    return _scorecard(current_signature(), year, as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard_table(signature: tuple, year: int, as_of: int, language: str) -> pd.DataFrame:
    """Return the readable scorecard table for one state of the data files, year, month and language."""
    return scorecard_table(_scorecard(signature, year, as_of), year, language)


def cached_scorecard_table(year: int, as_of: int) -> pd.DataFrame:
    """Return the scorecard table (one row per target) for the current data, year and month."""
    return _scorecard_table(current_signature(), year, as_of, lang())


@dataclass(frozen=True)
class OverviewPage:
    """What the overview draws from one scorecard, worked out once per data state, year, month and language and shared
    by every session (read-only): the Markdown of its sentence and counts, and its cards ready to draw."""

    scores: list[Score]
    answer: str  # the answer sentence, bold, escaped
    badges: str  # the count of each status
    headline: list[tuple[Card, str]]  # (card, indicator) of the headline targets
    groups: list[tuple[str, list[tuple[Card, str]]]]  # (category heading, its other targets' cards)


@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_page(signature: tuple, year: int, as_of: int, language: str) -> OverviewPage:
    """Return the overview's texts and cards for one state of the data files, year, month and language."""
    scores = _scorecard(signature, year, as_of)
    headline = headline_scores(scores)
    shown = {s.indicator for s in headline}  # the headline cards are at the top already

    def cards(group: list[Score]) -> list[tuple[Card, str]]:
        return [(build_card(score, year, as_of, language), score.indicator) for score in group]

    return OverviewPage(
        scores=scores, answer=f"**{display.md(display.answer_sentence(scores, year, as_of, language))}**",
        badges=display.status_count_badges(status_counts(scores), language), headline=cards(headline),
        groups=[(f"#### {display.md(category_label(category, language))}", cards(group))
                for category, group in overview_groups([s for s in scores if s.indicator not in shown])])


def cached_overview_page(year: int, as_of: int) -> OverviewPage:
    """Return the overview's texts and cards for the current data, year, month and language (shared: never change)."""
    return _overview_page(current_signature(), year, as_of, lang())


# Charts are cached as figures, shared and never changed: st.plotly_chart re-validates a dict
# on every rerun (~7 ms for the overview chart), while a figure is only copied (<1 ms).
@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_chart(signature: tuple, year: int, as_of: int, language: str, narrow: bool) -> go.Figure:
    """Return the overview's completion chart (or its phone layout), shared by every session (read-only)."""
    build = charts.completion_chart_narrow if narrow else charts.completion_chart
    return build(_scorecard(signature, year, as_of), language)


def cached_overview_chart(year: int, as_of: int, narrow: bool = False) -> go.Figure:
    """Return the overview chart for the current data, year, month and language, laid out for the window."""
    return _overview_chart(current_signature(), year, as_of, lang(), narrow)


@st.cache_data(max_entries=64, show_spinner=False)
def _indicator_view(signature: tuple, year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target for one state of the data files (its score from the cached scorecard)."""
    return deepdive.indicator_view(_load_dataset(signature), year, as_of, target_id,
                                   scores=_scorecard(signature, year, as_of))


def cached_indicator_view(year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target, computed once per data state, year, month and target."""
    return _indicator_view(current_signature(), year, as_of, target_id)


@st.cache_resource(max_entries=64, show_spinner=False)
def _detail_chart(signature: tuple, year: int, as_of: int, target_id: str, language: str, narrow: bool) -> go.Figure:
    """Return an indicator's deep-dive chart (or its phone layout), shared by every session (read-only)."""
    build = charts.detail_chart_narrow if narrow else charts.indicator_detail_chart
    return build(_indicator_view(signature, year, as_of, target_id), language)


def cached_detail_chart(year: int, as_of: int, target_id: str, narrow: bool = False) -> go.Figure:
    """Return the deep-dive chart of one target for the current data and language, laid out for the window."""
    return _detail_chart(current_signature(), year, as_of, target_id, lang(), narrow)


@st.cache_data(max_entries=8, show_spinner=False)
def _submissions_log(signature: tuple) -> pd.DataFrame:
    """Return the actuals submissions log, newest first, for one state of the log file."""
    return store.read_log(Path(signature[0]))


def cached_submissions_log() -> pd.DataFrame:
    """Return the actuals submissions log (who stored which file when), read once per state of the file."""
    return _submissions_log(log_signature(config.data_dir()))


@st.cache_data(max_entries=16, show_spinner=False)
def _active_submission(signature: tuple, digest: str, _data: bytes) -> dict | None:
    """Return the active submission of these bytes (their sha256 is the key), for one state of the log."""
    return store.active_submission(Path(signature[0]), _data)


def cached_active_submission(data: bytes) -> dict | None:
    """Return the log entry of the active submission of exactly these bytes, or None."""
    return _active_submission(log_signature(config.data_dir()), hashlib.sha256(data).hexdigest(), data)


@st.cache_data(max_entries=16, show_spinner=False)
def _sheet_names(digest: str, _data: bytes) -> list[str]:
    """Return the sheets of one workbook (its sha256 is the key)."""
    return xlsx_sheet_names(_data)


def cached_sheet_names(data: bytes) -> list[str]:
    """Return the sheets of an uploaded workbook, opened once per file."""
    return _sheet_names(hashlib.sha256(data).hexdigest(), data)


# The uploaded bytes are keyed by their sha256 (underscore arguments are not hashed by Streamlit), and today's
# date is part of the key because validation flags months still in the future.
@st.cache_data(max_entries=8, show_spinner=False)
def _validation(signature: tuple, today: dt.date, name: str, digest: str, sheet: str | None, _data: bytes) -> Parsed:
    """Return the report of a file checked against one state of the data files, as it would be imported."""
    return store.validate(Path(signature[0]), name, _data, sheet=sheet, today=today,
                          dataset=_load_dataset(signature))


def cached_validation(name: str, data: bytes, sheet: str | None = None) -> Parsed:
    """Return the report of an uploaded file against the loaded data, checked once per file, sheet and data state."""
    return _validation(current_signature(), dt.date.today(), name, hashlib.sha256(data).hexdigest(),
                       sheet, data)


@st.cache_data(max_entries=8, show_spinner=False)
def _first_real_file(signature: tuple, today: dt.date, name: str, digest: str, sheet: str | None, language: str,
                     _data: bytes) -> str | None:
    """Return the confirm step's warning before a first real file (the file scored as the pages will: ~70 ms)."""
    parsed = _validation(signature, today, name, digest, sheet, _data)
    return coverage.first_real_file(_load_dataset(signature), parsed.rows, language)


def cached_first_real_file(name: str, data: bytes, sheet: str | None = None) -> str | None:
    """Return the warning before a first real file is stored, worked out once per file, sheet, data state and
    language (the upload page reruns at each click while the file waits for 确认入库)."""
    return _first_real_file(current_signature(), dt.date.today(), name, hashlib.sha256(data).hexdigest(), sheet,
                            lang(), data)


@st.cache_data(max_entries=8, show_spinner=False)
def _templates(signature: tuple, year: int, month: int) -> tuple[pd.DataFrame, dict[str, bytes]]:
    """Return the long template of a month and every template file (name → bytes) for one state of the targets."""
    catalog = _load_dataset(signature).catalog
    long_frame = templates.long_template(catalog, f"{year}-{month:02d}")
    wide_frame = templates.wide_template(catalog, year)
    bulletin = templates.bulletin_frame(catalog)
    city = plan_for(catalog, year).city("zh")
    return long_frame, {
        "template_bulletin.xlsx": templates.to_bulletin_xlsx(bulletin, year, month, city),
        "template_bulletin.xls": templates.to_bulletin_xls(bulletin, year, month, city),
        "template_long.csv": templates.to_csv(long_frame),
        "template_long.xlsx": templates.to_xlsx(long_frame, catalog),
        "template_wide.csv": templates.to_csv(wide_frame),
        "template_wide.xlsx": templates.to_xlsx(wide_frame, catalog),
    }


def cached_templates(year: int, month: int) -> tuple[pd.DataFrame, dict[str, bytes]]:
    """Return the long template for a month and the template files, built once per state of the targets."""
    return _templates(current_signature(), year, month)


@st.cache_data(max_entries=4, show_spinner=False)
def _plan_text(digest: str, name: str, _data: bytes) -> tuple[plan.PlanText | None, Problem | None]:
    """Return an uploaded plan document's text (with the parts not read), or the problem why it cannot be read (its
    sha256 is the key)."""
    try:
        return plan.read_plan_document(name, _data), None
    except PlanDocumentError as exc:
        return None, exc.problem


def cached_plan_document(name: str, data: bytes) -> tuple[plan.PlanDocument | None, Problem | None]:
    """Return an uploaded plan document with its text (read once per file), or the problem why it cannot be read."""
    read, problem = _plan_text(hashlib.sha256(data).hexdigest(), name, data)
    return (None, problem) if problem else (plan.PlanDocument.of(name, data, read), None)


@st.cache_data(max_entries=4, show_spinner=False)
def _plan_draft(signature: tuple, digest: str, year: int, lang: str, _document: plan.PlanDocument) -> plan.Draft:
    """Return the draft of a year's targets from a plan document against one state of the data files."""
    return plan.draft_document(Path(signature[0]), _document, year, lang)


def cached_plan_draft(document: plan.PlanDocument, year: int, lang: str = "zh") -> plan.Draft:
    """Return the draft of a year's targets from a plan document, drafted once per document, year, targets and the
    language of its notes for the reviewer."""
    return _plan_draft(current_signature(), hashlib.sha256(document.data).hexdigest(), year, lang,
                       document)


@st.cache_data(max_entries=8, show_spinner=False)
def _plan_context(signature: tuple) -> pd.DataFrame:
    """Return the context figures the plans quote (plan_context.csv) for one state of the data files."""
    return plan.load_context(Path(signature[0]))


def cached_plan_context(year: int, target_id: str) -> list[dict]:
    """Return the figures a year's plan quotes for the country or the province beside one target."""
    frame = _plan_context(current_signature())
    return frame[(frame["year"] == str(year)) & (frame["target_id"] == target_id)].to_dict("records")


@st.cache_data(max_entries=8, show_spinner=False)
def _tasks(signature: tuple, year: int | None) -> pd.DataFrame:
    """Return data/tasks.csv (every year's, or one year's) for one state of the data files."""
    return plan.load_tasks(signature[0], year)


def cached_tasks(year: int | None = None) -> pd.DataFrame:
    """Return the work-plan items of every year, or of one (empty before a plan is imported)."""
    return _tasks(progress_signature(config.data_dir()), year)


@st.cache_data(max_entries=8, show_spinner=False)
def _progress_rows(signature: tuple):
    """Return (stored progress rows, names and problems of refused progress files) for one state of the files."""
    rows, refused = progress.load_progress(signature[0], plan.load_tasks(signature[0]))
    return rows, [(r.file, r.errors) for r in refused]


def cached_progress():
    """Return the progress rows and refused files, read once per state of the files."""
    return _progress_rows(progress_signature(config.data_dir()))


@st.cache_data(max_entries=32, show_spinner=False)
def _tracker(signature: tuple, year: int, as_of: int) -> pd.DataFrame:
    """Return the tracker table for one state of the plan and progress files, year and month."""
    rows, _ = _progress_rows(signature)
    return progress.tracker_table(plan.load_tasks(signature[0], year), rows, year, as_of)


def cached_tracker(year: int, as_of: int) -> pd.DataFrame:
    """Return the tracker table (items with their latest status), computed once per data state and month."""
    return _tracker(progress_signature(config.data_dir()), year, as_of)
