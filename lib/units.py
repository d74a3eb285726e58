"""Units of measure: which units convert into which, and by what factor."""

from __future__ import annotations

# unit -> (family, factor to the family's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("money", 1.0),
    "万元": ("money", 1e4),
    "亿元": ("money", 1e8),
    "件": ("pieces", 1.0),
    "万件": ("pieces", 1e4),
    "亿件": ("pieces", 1e8),
    "个": ("items", 1.0),
    "万个": ("items", 1e4),
    "人次": ("person_times", 1.0),
    "万人次": ("person_times", 1e4),
    "家": ("sites", 1.0),
    "例": ("cases", 1.0),
    "起": ("incidents", 1.0),
    "%": ("percent", 1.0),
    "分": ("score", 1.0),
    # counts plans set targets in (#23): 新建智能信报箱150组, 开通邮路20条, 投放新能源车辆300辆…
    "组": ("sets", 1.0),
    "套": ("sets", 1.0),
    "条": ("lines", 1.0),
    "辆": ("vehicles", 1.0),
    "台": ("devices", 1.0),
    "项": ("items", 1.0),
    "座": ("sites", 1.0),
    "户": ("households", 1.0),
    "场": ("events", 1.0),
    "批": ("batches", 1.0),
    "吨": ("tonnes", 1.0),
    "公里": ("km", 1.0),
}

# Other spellings analysts use for the same unit.
UNIT_ALIASES: dict[str, str] = {
    "％": "%",
    "百分比": "%",
    "percent": "%",
    "pct": "%",
    "只": "个",
    "处": "家",
    "次": "起",
    "人": "人次",
    "名": "人次",
    "所": "家",
}

# Families whose values may be added across regions (a rate or a score may not).
NON_ADDITIVE_FAMILIES = {"percent", "score"}


class UnitError(ValueError):
    """A unit is unknown or cannot be converted into the one wanted."""


def canonical_unit(text: str | None) -> str | None:
    """Return the canonical spelling of a unit, '' for a blank one, None when unknown."""
    if text is None:
        return ""
    unit = str(text).strip()
    if unit == "" or unit.lower() == "nan":
        return ""
    unit = UNIT_ALIASES.get(unit, UNIT_ALIASES.get(unit.lower(), unit))
    return unit if unit in UNITS else None


def is_known(unit: str) -> bool:
    """Return whether the unit is one the dashboard knows."""
    return canonical_unit(unit) not in (None, "")


def is_additive(unit: str) -> bool:
    """Return whether values in this unit may be summed across regions."""
    return UNITS[unit][0] not in NON_ADDITIVE_FAMILIES


def convertible(from_unit: str, to_unit: str) -> bool:
    """Return whether from_unit converts into to_unit."""
    a, b = canonical_unit(from_unit), canonical_unit(to_unit)
    return bool(a) and bool(b) and UNITS[a][0] == UNITS[b][0]


def factor(from_unit: str, to_unit: str) -> float:
    """Return the multiplier that turns a value in from_unit into to_unit."""
    a, b = canonical_unit(from_unit), canonical_unit(to_unit)
    if not a or not b or UNITS[a][0] != UNITS[b][0]:
        raise UnitError(f"cannot convert {from_unit!r} to {to_unit!r}")
    return UNITS[a][1] / UNITS[b][1]


def same_family_units(unit: str) -> list[str]:
    """Return every unit that converts into this one, itself included."""
    family = UNITS[canonical_unit(unit)][0]
    return [u for u, (f, _) in UNITS.items() if f == family]
