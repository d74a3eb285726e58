"""Presentation: one 16:9 view at a time, large type, no sidebar or toolbar, previous/next."""

import streamlit as st

from lib import display, ui
from lib.cards import build_card
from lib.deepdive import gap_sentence
from lib.engine import status_counts
from lib.fmt import format_period
from lib.i18n import t
from lib.progress import status_counts as progress_counts
from lib.slides import presentation_views

lang, ds, year, as_of = ui.page_start(presentation=True)
scores = ui.cached_scorecard(year, as_of)
tasks = ui.cached_tasks()
views = presentation_views(scores, lang, has_workplan=not tasks.empty)
index = ui.slide_index(len(views))
view = views[index]

head, where = st.columns([4, 1], vertical_alignment="bottom")
head.markdown(f"# {display.md(view.title)}")
where.markdown(f"**{format_period(year, as_of, lang)}** · {t('slide_of', lang, n=index + 1, total=len(views))}")

if view.kind == "scorecard":
    st.markdown(display.status_count_badges(status_counts(scores), lang))
    by_id = {s.indicator: s for s in scores}
    headline = [by_id[v.target_id] for v in views if v.kind == "indicator"]
    for col, score in zip(st.columns(len(headline) or 1), headline, strict=False):
        with col:
            ui.slide_card(build_card(score, year, as_of, lang), details=True)
elif view.kind == "indicator":
    detail = ui.cached_indicator_view(year, as_of, view.target_id)
    card = build_card(detail.score, year, as_of, lang)
    left, right = st.columns([1, 2.8])
    with left:
        ui.status_badge(card.status, card.status_text)
        ui.card_metric(card)
        ui.headline_numbers(detail.score, lang)
    with right:
        st.markdown(display.slide_heading(gap_sentence(detail.score, lang)))
        st.plotly_chart(ui.slide_detail_chart(detail, lang), key="slide_chart", config=ui.chart_config(ui.is_narrow()))
elif view.kind == "workplan":
    table = ui.cached_tracker(year, as_of)
    st.markdown(display.progress_count_badges(progress_counts(table), lang))
    attention = table[table["status"].isin(["behind", "not_started"])].head(8)
    ui.slide_workplan(attention, scores, lang)
elif view.kind == "category":
    group = [s for s in scores if s.category == view.category]
    st.plotly_chart(ui.slide_category_chart(group, lang), key="slide_chart", config=ui.chart_config(ui.is_narrow()))
    for col, score in zip(st.columns(len(group) or 1), group, strict=False):
        with col:
            ui.slide_card(build_card(score, year, as_of, lang))

ui.slide_footer(ds, year, as_of, index, len(views))
