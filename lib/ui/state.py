"""Session state of the interface: the language, and whether app.py has run in this session."""

from __future__ import annotations

import streamlit as st

from lib.i18n import DEFAULT_LANG, t

LANG_KEY = "lang"
NAVIGATION_SEEN = "navigation_seen"


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
