"""Every write to cases. Keyword-only, typed, atomic, permission-checked and audited.

The reporter stays in control: nothing is shared without a consent the reporter gave in the
dialogue (except in acute danger, which is its own audited action and the reporter is told).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.core import crypto
from vangnet.core.audit import audit_record
from vangnet.core.mail import queue_mail
from vangnet.organisations.public import Actor, Role, members_with_role
from vangnet.quickscan import public as quickscan

from . import deadlines, integration, permissions
from .forms import PART_LABELS
from .integration import QuestionAnswered, QuestionRef, ReportSubmitted
from .models import (
    AdviceContact,
    AftercareMoment,
    AftercarePlan,
    Case,
    CaseEvent,
    CaseNote,
    CaseSettings,
    ConsentRequest,
    Lesson,
    LessonAction,
    PatternKey,
    PersonMark,
    RetaliationCheckin,
)
from .patterns import person_pattern_check, unit_pattern_check
from .workflow import Outcome, State, find_transition, is_open, track_for

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

REF_APP = "cases"  # the app part of the refs of the questions cases asks (QuestionRef)
MIN_JUSTIFICATION = 30


# --- helpers --------------------------------------------------------------------------------


def _user(actor: Actor | None) -> Any:
    return get_user_model()(pk=actor.user_id) if actor is not None else None


def _audit(action: str, *, actor: Actor | None, case: Case | None = None, target: Any = None,
           organisation_id: int | None = None, data: dict[str, Any] | None = None) -> None:
    audit_record(action=f"cases.{action}", actor=_user(actor), target=target or case,
                 organisation_id=organisation_id or (case.organisation_id if case else None),
                 data=data or {})


def _event(case: Case, kind: str, *, actor: Actor | None = None, summary: str = "",
           from_state: str = "", to_state: str = "", at: datetime | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor_id=actor.membership_id if actor else None,
        summary=summary[:300], from_state=from_state, to_state=to_state,
        created_at=at or timezone.now(),
    )


def settings_for(organisation_id: int) -> CaseSettings:
    found = CaseSettings.objects.filter(organisation_id=organisation_id).first()
    return found or CaseSettings(organisation_id=organisation_id)


def _terms(case_settings: CaseSettings) -> deadlines.Terms:
    return deadlines.Terms(acknowledge_days=case_settings.acknowledge_within_days,
                           feedback_months=case_settings.feedback_within_months)


def access_for(case: Case) -> permissions.CaseAccess:
    """The facts the permission rules need, in three small queries."""
    if case.report_id is None:
        return permissions.CaseAccess(organisation_id=case.organisation_id)
    return permissions.CaseAccess(
        organisation_id=case.organisation_id,
        recipient_ids=integration.recipient_ids(case.report_id),
        grant_ids=integration.grant_holder_ids(case.report_id),
        excluded_ids=integration.excluded_ids(case.report),
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("report").get(pk=case.pk)


# --- settings -------------------------------------------------------------------------------


def case_settings_update(*, actor: Actor, acknowledge_within_days: int,
                         feedback_within_months: int, checkin_months: list[int],
                         retain_case_contents_months: int, retain_notes_months: int,
                         retain_advice_contacts_months: int) -> CaseSettings:
    _require(permissions.can_configure_cases(actor))
    deadlines.validate_terms(acknowledge_days=acknowledge_within_days,
                             feedback_months=feedback_within_months)
    months = sorted({int(m) for m in checkin_months})
    if not months or any(m < 1 or m > 36 for m in months):
        raise ValidationError({"checkin_months": _("Give one to five moments between 1 and 36 "
                                                   "months, for example 3, 6, 12.")})
    with transaction.atomic():
        found = settings_for(actor.organisation_id)
        found.acknowledge_within_days = acknowledge_within_days
        found.feedback_within_months = feedback_within_months
        found.checkin_months = months[:5]
        found.retain_case_contents_months = retain_case_contents_months
        found.retain_notes_months = retain_notes_months
        found.retain_advice_contacts_months = retain_advice_contacts_months
        found.full_clean()
        found.save()
        _audit("settings_update", actor=actor, target=found, organisation_id=actor.organisation_id,
               data={"acknowledge_days": acknowledge_within_days,
                     "feedback_months": feedback_within_months, "checkins": months})
    return found


# --- creating a case (reporting's "report_submitted" hook) ----------------------------------


def _new_reference(organisation_id: int, year: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(5))
        reference = f"{year}-{code}"
        if not Case.objects.filter(organisation_id=organisation_id, reference=reference).exists():
            return reference


def case_create_for_report(report: Any) -> Case:
    """Every report becomes a case. Called inside reporting's submit transaction."""
    existing = Case.objects.filter(report_id=report.pk).first()
    if existing is not None:
        return existing
    received = report.created_at or timezone.now()
    terms = _terms(settings_for(report.organisation_id))
    case = Case.objects.create(
        organisation_id=report.organisation_id, report=report,
        reference=_new_reference(report.organisation_id, received.year),
        category=report.category, unit_id=report.unit_id, route_step=report.route_step or "",
        channel=report.channel or "", mode=report.mode or "",
        is_whistleblowing=bool(report.is_whistleblowing), received_at=received,
        acknowledge_due_at=deadlines.acknowledge_due(received, terms),
        feedback_due_at=deadlines.feedback_due(received, None, terms),
    )
    _event(case, CaseEvent.Kind.CREATED, to_state=State.RECEIVED, at=received)

    # Count first, audit last: the audit entry locks the organisation's chain until commit.
    unit_pattern_check(case=case)
    _audit("create", actor=None, case=case, data={"report": report.pk})
    return case


