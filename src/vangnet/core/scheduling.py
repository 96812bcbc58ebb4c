"""Periodic jobs on top of django-tasks.

django-tasks has no scheduler of its own. `vangnet scheduler` wakes up every minute and, for each
registered job, claims the current period with a unique row (`ScheduledRun`). Only the process that
claims it enqueues the task, so any number of schedulers and workers can run side by side. Jobs
themselves must still be idempotent: a period can be re-run by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: Any  # a django_tasks Task

    def period_key(self, now: datetime) -> str:
        seconds = int(self.every.total_seconds())
        return str(int(now.timestamp()) // seconds)


_registry: dict[str, PeriodicJob] = {}


def register_periodic(name: str, *, every: timedelta, task: Any) -> None:
    _registry[name] = PeriodicJob(name=name, every=every, task=task)


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been claimed yet; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs():
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period=job.period_key(now))
        except IntegrityError:
            continue
        job.task.enqueue()
        enqueued.append(job.name)
    return enqueued
