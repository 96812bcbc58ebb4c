"""`vangnet worker` runs the worker of the configured backend: the real database worker runs a
queued task; the Redis backend maps to rqworker on every queue."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from support.tasktable import DB_TASKS
from vangnet.core.management.commands.worker import worker_call
from vangnet.core.tasks import task_results_cleanup


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_worker_runs_the_database_queue() -> None:
    result = task_results_cleanup.enqueue()
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    call_command("worker", "--batch")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": []}},
                   RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:6379/9"},
                              "imports": {"URL": "redis://127.0.0.1:6379/9"}})
def test_worker_for_redis_is_rqworker_on_every_queue() -> None:
    assert worker_call() == ("rqworker", ["default", "imports"], {"with_scheduler": True, "burst": False})
    assert worker_call(batch=True)[2] == {"with_scheduler": False, "burst": True}


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_a_backend_without_worker_is_refused() -> None:
    with pytest.raises(SystemExit, match="no worker"):
        worker_call()
