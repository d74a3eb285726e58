"""Every cache of the app: each keyed on the signature of the files its data comes from, so a changed file is read anew.

Data (st.cache_data) is copied out to each caller; figures (st.cache_resource) are shared and never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import charts, config, deepdive, loadcache, plan, progress, store, templates
from lib.dataset import Dataset, data_signature, files_signature, open_dataset, progress_files, progress_source
from lib.display import scorecard_table, xlsx_sheet_names
from lib.engine import Score, scorecard
from lib.intake import Parsed
from lib.plans import plan_for
from lib.problems import PlanDocumentError, Problem
from lib.ui.state import lang


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
    return _load_dataset(data_signature(config.data_dir()))


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard(signature: tuple, year: int, as_of: int) -> list[Score]:
    """Return the scorecard for one state of the data files, year and as-of month."""
    return scorecard(_load_dataset(signature), year, as_of)


def cached_scorecard(year: int, as_of: int) -> list[Score]:
    """Return the scorecard, computed once per data state, year and month."""
    return _scorecard(data_signature(config.data_dir()), year, as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard_table(signature: tuple, year: int, as_of: int, language: str) -> pd.DataFrame:
    """Return the readable scorecard table for one state of the data files, year, month and language."""
    return scorecard_table(_scorecard(signature, year, as_of), year, language)


def cached_scorecard_table(year: int, as_of: int) -> pd.DataFrame:
    """Return the scorecard table (one row per target) for the current data, year and month."""
    return _scorecard_table(data_signature(config.data_dir()), year, as_of, lang())


# Charts are cached as figures, shared and never changed: st.plotly_chart re-validates a dict
# on every rerun (~7 ms for the overview chart), while a figure is only copied (<1 ms).
@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_chart(signature: tuple, year: int, as_of: int, language: str, narrow: bool) -> go.Figure:
    """Return the overview's completion chart (or its phone layout), shared by every session (read-only)."""
    build = charts.completion_chart_narrow if narrow else charts.completion_chart
    return build(_scorecard(signature, year, as_of), language)


def cached_overview_chart(year: int, as_of: int, narrow: bool = False) -> go.Figure:
    """Return the overview chart for the current data, year, month and language, laid out for the window."""
    return _overview_chart(data_signature(config.data_dir()), year, as_of, lang(), narrow)


@st.cache_data(max_entries=64, show_spinner=False)
def _indicator_view(signature: tuple, year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target for one state of the data files (its score from the cached scorecard)."""
    return deepdive.indicator_view(_load_dataset(signature), year, as_of, target_id,
                                   scores=_scorecard(signature, year, as_of))


def cached_indicator_view(year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target, computed once per data state, year, month and target."""
    return _indicator_view(data_signature(config.data_dir()), year, as_of, target_id)


@st.cache_resource(max_entries=64, show_spinner=False)
def _detail_chart(signature: tuple, year: int, as_of: int, target_id: str, language: str, narrow: bool) -> go.Figure:
    """Return an indicator's deep-dive chart (or its phone layout), shared by every session (read-only)."""
    build = charts.detail_chart_narrow if narrow else charts.indicator_detail_chart
    return build(_indicator_view(signature, year, as_of, target_id), language)


def cached_detail_chart(year: int, as_of: int, target_id: str, narrow: bool = False) -> go.Figure:
    """Return the deep-dive chart of one target for the current data and language, laid out for the window."""
    return _detail_chart(data_signature(config.data_dir()), year, as_of, target_id, lang(), narrow)


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
    return _validation(data_signature(config.data_dir()), dt.date.today(), name, hashlib.sha256(data).hexdigest(),
                       sheet, data)


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
    return _templates(data_signature(config.data_dir()), year, month)


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
    return _plan_draft(data_signature(config.data_dir()), hashlib.sha256(document.data).hexdigest(), year, lang,
                       document)


@st.cache_data(max_entries=8, show_spinner=False)
def _plan_context(signature: tuple) -> pd.DataFrame:
    """Return the context figures the plans quote (plan_context.csv) for one state of the data files."""
    return plan.load_context(Path(signature[0]))


def cached_plan_context(year: int, target_id: str) -> list[dict]:
    """Return the figures a year's plan quotes for the country or the province beside one target."""
    frame = _plan_context(data_signature(config.data_dir()))
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
