"""Background work for cases, run by django-tasks (database backend) through the scheduler.

`cases_hourly` is the one periodic job for everything that is due: deadline reminders, aftercare
moments and retaliation check-ins. It is idempotent and safe with several workers:

1. it first *records* what is due as rows with a unique key (a `DeadlineReminder` per
   (case, term, threshold); a check-in row per (case, months)), so a second run finds them;
2. it then *claims* unsent rows with `select_for_update(skip_locked=True)` on PostgreSQL, so two
   workers never take the same row; on SQLite the transaction is IMMEDIATE (settings), which
   serialises writers, and `select_for_update` is a no-op there.

E-mails say only that something is due and where to look: never content.
`cases_retention` destroys case contents whose retention has passed (services.retention_purge).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from vangnet.core.mail import queue_mail

from . import deadlines, integration
from .models import AftercareMoment, Case, DeadlineReminder, RetaliationCheckin
from .workflow import OPEN_STATES

BATCH = 500
# A term's 50 % point lies at most this far before its due date (feedback: 3 months / 2).
FEEDBACK_LOOKAHEAD = timedelta(days=47)
ACKNOWLEDGE_LOOKAHEAD = timedelta(days=4)


def _skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def record_due_reminders(now: datetime) -> int:
    """Create the reminder rows that are due now (ignoring ones that exist). Returns how many."""
    open_cases = Case.objects.filter(is_open=True, contents_destroyed_at__isnull=True)
    rows: list[DeadlineReminder] = []
    ack_pending = open_cases.filter(acknowledged_at__isnull=True,
                                    acknowledge_due_at__lte=now + ACKNOWLEDGE_LOOKAHEAD)
    for pk, received, due in ack_pending.values_list("pk", "received_at", "acknowledge_due_at"):
        reached = deadlines.threshold_reached(received, due, now)
        if reached is not None:
            rows.append(DeadlineReminder(case_id=pk, term=DeadlineReminder.Term.ACKNOWLEDGE,
                                         threshold=reached))
    feedback_pending = open_cases.filter(feedback_given_at__isnull=True,
                                         feedback_due_at__lte=now + FEEDBACK_LOOKAHEAD)
    for pk, acked, ack_due, due in feedback_pending.values_list(
            "pk", "acknowledged_at", "acknowledge_due_at", "feedback_due_at"):
        start = acked if acked is not None and acked <= ack_due else ack_due
        reached = deadlines.threshold_reached(start, due, now)
        if reached is not None:
            rows.append(DeadlineReminder(case_id=pk, term=DeadlineReminder.Term.FEEDBACK,
                                         threshold=reached))
    created = DeadlineReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


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
