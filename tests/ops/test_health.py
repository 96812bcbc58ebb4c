"""/health/live/ and /health/ready/: answered first, without session, CSRF cookie or client in the logs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from support.tasktable import DB_TASKS
from vangnet.core import tasks as core_tasks

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
USER_AGENT = "Health-Probe-Agent/1.0 secret-marker"


def _get(path: str, **extra: Any) -> Any:
    client = Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT, raise_request_exception=False)
    return client.get(path, **extra)


def test_live_answers_without_cookies_and_for_any_host(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = _get("/health/live/", HTTP_HOST="localhost:8000")  # not in ALLOWED_HOSTS in production
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert CLIENT_ADDRESS not in caplog.text and "secret-marker" not in caplog.text


@override_settings(ALLOWED_HOSTS=["vangnet.example.org"], SECURE_SSL_REDIRECT=True)
def test_health_is_not_redirected_to_https_nor_refused_for_its_host() -> None:
    assert _get("/health/ready/", HTTP_HOST="web:8000").status_code == 200
    assert _get("/", HTTP_HOST="web:8000").status_code == 400  # every other page checks the host


def test_ready_checks_database_cache_and_tasks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = _get("/health/ready/")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["database"] == "ok" and body["cache"] == "ok" and body["tasks"] == "ok"
    assert not response.cookies
    assert CLIENT_ADDRESS not in caplog.text and "secret-marker" not in caplog.text


@override_settings(VANGNET_READY_MAX_TASK_AGE=60, TASKS=DB_TASKS)
def test_ready_fails_when_the_oldest_due_task_waits_too_long(caplog: pytest.LogCaptureFixture) -> None:
    core_tasks.task_results_cleanup.enqueue()
    assert _get("/health/ready/").status_code == 200  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=120))
    caplog.set_level(logging.DEBUG)
    response = _get("/health/ready/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "unavailable" and body["tasks"].startswith("oldest due task waits 1")
    assert body["task_age_seconds"] >= 120
    assert "Not ready" in caplog.text and CLIENT_ADDRESS not in caplog.text


@override_settings(TASKS=DB_TASKS)
def test_ready_does_not_count_tasks_planned_for_later() -> None:
    core_tasks.task_results_cleanup.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=2))
    assert _get("/health/ready/").status_code == 200


def test_ready_fails_when_the_cache_does_not_answer() -> None:
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = _get("/health/ready/")
    body = json.loads(response.content)
    assert response.status_code == 503 and body["cache"] == "value not returned"
