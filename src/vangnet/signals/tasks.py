"""Background work of signals: the HR import (the job id only in the queue)."""

from __future__ import annotations

from django_tasks import task

from .models import HRImport


@task()
def hr_import_run_task(*, job_id: int) -> str:
    from .services import hr_import_run  # noqa: PLC0415 - cycle: services enqueue this task

    # Several workers: only the run that moves the job from waiting to running imports it (one
    # conditional UPDATE; on PostgreSQL a second worker waits for the row, then finds it running).
    claimed = HRImport.objects.filter(pk=job_id, status=HRImport.Status.PENDING).update(
        status=HRImport.Status.RUNNING)
    job = HRImport.objects.filter(pk=job_id).first()
    if not claimed or job is None or job.finished:
        return "skipped"
    return str(hr_import_run(job).status)
