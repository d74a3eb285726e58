"""Overview: every target's completion, expected progress and status for a year and as-of month."""

import streamlit as st

from lib import display, ui
from lib.cards import build_card
from lib.config import PACE_YELLOW_BAND_POINTS
from lib.engine import status_counts
from lib.fmt import format_period
from lib.i18n import category_label, status_label, t
from lib.plans import footer_source, overview_groups

lang, ds, year, as_of = ui.page_start("overview_title")
scores = ui.cached_scorecard(year, as_of)
counts = status_counts(scores)

st.caption(t("overview_caption", lang, period=format_period(year, as_of, lang), total=len(scores), **counts))
for col, status in zip(st.columns(4), counts):
    col.metric(status_label(status, lang), counts[status], border=True)

st.subheader(t("completion_chart", lang))
st.plotly_chart(ui.cached_overview_chart(year, as_of), key="completion_chart",
                config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})
ui.export_panel(ds, year, as_of)
with st.expander(t("how_status_title", lang), icon=":material/info:"):
    st.markdown(t("how_status", lang, band=PACE_YELLOW_BAND_POINTS))

st.subheader(t("cards_title", lang))
for category, group in overview_groups(scores):
    st.markdown(f"#### {category_label(category, lang)}")
    for start in range(0, len(group), 4):
        for col, score in zip(st.columns(4), group[start:start + 4]):
            with col:
                ui.score_card(build_card(score, year, as_of, lang), link_id=score.indicator)

table = st.expander(t("table_title", lang), key="overview_table", on_change="rerun")
with table:
    if table.open:  # the table is drawn only while it is open: most reruns never show it
        frame = ui.cached_scorecard_table(year, as_of)
        st.dataframe(frame, hide_index=True)
        st.download_button(t("download_csv", lang), lambda: display.csv_bytes(frame),
                           file_name=f"scorecard_{year}-{as_of:02d}.csv", mime="text/csv")
st.caption(footer_source(ds, year, lang))
