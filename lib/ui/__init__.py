"""The only package that imports Streamlit: the page frame, every cache of the app, and the widgets pages draw.

Pages read `from lib import ui` and call what this re-exports; each name lives in one module:
state (language), caches (every st.cache_*), frame (page_start), layout (the window's width and the styles for
every width), tables (every table: a grid whose long texts wrap, or a static table), widgets (shared by several
pages),
and one module per page family (indicator, present, tracker, upload).
"""

from lib.ui.caches import (
    cached_active_submission,
    cached_detail_chart,
    cached_indicator_view,
    cached_overview_chart,
    cached_plan_document,
    cached_plan_draft,
    cached_scorecard,
    cached_scorecard_table,
    cached_sheet_names,
    cached_submissions_log,
    cached_tasks,
    cached_templates,
    cached_tracker,
    cached_validation,
)
from lib.ui.frame import leave_pages_folder_mode, page_start
from lib.ui.indicator import headline_metrics, plan_context_line, region_section, target_selector
from lib.ui.layout import chart_config, is_narrow, viewport_probe
from lib.ui.plan import (
    app_title,
    draft_editor,
    draft_file_rows,
    edited_rows,
    plan_record_form,
    plan_records,
    plan_structure,
    publications_panel,
    publish_panel,
)
from lib.ui.present import (
    SlideBody,
    headline_numbers,
    slide_card,
    slide_chart,
    slide_footer,
    slide_index,
    workplan_table,
)
from lib.ui.state import init_language, language_selector
from lib.ui.tables import grid, static_table
from lib.ui.tracker import (
    department_kpis,
    item_history,
    progress_editor,
    refused_progress_notice,
    tracker_filters,
    tracker_table,
)
from lib.ui.upload import (
    XLS_MIME,
    XLSX_MIME,
    first_file_warning,
    intake_report,
    kept_checks,
    sheet_picker,
    target_template,
)
from lib.ui.widgets import (
    analyst_panel,
    card_metric,
    csv_download,
    export_panel,
    file_uploader,
    principal,
    score_card,
    status_badge,
)

__all__ = [
    "XLSX_MIME", "XLS_MIME", "SlideBody", "analyst_panel", "app_title", "cached_active_submission",
    "cached_detail_chart", "cached_indicator_view", "cached_overview_chart", "cached_plan_document",
    "cached_plan_draft", "cached_scorecard", "cached_scorecard_table", "cached_sheet_names",
    "cached_submissions_log", "cached_tasks", "cached_templates", "cached_tracker", "cached_validation",
    "card_metric", "chart_config", "csv_download", "department_kpis", "draft_editor", "draft_file_rows",
    "edited_rows", "export_panel", "file_uploader", "first_file_warning", "grid", "headline_metrics",
    "headline_numbers", "init_language", "intake_report",
    "is_narrow", "item_history", "kept_checks", "language_selector", "leave_pages_folder_mode", "page_start",
    "plan_context_line",
    "plan_record_form", "plan_records", "plan_structure", "principal", "progress_editor", "publications_panel",
    "publish_panel",
    "refused_progress_notice", "region_section", "score_card", "sheet_picker", "slide_card", "slide_chart",
    "slide_footer", "slide_index", "static_table", "status_badge", "target_selector", "target_template",
    "tracker_filters", "tracker_table",
    "viewport_probe", "workplan_table",
]
