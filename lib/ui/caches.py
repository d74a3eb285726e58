"""Every cache of the app: each keyed on the signature of the files its data comes from, so a changed file is read anew.

Data (st.cache_data) is copied out to each caller; figures (st.cache_resource) are shared and never changed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import charts, config, deepdive, plan, progress
from lib.dataset import Dataset, data_signature, files_signature, open_dataset
from lib.display import scorecard_table
from lib.engine import Score, scorecard
from lib.ui.state import lang


def progress_signature(data_dir) -> tuple:
    """Return a key that changes when tasks.csv or a progress file changes."""
    data_dir = Path(data_dir)
    folder = data_dir / "progress"
    return files_signature(data_dir, [data_dir / "tasks.csv",
                                      *(sorted(folder.glob("*.csv")) if folder.is_dir() else [])])


@st.cache_resource(max_entries=2, show_spinner=False)
def _load_dataset(signature: tuple) -> Dataset:
    """Return the dataset for one state of the data files (a new signature rebuilds it)."""
    return open_dataset(signature[0])


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
def _overview_chart(signature: tuple, year: int, as_of: int, language: str) -> go.Figure:
    """Return the overview's completion chart, shared by every session (read-only)."""
    return charts.completion_chart(_scorecard(signature, year, as_of), language)


def cached_overview_chart(year: int, as_of: int) -> go.Figure:
    """Return the overview chart for the current data, year, month and language."""
    return _overview_chart(data_signature(config.data_dir()), year, as_of, lang())


@st.cache_data(max_entries=64, show_spinner=False)
def _indicator_view(signature: tuple, year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target for one state of the data files."""
    return deepdive.indicator_view(_load_dataset(signature), year, as_of, target_id)


def cached_indicator_view(year: int, as_of: int, target_id: str) -> deepdive.IndicatorView:
    """Return the deep-dive of one target, computed once per data state, year, month and target."""
    return _indicator_view(data_signature(config.data_dir()), year, as_of, target_id)


@st.cache_resource(max_entries=64, show_spinner=False)
def _detail_chart(signature: tuple, year: int, as_of: int, target_id: str, language: str) -> go.Figure:
    """Return an indicator's deep-dive chart, shared by every session (read-only)."""
    return charts.indicator_detail_chart(_indicator_view(signature, year, as_of, target_id), language)


def cached_detail_chart(year: int, as_of: int, target_id: str) -> go.Figure:
    """Return the deep-dive chart of one target for the current data and language."""
    return _detail_chart(data_signature(config.data_dir()), year, as_of, target_id, lang())


@st.cache_data(max_entries=8, show_spinner=False)
def _tasks(signature: tuple) -> pd.DataFrame:
    """Return data/tasks.csv for one state of the data files."""
    return plan.load_tasks(signature[0])


def cached_tasks() -> pd.DataFrame:
    """Return the work-plan items (empty before the plan is imported)."""
    return _tasks(progress_signature(config.data_dir()))


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
    return progress.tracker_table(plan.load_tasks(signature[0]), rows, year, as_of)


def cached_tracker(year: int, as_of: int) -> pd.DataFrame:
    """Return the tracker table (items with their latest status), computed once per data state and month."""
    return _tracker(progress_signature(config.data_dir()), year, as_of)
