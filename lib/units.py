"""Units of measure, one registry: each unit one entry that knows its family, its factor to the family's base unit,
how many decimals it is written with, and its English word. Every output (cards, tables, charts, the briefing, the
deck, the digest, the CLI) writes a number through lib/fmt, which looks its unit up here; a unit not in the registry
is an error at lookup (UnitError), never a silent default.

Precision: a count of things in its own unit (个, 组, 人次, 家, 起, 件…) is a whole number wherever it is written
(81.67人次 reads 82人次); an amount in a scaled unit (亿元, 万件, 万个) keeps two decimals, a rate or a score one.
"""

from __future__ import annotations

from dataclasses import dataclass


class UnitError(ValueError):
    """A unit is unknown or cannot be converted into the one wanted."""


@dataclass(frozen=True)
class Unit:
    """One unit: its family (units of a family convert into each other), its factor to the family's base unit, the
    decimals it is written with, and its English word (plural; '' for money and rates, which have their signs)."""

    name: str
    family: str
    factor: float = 1.0
    decimals: int = 0
    english: str = ""
    additive: bool = True  # values may be summed across regions (a rate or a score may not)

    @property
    def whole(self) -> bool:
        """Return whether the unit counts things one by one: its values are written as whole numbers."""
        return self.decimals == 0

    def english_word(self, count: float) -> str:
        """Return the English word for a count of this unit: 1 site, 2 sites."""
        if count == 1 and self.english.endswith("s") and not self.english.endswith("ss"):
            return self.english[:-1]
        return self.english


_REGISTRY = (
    Unit("元", "money", 1.0, 2), Unit("万元", "money", 1e4, 2), Unit("亿元", "money", 1e8, 2),
    Unit("件", "pieces", 1.0, 0, "parcels"), Unit("万件", "pieces", 1e4, 2, "parcels"),
    Unit("亿件", "pieces", 1e8, 2, "parcels"),
    Unit("个", "items", 1.0, 0, "units"), Unit("万个", "items", 1e4, 2, "units"),
    Unit("项", "items", 1.0, 0, "units"),
    Unit("人次", "person_times", 1.0, 0, "person-times"), Unit("万人次", "person_times", 1e4, 2, "person-times"),
    Unit("家", "sites", 1.0, 0, "sites"), Unit("座", "sites", 1.0, 0, "sites"),
    Unit("例", "cases", 1.0, 0, "cases"),
    Unit("起", "incidents", 1.0, 0, "incidents"),
    Unit("%", "percent", 1.0, 1, additive=False),
    Unit("分", "score", 1.0, 1, "pts", additive=False),
    # counts plans set targets in (#23): 新建智能信报箱150组, 开通邮路20条, 投放新能源车辆300辆…
    Unit("组", "sets", 1.0, 0, "sets"), Unit("套", "sets", 1.0, 0, "sets"),
    Unit("条", "lines", 1.0, 0, "routes"),
    Unit("辆", "vehicles", 1.0, 0, "vehicles"),
    Unit("台", "devices", 1.0, 0, "devices"),
    Unit("户", "households", 1.0, 0, "households"),
    Unit("场", "events", 1.0, 0, "events"),
    Unit("批", "batches", 1.0, 0, "batches"),
    Unit("吨", "tonnes", 1.0, 1, "tonnes"),
    Unit("公里", "km", 1.0, 1, "km"),
)
REGISTRY: dict[str, Unit] = {unit.name: unit for unit in _REGISTRY}

# unit -> (family, factor to the family's base unit): the registry as the readers of files unpack it.
UNITS: dict[str, tuple[str, float]] = {name: (unit.family, unit.factor) for name, unit in REGISTRY.items()}

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
NON_ADDITIVE_FAMILIES = {unit.family for unit in _REGISTRY if not unit.additive}


def canonical_unit(text: str | None) -> str | None:
    """Return the canonical spelling of a unit, '' for a blank one, None when unknown."""
    if text is None:
        return ""
    unit = str(text).strip()
    if unit == "" or unit.lower() == "nan":
        return ""
    unit = UNIT_ALIASES.get(unit, UNIT_ALIASES.get(unit.lower(), unit))
    return unit if unit in UNITS else None


def lookup(unit: str) -> Unit:
    """Return a unit's entry (an alias reads as its unit); raise UnitError for a unit the registry does not have."""
    canonical = canonical_unit(unit)
    if not canonical:
        raise UnitError(f"unknown unit {unit!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[canonical]


def base(unit: Unit) -> Unit:
    """Return the base unit of a unit's family (万件 → 件), what English writes a count in."""
    return next(u for u in _REGISTRY if u.family == unit.family and u.factor == 1.0)


def scaled(unit: Unit, prefix: str) -> Unit | None:
    """Return the unit of the same family `prefix` (万, 亿) times larger (个 → 万个), or None when there is none."""
    return REGISTRY.get(prefix + unit.name) if unit.factor == 1.0 else None


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
