"""Session state of the interface: the language, and whether app.py has run in this session."""

from __future__ import annotations

import streamlit as st

from lib.i18n import DEFAULT_LANG, t

LANG_KEY = "lang"
NAVIGATION_SEEN = "navigation_seen"
PAGES_KEY = "_app_pages"  # app.py's st.Page objects of this session, by url path


def lang() -> str:
    """Return the interface language chosen in this session (zh by default)."""
    return st.session_state.get(LANG_KEY, DEFAULT_LANG)


def init_language() -> str:
    """Return the session's language, from the address (lang=en) on its first run: known before anything is drawn,
    so that the browser tab's title is in it from the start."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = "en" if st.query_params.get("lang") == "en" else DEFAULT_LANG
    return lang()


def language_selector() -> str:
    """Draw the language switch in the sidebar; return the chosen language."""
    st.session_state[NAVIGATION_SEEN] = True
    init_language()
    st.sidebar.segmented_control(
        t("language"), ["zh", "en"], key=LANG_KEY, required=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )
    # The address says English, so a link copied from an English page opens in English.
    if lang() == "en" and st.query_params.get("lang") != "en":
        st.query_params["lang"] = "en"
    elif lang() != "en" and "lang" in st.query_params:
        del st.query_params["lang"]
    return lang()


def remember_pages(pages: list) -> None:
    """Keep app.py's pages for links drawn in this run: st.page_link given a registered st.Page looks it up by its
    hash, where a file path is resolved on disk again for every link (24 cards, 24 times a rerun)."""
    st.session_state[PAGES_KEY] = {page.url_path: page for page in pages}


def page_target(path: str, url_path: str):
    """Return what st.page_link should be given for a page: app.py's registered st.Page, or its file (a page run on
    its own, as the test harness does)."""
    return st.session_state.get(PAGES_KEY, {}).get(url_path, path)
