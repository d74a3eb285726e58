"""Reading a work-plan text (工作要点 and 民生实事) into tasks, lead departments and candidate targets.

Works on any plan written the same way: numbered items ("45. …"), Chinese-numeral section
headings ("五、…"), "（X牵头）" suffixes naming the lead departments, targets in prose. Lines
that cannot be placed are listed, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

LIST_LABELS = {"key_work": "重点工作", "work_item": "工作要点", "livelihood": "民生实事"}
SECTION = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
NUMBERED = re.compile(r"^(\d{1,3})\s*[.．、]\s*(.+)$")
LEAD_SUFFIX = re.compile(r"[（(]([^（）()]*?)牵头[，,、\s]*[）)]\s*[。.]?\s*$")
KEY_WORKS_HEADER = re.compile(r"重点工作[：:]\s*$")
WORK_ITEMS_HEADER = re.compile(r"项工作[：:]\s*$")
LIVELIHOOD_HEADER = re.compile(r"实事.*分工安排\s*$")
GOALS = re.compile(r"主要目标")

NUMBER_UNIT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|亿件|万元|万件|万个|万人次|人次|个|家|件|元|%|％)")
GROWTH_AFTER = re.compile(r"^[、，,]?\s*同比增长\s*(?P<g>\d+(?:\.\d+)?)\s*[%％]")
BEFORE_WORDS = [("不低于", "≥"), ("不少于", "≥"), ("超过", ">"), ("超", ">"), ("达到", "≥"), ("保持在", "≥"),
                ("力争", "≥"), ("确保", "≥"), ("建成", "≥"), ("完成", "≥"), ("达", "≥")]
AFTER_WORDS = [("以上", "≥"), ("以下", "≤"), ("以内", "≤"), ("左右", "=")]
LEADING_FILLER = re.compile(r"^(全年|年底|力争年底|力争|继续|进一步|确保|使|建成)+")
TRAILING_VERBS = re.compile(r"(完成|达到|达|保持在|建成|力争超|力争|超过|超|为|至|不低于|不少于)+$")


@dataclass
class Task:
    """One numbered item of the plan with its section and lead departments."""

    list_type: str
    section: str
    section_title: str
    number: int
    text: str
    departments: list[str]
    target_ids: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Return the item's stable key, e.g. work_item:45."""
        return f"{self.list_type}:{self.number}"


@dataclass
class Candidate:
    """A number with a unit found in the plan's prose, proposed as a target."""

    list_type: str
    number: int | None
    phrase: str
    value: float
    unit: str
    comparator: str
    growth_pct: float | None = None
    matched_target_id: str = ""


@dataclass
class PlanParse:
    """Everything read from a plan: its lists, goals paragraph, candidates and the lines not placed."""

    tasks: list[Task] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)

    def of(self, list_type: str) -> list[Task]:
        """Return the items of one list (key_work, work_item or livelihood) in document order."""
        return [t for t in self.tasks if t.list_type == list_type]


def split_lead(text: str) -> tuple[str, list[str]]:
    """Return (item text without its （…牵头） suffix, lead departments)."""
    m = LEAD_SUFFIX.search(text)
    if not m:
        return text.strip(), []
    departments = [d.strip() for d in re.split(r"[、，,]", m.group(1)) if d.strip()]
    return text[: m.start()].strip(), departments


def parse_plan(text: str) -> PlanParse:
    """Return the plan read into key works, work items and 民生实事 with their departments."""
    result = PlanParse()
    mode, section, section_title = "preamble", "", ""
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line:
            continue
        if LIVELIHOOD_HEADER.search(line) and "关于" not in line and not NUMBERED.match(line):
            mode, section, section_title = "livelihood", "", ""
            result.preamble.append((line_no, line))
            continue
        if KEY_WORKS_HEADER.search(line):
            mode = "key_work"
            result.preamble.append((line_no, line))
            continue
        if WORK_ITEMS_HEADER.search(line):
            mode, section, section_title = "work_item", "", ""
            result.preamble.append((line_no, line))
            continue
        if mode == "preamble":
            (result.goals if GOALS.search(line) else result.preamble).append(
                line if GOALS.search(line) else (line_no, line))
            continue
        heading = SECTION.match(line)
        if heading and mode in ("work_item", "livelihood", "key_work"):
            if mode == "key_work":
                mode = "work_item"
            section, section_title = heading.group(1), heading.group(2).strip()
            continue
        item = NUMBERED.match(line)
        if item:
            body, departments = split_lead(item.group(2))
            result.tasks.append(Task(mode, section, section_title, int(item.group(1)), body, departments))
            continue
        previous = result.tasks[-1] if result.tasks else None
        if previous is not None and not previous.departments and previous.list_type == mode:
            body, departments = split_lead(previous.text + line)  # an item continued on the next line
            previous.text, previous.departments = body, departments
            continue
        result.unplaced.append((line_no, line))
    result.candidates = find_candidates(result)
    return result


def _comparator(before: str, after: str) -> str:
    """Return the comparator the words around a number imply (≥ when they only say 'reach')."""
    for word, comparator in AFTER_WORDS:
        if after.startswith(word):
            return comparator
    for word, comparator in BEFORE_WORDS:
        if before.endswith(word) or before.endswith(word + "到"):
            return comparator
    return "="


def _phrase(before: str) -> str:
    """Return the name-like words before a number: from the last punctuation, without filler verbs."""
    clause = re.split(r"[，,；;。：:]", before)[-1]
    clause = clause.split("、")[-1] if "同比" not in clause else clause
    name = TRAILING_VERBS.sub("", LEADING_FILLER.sub("", clause.strip()))
    return name.strip() or clause.strip()


