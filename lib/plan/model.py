"""The shapes a plan is read into, shared by every step of reading it: its lists, sections and items, and the
figures found in them. No logic beyond the shapes' own, so every module of lib/plan may import it."""

from __future__ import annotations

from dataclasses import dataclass, field

KEY_WORK, WORK_ITEM, LIVELIHOOD, MAIN_GOAL = "key_work", "work_item", "livelihood", "main_goal"
PREAMBLE = "preamble"  # the header, the 通知 and any paragraph outside the lists: read for figures too

# How targets.csv (source_item, source_section) names each list.
LIST_NAME = {KEY_WORK: "重点工作", WORK_ITEM: "工作要点", LIVELIHOOD: "民生实事"}
MAIN_GOAL_SECTION = "工作要点·主要目标"


@dataclass
class Section:
    """One 一、… heading (or （一）… sub-heading) of the work items or of the 民生实事 list."""

    list_type: str
    code: str
    title: str
    line_no: int


@dataclass
class PlanItem:
    """One numbered item (or the 主要目标 paragraph) with its lead departments and the targets it sets."""

    list_type: str
    section: str
    section_title: str
    number: int | None
    text: str
    departments: list[str]
    line_no: int = 0
    target_ids: list[str] = field(default_factory=list)
    supporting: list[str] = field(default_factory=list)  # 配合: departments that support the lead

    @property
    def key(self) -> str:
        """Return the item's stable key, e.g. work_item:45."""
        return f"{self.list_type}:{self.number}"


@dataclass
class TargetCandidate:
    """A number with a unit in the plan's prose that reads like a target (or, with a scope, the country's figure)."""

    list_type: str
    number: int | None
    phrase: str
    value: float | None
    unit: str
    comparator: str
    growth_pct: float | None
    clause: str
    matched_target_ids: list[str] = field(default_factory=list)
    scope: str = ""  # '' for the city's own figure; 全国, 全省… for a figure the plan quotes as context
    span: tuple[int, int] = (0, 0)  # where its number (and unit) stands in the text read
    growth_span: tuple[int, int] | None = None  # where its growth rate stands, when it has one
    verb: str = ""  # the words that made it a target: 新增, 达到, 以上…
    line_no: int = 0  # the line of the plan's text it stands in

    @property
    def where(self) -> str:
        """Return where the plan says it: 主要目标, 工作要点11, or 第9行 outside the lists."""
        return where(self.list_type, self.number, self.line_no)

    @property
    def matched_target_id(self) -> str:
        """Return the ids of the targets.csv rows this number is, joined with ;."""
        return ";".join(self.matched_target_ids)


@dataclass
class PlanParse:
    """Everything read from a plan: its lists, 主要目标, candidates, preamble and the lines not placed."""

    title: str = ""
    year: int | None = None
    goals: list[PlanItem] = field(default_factory=list)
    key_works: list[PlanItem] = field(default_factory=list)
    work_items: list[PlanItem] = field(default_factory=list)
    livelihood: list[PlanItem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    livelihood_title: str = ""
    declared: dict[str, int] = field(default_factory=dict)
    candidates: list[TargetCandidate] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)

    @property
    def tasks(self) -> list[PlanItem]:
        """Return key works, work items and 民生实事 items in plan order."""
        return [*self.key_works, *self.work_items, *self.livelihood]

    def of(self, list_type: str) -> list[PlanItem]:
        """Return the items of one list: key_work, work_item, livelihood or main_goal."""
        return {KEY_WORK: self.key_works, WORK_ITEM: self.work_items, LIVELIHOOD: self.livelihood,
                MAIN_GOAL: self.goals}[list_type]

    def item(self, list_type: str, number: int) -> PlanItem:
        """Return the item of a list with a printed number, or raise KeyError."""
        for item in self.of(list_type):
            if item.number == number:
                return item
        raise KeyError(f"{list_type} {number}")

    def sections_of(self, list_type: str) -> list[Section]:
        """Return the section headings of one list."""
        return [s for s in self.sections if s.list_type == list_type]

    def departments(self) -> list[str]:
        """Return every department the plan names (lead and supporting), in order of first mention."""
        return list(dict.fromkeys(d for item in self.tasks for d in [*item.departments, *item.supporting]))


def where(list_type: str, number: int | None, line_no: int = 0) -> str:
    """Return where the plan says something, as a reviewer reads it: 主要目标, 工作要点11, 民生实事4, or 第9行 for a
    line outside the lists (the preamble, a heading, a line not placed); '' when nothing says where."""
    if list_type == MAIN_GOAL:
        return "主要目标"
    if list_type in LIST_NAME:
        return f"{LIST_NAME[list_type]}{number if number is not None else ''}"
    return f"第{line_no}行" if line_no else ""


@dataclass
class Mention:
    """One figure or numberless target of the new plan, with the item (or 主要目标 paragraph) that says it."""

    item: PlanItem
    phrase: str
    value: float | None
    unit: str
    comparator: str
    growth_pct: float | None
    clause: str
    statement_kind: str = ""  # not_below_last_year or zero_tolerance for a target without a number
    wording: str = ""
    verb: str = ""  # the words that made it a target: 新增, 达到, 以上…
    figures: list[str] = field(default_factory=list)  # the figures as written: 540亿元, 13.8%
    idiom: bool = False  # 万无一失: carries an earlier target that said it, never makes a new one

    @property
    def where(self) -> str:
        """Return where the plan says it: 主要目标, 工作要点11, 民生实事4."""
        return where(self.item.list_type, self.item.number)
