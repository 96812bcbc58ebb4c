"""Mail kinds of organisations (ADR 0051): the invitation, whose link is minted in the worker,
and the notices of role changes, built from the audit entry that recorded the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from vangnet.core.audit import audit_entry_get
from vangnet.core.mail import Mail, mail_kind

from . import services
from .models import Membership, Organisation
from .roles import CASE_READING_ROLES, Role

MAX_NAMES_IN_NOTICE = 50


@mail_kind(services.INVITATION_MAIL)
def invitation(*, invitation_id: int) -> Mail | None:
    minted = services.invitation_link_mint(invitation_id=invitation_id)
    if minted is None:
        return None
    invitation, token = minted
    organisation = invitation.organisation
    path = reverse("organisations:invitation_accept", args=[organisation.slug, token])
    # The invitee has no account yet: the address comes from the invitation row.
    return Mail({"organisation": organisation, "invitation": invitation, "path": path},
                addresses=(invitation.email,))


def _role_labels(roles: Iterable[str]) -> list[Any]:
    # Lazy labels: each recipient reads them in their own language.
    return [Role(role).label for role in sorted(roles)]


def _recorded_change(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    """Added / removed roles and the active flags of one membership, as the audit entry has them
    (a single change, or this person's line of an import)."""
    if "changes" in data:
        added: list[str] = next(
            (roles for pk, roles in data["changes"] if pk == membership.pk), [])
        return {"added": added, "removed": [], "active": membership.is_active,
                "was_active": membership.is_active}
    return {key: data.get(key) for key in ("added", "removed", "active", "was_active")}


@mail_kind(services.ROLES_CHANGED_MAIL, services.CASE_READER_ADDED_MAIL)
def role_change(*, membership_id: int, change_id: int) -> Mail | None:
    membership = (Membership.objects.select_related("user", "organisation")
                  .filter(pk=membership_id).first())
    change = audit_entry_get(change_id)
    if membership is None or change is None:
        return None
    recorded = _recorded_change(membership, change.data)
    user, organisation = membership.user, membership.organisation
    return Mail({
        "organisation_name": organisation.name, "org_slug": organisation.slug,
        "person_name": user.full_name or user.email,
        "added": _role_labels(recorded["added"] or []),
        "removed": _role_labels(recorded["removed"] or []),
        "reader_roles": _role_labels(set(recorded["added"] or []) & CASE_READING_ROLES),
        "active": recorded["active"], "was_active": recorded["was_active"],
    })


@mail_kind(services.CASE_READERS_IMPORTED_MAIL)
def case_readers_imported(*, change_id: int) -> Mail | None:
    change = audit_entry_get(change_id)
    if change is None or change.organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=change.organisation_id).first()
    if organisation is None:
        return None
    membership_ids = [pk for pk, _roles in change.data.get("changes", [])]
    readers = list(Membership.objects.filter(pk__in=membership_ids).select_related("user")
                   .order_by("user__full_name", "user__email")[:MAX_NAMES_IN_NOTICE])
    return Mail({"organisation_name": organisation.name, "org_slug": organisation.slug,
                 "count": len(membership_ids),
                 "names": [m.user.full_name or m.user.email for m in readers],
                 "more": max(0, len(membership_ids) - len(readers))})
