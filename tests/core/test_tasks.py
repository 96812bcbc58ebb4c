"""Background tasks run through the real django-tasks database backend and its worker."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus

from vangnet.core.scheduling import enqueue_due_jobs, register_periodic
from vangnet.core.tasks import send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_email_task_runs_through_database_backend_and_worker():
    result = send_email.enqueue(subject="Hallo", body="Er staat iets klaar.", to=["a@example.org"])
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mail.outbox] == ["Hallo"]


@pytest.mark.django_db
def test_periodic_job_is_enqueued_once_per_period():
    from datetime import timedelta

    from django.utils import timezone

    calls = []

    class FakeTask:
        def enqueue(self):
            calls.append(1)

    register_periodic("test.once", every=timedelta(hours=1), task=FakeTask())
    now = timezone.now()
    assert "test.once" in enqueue_due_jobs(now)
    assert "test.once" not in enqueue_due_jobs(now)
    assert "test.once" in enqueue_due_jobs(now + timedelta(hours=1))
    assert len(calls) == 2
