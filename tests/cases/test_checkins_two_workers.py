"""Retaliation check-ins with two workers at the same moment: every due check-in is asked once
(one question to the reporter, one case event), never twice and never skipped. Two threads, each
with its own PostgreSQL connection, run the hourly job together (the real SKIP LOCKED path);
reminders have the same test in test_reminder_job_scale.py."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from support.concurrency import require_real_concurrency, run_at_once
from vangnet.cases import services, tasks
from vangnet.cases.models import CaseEvent, RetaliationCheckin
from vangnet.reporting.models import DialogueQuestion

from .conftest import actor_of


@pytest.mark.django_db(transaction=True)
def test_two_workers_ask_each_due_checkin_once(submit: Any, advisor: Any) -> None:
    require_real_concurrency()
    actor = actor_of(advisor)
    for _ in range(6):
        case = submit()[2]
        for name in ("acknowledge", "start_conversation"):
            services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name=name)
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude",
                                 outcome="advice")
    assert RetaliationCheckin.objects.count() == 18
    RetaliationCheckin.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    now = timezone.now()

    results = run_at_once(lambda: tasks.run_due_work(now))

    assert sum(result["checkins"] for result in results) == 18, results
    assert not RetaliationCheckin.objects.filter(sent_at__isnull=True).exists()
    asked = Counter(DialogueQuestion.objects.filter(kind="retaliation_checkin")
                    .values_list("report_id", flat=True))
    assert sorted(asked.values()) == [3] * 6  # three check-ins per report, each asked once
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.CHECKIN_SENT)
    assert events.count() == 18
    assert Counter(events.values_list("case_id", "summary")).most_common(1)[0][1] == 1
    again = tasks.run_due_work(timezone.now())  # a later run finds nothing left to ask
    assert again["checkins"] == 0
