"""Prometheus metrics, off unless VANGNET_METRICS_TOKEN is set; then `GET /metrics/` with
`Authorization: Bearer <token>` returns them in Prometheus' text format.

- `vangnet_request_duration_seconds` (histogram per view name, counted in the shared cache, so every
  gunicorn process and every app server adds to the same numbers when the cache is Redis);
- `vangnet_task_queue_depth` and `vangnet_task_queue_oldest_seconds` (read at scrape time from the
  task backend, database or Redis).

Labels are view names only: never a path, an address, a user agent or an organisation.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.utils import timezone

from .queue import due_task_count, oldest_due_task_enqueued_at

METRICS_PATH = "/metrics/"
BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PREFIX = "vangnet:metrics:v1"
UNMATCHED = "unmatched"


def _key(view: str, part: str) -> str:
    return f"{PREFIX}:{view}:{part}"


def _add(key: str, amount: int) -> None:
    try:
        cache.incr(key, amount)
    except ValueError:  # the first of its kind: create it, unless another process just did
        if not cache.add(key, amount, timeout=None):
            cache.incr(key, amount)


def record(view: str, seconds: float) -> None:
    bucket = next((str(edge) for edge in BUCKETS if seconds <= edge), "+Inf")
    _add(_key(view, f"b{bucket}"), 1)
    _add(_key(view, "count"), 1)
    _add(_key(view, "sum_us"), int(seconds * 1_000_000))


def view_names() -> list[str]:
    names = {UNMATCHED}

    def walk(resolver: object, namespace: str = "") -> None:
        for pattern in getattr(resolver, "url_patterns", []):
            if hasattr(pattern, "url_patterns"):
                inner = getattr(pattern, "namespace", None)
                walk(pattern, f"{namespace}{inner}:" if inner else namespace)
            elif getattr(pattern, "name", None):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver())
    return sorted(names)


def render() -> str:
    lines = [
        "# HELP vangnet_request_duration_seconds Time to answer a request, per view.",
        "# TYPE vangnet_request_duration_seconds histogram",
    ]
    names = view_names()
    parts = [f"b{edge}" for edge in BUCKETS] + ["b+Inf", "count", "sum_us"]
    values = cache.get_many([_key(view, part) for view in names for part in parts])
    for view in names:
        count = int(values.get(_key(view, "count"), 0))
        if not count:
            continue
        cumulative = 0
        for edge in [*(str(edge) for edge in BUCKETS), "+Inf"]:
            cumulative += int(values.get(_key(view, f"b{edge}"), 0))
            lines.append(f'vangnet_request_duration_seconds_bucket{{view="{view}",le="{edge}"}} {cumulative}')
        lines.append(f'vangnet_request_duration_seconds_count{{view="{view}"}} {count}')
        seconds = int(values.get(_key(view, "sum_us"), 0)) / 1_000_000
        lines.append(f'vangnet_request_duration_seconds_sum{{view="{view}"}} {seconds:.6f}')
    oldest = oldest_due_task_enqueued_at()
    age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
    lines += [
        "# HELP vangnet_task_queue_depth Tasks that may run now and wait for a worker.",
        "# TYPE vangnet_task_queue_depth gauge",
        f"vangnet_task_queue_depth {due_task_count()}",
        "# HELP vangnet_task_queue_oldest_seconds How long the oldest waiting task has waited.",
        "# TYPE vangnet_task_queue_oldest_seconds gauge",
        f"vangnet_task_queue_oldest_seconds {age:.1f}",
    ]
    return "\n".join(lines) + "\n"


def _authorised(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    return given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())


class MetricsMiddleware:
    """Right after HealthMiddleware: times every request (when metrics are on) and serves /metrics/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = settings.VANGNET_METRICS_TOKEN
        if not token:
            return self.get_response(request)
        if request.path_info == METRICS_PATH:
            if not _authorised(request, token):
                response = HttpResponse("unauthorised\n", status=401, content_type="text/plain")
                response._has_been_logged = True  # type: ignore[attr-defined]
                return response
            response = HttpResponse(render(), content_type="text/plain; version=0.0.4")
            response["Cache-Control"] = "no-store"
            return response
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        record(match.view_name if match and match.view_name else UNMATCHED, time.perf_counter() - started)
        return response
