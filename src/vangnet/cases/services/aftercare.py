"""Aftercare after a conclusion: plans, retaliation check-ins, satisfaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vangnet.core.mail import queue_mail
from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import deadlines, integration, permissions
from ..integration import QuestionRef
from ..models import (
    AftercareMoment,
    AftercarePlan,
    Case,
    CaseEvent,
    RetaliationCheckin,
)
from ..selectors import access_for
from .common import REF_APP, _event, settings_for


def aftercare_plan_ensure(*, actor: Actor, case: Case, party: str) -> AftercarePlan:
    require(permissions.can_manage_case(actor, access_for(case)))
    if party not in AftercarePlan.Party.values:
        raise ValidationError({"party": _("Choose for whom the aftercare is.")})
    with service_write(action="cases.aftercare_plan", actor=actor, target=case) as change:
        plan, created = AftercarePlan.objects.get_or_create(case=case, party=party)
        change.data = {"party": party}
        if not created:
            change.nothing_changed()
            return plan
        _event(case, CaseEvent.Kind.AFTERCARE, actor=actor,
               summary=str(AftercarePlan.Party(party).label))
    return plan


def aftercare_moment_add(*, actor: Actor, case: Case, party: str, planned_for: date,
                         topic: str,
                         goal: str = AftercareMoment.Goal.SUPPORT) -> AftercareMoment:
    """A moment of aftercare for one party: the reporter, the accused, bystanders and witnesses,
    or the team (seed 001, pillar 3), with its goal; restoring trust is one (pillar 4)."""
    if goal not in AftercareMoment.Goal.values:
        raise ValidationError({"goal": _("Choose what the moment is for.")})
    plan = aftercare_plan_ensure(actor=actor, case=case, party=party)
    if planned_for < timezone.localdate() - timedelta(days=1):
        raise ValidationError({"planned_for": _("Choose a date from today onwards.")})
    with service_write(action="cases.aftercare_moment", actor=actor, target=case) as change:
        moment = AftercareMoment.objects.create(plan=plan, planned_for=planned_for, goal=goal,
                                                topic=topic.strip()[:120])
        change.data = {"moment": moment.pk, "party": party, "goal": goal}
    return moment


def aftercare_moment_done(*, actor: Actor, moment: AftercareMoment) -> AftercareMoment:
    case = moment.plan.case
    require(permissions.can_manage_case(actor, access_for(case)))
    with service_write(action="cases.aftercare_moment_done", actor=actor, target=case) as change:
        moment.done_at = timezone.now()
        moment.save(update_fields=["done_at"])
        change.data = {"moment": moment.pk}
    return moment


def accused_record(*, actor: Actor, case: Case, heard_at: date | None,
                   informed_at: date | None) -> AftercarePlan:
    """The accused's side: when they were heard and informed (dates only; the hearing itself is
    a private note)."""
    plan = aftercare_plan_ensure(actor=actor, case=case, party=AftercarePlan.Party.ACCUSED)
    with service_write(action="cases.accused_record", actor=actor, target=case) as change:
        plan.heard_at, plan.informed_at = heard_at, informed_at
        plan.save(update_fields=["heard_at", "informed_at"])
        change.data = {"heard": bool(heard_at), "informed": bool(informed_at)}
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
    with service_write(action="cases.checkin_send", actor=None, target=case) as change:
        _checkin_ask(checkin, case)
        change.data = {"checkin": checkin.pk}
    return checkin


def _checkin_ask(checkin: RetaliationCheckin, case: Case) -> None:
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


def checkin_answer(*, checkin: RetaliationCheckin, answer: str) -> RetaliationCheckin:
    with service_write(action="cases.checkin_answer", actor=None,
                       actor_label="reporter") as change:
        checkin = RetaliationCheckin.objects.select_for_update().select_related("case").get(
            pk=checkin.pk)
        if checkin.answered_at is not None:
            change.nothing_changed()
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
            # A "yes" is not the end of the conversation (issue 13): ask what they need.
            _offer_conversation(case, body=_(
                "I am sorry to hear that things have happened to you since you reported. That is "
                "not allowed. Would you like your confidential advisor to get in touch with you "
                "about it? You can also describe what happened in a message here."))
        else:
            _event(case, CaseEvent.Kind.CHECKIN_OK, summary=f"+{checkin.months_after}")
        change.target = case
        change.data = {"checkin": checkin.pk, "answer": checkin.answer}
    return checkin


def case_attention_clear(*, actor: Actor, case: Case) -> Case:
    require(permissions.can_manage_case(actor, access_for(case)))
    with service_write(action="cases.attention_clear", actor=actor, target=case):
        case.priority = Case.Priority.NORMAL
        case.attention_reason = ""
        case.save(update_fields=["priority", "attention_reason", "updated_at"])
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
    with service_write(action="cases.satisfaction", actor=None,
                       actor_label="reporter") as change:
        Case.objects.filter(pk=case_id).update(**{column: 1 if answer == "yes" else 0})
        case = Case.objects.select_for_update(of=("self",)).select_related("report").get(
            pk=case_id)
        _event(case, CaseEvent.Kind.SATISFACTION)
        change.target, change.data = case, {"question": field}
        if answer != "yes" and case.attention_reason not in (DISSATISFIED, WANTS_CONVERSATION):
            # A negative answer raises attention and offers a conversation, once (issue 13).
            _raise_attention(case, DISSATISFIED)
            _offer_conversation(case, body=_(
                "Thank you for telling me honestly. I would like to hear what could have gone "
                "better. Would you like to talk about it?"))


DISSATISFIED = "dissatisfied"
WANTS_CONVERSATION = "wants_conversation"


def _raise_attention(case: Case, reason: str) -> None:
    if case.attention_reason == "retaliation":
        reason = case.attention_reason  # retaliation stays the reason shown first
    case.priority = Case.Priority.HIGH
    case.attention_reason = reason
    case.save(update_fields=["priority", "attention_reason", "updated_at"])


def _offer_conversation(case: Case, *, body: str) -> None:
    """A system question to the reporter: would you like a conversation? (ref cases.talk)."""
    if case.report is None:
        return
    integration.dialogue_ask(
        report=case.report, actor=None, kind="talk", body=body,
        choices=[["yes", gettext_noop("Yes, please get in touch")],
                 ["no", gettext_noop("No, thank you")]],
        ref=QuestionRef(app=REF_APP, kind="talk", object_id=case.pk).encode())


def conversation_answer(*, case_id: int, answer: str) -> None:
    """The reporter answered the offer of a conversation; "yes" puts it at the top."""
    with service_write(action="cases.conversation_answer", actor=None,
                       actor_label="reporter") as change:
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
        if case is None:
            change.nothing_changed()
            return
        if answer == "yes":
            _raise_attention(case, WANTS_CONVERSATION)
            _notify_handlers(case, template="cases/email/retaliation")
        _event(case, CaseEvent.Kind.SATISFACTION,
               summary="wants_conversation" if answer == "yes" else "no_conversation")
        change.target = case
        change.data = {"answer": "yes" if answer == "yes" else "no"}
