"""Who may do what with the quickscan. Pure functions: callers pass what they know.

- Coordinators start, run and close rounds (for the whole organisation or for any unit and the
  units below it), see results and manage the action plan.
- A manager starts, runs and closes rounds for a unit they manage or a unit below it, and sees
  their results: the pulse's rule for planning (ADR 0081, 0116).
- Works council members and managers see the report of a CLOSED round of the whole organisation
  (read-only, with the same anonymised figures) and the action plan (read-only): these two roles
  share responsibility for it. A unit's round is seen by the coordinator and the managers above
  or of that unit only. They never see links or the running counts of a round they do not run,
  and never a solo round (that is one person's own view).
- Respondents need no account: their link is their only key.
"""

from __future__ import annotations

from collections.abc import Collection

from vangnet.organisations.public import Actor, Role


def can_manage_rounds(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_start_round(actor: Actor, *, unit_id: int | None,
                    managed_subtree: Collection[int]) -> bool:
    """A round for the whole organisation (`unit_id` None): the coordinator; for a unit and the
    units below it: the coordinator, or a manager of that unit or of a unit above it."""
    if can_manage_rounds(actor):
        return True
    return unit_id is not None and actor.has(Role.MANAGER) and unit_id in set(managed_subtree)


def can_start_any_round(actor: Actor, *, managed_subtree: Collection[int]) -> bool:
    return can_manage_rounds(actor) or (actor.has(Role.MANAGER) and bool(managed_subtree))


def can_run_round(actor: Actor, *, organisation_id: int, for_unit: bool, unit_id: int | None,
                  managed_subtree: Collection[int]) -> bool:
    """Invite, remind, hand out a shared link, close: whoever may start such a round. A round of
    a unit that no longer exists (`for_unit` without `unit_id`) stays with the coordinator."""
    if actor.organisation_id != organisation_id:
        return False
    if can_manage_rounds(actor):
        return True
    return for_unit and unit_id is not None and can_start_round(
        actor, unit_id=unit_id, managed_subtree=managed_subtree)


def can_view_report(actor: Actor, *, organisation_id: int, is_closed: bool,
                    is_solo: bool, for_unit: bool = False, unit_id: int | None = None,
                    managed_subtree: Collection[int] = ()) -> bool:
    if actor.organisation_id != organisation_id:
        return False
    if can_run_round(actor, organisation_id=organisation_id, for_unit=for_unit, unit_id=unit_id,
                     managed_subtree=managed_subtree):
        return True
    if for_unit:
        return False  # a unit's round: only who may run it (above)
    return is_closed and not is_solo and actor.has(Role.WORKS_COUNCIL, Role.MANAGER)


def can_view_quickscan(actor: Actor) -> bool:
    """The quickscan section in the menu."""
    return actor.has(Role.COORDINATOR, Role.WORKS_COUNCIL, Role.MANAGER)


def can_manage_actions(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_view_actions(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.WORKS_COUNCIL, Role.MANAGER)
