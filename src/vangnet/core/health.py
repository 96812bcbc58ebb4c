"""Health endpoints for the proxy, the container health checks and monitoring.

- `/health/live/`: the process answers (no database, no cache): restart it when this fails.
- `/health/ready/`: the database answers, the cache stores and returns a value, and the oldest task
  that is due has waited less than VANGNET_READY_MAX_TASK_AGE seconds (default 300): send it
  traffic only when this is 200. The JSON names each check; it holds no personal data.

HealthMiddleware answers these two paths first, before anything else runs: no session, no CSRF
cookie, no host check (a health check asks for `localhost`), no redirect to HTTPS, and nothing about
the client in any log (ADR 0004).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .queue import oldest_due_task_enqueued_at

logger = logging.getLogger(__name__)

LIVE_PATH = "/health/live/"
READY_PATH = "/health/ready/"


def _json(payload: dict[str, object], status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(payload, sort_keys=True), content_type="application/json",
                            status=status)
    response["Cache-Control"] = "no-store"
    # An unready instance is reported by the checks themselves (below), without the request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        return "ok" if row and row[0] == 1 else "unexpected answer"
    except Exception as error:  # any failure means: not ready
        return f"error: {type(error).__name__}"


def check_cache() -> str:
    key = f"vangnet:health:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok" if found == value else "value not returned"


def check_tasks(now: datetime | None = None) -> tuple[str, float]:
    """("ok" or the problem, seconds the oldest due task has waited)."""
    limit = settings.VANGNET_READY_MAX_TASK_AGE
    try:
        enqueued_at = oldest_due_task_enqueued_at()
    except Exception as error:
        return f"error: {type(error).__name__}", -1.0
    if enqueued_at is None:
        return "ok", 0.0
    age = max(0.0, ((now or timezone.now()) - enqueued_at).total_seconds())
    return ("ok" if age <= limit else f"oldest due task waits {int(age)} s (limit {limit} s)"), age


def readiness() -> tuple[bool, dict[str, object]]:
    started = time.monotonic()
    tasks, age = check_tasks()
    checks: dict[str, object] = {
        "database": check_database(),
        "cache": check_cache(),
        "tasks": tasks,
        "task_age_seconds": round(age, 1),
    }
    ready = all(checks[name] == "ok" for name in ("database", "cache", "tasks"))
    checks["seconds"] = round(time.monotonic() - started, 3)
    if not ready:
        logger.warning("Not ready: %s", {k: v for k, v in checks.items() if v != "ok"})
    return ready, checks


class HealthMiddleware:
    """First in MIDDLEWARE: answers the two health paths and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == LIVE_PATH:
            return _json({"status": "ok"}, 200)
        if request.path_info == READY_PATH:
            ready, checks = readiness()
            return _json({"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503)
        return self.get_response(request)
