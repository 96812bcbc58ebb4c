"""Continuity: when a recipient is unavailable or gone, two people and the offline recovery key
give the reports to a successor (ADR 0031).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vangnet.core import crypto
from vangnet.core.mail import queue_mail
from vangnet.organisations.public import (
    CASE_READING_ROLES,
    Actor,
    Role,
    active_memberships_in,
    membership_for_actor,
    user_ids_of_active_memberships,
)

from ..conflicts import excluded_membership_ids
from ..keys import has_keypair
from ..mails import RECOVERY_EVENTS, RECOVERY_NOTICE_MAIL
from ..models import (
    OrganisationRecoveryKey,
    RecipientUnavailability,
    RecoveryRequest,
    Report,
    ReportGrant,
    ReportRecipient,
)
from ..permissions import (
    can_approve_recovery,
    can_be_successor,
    can_carry_out_recovery,
    can_declare_unavailable,
    can_end_unavailability,
    can_request_recovery,
    holder_is_gone,
    successor_role_for,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership

from vangnet.core.service import require, service_write

from .access import recovery_private_parse
from .common import _public_key_of_membership
from .dialogue import message_post
from .intake import _main_role

RECOVERY_REQUEST_VALID_FOR = timedelta(days=7)
MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 300


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({field: _(
            "Say briefly why (at least 10 characters), without anything from a report.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({field: _("Keep the reason short (at most 300 characters).")})
    return reason


def _member_of(actor: Actor) -> Membership:
    return membership_for_actor(actor=actor)


class _NoticeIds(TypedDict, total=False):
    """The ids a recovery notice carries (ADR 0051: only integer ids go into the queue)."""

    request_id: int
    event: int
    declaration_id: int


def _email_members(membership_ids: Iterable[int], kind: str, ids: _NoticeIds) -> None:
    """Content-free notices to people (active members only), queued after the commit with ids
    only (ADR 0051); the kinds live in reporting/mails.py."""
    user_ids = user_ids_of_active_memberships(membership_ids)
    if user_ids:
        transaction.on_commit(lambda: queue_mail(kind, user_ids=user_ids, **ids))


def unavailable_membership_ids(*, organisation_id: int) -> set[int]:
    return set(RecipientUnavailability.objects.filter(
        organisation_id=organisation_id, ended_at__isnull=True).values_list("membership_id", flat=True))


def recipient_unavailable_declare(
    *, actor: Actor, membership: Membership, reason: str
) -> RecipientUnavailability:
    """The coordinator records that someone cannot handle their reports for now. On its own
    this gives nobody anything: it only lets a two-person recovery request take over the reports
    that rest on this person. Audited (ids only); the person is told by e-mail."""
    require(membership.organisation_id == actor.organisation_id
            and can_declare_unavailable(actor, membership_id=membership.pk))
    reason = _clean_reason(reason)
    with service_write(action="reporting.unavailable_declare", actor=actor,
                       target=membership) as change:
        if RecipientUnavailability.objects.filter(membership=membership,
                                                  ended_at__isnull=True).exists():
            raise ValidationError(_("This person has already been declared unavailable."))
        declaration = RecipientUnavailability.objects.create(
            organisation_id=actor.organisation_id, membership=membership, reason=reason,
            declared_by_id=actor.membership_id,
        )
        change.data = {"declaration_id": declaration.pk, "membership_id": membership.pk}
        # The person hears of it at once: if it is not true, they can end it and tell others.
        _email_members([membership.pk], "reporting/email/declared_unavailable",
                       {"declaration_id": declaration.pk})
    return declaration


def recipient_unavailable_end(
    *, actor: Actor, declaration: RecipientUnavailability
) -> RecipientUnavailability:
    """The person is back (or was never away): the coordinator or the person ends it."""
    require(declaration.organisation_id == actor.organisation_id
            and can_end_unavailability(actor, membership_id=declaration.membership_id))
    with service_write(action="reporting.unavailable_end", actor=actor,
                       target=declaration.membership) as change:
        updated = RecipientUnavailability.objects.filter(
            pk=declaration.pk, ended_at__isnull=True
        ).update(ended_at=timezone.now(), ended_by_id=actor.membership_id)
        change.data = {"declaration_id": declaration.pk}
        if not updated:
            change.nothing_changed()
    declaration.refresh_from_db()
    return declaration


@dataclass(frozen=True)
class RecoveryPlan:
    """Which reports a recovery would give to the successor, and why each is waiting."""

    report_ids: list[int]
    holder_unavailable: dict[int, bool]  # report id -> a holder was declared unavailable
    skipped: int  # waiting for a successor, but not for this one (involved, grant, role)


def recovery_plan(
    *, organisation_id: int, successor: Membership, key_ids: Iterable[int] | None = None
) -> RecoveryPlan:
    """The reports the organisation recovery key may give to `successor`: it has a copy, EVERY
    current holder of the report is gone (left, no longer a receiving role, or declared
    unavailable), and the successor may take it: not involved or in an involved person's line,
    never someone who holds or held a grant on it (consent limits what they may read), and
    holding the role the reporter chose (an advisor's report goes to an advisor)."""
    reports = Report.objects.filter(organisation_id=organisation_id,
                                    recovery_sealed_key__isnull=False)
    if key_ids is not None:
        reports = reports.filter(recovery_key_id__in=list(key_ids))
    reports_by_id = {r.pk: r for r in reports.only(
        "pk", "organisation_id", "receipt_hash", "involved_tags", "route_step")}
    holders: dict[int, list[ReportRecipient]] = {}
    rows = ReportRecipient.objects.filter(
        report_id__in=list(reports_by_id), revoked_at__isnull=True, sealed_key__isnull=False,
    ).select_related("membership").prefetch_related("membership__roles")
    for row in rows:
        holders.setdefault(row.report_id, []).append(row)
    unavailable = unavailable_membership_ids(organisation_id=organisation_id)
    granted = set(ReportGrant.objects.filter(membership=successor).values_list("report_id", flat=True))
    successor_roles = successor.role_set
    chosen, reasons, skipped = [], {}, 0
    for report_id, report in sorted(reports_by_id.items()):
        current = holders.get(report_id, [])
        if not all(holder_is_gone(is_active=h.membership.is_active, roles=h.membership.role_set,
                                  declared_unavailable=h.membership_id in unavailable)
                   for h in current):
            continue  # someone can still open it: recovery is not for this report
        if (report_id in granted or successor_role_for(report.route_step) not in successor_roles
                or successor.pk in excluded_membership_ids(report)):
            skipped += 1
            continue
        chosen.append(report_id)
        reasons[report_id] = any(h.membership_id in unavailable for h in current)
    return RecoveryPlan(report_ids=chosen, holder_unavailable=reasons, skipped=skipped)


def _check_successor(*, organisation_id: int, successor: Membership) -> None:
    if successor.organisation_id != organisation_id:
        raise PermissionDenied
    if not can_be_successor(
        roles=successor.role_set, is_active=successor.is_active,
        has_keypair=has_keypair(successor.user_id),
        declared_unavailable=successor.pk in unavailable_membership_ids(organisation_id=organisation_id),
    ):
        raise ValidationError({"successor": _(
            "Choose someone who works here as a confidential advisor, in HR or on the complaints "
            "committee, who has unlocked their reports once and is available.")})


def _request_is_open(request: RecoveryRequest) -> bool:
    return request.status in (RecoveryRequest.Status.PENDING, RecoveryRequest.Status.APPROVED) \
        and request.expires_at > timezone.now()


def _email_recovery_notice(membership_ids: Iterable[int], request: RecoveryRequest,
                           event: str) -> None:
    _email_members(membership_ids, RECOVERY_NOTICE_MAIL,
                   {"request_id": request.pk, "event": RECOVERY_EVENTS.index(event)})


def recovery_request_create(
    *, actor: Actor, successor: Membership, reason: str
) -> RecoveryRequest:
    """The coordinator asks to give the reports that wait for a successor to `successor`.
    Refused when no report waits (every report still has a holder who can open it), when the
    coordinator names themselves, or when the successor may not receive reports. A second,
    different person must approve it in the product before the offline key can be used."""
    require(successor.organisation_id == actor.organisation_id
            and can_request_recovery(actor, successor_id=successor.pk))
    _check_successor(organisation_id=actor.organisation_id, successor=successor)
    reason = _clean_reason(reason)
    if not OrganisationRecoveryKey.objects.filter(organisation_id=actor.organisation_id).exists():
        raise ValidationError(_("This organisation has no recovery key yet."))
    plan = recovery_plan(organisation_id=actor.organisation_id, successor=successor)
    if not plan.report_ids:
        raise ValidationError(_(
            "No report is waiting for a successor that this person may take over. The recovery "
            "key is only for reports whose every holder has left or has been declared "
            "unavailable."))
    with service_write(action="reporting.recovery_request", actor=actor) as change:
        request = RecoveryRequest.objects.create(
            organisation_id=actor.organisation_id, successor=successor,
            requested_by_id=actor.membership_id, reason=reason,
            expires_at=timezone.now() + RECOVERY_REQUEST_VALID_FOR,
            report_count=len(plan.report_ids),
        )
        change.target = request
        change.data = {"request_id": request.pk, "successor_id": successor.pk,
                       "count": len(plan.report_ids)}
        # Everyone who could approve hears of it, and so do the successor and the requester: a
        # request made with a stolen account is noticed by the people it would pass by.
        approvers = active_memberships_in(organisation_id=actor.organisation_id).filter(
            roles__role__in=list(CASE_READING_ROLES),
        ).exclude(pk__in=[actor.membership_id, successor.pk]).values_list("pk", flat=True)
        _email_recovery_notice(approvers, request, "approve")
        _email_recovery_notice([successor.pk, actor.membership_id], request, "requested")
    return request


def recovery_request_decide(
    *, actor: Actor, request: RecoveryRequest, approve: bool
) -> RecoveryRequest:
    """A second, different person who may read cases approves or refuses a pending request."""
    require(request.organisation_id == actor.organisation_id
            and can_approve_recovery(actor, requested_by_id=request.requested_by_id,
                                     successor_id=request.successor_id))
    with service_write(action="reporting.recovery_decide", actor=actor) as change:
        locked = RecoveryRequest.objects.select_for_update().select_related("organisation").get(
            pk=request.pk)
        if locked.status != RecoveryRequest.Status.PENDING or not _request_is_open(locked):
            raise ValidationError(_("This request can no longer be decided on."))
        locked.status = (RecoveryRequest.Status.APPROVED if approve
                         else RecoveryRequest.Status.REFUSED)
        locked.decided_by_id = actor.membership_id
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        change.target, change.data = locked, {"request_id": locked.pk, "approved": approve}
        _email_recovery_notice([locked.successor_id, locked.requested_by_id or 0], locked,
                               "approved" if approve else "refused")
    return locked


def _recovery_message(*, successor: Membership, unavailable: bool) -> str:
    """What the reporter reads in their dialogue: who holds the report now, and why."""
    name = successor.user.full_name or successor.user.email
    with translation.override(settings.LANGUAGE_CODE):
        role = str(Role(successor_role_for_membership(successor)).label).lower()
        why = (_("the person who had your report cannot handle it for now") if unavailable
               else _("nobody who had your report works on it here any more"))
        return _(
            "Your report is now with %(name)s (%(role)s), because %(why)s. Two people in the "
            "organisation decided this together; neither of them can read your report. %(name)s "
            "can read your report and your messages and will answer you here. What you agreed to "
            "share with others stays as it was. If you do not want this, say so in a message."
        ) % {"name": name, "role": str(role), "why": why}


def successor_role_for_membership(membership: Membership) -> str:
    roles = membership.role_set
    return next((str(role) for role in (Role.ADVISOR, Role.COMPLAINTS_COMMITTEE, Role.HR)
                 if role in roles), str(Role.ADVISOR))


def recovery_request_carry_out(
    *, actor: Actor, request: RecoveryRequest, recovery_private_key: str
) -> int:
    """The coordinator who asked enters the offline key after the approval: every report that
    (still) waits for this successor gets a sealed copy of its key for them, and its reporter is
    told in the dialogue who holds it now and why. Every rule is checked again now. Returns how
    many reports were given."""
    require(request.organisation_id == actor.organisation_id
            and can_carry_out_recovery(actor, requested_by_id=request.requested_by_id,
                                       successor_id=request.successor_id))
    private = recovery_private_parse(recovery_private_key)
    public = crypto.public_key_of(private)
    matching = [k.pk for k in OrganisationRecoveryKey.objects.filter(
        organisation_id=actor.organisation_id) if bytes(k.public_key) == public]
    if not matching:
        raise ValidationError({"recovery_key": _(
            "This recovery key does not belong to this organisation.")})
    with service_write(action="reporting.recover_reports", actor=actor) as change:
        locked = RecoveryRequest.objects.select_for_update().select_related(
            "organisation", "successor__user").get(pk=request.pk)
        if locked.status != RecoveryRequest.Status.APPROVED or not _request_is_open(locked):
            raise ValidationError(_(
                "This request is not approved (or no longer valid). Make a new request."))
        successor = locked.successor
        _check_successor(organisation_id=actor.organisation_id, successor=successor)
        plan = recovery_plan(organisation_id=actor.organisation_id, successor=successor,
                             key_ids=matching)
        public_key = _public_key_of_membership(successor)
        reports = Report.objects.select_for_update().filter(pk__in=plan.report_ids).order_by("pk")
        count = 0
        for report in reports:
            with service_write(action="reporting.recover_report", actor=actor,
                               target=report) as per_report:
                report_key = crypto.unseal(private, bytes(report.recovery_sealed_key or b""))
                ReportRecipient.objects.update_or_create(
                    report=report, membership=successor,
                    defaults={"sealed_key": crypto.seal(public_key or b"", report_key),
                              "revoked_at": None, "role_at_time": _main_role(successor)},
                )
                message_post(report=report, actor=None, kind="recovery", body=_recovery_message(
                    successor=successor, unavailable=plan.holder_unavailable.get(report.pk, False)))
                per_report.data = {"request_id": locked.pk, "membership_id": successor.pk}
            count += 1
        locked.status = RecoveryRequest.Status.DONE
        locked.carried_out_at = timezone.now()
        locked.report_count = count
        locked.save(update_fields=["status", "carried_out_at", "report_count"])
        change.target = successor
        change.data = {"request_id": locked.pk, "approved_by": locked.decided_by_id,
                       "count": count}
        _email_recovery_notice([successor.pk, locked.decided_by_id or 0, actor.membership_id],
                               locked, "done")
    return count
