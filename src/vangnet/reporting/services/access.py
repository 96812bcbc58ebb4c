"""Who may open a report: sharing chosen parts after consent (grants), ending a share, adding and
removing recipients without ever destroying the last copy of a key, and the organisation's
recovery key (ADR 0031).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vangnet.core import crypto
from vangnet.organisations.public import (
    Actor,
    Role,
)

from .. import holdings
from ..conflicts import excluded_membership_ids
from ..holdings import recipient_rows
from ..models import (
    DialogueQuestion,
    KeyInvitation,
    OrganisationRecoveryKey,
    Report,
    ReportGrant,
    ReportRecipient,
)
from ..permissions import (
    can_manage_recovery_key,
    can_remove_recipient,
    has_left_recipients,
    removal_keeps_report_openable,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership

from vangnet.core.service import require, service_write

from ..sealing import PARTS, report_key_for_recipient
from .common import _json, _notify_recipients, _public_key_of_membership
from .dialogue import _is_current_recipient, message_post
from .intake import _check_recipient, _main_role


class KeyMissing(ValidationError):
    """The person a share is meant for has no key pair yet (invite them: report_key_invite)."""


KEY_INVITATION_DAYS = 14


def report_key_invite(*, actor: Actor, report: Report, membership: Membership) -> KeyInvitation:
    """Ask someone without a key (a manager the reporter agreed to share with) to set one up, so
    that the share can be made (ADR 0075). Only a current recipient may ask, only for someone in
    the organisation who may see the report; the e-mail says only that something is waiting."""
    allowed = (_is_current_recipient(actor, report)
               and actor.organisation_id == report.organisation_id)
    require(allowed)  # the permission first, before anything about the person is said
    if membership.organisation_id != report.organisation_id or not membership.is_active:
        raise ValidationError({"membership": _("Choose someone in this organisation.")})
    if membership.pk in excluded_membership_ids(report):
        raise ValidationError({"membership": _(
            "This person is involved (or manages someone who is) and may not see this report."
        )})
    with service_write(action="reporting.key_invite", actor=actor, allowed=allowed,
                       organisation_id=report.organisation_id) as change:
        invitation, _created = KeyInvitation.objects.update_or_create(
            report=report, membership=membership,
            defaults={"invited_by_id": actor.membership_id,
                      "expires_at": timezone.now() + timedelta(days=KEY_INVITATION_DAYS)})
        change.target = report
        change.data = {"invitation_id": invitation.pk, "membership_id": membership.pk}
        _notify_recipients(report, [membership.pk], KEY_INVITATION_MAIL)
    return invitation


KEY_INVITATION_MAIL = "reporting/email/key_invitation"


def report_grant_access(
    *, actor: Actor, report: Report, membership: Membership, parts: Iterable[str],
    private_key: bytes, reason: str,
) -> ReportGrant:
    """Share chosen parts with one person (after the reporter's consent), under a new key."""
    parts = list(dict.fromkeys(parts))
    if not parts or any(p not in PARTS for p in parts):
        raise ValidationError({"parts": _("Choose which parts to share.")})
    if not _is_current_recipient(actor, report):
        raise PermissionDenied
    if membership.organisation_id != report.organisation_id or not membership.is_active:
        raise ValidationError({"membership": _("Choose someone in this organisation.")})
    if membership.pk in excluded_membership_ids(report):
        raise ValidationError({"membership": _(
            "This person is involved (or manages someone who is) and may not see this report."
        )})
    public = _public_key_of_membership(membership)
    if public is None:
        raise KeyMissing({"membership": _("This person has no key yet: ask them to log in "
                                          "and unlock their reports first.")})
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    contents = json.loads(crypto.secret_decrypt(report_key, bytes(report.content_ciphertext)))
    grant_key = crypto.new_key()
    shared = {p: contents.get(p, "") for p in parts}
    with service_write(action="reporting.grant_access", actor=actor, target=report) as change:
        grant = ReportGrant.objects.create(
            report=report, membership=membership, parts=parts, granted_by_id=actor.membership_id,
            sealed_key=crypto.seal(public, grant_key),
            ciphertext=crypto.secret_encrypt(grant_key, _json({"parts": shared, "reason": reason})),
        )
        change.data = {"grant_id": grant.pk, "membership_id": membership.pk, "parts": parts}
        KeyInvitation.objects.filter(report=report, membership=membership).delete()
        _notify_recipients(report, [membership.pk], "reporting/email/shared_with_you")
    return grant


def report_revoke_access(*, actor: Actor, grant: ReportGrant) -> ReportGrant:
    """A current recipient ends a grant's future access (e.g. a withdrawal the reporter told them
    in person): the sealed key is deleted. What was already read cannot be unread."""
    report = grant.report
    require(actor.organisation_id == report.organisation_id
            and _is_current_recipient(actor, report)
            and actor.membership_id not in excluded_membership_ids(report))
    return _end_grant(grant, actor=actor, data={})


# A reporter withdraws consent by answering a question of this kind with this value (cases asks
# it after every hand-off, ADR 0042). Nothing else counts as the reporter's word.
CONSENT_QUESTION_KIND = "consent"
WITHDRAW_ANSWER = "withdraw"


def report_revoke_access_for_reporter(
    *, grant: ReportGrant, question: DialogueQuestion
) -> ReportGrant:
    """The reporter withdrew consent in the dialogue: end the grant's future access.

    There is no actor (the reporter has no account); the proof that the reporter asked is
    `question`, read again from the database: a consent question of the grant's own report, asked
    after the grant was made, answered with "withdraw". Call it from the `question_answered` hook,
    which runs in the reporter's request. Audited as the reporter's act.
    """
    asked = DialogueQuestion.objects.filter(
        pk=question.pk, report_id=grant.report_id, kind=CONSENT_QUESTION_KIND,
        answer=WITHDRAW_ANSWER, answered_at__isnull=False, created_at__gte=grant.created_at,
    ).exists()
    require(asked)
    return _end_grant(grant, actor=None, data={"question_id": question.pk})


def _end_grant(grant: ReportGrant, *, actor: Actor | None,
               data: dict[str, object]) -> ReportGrant:
    """Drop the grant's sealed key and mark it revoked, once (a second call changes nothing and
    writes no audit entry). The permission was checked by the caller."""
    with service_write(action="reporting.revoke_access", actor=actor,
                       actor_label="" if actor is not None else "reporter") as change:
        locked = ReportGrant.objects.select_for_update().select_related("report").get(pk=grant.pk)
        change.target, change.data = locked.report, {"grant_id": locked.pk, **data}
        if locked.revoked_at is None:
            locked.sealed_key = None
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["sealed_key", "revoked_at"])
        else:
            change.nothing_changed()
    grant.sealed_key, grant.revoked_at = locked.sealed_key, locked.revoked_at
    return grant