# --- workflow -------------------------------------------------------------------------------


def case_transition(*, actor: Actor, case: Case, name: str, reason: str = "",
                    outcome: str = "", message: str = "",
                    private_key: bytes | None = None) -> Case:
    """Apply one transition from workflow.TRANSITIONS; append the status change to the timeline."""
    _require(permissions.can_manage_case(actor, access_for(case)))
    reason = reason.strip()
    with transaction.atomic():
        case = _locked(case)
        transition = find_transition(case.state, name)
        if transition.requires_reason and len(reason) < 5:
            raise ValidationError({"reason": _("Please say briefly why (without names).")})
        if transition.requires_outcome and outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome of the case.")})
        now = timezone.now()
        previous = case.state
        case.state = transition.target
        case.is_open = is_open(case.state)
        case.track = track_for(case.state, case.track)
        terms = _terms(settings_for(case.organisation_id))
        if transition.target == State.ACKNOWLEDGED:
            case.acknowledged_at = now
            case.feedback_due_at = deadlines.feedback_due(case.received_at, now, terms)
        if transition.requires_outcome:
            case.outcome = outcome
            case.concluded_at = now
        if transition.target == State.CLOSED:
            case_settings = settings_for(case.organisation_id)
            case.closed_at = now
            case.retain_until = deadlines.add_months(
                now, max(case_settings.retain_case_contents_months,
                         case_settings.retain_notes_months))
        if transition.name == "reopen":
            case.closed_at = None
            case.retain_until = None
            case.priority = Case.Priority.NORMAL
        case.save()
        _event(case, CaseEvent.Kind.STATUS, actor=actor, from_state=previous,
               to_state=case.state, summary=reason or outcome, at=now)
        _audit("transition", actor=actor, case=case,
               data={"from": previous, "to": case.state, "transition": name})
        if transition.target == State.ACKNOWLEDGED and case.report is not None:
            integration.message_post(
                report=case.report, actor=actor, kind="acknowledgement", private_key=private_key,
                body=message.strip() or _(
                    "We have received your report and will take care of it. We will let you know "
                    "how things stand within %(months)s months at the latest."
                ) % {"months": terms.feedback_months},
            )
        if transition.requires_outcome:
            _schedule_checkins(case, now)
        if transition.target == State.CLOSED and case.report is not None:
            _ask_satisfaction_and_tell_retention(actor, case, private_key)
    return case


