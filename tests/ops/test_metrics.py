"""Prometheus metrics: off by default, behind a token, per view, with the task queue; no personal data."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client, override_settings

from support.tasktable import DB_TASKS
from vangnet.core import tasks as core_tasks

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
ADDRESS = "198.51.100.23"


def _client() -> Client:
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="Scraper/2 marker-agent", raise_request_exception=False)


def test_metrics_are_off_without_a_token() -> None:
    assert _client().get("/metrics/").status_code == 404


@override_settings(VANGNET_METRICS_TOKEN=TOKEN)
def test_metrics_need_the_token() -> None:
    assert _client().get("/metrics/").status_code == 401
    assert _client().get("/metrics/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert _client().get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@override_settings(VANGNET_METRICS_TOKEN=TOKEN, TASKS=DB_TASKS)
def test_latency_per_view_and_the_task_queue(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = _client()
    for _ in range(3):
        assert client.get("/").status_code == 200
    client.get("/privacy/")
    client.get("/no-such-page/")
    core_tasks.task_results_cleanup.enqueue()
    core_tasks.task_results_cleanup.enqueue()
    text = client.get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'vangnet_request_duration_seconds_count{view="home"} 3' in text
    assert 'vangnet_request_duration_seconds_bucket{view="home",le="+Inf"} 3' in text
    assert 'vangnet_request_duration_seconds_count{view="privacy"} 1' in text
    assert 'vangnet_request_duration_seconds_count{view="unmatched"} 1' in text
    assert "vangnet_task_queue_depth 2" in text
    assert re.search(r"^vangnet_task_queue_oldest_seconds \d+\.\d$", text, re.MULTILINE)
    # Cumulative buckets never decrease.
    home = [int(v) for v in re.findall(r'bucket\{view="home",le="[^"]+"\} (\d+)', text)]
    assert home == sorted(home)
    assert "no-such-page" not in text and ADDRESS not in text and "marker-agent" not in text
    assert ADDRESS not in caplog.text and "marker-agent" not in caplog.text
