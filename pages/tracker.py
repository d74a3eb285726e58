"""Work-plan tracker: the 60 work items, 9 key works and 民生实事 with status lights, by section and department."""

import streamlit as st

from lib import display, ui
from lib.access import Action, allowed
from lib.fmt import format_period
from lib.i18n import department_label, t
from lib.progress import status_counts

lang, _, year, as_of = ui.page_start("tracker_title", notices=False, needs_workplan=True)
table = ui.cached_tracker(year, as_of)
ui.refused_progress_notice()
counts = status_counts(table)
st.caption(t("tracker_caption", lang, period=format_period(year, as_of, lang), total=len(table), **counts))
st.markdown(display.progress_count_badges(counts, lang))

filtered = ui.tracker_filters(table, lang)
scores = ui.cached_scorecard(year, as_of)
if lang == "en":
    st.caption(t("plan_chinese_only", lang))
ui.csv_download(lambda: display.tracker_frame(filtered, scores, lang, with_list=True), f"workplan_{year}-{as_of:02d}",
                key="tracker_csv")
sizes = filtered["list_type"].value_counts()
tabs = st.tabs([t("tab_work_items", lang, n=sizes.get("work_item", 0)),
                t("tab_livelihood", lang, n=sizes.get("livelihood", 0)),
                t("tab_key_works", lang, n=sizes.get("key_work", 0)), t("tab_department", lang)])
for tab, list_type in zip(tabs[:3], ("work_item", "livelihood", "key_work"), strict=True):
    with tab:
        ui.tracker_table(filtered[filtered["list_type"] == list_type], scores, lang)
with tabs[3]:
    departments = sorted({d for ds_ in table["lead_departments"] for d in ds_.split("、") if d})
    dept = st.selectbox(t("filter_department", lang), departments, key="tracker_dept",
                        format_func=lambda d: department_label(d, lang))
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('dept_items', lang)}**")
        mine = table[table["lead_departments"].str.split("、").map(lambda ds_: dept in ds_)]
        ui.tracker_table(mine, scores, lang, with_list=True)
    with right:
        st.markdown(f"**{t('dept_kpis', lang)}**")
        ui.department_kpis(scores, dept, lang)

ui.item_history(table, year, as_of, lang)
who = ui.analyst_panel()
if allowed(who, Action.STORE):
    ui.progress_editor(filtered, year, as_of, who, lang)
