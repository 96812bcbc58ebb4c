"""Pure permission rules of workshops. No database: callers pass what they know.

- The coordinator of the organisation that keeps a pool manages it: facilitators, offers,
  sessions, duos, requests, figures and the facilitators' reflections.
- Members of the keeping organisation and of every organisation that joined the pool see its
  sessions and register; members of any other organisation see nothing (404).
- The participant list of a session is for its duo only: not the coordinator, not a manager.
- A manager (or the coordinator) asks for an in-company workshop for a unit they lead.
"""

from __future__ import annotations

from collections.abc import Collection

from vangnet.organisations.public import Actor, Role


def can_manage_pool(actor: Actor, *, pool_organisation_id: int) -> bool:
    return actor.has(Role.COORDINATOR) and actor.organisation_id == pool_organisation_id


def can_see_pool(actor: Actor, *, pool_organisation_ids: Collection[int]) -> bool:
    return bool(actor.roles) and actor.organisation_id in pool_organisation_ids


def can_register(actor: Actor, *, pool_organisation_ids: Collection[int]) -> bool:
    return can_see_pool(actor, pool_organisation_ids=pool_organisation_ids)


def is_duo(actor: Actor, *, duo_membership_ids: Collection[int | None]) -> bool:
    return actor.membership_id in {m for m in duo_membership_ids if m is not None}


def can_see_participants(actor: Actor, *, duo_membership_ids: Collection[int | None]) -> bool:
    return is_duo(actor, duo_membership_ids=duo_membership_ids)


def can_refer(actor: Actor, *, duo_membership_ids: Collection[int | None]) -> bool:
    return is_duo(actor, duo_membership_ids=duo_membership_ids)


def can_reflect(actor: Actor, *, duo_membership_ids: Collection[int | None]) -> bool:
    return is_duo(actor, duo_membership_ids=duo_membership_ids)


def can_request(actor: Actor, *, unit_id: int, managed_unit_ids: Collection[int]) -> bool:
    return actor.has(Role.COORDINATOR) or (actor.has(Role.MANAGER) and unit_id in managed_unit_ids)
