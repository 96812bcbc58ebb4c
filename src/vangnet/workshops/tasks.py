"""Background work of workshops."""

from __future__ import annotations

from django_tasks import task

from .services import daily


@task()
def workshops_daily() -> dict[str, int]:
    """Periodic (daily): flag sessions below their minimum, remind participants; idempotent."""
    return daily()
