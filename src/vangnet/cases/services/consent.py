"""Consent per hand-off (ADR 0042): asking the reporter, sharing exactly what was agreed,
withdrawal, and sharing without consent in acute danger (justified, recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor, Role

from .. import integration, permissions
from ..integration import QuestionRef
from ..models import (
    Case,
    CaseEvent,
    CaseNote,
    ConsentRequest,
)
from ..parts import PART_LABELS
from ..selectors import access_for
from .common import MIN_JUSTIFICATION, REF_APP, _event
from .notes import note_add

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership
    from vangnet.reporting.models import DialogueQuestion


def _recipient_label(consent: ConsentRequest) -> str:
    if consent.recipient_kind == ConsentRequest.Recipient.EXTERNAL:
        return consent.external_body
    label = str(ConsentRequest.Recipient(consent.recipient_kind).label)
    if consent.recipient is not None:
        return f"{consent.recipient.user} ({label})"
    return label


def _parts_label(parts: Iterable[str]) -> str:
    return ", ".join(str(PART_LABELS.get(part, part)) for part in parts)


def _check_recipient(case: Case, access: permissions.CaseAccess, recipient_kind: str,
                     recipient: Membership | None, external_body: str) -> None:
    if recipient_kind not in ConsentRequest.Recipient.values:
        raise ValidationError({"recipient_kind": _("Choose who would receive the information.")})
    if recipient_kind == ConsentRequest.Recipient.EXTERNAL:
        if not external_body.strip():
            raise ValidationError({"external_body": _("Name the external body.")})
        return
    if recipient is None:
        raise ValidationError({"recipient": _("Choose the person who would receive it.")})
    if not permissions.can_receive_share(recipient_membership_id=recipient.pk,
                                         recipient_org_id=recipient.organisation_id,
                                         access=access):
        raise ValidationError({"recipient": _(
            "This person cannot receive the report: they are involved, or manage someone who is.")})
    if not permissions.holds_role_for_kind(recipient_kind=recipient_kind,
                                           roles=recipient.role_set,
                                           is_active=recipient.is_active):
        raise ValidationError({"recipient": _(
            "This person does not have the role you chose. Choose someone who does.")})
    if recipient.pk in access.recipient_ids:
        raise ValidationError({"recipient": _("This person already has the report.")})


def _clean_parts(parts: Iterable[str]) -> list[str]:
    chosen = [part for part in integration.REPORT_PARTS if part in set(parts)]
    if not chosen:
        raise ValidationError({"parts": _("Choose at least one part to share.")})
    return chosen


def consent_request(*, actor: Actor, case: Case, recipient_kind: str,
                    recipient: Membership | None = None, external_body: str = "",
                    parts: Iterable[str], purpose: str = "",
                    private_key: bytes | None = None) -> ConsentRequest:
    """Ask the reporter, in the dialogue, whether these parts may go to this person or body."""
    access = access_for(case)
    require(permissions.can_request_consent(actor, access))
    _check_recipient(case, access, recipient_kind, recipient, external_body)
    chosen = _clean_parts(parts)
    if case.report is None:
        raise ValidationError(_("The contents of this case have been destroyed."))
    with service_write(action="cases.consent_request", actor=actor, target=case) as change:
        consent = ConsentRequest.objects.create(
            case=case, recipient_kind=recipient_kind, recipient=recipient,
            external_body=external_body.strip()[:200], parts=chosen, asked_by_id=actor.membership_id,
            asked_at=timezone.now(),
        )
        body = _(
            "May I share part of your report with %(who)s? It would be: %(parts)s. "
            "Nothing else goes to them, and you can change your mind later."
        ) % {"who": _recipient_label(consent), "parts": _parts_label(chosen)}
        if purpose.strip():
            body += "\n\n" + _("Why: %(purpose)s") % {"purpose": purpose.strip()}
        question = integration.dialogue_ask(
            report=case.report, actor=actor, kind="consent", body=body, private_key=private_key,
            choices=[["yes", gettext_noop("Yes, that is fine")], ["no", gettext_noop("No, please don't")]],
            ref=QuestionRef(app=REF_APP, kind="consent", object_id=consent.pk).encode(),
        )
        consent.question_id = question.pk
        consent.save(update_fields=["question_id"])
        _event(case, CaseEvent.Kind.CONSENT_ASKED, actor=actor,
               summary=f"{consent.get_recipient_kind_display()}: {_parts_label(chosen)}")
        change.data = {"consent": consent.pk, "recipient_kind": recipient_kind,
                       "recipient": recipient.pk if recipient else None, "parts": chosen}
    return consent


def consent_answer(*, consent: ConsentRequest, answer: str) -> ConsentRequest:
    """The reporter answered in the dialogue (called from reporting's hook)."""
    with service_write(action="cases.consent_answer", actor=None,
                       actor_label="reporter") as change:
        consent = ConsentRequest.objects.select_for_update().select_related("case").get(pk=consent.pk)
        if consent.status != ConsentRequest.Status.ASKED:
            change.nothing_changed()
            return consent
        consent.status = (ConsentRequest.Status.CONSENTED if answer == "yes"
                          else ConsentRequest.Status.REFUSED)
        consent.answered_at = timezone.now()
        consent.save(update_fields=["status", "answered_at"])
        kind = (CaseEvent.Kind.CONSENT_GIVEN if answer == "yes"
                else CaseEvent.Kind.CONSENT_REFUSED)
        _event(consent.case, kind, summary=consent.get_recipient_kind_display())
        change.target = consent.case
        change.data = {"consent": consent.pk, "answer": consent.status}
    return consent


def consent_share(*, actor: Actor, consent: ConsentRequest, private_key: bytes) -> ConsentRequest:
    """Carry out a consented hand-off: re-seal exactly the consented parts for the recipient."""
    case = consent.case
    access = access_for(case)
    require(permissions.can_request_consent(actor, access))
    with service_write(action="cases.share", actor=actor, target=case) as change:
        consent = ConsentRequest.objects.select_for_update().get(pk=consent.pk)
        if consent.status != ConsentRequest.Status.CONSENTED:
            raise ValidationError(_("The reporter has not (or no longer) agreed to this."))
        if consent.recipient is not None:
            _check_recipient(case, access, consent.recipient_kind, consent.recipient, "")
            grant = integration.grant_access(
                actor=actor, report=case.report, membership=consent.recipient,
                parts=list(consent.parts), private_key=private_key,
                reason=f"consent:{consent.pk}",
            )
            consent.grant_id = grant.pk
        consent.status = ConsentRequest.Status.SHARED
        consent.shared_at = timezone.now()
        question = integration.dialogue_ask(
            report=case.report, actor=actor, kind="consent", private_key=private_key,
            body=_("I have shared %(parts)s with %(who)s, as you agreed. If you no longer want "
                   "this, press the button: from then on they cannot open it any more.")
            % {"parts": _parts_label(consent.parts), "who": _recipient_label(consent)},
            choices=[["withdraw", gettext_noop("Withdraw my consent")]],
            ref=QuestionRef(app=REF_APP, kind="withdraw", object_id=consent.pk).encode(),
        )
        consent.withdraw_question_id = question.pk
        consent.save()
        _event(case, CaseEvent.Kind.SHARED, actor=actor,
               summary=f"{consent.get_recipient_kind_display()}: {_parts_label(consent.parts)}")
        change.data = {"consent": consent.pk, "grant": consent.grant_id, "parts": consent.parts,
                       "recipient": consent.recipient_id}
    return consent


def consent_invite_recipient(*, actor: Actor, consent: ConsentRequest) -> None:
    """The reporter agreed, but the person (usually a manager) has no key pair yet: ask them by
    e-mail to set one up (ADR 0075). "Share now" works once they have; nothing is shared before."""
    access = access_for(consent.case)
    require(permissions.can_request_consent(actor, access))
    if consent.status != ConsentRequest.Status.CONSENTED or consent.recipient is None:
        raise ValidationError(_("The reporter has not (or no longer) agreed to this."))
    _check_recipient(consent.case, access, consent.recipient_kind, consent.recipient, "")
    integration.key_invite(actor=actor, report=consent.case.report, membership=consent.recipient)


def consent_withdraw(*, consent: ConsentRequest, actor: Actor | None = None,
                     question: DialogueQuestion | None = None) -> ConsentRequest:
    """Consent withdrawn: recorded by the advisor (`actor`), or by the reporter in the dialogue
    (`question`: their answer to this consent's withdraw question, which reporting checks again).
    The grant is revoked for the future. What the recipient already read cannot be unread; the
    timeline says so honestly."""
    if (actor is None) == (question is None):
        raise PermissionDenied
    if actor is not None:
        require(permissions.can_request_consent(actor, access_for(consent.case)))
    elif question is None or question.pk != consent.withdraw_question_id:
        raise PermissionDenied
    with service_write(action="cases.consent_withdraw", actor=actor,
                       actor_label="" if actor else "reporter") as change:
        consent = ConsentRequest.objects.select_for_update().select_related("case").get(pk=consent.pk)
        if consent.status not in (ConsentRequest.Status.SHARED, ConsentRequest.Status.CONSENTED,
                                  ConsentRequest.Status.ASKED):
            change.nothing_changed()
            return consent
        if consent.grant_id:
            integration.revoke_access(grant_id=consent.grant_id, actor=actor, question=question)
        consent.status = ConsentRequest.Status.WITHDRAWN
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["status", "withdrawn_at"])
        _event(consent.case, CaseEvent.Kind.CONSENT_WITHDRAWN, actor=actor,
               summary=consent.get_recipient_kind_display())
        change.target = consent.case
        change.data = {"consent": consent.pk, "grant": consent.grant_id}
    return consent


