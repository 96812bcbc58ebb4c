"""The CI dependency audit (scripts/dependency_audit.py) keeps its three outcomes apart: a finding
always fails, a dependency that could not be looked up is never reported as clean. Its fallback
(PyPI's per-project JSON, which describes only the latest release) audits a skipped dependency only
when the installed version is that latest release; it is tested here with crafted JSON, never
against the network."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dependency_audit.py"


def _module() -> Any:
    spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _verdict() -> Any:
    return _module().verdict


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


# The shape of https://pypi.org/pypi/<name>/json, cut down to what the fallback reads.
def _project(latest: str, *advisories: dict[str, object]) -> dict[str, object]:
    return {"info": {"name": "pillow", "version": latest}, "vulnerabilities": list(advisories)}


ADVISORY: dict[str, object] = {"id": "GHSA-xxxx-yyyy-zzzz", "aliases": ["CVE-2026-1"], "fixed_in": ["13.0.1"],
            "withdrawn": None, "summary": "Buffer overflow", "link": "https://osv.dev/x"}
WITHDRAWN: dict[str, object] = {**ADVISORY, "id": "PYSEC-2026-9", "withdrawn": "2026-05-01T00:00:00Z"}


def test_fallback_latest_installed_with_an_active_advisory_is_a_finding() -> None:
    module = _module()
    outcome = module.fallback_outcome("pillow", "13.0.0", _project("13.0.0", ADVISORY))
    assert outcome.audited and outcome.findings == (
        "VULNERABLE pillow 13.0.0: GHSA-xxxx-yyyy-zzzz [CVE-2026-1] (fixed in: 13.0.1) "
        "— from PyPI's project JSON",)
    code, lines = module.verdict({"dependencies": [CLEAN, SKIPPED]}, strict=False, fallbacks=[outcome])
    assert code == 1 and outcome.findings[0] in lines
    assert ("Dependency audit: 2 dependencies, 1 audited by pip-audit, 1 audited by the PyPI "
            "project-JSON fallback, 0 not audited, 1 known vulnerabilities found.") in lines


def test_fallback_withdrawn_advisory_is_clean() -> None:
    module = _module()
    outcome = module.fallback_outcome("pillow", "13.0.0", _project("13.0.0", WITHDRAWN))
    assert outcome.audited and outcome.findings == ()
    code, lines = module.verdict({"dependencies": [CLEAN, SKIPPED]}, strict=True, fallbacks=[outcome])
    assert code == 0 and lines[-1] == "No known vulnerabilities in any dependency."
    assert "NOT AUDITED" not in "\n".join(lines)


def test_fallback_behind_or_ahead_of_latest_stays_not_audited_with_the_reason() -> None:
    module = _module()
    for latest in ("13.1.0", "12.9.0"):
        # An advisory about the latest release says nothing, either way, about the installed one.
        outcome = module.fallback_outcome("pillow", "13.0.0", _project(latest, ADVISORY))
        assert not outcome.audited and outcome.findings == ()
        assert outcome.reason == f"installed 13.0.0, PyPI's JSON only describes the latest {latest}"
        code, lines = module.verdict({"dependencies": [CLEAN, SKIPPED]}, strict=False, fallbacks=[outcome])
        assert code == 0 and "No known vulnerabilities" not in "\n".join(lines)
        assert f"NOT AUDITED pillow 13.0.0: {outcome.reason}" in lines
        assert "1 audited by pip-audit, 0 audited by the PyPI project-JSON fallback, 1 not audited" in lines[0]
        assert module.verdict({"dependencies": [CLEAN, SKIPPED]}, strict=True, fallbacks=[outcome])[0] == 3


def test_fallback_network_failure_stays_not_audited() -> None:
    module = _module()
    failure = "https://pypi.org/pypi/pillow/json could not be fetched (timed out) after 3 tries"
    outcome = module.fallback_outcome("pillow", "13.0.0", failure)
    assert not outcome.audited and outcome.reason == failure
    code, lines = module.verdict({"dependencies": [SKIPPED]}, strict=True, fallbacks=[outcome])
    assert code == 3 and f"NOT AUDITED pillow 13.0.0: {failure}" in lines


def test_fallback_json_without_version_or_advisories_stays_not_audited() -> None:
    outcome = _module().fallback_outcome("pillow", "13.0.0", {"info": {}, "releases": {}})
    assert not outcome.audited and "no info.version" in outcome.reason


def test_the_installed_version_is_read_from_the_skip_reason() -> None:
    assert _module().skipped_version(SKIPPED) == "13.0.0"


def test_our_editable_package_is_counted_apart_not_as_a_gap() -> None:
    module = _module()
    ours = {"name": "vangnet", "skip_reason": "distribution marked as editable"}
    assert not module.needs_fallback(ours)
    code, lines = module.verdict({"dependencies": [CLEAN, ours]}, strict=True)
    assert code == 0 and lines[-1] == "No known vulnerabilities in any dependency."
    assert lines[0].endswith("1 audited by pip-audit, 0 audited by the PyPI project-JSON fallback, "
                             "0 not audited, 0 known vulnerabilities found "
                             "(1 editable, ours, not on PyPI: vangnet).")
