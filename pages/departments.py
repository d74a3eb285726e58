"""Departments: each lead department's targets, worst first, and a league table of departments."""

import streamlit as st

from lib import display, ui
from lib.cards import build_card
from lib.deepdive import department_scores, league_table
from lib.i18n import department_label, t

lang, ds, year, as_of = ui.page_start("departments_title")
scores = ui.cached_scorecard(year, as_of)

st.subheader(t("league_title", lang))
if ui.is_narrow():  # seven columns do not fit a phone: one line per department
    st.markdown(display.league_lines(league_table(scores, lang), lang))
else:
    league = display.league_frame(league_table(scores, lang), lang)
    ui.grid(display.shown(league))
    ui.csv_download(lambda: league, f"departments_{year}-{as_of:02d}", key="league_csv")

by_department = department_scores(scores)
asked = st.query_params.get("dept")  # a shared link's department
if asked in by_department and "department" not in st.session_state:
    st.session_state["department"] = asked
department = st.segmented_control(t("pick_department", lang), list(by_department), key="department",
                                  default=next(iter(by_department)), required=True,
                                  format_func=lambda d: department_label(d, lang))
st.query_params["dept"] = department
st.subheader(display.md(t("dept_targets", lang, dept=department_label(department, lang))))
for start in range(0, len(by_department[department]), 4):
    for col, score in zip(st.columns(4), by_department[department][start:start + 4], strict=False):
        with col:
            ui.score_card(build_card(score, year, as_of, lang), link_id=score.indicator)
