"""Presentation: one 16:9 view at a time, sized to the window, no sidebar or toolbar, previous/next. The views are
lib/slides.py's list, the same the PPTX, the PDF and the PNG set show."""

import streamlit as st

from lib import display, export, ui
from lib.cards import build_card
from lib.charts import completion_chart, completion_chart_narrow, detail_chart_narrow, indicator_detail_chart
from lib.deepdive import gap_sentence
from lib.engine import status_counts
from lib.fmt import format_period
from lib.i18n import t
from lib.progress import status_counts as progress_counts

lang, ds, year, as_of = ui.page_start(presentation=True)
scores = ui.cached_scorecard(year, as_of)
tracker = ui.cached_tracker(year, as_of) if not ui.cached_tasks(year).empty else None
meeting = export.meeting(ds, year, as_of, lang, scores=scores, tracker=tracker)
views = meeting.views()
index = ui.slide_index(len(views))
view = views[index]

with st.container(key="slide"):
    head, where = st.columns([4, 1], vertical_alignment="bottom")
    head.markdown(f"# {display.md(view.title)}")
    where.markdown(f"**{format_period(year, as_of, lang)}** · {t('slide_of', lang, n=index + 1, total=len(views))}")
    with st.container(key="slide_body"):
        if view.shows == "scorecard":
            st.markdown(display.status_count_badges(status_counts(scores), lang))
            headline = [s for v in views if v.shows == "indicator" for s in scores if s.indicator == v.target_id]
            for col, score in zip(st.columns(len(headline) or 1), headline, strict=False):
                with col:
                    ui.slide_card(build_card(score, year, as_of, lang), details=True)
        elif view.shows == "overview":
            ui.slide_chart(completion_chart(scores, lang, label_width=70), type_px=ui.DENSE_CHART_TYPE_PX,
                           phone=completion_chart_narrow(scores, lang))
        elif view.shows == "indicator":
            detail = ui.cached_indicator_view(year, as_of, view.target_id)
            card = build_card(detail.score, year, as_of, lang)
            left, right = st.columns([1, 3.2])
            with left.container(key="slide_side"):
                ui.status_badge(card.status, card.status_text)
                ui.card_metric(card)
                ui.headline_numbers(detail.score, lang)
            with right.container(key="slide_main"):
                st.markdown(display.slide_heading(gap_sentence(detail.score, lang)))
                ui.slide_chart(indicator_detail_chart(detail, lang), phone=detail_chart_narrow(detail, lang))
        elif view.shows == "category":
            group = [s for s in scores if s.category == view.category]
            ui.slide_chart(completion_chart(group, lang, label_width=70), phone=completion_chart_narrow(group, lang))
            for col, score in zip(st.columns(len(group) or 1), group, strict=False):
                with col:
                    ui.slide_card(build_card(score, year, as_of, lang))
        elif view.shows == "workplan":
            if lang == "en":
                st.caption(t("plan_chinese_only", lang))
            st.markdown(display.progress_count_badges(progress_counts(meeting.tracker), lang))
            if ui.is_narrow():  # the tracker's list: a table of five columns does not fit a phone
                st.html(display.tracker_list_html(export.workplan_items(meeting, view), scores, lang, with_list=True))
            else:
                rows = export.workplan_rows(meeting, view)
                ui.workplan_table(rows.drop(columns="_status"),
                                  [export.PROGRESS_COLORS.get(s, "#222222") for s in rows["_status"]])
    ui.slide_footer(meeting, view, index, len(views))
