"""The CI dependency audit (scripts/dependency_audit.py) keeps its three outcomes apart: a finding
always fails, a dependency that could not be looked up is never reported as clean."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dependency_audit.py"


def _verdict() -> Any:
    spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verdict


# The shapes pip-audit 2.x writes with `--format json`.
CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
SKIPPED = {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                          "pillow (13.0.0)"}
VULNERABLE = {"name": "django", "version": "5.2.0", "vulns": [
    {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": [], "description": ""}]}


def test_a_vulnerability_fails_even_when_others_were_not_audited() -> None:
    verdict = _verdict()
    code, lines = verdict({"dependencies": [VULNERABLE, SKIPPED]}, strict=False)
    assert code == 1
    assert "VULNERABLE django 5.2.0: PYSEC-2025-1 (fixed in: 5.2.1)" in lines


def test_skipped_dependencies_are_never_reported_as_clean() -> None:
    verdict = _verdict()
    code, lines = verdict({"dependencies": [CLEAN, SKIPPED]}, strict=False)
    text = "\n".join(lines)
    assert code == 0 and "NOT AUDITED (1): pillow" in text and "No known vulnerabilities" not in text
    assert verdict({"dependencies": [CLEAN, SKIPPED]}, strict=True)[0] == 3


def test_an_unreachable_index_is_said_and_fails_only_when_strict() -> None:
    verdict = _verdict()
    code, lines = verdict(None, strict=False)
    assert code == 0 and lines[0].startswith("DEPENDENCY AUDIT NOT DONE")
    assert verdict(None, strict=True)[0] == 3


def test_all_audited_and_clean() -> None:
    code, lines = _verdict()({"dependencies": [CLEAN]}, strict=True)
    assert code == 0 and lines[-1] == "No known vulnerabilities in any dependency."
