"""Pure permission rules for organisations. No database access: callers pass what they know.

Every other app decides with the same `Actor`: who is asking, in which organisation, with which
roles. Build one with `selectors.actor_for(membership)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .roles import CASE_READING_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    organisation_id: int
    organisation_slug: str
    membership_id: int
    roles: frozenset[str]
    unit_id: int | None = None
    is_external: bool = False

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def requires_two_factor(*, roles: Iterable[str], is_platform_admin: bool) -> bool:
    return is_platform_admin or any(role in CASE_READING_ROLES for role in roles)


def can_manage_organisation(actor: Actor) -> bool:
    """Units, people, roles, invitations, imports and branding."""
    return actor.has(Role.COORDINATOR)


def can_view_people(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR, Role.HR)


def can_assign_role(actor: Actor, role: str) -> bool:
    return can_manage_organisation(actor) and role in Role.values


def can_grant_roles(*, granting_user_id: int | None, membership_user_id: int,
                    added: Iterable[str]) -> bool:
    """Nobody gives themselves a role that can read cases: another person must, and the
    advisors are told. One stolen coordinator account then cannot make itself a recipient."""
    if granting_user_id is None or granting_user_id != membership_user_id:
        return True
    return not any(role in CASE_READING_ROLES for role in added)


def can_change_own_membership(actor: Actor, membership_id: int) -> bool:
    """A coordinator may not strip their own coordinator role (the organisation would be orphaned)."""
    return actor.membership_id != membership_id


def can_view_unit(actor: Actor, unit_organisation_id: int) -> bool:
    return actor.organisation_id == unit_organisation_id
