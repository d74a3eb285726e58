"""Widgets of the intake page: the report of a checked file."""

from __future__ import annotations

import streamlit as st

from lib import config
from lib.catalog import Catalog
from lib.display import intake_summary, preview_frame, problems_frame
from lib.i18n import t
from lib.intake import Parsed
from lib.ui.state import lang

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def intake_report(parsed: Parsed, catalog: Catalog) -> None:
    """Draw what validation found: verdict, problems table and the parsed rows."""
    language = lang()
    errors, warnings = parsed.errors, parsed.warnings
    st.caption(intake_summary(parsed, language))
    if errors:
        if parsed.unlisted:  # more than the report lists: say how many at least
            st.error(t("file_has_errors_at_least", language, count=len(errors) + parsed.unlisted))
        else:
            st.error(t("file_has_errors", language, count=len(errors)))
    else:
        st.success(t("file_ok", language))
        if warnings:
            st.warning(t("file_has_warnings", language, count=len(warnings)))
    if parsed.problems:
        st.markdown(f"**{t('problems', language)}**")
        st.dataframe(problems_frame(parsed.problems, language), hide_index=True,
                     column_config={t("col_message", language): st.column_config.TextColumn(width="large")})
        if parsed.unlisted:
            st.caption(t("problems_unlisted", language, count=parsed.unlisted, limit=config.MAX_LISTED_PROBLEMS))
    if not parsed.rows.empty:
        st.markdown(f"**{t('preview', language)}**")
        st.dataframe(preview_frame(parsed.rows, catalog, language), hide_index=True)
