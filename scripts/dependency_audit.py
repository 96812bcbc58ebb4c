"""Audit the installed dependencies for known vulnerabilities with pip-audit (CI: `make audit`).

    python scripts/dependency_audit.py            # the current environment (.venv in make)

pip-audit asks PyPI's JSON API about every installed version (`-s pypi`; the OSV service is not
reachable from our CI). Three outcomes, kept apart on purpose so that none hides another:

- **vulnerabilities found** → exit 1: CI fails and the list is printed (id, package, version,
  fixed versions). Never waived by a network problem.
- **audited, nothing found** → exit 0.
- **not (fully) audited** → pip-audit could not run after 3 tries (network), or it skipped
  dependencies it could not look up ("not found on PyPI" — e.g. a mirror that does not serve
  `/pypi/<name>/<version>/json`). That is reported loudly as NOT AUDITED, never as "no known
  vulnerabilities", and exits 0 so that a hiccup of PyPI does not fail CI; set
  `VANGNET_AUDIT_STRICT=1` (release pipelines) to make it fail with exit 3.

The audit runs after the test suite in .ci/run, so it can never stop test results from being
seen. Our own package (installed in editable mode) is skipped: it is not on PyPI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIES = 3
WAIT_SECONDS = (5, 20)


def run_pip_audit() -> dict[str, object] | None:
    """pip-audit's JSON report, or None when it could not produce one after TRIES attempts."""
    executable = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "audit.json"
        for attempt in range(1, TRIES + 1):
            result = subprocess.run(
                [str(executable), "--vulnerability-service", "pypi", "--skip-editable",
                 "--progress-spinner", "off", "--format", "json", "--output", str(report)],
                capture_output=True, text=True, timeout=600, check=False,
            )
            # Exit 1 with a report means "vulnerabilities found": that is an answer, not a failure.
            if report.exists() and report.stat().st_size:
                try:
                    return json.loads(report.read_text())
                except json.JSONDecodeError:
                    pass
            print(f"pip-audit attempt {attempt} failed (exit {result.returncode}): "
                  f"{(result.stderr or result.stdout).strip().splitlines()[-1:]}")
            if attempt < TRIES:
                time.sleep(WAIT_SECONDS[min(attempt - 1, len(WAIT_SECONDS) - 1)])
    return None


def verdict(report: dict[str, object] | None, *, strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for pip-audit's JSON report (None: it never ran)."""
    dependencies = report.get("dependencies") if report is not None else None
    if not isinstance(dependencies, list):
        return (3 if strict else 0), [
            f"DEPENDENCY AUDIT NOT DONE: pip-audit could not reach PyPI after {TRIES} tries. "
            "Nothing is known about vulnerabilities in this run."]
    lines: list[str] = []
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {dependency['name']} {dependency['version']}: "
                         f"{vulnerability['id']} (fixed in: {fixed})")
    lines.append(f"pip-audit: {len(dependencies)} dependencies, {len(dependencies) - len(skipped)} "
                 f"audited, {len(skipped)} not audited, {len(vulnerable)} with known vulnerabilities.")
    if vulnerable:
        return 1, lines
    if skipped:
        names = ", ".join(sorted(str(d["name"]) for d in skipped))
        lines.append(f"NOT AUDITED ({len(skipped)}): {names}")
        lines.append("These were not looked up (the package index did not answer for their "
                     "versions): the absence of findings above says nothing about them.")
        return (3 if strict else 0), lines
    lines.append("No known vulnerabilities in any dependency.")
    return 0, lines


def main() -> int:
    strict = os.environ.get("VANGNET_AUDIT_STRICT", "") in {"1", "true", "yes"}
    code, lines = verdict(run_pip_audit(), strict=strict)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
