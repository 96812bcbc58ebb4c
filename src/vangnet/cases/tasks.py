"""Background work for cases, run by django-tasks (database backend) through the scheduler.

`cases_hourly` is the one periodic job for everything that is due: deadline reminders, aftercare
moments and retaliation check-ins. It is idempotent and safe with several workers:

1. it first *records* what is due as rows with a unique key (a `DeadlineReminder` per
   (case, term, threshold); a check-in row per (case, months)), so a second run finds them. It
   reads only the cases whose `next_reminder_at` has come, never every open case;
2. it then *claims* unsent rows with `select_for_update(skip_locked=True)` on PostgreSQL, so two
   workers never take the same row; on SQLite the transaction is IMMEDIATE (settings), which
   serialises writers, and `select_for_update` is a no-op there.

E-mails say only that something is due and where to look: never content.
`cases_retention` destroys case contents whose retention has passed (services.retention_purge).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from vangnet.core.mail import queue_mail

from . import deadlines, integration
from .models import AftercareMoment, Case, DeadlineReminder, RetaliationCheckin
from .workflow import OPEN_STATES

BATCH = 500
PLAN_BATCH = 500  # cases planned per transaction (record_due_reminders loops over them)


def _skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def plan_reminders(case: Case, now: datetime) -> tuple[list[tuple[str, int]], datetime | None]:
    """What one case needs now: the highest threshold each running term has reached, and when
    to look again (the next threshold of either term; None when nothing more can come)."""
    if not case.is_open or case.state not in OPEN_STATES or case.contents_destroyed_at is not None:
        return [], None
    due: list[tuple[str, int]] = []
    later: list[datetime] = []
    terms = []
    if case.acknowledged_at is None:
        terms.append((DeadlineReminder.Term.ACKNOWLEDGE, case.received_at,
                      case.acknowledge_due_at))
    if case.feedback_given_at is None:
        acked, ack_due = case.acknowledged_at, case.acknowledge_due_at
        start = acked if acked is not None and acked <= ack_due else ack_due
        terms.append((DeadlineReminder.Term.FEEDBACK, start, case.feedback_due_at))
    for term, start, term_due in terms:
        reached = deadlines.threshold_reached(start, term_due, now)
        if reached is not None:
            due.append((str(term), reached))
        moment = deadlines.next_threshold_at(start, term_due, now)
        if moment is not None:
            later.append(moment)
    return due, min(later) if later else None


def record_due_reminders(now: datetime) -> int:
    """Record the reminders that became due, touching only the cases whose moment has come.

    Each case carries `next_reminder_at` (its next threshold); the partial index on it holds
    only cases with a term still running, so a run reads what became due since the last one,
    not every open case (docs/adr/0096). Cases are claimed with SKIP LOCKED in batches: two
    workers at once take different cases, and the (case, term, threshold) unique constraint
    makes a reminder exist once whatever happens. Returns how many reminder rows were made."""
    created = 0
    while True:
        with transaction.atomic():
            batch = list(
                Case.objects.select_for_update(skip_locked=_skip_locked(), of=("self",))
                .filter(next_reminder_at__lte=now).order_by("next_reminder_at", "id")
                .only("id", "state", "is_open", "contents_destroyed_at", "received_at",
                      "acknowledge_due_at", "acknowledged_at", "feedback_due_at",
                      "feedback_given_at", "next_reminder_at")[:PLAN_BATCH])
            rows: list[DeadlineReminder] = []
            for case in batch:
                due, case.next_reminder_at = plan_reminders(case, now)
                rows.extend(DeadlineReminder(case_id=case.pk, term=term, threshold=threshold)
                            for term, threshold in due)
            if rows:
                existing = set(DeadlineReminder.objects.filter(
                    case_id__in={r.case_id for r in rows}).values_list("case_id", "term",
                                                                      "threshold"))
                new = [r for r in rows if (r.case_id, r.term, r.threshold) not in existing]
                created += len(DeadlineReminder.objects.bulk_create(new, ignore_conflicts=True))
            Case.objects.bulk_update(batch, ["next_reminder_at"])
        if len(batch) < PLAN_BATCH:
            return created


def send_claimed_reminders(now: datetime) -> int:
    """Claim unsent reminder rows and e-mail the handlers. Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        claimed = list(
            DeadlineReminder.objects.select_for_update(skip_locked=_skip_locked(), of=("self",))
            .filter(sent_at__isnull=True)
            .select_related("case", "case__organisation")
            .order_by("id")[:BATCH]
        )
        user_ids = integration.recipient_user_ids(
            {r.case.report_id for r in claimed if r.case.report_id is not None})
        for reminder in claimed:
            case = reminder.case
            still_due = (
                (reminder.term == DeadlineReminder.Term.ACKNOWLEDGE and case.acknowledged_at is None)
                or (reminder.term == DeadlineReminder.Term.FEEDBACK
                    and case.feedback_given_at is None)
            ) and case.state in OPEN_STATES
            to = user_ids.get(case.report_id, []) if still_due and case.report_id else []
            if to:
                _queue("cases/email/deadline", user_ids=to, reminder_id=reminder.pk)
                sent += 1
            reminder.sent_at = now
            reminder.recipients = len(to)
        DeadlineReminder.objects.bulk_update(claimed, ["sent_at", "recipients"])
    return sent


def send_aftercare_reminders(now: datetime) -> int:
    sent = 0
    with transaction.atomic():
        moments = list(
            AftercareMoment.objects.select_for_update(skip_locked=_skip_locked(), of=("self",))
            .filter(done_at__isnull=True, reminded_at__isnull=True,
                    planned_for__lte=timezone.localdate(now))
            .select_related("plan__case__organisation")
            .order_by("id")[:BATCH]
        )
        user_ids = integration.recipient_user_ids(
            {m.plan.case.report_id for m in moments if m.plan.case.report_id is not None})
        for moment in moments:
            case = moment.plan.case
            to = user_ids.get(case.report_id, []) if case.report_id else []
            if to:
                _queue("cases/email/aftercare", user_ids=to, case_id=case.pk)
                sent += 1
            moment.reminded_at = now
        AftercareMoment.objects.bulk_update(moments, ["reminded_at"])
    return sent


def send_due_checkins(now: datetime) -> int:
    from .services import checkin_send  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    sent = 0
    with transaction.atomic():
        due = list(
            RetaliationCheckin.objects.select_for_update(skip_locked=_skip_locked(), of=("self",))
            .filter(sent_at__isnull=True, due_at__lte=now)
            .select_related("case__report")
            .order_by("due_at")[:BATCH]
        )
        for checkin in due:
            checkin_send(checkin=checkin)
            sent += 1
    return sent


def _queue(kind: str, *, user_ids: list[int], **ids: int) -> None:
    """Queue a content-free reminder (cases/mails.py) once the claim is committed: ids only."""
    transaction.on_commit(lambda: queue_mail(kind, user_ids=user_ids, language=None, **ids))


def run_due_work(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    recorded = record_due_reminders(now)
    return {
        "recorded": recorded,
        "reminders": send_claimed_reminders(now),
        "aftercare": send_aftercare_reminders(now),
        "checkins": send_due_checkins(now),
    }


@task()
def cases_hourly() -> dict[str, int]:
    return run_due_work()


@task()
def cases_retention() -> dict[str, int]:
    from .services import retention_purge  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return retention_purge()


@task()
def cases_yearly_figures() -> int:
    """Daily: freeze last year's figures once they are due (docs/adr/0046)."""
    from .stats import freeze_due_years  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return freeze_due_years()
