"""Nested units and the pulse (ADR 0138): the pulse's figure for a unit covers that unit's own
members only (each wave has a group per unit), not its sub-units as the seam's other sources do.
The attack: a department with its own members and two teams (and a third team too small to
show), one pulse wave, the dashboard. No figure a reader can combine out of what is shown
(a shown set minus shown sets inside it) may describe 1..k−1 people; and the department's own
figure is not thrown away as "inconsistent" because it is smaller than its teams together."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from support.people import make_member
from vangnet.core.anonymity import threshold as board_k
from vangnet.core.signal_sources import Figure, Quarter
from vangnet.organisations.roles import Role
from vangnet.pulse import services as pulse_services
from vangnet.pulse.content import instrument
from vangnet.pulse.models import PulseResponse, PulseRound
from vangnet.signals.selectors import dashboard_for
from vangnet.signals.suppression import hide_by_subtraction, suppress_figures

K = 5


def _leaks(sets: dict[Any, set[Any]], shown: list[Any]) -> list[tuple[Any, tuple[Any, ...], int]]:
    """Every shown set minus a union of disjoint shown sets inside it that holds 1..k−1 people."""
    found = []
    for outer in shown:
        inner = [u for u in shown if u != outer and sets[u] <= sets[outer]]
        for r in range(1, len(inner) + 1):
            for combo in combinations(inner, r):
                if any(sets[a] & sets[b] for a, b in combinations(combo, 2)):
                    continue  # not disjoint: not a subtraction a reader can make
                union: set[Any] = set().union(*(sets[u] for u in combo))
                rest = len(sets[outer] - union)
                if 0 < rest < K:
                    found.append((outer, combo, rest))
    return found


@pytest.mark.django_db
def test_a_department_with_own_members_and_teams_leaks_no_small_group_through_the_pulse(
        org: Any, django_capture_on_commit_callbacks: Any) -> None:
    assert board_k() == K
    own = [make_member(org.organisation, Role.EMPLOYEE, unit=org.department) for _ in range(6)]
    assert own
    with django_capture_on_commit_callbacks(execute=True):
        plan = pulse_services.plan_create(
            actor=org.actor(org.coordinator), title="Pulse", cadence="once",
            unit_ids=[org.department.pk, org.jeugd.pk, org.wmo.pk, org.klein.pk],
            first_start=timezone.localdate())
    round_ = PulseRound.objects.filter(plan=plan).latest("pk")
    raw = {item.code: 5 for item in instrument().items}
    answers = {org.department: 6, org.jeugd: 5, org.wmo: 6, org.klein: 3}
    respondents: dict[Any, set[tuple[Any, int]]] = {}
    for unit, count in answers.items():
        group = round_.groups.get(unit=unit)
        PulseResponse.objects.bulk_create(
            PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                          answers=raw) for _ in range(count))
        respondents[unit.pk] = {(unit.pk, i) for i in range(count)}
    pulse_services.round_close(actor=None, round_=round_)

    board = dashboard_for(actor=org.actor(org.coordinator), latest=Quarter.of(timezone.localdate()))
    measure = "pulse.melden"
    shown = [row.unit_id for row in board.rows
             if any(c.value is not None for c in row.cells.get(measure, [])[-1:])]
    # What each pulse figure really covers: the unit's own respondents; the organisation all of
    # them (Klein's 3 are left out of it by the pulse, being fewer than k).
    sets: dict[Any, set[Any]] = {u: respondents[u] for u in respondents}
    sets[None] = set().union(*(respondents[u] for u in respondents if u != org.klein.pk))
    assert org.klein.pk not in shown
    assert _leaks(sets, shown) == []
    # The department's own six are a group of k or more: their figure stays.
    assert org.department.pk in shown and org.jeugd.pk in shown and org.wmo.pk in shown


# --- property: own-members figures (the pulse's kind) on any tree ---------------------------

@st.composite
def own_figures(draw: st.DrawFn) -> tuple[dict[int, int | None], dict[int, int]]:
    size = draw(st.integers(min_value=1, max_value=8))
    parents: dict[int, int | None] = {}
    for unit in range(1, size + 1):
        parents[unit] = draw(st.one_of(st.none(), st.integers(1, unit - 1))) if unit > 1 else None
    return parents, {unit: draw(st.integers(0, 12)) for unit in parents}


@settings(max_examples=200, deadline=None)
@given(own_figures())
def test_own_members_figures_never_combine_into_a_small_group(
        data: tuple[dict[int, int | None], dict[int, int]]) -> None:
    """Independent check on disjoint groups: a source like the pulse shows each unit's own people
    (a unit below k not at all) and the organisation over all of them. Whatever the tree, no
    shown set minus shown sets inside it holds 1..k−1 people, and a unit of k or more is never
    hidden merely because its sub-units together are larger."""
    parents, own = data
    q = Quarter(2026, 1)
    figures = [Figure("p", u, q, 5.0 if n >= K else None, n) for u, n in own.items() if n]
    total = sum(own.values())
    figures.append(Figure("p", None, q, 5.0 if total >= K else None, total))
    shown_map = suppress_figures(figures, population_of={}, parents=parents, k=K,
                                 own_members={"p"})
    shown = [key[1] for key in shown_map]
    sets: dict[Any, set[Any]] = {u: {(u, i) for i in range(n)} for u, n in own.items()}
    sets[None] = set().union(*sets.values())
    assert _leaks(sets, shown) == []
    # Units below the organisation are disjoint groups, so each of k or more can stay shown
    # unless the organisation's remainder would be small (then the organisation or a unit goes).
    big = [u for u, n in own.items() if n >= K]
    rest = total - sum(own[u] for u in big)
    if rest == 0 or rest >= K:
        assert set(big) <= set(shown)


def test_the_pulse_declares_its_unit_figures_cover_own_members() -> None:
    from vangnet.core.app import installed_signal_sources
    pulse = next(s for s in installed_signal_sources() if s.key == "pulse")
    assert all(m.covers == "own" for m in pulse.measures())
    others = [m for s in installed_signal_sources() if s.key != "pulse" for m in s.measures()]
    assert others and all(m.covers == "subtree" for m in others)


def test_the_subtree_reading_of_the_same_figures_throws_the_department_away() -> None:
    """Without the declaration the department (6 own) looks smaller than its teams (5 + 6) and
    is hidden as inconsistent: the reason for declaring it."""
    parents = {1: None, 2: 1, 3: 1}
    people = {None: 17, 1: 6, 2: 5, 3: 6}
    assert 1 in hide_by_subtraction(people, parents, K)
    assert 1 not in hide_by_subtraction(people, dict.fromkeys(parents), K)
