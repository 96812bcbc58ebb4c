"""Background tasks of the organisations app."""

from __future__ import annotations

from django_tasks import task

from .models import ImportJob


@task()
def import_job_run(*, job_id: int) -> str:
    """Run one CSV import (see imports.py). Idempotent: a finished job is left alone."""
    from . import imports  # noqa: PLC0415 - cycle: services enqueue the tasks defined here

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return "skipped"
    return str(imports.run(job).status)
