"""scripts/loadtest.py end to end on the SQLite demo with a small crowd: real runserver and worker,
real reports from several loopback addresses; the table and the verdict are printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loadtest_on_the_sqlite_demo_loses_nothing() -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "VANGNET_DATA_DIR", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--setup", "sqlite",
                             "--reports", "6", "--concurrency", "3", "--sources", "3"],
                            env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "reports accepted: 6; reports stored: 6" in out
    assert "errors: 0;" in out and "'database is locked': 0" in out
    for kind in ("page: route", "report: web", "report: API", "return: web", "return: API"):
        assert f"| {kind}" in out
    assert "RESULT: clean" in out


def test_loadtest_refuses_more_reports_than_the_sources_may_send() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--reports", "100",
                             "--sources", "2"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "per-source limit" in result.stderr