def report_add_recipient(
    *, actor: Actor, report: Report, membership: Membership, private_key: bytes
) -> ReportRecipient:
    """A current recipient adds a colleague confidential advisor (internal or external) as a
    second full recipient, for continuity: the one hand-off without the reporter's consent
    (issue 13). It is recorded, and the reporter is told in the dialogue who can now read their
    report. Anyone else — HR, the complaints committee, a manager — gets only the parts the
    reporter agrees to, through a consent request on the case page."""
    if not _is_current_recipient(actor, report):
        raise PermissionDenied
    _check_recipient(organisation=report.organisation, membership=membership,
                     excluded=excluded_membership_ids(report))
    if Role.ADVISOR not in membership.role_set:
        raise ValidationError({"membership": _(
            "Only a colleague confidential advisor can be added for continuity. To involve HR, "
            "the complaints committee or a manager, ask the reporter for consent on the case "
            "page.")})
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    with transaction.atomic():
        recipient = _seal_for_new_recipient(actor=actor, report=report, membership=membership,
                                            report_key=report_key)
        message_post(report=report, actor=actor, kind="continuity", private_key=private_key,
                     body=_("So that your report stays in good hands when I am away, %(name)s, "
                            "also a confidential advisor, can now read it too. Nobody else "
                            "receives it without your consent.")
                     % {"name": membership.user.full_name or membership.user.email})
    return recipient


