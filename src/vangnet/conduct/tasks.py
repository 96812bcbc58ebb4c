"""Background work of the code of conduct."""

from __future__ import annotations

from django_tasks import task

from .services import daily


@task()
def conduct_daily() -> dict[str, int]:
    """Periodic (daily): acknowledgement, buddy check-in and yearly review reminders; idempotent."""
    return daily()
