"""LOG_FORMAT=json: every line is a JSON object and none holds a client address, user agent or content."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from vangnet.core.logs import JsonFormatter, logging_config, scrub
from vangnet.core.management.commands.serve import gunicorn_argv

from .test_serve import _free_port, _wait_for

CLIENT = "198.51.100.23"
AGENT = "Marker-Agent/7.7 (reporter-browser)"
CONTENT = "mijn leidinggevende schreeuwt elke dag"


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("vangnet.test", logging.ERROR, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_formatter_leaves_out_the_request_and_replaces_addresses() -> None:
    class FakeRequest:
        META = {"REMOTE_ADDR": CLIENT, "HTTP_USER_AGENT": AGENT}

        def __str__(self) -> str:
            return f"<request from {CLIENT} {AGENT} {CONTENT}>"

    line = JsonFormatter().format(_record("Internal Server Error: %s via %s", "/o/x/melden/", CLIENT,
                                          request=FakeRequest(), status_code=500, body=CONTENT))
    payload = json.loads(line)
    assert payload["message"] == "Internal Server Error: /o/x/melden/ via [address]"
    assert payload["status_code"] == 500 and payload["level"] == "ERROR"
    assert CLIENT not in line and AGENT not in line and CONTENT not in line


def test_exceptions_keep_class_and_place_but_not_their_message() -> None:
    try:
        raise ValueError(CONTENT)
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["exception"] == "builtins.ValueError"
    assert any("test_exceptions_keep_class_and_place" in frame for frame in payload["stack"])
    assert CONTENT not in line


def test_scrub_keeps_times_and_versions() -> None:
    assert scrub("at 12:30:45 on 10.0.0.1 and fe80::1:2 v1.2.3") == "at 12:30:45 on [address] and [address] v1.2.3"
    assert scrub("2001:db8::8a2e:370:7334") == "[address]"


def test_logging_config_chooses_the_formatter() -> None:
    assert logging_config(fmt="json", level="INFO")["formatters"] == {"default": {"()": "vangnet.core.logs.JsonFormatter"}}
    assert "format" in logging_config(fmt="plain", level="INFO")["formatters"]["default"]  # type: ignore[index]


def test_served_requests_leave_only_json_lines_without_the_client(tmp_path: Path) -> None:
    """gunicorn + Django with LOG_FORMAT=json: startup, a refused host, a failing readiness check."""
    port = _free_port()
    env = {**os.environ, "VANGNET_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "vangnet.settings.base",
           "LOG_FORMAT": "json", "TRUSTED_PROXY_COUNT": "1", "WEB_CONCURRENCY": "1",
           # Readiness fails at once on any due task: "Not ready" is logged.
           "VANGNET_READY_MAX_TASK_AGE": "-1"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "vangnet", "migrate", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=300, capture_output=True)
    subprocess.run([sys.executable, "-m", "vangnet", "shell", "-c",
                    "from vangnet.core.tasks import task_results_cleanup; task_results_cleanup.enqueue()"],
                   env=env, check=True, timeout=120, capture_output=True)
    process = subprocess.Popen([*gunicorn_argv(bind=f"127.0.0.1:{port}")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/health/live/", process)
        headers = {"X-Forwarded-For": CLIENT, "User-Agent": AGENT}
        for path, host in (("/", "evil.invalid"), ("/health/ready/", "127.0.0.1"),
                           ("/o/bestaat-niet/?q=" + CONTENT.replace(" ", "+"), "127.0.0.1")):
            request = urllib.request.Request(base + path, headers={**headers, "Host": host})  # noqa: S310
            try:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
            except urllib.error.HTTPError as error:
                assert error.code in {400, 404, 503}
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    lines = [line for line in (out + err).decode().splitlines() if line.strip()]
    payloads = [json.loads(line) for line in lines]  # every line is JSON
    messages = " ".join(str(payload["message"]) for payload in payloads)
    assert "Booting worker" in messages  # gunicorn's own log is JSON too
    assert "Invalid HTTP_HOST" in messages and "Not ready" in messages
    text = "\n".join(lines)
    assert CLIENT not in text and AGENT not in text and "schreeuwt" not in text


def test_an_unknown_log_format_is_refused(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "vangnet", "check"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "VANGNET_DATA_DIR": str(tmp_path), "LOG_FORMAT": "xml",
                                 "DJANGO_SETTINGS_MODULE": "vangnet.settings.base"})
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr
