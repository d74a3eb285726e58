"""Widgets of the plan page and the plan's texts elsewhere: the app title, a year without actuals, the plans on
record, a document's structure, the editable draft with each row's problems and last year's target, publishing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import access, config, plan, plans, store, units
from lib.access import Principal
from lib.catalog import TARGET_COLUMNS, load_regions
from lib.dataset import Dataset
from lib.display import format_timestamp, md, shown
from lib.i18n import department_label, departments_label, original, t
from lib.kinds import KINDS
from lib.plan.draft import (
    DRAFT_COLUMNS,
    NO,
    REASON_COLUMN,
    REVIEW_COLUMN,
    TAKEN_COLUMN,
    YES,
    is_taken,
    reason_label,
    translate_reason,
)
from lib.plan.draft_rows import complete_hand_row
from lib.plan.header import english_names, load_places
from lib.plan.model import KEY_WORK, LIVELIHOOD, WORK_ITEM
from lib.problems import InputError
from lib.ui.caches import cached_dataset
from lib.ui.state import lang
from lib.ui.tables import grid, static_table

# The editor's own columns, never published: the tick that flips taken, last year's target, the row's problems, the
# reason in the reader's language, and the mark of a row added by hand.
TAKEN_CELL, PREVIOUS, PROBLEMS, SHOWN_REASON, HAND = "_taken", "_previous", "_problems", "_reason", "_hand"
# The columns a reviewer reads first; the rest follow in targets.csv's order.
FIRST_COLUMNS = [TAKEN_CELL, "name_zh", "figure", SHOWN_REASON, PREVIOUS, "target_value", "unit", "comparator",
                 "kind", "lead_departments", "growth_target_pct", PROBLEMS, REVIEW_COLUMN, "id", "category",
                 "headline", "stretch_value", "baseline_year", "name_en"]



def app_title() -> str:
    """Return the app's title for the year in view: its plan's city and year (a plain title when unknown)."""
    try:
        ds = cached_dataset()
    except InputError:
        return t("app_title_plain", lang())
    years = ds.catalog.years()
    year = st.session_state.get("chosen_year") or (years[-1] if years else None)
    return plans.plan_for(ds.catalog, year).app_title(lang())


def year_without_actuals(ds: Dataset, year: int) -> None:
    """Say, above grey cards, that the year has no actuals yet and what to upload, with a link to the intake page."""
    if year in ds.last_months():
        return
    language = lang()
    st.info(t("year_no_actuals", language, year=year), icon=":material/upload_file:")
    st.page_link("pages/upload.py", label=t("go_upload", language), icon=":material/arrow_forward:")


def plan_records(ds: Dataset | None) -> None:
    """Draw the plans on record: year, 文号, title, issuer, date and document (none before the first plan)."""
    language = lang()
    records = ds.catalog.plans if ds else plans.empty_plans()
    st.subheader(t("plan_records_title", language))
    if records.empty:
        st.caption(t("plan_no_records", language))
        return
    rows = [plans.plan_for(ds.catalog, int(year)) for year in records["year"]]
    table = pd.DataFrame({
        t("col_plan_year", language): [str(p.year) for p in rows],
        t("col_doc_number", language): [original(p.doc_number, language) for p in rows],
        t("col_plan_title", language): [p.title(language) for p in rows],
        t("col_issuer", language): [p.issuer(language) for p in rows],
        t("col_issued", language): [p.issued.isoformat() if p.issued else "" for p in rows],
        t("col_document", language): [p.document for p in rows],
    })
    static_table(table)  # its cells wrap (a grid's cells ended at its edge, the plan's title cut off)


def plan_structure(parse: plan.PlanParse) -> None:
    """Draw what the document holds: counts, each list's items with section and lead departments, departments."""
    language = lang()
    cols = st.columns(4)
    cols[0].metric(t("plan_count_key_works", language), len(parse.key_works), border=True)
    cols[1].metric(t("plan_count_work_items", language), len(parse.work_items), border=True,
                   help=t("plan_count_sections", language, n=len(parse.sections_of(WORK_ITEM))))
    cols[2].metric(t("plan_count_livelihood", language), len(parse.livelihood), border=True)
    cols[3].metric(t("plan_departments", language), len(plan.department_counts(parse)), border=True)
    for goal in parse.goals:
        st.markdown(f"**{t('plan_goals', language)}**：{md(goal.text)}" if language != "en" else
                    f"**{t('plan_goals', language)}**: {md(goal.text)}")
    tabs = st.tabs([t("plan_count_key_works", language), t("plan_count_work_items", language),
                    t("plan_count_livelihood", language), t("plan_departments", language)])
    for tab, list_type in zip(tabs[:3], (KEY_WORK, WORK_ITEM, LIVELIHOOD), strict=True):
        with tab:
            static_table(_items_frame(parse.of(list_type), language))
    with tabs[3]:
        counts = plan.department_counts(parse)
        grid(pd.DataFrame({t("col_lead", language): [department_label(d, language) for d in counts],
                           t("col_items_led", language): list(counts.values())}))
    if parse.unplaced:
        with st.expander(t("plan_unplaced", language, n=len(parse.unplaced)), icon=":material/warning:"):
            st.markdown("\n".join(f"- {n}: {md(line)}" for n, line in parse.unplaced))


def _items_frame(items: list[plan.PlanItem], language: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_number", language): [item.number for item in items],
        t("col_section", language): [item.section_title for item in items],
        t("col_item", language): [item.text for item in items],
        t("col_lead", language): [departments_label(item.departments, language) for item in items],
    })


def plan_record_form(document: plan.PlanDocument, year: int, prefix: str) -> dict:
    """Draw the plan's record as read from the document's header, editable, the English names from the places the
    data knows (or a note asking for them); return what the analyst changed."""
    language = lang()
    header = document.header()
    issuer_en, city_en = english_names(header.issuer, header.city, load_places(config.data_dir()))
    out = {}
    with st.expander(t("plan_record_title", language), icon=":material/description:"):
        a, b = st.columns(2)
        out["doc_number"] = a.text_input(t("col_doc_number", language), header.doc_number, key=f"{prefix}_number")
        out["issuer_zh"] = b.text_input(t("col_issuer", language), header.issuer, key=f"{prefix}_issuer")
        out["title_zh"] = st.text_input(t("col_plan_title", language), header.title or
                                        t("plan_title_default", "zh", year=year), key=f"{prefix}_title")
        issued = a.date_input(t("col_issued", language), header.issued, key=f"{prefix}_issued", format="YYYY-MM-DD")
        out["issued"] = issued.isoformat() if issued else ""
        out["title_en"] = b.text_input(t("col_plan_title_en", language), t("plan_title_default", "en", year=year),
                                       key=f"{prefix}_title_en")
        out["issuer_en"] = a.text_input(t("col_issuer_en", language), issuer_en, key=f"{prefix}_issuer_en")
        out["city_zh"] = b.text_input(t("col_city", language), header.city, key=f"{prefix}_city")
        out["city_en"] = a.text_input(t("col_city_en", language), city_en, key=f"{prefix}_city_en")
    if not out["issuer_en"] or (out["city_zh"] and not out["city_en"]):
        st.warning(t("plan_english_names_unknown", language, issuer=out["issuer_zh"] or out["city_zh"] or "—"))
    return {field: value for field, value in out.items() if value}


def _edited(base: pd.DataFrame, editor: str, year: int) -> pd.DataFrame:
    """Return the editor's rows as the reviewer has them now (its state is kept in session state)."""
    return edited_rows(base, st.session_state.get(editor, {}), year)


def edited_rows(base: pd.DataFrame, state: dict, year: int) -> pd.DataFrame:
    """Return the base with a data editor's edits, deletions and rows added by hand applied (an added row gets what a
    drafted row would have: taken, year, id, aggregation, baseline), in the order the editor shows them."""
    current = base.copy()
    for row, changes in state.get("edited_rows", {}).items():
        for column, value in changes.items():
            if column in current.columns:
                current.at[current.index[int(row)], column] = value
    deleted = [current.index[int(i)] for i in state.get("deleted_rows", []) if int(i) < len(current)]
    current = current.drop(index=deleted)
    added = []
    taken_ids = set(current["id"])
    for i, row in enumerate(state.get("added_rows", [])):
        filled = complete_hand_row({k: v for k, v in row.items() if k in DRAFT_COLUMNS}, year, taken_ids)
        taken_ids.add(filled["id"])
        filled[TAKEN_CELL] = row.get(TAKEN_CELL, True) is not False
        filled[HAND] = str(i + 1)
        added.append(filled)
    if added:
        current = pd.concat([current, pd.DataFrame(added)], ignore_index=False)
    return current


def draft_file_rows(current: pd.DataFrame) -> pd.DataFrame:
    """Return the rows as the draft file has them: taken as 是/否 from the editor's tick, the draft's columns."""
    rows = current.copy()
    rows[TAKEN_COLUMN] = rows[TAKEN_CELL].map(lambda v: YES if bool(v) and not pd.isna(v) else NO)
    flipped = ~rows[TAKEN_COLUMN].map(is_taken) & (rows[REASON_COLUMN].fillna("") == "")
    rows.loc[flipped, REASON_COLUMN] = reason_label("reviewer")
    return rows.reindex(columns=DRAFT_COLUMNS).fillna("").astype(str).reset_index(drop=True)


def draft_summary(draft: plan.Draft, rows: pd.DataFrame) -> None:
    """Draw the draft's counts: taken, not taken by reason, the parts of the document not read, unknown departments."""
    language = lang()
    taken = int(rows[TAKEN_COLUMN].map(is_taken).sum())
    counts = {}
    for label, flag in zip(rows[REASON_COLUMN], rows[TAKEN_COLUMN], strict=True):
        if not is_taken(flag):
            code = plan.reason_code(label) or "reviewer"
            counts[code] = counts.get(code, 0) + 1
    counts = {code: counts[code] for code in plan.REASONS if code in counts}  # in the order of the reasons table
    st.caption(t("plan_draft_counts_read", language, taken=taken, carried=len(draft.carried), new=len(draft.new),
                 not_taken=sum(counts.values())))
    if counts:
        st.markdown(t("plan_not_taken_by_reason", language) + " " + ("，" if language != "en" else ", ").join(
            f"{t(f'plan_reason_{code}', language)} **{n}**" for code, n in counts.items()))
    if draft.skipped:
        st.warning(t("plan_skipped_parts", language) + "\n" + "\n".join(
            f"- {md(s.part)}：{t(f'plan_part_{s.reason}', language)}" for s in draft.skipped))
    else:
        st.caption(t("plan_no_skipped_parts", language))
    if draft.new_departments:
        st.info(t("plan_unknown_departments", language, names="、".join(draft.new_departments)))


def draft_editor(draft: plan.Draft, ds: Dataset | None, editor: str) -> tuple[pd.DataFrame, list]:
    """Draw the draft in an editable table: every figure of the plan, taken or not (with the reason), each taken row
    with last year's target and its problems; rows may be flipped, edited and added by hand. Return the rows as the
    draft file has them (only the taken ones are published) and the problems found in the taken rows. Without a
    dataset (a new city's folder) there are no earlier targets and the folder's regions are read on their own."""
    language = lang()
    data_dir = ds.data_dir if ds else config.data_dir()
    existing = plan.read_targets(data_dir / "targets.csv")
    regions = ds.catalog.regions if ds else load_regions(data_dir / "regions.csv")
    base = draft.rows.reindex(columns=DRAFT_COLUMNS).fillna("").astype(str)
    base.insert(0, TAKEN_CELL, base[TAKEN_COLUMN].map(is_taken))
    base[PREVIOUS] = plan.previous_targets(draft.rows, existing, language)
    base[SHOWN_REASON] = [translate_reason(label, language) for label in base[REASON_COLUMN]]
    base[HAND] = ""
    current = _edited(base, editor, draft.year)
    rows = draft_file_rows(current)
    problems = plan.validate_draft(rows, existing, regions, name=f"draft_{draft.year}.csv")
    by_row: dict[object, list[str]] = {}
    for p in problems:
        if p.severity == "error" and p.file != "targets.csv" and p.row is not None:
            by_row.setdefault(current.index[p.row - 2] if not current[HAND].iloc[p.row - 2] else
                              current[HAND].iloc[p.row - 2], []).append(p.detail(language))
    base[PROBLEMS] = ["；".join(by_row.get(i, [])) for i in base.index]
    draft_summary(draft, rows)
    # A unit written another way (an alias) or unknown stays as the plan wrote it, beside the known ones: a value no
    # option names would show as None in the grid (its problem column says what to do with it)
    written = [u for u in dict.fromkeys(base["unit"].dropna().astype(str)) if u and u not in units.UNITS] \
        if "unit" in base else []
    st.data_editor(base, key=editor, hide_index=True, num_rows="dynamic",
                   column_order=[c for c in FIRST_COLUMNS if c in base.columns] +
                   [c for c in TARGET_COLUMNS if c not in FIRST_COLUMNS],
                   column_config={
                       TAKEN_CELL: st.column_config.CheckboxColumn(t("col_taken", language), width="small",
                                                                   default=True, pinned=True),
                       "name_zh": st.column_config.TextColumn(t("col_target_name", language), pinned=True),
                       "figure": st.column_config.TextColumn(t("col_figure", language), disabled=True),
                       SHOWN_REASON: st.column_config.TextColumn(t("col_reason", language), disabled=True),
                       PREVIOUS: st.column_config.TextColumn(t("col_previous", language), disabled=True),
                       PROBLEMS: st.column_config.TextColumn(t("col_problems", language), disabled=True,
                                                             width="large"),
                       REVIEW_COLUMN: st.column_config.TextColumn(t("col_needs_review", language), width="large"),
                       "kind": st.column_config.SelectboxColumn(t("col_kind", language), options=list(KINDS)),
                       "unit": st.column_config.SelectboxColumn(t("col_unit", language),
                                                                options=[*units.UNITS, *written]),
                       "comparator": st.column_config.SelectboxColumn(t("col_comparator", language),
                                                                      options=["≥", ">", "≤", "="]),
                       **{column: st.column_config.TextColumn(label, help=column)  # help: targets.csv's name
                          for column, label in _column_labels(language).items()
                          if column not in ("kind", "unit", "comparator")},
                   })
    added = {hand: texts for hand, texts in by_row.items() if isinstance(hand, str) and hand}
    if added:
        st.error("\n".join(f"- {t('plan_row_problems', language, row=hand, problems='；'.join(texts))}"
                           for hand, texts in added.items()))
    return rows, problems


def _column_labels(language: str) -> dict[str, str]:
    """Return the editor's headers of targets.csv's columns in the reader's language."""
    return {"target_value": t("col_target_value", language), "unit": t("col_unit", language),
            "comparator": t("col_comparator", language), "growth_target_pct": t("col_growth_target_pct", language),
            "id": t("col_target_id", language), "kind": t("col_kind", language),
            "category": t("col_category", language), "lead_departments": t("col_lead", language),
            "headline": t("col_headline_order", language), "stretch_value": t("stretch", language),
            "baseline_year": t("col_baseline_year", language), "name_en": t("col_name_en", language)}


def publish_panel(rows: pd.DataFrame, problems: list, document: plan.PlanDocument, year: int, overrides: dict,
                  who: Principal) -> None:
    """Draw whether the draft can be published, and (for whom lib/access.py lets publish) the button that does it."""
    language = lang()
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        st.error(t("plan_problems_count", language, errors=len(errors), warnings=len(warnings)))
        kept = [p for p in errors if p.file == "targets.csv"]  # problems of other years' rows, shown by no row
        if kept:
            st.markdown("\n".join(f"- {md(p.message(language))}" for p in kept))
        return
    st.success(t("plan_ready", language, rows=int(rows[TAKEN_COLUMN].map(is_taken).sum()), warnings=len(warnings)))
    if not access.allowed(who, access.Action.PUBLISH):
        st.info(t("plan_sign_in", language))
        return
    if st.button(t("plan_publish", language, year=year), type="primary", key="plan_publish"):
        try:
            published = plan.publish_draft(config.data_dir(), f"draft_{year}.csv", plan.draft_csv_bytes(rows), who,
                                           document=document, overrides=overrides)
        except InputError as exc:
            st.error("\n\n".join(md(p.message(language)) for p in exc.problems))
            return
        except store.StoreError as exc:
            st.error(md(t("import_failed", language, detail=exc.message(language))))
            return
        st.session_state["plan_published"] = t("plan_published", language, id=published.id, year=published.year,
                                               rows=published.rows, tasks=published.tasks)
        st.session_state["plan_round"] = st.session_state.get("plan_round", 0) + 1
        st.rerun()


def publications_panel(who: Principal) -> None:
    """Draw the publications log and (for whom lib/access.py lets revert one) the revert of the latest one."""
    language = lang()
    log = plan.publications(config.data_dir())
    if log.empty:
        st.caption(t("plan_no_publications", language))
        return
    grid(shown(pd.DataFrame({
        t("col_submission_id", language): log["id"], t("col_plan_year", language): log["year"],
        t("col_submitted_at", language): [format_timestamp(x, language) for x in log["submitted_at"]],
        t("col_user", language): log["user"], t("col_original_name", language): log["original_name"],
        t("col_rows", language): log["rows"],
        t("col_submission_status", language): [t(f"submission_{s}", language) for s in log["status"]],
    })))
    active = log[log["status"] == "active"]["id"].tolist()
    if not active or not access.allowed(who, access.Action.REVERT_PUBLICATION):
        return
    if st.button(t("plan_revert_latest", language, id=active[0]), key="plan_revert"):
        try:
            store.revert_publication(config.data_dir(), active[0], who)
        except store.StoreError as exc:
            st.error(md(t("revert_failed", language, detail=exc.message(language))))
        else:
            st.session_state["plan_published"] = t("plan_reverted", language, id=active[0])
            st.rerun()
