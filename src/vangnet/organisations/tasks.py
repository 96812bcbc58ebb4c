"""Background tasks of the organisations app."""

from __future__ import annotations

from django_tasks import task

from .models import ImportJob


@task()
def import_job_run(*, job_id: int) -> str:
    """Run one CSV import (see imports.py). Idempotent with several workers: the run that moves the
    job from waiting to running (one conditional UPDATE: on PostgreSQL a second worker waits for the
    row and then finds it running) is the only one; a job that runs or has finished is left alone."""
    from . import imports  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING)
    job = ImportJob.objects.filter(pk=job_id).first()
    if not claimed or job is None:
        return "skipped"
    return str(imports.run(job).status)
