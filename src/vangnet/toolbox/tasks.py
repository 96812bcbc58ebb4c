"""Background work of the toolbox."""

from __future__ import annotations

from django_tasks import task


@task()
def send_routine_reminders() -> int:
    """Periodic (hourly): remind teams of routines that are due; idempotent per occurrence."""
    from .services import send_due_reminders  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    return send_due_reminders()
