"""Presentation: one 16:9 view at a time, sized to the window, no sidebar or toolbar, previous/next. The views are
lib/views' registry, the same the PPTX, the PDF and the PNG set show; each view kind draws its own body."""

import streamlit as st

from lib import display, ui, views
from lib.fmt import format_period
from lib.i18n import t

lang, ds, year, as_of = ui.page_start(presentation=True)
scores = ui.cached_scorecard(year, as_of)
tracker = ui.cached_tracker(year, as_of) if not ui.cached_tasks(year).empty else None
meeting = views.meeting(ds, year, as_of, lang, scores=scores, tracker=tracker,
                        details=lambda target_id: ui.cached_indicator_view(year, as_of, target_id))
slides = meeting.views()
index = ui.slide_index(slides)
view = slides[index]

with st.container(key="slide"):
    head, where = st.columns([4, 1], vertical_alignment="bottom")
    head.markdown(f"# {display.md(view.title)}")
    where.markdown(f"**{format_period(year, as_of, lang)}** · {t('slide_of', lang, n=index + 1, total=len(slides))}")
    view.kind.page(ui.SlideBody(st.container(key="slide_body")), meeting, view)
    ui.slide_footer(meeting, view, index)
