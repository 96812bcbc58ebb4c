"""CI starts Redis when none answers, so the real-Redis tests (rate limits, RQ tasks, the load test
on RQ) never skip there: the Redis block of .ci/run runs here against stand-in redis-cli and
redis-server programs that record what they were asked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = ROOT / ".ci" / "run"

FAKE_CLI = """#!/bin/sh
# answers PONG only once the stand-in server was started
echo "cli $*" >> "$FAKE_LOG"
[ -f "$FAKE_STATE/started" ] && echo PONG && exit 0
exit 1
"""
FAKE_SERVER = """#!/bin/sh
echo "server $*" >> "$FAKE_LOG"
touch "$FAKE_STATE/started"
"""


def _redis_block() -> str:
    text = CI_RUN.read_text()
    found = re.search(r"^if ! redis-cli .*?^fi$", text, flags=re.M | re.S)
    assert found, ".ci/run has no block that starts Redis when it does not answer"
    return found.group(0)


@pytest.fixture
def fakes(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("redis-cli", FAKE_CLI), ("redis-server", FAKE_SERVER)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "sleep").symlink_to("/bin/true")  # the wait loop needs no real time here
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_LOG": str(tmp_path / "log"),
            "FAKE_STATE": str(tmp_path), "HOME": str(tmp_path)}


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", _redis_block()], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_ci_starts_redis_when_none_answers(fakes: dict[str, str]) -> None:
    result = _run(fakes)
    assert result.returncode == 0, result.stderr
    log = Path(fakes["FAKE_LOG"]).read_text().splitlines()
    started = [line for line in log if line.startswith("server ")]
    assert len(started) == 1 and "--daemonize yes" in started[0] and "--bind 127.0.0.1" in started[0]
    assert log[-1].startswith("cli ") and "ping" in log[-1]  # it waited until Redis answered


def test_ci_leaves_a_running_redis_alone(fakes: dict[str, str]) -> None:
    Path(fakes["FAKE_STATE"], "started").touch()
    result = _run(fakes)
    assert result.returncode == 0, result.stderr
    assert not [line for line in Path(fakes["FAKE_LOG"]).read_text().splitlines() if line.startswith("server ")]


def test_ci_makes_the_redis_tests_fail_instead_of_skipping() -> None:
    assert re.search(r'^export CI="\$\{CI:-1\}"$', CI_RUN.read_text(), flags=re.M)
