"""Playwright on Debian's Chromium, and axe-core for accessibility."""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

import pytest

CHROMIUM = os.environ.get("VANGNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# How long a browser test waits for a state (a page to load, an element to appear) before it fails.
# Generous on purpose: the tests wait for states, never sleep, so a long limit costs nothing when the
# machine is fast, and on a loaded machine (CI next to other test runs) a first page may take 20 s.
BROWSER_TIMEOUT_MS = 60_000
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
    """Run axe-core with every rule it ships: the WCAG 2.x A/AA rules and the best practices
    (landmarks, one main, unique regions, heading order, ...). Return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return list(results.response["violations"])


def assert_accessible(page: Any) -> None:
    """axe-core with all its rules (see axe_violations) finds nothing on the page. The one axe
    helper of every browser test."""
    violations = axe_violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe (all rules) found violations on {page.url}:\n{summary}"


def check_at_both_widths(page: Any, app: str, name: str) -> None:
    """axe (all rules) at 1280 and at 390 px, the width of a phone, with a full-page screenshot of
    each in VANGNET_DATA_DIR/screenshots/<app>/ to look at; the page is left at 1280 px."""
    from pathlib import Path

    folder = Path(os.environ.get("VANGNET_DATA_DIR", "var")) / "screenshots" / app
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


# --- Logging in -------------------------------------------------------------------------------
# allauth accepts a TOTP code only in its own 30-second step (MFA_TOTP_TOLERANCE = 0) and only once
# per user: it marks "user id + code" as used in the cache (which tests/conftest.py clears before and
# after each test, together with this helper's memory). So a person's second login in the same step
# is refused, and so is a code typed in the last seconds of its step on a loaded machine. The one
# login helper below therefore never types, for the same person, a code of a step it used before in
# this test, and never one with less than TOTP_MARGIN_SECONDS left: it waits for the next, fresh step.
# Every browser login goes through it: the `login` fixture of tests/conftest.py, `login(page, ...)`
# in a second browser context, and `answer_totp` on a page that is already at the two-factor step.
# A code typed without knowing the person ("") is treated as used by every person of that secret.
TOTP_PERIOD = 30
TOTP_MARGIN_SECONDS = 8.0
_used_steps: dict[tuple[str, str], int] = {}
_clock = time.time  # tests/ops/test_browser_login_helper.py puts a fake clock here
_sleep = time.sleep


def _time_step(now: float) -> int:
    return int(now // TOTP_PERIOD)


def _last_used_step(secret: str, person: str) -> int:
    # An unknown person may be anyone who used this secret.
    keys = [(secret, person), (secret, "")] if person else [key for key in _used_steps if key[0] == secret]
    return max((_used_steps.get(key, -1) for key in keys), default=-1)


def forget_used_totp_steps() -> None:
    """Forget the used steps: called where the test's cache (allauth's record of them) is cleared."""
    _used_steps.clear()


def fresh_totp_step(secret: str, person: str = "", *, clock: Any = None, sleep: Any = None) -> int:
    """Wait (on the clock) until a time step that was not used for `secret` and `person` (see above)
    and that has at least TOTP_MARGIN_SECONDS left; mark it used and return it."""
    clock = clock or _clock
    sleep = sleep or _sleep
    person = person.strip().lower()
    while True:
        now = clock()
        step = _time_step(now)
        left = (step + 1) * TOTP_PERIOD - now
        if step > _last_used_step(secret, person) and left >= TOTP_MARGIN_SECONDS:
            _used_steps[(secret, person)] = step
            return step
        sleep(left + 0.05)  # until the next step begins


def fresh_totp_code(secret: str, person: str = "") -> str:
    """A TOTP code for `secret` (and `person`) from a fresh time step (see fresh_totp_step)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, fresh_totp_step(secret, person)))


def submit_password(page: Any, email: str, password: str) -> None:
    """Fill the login form on the current page and submit it; wait for the next page."""
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def answer_totp(page: Any, secret: str, person: str = "") -> None:
    """On the two-factor page: type a code from a fresh step, submit, wait for the next page.
    `person` (the login) lets different people use one step; without it every login waits."""
    page.fill("input[name=code]", fresh_totp_code(secret, person))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/2fa/authenticate" not in page.url, f"the TOTP code was refused at {page.url}"


def login(page: Any, email: str, *, password: str | None = None, secret: str | None = None,
          open_form: bool = True) -> None:
    """The real login form: password, then the second factor when it is asked. Every browser test
    logs in through this (the fixed test password and TOTP secret unless others are given)."""
    from support.people import PASSWORD, TOTP_SECRET

    if open_form:
        page.goto("/accounts/login/")
    submit_password(page, email, password or PASSWORD)
    if "/accounts/2fa/authenticate" in page.url:
        answer_totp(page, secret or TOTP_SECRET, email)
    assert "/accounts/login" not in page.url, f"{email} could not log in"
    assert "/accounts/2fa/authenticate" not in page.url, f"{email} is stuck at {page.url}"


def send_report(page: Any) -> None:
    """On the report form: "Check my report", wait for the check step, then "Send my report"
    and wait for the next page (the receipt, or the form with its error summary)."""
    page.click("main [data-check-open]")
    page.locator("main [data-check]").wait_for(state="visible")
    with page.expect_navigation():
        page.click("main [data-check-send]")
