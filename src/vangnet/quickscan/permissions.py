"""Who may do what with the quickscan. Pure functions: callers pass what they know.

- Coordinators start, run and close rounds, see results and manage the action plan.
- Works council members and managers see the report of a CLOSED group round (read-only, with the
  same anonymised figures) and the action plan (read-only): the quickscan is about the whole
  organisation and these two roles share responsibility for it. They never see links or the
  running counts, and never a solo round (that is one person's own view).
- Respondents need no account: their link is their only key.
"""

from __future__ import annotations

from vangnet.organisations.public import Actor, Role


def can_manage_rounds(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_view_report(actor: Actor, *, organisation_id: int, is_closed: bool,
                    is_solo: bool) -> bool:
    if actor.organisation_id != organisation_id:
        return False
    if can_manage_rounds(actor):
        return True
    return is_closed and not is_solo and actor.has(Role.WORKS_COUNCIL, Role.MANAGER)


def can_view_quickscan(actor: Actor) -> bool:
    """The quickscan section in the menu."""
    return actor.has(Role.COORDINATOR, Role.WORKS_COUNCIL, Role.MANAGER)


def can_manage_actions(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_view_actions(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.WORKS_COUNCIL, Role.MANAGER)