def case_give_feedback(*, actor: Actor, case: Case, body: str,
                       private_key: bytes | None = None) -> Case:
    """Tell the reporter how things stand: this is what the three-month term asks for."""
    _require(permissions.can_manage_case(actor, access_for(case)))
    body = body.strip()
    if len(body) < 10:
        raise ValidationError({"body": _("Write a short message to the reporter.")})
    with transaction.atomic():
        case = _locked(case)
        if case.report is None:
            raise ValidationError(_("The contents of this case have been destroyed."))
        integration.message_post(report=case.report, actor=actor, body=body, kind="feedback",
                                 private_key=private_key)
        if case.feedback_given_at is None:
            case.feedback_given_at = timezone.now()
            case.save(update_fields=["feedback_given_at", "updated_at"])
        _event(case, CaseEvent.Kind.FEEDBACK, actor=actor)
        _audit("feedback", actor=actor, case=case)
    return case


# --- private notes --------------------------------------------------------------------------


def note_add(*, actor: Actor, case: Case, text: str, private_key: bytes,
             kind: str = CaseNote.Kind.NOTE) -> CaseNote:
    _require(permissions.can_write_note(actor, access_for(case)))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if case.report is None:
        raise ValidationError(_("The contents of this case have been destroyed."))
    key = integration.note_key(integration.report_key(
        report=case.report, membership_id=actor.membership_id, private_key=private_key))
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, kind=kind, author_id=actor.membership_id,
            ciphertext=crypto.secret_encrypt(key, text.encode()), created_at=timezone.now(),
        )
        if kind == CaseNote.Kind.NOTE:
            _event(case, CaseEvent.Kind.NOTE, actor=actor)
        _audit("note_add", actor=actor, case=case, data={"note": note.pk, "kind": kind})
    return note


# --- consent and sharing --------------------------------------------------------------------


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
    _require(permissions.can_request_consent(actor, access))
    _check_recipient(case, access, recipient_kind, recipient, external_body)
    chosen = _clean_parts(parts)
    if case.report is None:
        raise ValidationError(_("The contents of this case have been destroyed."))
    with transaction.atomic():
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
               summary=f"{consent.get_recipient_kind_display()}: {', '.join(chosen)}")
        _audit("consent_request", actor=actor, case=case,
               data={"consent": consent.pk, "recipient_kind": recipient_kind,
                     "recipient": recipient.pk if recipient else None, "parts": chosen})
    return consent


def consent_answer(*, consent: ConsentRequest, answer: str) -> ConsentRequest:
    """The reporter answered in the dialogue (called from reporting's hook)."""
    with transaction.atomic():
        consent = ConsentRequest.objects.select_for_update().select_related("case").get(pk=consent.pk)
        if consent.status != ConsentRequest.Status.ASKED:
            return consent
        consent.status = (ConsentRequest.Status.CONSENTED if answer == "yes"
                          else ConsentRequest.Status.REFUSED)
        consent.answered_at = timezone.now()
        consent.save(update_fields=["status", "answered_at"])
        kind = (CaseEvent.Kind.CONSENT_GIVEN if answer == "yes"
                else CaseEvent.Kind.CONSENT_REFUSED)
        _event(consent.case, kind, summary=consent.get_recipient_kind_display())
        audit_record(action="cases.consent_answer", actor_label="reporter",
                     target=consent.case, data={"consent": consent.pk, "answer": consent.status})
    return consent


def consent_share(*, actor: Actor, consent: ConsentRequest, private_key: bytes) -> ConsentRequest:
    """Carry out a consented hand-off: re-seal exactly the consented parts for the recipient."""
    case = consent.case
    access = access_for(case)
    _require(permissions.can_request_consent(actor, access))
    with transaction.atomic():
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
               summary=f"{consent.get_recipient_kind_display()}: {', '.join(consent.parts)}")
        _audit("share", actor=actor, case=case,
               data={"consent": consent.pk, "grant": consent.grant_id, "parts": consent.parts,
                     "recipient": consent.recipient_id})
    return consent


def consent_withdraw(*, consent: ConsentRequest, actor: Actor | None = None,
                     question: Any = None) -> ConsentRequest:
    """Consent withdrawn: recorded by the advisor (`actor`), or by the reporter in the dialogue
    (`question`: their answer to this consent's withdraw question, which reporting checks again).
    The grant is revoked for the future. What the recipient already read cannot be unread; the
    timeline says so honestly."""
    if (actor is None) == (question is None):
        raise PermissionDenied
    if actor is not None:
        _require(permissions.can_request_consent(actor, access_for(consent.case)))
    elif question.pk != consent.withdraw_question_id:
        raise PermissionDenied
    with transaction.atomic():
        consent = ConsentRequest.objects.select_for_update().select_related("case").get(pk=consent.pk)
        if consent.status not in (ConsentRequest.Status.SHARED, ConsentRequest.Status.CONSENTED,
                                  ConsentRequest.Status.ASKED):
            return consent
        if consent.grant_id:
            integration.revoke_access(grant_id=consent.grant_id, actor=actor, question=question)
        consent.status = ConsentRequest.Status.WITHDRAWN
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["status", "withdrawn_at"])
        _event(consent.case, CaseEvent.Kind.CONSENT_WITHDRAWN, actor=actor,
               summary=consent.get_recipient_kind_display())
        audit_record(action="cases.consent_withdraw", actor=_user(actor),
                     actor_label="" if actor else "reporter", target=consent.case,
                     data={"consent": consent.pk, "grant": consent.grant_id})
    return consent


def share_in_acute_danger(*, actor: Actor, case: Case, recipient: Membership, parts: Iterable[str],
                          justification: str, private_key: bytes) -> ConsentRequest:
    """The one exception to consent: someone is in acute danger. Separate, justified, audited,
    and the reporter is told what was shared with whom."""
    access = access_for(case)
    _require(permissions.can_share_without_consent(actor, access))
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationError({"justification": _(
            "Explain the danger and why it cannot wait for consent (at least %(n)s characters)."
        ) % {"n": MIN_JUSTIFICATION}})
    _check_recipient(case, access, _kind_for(recipient), recipient, "")
    chosen = _clean_parts(parts)
    with transaction.atomic():
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
               summary=f"{consent.get_recipient_kind_display()}: {', '.join(chosen)}")
        _audit("acute_danger_share", actor=actor, case=case,
               data={"consent": consent.pk, "grant": grant.pk, "recipient": recipient.pk,
                     "parts": chosen})
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


# --- aftercare and check-ins ----------------------------------------------------------------


def aftercare_plan_ensure(*, actor: Actor, case: Case, party: str) -> AftercarePlan:
    _require(permissions.can_manage_case(actor, access_for(case)))
    if party not in AftercarePlan.Party.values:
        raise ValidationError({"party": _("Choose for whom the aftercare is.")})
    with transaction.atomic():
        plan, created = AftercarePlan.objects.get_or_create(case=case, party=party)
        if created:
            _event(case, CaseEvent.Kind.AFTERCARE, actor=actor,
                   summary=str(AftercarePlan.Party(party).label))
            _audit("aftercare_plan", actor=actor, case=case, data={"party": party})
    return plan


def aftercare_moment_add(*, actor: Actor, case: Case, party: str, planned_for: date,
                         topic: str) -> AftercareMoment:
    plan = aftercare_plan_ensure(actor=actor, case=case, party=party)
    if planned_for < timezone.localdate() - timedelta(days=1):
        raise ValidationError({"planned_for": _("Choose a date from today onwards.")})
    with transaction.atomic():
        moment = AftercareMoment.objects.create(plan=plan, planned_for=planned_for,
                                                topic=topic.strip()[:120])
        _audit("aftercare_moment", actor=actor, case=case, data={"moment": moment.pk})
    return moment


def aftercare_moment_done(*, actor: Actor, moment: AftercareMoment) -> AftercareMoment:
    case = moment.plan.case
    _require(permissions.can_manage_case(actor, access_for(case)))
    with transaction.atomic():
        moment.done_at = timezone.now()
        moment.save(update_fields=["done_at"])
        _audit("aftercare_moment_done", actor=actor, case=case, data={"moment": moment.pk})
    return moment


