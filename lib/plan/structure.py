"""Reading a work-plan text (工作要点 and 民生实事) into tasks, lead departments, target links and candidate targets.

Works on any plan written the same way: a header and 通知, a 主要目标 paragraph, a numbered list of 重点工作,
Chinese-numeral sections (一、…) of numbered work items, then a 民生实事 list with its own sections; every item
ends with （X牵头）. Header lines are kept as preamble; any other line that cannot be placed is listed, never dropped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import config
from lib.datafiles import read_bytes, read_file
from lib.kinds import KINDS, UNKNOWN_KIND
from lib.plan.candidates import (
    CSV_ENCODING,
    candidates_frame,
    compact_text,
    find_target_candidates,
    format_number,
    match_candidate,
    read_targets,
    source_text_clauses,
)
from lib.plan.departments import ends_with_departments, split_departments
from lib.plan.documents import read_plan_document
from lib.plan.model import (
    KEY_WORK,
    LIST_NAME,
    LIVELIHOOD,
    MAIN_GOAL,
    MAIN_GOAL_SECTION,
    WORK_ITEM,
    PlanItem,
    PlanParse,
    Section,
)
from lib.problems import PlanDocumentError, PlanError, Problem
from lib.safety import neutralise_frame

TASK_COLUMNS = ["key", "list_type", "section", "section_title", "number", "text", "lead_departments", "target_ids",
                "year"]

CN_NUMERALS = "零一二三四五六七八九十百两"
CN_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
COUNT = rf"(\d+|[{CN_NUMERALS}]+)"

SECTION_HEADING = re.compile(rf"^([{CN_NUMERALS}]+)\s*、\s*(\S.*)$")
SUB_HEADING = re.compile(rf"^[（(]([{CN_NUMERALS}]+)[）)]\s*(\S.*)$")
NUMBERED_ITEM = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
KEY_WORKS_HEADING = re.compile(r"重点(?:工作|任务)[：:]?$")
TASKS_HEADING = re.compile(r"^(?:重点|主要)(?:工作|任务)(?:及分工)?[：:]?$|^工作(?:任务|措施)[：:]?$")
WORK_ITEMS_HEADING = re.compile(r"项(?:具体)?工作[：:]?$")
LIVELIHOOD_HEADING = re.compile(rf"^\d{{4}}年.*实事|{COUNT}件实事|实事.*分工安排")
GOALS_PARAGRAPH = re.compile(r"主要(?:预期)?目标")
GOALS_HEADING = re.compile(r"^(?:主要|总体|发展|年度|工作|主要预期)目标[：:]?$")
PLAN_TITLE = re.compile(r"\d{4}年.*工作要点$")
PLAN_YEAR = (re.compile(r"(\d{4})年[^，。\n]{0,20}?工作要点"), re.compile(r"〔(\d{4})〕"))
TRAILING_BOILERPLATE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|（此件公开发布）|(?:抄送|印发|附件|联系人)[：:].*)")
SOURCE_ITEM_REFERENCE = re.compile(r"(重点工作|工作要点|民生实事)第?\s*(\d+)")


def chinese_count(text: str) -> int | None:
    """Return a count written in digits or Chinese numerals up to 999 (七 → 7, 十二 → 12), or None."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in CN_DIGIT_VALUE:
            digit = CN_DIGIT_VALUE[char]
        elif char in "十百":
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


def split_lead(text: str) -> tuple[str, list[str]]:
    """Return (item text without the departments written at its end, the lead departments): （X牵头）, （X、Y）,
    牵头处室：X, 责任单位：X、Y, X牵头，Y配合… (lib/plan/departments.py)."""
    found = split_departments(text)
    return found.text.strip(), found.lead


def declared_count(word: str, line: str) -> int | None:
    """Return the count a heading states before a word (9项重点工作 → 9), or None."""
    found = re.search(COUNT + word, line)
    return chinese_count(found.group(1)) if found else None


def plan_year(text: str) -> int | None:
    """Return the plan's year from 'XXXX年…工作要点' or the document number 〔XXXX〕, or None."""
    for pattern in PLAN_YEAR:
        if found := pattern.search(text):
            return int(found.group(1))
    return None


def is_livelihood_heading(line: str) -> bool:
    """Return whether a line opens the 民生实事 list (not the 通知 title that also names it)."""
    return (len(line) <= 60 and "牵头" not in line and "关于" not in line and not line.endswith(("。", "；", ";"))
            and not NUMBERED_ITEM.match(line) and bool(LIVELIHOOD_HEADING.search(line)))