def _seal_for_new_recipient(
    *, actor: Actor | None, report: Report, membership: Membership, report_key: bytes
) -> ReportRecipient:
    public = _public_key_of_membership(membership)
    if public is None:
        raise ValidationError({"membership": _("This person cannot receive reports yet.")})
    with service_write(action="reporting.add_recipient", actor=actor, target=report) as change:
        recipient, _created = ReportRecipient.objects.update_or_create(
            report=report, membership=membership,
            defaults={"sealed_key": crypto.seal(public, report_key), "revoked_at": None,
                      "role_at_time": _main_role(membership)},
        )
        change.data = {"membership_id": membership.pk}
        _notify_recipients(report, [membership.pk], "reporting/email/new_report")
    return recipient


def last_key_holder_message() -> str:
    return _(
        "This person is the last one who can open this report, so they cannot be removed: a "
        "report must never become unreadable. Add a second recipient first. If nobody can take "
        "it over, ask the coordinator: with the organisation recovery key they can give the "
        "report to a successor."
    )


def report_remove_recipient(
    *, actor: Actor, report: Report, membership: Membership
) -> ReportRecipient:
    """Stop someone's access to a report (they left, or turned out to be conflicted): their sealed
    copy of the report key is deleted, the report leaves their inbox and case list, and they get
    no more e-mails about it.

    Allowed for a current recipient (any fellow recipient, or themselves) and for the coordinator
    when the person has left (`permissions.can_remove_recipient`). Raises ValidationError when the
    person is not a current recipient of this report, or when the report would be left without
    anyone who can open it (`permissions.removal_keeps_report_openable`).
    """
    if actor.organisation_id != report.organisation_id:
        raise PermissionDenied
    by_recipient = _is_current_recipient(actor, report)
    if by_recipient and actor.membership_id in excluded_membership_ids(report):
        raise PermissionDenied
    left = has_left_recipients(is_active=membership.is_active, roles=membership.role_set)
    if not can_remove_recipient(actor, is_recipient=by_recipient, removed_has_left=left):
        raise PermissionDenied
    if membership.organisation_id != report.organisation_id:
        raise ValidationError({"membership": _("This person is not a recipient of this report.")})
    with service_write(action="reporting.remove_recipient", actor=actor, target=report) as change:
        # One removal per report at a time: two recipients removing each other at the same
        # moment must not both succeed and leave nobody.
        locked = Report.objects.select_for_update().only("pk", "recovery_sealed_key").get(pk=report.pk)
        recipient = ReportRecipient.objects.filter(
            report=report, membership=membership, revoked_at__isnull=True
        ).first()
        if recipient is None:
            raise ValidationError({"membership": _("This person is not a recipient of this report.")})
        if recipient.sealed_key is not None and not removal_keeps_report_openable(
            by_recipient=by_recipient, has_recovery_copy=locked.recovery_sealed_key is not None,
            **_other_key_holders(report_id=report.pk, membership_id=membership.pk),
        ):
            raise ValidationError({"membership": last_key_holder_message() if by_recipient else _(
                "Nobody else can open this report and it has no copy for the organisation "
                "recovery key, so this person cannot be removed: the report would become "
                "unreadable for good."
            )})
        recipient.sealed_key = None
        recipient.revoked_at = timezone.now()
        recipient.save(update_fields=["sealed_key", "revoked_at"])
        change.data = {"membership_id": membership.pk, "by_coordinator": not by_recipient}
    return recipient


def _other_key_holders(*, report_id: int, membership_id: int) -> dict[str, bool]:
    """Does anyone besides this person hold the report key (and is one of them still active)?"""
    active = list(ReportRecipient.objects.filter(
        report_id=report_id, revoked_at__isnull=True, sealed_key__isnull=False,
    ).exclude(membership_id=membership_id).values_list("membership__is_active", flat=True))
    return {"other_key_holders": bool(active), "other_active_key_holders": any(active)}


