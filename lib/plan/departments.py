"""Departments as plans write them at the end of an item or of its paragraph, in every form real 工作要点 use:

（X牵头） （X、Y牵头） （X牵头，Y配合） （牵头处室：X） （责任单位：X、Y） （X） （X、Y） 牵头处室：X；配合处室：Y
责任单位：X、Y  X牵头，Y配合。

A plain parenthesis counts only when every name in it reads as a department (办公室, 市场监管处, 各市局, 快递协会…),
so （盒）, （市） or （全国快递业务量1225亿件） stay in the text. Names are then resolved against the departments the
plan and the data know; an unknown one is kept and shown to the reviewer, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROLE_LABEL = re.compile(r"^(牵头|责任|主办|承办|负责|配合|协办|参与|协同)(?:处室|单位|部门|科室)?[：:]\s*")
LEAD_WORDS = ("牵头负责", "牵头落实", "牵头", "负责落实", "负责", "主办", "主责", "承办")
SUPPORT_WORDS = ("配合落实", "配合", "协办", "参与", "协同", "落实", "参加")
SUPPORT_ROLES = {"配合", "协办", "参与", "协同"}
DEPARTMENT_END = re.compile(r"(?:处室|处|室|科|分局|局|中心|协会|学会|办|大队|支队|部|委员会|委|小组|公司|单位|机构)$")
NOT_DEPARTMENT = re.compile(r"\d|[%％‰。：:！？!?“”《》\s]|以上|以下|试行|暂行|草案|修订|含|不含|全国|全省|全市|年$")
NAME_SEPARATORS = "、，,；;和及与"
CLAUSE_SEPARATORS = "，,；;。"
TRAILING = "。；;，,、.． \t"


@dataclass(frozen=True)
class Departments:
    """An item's text without its department suffix, and the departments it names (lead, then supporting)."""

    text: str
    lead: list[str] = field(default_factory=list)
    supporting: list[str] = field(default_factory=list)
    form: str = ""  # how they were written: paren_led, paren_plain, labelled, sentence; '' when none


def top_level_split(text: str, separators: str) -> list[str]:
    """Return text split on separators outside brackets (各县（市、区）局 stays whole)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "（(《“":
            depth += 1
        elif char in "）)》”" and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def looks_like_department(name: str) -> bool:
    """Return whether a name reads as a department or body (办公室, 市场监管处, 各市局, 市快递协会, 各相关处室)."""
    name = name.strip()
    return 2 <= len(name) <= 24 and bool(DEPARTMENT_END.search(name)) and not NOT_DEPARTMENT.search(name)


def _role_clause(clause: str) -> tuple[str, list[str]] | None:
    """Return (lead or support, names) for one clause of a department phrase, None when it is not one."""
    clause = clause.strip(TRAILING)
    if found := ROLE_LABEL.match(clause):
        names = top_level_split(clause[found.end():], NAME_SEPARATORS)
        role = "support" if found.group(1) in SUPPORT_ROLES else "lead"
        return (role, names) if names and all(len(n) <= 24 and not NOT_DEPARTMENT.search(n) for n in names) else None
    for words, role in ((LEAD_WORDS, "lead"), (SUPPORT_WORDS, "support")):
        word = next((w for w in words if clause.endswith(w)), None)
        if word:
            names = top_level_split(clause[:-len(word)], NAME_SEPARATORS)
            if names and all(looks_like_department(n) for n in names):
                return role, names
            return None
    names = top_level_split(clause, NAME_SEPARATORS)
    return ("plain", names) if names and all(looks_like_department(n) for n in names) else None


def department_phrase(phrase: str) -> tuple[list[str], list[str], str] | None:
    """Return (lead, supporting, form) when a phrase names departments and nothing else, else None."""
    clauses = top_level_split(phrase, "，,；;")
    if not clauses or "。" in phrase:
        return None
    lead: list[str] = []
    supporting: list[str] = []
    forms = set()
    for clause in clauses:
        read = _role_clause(clause)
        if read is None:
            return None
        role, names = read
        forms.add(role)
        (supporting if role == "support" else lead).extend(names)
    if not lead and supporting:
        lead, supporting = supporting, []  # （X配合） alone: the only department named
    form = "plain" if forms == {"plain"} else "labelled" if ROLE_LABEL.match(clauses[0].strip()) else "led"
    return list(dict.fromkeys(lead)), list(dict.fromkeys(supporting)), form


def _trailing_parenthesis(text: str) -> tuple[int, str] | None:
    """Return (start, content) of a balanced （…） that ends the text (before a final 。 or ；), else None."""
    end = len(text.rstrip(TRAILING))
    if end == 0 or text[end - 1] not in "）)":
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] in "）)":
            depth += 1
        elif text[i] in "（(":
            depth -= 1
            if depth == 0:
                return i, text[i + 1:end - 1]
    return None


def split_departments(text: str) -> Departments:
    """Return an item's text without the departments written at its end, and those departments (lead, supporting)."""
    stripped = text.rstrip()
    if found := _trailing_parenthesis(stripped):
        start, content = found
        read = department_phrase(content)
        if read is not None:
            lead, supporting, form = read
            return Departments(stripped[:start].rstrip(), lead, supporting, "paren_" + form)
    # Clauses of their own at the end: 牵头处室：X；配合处室：Y / 责任单位：X、Y / X牵头，Y配合。 The longest run of
    # clauses that names departments and nothing else, never plain names (推进工作，办公室 is not a suffix).
    body = stripped.rstrip(TRAILING)
    cuts = sorted({i + 1 for i, c in enumerate(body) if c in "。；;，,"} | {0}, reverse=True)
    best = None
    for cut in cuts:
        if cut >= len(body):
            continue
        read = department_phrase(body[cut:])
        if read is None or read[2] == "plain":
            if best is not None:
                break
            continue
        best = (cut, read)
    if best is not None:
        cut, (lead, supporting, form) = best
        return Departments(stripped[:cut].rstrip("，, "), lead, supporting, "sentence_" + form)
    return Departments(stripped)


def ends_with_departments(line: str) -> bool:
    """Return whether a line ends with departments in any form (so the item it closes is complete)."""
    return bool(split_departments(line).lead)


def _key(name: str) -> str:
    return re.sub(r"\s|^(?:市局|局)", "", name)


def resolve_departments(names: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """Return (the names as the data knows them, the names it does not know): exact first, then a known name that is
    the same department spelt longer or shorter (局办公室 for 办公室); unknown names are kept, not dropped."""
    resolved, unknown = [], []
    keys = {_key(k): k for k in known}
    for name in names:
        if name in known:
            resolved.append(name)
        elif _key(name) in keys:
            resolved.append(keys[_key(name)])
        elif len(matches := [k for k in known if len(_key(name)) >= 2 and (_key(k).endswith(_key(name))
                                                                           or _key(name).endswith(_key(k)))]) == 1:
            resolved.append(matches[0])
        else:
            resolved.append(name)
            unknown.append(name)
    return list(dict.fromkeys(resolved)), list(dict.fromkeys(unknown))
