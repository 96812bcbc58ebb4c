"""Pure permission rules for reporting. No database access."""

from __future__ import annotations

from collections.abc import Iterable

from vangnet.organisations.public import CASE_READING_ROLES, Actor, Role

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


# --- Continuity: the organisation recovery key (ADR 0031) ------------------------------------

# Roles the route offers as a report's first recipient. A successor holds one of these.
FIRST_RECIPIENT_ROLES = frozenset({Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE})
# The role a successor needs for a report that was made at this step of the route: the reporter
# chose a confidential advisor, so recovery never hands that report to HR (consent still holds).
SUCCESSOR_ROLE_OF_STEP = {
    "advisor": Role.ADVISOR, "hr": Role.HR, "complaints_committee": Role.COMPLAINTS_COMMITTEE,
}


def successor_role_for(route_step: str) -> str:
    return SUCCESSOR_ROLE_OF_STEP.get(route_step, Role.ADVISOR)


def holder_is_gone(*, is_active: bool, roles: Iterable[str], declared_unavailable: bool) -> bool:
    """A holder of a report key counts as gone when they left, lost every role that receives
    reports, or were declared unavailable by an explicit, audited decision."""
    return has_left_recipients(is_active=is_active, roles=roles) or declared_unavailable


def can_be_successor(*, roles: Iterable[str], is_active: bool, has_keypair: bool,
                     declared_unavailable: bool) -> bool:
    return (is_active and has_keypair and not declared_unavailable
            and any(role in FIRST_RECIPIENT_ROLES for role in roles))


def can_request_recovery(actor: Actor, *, successor_id: int) -> bool:
    """The coordinator asks; never for themselves."""
    return can_manage_recovery_key(actor) and actor.membership_id != successor_id


def can_approve_recovery(actor: Actor, *, requested_by_id: int | None, successor_id: int) -> bool:
    """A second, different person who may read cases approves; never the successor."""
    return (actor.has(*CASE_READING_ROLES)
            and actor.membership_id not in {requested_by_id, successor_id})


def can_carry_out_recovery(actor: Actor, *, requested_by_id: int | None, successor_id: int) -> bool:
    """The coordinator who asked enters the offline key, once the request is approved."""
    return (can_manage_recovery_key(actor) and actor.membership_id == requested_by_id
            and actor.membership_id != successor_id)


def can_declare_unavailable(actor: Actor, *, membership_id: int) -> bool:
    return can_manage_recovery_key(actor) and actor.membership_id != membership_id


def can_end_unavailability(actor: Actor, *, membership_id: int) -> bool:
    """The coordinator, or the person themselves when they are back."""
    return can_manage_recovery_key(actor) or actor.membership_id == membership_id
