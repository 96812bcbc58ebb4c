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


def has_left_recipients(*, is_active: bool, roles: Iterable[str]) -> bool:
    """Someone who left the organisation, or no longer has a role that receives reports."""
    return not is_active or not can_receive_reports(roles)


def can_remove_recipient(actor: Actor, *, is_recipient: bool, removed_has_left: bool) -> bool:
    """A current recipient of the report may remove any fellow recipient (a colleague who left or
    turned out to be conflicted) and themselves: they can open the report and judge. The
    coordinator cannot open it, so they only clean up after someone who has left (ADR 0031)."""
    if is_recipient:
        return True
    return can_manage_recovery_key(actor) and removed_has_left


def removal_keeps_report_openable(
    *, by_recipient: bool, other_active_key_holders: bool, other_key_holders: bool,
    has_recovery_copy: bool,
) -> bool:
    """A report must never become unreadable. A recipient leaves it with an active colleague who
    holds the key. The coordinator, cleaning up after someone who left, may also rely on another
    key holder or the organisation recovery key (to give the report to a successor afterwards)."""
    if other_active_key_holders:
        return True
    return not by_recipient and (other_key_holders or has_recovery_copy)
