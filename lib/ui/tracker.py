"""Widgets of the work-plan tracker: its tables and filters, a department's targets, an item's history, the editor."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import config, deepdive, progress, store
from lib.access import Principal
from lib.cards import build_card
from lib.display import item_label, md, problems_frame, shown, tracker_list_html
from lib.fmt import format_period
from lib.i18n import department_label, t
from lib.ui.caches import cached_progress, cached_tasks
from lib.ui.layout import is_narrow
from lib.ui.state import lang
from lib.ui.tables import static_table
from lib.ui.widgets import file_uploader, status_badge


def tracker_table(rows, scores, language: str, with_list: bool = False) -> None:
    """Draw tracker rows as a list that scrolls with the page: status with colour and symbol, the item and its
    progress in full (one row per item on a wide window, one card per item on a phone)."""
    if rows.empty:
        st.caption("—")
        return
    st.html(tracker_list_html(rows, scores, language, with_list=with_list))


def tracker_filters(table, language: str):
    """Draw department, status and search filters (folded away on a phone); return the rows that pass them."""
    departments = sorted({d for ds_ in table["lead_departments"] for d in ds_.split("、") if d})
    if is_narrow():
        box = st.expander(t("filters", language), icon=":material/filter_list:")
        a = b = c = box
    else:
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
    mine = deepdive.department_scores(scores).get(department, [])
    if not mine:
        st.caption("—")
    for score in mine:
        card = build_card(score, 0, 0, language)
        with st.container(border=True):
            status_badge(card.status, card.status_text)
            st.markdown(f"**{md(card.title)}** · {md(card.value)} · {md(card.target_text)}")


def item_history(table, year: int, as_of: int, language: str) -> None:
    """Draw the progress history of one chosen item, month by month, up to the month the page shows (a link to May
    shows what was known in May, not October's news)."""
    with st.expander(t("item_history", language)):
        keys = table["key"].tolist()
        labels = {k: item_label(kind, number, text, language) for k, kind, number, text
                  in zip(table["key"], table["list_type"], table["number"], table["text"])}
        key = st.selectbox(t("pick_item", language), keys, key="history_item", format_func=labels.get)
        rows, _ = cached_progress()
        shown_by = (rows["year"] < year) | ((rows["year"] == year) & (rows["month"] <= as_of))
        history = rows[(rows["key"] == key) & shown_by].sort_values(["year", "month", "file_order"])
        static_table(shown(pd.DataFrame({
            t("col_month", language): [format_period(int(y), int(m), language)
                                       for y, m in zip(history["year"], history["month"])],
            t("filter_progress_status", language): [t("prog_" + s, language) for s in history["status"]],
            t("col_progress", language): history["narrative"],
            t("col_done_date", language): history["completion_date"],
            t("col_file", language): history["source_file"],
        })))


def progress_editor(rows, year: int, as_of: int, who: Principal, language: str) -> None:
    """Draw the analysts' editor and progress upload; both go through the same validated, logged intake."""
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
            _store_progress(f"editor_{year}-{as_of:02d}.csv", data, who, language)
        upload = file_uploader(t("upload_progress", language), key="progress_upload", types=["csv", "xlsx"])
        if upload is not None and st.button(t("confirm_store", language), key="store_progress_file"):
            _store_progress(upload.name, upload.getvalue(), who, language)


def _store_progress(name: str, data: bytes, who: Principal, language: str) -> None:
    """Validate and store progress rows, then report the outcome."""
    try:
        outcome = progress.import_progress(config.data_dir(), name, data, cached_tasks(), who)
    except store.StoreError as exc:
        st.error(md(t("import_failed", language, detail=exc.message(language))))
        return
    if outcome.submission_id:
        st.success(t("progress_saved", language, id=outcome.submission_id, rows=len(outcome.parsed.rows)))
    else:
        st.error(t("file_has_errors", language, count=len(outcome.parsed.errors)))
        static_table(problems_frame(outcome.parsed.problems, language))


def refused_progress_notice() -> None:
    """Name every progress file that could not be read, with its problems (the rest still shows)."""
    _, refused = cached_progress()
    if refused:
        with st.expander(t("files_rejected", lang(), count=len(refused)), expanded=True, icon=":material/warning:"):
            for name, problems in refused:
                st.markdown(f"**{md(name)}**\n" + "\n".join(f"- {md(p.message(lang()))}" for p in problems[:50]))
