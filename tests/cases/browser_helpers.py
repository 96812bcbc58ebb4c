"""Browser helpers of the cases tests: axe with every rule it ships (WCAG and best practices)."""

from __future__ import annotations

from typing import Any


def assert_accessible_all_rules(page: Any) -> None:
    """axe-core with all its rules, best practices included; zero violations."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    summary = "\n".join(f"- {v['id']} ({v['impact']}): {v['help']} → "
                        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
                        for v in violations)
    assert not violations, f"axe found violations on {page.url}:\n{summary}"
