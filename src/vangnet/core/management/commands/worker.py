"""`vangnet worker`: the task worker for whichever backend settings.TASKS names.

The database backend (default) runs `db_worker`; the Redis backend (TASKS_BACKEND=
django_tasks_rq.RQBackend) runs `rqworker` on every queue with RQ's scheduler for deferred tasks.
So the compose set-up, systemd units and the load test switch backends with that one setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"


def worker_call(*, batch: bool = False) -> tuple[str, list[str], dict[str, Any]]:
    """(command, positional arguments, options) for the configured backend."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend == DATABASE_BACKEND:
        return "db_worker", [], {"interval": 1, "reload": False, "batch": batch}
    if backend == RQ_BACKEND:
        return "rqworker", list(settings.RQ_QUEUES), {"with_scheduler": not batch, "burst": batch}
    raise SystemExit(f"TASKS backend {backend} has no worker: tasks run where they are enqueued.")


class Command(BaseCommand):
    help = "Run the background task worker of the configured task backend (database or Redis)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        name, positional, kwargs = worker_call(batch=options["batch"])
        self.stderr.write(f"vangnet worker: {name} {' '.join(positional)}".rstrip())
        call_command(name, *positional, **kwargs)
