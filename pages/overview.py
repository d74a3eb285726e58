"""Overview: the answer first (one sentence, the headline targets), then every target's completion and status."""

import streamlit as st

from lib import display, ui
from lib.cards import build_card
from lib.config import PACE_YELLOW_BAND_POINTS
from lib.coverage import coverage
from lib.engine import status_counts
from lib.i18n import category_label, t
from lib.plans import headline_scores, overview_groups
from lib.sources import footer_source

lang, ds, year, as_of = ui.page_start("overview_title")
scores = ui.cached_scorecard(year, as_of)
narrow = ui.is_narrow()

if not ds.is_sample:  # real figures: first, which targets have this month's and which wait for their file
    ui.coverage_notice(coverage(scores, year, as_of))
st.markdown(f"**{display.md(display.answer_sentence(scores, year, as_of, lang))}**")
st.markdown(display.status_count_badges(status_counts(scores), lang))
headline = headline_scores(scores)
ui.card_grid([(build_card(score, year, as_of, lang), score.indicator) for score in headline], key="headline")

st.subheader(t("completion_chart", lang))
st.plotly_chart(ui.cached_overview_chart(year, as_of, narrow=narrow), key="completion_chart",
                config=ui.chart_config(narrow), theme=None)
ui.export_panel(ds, year, as_of)
with st.expander(t("how_status_title", lang), icon=":material/info:"):
    st.markdown(t("how_status", lang, band=PACE_YELLOW_BAND_POINTS))

st.subheader(t("cards_title", lang))
shown = {s.indicator for s in headline}  # the headline cards are at the top already
for number, (category, group) in enumerate(overview_groups([s for s in scores if s.indicator not in shown])):
    st.markdown(f"#### {display.md(category_label(category, lang))}")
    ui.card_grid([(build_card(score, year, as_of, lang), score.indicator) for score in group], key=f"group{number}")

table = st.expander(t("table_title", lang), key="overview_table", on_change="rerun")
with table:
    if table.open:  # the table is drawn only while it is open: most reruns never show it
        frame = ui.cached_scorecard_table(year, as_of)
        ui.grid(display.shown(frame))
        st.download_button(t("download_csv", lang), lambda: display.csv_bytes(frame),
                           file_name=f"scorecard_{year}-{as_of:02d}.csv", mime="text/csv")
st.caption(display.md(footer_source(ds, year, lang)))
