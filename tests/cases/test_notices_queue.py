"""Issue #10 / ADR 0051: reminders and notices about cases travel through the task queue as a
mail kind with ids (the reminder, the case) and user ids; the worker renders them. The attack:
read the task table by raw SQL for the report's words, the case reference or the handlers'
addresses; then read the mails for the report's words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from support.tasktable import DB_TASKS, run_worker, task_rows, task_table_text
from vangnet.cases import services, tasks
from vangnet.cases.models import Case, DeadlineReminder, RetaliationCheckin
from vangnet.reporting.models import DialogueQuestion
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of

REPORT_WORDS = ("scheldt", "kantine", "slaap", "Piet Melder")


def _mail_rows(kind: str) -> list[dict[str, Any]]:
    return [row for row in task_rows() if row["args_kwargs"]["kwargs"].get("kind") == kind]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_deadline_reminder_is_queued_by_id_and_says_nothing_about_the_report(
        submit: Any, advisor: Any) -> None:
    _report, _code, case = submit()
    shift = timedelta(days=6.5)
    Case.objects.filter(pk=case.pk).update(
        received_at=case.received_at - shift, acknowledge_due_at=case.acknowledge_due_at - shift,
        feedback_due_at=case.feedback_due_at - shift)
    case.refresh_from_db()
    mail.outbox.clear()
    tasks.cases_hourly.enqueue()
    run_worker()

    reminder = DeadlineReminder.objects.get(case=case, sent_at__isnull=False)
    [row] = _mail_rows("cases/email/deadline")
    assert row["args_kwargs"]["kwargs"]["ids"] == {"reminder_id": reminder.pk}
    assert row["args_kwargs"]["kwargs"]["user_ids"] == [advisor.user_id]
    stored = task_table_text()
    for clear in (*REPORT_WORDS, case.reference, advisor.user.email):
        assert clear not in stored

    [message] = [m for m in mail.outbox if case.reference in m.subject]
    assert message.to == [advisor.user.email]
    assert "termijn" in message.body.lower()
    for clear in REPORT_WORDS:
        assert clear not in message.subject and clear not in message.body


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_retaliation_notice_is_queued_by_case_id_and_says_nothing(submit: Any, advisor: Any) -> None:
    _report, _code, case = submit()
    actor = actor_of(advisor)
    for name in ("acknowledge", "start_conversation"):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                                 name=name)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case,
                             name="conclude", outcome="advice")
    RetaliationCheckin.objects.filter(case=case, months_after=3).update(
        due_at=timezone.now() - timedelta(minutes=1))
    tasks.run_due_work()
    checkin = RetaliationCheckin.objects.get(case=case, months_after=3)
    mail.outbox.clear()
    dialogue_answer(question=DialogueQuestion.objects.get(pk=checkin.question_id), answer="yes")

    [row] = _mail_rows("cases/email/retaliation")
    assert row["args_kwargs"]["kwargs"]["ids"] == {"case_id": case.pk}
    stored = task_table_text()
    for clear in (*REPORT_WORDS, case.reference, advisor.user.email):
        assert clear not in stored
    run_worker()
    [message] = [m for m in mail.outbox if case.reference in m.subject]
    assert message.to == [advisor.user.email]
    for clear in REPORT_WORDS:
        assert clear not in message.body
