"""Legal terms, per-organisation settings within the law, and the reminder job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from vangnet.cases import deadlines, services, tasks
from vangnet.cases.models import Case, DeadlineReminder
from vangnet.core.scheduling import registered_jobs

from .conftest import actor_of


def test_acknowledge_within_seven_days_feedback_three_months_after():
    received = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    terms = deadlines.Terms()
    assert deadlines.acknowledge_due(received, terms) == datetime(2026, 1, 17, 9, 0, tzinfo=UTC)
    acked = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    assert deadlines.feedback_due(received, acked, terms) == datetime(2026, 4, 12, 9, 0, tzinfo=UTC)
    # Without (timely) confirmation the three months run from day 7, never later.
    assert deadlines.feedback_due(received, None, terms) == datetime(2026, 4, 17, 9, 0, tzinfo=UTC)
    late = datetime(2026, 2, 1, tzinfo=UTC)
    assert deadlines.feedback_due(received, late, terms) == datetime(2026, 4, 17, 9, 0, tzinfo=UTC)
    # Month ends: 30 November + 3 months is the last day of February.
    assert deadlines.add_months(datetime(2026, 11, 30, tzinfo=UTC), 3).day == 28


def test_terms_can_be_shorter_never_longer_than_the_law():
    deadlines.validate_terms(acknowledge_days=3, feedback_months=2)
    with pytest.raises(ValidationError) as error:
        deadlines.validate_terms(acknowledge_days=8, feedback_months=4)
    assert set(error.value.message_dict) == {"acknowledge_within_days", "feedback_within_months"}
    received = datetime(2026, 1, 1, tzinfo=UTC)
    short = deadlines.Terms(acknowledge_days=3, feedback_months=1)
    assert deadlines.acknowledge_due(received, short) == received + timedelta(days=3)


def test_thresholds_at_50_75_90_and_overdue():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    due = start + timedelta(days=100)
    assert deadlines.threshold_reached(start, due, start + timedelta(days=49)) is None
    assert deadlines.threshold_reached(start, due, start + timedelta(days=50)) == 50
    assert deadlines.threshold_reached(start, due, start + timedelta(days=80)) == 75
    assert deadlines.threshold_reached(start, due, start + timedelta(days=95)) == 90
    assert deadlines.threshold_reached(start, due, due) == 100


@pytest.mark.django_db
def test_settings_service_refuses_terms_beyond_the_law(coordinator, advisor):
    actor = actor_of(coordinator)
    with pytest.raises(ValidationError):
        services.case_settings_update(
            actor=actor, acknowledge_within_days=10, feedback_within_months=3,
            checkin_months=[3, 6, 12], retain_case_contents_months=24, retain_notes_months=24,
            retain_advice_contacts_months=60)
    saved = services.case_settings_update(
        actor=actor, acknowledge_within_days=5, feedback_within_months=2, checkin_months=[6, 3],
        retain_case_contents_months=12, retain_notes_months=12, retain_advice_contacts_months=60)
    assert (saved.acknowledge_within_days, saved.checkin_months) == (5, [3, 6])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_settings_update(
            actor=actor_of(advisor), acknowledge_within_days=5, feedback_within_months=2,
            checkin_months=[3], retain_case_contents_months=12, retain_notes_months=12,
            retain_advice_contacts_months=60)


@pytest.mark.django_db
def test_settings_page_shows_a_dutch_error_and_keeps_input(client, coordinator):
    from support.people import enable_totp

    enable_totp(coordinator.user)
    client.force_login(coordinator.user)
    url = f"/o/{coordinator.organisation.slug}/dossiers/instellingen/"
    response = client.post(url, {
        "acknowledge_within_days": "9", "feedback_within_months": "3", "checkin_months": "3, 6",
        "retain_case_contents_months": "24", "retain_notes_months": "24",
        "retain_advice_contacts_months": "60"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "de wet" in body and 'value="9"' in body  # Dutch catalogue


def test_one_periodic_job_for_due_work_is_registered():
    names = [job.name for job in registered_jobs()]
    assert "cases.due_work" in names and "cases.retention" in names


def _age(case: Case, *, days: float) -> None:
    """Move a case back in time, as if it had been received `days` ago: every moment stored on
    it moves, the one at which the job looks at it again too (time passing, for this case)."""
    shift = timedelta(days=days)
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(
        received_at=case.received_at - shift,
        acknowledge_due_at=case.acknowledge_due_at - shift,
        feedback_due_at=case.feedback_due_at - shift,
        next_reminder_at=case.next_reminder_at - shift if case.next_reminder_at else None,
    )


@pytest.mark.django_db
def test_reminders_at_each_threshold_once_and_without_content(submit, advisor, run_job):
    _report, _code, case = submit()
    mail.outbox.clear()
    _age(case, days=3.6)  # 51 % of the 7-day term
    result = run_job()
    assert result["reminders"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [advisor.user.email]
    assert "scheldt" not in message.body and "kantine" not in message.body
    assert case.reference in message.subject
    # Running again (or on a second worker) sends nothing new.
    assert run_job()["reminders"] == 0
    assert len(mail.outbox) == 1
    _age(case, days=2.0)  # 80 %
    run_job()
    _age(case, days=1.5)  # overdue
    run_job()
    thresholds = sorted(DeadlineReminder.objects.filter(case=case, term="acknowledge")
                        .values_list("threshold", flat=True))
    assert thresholds == [50, 75, 100]
    assert len(mail.outbox) == 3
    assert DeadlineReminder.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_no_reminder_once_the_term_is_met(submit, advisor, run_job):
    _report, _code, case = submit()
    services.case_transition(actor=actor_of(advisor), private_key=advisor.private_key, case=case, name="acknowledge")
    mail.outbox.clear()
    _age(case, days=6.5)
    run_job()
    assert not DeadlineReminder.objects.filter(case=case, term="acknowledge").exists()


@pytest.mark.django_db
def test_feedback_reminder_from_the_acknowledgement(submit, advisor, run_job):
    _report, _code, case = submit()
    services.case_transition(actor=actor_of(advisor), private_key=advisor.private_key, case=case, name="acknowledge")
    case.refresh_from_db()
    _age(case, days=85)
    Case.objects.filter(pk=case.pk).update(
        acknowledged_at=case.acknowledged_at - timedelta(days=85))
    run_job()
    assert DeadlineReminder.objects.filter(case=case, term="feedback", threshold=90).exists()
    services.case_give_feedback(actor=actor_of(advisor), private_key=advisor.private_key, case=case,
                                body="We hebben gesproken met de teamleider, u hoort snel meer.")
    case.refresh_from_db()
    assert case.feedback_given_at is not None


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_job_runs_through_the_database_backend_and_worker(submit, advisor):
    from django.core.management import call_command

    _report, _code, case = submit()
    _age(case, days=6.5)
    mail.outbox.clear()
    tasks.cases_hourly.enqueue()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)
    assert DeadlineReminder.objects.filter(case=case, threshold=90, sent_at__isnull=False).exists()
    ours = [m for m in mail.outbox if case.reference in m.subject]
    assert [m.to for m in ours] == [[advisor.user.email]]


@pytest.mark.django_db
def test_claiming_is_exclusive(submit, advisor):
    """Two workers: the second finds nothing left to claim (rows marked in the same transaction)."""
    _report, _code, case = submit()
    _age(case, days=6.5)
    tasks.record_due_reminders(timezone.now())
    tasks.record_due_reminders(timezone.now())
    assert DeadlineReminder.objects.filter(case=case).count() == 1
    assert tasks.send_claimed_reminders(timezone.now()) == 1
    assert tasks.send_claimed_reminders(timezone.now()) == 0
