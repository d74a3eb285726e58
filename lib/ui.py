"""The only module that imports Streamlit: cached loaders and widgets shared by the pages."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from lib import auth, charts, config, deepdive, plan, progress, store
from lib.dataset import Dataset, data_signature, files_signature, open_dataset
from lib.display import (
    STATUS_BADGE,
    badge_markdown,
    intake_summary,
    item_label,
    md,
    preview_frame,
    problems_frame,
    scorecard_table,
    tracker_widths,
)
from lib.engine import Score, default_period, scorecard
from lib.fmt import estimate, format_month_range, format_pct, format_period, format_value
from lib.i18n import DEFAULT_LANG, department_label, t
from lib.problems import InputError

LANG_KEY = "lang"
NAVIGATION_SEEN = "navigation_seen"


def lang() -> str:
    """Return the interface language chosen in this session (zh by default)."""
    return st.session_state.get(LANG_KEY, DEFAULT_LANG)


def language_selector() -> str:
    """Draw the language switch in the sidebar; return the chosen language."""
    st.session_state[NAVIGATION_SEEN] = True
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


# Charts are cached as figures, shared and never changed: st.plotly_chart re-validates a dict
# on every rerun (~7 ms for the overview chart), while a figure is only copied (<1 ms).
@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_chart(signature: tuple, year: int, as_of: int, language: str) -> go.Figure:
    """Return the overview's completion chart, shared by every session (read-only)."""
    return charts.completion_chart(_scorecard(signature, year, as_of), language)


@st.cache_data(max_entries=64, show_spinner=False)
def _scorecard_table(signature: tuple, year: int, as_of: int, language: str):
    """Return the readable scorecard table for one state of the data files, year, month and language."""
    return scorecard_table(_scorecard(signature, year, as_of), year, language)


def cached_scorecard_table(year: int, as_of: int):
    """Return the scorecard table (one row per target) for the current data, year and month."""
    return _scorecard_table(data_signature(config.data_dir()), year, as_of, lang())


def cached_overview_chart(year: int, as_of: int) -> go.Figure:
    """Return the overview chart for the current data, year, month and language."""
    return _overview_chart(data_signature(config.data_dir()), year, as_of, lang())


@st.cache_resource(max_entries=64, show_spinner=False)
def _detail_chart(signature: tuple, year: int, as_of: int, target_id: str, language: str) -> go.Figure:
    """Return an indicator's deep-dive chart, shared by every session (read-only)."""
    return charts.indicator_detail_chart(_indicator_view(signature, year, as_of, target_id), language)


def cached_detail_chart(year: int, as_of: int, target_id: str) -> go.Figure:
    """Return the deep-dive chart of one target for the current data and language."""
    return _detail_chart(data_signature(config.data_dir()), year, as_of, target_id, lang())


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


def card_metric(card, label: str | None = None, where=None, **kwargs) -> None:
    """Draw a card's value as a metric, with its delta (sign first: it sets the arrow) and what that compares with."""
    (where or st).metric(label or card.target_text, card.value, delta=card.delta,
                         delta_color="normal" if card.delta else "off", delta_description=card.delta_note, **kwargs)


def score_card(card, link_id: str | None = None) -> None:
    """Draw one target's card: title, status, value, progress bar, detail lines and a link to its page."""
    with st.container(border=True):
        # Title and status in one Markdown element: 24 cards make every element count on a rerun.
        st.markdown(f"**{md(card.title)}**  \n{badge_markdown(card.status, card.status_text)}")
        card_metric(card)
        if card.progress is not None:
            st.progress(card.progress)
        st.caption("  \n".join(md(line) for line in card.lines))
        if link_id:
            st.page_link("pages/indicator.py", label=t("open_detail", lang()), icon=":material/arrow_forward:",
                         query_params={"id": link_id})


