"""scripts/loadtest.py end to end on the SQLite demo with a small crowd: real runserver and worker,
real reports from several loopback addresses, quickscan and pulse answers, advisors (password, TOTP,
unlocked key) opening cases; the table and the verdict are printed. Once with the database task
queue, once with the queue on Redis (RQ workers)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("page: route", "report: web", "report: API", "return: web", "return: API", "quickscan: step",
         "quickscan: send", "pulse: send", "advisor: login", "advisor: unlock key", "advisor: case")


def _loadtest(*args: str) -> str:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "VANGNET_DATA_DIR", "DJANGO_SETTINGS_MODULE",
                          "TASKS_BACKEND", "TASKS_REDIS_URL"}}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--setup", "sqlite",
                             "--reports", "6", "--concurrency", "3", "--sources", "3", *args],
                            env=env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _check(out: str) -> None:
    assert "reports accepted: 6; reports stored: 6" in out
    quickscan = re.search(r"quickscan answers accepted: (\d+); stored: (\d+)", out)
    pulse = re.search(r"pulse answers accepted: (\d+); stored: (\d+)", out)
    assert quickscan and quickscan.group(1) == quickscan.group(2) == "2", out
    assert pulse and pulse.group(1) == pulse.group(2) == "3", out
    assert "errors: 0;" in out and "'database is locked': 0" in out
    for kind in KINDS:
        assert f"| {kind}" in out, kind
    assert "RESULT: clean" in out


def test_loadtest_on_the_sqlite_demo_loses_nothing() -> None:
    out = _loadtest()
    assert "1 db_worker on one file" in out
    _check(out)


def test_loadtest_with_the_task_queue_on_redis() -> None:
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, db=12).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    out = _loadtest("--tasks", "rq")
    assert "1 rqworker (tasks on Redis) on one file" in out
    _check(out)


def test_loadtest_refuses_more_reports_than_the_sources_may_send() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--reports", "100",
                             "--sources", "2"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "per-source limit" in result.stderr
