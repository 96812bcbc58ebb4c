"""Background tasks through the real django-tasks database backend and its worker, and the rules
of ADR 0051: a mail task carries a kind, ids and a language, or a sealed message; finished rows
are deleted after VANGNET_TASK_RESULTS_KEEP_DAYS; the old clear-text mail rows are deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from support.people import make_member
from support.tasktable import DB_TASKS, run_worker, task_rows, task_table_text
from vangnet.core.mail import (
    Mail,
    UnknownMailKind,
    mail_kind,
    queue_mail,
    queue_sealed_email,
)
from vangnet.core.scheduling import enqueue_due_jobs, register_periodic, registered_jobs
from vangnet.core.tasks import delete_finished_task_results, task_results_cleanup
from vangnet.organisations.models import Organisation
from vangnet.organisations.roles import Role


def _render_greeting(address: str, context: dict[str, Any]) -> EmailMessage:
    return EmailMessage(subject=f"Welkom bij {context['organisation'].name}",
                        body=f"{context['SITE_URL']}/o/{context['organisation'].slug}/", to=[address])


@mail_kind("tests/email/greeting", render=_render_greeting)
def _greeting(*, organisation_id: int) -> Mail | None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return Mail({"organisation": organisation}) if organisation else None


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_mail_kind_runs_through_database_backend_and_worker(organisation: Any) -> None:
    member = make_member(organisation, Role.EMPLOYEE, email="lid@example.org")
    queue_mail("tests/email/greeting", user_ids=[member.user_id], organisation_id=organisation.pk)
    rows = task_rows()
    assert rows == [{"task_path": "vangnet.core.tasks.send_mail_kind", "status": "READY",
                     "return_value": None,
                     "args_kwargs": {"args": [], "kwargs": {
                         "kind": "tests/email/greeting", "user_ids": [member.user_id],
                         "ids": {"organisation_id": organisation.pk}, "language": ""}}}]
    assert mail.outbox == []
    run_worker()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["lid@example.org"],
                                                        f"Welkom bij {organisation.name}")]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert "lid@example.org" not in task_table_text()
    assert "Welkom" not in task_table_text()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_inactive_users_and_deleted_rows_get_nothing(organisation: Any) -> None:
    member = make_member(organisation, Role.EMPLOYEE)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    queue_mail("tests/email/greeting", user_ids=[member.user_id], organisation_id=organisation.pk)
    queue_mail("tests/email/greeting", user_ids=[member.user_id], organisation_id=organisation.pk + 999)
    run_worker()
    assert mail.outbox == []
    assert sorted(row["return_value"] for row in task_rows()) == [0, 0]


@pytest.mark.django_db
@pytest.mark.parametrize("smuggled", ["abc-secret-token", 1.5, True, None, ["1"]])
def test_only_integer_ids_can_enter_the_queue(organisation: Any, smuggled: Any) -> None:
    """A caller cannot pass a token, an address or a rendered text as an "id"."""
    with pytest.raises(TypeError):
        queue_mail("tests/email/greeting", organisation_id=smuggled)
    with pytest.raises(TypeError):
        queue_mail("tests/email/greeting", user_ids=[smuggled], organisation_id=organisation.pk)


@pytest.mark.django_db
def test_unknown_mail_kind_is_refused_in_the_caller() -> None:
    with pytest.raises(UnknownMailKind):
        queue_mail("tests/email/does-not-exist", user_ids=[1])


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_sealed_mail_is_unreadable_in_the_task_table_and_sent_by_the_worker() -> None:
    queue_sealed_email(subject="Wijziging in je account", body="Vanaf 10.0.0.7 met Firefox.",
                       to=["iemand@example.org"])
    queue_sealed_email(subject="Nieuwe melding", body="Kijk op /o/testdorp/meldingen/.",
                       to=["ander@example.org"])
    queued = task_table_text()
    assert [row["task_path"] for row in task_rows()] == ["vangnet.core.tasks.send_sealed_email"] * 2
    for clear in ("Wijziging", "10.0.0.7", "Firefox", "iemand@example.org", "ander@example.org",
                  "/o/testdorp/"):
        assert clear not in queued
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ander@example.org", "iemand@example.org"]
    assert any("10.0.0.7" in m.body for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_sealed_mail_under_an_unknown_key_fails_without_showing_anything() -> None:
    """A row sealed under a key the worker does not hold (forged, or its key rotated out) is
    refused; the failure stored in the table tells nothing of the mail."""
    with override_settings(VANGNET_SERVER_KEY="een-sleutel-die-weg-is-" + "x" * 40):
        queue_sealed_email(subject="Geheim onderwerp", body="Geheime tekst", to=["x@example.org"])
    with override_settings(VANGNET_SERVER_KEY="de-huidige-sleutel-" + "y" * 40):
        run_worker()
    assert mail.outbox == []
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.FAILED
    stored = task_table_text()
    for clear in ("Geheim", "x@example.org"):
        assert clear not in stored


def _finished_row(*, days_ago: float, status: str = TaskResultStatus.SUCCESSFUL) -> DBTaskResult:
    finished = timezone.now() - timedelta(days=days_ago)
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="vangnet.core.tasks.x",
        backend_name="default", run_after=finished, finished_at=finished if status in (
            TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) else None)


@pytest.mark.django_db
@override_settings(VANGNET_TASK_RESULTS_KEEP_DAYS=7)
def test_finished_task_rows_are_deleted_after_the_retention_period() -> None:
    old_ok = _finished_row(days_ago=8)
    old_failed = _finished_row(days_ago=30, status=TaskResultStatus.FAILED)
    recent = _finished_row(days_ago=6)
    waiting = _finished_row(days_ago=60, status=TaskResultStatus.READY)
    running = _finished_row(days_ago=60, status=TaskResultStatus.RUNNING)
    assert delete_finished_task_results() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk, running.pk}
    assert old_ok.pk not in left and old_failed.pk not in left
    # Through the periodic job as the scheduler runs it (immediate backend in tests).
    _finished_row(days_ago=10)
    result = task_results_cleanup.enqueue()
    assert result.return_value == 1


def test_task_retention_is_a_daily_periodic_job() -> None:
    jobs = {job.name: job for job in registered_jobs()}
    job = jobs["core.task_results_cleanup"]
    assert job.every == timedelta(days=1)
    assert job.task is task_results_cleanup


@pytest.mark.django_db(transaction=True)
def test_migration_deletes_the_old_clear_text_mail_rows() -> None:
    """Rows of the old `send_email(subject, body, to)` task held links in clear."""
    call_command("migrate", "core", "0001", verbosity=0)
    common = {"backend_name": "default", "run_after": timezone.now()}
    DBTaskResult.objects.create(
        task_path="vangnet.core.tasks.send_email", status=TaskResultStatus.SUCCESSFUL,
        args_kwargs={"args": [], "kwargs": {
            "subject": "Je bent uitgenodigd", "to": ["nieuw@example.org"],
            "body": "http://127.0.0.1:8000/o/testdorp/uitnodiging/GEHEIM-token-123/"}}, **common)
    DBTaskResult.objects.create(
        task_path="vangnet.core.tasks.send_email", status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {"subject": "x", "body": "reset/key/GEHEIM", "to": []}},
        **common)
    other = DBTaskResult.objects.create(task_path="vangnet.cases.tasks.cases_hourly",
                                        args_kwargs={"args": [], "kwargs": {}}, **common)
    call_command("migrate", "core", verbosity=0)
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [other.pk]
    assert "GEHEIM" not in task_table_text()


@pytest.mark.django_db
def test_periodic_job_is_enqueued_once_per_period() -> None:
    calls = []

    class FakeTask:
        def enqueue(self) -> None:
            calls.append(1)

    register_periodic("test.once", every=timedelta(hours=1), task=FakeTask())
    now = timezone.now()
    assert "test.once" in enqueue_due_jobs(now)
    assert "test.once" not in enqueue_due_jobs(now)
    assert "test.once" in enqueue_due_jobs(now + timedelta(hours=1))
    assert len(calls) == 2
