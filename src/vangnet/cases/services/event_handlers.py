"""What cases does when reporting announces something: a new report, an answer to a question
cases asked (routed by its QuestionRef).
"""

from __future__ import annotations

from django.utils import timezone

from vangnet.core.service import service_write

from .. import deadlines
from ..integration import HandlerWrote, QuestionAnswered, ReportSubmitted
from ..models import (
    Case,
    CaseEvent,
    ConsentRequest,
    RetaliationCheckin,
)
from ..workflow import State, find_transition, is_open, track_for
from .aftercare import checkin_answer, conversation_answer, satisfaction_answer
from .common import REF_APP, _terms, settings_for
from .consent import consent_answer, consent_withdraw
from .creation import case_create_for_report


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
    elif ref.kind == "talk":
        conversation_answer(case_id=ref.object_id, answer=answer)


def on_handler_wrote(event: HandlerWrote) -> None:
    """A handler wrote to the reporter, from the case page or the report page: the first
    message counts as the acknowledgement of receipt (issue 13), so the 7-day term is met and the
    feedback term starts, as if "Confirm receipt" had been pressed. Runs in the writer's
    transaction; a case already past "received" is left alone."""
    with service_write(action="cases.acknowledged_by_message", actor=None) as change:
        case = (Case.objects.select_for_update(of=("self",))
                .filter(report_id=event.report.pk, state=State.RECEIVED).first())
        if case is None:
            change.nothing_changed()
            return
        transition = find_transition(case.state, "acknowledge")
        now = timezone.now()
        case.state = transition.target
        case.is_open = is_open(case.state)
        case.track = track_for(case.state, case.track)
        case.acknowledged_at = now
        case.feedback_due_at = deadlines.feedback_due(case.received_at, now,
                                                      _terms(settings_for(case.organisation_id)))
        case.next_reminder_at = now  # the terms moved: the hourly job plans again
        case.save()
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS,
                                 actor_id=event.membership_id, from_state=State.RECEIVED,
                                 to_state=case.state, summary="message", created_at=now)
        change.target = case
        change.data = {"membership_id": event.membership_id, "kind": event.kind}
