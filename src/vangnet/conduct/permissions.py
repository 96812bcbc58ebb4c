"""Pure permission rules of the code of conduct. No database: callers pass what they know.

- Every member reads the published code and acknowledges it.
- The coordinator writes versions, publishes, changes the settings, sees the figures per unit and
  completes the yearly review. HR sees the figures too.
- A works council member (or the coordinator) records the works council's consent.
- Team agreements and the discussion log: the coordinator and the managers of the unit or a unit
  above it keep them; the members of the team read them.
"""

from __future__ import annotations

from collections.abc import Collection

from vangnet.organisations.public import Actor, Role


def can_read_code(actor: Actor) -> bool:
    return bool(actor.roles)


def can_edit_code(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_publish(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_record_consent(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.WORKS_COUNCIL)


def can_view_figures(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR)


def can_review(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def publish_blocked_by_consent(*, consent_required: bool, consent_on: object) -> bool:
    """Where the organisation turned it on, no version goes out without the works council's date."""
    return consent_required and consent_on is None


def can_keep_agreements(actor: Actor, *, unit_line_ids: Collection[int],
                        managed_unit_ids: Collection[int]) -> bool:
    """`unit_line_ids`: the unit and every unit above it; `managed_unit_ids`: what the actor manages."""
    if actor.has(Role.COORDINATOR):
        return True
    return actor.has(Role.MANAGER) and any(unit_id in managed_unit_ids for unit_id in unit_line_ids)


def can_view_agreements(actor: Actor, *, unit_id: int, unit_line_ids: Collection[int],
                        managed_unit_ids: Collection[int]) -> bool:
    return actor.unit_id == unit_id or can_keep_agreements(
        actor, unit_line_ids=unit_line_ids, managed_unit_ids=managed_unit_ids)


def can_see_named_follow_up(actor: Actor, *, named_follow_up: bool, unit_line_ids: Collection[int],
                            managed_unit_ids: Collection[int]) -> bool:
    """Only where the organisation chose it, and only for a manager of that team."""
    return named_follow_up and actor.has(Role.MANAGER) and any(
        unit_id in managed_unit_ids for unit_id in unit_line_ids)


def can_set_buddy(actor: Actor, *, unit_line_ids: Collection[int],
                  managed_unit_ids: Collection[int]) -> bool:
    return can_keep_agreements(actor, unit_line_ids=unit_line_ids, managed_unit_ids=managed_unit_ids)
