"""Indicator detail: months, pace, projection, regions, provenance and how the numbers are computed."""

import streamlit as st

from lib import display, ui
from lib.cards import build_card
from lib.deepdive import explain, gap_sentence, provenance
from lib.fmt import format_period
from lib.i18n import t
from lib.kinds import KINDS

title = st.empty()  # the title is the chosen indicator's, known only after the sidebar; it still comes first
lang, ds, year, as_of = ui.page_start()
target_id = ui.target_selector(ds, year)
view = ui.cached_indicator_view(year, as_of, target_id)
score, card = view.score, build_card(view.score, year, as_of, lang)

title.title(display.md(card.title))  # a target's name is shown as typed, never as a link
kind = t(KINDS[score.kind].label_key, lang)
st.caption(display.md(f"{format_period(year, as_of, lang)} · {kind} · {card.target_text}"))
ui.plan_context_line(year, target_id, lang)
ui.status_badge(card.status, card.status_text)
st.subheader(display.md(gap_sentence(score, lang)))
ui.headline_metrics(score, card, lang)
narrow = ui.is_narrow()
st.plotly_chart(ui.cached_detail_chart(year, as_of, target_id, narrow=narrow), key="detail_chart",
                config=ui.chart_config(narrow), theme=None)
ui.export_panel(ds, year, as_of, figure=ui.cached_detail_chart(year, as_of, target_id), slug=target_id,
                title=card.title)

with st.expander(t("explain_title", lang), icon=":material/calculate:", expanded=True):
    st.markdown("\n".join(f"- {display.md(line)}" for line in explain(score, lang)))

if not view.regions.empty:
    st.subheader(t("regions_title", lang))
    st.caption(t("region_rule", lang))
    ui.region_section(view, ds.catalog, lang)

if narrow:  # an analyst's table, seven columns wide: folded away on a phone
    box = st.expander(t("provenance_title", lang))
else:
    st.subheader(t("provenance_title", lang))
    box = st.container()
# A static table whose notes wrap (a grid's cells ended at its edge and cut them); on a phone a month a paragraph
with box:
    ui.static_table(display.provenance_frame(provenance(view, ui.cached_submissions_log(), lang), score.unit, lang))