class _PlanReader:
    """Walks a plan's lines once, keeping the list, section and item being read."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.parse = PlanParse(year=plan_year(text))
        self.list_type: str | None = None
        self.section = Section("", "", "", 0)
        self.open_item: dict | None = None
        self.in_goals = False  # under a 主要目标 heading, until the next heading
        self.parent_code = ""  # the 一、 section a （一） sub-heading belongs to

    def read(self) -> PlanParse:
        """Return the parse of every line."""
        for line_no, raw in enumerate(self.lines, start=1):
            if line := raw.strip():
                self.place(line_no, line)
        self.close_item()
        return self.parse

    def place(self, line_no: int, line: str) -> None:
        """File one non-blank line as a heading, item, continuation, preamble or unplaced line."""
        parse = self.parse
        heading = SECTION_HEADING.match(line)
        if (heading and GOALS_HEADING.match(heading.group(2).strip())) or GOALS_HEADING.match(line):
            self.close_item()  # 一、主要目标: the paragraphs under it are the plan's goals
            self.in_goals = True
            parse.preamble.append((line_no, line))
        elif self.list_type is not None and is_livelihood_heading(line):
            self.start_list(LIVELIHOOD, line_no, line)
            parse.livelihood_title = line
            if (count := declared_count("件", line)) is not None:
                parse.declared["livelihood_sections"] = count
        elif heading and TASKS_HEADING.search(heading.group(2)):
            self.start_list(WORK_ITEM, line_no, line)  # 二、重点任务: its （一） headings are the sections
        elif KEY_WORKS_HEADING.search(line) and not NUMBERED_ITEM.match(line):
            self.start_list(KEY_WORK, line_no, line)
            if (count := declared_count("项重点", line)) is not None:
                parse.declared["key_works"] = count
        elif WORK_ITEMS_HEADING.search(line) and not NUMBERED_ITEM.match(line):
            self.start_list(WORK_ITEM, line_no, line)
            for key, word in (("sections", "个方面"), ("work_items", "项(?:具体)?工作")):
                if (count := declared_count(word, line)) is not None:
                    parse.declared[key] = count
        elif heading and (self.list_type or parse.goals or parse.title):
            if self.list_type in (None, KEY_WORK):
                self.start_list(WORK_ITEM, line_no)
            self.close_item()
            code = f"{LIST_NAME[self.list_type]}·{heading.group(1)}"
            self.section = Section(self.list_type, code, heading.group(2).strip(), line_no)
            self.parent_code = code
            parse.sections.append(self.section)
        elif (sub := SUB_HEADING.match(line)) and self.list_type is not None and len(line) <= 60:
            self.close_item()
            parent = self.parent_code or f"{LIST_NAME[self.list_type]}·"
            self.section = Section(self.list_type, f"{parent}（{sub.group(1)}）", sub.group(2).strip(), line_no)
            parse.sections.append(self.section)
        elif self.in_goals and self.list_type is None:
            text = NUMBERED_ITEM.match(line).group(2) if NUMBERED_ITEM.match(line) else line
            parse.goals.append(PlanItem(MAIN_GOAL, MAIN_GOAL_SECTION, "主要目标", None, text, [], line_no))
        elif self.list_type is None:
            self.place_before_lists(line_no, line)
        elif numbered := NUMBERED_ITEM.match(line):
            self.close_item()
            self.open_item = {"number": int(numbered.group(1)), "parts": [numbered.group(2)], "line_no": line_no}
            self.close_item_if_led(line)
        elif TRAILING_BOILERPLATE.match(line):
            self.close_item()
            parse.preamble.append((line_no, line))
        elif self.open_item is not None:
            # A wrapped item runs on until its departments (（X牵头）, （X）, 责任单位：X…) or the next item.
            self.open_item["parts"].append(line)
            self.close_item_if_led("".join(self.open_item["parts"]))  # （市 | 场监管处） wrapped over two lines
        else:
            parse.unplaced.append((line_no, line))

    def place_before_lists(self, line_no: int, line: str) -> None:
        """File a line seen before the first list: the 主要目标, header text, or a stray item."""
        parse = self.parse
        if GOALS_PARAGRAPH.search(line) and not NUMBERED_ITEM.match(line):
            parse.goals.append(PlanItem(MAIN_GOAL, MAIN_GOAL_SECTION, "主要目标", None, line, [], line_no))
        elif NUMBERED_ITEM.match(line) and ends_with_departments(line):
            parse.unplaced.append((line_no, line))
        else:
            if PLAN_TITLE.search(line) and "关于" not in line and not parse.title:
                parse.title = line.strip("《》")
            parse.preamble.append((line_no, line))

    def start_list(self, list_type: str, line_no: int, heading: str = "") -> None:
        """Begin a new list; its items have no section until a 一、 heading comes (key works never have one)."""
        self.close_item()
        self.list_type = list_type
        self.in_goals = False
        self.parent_code = ""
        self.section = Section(list_type, "", "", line_no)
        if heading:
            self.parse.preamble.append((line_no, heading))

    def close_item_if_led(self, text: str) -> None:
        """Finish the open item when its text so far ends with its departments."""
        if ends_with_departments(text):
            self.close_item()

    def close_item(self) -> None:
        """Store the open item with the departments at its end split off (lead and supporting)."""
        if self.open_item is None:
            return
        found = split_departments("".join(self.open_item["parts"]))
        self.parse.of(self.list_type).append(PlanItem(self.list_type, self.section.code, self.section.title,
                                                      self.open_item["number"], found.text.strip(), found.lead,
                                                      self.open_item["line_no"], supporting=found.supporting))
        self.open_item = None


def parse_plan(text: str) -> PlanParse:
    """Return the plan's key works, work items, 民生实事, sections, candidate targets, preamble and unplaced lines."""
    parse = _PlanReader(text.lstrip("\ufeff")).read()
    parse.candidates = find_target_candidates(parse)
    return parse