def reports_remove_recipient(*, actor: Actor, membership: Membership) -> int:
    """The coordinator removes someone who left from every report they still receive, at once.

    All or nothing: refused while any of those reports would keep no copy of its key at all (no
    other key holder, no organisation recovery copy). Reports that rest on this person alone but
    have a recovery copy wait, unreadable, for a successor (`reports_recover_for`); the
    coordinator's page says so first. Returns how many reports they were removed from.
    """
    require(can_manage_recovery_key(actor) and membership.organisation_id == actor.organisation_id)
    if not has_left_recipients(is_active=membership.is_active, roles=membership.role_set):
        raise ValidationError(_(
            "This person still works here with a role that receives reports. They can pass their "
            "reports on themselves, on each report's page. Remove someone here once they have left."
        ))
    with service_write(action="reporting.remove_recipient_everywhere", actor=actor,
                       target=membership) as change:
        rows = recipient_rows(organisation_id=actor.organisation_id, membership_id=membership.pk)
        report_ids = sorted(rows.values_list("report_id", flat=True))
        # Lock the reports (in a fixed order) so no recipient leaves them meanwhile.
        list(Report.objects.select_for_update().filter(pk__in=report_ids).order_by("pk")
             .values_list("pk", flat=True))
        stuck = sum(
            1 for has_key, other_active, other, has_copy in rows.values_list(
                "has_key", "other_active", "other", "has_copy")
            if has_key and not removal_keeps_report_openable(
                by_recipient=False, other_active_key_holders=other_active,
                other_key_holders=other, has_recovery_copy=has_copy)
        )
        if stuck:
            raise ValidationError(ngettext(
                "%(count)d report can only be opened by this person and has no copy for the "
                "organisation recovery key. Removing them would make it unreadable for good, so "
                "nothing was changed.",
                "%(count)d reports can only be opened by this person and have no copy for the "
                "organisation recovery key. Removing them would make them unreadable for good, so "
                "nothing was changed.", stuck) % {"count": stuck})
        removed = ReportRecipient.objects.filter(
            membership=membership, report_id__in=report_ids, revoked_at__isnull=True
        ).update(sealed_key=None, revoked_at=timezone.now())
        holdings.refresh(report_ids)
        for report_id in report_ids:  # one entry per report, as when removed one at a time
            with service_write(action="reporting.remove_recipient", actor=actor,
                               target=Report(pk=report_id, organisation_id=actor.organisation_id),
                               ) as per_report:
                per_report.data = {"membership_id": membership.pk, "by_coordinator": True}
        change.data = {"count": removed}
    return removed


def recovery_key_create(*, actor: Actor) -> tuple[OrganisationRecoveryKey, str]:
    """A new organisation recovery key pair; return the private half ONCE (to keep offline)."""
    require(can_manage_recovery_key(actor))
    public, private = crypto.keypair_generate()
    with service_write(action="reporting.recovery_key_create", actor=actor) as change:
        OrganisationRecoveryKey.objects.filter(
            organisation_id=actor.organisation_id, retired_at__isnull=True
        ).update(retired_at=timezone.now())
        key = OrganisationRecoveryKey.objects.create(
            organisation_id=actor.organisation_id, public_key=public,
            created_by_id=actor.membership_id,
        )
        change.target = key
    return key, recovery_private_format(private)


def recovery_private_format(private: bytes) -> str:
    raw = base64.b32encode(private).decode().rstrip("=")
    return "VNR-" + "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def recovery_private_parse(text: str) -> bytes:
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    cleaned = cleaned.removeprefix("VNR")
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"recovery_key": _("This is not a valid recovery key.")}) from error
    if len(data) != crypto.KEY_SIZE:
        raise ValidationError({"recovery_key": _("This is not a valid recovery key.")})
    return data


def report_seal_for_recovery(*, actor: Actor, report: Report, private_key: bytes) -> bool:
    """When a recipient opens a report made before the organisation's current recovery key
    existed, also seal its key for that recovery key (ADR 0031). Returns True when it did."""
    recovery = OrganisationRecoveryKey.objects.filter(
        organisation_id=report.organisation_id, retired_at__isnull=True
    ).first()
    if recovery is None or report.recovery_key_id == recovery.pk:
        return False
    report_key = report_key_for_recipient(report=report, membership_id=actor.membership_id,
                                          private_key=private_key)
    with service_write(action="reporting.recovery_seal", actor=actor, target=report) as change:
        updated = Report.objects.filter(pk=report.pk, recovery_key_id=report.recovery_key_id).update(
            recovery_key=recovery, recovery_sealed_key=crypto.seal(bytes(recovery.public_key), report_key)
        )
        change.data = {"recovery_key_id": recovery.pk}
        if not updated:
            change.nothing_changed()
        holdings.refresh([report.pk])
    report.recovery_key_id = recovery.pk
    return bool(updated)
