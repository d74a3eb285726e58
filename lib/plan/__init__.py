"""Work plans (工作要点 and 民生实事): documents as they arrive, their tasks and candidate targets, next year's draft.

structure: sections, items and lead departments, linked to targets.csv; candidates: the numbers in the prose;
documents: .txt, .docx and PDF into plain text; draft: next year's targets drafted from a plan and earlier targets.
"""

from lib.plan.candidates import (
    CANDIDATE_COLUMNS,
    CSV_ENCODING,
    QUANTITY,
    UNITS,
    TargetCandidate,
    candidates_frame,
    candidates_in_text,
    compact_text,
    find_target_candidates,
    format_number,
    match_candidate,
    read_targets,
    source_text_clauses,
)
from lib.plan.structure import (
    KEY_WORK,
    LIST_NAME,
    LIVELIHOOD,
    MAIN_GOAL,
    MAIN_GOAL_SECTION,
    TASK_COLUMNS,
    WORK_ITEM,
    PlanItem,
    PlanParse,
    Section,
    chinese_count,
    declared_count,
    department_counts,
    is_livelihood_heading,
    link_targets,
    load_tasks,
    main_parse_plan,
    numbering_gaps,
    parse_plan,
    plan_targets,
    plan_year,
    split_lead,
    summary,
    tasks_frame,
    write_outputs,
)

__all__ = [
    "CANDIDATE_COLUMNS", "CSV_ENCODING", "KEY_WORK", "LIST_NAME", "LIVELIHOOD", "MAIN_GOAL", "MAIN_GOAL_SECTION",
    "QUANTITY", "TASK_COLUMNS", "UNITS", "WORK_ITEM", "PlanItem", "PlanParse", "Section", "TargetCandidate",
    "candidates_frame", "candidates_in_text", "chinese_count", "compact_text", "declared_count", "department_counts",
    "find_target_candidates", "format_number", "is_livelihood_heading", "link_targets", "load_tasks",
    "main_parse_plan", "match_candidate", "numbering_gaps", "parse_plan", "plan_targets", "plan_year",
    "read_targets", "source_text_clauses", "split_lead", "summary", "tasks_frame", "write_outputs",
]
