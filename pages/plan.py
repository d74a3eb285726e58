"""Annual plan: upload the year's plan document, see its structure, review the draft targets, publish (analysts)."""

import streamlit as st

from lib import ui
from lib.display import md
from lib.i18n import t

lang, ds, _, _ = ui.page_start("plan_title", intro_key="plan_intro", notices=False, period=False,
                               new_folder_ok=True)  # a new city's folder (no targets yet) is where its first plan goes
who = ui.analyst_panel()
if "plan_published" in st.session_state:  # the message of the publication just made, shown once
    st.success(md(st.session_state.pop("plan_published")))

upload = ui.file_uploader(t("plan_uploader", lang), key=f"plan_upload_{st.session_state.get('plan_round', 0)}",
                          types=["docx", "pdf", "txt"])
if upload is None:
    ui.plan_records(ds)
    with st.expander(t("plan_history_title", lang), icon=":material/history:"):
        ui.publications_panel(who)
    st.stop()

document, problem = ui.cached_plan_document(upload.name, upload.getvalue())
if problem is not None:
    st.error(md(problem.message(lang)))
    st.stop()
parse = document.parse()
years = ds.catalog.years() if ds else []
year = int(st.number_input(t("plan_year_input", lang), min_value=2000, max_value=2100, step=1,
                           value=parse.year or (years[-1] + 1 if years else 2022), key="plan_year"))
overrides = ui.plan_record_form(document, year, prefix=f"plan_record_{upload.file_id}")
structure, drafted = st.tabs([t("tab_plan_structure", lang), t("tab_plan_draft", lang)])
with structure:
    ui.plan_structure(parse)
with drafted:
    draft = ui.cached_plan_draft(document, year, lang)
    rows, problems = ui.draft_editor(draft, ds, editor=f"plan_draft_{upload.file_id}_{year}")
    ui.publish_panel(rows, problems, document, year, overrides, who)
