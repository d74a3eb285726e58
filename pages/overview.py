"""Overview: the answer first (one sentence, the headline targets), then every target's completion and status."""

import streamlit as st

from lib import display, ui
from lib.config import PACE_YELLOW_BAND_POINTS
from lib.coverage import coverage
from lib.i18n import t
from lib.sources import footer_source

lang, ds, year, as_of = ui.page_start("overview_title")
page = ui.cached_overview_page(year, as_of)  # sentence, counts and cards, shared by every session (never changed)
narrow = ui.is_narrow()

if not ds.is_sample:  # real figures: first, which targets have this month's and which wait for their file
    ui.coverage_notice(coverage(page.scores, year, as_of))
st.markdown(page.answer)
st.markdown(page.badges)
ui.card_grid(page.headline, key="headline")

st.subheader(t("completion_chart", lang))
st.plotly_chart(ui.cached_overview_chart(year, as_of, narrow=narrow), key="completion_chart",
                config=ui.chart_config(narrow), theme=None)
ui.export_panel(ds, year, as_of)
with st.expander(t("how_status_title", lang), icon=":material/info:"):
    st.markdown(t("how_status", lang, band=PACE_YELLOW_BAND_POINTS))

st.subheader(t("cards_title", lang))
for number, (heading, cards) in enumerate(page.groups):
    st.markdown(heading)
    ui.card_grid(cards, key=f"group{number}")

table = st.expander(t("table_title", lang), key="overview_table", on_change="rerun")
with table:
    if table.open:  # the table is drawn only while it is open: most reruns never show it
        frame = ui.cached_scorecard_table(year, as_of)
        ui.grid(display.shown(frame))
        ui.csv_download(lambda: frame, f"scorecard_{year}-{as_of:02d}", key="scorecard_csv")
st.caption(display.md(footer_source(ds, year, lang)))
