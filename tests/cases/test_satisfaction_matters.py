"""Satisfaction that matters and a retaliation 'yes' that is followed up (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from vangnet.cases import services
from vangnet.cases.models import Case, RetaliationCheckin
from vangnet.reporting.models import DialogueQuestion
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def _conclude(case, advisor, *, close=False):
    actor = actor_of(advisor)
    for name in ("acknowledge", "start_conversation"):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                                 name=name)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                             name="conclude", outcome="advice")
    if close:
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                                 name="close")


def test_a_negative_answer_at_closing_raises_attention_and_offers_a_conversation(
    submit, advisor, django_capture_on_commit_callbacks,
) -> None:
    report, _code, case = submit()
    _conclude(case, advisor, close=True)
    handled_well, report_again = DialogueQuestion.objects.filter(
        report=report, kind="satisfaction").order_by("pk")
    dialogue_answer(question=handled_well, answer="no")
    case = Case.objects.get(pk=case.pk)
    assert case.priority == Case.Priority.HIGH and case.attention_reason == "dissatisfied"
    offers = DialogueQuestion.objects.filter(report=report, kind="talk")
    assert offers.count() == 1
    dialogue_answer(question=report_again, answer="no")  # a second "no": no second offer
    assert offers.count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_answer(question=offers.get(), answer="yes")
    case = Case.objects.get(pk=case.pk)
    assert case.attention_reason == "wants_conversation"
    assert any(case.reference in m.subject for m in mail.outbox)


def test_a_positive_answer_changes_nothing(submit, advisor) -> None:
    report, _code, case = submit()
    _conclude(case, advisor, close=True)
    for question in DialogueQuestion.objects.filter(report=report, kind="satisfaction"):
        dialogue_answer(question=question, answer="yes")
    case = Case.objects.get(pk=case.pk)
    assert case.priority == Case.Priority.NORMAL and case.attention_reason == ""
    assert not DialogueQuestion.objects.filter(report=report, kind="talk").exists()


def test_retaliation_yes_asks_a_follow_up_question(submit, advisor, run_job) -> None:
    report, _code, case = submit()
    _conclude(case, advisor)
    RetaliationCheckin.objects.filter(case=case, months_after=3).update(
        due_at=timezone.now() - timedelta(minutes=1))
    run_job()
    checkin = RetaliationCheckin.objects.get(case=case, months_after=3)
    dialogue_answer(question=DialogueQuestion.objects.get(pk=checkin.question_id), answer="yes")
    follow_up = DialogueQuestion.objects.get(report=report, kind="talk")
    assert follow_up.answered_at is None
    dialogue_answer(question=follow_up, answer="yes")
    case = Case.objects.get(pk=case.pk)
    assert case.attention_reason == "retaliation"  # stays the reason shown first
    assert case.priority == Case.Priority.HIGH