def plan_targets(targets: pd.DataFrame, year: int | None) -> list[dict]:
    """Return the target rows of the plan's year (every year when unknown), without input-only indicators."""
    rows = []
    for row in targets.to_dict("records"):
        other_year = year is not None and row.get("year", "") not in ("", str(year))
        if KINDS.get(row.get("kind", ""), UNKNOWN_KIND).is_target and not other_year:
            rows.append(row)
    return rows


def link_targets(parse: PlanParse, targets: pd.DataFrame) -> None:
    """Set each item's target_ids (its source_item names it, or its source_text is in the item) and match candidates."""
    items = [*parse.goals, *parse.tasks]
    by_key = {item.key: item for item in items}
    list_of_name = {name: list_type for list_type, name in LIST_NAME.items()}
    for item in items:
        item.target_ids = []
    rows = plan_targets(targets, parse.year)
    for row in rows:
        named = SOURCE_ITEM_REFERENCE.findall(row.get("source_item", ""))
        keys = {f"{list_of_name[name]}:{int(n)}" for name, n in named}
        clauses = source_text_clauses(row.get("source_text", ""))
        keys |= {item.key for item in items
                 if any(all(f in compact_text(item.text) for f in fragments) for fragments in clauses)}
        for key in sorted(keys & by_key.keys(), key=list(by_key).index):
            by_key[key].target_ids.append(row["id"])
    rows_by_id = {row["id"]: row for row in rows}
    for candidate in parse.candidates:
        item = by_key.get(f"{candidate.list_type}:{candidate.number}")
        linked_rows = [rows_by_id[i] for i in item.target_ids] if item else []
        candidate.matched_target_ids = match_candidate(candidate, linked_rows)


def tasks_frame(parse: PlanParse) -> pd.DataFrame:
    """Return one row per key work, work item and 民生实事 item, with the ids of the targets it sets."""
    return pd.DataFrame([{
        "key": item.key, "list_type": item.list_type, "section": item.section, "section_title": item.section_title,
        "number": format_number(item.number), "text": item.text, "lead_departments": "、".join(item.departments),
        "target_ids": ";".join(item.target_ids), "year": format_number(parse.year),
    } for item in parse.tasks], columns=TASK_COLUMNS)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    partial = path.with_name(f".{path.name}.partial")
    neutralise_frame(frame).to_csv(partial, index=False, encoding=CSV_ENCODING)
    os.replace(partial, path)  # the app never reads a half-written file


def write_outputs(parse: PlanParse, out_dir: str | Path) -> tuple[Path, Path]:
    """Write tasks.csv and target_candidates.csv (UTF-8 with BOM for Chinese Excel); return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks_path, candidates_path = out / "tasks.csv", out / "target_candidates.csv"
    _write_csv(tasks_frame(parse), tasks_path)
    _write_csv(candidates_frame(parse), candidates_path)
    return tasks_path, candidates_path


def load_tasks(data_dir: str | Path, year: int | None = None) -> pd.DataFrame:
    """Return data_dir/tasks.csv with integer numbers (no rows when the plan has not been parsed): every year's, or
    one year's. Rows without a year (a tasks.csv from before plans had years) count for a year that has none."""
    frame = _with_task_columns(read_file(Path(data_dir), "tasks.csv"))
    frame["number"] = frame["number"].astype(int)
    if year is None:
        return frame
    own = frame["year"] == str(year)
    return frame[own if own.any() else frame["year"] == ""].reset_index(drop=True)


