"""What the task queue holds, whichever backend settings.TASKS names (database or Redis).

Used by readiness (core.health) and the load test. Only counts and times, never a task's arguments.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Min
from django_tasks_db.models import DBTaskResult

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def backend_path(alias: str = "default") -> str:
    return str(settings.TASKS[alias]["BACKEND"])


def oldest_due_task_enqueued_at() -> datetime | None:
    """When the oldest task that may run now was enqueued; None when nothing waits."""
    if backend_path() == DATABASE_BACKEND:
        value = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
        return value if isinstance(value, datetime) else None
    return None


def due_task_count() -> int:
    """How many tasks may run now and wait for a worker."""
    if backend_path() == DATABASE_BACKEND:
        return int(DBTaskResult.objects.ready().count())
    return 0
