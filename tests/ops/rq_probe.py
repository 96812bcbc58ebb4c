"""A task for the two-worker test: it records who ran which job, in Redis under the test's own prefix."""

from __future__ import annotations

import os

import redis
from django_tasks import task


@task(queue_name=os.environ.get("VANGNET_PROBE_QUEUE", "default"))
def record_run(*, prefix: str, number: int) -> int:
    client = redis.Redis.from_url(os.environ["TASKS_REDIS_URL"])
    client.rpush(f"{prefix}:runs", f"{number}:{os.getppid()}")  # RQ runs each job in a child of its worker
    client.expire(f"{prefix}:runs", 600)
    return number
