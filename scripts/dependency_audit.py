"""Audit the installed dependencies for known vulnerabilities with pip-audit (CI: `make audit`).

    python scripts/dependency_audit.py            # the current environment (.venv in make)

pip-audit asks PyPI's JSON API about every installed version (`-s pypi`,
`/pypi/<name>/<version>/json`; the OSV service is not reachable from our CI). Some indexes do not
serve that per-version endpoint, and pip-audit then skips the dependency ("not found on PyPI").
For every skipped dependency this script falls back to the per-project endpoint
`/pypi/<name>/json`, whose top-level `vulnerabilities` list describes only the latest release
(`info.version`):

- installed version == latest → the dependency IS audited against that list (withdrawn
  advisories ignored; any other advisory is a finding, exactly like a pip-audit finding);
- installed version older or newer than the latest, or the page cannot be fetched → it stays
  NOT AUDITED, and the line says why ("installed X, PyPI's JSON only describes the latest Y").

Three outcomes, kept apart on purpose so that none hides another:

- **vulnerabilities found** (by pip-audit or by the fallback) → exit 1: CI fails and the list is
  printed (id, package, version, fixed versions). Never waived by a network problem.
- **audited, nothing found** → exit 0.
- **not (fully) audited** → pip-audit could not run after 3 tries (network), or some dependencies
  could be audited neither by pip-audit nor by the fallback. That is reported loudly as NOT
  AUDITED (with the reason per dependency), never as "no known vulnerabilities", and exits 0 so
  that a hiccup of PyPI does not fail CI; set `VANGNET_AUDIT_STRICT=1` (release pipelines) to
  make it fail with exit 3.

The summary line gives the figures: audited by pip-audit, audited by the fallback, not audited,
vulnerabilities found. The audit runs after the test suite in .ci/run, so it can never stop test
results from being seen. Our own package (installed in editable mode) is skipped and counted apart:
it is not on PyPI, so it is neither audited nor a gap in the audit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from packaging.version import InvalidVersion, Version  # a dependency of pip-audit

TRIES = 3
WAIT_SECONDS = (5, 20)
PROJECT_JSON_URL = "https://pypi.org/pypi/{name}/json"
FETCH_TRIES = 3
FETCH_TIMEOUT_SECONDS = 15
FETCH_WAIT_SECONDS = 2
FETCH_WORKERS = 8


class Fallback(NamedTuple):
    """What the per-project JSON says about one dependency pip-audit skipped."""

    name: str
    version: str
    audited: bool
    findings: tuple[str, ...] = ()  # "VULNERABLE …" lines
    reason: str = ""  # why it is not audited


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


def skipped_version(dependency: Mapping[str, object]) -> str:
    """The installed version of a skipped dependency: pip-audit writes it only in the skip reason
    ("… could not be audited: pillow (13.0.0)"); otherwise ask this environment."""
    if isinstance(dependency.get("version"), str):
        return str(dependency["version"])
    match = re.search(r"\(([^()\s]+)\)\s*$", str(dependency.get("skip_reason", "")))
    if match:
        return match.group(1)
    try:
        return metadata.version(str(dependency["name"]))
    except metadata.PackageNotFoundError:
        return "unknown"


def fetch_project(name: str) -> dict[str, object] | str:
    """PyPI's per-project JSON for `name`, or a string saying why it could not be had."""
    url = PROJECT_JSON_URL.format(name=urllib.parse.quote(name))
    error = ""
    for attempt in range(1, FETCH_TRIES + 1):
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 (fixed https URL)
                project = json.load(response)
            return project if isinstance(project, dict) else f"{url} did not answer a JSON object"
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return f"{url} answered 404"
            error = f"{url} answered {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            error = f"{url} could not be fetched ({exc})"
        if attempt < FETCH_TRIES:
            time.sleep(FETCH_WAIT_SECONDS * attempt)
    return f"{error} after {FETCH_TRIES} tries"


def same_version(installed: str, latest: str) -> bool:
    try:
        return Version(installed) == Version(latest)
    except InvalidVersion:
        return installed == latest


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def finding_line(name: str, version: str, advisory: Mapping[str, object]) -> str:
    fixed = ", ".join(_strings(advisory.get("fixed_in"))) or "no fixed version yet"
    aliases = ", ".join(_strings(advisory.get("aliases")))
    also = f" [{aliases}]" if aliases else ""
    return (f"VULNERABLE {name} {version}: {advisory.get('id', '?')}{also} "
            f"(fixed in: {fixed}) — from PyPI's project JSON")


