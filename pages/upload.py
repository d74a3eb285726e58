"""Data intake: upload, check and preview a file, store it (analysts), templates, submissions and revert."""

import streamlit as st

from lib import config, display, store, ui
from lib.access import Action, allowed
from lib.fmt import format_period
from lib.i18n import t

lang, ds, _, _ = ui.page_start("upload_title", intro_key="upload_intro", notices=False, period=False)
who = ui.analyst_panel()
data_dir = config.data_dir()
tab_upload, tab_templates, tab_history = st.tabs([t("tab_upload", lang), t("tab_templates", lang),
                                                  t("tab_history", lang)])

with tab_upload:
    if "upload_stored" in st.session_state:  # the message of the file just stored, shown once over a fresh uploader
        st.success(display.md(st.session_state.pop("upload_stored")))
    # A new key after each stored file empties the uploader, so the same file is not offered for storing again.
    # Every type is accepted here: the check says in the reader's language which types can be read (a browser's own
    # refusal of a type would be an English tooltip).
    may_check = allowed(who, Action.CHECK)
    if not may_check:
        st.info(t("access_sign_in_to_check", lang))
    ui.target_template(ds, st.query_params.get("target"), st.query_params.get("period"))
    upload = ui.file_uploader(t("uploader", lang), key=f"upload_{st.session_state.get('upload_round', 0)}") \
        if may_check else None
    if upload is not None:
        data = upload.getvalue()
        sheet = ui.sheet_picker(ui.cached_sheet_names(data))
        parsed = ui.cached_validation(upload.name, data, sheet=sheet)
        ui.intake_report(parsed, ds.catalog)
        earlier = ui.cached_active_submission(data) if parsed.accepted and sheet is None else None
        if parsed.accepted and earlier:
            st.info(display.md(t("already_stored", lang, id=earlier["id"], user=earlier["user"],
                                 time=display.format_timestamp(earlier["submitted_at"], lang))))
        elif parsed.accepted and allowed(who, Action.STORE):
            ui.first_file_warning(upload.name, data, sheet)
            if st.button(t("confirm_store", lang), type="primary", key="confirm_store"):
                try:
                    outcome = store.import_file(data_dir, upload.name, data, who, sheet=sheet)
                except store.StoreError as exc:
                    st.error(display.md(t("import_failed", lang, detail=exc.message(lang))))
                    st.stop()
                if outcome.submission_id:
                    st.session_state["upload_stored"] = t("stored_ok", lang, id=outcome.submission_id,
                                                          rows=len(outcome.parsed.rows))
                    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
                    st.rerun()
                ui.intake_report(outcome.parsed, ds.catalog)
        elif parsed.accepted:
            st.info(t("sign_in_to_store", lang))

with tab_templates:
    st.caption(t("templates_intro", lang))
    year, month = display.next_period(ds)
    long_frame, files = ui.cached_templates(year, month)
    cols = st.columns(3)
    cols[0].download_button(t("template_long_csv", lang), files["template_long.csv"], "template_long.csv", "text/csv")
    cols[0].download_button(t("template_long_xlsx", lang), files["template_long.xlsx"], "template_long.xlsx",
                            ui.XLSX_MIME)
    cols[1].download_button(t("template_wide_csv", lang), files["template_wide.csv"], "template_wide.csv", "text/csv")
    cols[1].download_button(t("template_wide_xlsx", lang), files["template_wide.xlsx"], "template_wide.xlsx",
                            ui.XLSX_MIME)
    cols[2].download_button(t("template_bulletin_xlsx", lang), files["template_bulletin.xlsx"],
                            "template_bulletin.xlsx", ui.XLSX_MIME)
    cols[2].download_button(t("template_bulletin_xls", lang), files["template_bulletin.xls"], "template_bulletin.xls",
                            ui.XLS_MIME)
    st.caption(format_period(year, month, lang))
    ui.grid(display.shown(long_frame))

with tab_history:
    log = ui.cached_submissions_log()
    if log.empty:
        st.caption(t("no_submissions", lang))
    else:
        ui.grid(display.shown(display.submissions_frame(log, lang)))
        ui.kept_checks(data_dir, log)
        active = log[log["status"] == "active"]["id"].tolist()
        if active and allowed(who, Action.REVERT):
            chosen = st.selectbox(t("revert_pick", lang), active, key="revert_pick")
            if st.button(t("revert", lang), key="revert"):
                try:
                    store.revert(data_dir, chosen, who)
                except store.StoreError as exc:
                    st.error(display.md(t("revert_failed", lang, detail=exc.message(lang))))
                else:
                    st.success(t("reverted_ok", lang, id=chosen))
                st.rerun()
