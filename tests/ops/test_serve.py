"""`vangnet serve` runs gunicorn with our configuration; the demo hands out links on its own port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from vangnet.core.management.commands.serve import CONFIG, gunicorn_argv

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return bytes(response.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_gunicorn_config_has_no_access_log_and_takes_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("VANGNET_BIND", "127.0.0.1:9999")
    namespace: dict[str, object] = {}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)  # noqa: S102 - our own config
    assert namespace["accesslog"] is None
    assert namespace["workers"] == 3
    assert namespace["bind"] == ["127.0.0.1:9999"]
    assert namespace["wsgi_app"] == "vangnet.wsgi:application"


def test_serve_runs_gunicorn_that_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "VANGNET_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "vangnet.settings.base",
           "WEB_CONCURRENCY": "2"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "vangnet", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/health/live/", process)
        assert b"ok" in body
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    log = err.decode()
    assert "gunicorn" in log.lower() or "Booting worker" in log
    assert "GET /health" not in log  # no access log


def test_serve_argv_is_gunicorn_with_our_config() -> None:
    argv = gunicorn_argv(bind="127.0.0.1:1", workers=2, threads=3)
    assert argv[1:3] == ["-m", "gunicorn"] and str(CONFIG) in argv
    assert argv[-1] == "vangnet.wsgi:application"
    result = subprocess.run(gunicorn_argv(check_config=True), capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings.test"})
    assert result.returncode == 0, result.stderr


def test_demo_hands_out_links_on_its_own_port(tmp_path: Path) -> None:
    """scripts/demo.sh with a stand-in `vangnet` that records the SITE_URL each step sees."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "vangnet"
    fake.write_text('#!/bin/sh\necho "$1 $SITE_URL" >> "$VANGNET_DATA_DIR/calls.txt"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PORT": "8100", "BIN": str(bin_dir), "VANGNET_DATA_DIR": str(tmp_path),
           "SITE_URL": "http://127.0.0.1:8000"}
    # The script ends by killing its (here already finished) worker and scheduler: its status is not ours.
    subprocess.run(["sh", str(ROOT / "scripts" / "demo.sh")], env=env, check=False, timeout=60,
                   capture_output=True)
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert "seed_demo http://127.0.0.1:8100" in calls
    assert "runserver http://127.0.0.1:8100" in calls
    assert not any(":8000" in line for line in calls)
