"""Pure permission rules for reporting. No database access."""

from __future__ import annotations

from collections.abc import Iterable

from vangnet.organisations.permissions import Actor
from vangnet.organisations.roles import CASE_READING_ROLES, Role

RECIPIENT_ROLES = frozenset({Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.COORDINATOR})


def can_receive_reports(roles: Iterable[str]) -> bool:
    return any(role in RECIPIENT_ROLES for role in roles)


def can_hold_keys(actor: Actor) -> bool:
    return actor.has(*CASE_READING_ROLES)


def can_configure_route(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_edit_own_profile(actor: Actor) -> bool:
    return actor.has(*RECIPIENT_ROLES)


def can_manage_recovery_key(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_register_oral_report(actor: Actor) -> bool:
    return actor.has(*RECIPIENT_ROLES)


def can_be_recipient(*, roles: Iterable[str], has_keypair: bool, excluded: bool) -> bool:
    return can_receive_reports(roles) and has_keypair and not excluded