def accused_record(*, actor: Actor, case: Case, heard_at: date | None,
                   informed_at: date | None) -> AftercarePlan:
    """The accused's side: when they were heard and informed (dates only; the hearing itself is
    a private note)."""
    plan = aftercare_plan_ensure(actor=actor, case=case, party=AftercarePlan.Party.ACCUSED)
    with transaction.atomic():
        plan.heard_at, plan.informed_at = heard_at, informed_at
        plan.save(update_fields=["heard_at", "informed_at"])
        _audit("accused_record", actor=actor, case=case,
               data={"heard": bool(heard_at), "informed": bool(informed_at)})
    return plan


def _schedule_checkins(case: Case, concluded_at: datetime) -> None:
    months = settings_for(case.organisation_id).checkin_months or [3, 6, 12]
    RetaliationCheckin.objects.bulk_create(
        [RetaliationCheckin(case=case, months_after=m,
                            due_at=deadlines.add_months(concluded_at, int(m))) for m in months],
        ignore_conflicts=True,
    )


def checkin_send(*, checkin: RetaliationCheckin) -> RetaliationCheckin:
    """Ask the reporter whether they have suffered for reporting (called by the job)."""
    case = checkin.case
    if case.report is None:
        checkin.sent_at = timezone.now()
        checkin.save(update_fields=["sent_at"])
        return checkin
    question = integration.dialogue_ask(
        report=case.report, actor=None, kind="retaliation_checkin",
        body=_("Some time has passed since your report was concluded. Have you experienced "
               "negative consequences because you reported, for example being left out, "
               "treated differently or threatened? Your answer goes only to your confidential "
               "advisor."),
        choices=[["no", gettext_noop("No")], ["yes", gettext_noop("Yes")]],
        ref=QuestionRef(app=REF_APP, kind="checkin", object_id=checkin.pk).encode(),
    )
    checkin.sent_at = timezone.now()
    checkin.question_id = question.pk
    checkin.save(update_fields=["sent_at", "question_id"])
    _event(case, CaseEvent.Kind.CHECKIN_SENT, summary=f"+{checkin.months_after}")
    audit_record(action="cases.checkin_send", target=case, data={"checkin": checkin.pk})
    return checkin


def checkin_answer(*, checkin: RetaliationCheckin, answer: str) -> RetaliationCheckin:
    with transaction.atomic():
        checkin = RetaliationCheckin.objects.select_for_update().select_related("case").get(
            pk=checkin.pk)
        if checkin.answered_at is not None:
            return checkin
        checkin.answer = RetaliationCheckin.Answer.YES if answer == "yes" else RetaliationCheckin.Answer.NO
        checkin.answered_at = timezone.now()
        checkin.save(update_fields=["answer", "answered_at"])
        case = checkin.case
        if checkin.answer == RetaliationCheckin.Answer.YES:
            case.priority = Case.Priority.HIGH
            case.attention_reason = "retaliation"
            case.save(update_fields=["priority", "attention_reason", "updated_at"])
            _event(case, CaseEvent.Kind.RETALIATION, summary=f"+{checkin.months_after}")
            _notify_handlers(case, template="cases/email/retaliation")
        else:
            _event(case, CaseEvent.Kind.CHECKIN_OK, summary=f"+{checkin.months_after}")
        audit_record(action="cases.checkin_answer", actor_label="reporter", target=case,
                     data={"checkin": checkin.pk, "answer": checkin.answer})
    return checkin


def case_attention_clear(*, actor: Actor, case: Case) -> Case:
    _require(permissions.can_manage_case(actor, access_for(case)))
    with transaction.atomic():
        case.priority = Case.Priority.NORMAL
        case.attention_reason = ""
        case.save(update_fields=["priority", "attention_reason", "updated_at"])
        _audit("attention_clear", actor=actor, case=case)
    return case


def _notify_handlers(case: Case, *, template: str) -> None:
    if case.report_id is None:
        return

    user_ids = integration.recipient_user_ids([case.report_id]).get(case.report_id, [])
    if not user_ids:
        return
    case_id = case.pk
    transaction.on_commit(lambda: queue_mail(template, user_ids=user_ids, case_id=case_id))


