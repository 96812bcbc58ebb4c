"""Apps write audit entries only through core.service.service_write (issue 11): ruff's banned-api
rule (TID251, configured in pyproject.toml) refuses the audit chain's own function anywhere else,
with a message that names the helper to use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


def _ruff(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--config", str(REPO / "pyproject.toml"),
         "--select", "TID251", str(path)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )


def test_an_app_that_writes_its_own_audit_entry_fails_lint(tmp_path):
    scratch = tmp_path / "scratch_services.py"
    scratch.write_text("from vangnet.core.audit import audit_record\n\naudit_record(action='x')\n")
    result = _ruff(scratch)
    assert result.returncode == 1, result.stdout
    assert "TID251" in result.stdout and "service_write" in result.stdout


def test_our_apps_pass_the_rule():
    result = _ruff(REPO / "src" / "vangnet")
    assert result.returncode == 0, result.stdout
