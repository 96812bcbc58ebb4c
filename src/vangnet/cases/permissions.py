"""Who may do what with a case. Pure functions: the selectors gather the facts, these decide.

- Handlers are the report's current recipients (the advisor it went to) and people holding an
  active grant (a hand-off the reporter consented to). Nobody else reads a case.
- People the report is about, and their line managers, are never handlers, even if they hold a
  role that would otherwise allow it (`excluded_ids`, from reporting.conflicts).
- Coordinators, the works council and advisors see statistics only in aggregate.
- The platform admin has no membership role and so sees nothing (views 404 without a membership).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vangnet.organisations.public import Actor, Role


@dataclass(frozen=True)
class CaseAccess:
    """Facts about one case, gathered by a selector in a fixed number of queries."""

    organisation_id: int
    recipient_ids: frozenset[int] = field(default_factory=frozenset)
    grant_ids: frozenset[int] = field(default_factory=frozenset)
    excluded_ids: frozenset[int] = field(default_factory=frozenset)


def _same_org(actor: Actor, access: CaseAccess) -> bool:
    return actor.organisation_id == access.organisation_id


def is_excluded(actor: Actor, access: CaseAccess) -> bool:
    return actor.membership_id in access.excluded_ids


def is_recipient(actor: Actor, access: CaseAccess) -> bool:
    """The people the report went to (usually the advisor): they lead the case and hold the full
    report key, and with it the notes."""
    return (_same_org(actor, access) and not is_excluded(actor, access)
            and actor.membership_id in access.recipient_ids)


def is_handler(actor: Actor, access: CaseAccess) -> bool:
    if not _same_org(actor, access) or is_excluded(actor, access):
        return False
    return actor.membership_id in access.recipient_ids or actor.membership_id in access.grant_ids


def can_view_case(actor: Actor, access: CaseAccess) -> bool:
    return is_handler(actor, access)


def can_manage_case(actor: Actor, access: CaseAccess) -> bool:
    """Change status, confirm receipt, give feedback, ask consent, plan aftercare."""
    return is_recipient(actor, access)


def can_read_notes(actor: Actor, access: CaseAccess) -> bool:
    """Private notes stay between the advisors who received the report (docs/adr/0043)."""
    return is_recipient(actor, access)


def can_write_note(actor: Actor, access: CaseAccess) -> bool:
    return is_recipient(actor, access)


def can_request_consent(actor: Actor, access: CaseAccess) -> bool:
    return is_recipient(actor, access)


def can_export_dossier(actor: Actor, access: CaseAccess) -> bool:
    """The dossier export (ADR 0079): the handler who holds the whole report and asks consent;
    a grant holder (HR, the committee) never re-exports what was shared with them."""
    return is_recipient(actor, access)


def can_share_without_consent(actor: Actor, access: CaseAccess) -> bool:
    """The acute-danger exception: only the leading advisor, and always audited."""
    return is_recipient(actor, access)


def can_receive_share(*, recipient_membership_id: int, recipient_org_id: int,
                      access: CaseAccess) -> bool:
    """A hand-off may never go to someone involved, their managers, or another organisation."""
    return (recipient_org_id == access.organisation_id
            and recipient_membership_id not in access.excluded_ids)


# The role someone must hold to be named for each kind of hand-off (ConsentRequest.Recipient).
ROLE_FOR_RECIPIENT_KIND = {
    "hr": Role.HR,
    "manager": Role.MANAGER,
    "complaints_committee": Role.COMPLAINTS_COMMITTEE,
    "advisor": Role.ADVISOR,
}


def holds_role_for_kind(*, recipient_kind: str, roles: frozenset[str], is_active: bool) -> bool:
    """A hand-off "to HR" goes to someone who works here in HR, and so on: the reporter agrees
    to a role, so nobody else can be slipped in under its name."""
    role = ROLE_FOR_RECIPIENT_KIND.get(recipient_kind)
    return is_active and role is not None and role in roles


def can_list_cases(actor: Actor) -> bool:
    """Anyone might hold a grant (e.g. HR after consent); the list itself filters to handlers."""
    return actor.has(Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.MANAGER,
                     Role.COORDINATOR)


def can_record_advice_contact(actor: Actor) -> bool:
    return actor.has(Role.ADVISOR)


def can_view_statistics(actor: Actor) -> bool:
    """Aggregates only, with small numbers suppressed: never case contents."""
    return actor.has(Role.ADVISOR, Role.COORDINATOR, Role.WORKS_COUNCIL)


def can_write_yearly_narrative(actor: Actor) -> bool:
    """The advisors write the yearly report's observations and recommendations."""
    return actor.has(Role.ADVISOR)


def can_view_lessons(actor: Actor) -> bool:
    return actor.has(Role.ADVISOR, Role.COORDINATOR)


def can_turn_lesson_into_action(actor: Actor) -> bool:
    return actor.has(Role.COORDINATOR)


def can_view_pattern_signals(actor: Actor) -> bool:
    return actor.has(Role.ADVISOR)


def can_configure_cases(actor: Actor) -> bool:
    """Terms and retention per organisation: the coordinator, within the legal limits."""
    return actor.has(Role.COORDINATOR)


def can_manage_standard_texts(actor: Actor) -> bool:
    """The organisation's standard replies: advisors and the coordinator write them."""
    return actor.has(Role.ADVISOR, Role.COORDINATOR)