def _ask_satisfaction_and_tell_retention(actor: Actor, case: Case,
                                         private_key: bytes | None) -> None:
    case_settings = settings_for(case.organisation_id)
    integration.message_post(
        report=case.report, actor=actor, kind="retention", private_key=private_key,
        body=_("Your case has been closed. Your report, our messages and the notes about it are "
               "kept for %(months)s months after today and then destroyed. Only figures without "
               "names remain, for the yearly report.")
        % {"months": max(case_settings.retain_case_contents_months,
                         case_settings.retain_notes_months)},
    )
    integration.dialogue_ask(
        report=case.report, actor=actor, kind="satisfaction", private_key=private_key,
        body=_("One last, optional question: do you feel your report was handled well?"),
        choices=[["yes", gettext_noop("Yes")], ["no", gettext_noop("No")]],
        ref=QuestionRef(app=REF_APP, kind="satisfaction", field="handled_well",
                        object_id=case.pk).encode(),
    )
    integration.dialogue_ask(
        report=case.report, actor=actor, kind="satisfaction", private_key=private_key,
        body=_("And would you report something again, if it happened?"),
        choices=[["yes", gettext_noop("Yes")], ["no", gettext_noop("No")]],
        ref=QuestionRef(app=REF_APP, kind="satisfaction", field="report_again",
                        object_id=case.pk).encode(),
    )


def satisfaction_answer(*, case_id: int, field: str, answer: str) -> None:
    column = {"handled_well": "satisfaction_handled_well",
              "report_again": "satisfaction_would_report_again"}.get(field)
    if column is None:
        return
    with transaction.atomic():
        Case.objects.filter(pk=case_id).update(**{column: 1 if answer == "yes" else 0})
        case = Case.objects.get(pk=case_id)
        _event(case, CaseEvent.Kind.SATISFACTION)
        audit_record(action="cases.satisfaction", actor_label="reporter", target=case,
                     data={"question": field})


def on_report_submitted(event: ReportSubmitted) -> None:
    case_create_for_report(event.report)


def on_question_answered(event: QuestionAnswered) -> None:
    """Route the reporter's answer to the question cases asked (by the question's ref); answers
    to questions of others, or refs cases does not know, are left alone and never raise."""
    ref, question, answer = event.ref, event.question, event.answer
    if ref is None or ref.app != REF_APP:
        return
    if ref.kind == "consent":
        consent = ConsentRequest.objects.filter(pk=ref.object_id).first()
        if consent is not None:
            consent_answer(consent=consent, answer=answer)
    elif ref.kind == "withdraw":
        consent = ConsentRequest.objects.filter(pk=ref.object_id).first()
        if (consent is not None and answer == "withdraw"
                and consent.withdraw_question_id == question.pk):
            consent_withdraw(consent=consent, question=question)
    elif ref.kind == "checkin":
        checkin = RetaliationCheckin.objects.filter(pk=ref.object_id).first()
        if checkin is not None:
            checkin_answer(checkin=checkin, answer=answer)
    elif ref.kind == "satisfaction" and ref.field:
        satisfaction_answer(case_id=ref.object_id, field=ref.field, answer=answer)


# --- advice-only contacts, lessons, actions -------------------------------------------------


def advice_contact_record(*, actor: Actor, contact_date: date, category: str, channel: str,
                          route_step: str = "", outcome: str = Outcome.ADVICE) -> AdviceContact:
    """A conversation that does not become a case, counted in the statistics. No names."""
    _require(permissions.can_record_advice_contact(actor))
    if contact_date > timezone.localdate():
        raise ValidationError({"contact_date": _("The date cannot be in the future.")})
    with transaction.atomic():
        contact = AdviceContact(
            organisation_id=actor.organisation_id, advisor_id=actor.membership_id,
            contact_date=contact_date, category=category, channel=channel,
            route_step=route_step, outcome=outcome,
        )
        contact.full_clean()
        contact.save()
        _audit("advice_contact", actor=actor, target=contact, organisation_id=actor.organisation_id)
    return contact


