"""Widgets of the intake page: the report of a checked file, sheet by sheet for a workbook of several."""

from __future__ import annotations

import streamlit as st

from lib import config
from lib.catalog import Catalog
from lib.display import intake_summary, md, preview_frame, problems_frame
from lib.i18n import t
from lib.intake import Parsed
from lib.ui.state import lang

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_MIME = "application/vnd.ms-excel"
ALL_SHEETS = ""  # the sheet picker's first option: every sheet that holds data


def sheet_picker(sheets: list[str]) -> str | None:
    """Draw a sheet picker for a workbook of several sheets (all of them by default); return the sheet, or None."""
    if len(sheets) <= 1:
        return None
    language = lang()
    chosen = st.selectbox(t("sheet", language), [ALL_SHEETS, *sheets], key="sheet",
                          format_func=lambda s: t("sheet_all", language) if s == ALL_SHEETS else s)
    return chosen or None


def intake_report(parsed: Parsed, catalog: Catalog) -> None:
    """Draw what validation found: verdict, one line per sheet read, problems table and the parsed rows."""
    language = lang()
    errors, warnings = parsed.errors, parsed.warnings
    st.caption(md(intake_summary(parsed, language)))  # the file's name is the uploader's, shown as typed
    if len(parsed.read_sheets) > 1:
        for sheet in parsed.read_sheets:
            rows = int((parsed.rows["source_sheet"] == sheet).sum()) if "source_sheet" in parsed.rows else 0
            st.caption(md(t("sheet_report", language, sheet=sheet, rows=rows,
                            errors=sum(p.sheet == sheet for p in errors),
                            warnings=sum(p.sheet == sheet for p in warnings))))
    if errors:
        if parsed.unlisted:  # more than the report lists: say how many at least
            st.error(t("file_has_errors_at_least", language, count=len(errors) + parsed.unlisted))
        else:
            st.error(t("file_has_errors", language, count=len(errors)))
        for problem in errors:
            if problem.row is None:  # about the whole file (its type, a limit, a damaged workbook): said in full
                st.error(md(problem.message(language)))
    else:
        st.success(t("file_ok", language))
        if warnings:
            st.warning(t("file_has_warnings", language, count=len(warnings)))
    if parsed.problems:
        st.markdown(f"**{t('problems', language)}**")
        frame = problems_frame(parsed.problems, language)
        if any(p.sheet for p in parsed.problems):
            frame.insert(1, t("col_sheet", language), [p.sheet or "" for p in parsed.problems])
        st.dataframe(frame, hide_index=True,
                     column_config={t("col_message", language): st.column_config.TextColumn(width="large")})
        if parsed.unlisted:
            st.caption(t("problems_unlisted", language, count=parsed.unlisted, limit=config.MAX_LISTED_PROBLEMS))
    if not parsed.rows.empty:
        st.markdown(f"**{t('preview', language)}**")
        st.dataframe(preview_frame(parsed.rows, catalog, language), hide_index=True)
