"""The only module that imports Streamlit: cached loaders and widgets shared by the pages."""

from __future__ import annotations

import re

import streamlit as st

from lib import config
from lib.dataset import Dataset, data_signature, open_dataset
from lib.engine import Score, default_period, scorecard
from lib.fmt import format_period
from lib.i18n import DEFAULT_LANG, t
from lib.problems import InputError

LANG_KEY = "lang"
STATUS_BADGE = {"green": ("green", ":material/check_circle:"), "yellow": ("orange", ":material/error:"),
                "red": ("red", ":material/cancel:"), "grey": ("gray", ":material/help:")}


def lang() -> str:
    """Return the interface language chosen in this session (zh by default)."""
    return st.session_state.get(LANG_KEY, DEFAULT_LANG)


def language_selector() -> str:
    """Draw the language switch in the sidebar; return the chosen language."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = "en" if st.query_params.get("lang") == "en" else DEFAULT_LANG
    st.sidebar.segmented_control(
        t("language"), ["zh", "en"], key=LANG_KEY, required=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )
    return lang()


@st.cache_resource(max_entries=2, show_spinner=False)
def _load_dataset(signature: tuple) -> Dataset:
    """Return the dataset for one state of the data files (a new signature rebuilds it)."""
    return open_dataset(signature[0])


def dataset() -> Dataset | None:
    """Return the current dataset, or show the targets problems and return None."""
    try:
        return _load_dataset(data_signature(config.data_dir()))
    except InputError as exc:
        st.error(t("targets_error", lang()) + "\n\n" + "\n".join(f"- {md(p.message(lang()))}" for p in exc.problems))
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard(signature: tuple, year: int, as_of: int) -> list[Score]:
    """Return the scorecard for one state of the data files, year and as-of month."""
    return scorecard(_load_dataset(signature), year, as_of)


def cached_scorecard(year: int, as_of: int) -> list[Score]:
    """Return the scorecard, computed once per data state, year and month."""
    return _scorecard(data_signature(config.data_dir()), year, as_of)


def period_selectors(ds: Dataset) -> tuple[int, int] | None:
    """Draw year and as-of month selectors in the sidebar; return the chosen (year, month)."""
    language = lang()
    years = ds.catalog.years()
    if not years:
        return None
    latest = default_period(ds)
    default_year = latest[0] if latest else years[-1]
    # Widget keys carry the language so labels follow it; the choice itself is kept aside.
    # (A selectbox keeps its old option text in the browser when only the labels change,
    # so the year shows plain digits and the month is a slider whose labels are redrawn.)
    chosen_year = st.session_state.get("chosen_year", default_year)
    year = st.sidebar.selectbox(t("year", language), years, key=f"year_{language}",
                                index=years.index(chosen_year) if chosen_year in years else len(years) - 1)
    st.session_state["chosen_year"] = year
    periods = ds.periods()
    row = periods[periods["year"] == year]
    default_month = int(row["last_month"].iloc[0]) if not row.empty else 12
    # The choice is remembered per (year, latest month with data): a newly loaded month becomes the default.
    memory = st.session_state.setdefault("chosen_month", {})
    month = st.sidebar.select_slider(t("as_of", language), list(range(1, 13)),
                                     value=memory.get((year, default_month), default_month),
                                     key=f"as_of_{year}_{default_month}_{language}",
                                     format_func=lambda m: format_period(year, m, language))
    memory[(year, default_month)] = month
    return year, month


def data_notices(ds: Dataset) -> None:
    """Show the sample-data banner and name every actuals file that was not loaded, with its problems."""
    language = lang()
    if ds.is_sample:
        st.info(t("sample_banner", language), icon=":material/science:")
    rejected = ds.rejected
    if rejected:
        with st.expander(t("files_rejected", language, count=len(rejected)), expanded=True, icon=":material/warning:"):
            for report in rejected:
                st.markdown(f"**{md(report.file)}**")
                st.markdown("\n".join(f"- {md(p.message(language))}" for p in report.errors[:50]))


def status_badge(status: str, label: str) -> None:
    """Draw a status badge with a colour and an icon (told apart without colour too)."""
    color, icon = STATUS_BADGE[status]
    st.badge(label, color=color, icon=icon)


def md(text: object) -> str:
    """Return text with Markdown control characters escaped, so data shows as typed."""
    return re.sub(r"([\\`*_\[\]<>|~$#])", r"\\\1", str(text))


def score_card(card) -> None:
    """Draw one target's card: title, status, value, progress bar and detail lines."""
    with st.container(border=True):
        st.markdown(f"**{md(card.title)}**")
        status_badge(card.status, card.status_text)
        st.metric(card.target_text, card.value, delta=card.delta, delta_color="normal" if card.delta else "off")
        if card.progress is not None:
            st.progress(card.progress)
        st.caption("  \n".join(md(line) for line in card.lines))


def csv_bytes(frame) -> bytes:
    """Return a frame as UTF-8 CSV with BOM (opens correctly in Chinese Excel)."""
    return frame.to_csv(index=False).encode("utf-8-sig")
