"""The Redis task backend is one setting away, works against the running Redis, and two workers never
run one job twice. Uses Redis database 9 with a queue and keys of this test's own (never FLUSHDB)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("VANGNET_TEST_TASKS_REDIS_URL", "redis://127.0.0.1:6379/9")
TESTS = Path(__file__).resolve().parents[1]
JOBS = 40

ENQUEUE = """
import sys
import time
import django
django.setup()
from django.conf import settings
from django_tasks import task_backends
from ops.rq_probe import record_run
assert settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
prefix, jobs = sys.argv[1], int(sys.argv[2])
ids = [record_run.enqueue(prefix=prefix, number=n).id for n in range(jobs)]
print(type(task_backends["default"]).__name__, len(ids))
"""

AFTERWARDS = """
import sys
import time
import django
django.setup()
from vangnet.core.queue import due_task_count, oldest_due_task_enqueued_at
print(due_task_count(), oldest_due_task_enqueued_at())
"""


@pytest.fixture
def redis_db() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS_URL} (.ci/run starts it)")
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    return client


@pytest.fixture
def queue_env(tmp_path: Path, redis_db: redis.Redis) -> Iterator[dict[str, str]]:
    queue = f"vangnet-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ops.rq_settings",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "TASKS_REDIS_URL": REDIS_URL,
        "VANGNET_PROBE_QUEUE": queue,
        "VANGNET_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    yield env
    # Remove exactly what this test made: its queue's keys, its jobs, its workers, its records.
    for key in redis_db.scan_iter(match=f"*{queue}*", count=1000):
        redis_db.delete(key)
    for key in redis_db.scan_iter(match=f"vangnet-test-runs-{queue}*", count=1000):
        redis_db.delete(key)


def _run(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=TESTS)


def _wait(condition: Callable[[], bool], what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_two_rq_workers_run_every_job_exactly_once(queue_env: dict[str, str], redis_db: redis.Redis) -> None:
    queue = queue_env["VANGNET_PROBE_QUEUE"]
    prefix = f"vangnet-test-runs-{queue}"
    names = [f"{queue}-w1", f"{queue}-w2"]
    workers = [
        subprocess.Popen([sys.executable, "-m", "vangnet", "rqworker", queue, "--name", name],
                         env=queue_env, cwd=TESTS, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for name in names
    ]
    try:
        # Both workers listen on the queue before the first job arrives.
        _wait(lambda: all(redis_db.exists(f"rq:worker:{name}") for name in names), "both workers to start")
        enqueued = _run(queue_env, "-c", ENQUEUE, prefix, str(JOBS))
        assert enqueued.returncode == 0, enqueued.stderr
        assert enqueued.stdout.split() == ["RQBackend", str(JOBS)]
        _wait(lambda: redis_db.llen(f"{prefix}:runs") >= JOBS, "every job to run")
        time.sleep(1)  # a job run twice would show up after the last first run; give it that moment
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    runs = [entry.decode() for entry in redis_db.lrange(f"{prefix}:runs", 0, -1)]
    numbers = Counter(int(entry.split(":")[0]) for entry in runs)
    assert sorted(numbers) == list(range(JOBS)), f"a job was lost: {outputs}"
    assert max(numbers.values()) == 1, f"a job ran twice: {[n for n, c in numbers.items() if c > 1]}"
    per_worker = Counter(entry.split(":")[1] for entry in runs)
    assert len(per_worker) == 2, f"both workers should have taken jobs: {per_worker}"
    assert redis_db.llen(f"rq:queue:{queue}") == 0


def test_readiness_reads_the_redis_queue(queue_env: dict[str, str], redis_db: redis.Redis) -> None:
    queue = queue_env["VANGNET_PROBE_QUEUE"]
    enqueued = _run(queue_env, "-c", ENQUEUE, f"vangnet-test-runs-{queue}", "3")
    assert enqueued.returncode == 0, enqueued.stderr
    waiting = _run(queue_env, "-c", AFTERWARDS)
    assert waiting.returncode == 0, waiting.stderr
    count, oldest = waiting.stdout.strip().split(" ", 1)
    assert int(count) == 3 and oldest != "None"