def _secret_accounts() -> dict:
    """Return [analysts] from Streamlit secrets, or nothing when there is no secrets file."""
    try:
        return dict(st.secrets.get("analysts", {}))
    except (FileNotFoundError, KeyError, AttributeError, StreamlitSecretNotFoundError):
        return {}


def analyst_panel() -> str | None:
    """Draw sign-in (or sign-out) for analysts in the sidebar; return the signed-in name."""
    language = lang()
    user = st.session_state.get("analyst")
    box = st.sidebar.container(border=True)
    if user:
        box.markdown(t("signed_in_as", language, name=md(user)))
        if box.button(t("sign_out", language), key="sign_out"):
            del st.session_state["analyst"]
            st.rerun()
        return user
    known = auth.accounts(secret_accounts=_secret_accounts())
    if not known:
        box.caption(t("no_accounts", language))
        return None
    with box.form("sign_in", border=False):
        st.markdown(f"**{t('sign_in_title', language)}**")
        name = st.text_input(t("user_name", language), key="sign_in_name")
        password = st.text_input(t("password", language), type="password", key="sign_in_password")
        if st.form_submit_button(t("sign_in", language)):
            name = name.strip()
            wait = auth.THROTTLE.wait_seconds(name)
            if wait > 0:
                st.error(t("sign_in_throttled", language, minutes=max(1, round(wait / 60))))
            elif auth.check(name, password, known):
                auth.THROTTLE.succeeded(name)
                st.session_state["analyst"] = name
                st.rerun()
            else:
                auth.THROTTLE.failed(name)
                st.error(t("sign_in_failed", language))
    return None


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def intake_report(parsed, catalog) -> None:
    """Draw what validation found: verdict, problems table and the parsed rows."""
    language = lang()
    errors, warnings = parsed.errors, parsed.warnings
    st.caption(intake_summary(parsed, language))
    if errors:
        if parsed.unlisted:  # more than the report lists: say how many at least
            st.error(t("file_has_errors_at_least", language, count=len(errors) + parsed.unlisted))
        else:
            st.error(t("file_has_errors", language, count=len(errors)))
    else:
        st.success(t("file_ok", language))
        if warnings:
            st.warning(t("file_has_warnings", language, count=len(warnings)))
    if parsed.problems:
        st.markdown(f"**{t('problems', language)}**")
        st.dataframe(problems_frame(parsed.problems, language), hide_index=True,
                     column_config={t("col_message", language): st.column_config.TextColumn(width="large")})
        if parsed.unlisted:
            st.caption(t("problems_unlisted", language, count=parsed.unlisted, limit=config.MAX_LISTED_PROBLEMS))
    if not parsed.rows.empty:
        st.markdown(f"**{t('preview', language)}**")
        st.dataframe(preview_frame(parsed.rows, catalog, language), hide_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _indicator_view(signature: tuple, year: int, as_of: int, target_id: str):
    """Return the deep-dive of one target for one state of the data files."""
    return deepdive.indicator_view(_load_dataset(signature), year, as_of, target_id)


def cached_indicator_view(year: int, as_of: int, target_id: str):
    """Return the deep-dive of one target, computed once per data state, year, month and target."""
    return _indicator_view(data_signature(config.data_dir()), year, as_of, target_id)


def target_selector(ds: Dataset, year: int) -> str:
    """Draw the target picker (preset from ?id=); return the chosen target id."""
    language = lang()
    targets = ds.catalog.targets_for(year)
    ids = targets["id"].tolist()
    names = dict(zip(ids, targets["name_en" if language == "en" else "name_zh"]))
    wanted = st.query_params.get("id")
    if wanted in ids and st.session_state.get("chosen_target") != wanted:
        st.session_state["chosen_target"] = wanted
    chosen = st.session_state.get("chosen_target", ids[0] if ids else None)
    target = st.sidebar.selectbox(t("pick_target", language), ids, key=f"target_{language}_{chosen}",
                                  index=ids.index(chosen) if chosen in ids else 0, format_func=names.get)
    if target != chosen:
        st.session_state["chosen_target"] = target
    st.query_params["id"] = target
    return target


def headline_metrics(score: Score, card, language: str) -> None:
    """Draw the key numbers of one target in a row of metrics."""
    cols = st.columns(4)
    card_metric(card, t("actual", language), where=cols[0], border=True)
    cols[1].metric(t("completion", language), format_pct(score.completion_pct), border=True)
    cols[2].metric(t("expected_seasonal", language), format_pct(score.expected_pct_seasonal), border=True)
    projection = format_value(estimate(score.projection_year_end, score.unit), score.unit, language, compact=True)
    cols[3].metric(t("projection", language), projection, border=True)


def region_section(view, language: str) -> None:
    """Draw each region's contribution and own-target completion, and any city/region disagreement."""
    import pandas as pd

    unit = view.score.unit
    frame = view.regions
    for month, city, total in view.region_warnings:
        st.warning(t("region_disagree", language, period=format_month_range(month, month, language),
                     city=format_value(city, unit, language),
                     sum=format_value(total, unit, language), pct=f"{abs(total / city - 1) * 100:.2f}%"))
    table = pd.DataFrame({
        t("col_region", language): frame["region"],
        t("col_month", language): frame["month"],
        t("actual", language): [format_value(v, unit, language) for v in frame["value"]],
        t("col_share", language): [format_pct(v) for v in frame["share_pct"]],
        t("col_target", language): [format_value(v, unit, language) for v in frame["target"]],
        t("col_completion", language): [format_pct(v) for v in frame["completion_pct"]],
    })
    st.dataframe(table, hide_index=True)


def require_app_navigation() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own.

    With a pages/ folder, the first session after the server starts on a deep link
    (/indicator) runs that page directly in the old multipage mode: no page config, no
    language switch, file names as navigation. Clearing the flag and rerunning makes
    Streamlit run app.py, whose st.navigation then opens the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    # Only before app.py has run in this session: the test harness switches pages the old
    # way on purpose, and a rerun there would drop the widget values it set.
    if PagesManager.uses_pages_directory and not st.session_state.get(NAVIGATION_SEEN):
        PagesManager.uses_pages_directory = False
        st.rerun()


# Static styles of the presentation page (no user data): hide the chrome, enlarge the type.
_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stMainBlockContainer, .block-container { padding: 1.2rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.2rem; }
.stMainBlockContainer h1 { font-size: 2.4rem; padding: 0; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.5rem !important; line-height: 1.15; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
/* Slides are laid out for 1280×720; on larger 16:9 screens the text scales up (charts keep their own size:
   Plotly measures its container and would be clipped inside a zoomed one). */
@media (min-width: 1580px) and (min-height: 880px) {
  .stMainBlockContainer :is([data-testid="stMarkdown"], [data-testid="stMetric"],
   [data-testid="stButton"], [data-testid="stPageLink"], [data-testid="stBadge"]) { zoom: 1.25; } }
@media (min-width: 1900px) and (min-height: 1060px) {
  .stMainBlockContainer :is([data-testid="stMarkdown"], [data-testid="stMetric"],
   [data-testid="stButton"], [data-testid="stPageLink"], [data-testid="stBadge"]) { zoom: 1.45; } }
</style>
"""


def presentation_style() -> None:
    """Hide the sidebar and toolbar and enlarge the type for the presentation page."""
    st.html(_PRESENTATION_CSS)


def present_period(default: tuple[int, int]) -> tuple[int, int]:
    """Return the period to present: the one chosen on the other pages, else the latest with data."""
    year = st.session_state.get("chosen_year", default[0])
    memory = st.session_state.get("chosen_month", {})
    month = memory.get((year, default[1]), default[1]) if year == default[0] else 12
    return year, month


def slide_index(total: int) -> int:
    """Return the current slide (from ?view=N, 1-based), clamped to the slides there are."""
    try:
        index = int(st.query_params.get("view", "1")) - 1
    except ValueError:
        index = 0
    return max(0, min(index, total - 1))


def slide_footer(ds: Dataset, year: int, as_of: int, index: int, total: int) -> None:
    """Draw the slide footer (as-of month, source, legend) and previous/next/exit navigation."""
    language = lang()
    st.divider()
    info, screen, prev, nxt, leave, out = st.columns([4.2, 1, 1, 1, 1.1, 1.2], vertical_alignment="center")
    with out:
        export_panel(year, as_of)
    big = screen.toggle(t("big_screen", language), value=st.query_params.get("screen") == "1080", key="slide_screen",
                        help=t("screen_help", language))
    if big != (st.query_params.get("screen") == "1080"):
        st.query_params["screen"] = "1080" if big else "720"
        st.rerun()
    source = t("slide_source", language, source=ds.data_dir.name + "/actuals")
    info.caption(f"{t('slide_footer', language, period=format_period(year, as_of, language), source=source)}  \n"
                 f"{t('legend', language)}")
    if prev.button(t("prev", language), disabled=index == 0, key="slide_prev", width="stretch"):
        st.query_params["view"] = str(index)
        st.rerun()
    if nxt.button(t("next", language), disabled=index >= total - 1, key="slide_next", type="primary",
                  width="stretch"):
        st.query_params["view"] = str(index + 2)
        st.rerun()
    leave.page_link("pages/overview.py", label=t("exit_present", language), icon=":material/close:")


def slide_card(card, details: bool = False) -> None:
    """Draw a card for a slide: title, status, big value, and (with details) progress and one line."""
    with st.container(border=True):
        st.markdown(f"**{md(card.title)}**")
        status_badge(card.status, card.status_text)
        card_metric(card)
        if details and card.progress is not None:
            st.progress(card.progress)
        if details and card.lines:
            st.caption(md(card.lines[0]))


def headline_numbers(score: Score, language: str) -> None:
    """Draw completion, expected progress and projection as large metrics, one under another."""
    st.metric(t("completion", language), format_pct(score.completion_pct))
    st.metric(t("expected_seasonal", language), format_pct(score.expected_pct_seasonal))
    if score.projection_year_end is not None and score.kind in ("flow", "level"):
        projection = format_value(estimate(score.projection_year_end, score.unit), score.unit, language, compact=True)
        st.metric(t("projection", language), projection)


def slide_chart_height() -> int:
    """Return the chart height of a slide: 410 px fits 1280×720; ?screen=1080 gives a 1920×1080 projector more."""
    return 640 if st.query_params.get("screen") == "1080" else 410


@st.cache_data(max_entries=8, show_spinner=False)
def _tasks(signature: tuple):
    """Return data/tasks.csv for one state of the data files."""
    return plan.load_tasks(signature[0])


def cached_tasks():
    """Return the work-plan items (empty before the plan is imported)."""
    return _tasks(progress_signature(config.data_dir()))


@st.cache_data(max_entries=32, show_spinner=False)
def _tracker(signature: tuple, year: int, as_of: int):
    rows, _ = _progress_rows(signature)
    return progress.tracker_table(plan.load_tasks(signature[0]), rows, year, as_of)


def cached_tracker(year: int, as_of: int):
    """Return the tracker table (items with their latest status), computed once per data state and month."""
    return _tracker(progress_signature(config.data_dir()), year, as_of)


def progress_signature(data_dir) -> tuple:
    """Return a key that changes when tasks.csv or a progress file changes."""
    from pathlib import Path

    data_dir = Path(data_dir)
    folder = data_dir / "progress"
    return files_signature(data_dir, [data_dir / "tasks.csv",
                                      *(sorted(folder.glob("*.csv")) if folder.is_dir() else [])])


@st.cache_data(max_entries=8, show_spinner=False)
def _progress_rows(signature: tuple):
    """Return (stored progress rows, names and problems of refused progress files) for one state of the files."""
    rows, refused = progress.load_progress(signature[0], plan.load_tasks(signature[0]))
    return rows, [(r.file, r.errors) for r in refused]


def cached_progress():
    """Return the progress rows and refused files, read once per state of the files."""
    return _progress_rows(progress_signature(config.data_dir()))


def tracker_table(frame, language: str, **kwargs) -> None:
    """Draw a tracker table with room for the long texts (the item and its progress)."""
    st.dataframe(frame, hide_index=True, column_config={
        name: st.column_config.TextColumn(width=width) for name, width in tracker_widths(language).items()}, **kwargs)


def tracker_filters(table, language: str):
    """Draw department, status and search filters; return the rows that pass them."""
    departments = sorted({d for ds_ in table["lead_departments"] for d in ds_.split("、") if d})
    a, b, c = st.columns([2, 2, 3])
    chosen = a.multiselect(t("filter_department", language), departments, key="filter_dept",
                           format_func=lambda d: department_label(d, language), placeholder=t("all", language))
    statuses = b.multiselect(t("filter_progress_status", language), [*progress.STATUSES, "none"], key="filter_status",
                             format_func=lambda s: t("prog_" + s, language), placeholder=t("all", language))
    query = c.text_input(t("search", language), key="filter_search").strip()
    mask = table["key"].notna()
    if chosen:
        mask &= table["lead_departments"].str.split("、").map(lambda ds_: bool(set(ds_) & set(chosen)))
    if statuses:
        mask &= table["status"].isin(statuses)
    if query:
        mask &= table["text"].str.contains(query, regex=False) | table["narrative"].str.contains(query, regex=False)
    return table[mask]


def department_kpis(scores, department: str, language: str) -> None:
    """Draw compact cards of the targets a department leads, worst first."""
    from lib.cards import build_card

    mine = deepdive.department_scores(scores).get(department, [])
    if not mine:
        st.caption("—")
    for score in mine:
        card = build_card(score, 0, 0, language)
        with st.container(border=True):
            status_badge(card.status, card.status_text)
            st.markdown(f"**{md(card.title)}** · {md(card.value)} · {md(card.target_text)}")


def item_history(table, language: str) -> None:
    """Draw the progress history of one chosen item, month by month."""
    import pandas as pd

    with st.expander(t("item_history", language)):
        keys = table["key"].tolist()
        labels = {k: item_label(kind, number, text, language) for k, kind, number, text
                  in zip(table["key"], table["list_type"], table["number"], table["text"])}
        key = st.selectbox(t("pick_item", language), keys, key="history_item", format_func=labels.get)
        rows, _ = cached_progress()
        history = rows[rows["key"] == key].sort_values(["year", "month", "file_order"])
        st.dataframe(pd.DataFrame({
            t("col_month", language): [format_period(int(y), int(m), language)
                                       for y, m in zip(history["year"], history["month"])],
            t("filter_progress_status", language): [t("prog_" + s, language) for s in history["status"]],
            t("col_progress", language): history["narrative"],
            t("col_done_date", language): history["completion_date"],
            t("col_file", language): history["source_file"],
        }), hide_index=True)


def progress_editor(rows, year: int, as_of: int, user: str, language: str) -> None:
    """Draw the analysts' editor and progress upload; both go through the same validated, logged intake."""
    import datetime as dt

    import pandas as pd

    with st.expander(t("edit_progress", language), icon=":material/edit:"):
        st.caption(t("edit_help", language))
        frame = pd.DataFrame({
            "key": rows["key"], "text": rows["text"],
            "status": rows["status"].replace("none", "in_progress"), "narrative": rows["narrative"],
            "completion_date": [dt.date.fromisoformat(d) if d else None for d in rows["completion_date"]],
        })
        edited = st.data_editor(frame, hide_index=True, key=f"progress_editor_{year}_{as_of}", column_config={
            "key": st.column_config.TextColumn(t("col_number", language), disabled=True),
            "text": st.column_config.TextColumn(t("col_item", language), disabled=True, width="large"),
            "status": st.column_config.SelectboxColumn(t("filter_progress_status", language), required=True,
                                                       options=list(progress.STATUSES)),
            "narrative": st.column_config.TextColumn(t("col_progress", language), max_chars=progress.MAX_NARRATIVE),
            "completion_date": st.column_config.DateColumn(t("col_done_date", language)),
        })
        period = format_period(year, as_of, language)
        if st.button(t("save_progress", language, period=period), type="primary", key="save_progress"):
            data = progress.editor_csv(edited, year, as_of)
            _store_progress(f"editor_{year}-{as_of:02d}.csv", data, user, language)
        upload = st.file_uploader(t("upload_progress", language), type=["csv", "xlsx"], key="progress_upload")
        if upload is not None and st.button(t("confirm_store", language), key="store_progress_file"):
            _store_progress(upload.name, upload.getvalue(), user, language)


def _store_progress(name: str, data: bytes, user: str, language: str) -> None:
    """Validate and store progress rows, then report the outcome."""
    try:
        outcome = progress.import_progress(config.data_dir(), name, data, cached_tasks(), user)
    except (store.StoreError, OSError) as exc:
        st.error(t("import_failed", language, detail=exc))
        return
    if outcome.submission_id:
        st.success(t("progress_saved", language, id=outcome.submission_id, rows=len(outcome.parsed.rows)))
    else:
        st.error(t("file_has_errors", language, count=len(outcome.parsed.errors)))
        st.dataframe(problems_frame(outcome.parsed.problems, language), hide_index=True)


def export_panel(year: int, as_of: int, figure=None, slug: str = "chart") -> None:
    """Draw the export buttons: this chart as PNG (when given) and the PPTX deck, with a progress bar."""
    from lib import export

    language = lang()
    with st.popover(t("export_title", language), icon=":material/download:"):
        if figure is not None and st.button(t("export_png", language), key=f"png_{slug}"):
            try:
                png = export.figure_png(figure, lang=language)
            except export.ExportUnavailable as exc:
                st.error(str(exc))
            else:
                st.download_button(t("download_png", language), png, f"{slug}_{year}-{as_of:02d}.png", "image/png",
                                   key=f"png_download_{slug}")
        if st.button(t("export_pptx", language), key="build_pptx"):
            bar = st.progress(0.0)

            def report(fraction: float, label: str) -> None:
                bar.progress(fraction, text=t("export_building", language, label=label))

            deck = export.build_deck(dataset(), year, as_of, language, progress=report)
            st.download_button(t("download_pptx", language), deck, f"scorecard_{year}-{as_of:02d}.pptx",
                               "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                               key="pptx_download")


def page_start(title_key: str | None = None) -> tuple[str, Dataset, int, int]:
    """Return (language, dataset, year, as-of month) after the shared start of a data page; stop when there is none.

    Draws the title (when given), the sample banner and refused files, and the period selectors.
    """
    require_app_navigation()
    language = lang()
    if title_key:
        st.title(t(title_key, language))
    ds = dataset()
    if ds is None:
        st.stop()
    data_notices(ds)
    period = period_selectors(ds)
    if period is None:
        st.warning(t("no_data", language, path=ds.data_dir / "actuals"))
        st.stop()
    return language, ds, period[0], period[1]


def refused_progress_notice() -> None:
    """Name every progress file that could not be read, with its problems (the rest still shows)."""
    _, refused = cached_progress()
    if refused:
        with st.expander(t("files_rejected", lang(), count=len(refused)), expanded=True, icon=":material/warning:"):
            for name, problems in refused:
                st.markdown(f"**{md(name)}**\n" + "\n".join(f"- {md(p.message(lang()))}" for p in problems[:50]))