def candidates_in(text: str, list_type: str, number: int | None) -> list[Candidate]:
    """Return the numbers with units in one piece of prose, with comparator and growth rate."""
    out: list[Candidate] = []
    skip_until = -1
    for m in NUMBER_UNIT.finditer(text):
        if m.start() < skip_until:
            continue
        before, after = text[: m.start()], text[m.end():]
        unit = "%" if m.group("unit") == "％" else m.group("unit")
        if before.endswith(("同比增长", "增长", "第", "-")) or re.search(r"\d{4}-$", before):
            continue
        candidate = Candidate(list_type, number, _phrase(before), float(m.group("num")), unit,
                              _comparator(before.strip(), after.strip()))
        growth = GROWTH_AFTER.match(after)
        if growth:
            candidate.growth_pct = float(growth.group("g"))
            skip_until = m.end() + growth.end()
        out.append(candidate)
    return out


def find_candidates(result: PlanParse) -> list[Candidate]:
    """Return the candidate targets of the goals paragraph and of every item."""
    found: list[Candidate] = []
    for paragraph in result.goals:
        found += candidates_in(paragraph, "goals", None)
    for task in result.tasks:
        if task.list_type != "key_work":
            found += candidates_in(task.text, task.list_type, task.number)
    return found


def _source_refs(source_item: str) -> set[tuple[str, int]]:
    """Return the (list, number) items a targets.csv source_item names, e.g. 工作要点45；民生实事12."""
    refs = {("work_item", int(n)) for n in re.findall(r"工作要点\s*(\d+)", source_item)}
    refs |= {("livelihood", int(n)) for n in re.findall(r"民生实事\s*(\d+)", source_item)}
    return refs


def link_targets(result: PlanParse, targets: pd.DataFrame) -> None:
    """Attach to every item the targets whose source names it, and match candidates to existing targets."""
    refs = {row["id"]: _source_refs(str(row.get("source_item", ""))) for _, row in targets.iterrows()}
    for task in result.tasks:
        task.target_ids = [tid for tid, r in refs.items() if (task.list_type, task.number) in r]
    values = targets.assign(_t=pd.to_numeric(targets["target_value"], errors="coerce"),
                            _s=pd.to_numeric(targets["stretch_value"], errors="coerce"))
    for c in result.candidates:
        same = values[(values["unit"] == c.unit) & ((values["_t"] == c.value) | (values["_s"] == c.value))]
        if c.list_type == "goals":
            same = same[same["source_section"].str.contains("主要目标")]
        elif c.number is not None:
            same = same[same["id"].map(lambda i, c=c: (c.list_type, c.number) in refs[i]).astype(bool)]
        c.matched_target_id = ";".join(same["id"])


def tasks_frame(result: PlanParse) -> pd.DataFrame:
    """Return one row per item: key, list, section, printed number, text, departments, linked targets."""
    return pd.DataFrame([{
        "key": t.key, "list_type": t.list_type, "section": t.section, "section_title": t.section_title,
        "number": t.number, "text": t.text, "lead_departments": "、".join(t.departments),
        "target_ids": ";".join(t.target_ids),
    } for t in result.tasks], columns=["key", "list_type", "section", "section_title", "number", "text",
                                       "lead_departments", "target_ids"])


def candidates_frame(result: PlanParse) -> pd.DataFrame:
    """Return the candidate targets as a table for an analyst to confirm into targets.csv."""
    return pd.DataFrame([{
        "list_type": c.list_type, "number": c.number if c.number is not None else "", "phrase": c.phrase,
        "value": c.value, "unit": c.unit, "comparator": c.comparator,
        "growth_pct": c.growth_pct if c.growth_pct is not None else "", "matched_target_id": c.matched_target_id,
    } for c in result.candidates], columns=["list_type", "number", "phrase", "value", "unit", "comparator",
                                            "growth_pct", "matched_target_id"])


def summary(result: PlanParse) -> str:
    """Return a short report: counts per list, departments, candidates, and every unplaced line."""
    lines = [f"{LIST_LABELS[k]}: {len(result.of(k))}" for k in LIST_LABELS]
    departments: dict[str, int] = {}
    for task in result.tasks:
        for d in task.departments:
            departments[d] = departments.get(d, 0) + 1
    lines.append("牵头: " + "、".join(f"{d} {n}" for d, n in sorted(departments.items(), key=lambda x: -x[1])))
    lines.append(f"候选目标: {len(result.candidates)}")
    lines.append(f"未能归类的行: {len(result.unplaced)}")
    lines += [f"  第{n}行: {text}" for n, text in result.unplaced]
    return "\n".join(lines)


def write_outputs(result: PlanParse, out_dir: Path) -> tuple[Path, Path]:
    """Write tasks.csv and target_candidates.csv (UTF-8 with BOM for Chinese Excel); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks_path, candidates_path = out_dir / "tasks.csv", out_dir / "target_candidates.csv"
    tasks_frame(result).to_csv(tasks_path, index=False, encoding="utf-8-sig")
    candidates_frame(result).to_csv(candidates_path, index=False, encoding="utf-8-sig")
    return tasks_path, candidates_path


def load_tasks(data_dir: Path) -> pd.DataFrame:
    """Return data/tasks.csv (empty when the plan has not been imported)."""
    path = Path(data_dir) / "tasks.csv"
    if not path.exists():
        return tasks_frame(PlanParse())
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["number"] = frame["number"].astype(int)
    return frame
