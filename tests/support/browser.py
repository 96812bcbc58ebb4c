"""Playwright on Debian's Chromium, and axe-core for accessibility."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("VANGNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
INSTALL_HINT = (
    "Browser tests need Debian's Chromium: `sudo apt-get install chromium` "
    "(or set VANGNET_CHROMIUM to its path)."
)


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def require_chromium() -> None:
    """Skip with a hint on a developer machine; fail in CI (VANGNET_REQUIRE_BROWSER=1)."""
    if chromium_available():
        return
    if os.environ.get("VANGNET_REQUIRE_BROWSER") == "1":
        pytest.fail(INSTALL_HINT)
    pytest.skip(INSTALL_HINT)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    return list(results.response["violations"])


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe found violations on {page.url}:\n{summary}"