def lesson_record(*, actor: Actor, case: Case, text: str) -> Lesson:
    _require(permissions.can_manage_case(actor, access_for(case)))
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": _("Describe the lesson in a sentence or two.")})
    with transaction.atomic():
        lesson = Lesson.objects.create(organisation_id=case.organisation_id, case=case, text=text,
                                       theme=case.category, created_by_id=actor.membership_id,
                                       created_at=timezone.now())
        _event(case, CaseEvent.Kind.LESSON, actor=actor)
        _audit("lesson", actor=actor, case=case, data={"lesson": lesson.pk})
    return lesson


def lesson_action_create(*, actor: Actor, lesson: Lesson, title: str, owner: str = "",
                         due_date: date | None = None) -> LessonAction:
    """Turn a lesson into an action: in the quickscan's action plan when that app is installed
    (linked back here), otherwise in this app's own simple list."""
    _require(permissions.can_turn_lesson_into_action(actor))
    if lesson.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the action a name.")})
    with transaction.atomic():
        action = LessonAction.objects.create(
            organisation_id=actor.organisation_id, lesson=lesson, title=title.strip()[:200],
            owner=owner.strip()[:150], due_date=due_date, created_by_id=actor.membership_id,
        )
        action.quickscan_action_id = _quickscan_action(actor, action)
        if action.quickscan_action_id:
            action.save(update_fields=["quickscan_action_id"])
        _audit("lesson_action", actor=actor, target=action,
               organisation_id=actor.organisation_id, data={"lesson": lesson.pk})
    return action


def _quickscan_action(actor: Actor, action: LessonAction) -> int | None:
    """Put the action in the quickscan's action plan when that app is installed and the actor may
    manage it there; the cases row keeps the link (same transaction)."""
    if not apps.is_installed("vangnet.quickscan"):
        return None
    if not quickscan.can_manage_actions(actor):
        return None
    description = action.lesson.text
    if action.owner:
        description += "\n\n" + _("Who takes it on: %(owner)s") % {"owner": action.owner}
    created = quickscan.action_create(actor=actor, title=action.title, description=description,
                                      due_date=action.due_date)
    return created.pk


def lesson_action_status(*, actor: Actor, action: LessonAction, status: str) -> LessonAction:
    _require(permissions.can_turn_lesson_into_action(actor))
    if action.organisation_id != actor.organisation_id or status not in LessonAction.Status.values:
        raise PermissionDenied
    with transaction.atomic():
        action.status = status
        action.save(update_fields=["status"])
        _audit("lesson_action_status", actor=actor, target=action,
               organisation_id=actor.organisation_id, data={"status": status})
    return action


# --- pattern key and person marks -----------------------------------------------------------


def _advisor_ids(organisation_id: int) -> list[int]:
    return list(members_with_role(organisation_id=organisation_id,
                                  role=Role.ADVISOR).values_list("pk", flat=True))


def pattern_key_open(*, actor: Actor, private_key: bytes, create: bool = True) -> bytes | None:
    """The organisation's pattern key for this advisor. Made on first use and sealed for every
    advisor with a key pair; an advisor who has it shares it with advisors who do not yet."""
    _require(permissions.can_view_pattern_signals(actor))
    mine = PatternKey.objects.filter(organisation_id=actor.organisation_id,
                                     membership_id=actor.membership_id).first()
    if mine is not None:
        key = crypto.unseal(private_key, bytes(mine.sealed_key))
    elif PatternKey.objects.filter(organisation_id=actor.organisation_id).exists() or not create:
        return None  # another advisor must open it for me first (happens on their next visit)
    else:
        key = crypto.new_key()
    with transaction.atomic():
        have = set(PatternKey.objects.filter(organisation_id=actor.organisation_id)
                   .values_list("membership_id", flat=True))
        wanted = set(_advisor_ids(actor.organisation_id)) | {actor.membership_id}
        public_keys = integration.public_keys_of_memberships(
            organisation_id=actor.organisation_id, membership_ids=wanted - have)
        PatternKey.objects.bulk_create(
            [PatternKey(organisation_id=actor.organisation_id, membership_id=member_id,
                        sealed_key=crypto.seal(public, key))
             for member_id, public in public_keys.items()],
            ignore_conflicts=True,
        )
        if public_keys:
            _audit("pattern_key_share", actor=actor, organisation_id=actor.organisation_id,
                   target=None, data={"advisors": sorted(public_keys)})
    return key


