"""Pure permission rules for the toolbox. No database: callers pass what they looked up.

Anyone with a membership may browse the toolbox. Planning (sessions, routines) is for the
managers of a unit (or of a unit above it) and for coordinators; only coordinators change the
organisation's catalogue of werkvormen.
"""

from __future__ import annotations

from collections.abc import Collection

from vangnet.organisations.public import Actor, Role


def can_browse(actor: Actor) -> bool:
    return bool(actor.organisation_id)


def can_manage_catalogue(actor: Actor) -> bool:
    """Add the organisation's own werkvormen and hide built-in ones."""
    return actor.has(Role.COORDINATOR)


def can_plan_anywhere(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_plan_for_unit(actor: Actor, *, unit_line_ids: Collection[int],
                      managed_unit_ids: Collection[int]) -> bool:
    """Coordinators, and managers of the unit or of a unit above it (`unit_line_ids`)."""
    if can_plan_anywhere(actor):
        return True
    if not actor.has(Role.MANAGER):
        return False
    return any(unit_id in managed_unit_ids for unit_id in unit_line_ids)


def can_view_unit_routines(actor: Actor, *, unit_id: int, unit_line_ids: Collection[int],
                           managed_unit_ids: Collection[int]) -> bool:
    """The team itself sees its routines; so do those who may plan for it."""
    if actor.unit_id == unit_id:
        return True
    return can_plan_for_unit(actor, unit_line_ids=unit_line_ids, managed_unit_ids=managed_unit_ids)


def can_mark_routine_done(actor: Actor, *, unit_id: int, unit_line_ids: Collection[int],
                          managed_unit_ids: Collection[int]) -> bool:
    """Whoever took part (the team) or planned it may tick an occurrence off."""
    return can_view_unit_routines(actor, unit_id=unit_id, unit_line_ids=unit_line_ids,
                                  managed_unit_ids=managed_unit_ids)
