"""Widgets of the intake page: the report of a checked file, sheet by sheet for a workbook of several."""

from __future__ import annotations

import streamlit as st

from lib import config, coverage, store, templates
from lib.catalog import Catalog
from lib.dataset import Dataset
from lib.display import baseline_note, intake_summary, md, next_period, preview_frame, problems_frame, shown
from lib.fmt import format_period
from lib.i18n import t
from lib.intake import Parsed, parse_period
from lib.ui.caches import cached_first_real_file
from lib.ui.layout import is_narrow
from lib.ui.state import lang
from lib.ui.tables import grid

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_MIME = "application/vnd.ms-excel"
COVERAGE_LINKS_OPEN = 5  # waiting targets listed open under the coverage line; more fold into an expander
COVERAGE_LINK_COLUMNS = 3  # columns of those links on a wide window (a phone lists them one under another)
KEPT_CHECKS_SHOWN = 50  # the newest submissions whose kept warnings the history tab offers
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
    if note := baseline_note(parsed, catalog, language):
        st.info(md(note), icon=":material/history:")
    if parsed.problems:
        st.markdown(f"**{t('problems', language)}**")
        problems_table(parsed, language)
        if parsed.unlisted:
            st.caption(t("problems_unlisted", language, count=parsed.unlisted, limit=config.MAX_LISTED_PROBLEMS))
    if not parsed.rows.empty:
        st.markdown(f"**{t('preview', language)}**")
        grid(shown(preview_frame(parsed.rows, catalog, language)))


def problems_table(parsed: Parsed, language: str) -> None:
    """Draw a file's problems: a table whose 说明 wraps (st.table; cells made inert for Markdown), or on a narrow
    window one line per problem, so nothing runs off a phone's screen."""
    frame = problems_frame(parsed.problems, language)
    if any(p.sheet for p in parsed.problems):
        frame.insert(1, t("col_sheet", language), [p.sheet or "" for p in parsed.problems])
    if is_narrow():
        st.markdown("\n".join(f"- {md(p.message(language))}" for p in parsed.problems))
        return
    st.table(frame.map(md), hide_index=True)


def first_file_warning(name: str, data: bytes, sheet: str | None) -> None:
    """Draw, before 确认入库 of the first real file, that the sample stops showing and which targets read 无数据."""
    if text := cached_first_real_file(name, data, sheet):
        st.warning(text, icon=":material/swap_horiz:")


def coverage_notice(c: coverage.Coverage) -> None:
    """Draw the overview's first line on real data, then a link per target waiting for the month's figures that opens
    the upload page in the same tab with its template (st.page_link: a Markdown link opens a new tab, where the
    analyst must sign in again); more than COVERAGE_LINKS_OPEN of them fold into an expander, in columns on a wide
    window and one under another on a phone. Targets with the month's figure but no baseline follow, each linked to
    the upload page for the period they need (last year's same period), never this month's again."""
    language = lang()
    links = coverage.waiting_links(c, language)
    with st.container(border=True):
        st.markdown(f":material/fact_check: {coverage.coverage_line(c, language)}")
        if links:
            where = st.expander(t("coverage_waiting_list", language, count=len(links))) \
                if len(links) > COVERAGE_LINKS_OPEN else st.container()
            with where:
                _upload_links(links)
        if bases := coverage.base_links(c, language):  # this month's figure is in: last year's period is asked for
            st.markdown(t("coverage_no_base", language, count=len(bases)))
            _upload_links(bases)


def _upload_links(links: list[tuple[str, str, str]]) -> None:
    """Draw links to the upload page, each preset to its target and period, in columns (one under another on a
    phone)."""
    columns = [st.container()] if is_narrow() else st.columns(COVERAGE_LINK_COLUMNS)
    for i, (label, target_id, period) in enumerate(links):
        columns[i % len(columns)].page_link(
            "pages/upload.py", label=md(label), icon=":material/upload_file:",
            query_params={"target": target_id, "period": period})


def target_template(ds: Dataset, target_id: str | None, period: str | None) -> None:
    """Draw, for an upload page opened from a target waiting for its figures (?target=…&period=…), which indicators
    it reads and a template of only those for that month (else the next month to report)."""
    language = lang()
    year, month = parse_period(period) if period and parse_period(period) else next_period(ds)
    indicators = coverage.target_indicators(ds.catalog, year, target_id) if target_id else []
    if not indicators:
        return
    row = coverage.target_row(ds.catalog, year, target_id)  # a baseline year's period: this year's target
    name = row["name_en"] if language == "en" else row["name_zh"]
    names = [ds.catalog.indicators.at[i, "name_en" if language == "en" else "name_zh"] for i in indicators
             if i in ds.catalog.indicators.index]
    st.info(md(t("upload_for_target", language, name=name, indicators=", ".join(names))), icon=":material/upload:")
    frame = templates.long_template(ds.catalog, f"{year}-{month:02d}", indicators)
    st.download_button(t("template_for_target", language, name=name), templates.to_csv(frame),
                       f"template_{target_id}_{year}-{month:02d}.csv", "text/csv", key="template_for_target")
    st.caption(format_period(year, month, language))


def kept_checks(data_dir, log) -> None:
    """Draw, for each submission stored with warnings (newest first), the warnings it was stored with."""
    language = lang()
    for entry in log.to_dict("records")[:KEPT_CHECKS_SHOWN]:
        kept = store.submission_checks(data_dir, entry["id"]) if str(entry["warnings"]) not in ("", "0") else []
        if kept:
            with st.expander(t("kept_checks", language, id=entry["id"], name=entry["original_name"],
                               count=len(kept))):
                st.markdown("\n".join(f"- {md(p.message(language))}" for p in kept))