def person_hash(pattern_key: bytes, membership_id: int) -> str:
    return hmac.new(pattern_key, f"membership:{membership_id}".encode(), hashlib.sha256).hexdigest()


def person_mark(*, actor: Actor, case: Case, person: Membership, private_key: bytes) -> PersonMark:
    """Record, as a keyed hash only, that this case concerns this person (for pattern signals)."""
    _require(permissions.can_manage_case(actor, access_for(case)))
    _require(permissions.can_view_pattern_signals(actor))
    if person.organisation_id != case.organisation_id:
        raise PermissionDenied
    key = pattern_key_open(actor=actor, private_key=private_key)
    if key is None:
        raise ValidationError(_("The pattern key has not been shared with you yet. It will be "
                                "as soon as another confidential advisor opens a case."))
    with transaction.atomic():
        mark, _created = PersonMark.objects.get_or_create(
            case=case, person_hash=person_hash(key, person.pk),
            defaults={"organisation_id": case.organisation_id, "created_at": case.received_at},
        )
        _event(case, CaseEvent.Kind.PERSON_MARK, actor=actor)

        # Count first, audit last: the audit entry locks the organisation's chain until commit.
        person_pattern_check(mark=mark)
        _audit("person_mark", actor=actor, case=case)
    return mark


# --- retention ------------------------------------------------------------------------------


def retention_purge(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Destroy what is due; keep the anonymous figures. Safe to run by several workers at once."""
    now = now or timezone.now()
    counts = {"cases": 0, "notes": 0, "reports": 0, "advice_contacts": 0}
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        due = (Case.objects.select_for_update(skip_locked=skip_locked, of=("self",))
               .filter(retain_until__lte=now, contents_destroyed_at__isnull=True)
               .select_related("report")
               .order_by("retain_until")[:limit])
        for case in due:
            had_report = case.report_id is not None
            counts["notes"] += _purge_case(case, now)
            counts["cases"] += 1
            counts["reports"] += int(had_report)
    for organisation_id, months in CaseSettings.objects.values_list(
            "organisation_id", "retain_advice_contacts_months"):
        cutoff = deadlines.add_months(now, -months).date()
        deleted, _detail = AdviceContact.objects.filter(
            organisation_id=organisation_id, contact_date__lt=cutoff).delete()
        counts["advice_contacts"] += deleted
    default_cutoff = deadlines.add_months(now, -60).date()
    deleted, _detail = AdviceContact.objects.filter(contact_date__lt=default_cutoff).exclude(
        organisation_id__in=CaseSettings.objects.values("organisation_id")).delete()
    counts["advice_contacts"] += deleted
    if any(counts.values()):
        audit_record(action="cases.retention_purge", actor_label="system", data=counts)
    return counts


def _purge_case(case: Case, now: datetime) -> int:
    notes, _detail = case.notes.all().delete()
    case.person_marks.all().delete()
    case.consents.all().delete()
    case.aftercare_plans.all().delete()
    case.reminders.all().delete()
    case.checkins.all().delete()
    case.lessons.update(case=None)
    case.events.all().delete()
    report_id = case.report_id
    if report_id is not None:
        integration.destroy_report(report_id=report_id)
    Case.objects.filter(pk=case.pk).update(report=None, contents_destroyed_at=now,
                                           attention_reason="")
    case.report = None
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTENTS_DESTROYED, created_at=now)
    audit_record(action="cases.contents_destroyed", actor_label="system", target=case,
                 data={"notes": notes, "report": report_id is not None})
    return notes


def ensure_case_settings(organisation: Organisation) -> CaseSettings:
    found, _created = CaseSettings.objects.get_or_create(organisation=organisation)
    return found
