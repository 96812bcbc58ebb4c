"""Suppression across units, sources and quarters: each attack performed (ADR 0091)."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.core.signal_sources import Figure, Quarter
from vangnet.signals.suppression import hide_by_subtraction, suppress_figures

Q = Quarter(2026, 3)
K = 5


def fig(measure: str, unit: int | None, people: int, value: float = 50.0,
        quarter: Quarter = Q) -> Figure:
    return Figure(measure, unit, quarter, value if people >= K else None, people)


def test_unit_minus_its_only_shown_child_would_give_three_people_so_the_child_is_hidden() -> None:
    # Department 1 (10 people) = its own 3 + team 2 (7): 10 − 7 = 3 people worked out.
    parents = {1: None, 2: 1}
    hidden = hide_by_subtraction({None: 10, 1: 10, 2: 7}, parents, K)
    assert 2 in hidden
    assert 1 not in hidden


def test_remainder_of_zero_or_at_least_k_is_safe() -> None:
    parents = {1: None, 2: 1, 3: 1}
    assert hide_by_subtraction({None: 12, 1: 12, 2: 7, 3: 5}, parents, K) == set()
    assert hide_by_subtraction({None: 17, 1: 17, 2: 7, 3: 5}, parents, K) == set()


def test_a_unit_of_four_is_hidden_and_cannot_be_recovered_from_the_organisation() -> None:
    # Team 2 has 4 people (hidden); organisation 12 = team 2 (4) + team 3 (8): 12 − 8 = 4.
    parents = {2: None, 3: None}
    shown = suppress_figures([fig("m", None, 12), fig("m", 2, 4), fig("m", 3, 8)],
                             population_of={}, parents=parents, k=K)
    assert ("m", 2, Q) not in shown
    assert ("m", 3, Q) not in shown  # else 12 − 8 = the four
    assert ("m", None, Q) in shown


def test_two_sources_over_the_same_people_are_hidden_together() -> None:
    # Source a hides team 2, source b would show it; b's organisation − team 3 ... would work, and
    # a's team 3 + b's team 2 mix: both measures share the population "members".
    parents = {2: None, 3: None}
    figures = [fig("a", None, 16), fig("a", 2, 4), fig("a", 3, 12),
               fig("b", None, 16), fig("b", 2, 5), fig("b", 3, 11)]
    shown = suppress_figures(figures, population_of={"a": "members", "b": "members"},
                             parents=parents, k=K)
    assert ("b", 2, Q) not in shown
    assert ("a", 3, Q) not in shown and ("b", 3, Q) not in shown
    # Without the shared population, b would show team 2.
    alone = suppress_figures(figures, population_of={}, parents=parents, k=K)
    assert ("b", 2, Q) in alone


def test_each_quarter_is_suppressed_on_its_own_people() -> None:
    parents = {2: None}
    shown = suppress_figures([fig("m", 2, 6, quarter=Q), fig("m", 2, 4, quarter=Q.next())],
                             population_of={}, parents=parents, k=K)
    assert ("m", 2, Q) in shown
    assert ("m", 2, Q.next()) not in shown


# --- property: no combination of shown figures describes fewer than k people -------------------

@st.composite
def trees(draw: st.DrawFn) -> tuple[dict[int, int | None], dict[int, int]]:
    size = draw(st.integers(min_value=1, max_value=9))
    parents: dict[int, int | None] = {}
    for unit in range(1, size + 1):
        parents[unit] = draw(st.one_of(st.none(), st.integers(1, unit - 1))) if unit > 1 else None
    own = {unit: draw(st.integers(0, 12)) for unit in parents}
    return parents, own


def _subtree(unit: int, parents: dict[int, int | None]) -> set[int]:
    found = {unit}
    changed = True
    while changed:
        changed = False
        for u, p in parents.items():
            if p in found and u not in found:
                found.add(u)
                changed = True
    return found


@settings(max_examples=300, deadline=None)
@given(trees())
def test_no_difference_of_shown_figures_describes_between_one_and_k_minus_one_people(
        data: tuple[dict[int, int | None], dict[int, int]]) -> None:
    """Independent check: every shown set (the organisation included) as a set of units; any
    shown set minus a union of disjoint shown sets inside it must hold 0 or ≥ k people."""
    parents, own = data
    people: dict[int | None, int] = {u: sum(own[x] for x in _subtree(u, parents)) for u in parents}
    people[None] = sum(own.values())
    hidden = hide_by_subtraction(people, parents, K)
    shown = [u for u in people if u not in hidden]
    sets = {u: (set(parents) if u is None else _subtree(u, parents)) for u in shown}
    assert all(people[u] >= K for u in shown)
    for outer in shown:
        inner = [u for u in shown if u != outer and sets[u] < sets[outer]]
        for r in range(1, min(len(inner), 4) + 1):
            for combo in combinations(inner, r):
                union: set[int] = set()
                disjoint = True
                for u in combo:
                    if union & sets[u]:
                        disjoint = False
                        break
                    union |= sets[u]
                if not disjoint:
                    continue
                rest = sum(own[x] for x in sets[outer] - union)
                assert rest == 0 or rest >= K, (parents, own, outer, combo)