def read_tasks(data: bytes) -> pd.DataFrame:
    """Return tasks.csv's rows as text cells, with a year column (blank when the file has none); raise
    DataFolderError when the bytes are no tasks.csv."""
    return _with_task_columns(read_bytes("tasks.csv", data))


def _with_task_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reindex(columns=[*frame.columns, *(c for c in TASK_COLUMNS if c not in frame.columns)],
                         fill_value="")


def numbering_gaps(items: list[PlanItem]) -> list[int]:
    """Return the numbers missing between the first and last printed number of a list."""
    numbers = {item.number for item in items if item.number is not None}
    return sorted(set(range(min(numbers), max(numbers) + 1)) - numbers) if numbers else []


def department_counts(parse: PlanParse) -> dict[str, int]:
    """Return how many items each department leads, most first."""
    counts: dict[str, int] = {}
    for item in parse.tasks:
        for department in item.departments:
            counts[department] = counts.get(department, 0) + 1
    return dict(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


def summary(parse: PlanParse) -> str:
    """Return a plain-text report: counts, stated counts that differ, departments, candidates, unplaced lines."""
    read = {"key_works": len(parse.key_works), "work_items": len(parse.work_items),
            "sections": len(parse.sections_of(WORK_ITEM)), "livelihood_sections": len(parse.sections_of(LIVELIHOOD))}
    lines = [f"{parse.title or '（无标题）'}（{parse.year or '?'}年）",
             f"重点工作: {read['key_works']}",
             f"工作要点: {read['work_items']}（{read['sections']}个方面）",
             f"民生实事: {len(parse.livelihood)}（{read['livelihood_sections']}个方面）",
             f"主要目标段落: {len(parse.goals)}，文件头及说明行: {len(parse.preamble)}"]
    for key, stated in parse.declared.items():
        if read.get(key) != stated:
            lines.append(f"! 文中写明 {key} = {stated}，实际读到 {read.get(key)}")
    for list_type, name in LIST_NAME.items():
        if gaps := numbering_gaps(parse.of(list_type)):
            lines.append(f"{name}编号跳过: {'、'.join(map(str, gaps))}")
    if leaderless := [item.key for item in parse.tasks if not item.departments]:
        lines.append(f"! 没有（X牵头）: {'、'.join(leaderless)}")
    lines.append("牵头: " + "、".join(f"{d} {n}" for d, n in department_counts(parse).items()))
    linked = sum(1 for item in parse.tasks if item.target_ids)
    matched = sum(1 for c in parse.candidates if c.matched_target_ids)
    lines.append(f"关联到目标的事项: {linked}，候选目标: {len(parse.candidates)}（已对应 {matched}）")
    lines.append(f"未能归类的行: {len(parse.unplaced)}")
    lines += [f"  第{line_no}行: {text}" for line_no, text in parse.unplaced]
    return "\n".join(lines)


@dataclass(frozen=True)
class PlanFiles:
    """What reading a plan file did: the parse, the two tables written, and the targets.csv it looked for."""

    parse: PlanParse
    written: tuple[Path, Path]
    targets: Path
    linked: bool  # False when targets.csv was not found: target_ids are left empty


def parse_plan_file(file: str | Path, out_dir: str | Path, targets_csv: str | Path | None = None) -> PlanFiles:
    """Return the parse of a plan document (.txt, .docx or PDF), linked to targets.csv when there is one, after
    writing both CSVs.

    Raises PlanError when the file cannot be read, has no numbered items, or the tables cannot be written.
    """
    path = Path(file)
    try:
        text = read_plan_document(path.name, path.read_bytes()).text
    except OSError as exc:
        raise PlanError(Problem(path.name, "err_unreadable", params={"detail": exc.strerror or exc})) from exc
    except PlanDocumentError as exc:
        raise PlanError(exc.problem) from exc
    parse = parse_plan(text)
    if not parse.tasks:
        raise PlanError(Problem(path.name, "err_plan_no_items"))
    targets_path = Path(targets_csv) if targets_csv else config.data_dir() / "targets.csv"
    linked = targets_path.is_file()
    if linked:
        link_targets(parse, read_targets(targets_path))
    try:
        written = write_outputs(parse, out_dir)
    except OSError as exc:
        raise PlanError(Problem(str(exc.filename or out_dir), "err_unwritable",
                                params={"detail": exc.strerror or exc})) from exc
    return PlanFiles(parse, written, targets_path, linked)