def fallback_outcome(name: str, installed: str, project: Mapping[str, object] | str) -> Fallback:
    """Decide, from PyPI's per-project JSON (or the fetch error), what is known about `name`."""
    if isinstance(project, str):
        return Fallback(name, installed, audited=False, reason=project)
    info = project.get("info")
    latest = info.get("version") if isinstance(info, dict) else None
    advisories = project.get("vulnerabilities")
    if not isinstance(latest, str) or not isinstance(advisories, list):
        return Fallback(name, installed, audited=False,
                        reason="PyPI's JSON has no info.version or no vulnerabilities list")
    if not same_version(installed, latest):
        return Fallback(name, installed, audited=False,
                        reason=f"installed {installed}, PyPI's JSON only describes the latest {latest}")
    active = [a for a in advisories if isinstance(a, dict) and not a.get("withdrawn")]
    return Fallback(name, installed, audited=True,
                    findings=tuple(finding_line(name, installed, a) for a in active))


def is_editable(dependency: Mapping[str, object]) -> bool:
    """Skipped on purpose by --skip-editable: our own package, which is not on PyPI."""
    return "editable" in str(dependency.get("skip_reason", ""))


def needs_fallback(dependency: Mapping[str, object]) -> bool:
    return bool(dependency.get("skip_reason")) and not is_editable(dependency)


def audit_skipped(dependencies: Iterable[Mapping[str, object]]) -> list[Fallback]:
    """The fallback for every dependency pip-audit skipped (network; a few at a time)."""
    skipped = [(str(d["name"]), skipped_version(d)) for d in dependencies if needs_fallback(d)]

    def one(item: tuple[str, str]) -> Fallback:
        return fallback_outcome(item[0], item[1], fetch_project(item[0]))

    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        return list(pool.map(one, skipped))


def pip_audit_findings(dependencies: list[dict[str, object]]) -> list[str]:
    lines = []
    for dependency in dependencies:
        vulns = dependency.get("vulns")
        for vulnerability in vulns if isinstance(vulns, list) else []:
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {dependency['name']} {dependency['version']}: "
                         f"{vulnerability['id']} (fixed in: {fixed})")
    return lines


def not_audited_lines(skipped: list[dict[str, object]], fallbacks: Mapping[str, Fallback]) -> list[str]:
    lines = [f"NOT AUDITED ({len(skipped)}): {', '.join(sorted(str(d['name']) for d in skipped))}"]
    for dependency in sorted(skipped, key=lambda d: str(d["name"])):
        known = fallbacks.get(str(dependency["name"]))
        reason = known.reason if known else "not looked up by the fallback"
        lines.append(f"NOT AUDITED {dependency['name']} {skipped_version(dependency)}: {reason}")
    lines.append("pip-audit could not look these up (the index did not answer for their versions) "
                 "and the fallback could not either: the absence of findings says nothing about them.")
    return lines


def summary(total: int, by_pip_audit: int, by_fallback: int, not_audited: int, found: int, *,
            own: list[str]) -> str:
    ours = f" ({len(own)} editable, ours, not on PyPI: {', '.join(own)})" if own else ""
    return (f"Dependency audit: {total} dependencies, {by_pip_audit} audited by pip-audit, "
            f"{by_fallback} audited by the PyPI project-JSON fallback, {not_audited} not audited, "
            f"{found} known vulnerabilities found{ours}.")


def verdict(report: dict[str, object] | None, *, strict: bool,
            fallbacks: Iterable[Fallback] = ()) -> tuple[int, list[str]]:
    """The exit code and the lines to print for pip-audit's JSON report (None: it never ran) and
    the fallback's outcomes for the dependencies pip-audit skipped."""
    dependencies = report.get("dependencies") if report is not None else None
    if not isinstance(dependencies, list):
        return (3 if strict else 0), [
            f"DEPENDENCY AUDIT NOT DONE: pip-audit could not reach PyPI after {TRIES} tries. "
            "Nothing is known about vulnerabilities in this run."]
    by_name = {f.name: f for f in fallbacks}
    own = sorted(str(d["name"]) for d in dependencies if is_editable(d))
    skipped = [d for d in dependencies if needs_fallback(d)]
    rescued = [f for f in (by_name.get(str(d["name"])) for d in skipped) if f and f.audited]
    audited_names = {f.name for f in rescued}
    unaudited = [d for d in skipped if str(d["name"]) not in audited_names]
    findings = pip_audit_findings(dependencies) + [line for f in rescued for line in f.findings]
    counts = (len(dependencies) - len(skipped) - len(own), len(rescued), len(unaudited), len(findings))
    lines = [*findings, summary(len(dependencies), *counts, own=own)]
    if unaudited:
        lines += not_audited_lines(unaudited, by_name)
    if findings:
        return 1, lines
    if unaudited:
        return (3 if strict else 0), lines
    lines.append("No known vulnerabilities in any dependency.")
    return 0, lines


def main() -> int:
    strict = os.environ.get("VANGNET_AUDIT_STRICT", "") in {"1", "true", "yes"}
    report = run_pip_audit()
    dependencies = report.get("dependencies") if report is not None else None
    fallbacks = audit_skipped(dependencies) if isinstance(dependencies, list) else []
    code, lines = verdict(report, strict=strict, fallbacks=fallbacks)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
