"""What the task queue holds, whichever backend settings.TASKS names (database or Redis).

Used by readiness (core.health) and the load test. Only counts and times, never a task's arguments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import django_rq
from django.conf import settings
from django.db.models import Min
from django_tasks_db.models import DBTaskResult

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"


def backend_path(alias: str = "default") -> str:
    return str(settings.TASKS[alias]["BACKEND"])


def oldest_due_task_enqueued_at() -> datetime | None:
    """When the oldest task that may run now was enqueued; None when nothing waits."""
    if backend_path() == DATABASE_BACKEND:
        value = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
        return value if isinstance(value, datetime) else None
    if backend_path() == RQ_BACKEND:
        oldest: datetime | None = None
        for name in settings.RQ_QUEUES:
            queue = django_rq.get_queue(name)
            # The queue is a list, oldest first (a job of the highest priority jumps to the front).
            for job in queue.get_jobs(0, 10):
                if job.enqueued_at and (oldest is None or job.enqueued_at < oldest):
                    oldest = job.enqueued_at
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return oldest
    return None


def due_task_count() -> int:
    """How many tasks may run now and wait for a worker."""
    if backend_path() == DATABASE_BACKEND:
        return int(DBTaskResult.objects.ready().count())
    if backend_path() == RQ_BACKEND:
        return sum(int(django_rq.get_queue(name).count) for name in settings.RQ_QUEUES)
    return 0
