"""Entry point: page config, language switch, the window's width and navigation over the pages in pages/."""

import streamlit as st

from lib import ui
from lib.i18n import t

# Every session's run waits for its turn, in arrival order (lib/turns.py): runs side by side shared one interpreter.
with ui.script_turn():
    ui.leave_pages_folder_mode()
    # The tab's icon is an emoji Streamlit draws as an inline SVG: a :material/…: icon would be fetched from Google's
    # font CDN, which an intranet (or a browser in mainland China) cannot reach, and which the server's CSP refuses.
    ui.init_language()  # the tab's title in the session's language: a link saying lang=en is English from its first run
    st.set_page_config(page_title=ui.app_title(), page_icon="🚚", layout="wide")
    lang = ui.language_selector()
    ui.viewport_probe()
    # Explicit url_path: titles change with the language, and the page must keep its identity. Streamlit serves the
    # default page at / only (its own url_path is reserved, not served), so /overview is the same page a second time,
    # hidden from the menu: a link to /overview shared in a chat opens the overview, not "Page not found".
    pages = [
        st.Page("pages/overview.py", title=t("nav_overview", lang), icon=":material/dashboard:", url_path="home",
                default=True),
        st.Page("pages/overview.py", title=t("nav_overview", lang), icon=":material/dashboard:", url_path="overview",
                visibility="hidden"),
        st.Page("pages/indicator.py", title=t("nav_indicator", lang), icon=":material/query_stats:",
                url_path="indicator"),
        st.Page("pages/departments.py", title=t("nav_departments", lang), icon=":material/groups:",
                url_path="departments"),
        st.Page("pages/tracker.py", title=t("nav_tracker", lang), icon=":material/checklist:", url_path="tracker"),
        st.Page("pages/present.py", title=t("nav_present", lang), icon=":material/slideshow:", url_path="present"),
        st.Page("pages/upload.py", title=t("nav_upload", lang), icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/plan.py", title=t("nav_plan", lang), icon=":material/assignment:", url_path="plan"),
    ]
    ui.remember_pages(pages)
    st.navigation(pages).run()