def share_in_acute_danger(*, actor: Actor, case: Case, recipient: Membership, parts: Iterable[str],
                          justification: str, private_key: bytes) -> ConsentRequest:
    """The one exception to consent: someone is in acute danger. Separate, justified, audited,
    and the reporter is told what was shared with whom."""
    access = access_for(case)
    require(permissions.can_share_without_consent(actor, access))
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationError({"justification": _(
            "Explain the danger and why it cannot wait for consent (at least %(n)s characters)."
        ) % {"n": MIN_JUSTIFICATION}})
    _check_recipient(case, access, _kind_for(recipient), recipient, "")
    chosen = _clean_parts(parts)
    with service_write(action="cases.acute_danger_share", actor=actor, target=case) as change:
        now = timezone.now()
        grant = integration.grant_access(actor=actor, report=case.report, membership=recipient,
                                         parts=chosen, private_key=private_key,
                                         reason="acute_danger")
        consent = ConsentRequest.objects.create(
            case=case, recipient_kind=_kind_for(recipient), recipient=recipient, parts=chosen,
            status=ConsentRequest.Status.SHARED, is_acute_danger=True,
            asked_by_id=actor.membership_id, grant_id=grant.pk, asked_at=now, shared_at=now,
        )
        note_add(actor=actor, case=case, text=justification, private_key=private_key,
                 kind=CaseNote.Kind.JUSTIFICATION)
        case.priority = Case.Priority.HIGH
        case.save(update_fields=["priority", "updated_at"])
        _event(case, CaseEvent.Kind.ACUTE_DANGER, actor=actor,
               summary=f"{consent.get_recipient_kind_display()}: {_parts_label(chosen)}")
        change.data = {"consent": consent.pk, "grant": grant.pk, "recipient": recipient.pk,
                       "parts": chosen}
        integration.message_post(
            report=case.report, actor=actor, kind="acute_danger", private_key=private_key,
            body=_("Because I believe someone is in acute danger, I have shared %(parts)s with "
                   "%(who)s without waiting for your consent. I would rather have asked you first. "
                   "Please get in touch with me if you want to talk about it.")
            % {"parts": _parts_label(chosen), "who": _recipient_label(consent)},
        )
    return consent


def _kind_for(membership: Membership) -> str:
    roles = membership.role_set
    if Role.HR in roles:
        return ConsentRequest.Recipient.HR
    if Role.COMPLAINTS_COMMITTEE in roles:
        return ConsentRequest.Recipient.COMPLAINTS_COMMITTEE
    if Role.ADVISOR in roles:
        return ConsentRequest.Recipient.ADVISOR
    return ConsentRequest.Recipient.MANAGER
