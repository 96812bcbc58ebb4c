"""Who may do what with the pulse. Pure functions: callers pass what they know (ADR 0081).

- The coordinator plans pulses for any units, closes waves, and sees every result; HR sees every
  result too.
- A manager plans pulses for the units they manage and the units below them, and sees the results
  of those units (above the threshold, like everyone).
- The works council sees the organisation-level figures.
- Employees see their own unit's results once a wave is closed, when the organisation allows it
  (the default): only their own unit, and only when it reached the threshold; no organisation
  figures, no open answers, no other unit. The caller passes whether the organisation allows it.
"""

from __future__ import annotations

from collections.abc import Collection

from vangnet.organisations.public import Actor, Role


def can_plan_any(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_plan(actor: Actor, *, unit_ids: Collection[int], managed_subtree: Collection[int]) -> bool:
    """Plan for these units: the coordinator always, a manager only within their own subtree."""
    if not unit_ids:
        return False
    if can_plan_any(actor):
        return True
    return actor.has(Role.MANAGER) and set(unit_ids) <= set(managed_subtree)


def can_view_pulse(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR, Role.MANAGER, Role.WORKS_COUNCIL)


def can_see_all_units(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR)


def can_see_organisation_figures(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR, Role.WORKS_COUNCIL)


def can_see_own_unit(actor: Actor, *, employees_see_results: bool) -> bool:
    """An employee's own unit, in closed waves, when the organisation shares results with them."""
    return employees_see_results and actor.unit_id is not None


def visible_unit_ids(actor: Actor, *, all_unit_ids: Collection[int],
                     managed_subtree: Collection[int],
                     employees_see_results: bool = False) -> set[int]:
    """The units whose figures this person may see (each still only when above the threshold).
    Callers of closed waves only pass `employees_see_results`; open waves show no unit."""
    if can_see_all_units(actor):
        return set(all_unit_ids)
    visible: set[int] = set()
    if actor.has(Role.MANAGER):
        visible |= set(managed_subtree) & set(all_unit_ids)
    own = actor.unit_id
    if own is not None and own in set(all_unit_ids) and can_see_own_unit(
            actor, employees_see_results=employees_see_results):
        visible.add(own)
    return visible


def can_close(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_change_settings(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_use_api(actor: Actor) -> bool:
    """The pulse's API is for coordinators (issue 14), like the quickscan's."""
    return actor.has(Role.COORDINATOR)


def can_record_actions(actor: Actor, *, unit_id: int, managed_subtree: Collection[int]) -> bool:
    return can_plan_any(actor) or (actor.has(Role.MANAGER) and unit_id in managed_subtree)
