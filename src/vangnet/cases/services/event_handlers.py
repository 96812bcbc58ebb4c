"""What cases does when reporting announces something: a new report, an answer to a question
cases asked (routed by its QuestionRef).
"""

from __future__ import annotations

from ..integration import CallbackRequested, QuestionAnswered, ReportSubmitted
from ..models import (
    ConsentRequest,
    RetaliationCheckin,
)
from .advice import advice_contact_for_callback
from .aftercare import checkin_answer, satisfaction_answer
from .common import REF_APP
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
        if consent is not None and answer == "withdraw":
            # The reporter changed their mind before anything was shared (issue 12).
            if consent.question_id == question.pk and consent.status == ConsentRequest.Status.CONSENTED:
                consent_withdraw(consent=consent, question=question)
        elif consent is not None:
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


def on_callback_requested(event: CallbackRequested) -> None:
    advice_contact_for_callback(organisation_id=event.organisation_id, advisor_id=event.advisor_id,
                                category=event.category, on=event.on)
