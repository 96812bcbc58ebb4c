"""The hourly job touches only what became due (docs/adr/0096), and is idempotent when two
workers run it at the same moment (two threads, each with its own PostgreSQL connection: the
real SKIP LOCKED path)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vangnet.cases import deadlines, tasks
from vangnet.cases.models import Case, DeadlineReminder


def _age_all(days: float) -> None:
    """Every case received `days` earlier (and each moment stored on it with it)."""
    shift = timedelta(days=days)
    for case in Case.objects.all():
        Case.objects.filter(pk=case.pk).update(
            received_at=case.received_at - shift,
            acknowledge_due_at=case.acknowledge_due_at - shift,
            feedback_due_at=case.feedback_due_at - shift,
            next_reminder_at=case.next_reminder_at - shift if case.next_reminder_at else None)


def _counting_plans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    plan = tasks.plan_reminders

    def counting(case, now):
        seen.append(case.pk)
        return plan(case, now)

    monkeypatch.setattr(tasks, "plan_reminders", counting)
    return seen


def test_next_threshold_moments():
    start = timezone.now()
    due = start + timedelta(days=10)
    second = timedelta(seconds=1)
    assert deadlines.next_threshold_at(start, due, start) == start + timedelta(days=5) + second
    assert deadlines.next_threshold_at(start, due, start + timedelta(days=5, seconds=2)) == \
        start + timedelta(days=7.5) + second
    assert deadlines.next_threshold_at(start, due, start + timedelta(days=9.5)) == due
    assert deadlines.next_threshold_at(start, due, due) is None
    # At each planned moment the threshold it was planned for has been reached.
    now = start
    reached = []
    while (moment := deadlines.next_threshold_at(start, due, now)) is not None:
        now = moment
        reached.append(deadlines.threshold_reached(start, due, now))
    assert reached == [50, 75, 90, 100]


@pytest.mark.django_db
def test_a_later_run_reads_only_the_cases_whose_moment_came(submit, run_job, monkeypatch):
    made = [submit()[2] for _ in range(4)]
    plans = _counting_plans(monkeypatch)
    run_job()  # the new cases are planned once: nothing due yet
    assert sorted(plans) == sorted(c.pk for c in made)
    assert not DeadlineReminder.objects.exists()
    plans.clear()
    with CaptureQueriesContext(connection) as quiet:
        result = run_job(timezone.now() + timedelta(hours=1))
    assert plans == [] and result["recorded"] == 0
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
                   for q in quiet.captured_queries)
    # 3.6 days on, the 50 % point of the 7-day term has come for every case: each is read once.
    _age_all(3.6)
    assert run_job()["recorded"] == 4
    assert sorted(plans) == sorted(c.pk for c in made)
    plans.clear()
    # Close one: its next run sees it once (to stop), then never again.
    Case.objects.filter(pk=made[0].pk).update(is_open=False, state="closed",
                                              next_reminder_at=timezone.now())
    run_job()
    assert plans == [made[0].pk]
    assert Case.objects.get(pk=made[0].pk).next_reminder_at is None


@pytest.mark.django_db
def test_the_job_costs_the_same_queries_for_3_and_for_12_due_cases(submit, run_job):
    def due_run(count: int) -> int:
        DeadlineReminder.objects.all().delete()
        Case.objects.all().delete()
        for _ in range(count):
            submit()
        _age_all(3.6)
        with CaptureQueriesContext(connection) as captured:
            result = tasks.record_due_reminders(timezone.now())
        assert result == count
        return len(captured.captured_queries)

    assert due_run(3) == due_run(12)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_record_and_send_each_reminder_once(submit, monkeypatch):
    if connection.vendor != "postgresql":
        # SQLite's in-memory test database is one connection's: threads meet "table is locked".
        # Production's several workers run on PostgreSQL, the path this test is for (CI runs the
        # suite on PostgreSQL too: DATABASE_URL=postgres://… in .ci/run).
        pytest.skip("two workers at once are tested on PostgreSQL")
    made = [submit()[2] for _ in range(12)]
    _age_all(6.5)  # 90 % of the confirmation term for every case
    monkeypatch.setattr(tasks, "PLAN_BATCH", 3)  # several batches, so the two workers interleave
    mail.outbox.clear()
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    now = timezone.now()

    def worker() -> None:
        try:
            start.wait(timeout=30)
            results.append(tasks.run_due_work(now))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == 2
    rows = list(DeadlineReminder.objects.values_list("case_id", "term", "threshold"))
    assert sorted(rows) == sorted((c.pk, "acknowledge", 90) for c in made)
    assert sum(r["recorded"] for r in results) == len(made), results
    assert sum(r["reminders"] for r in results) == len(made)
    assert not DeadlineReminder.objects.filter(sent_at__isnull=True).exists()
    ours = [m for m in mail.outbox if any(c.reference in m.subject for c in made)]
    assert sorted(m.subject for m in ours) == sorted({m.subject for m in ours})
    assert len(ours) == len(made)
