"""The seam through which apps feed the signals dashboard (ADR 0090).

An app declares its sources on its AppConfig (`VangnetAppConfig.signal_sources()`); the signals
app collects them with `installed_signal_sources()` and never imports the app itself. A source
answers, for one organisation and a run of quarters, figures per unit (over the unit and all its
sub-units, unless its measure declares `covers="own"`: the unit's own people only, ADR 0138) or
for the whole organisation (`unit_id=None`), already suppressed by the source where
it describes fewer people than the threshold (`value=None`). It also states how many people each
figure stands on (`people`), so the signals app can refuse subtraction between a unit and its
children (complementary suppression across the tree). That number is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Protocol

from django.utils.functional import Promise

MeasureKind = Literal["score", "percent", "rate", "count", "days"]
# What a unit's figure covers: the unit and every unit below it (the seam's default), or the
# unit's own people only (the pulse: a wave has a group per unit). Suppression reasons on it.
Coverage = Literal["subtree", "own"]


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: the period of every figure on the dashboard."""

    year: int
    number: int  # 1..4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError("a quarter is numbered 1 to 4")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-K3', '2026-Q3' or '2026 K3'."""
        cleaned = text.strip().upper().replace(" ", "-").replace("Q", "K")
        year, _, number = cleaned.partition("-K")
        if not (year.isdigit() and number.isdigit() and len(year) == 4):
            raise ValueError(text)
        return cls(int(year), int(number))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def label(self) -> str:
        return f"{self.year}-K{self.number}"

    def __str__(self) -> str:
        return self.label


def last_quarters(until: Quarter, count: int) -> list[Quarter]:
    """`count` quarters ending with `until`, oldest first."""
    quarters = [until]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]


@dataclass(frozen=True)
class Measure:
    """What a source measures. `concern` is where a value counts as low (or high, when lower is
    better); `min_change` the smallest change that is more than noise when the source gives no
    margin of its own. `tags` let alerts find e.g. the speak-up scale and the advisors' contacts
    without knowing the app. `advisor_only`: shown to confidential advisors only."""

    key: str
    label: str | Promise
    kind: MeasureKind
    higher_is_better: bool
    concern: float | None = None
    min_change: float = 0.0
    tags: frozenset[str] = frozenset()
    advisor_only: bool = False
    unit_level: bool = True
    werkvormen: tuple[str, ...] = ()  # toolbox slugs proposed when this measure raises an alert
    explanation: str | Promise = ""
    population: str = ""  # measures over the same people share one; hidden together (ADR 0091)
    covers: Coverage = "subtree"

    def is_low(self, value: float) -> bool:
        if self.concern is None:
            return False
        return value < self.concern if self.higher_is_better else value > self.concern


@dataclass(frozen=True)
class Figure:
    """One figure of a source: a measure for a unit (None: the organisation) in a quarter.

    `value` is None when the source suppressed it; `people` is the number of people it describes
    (respondents, headcount, cases) and is never shown; `margin` the half-width of its
    uncertainty where the source knows it."""

    measure: str
    unit_id: int | None
    quarter: Quarter
    value: float | None
    people: int
    margin: float | None = None


class SignalSource(Protocol):
    """What an app declares: a key, a label, its measures and their figures."""

    key: str

    @property
    def label(self) -> str | Promise: ...

    def measures(self) -> Sequence[Measure]: ...

    def figures(self, *, organisation_id: int, quarters: Sequence[Quarter]) -> Iterable[Figure]: ...


@dataclass
class Subtrees:
    """Each unit with every unit below it, from a parent map (one query by the caller)."""

    parents: Mapping[int, int | None]
    below: dict[int, set[int]] = field(init=False)

    def __post_init__(self) -> None:
        children: dict[int | None, list[int]] = {}
        for unit, parent in self.parents.items():
            children.setdefault(parent, []).append(unit)
        self.below = {}
        for unit in self.parents:
            seen: set[int] = {unit}
            stack = [unit]
            while stack:
                for child in children.get(stack.pop(), []):
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
            self.below[unit] = seen

    def roll_up(self, per_unit: Mapping[int | None, float]) -> dict[int, float]:
        """Sum a figure of each unit's own people over the unit and its sub-units."""
        return {unit: sum(per_unit.get(u, 0) for u in units) for unit, units in self.below.items()}

    def children(self, unit: int | None) -> list[int]:
        return [u for u, parent in self.parents.items() if parent == unit]


def people_per_subtree(member_units: Mapping[int, int | None],
                       parents: Mapping[int, int | None]) -> dict[int | None, int]:
    """Active members per unit including its sub-units, and the organisation's (None)."""
    own: dict[int | None, float] = {}
    for unit in member_units.values():
        own[unit] = own.get(unit, 0) + 1
    rolled: dict[int | None, int] = {u: int(n) for u, n in Subtrees(parents).roll_up(own).items()}
    rolled[None] = len(member_units)
    return rolled


def ratio_figures(measure: str, quarter: Quarter, parts: Mapping[int | None, float],
                  bases: Mapping[int | None, float], people: Mapping[int | None, int], *,
                  parents: Mapping[int, int | None], k: int, percent: bool = True,
                  subtrees: Subtrees | None = None) -> list[Figure]:
    """part/base per unit over its subtree (and for the organisation), hidden below k people.
    `parts` and `bases` are per unit's own people (None: people in no unit). `subtrees`: the
    tree of `parents` worked out once by a caller that asks for many quarters."""
    subtrees = subtrees if subtrees is not None else Subtrees(parents)
    rolled_parts = subtrees.roll_up(parts)
    rolled_bases = subtrees.roll_up(bases)
    rolled_parts_org = sum(parts.values())
    rolled_bases_org = sum(bases.values())
    figures: list[Figure] = []
    for unit in [None, *parents]:
        part = rolled_parts_org if unit is None else rolled_parts[unit]
        base = rolled_bases_org if unit is None else rolled_bases[unit]
        n = people.get(unit, 0)
        if not base:
            continue
        value = part / base * (100 if percent else 1)
        figures.append(Figure(measure, unit, quarter, round(value, 1) if n >= k else None, n))
    return figures
