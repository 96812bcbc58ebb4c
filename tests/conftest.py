"""Fixtures for the whole suite. Browser fixtures are shared by every app's e2e tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from support.browser import BROWSER_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, require_chromium
from support.people import PASSWORD, make_member, make_organisation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests explore new random examples on every local run; in CI (`.ci/run` sets CI) they
# run a fixed set, so a result never depends on the draw. A failure found locally is printed with
# its example: add it with @example so CI keeps it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _force_login_like_allauth(self: Any, user: Any, backend: str | None = None) -> None:
    """`client.force_login` stands for a completed product login: password, and the second factor
    when the person has one. The two-factor rule checks the session, not the person (ADR 0050);
    tests of that rule make a password-only session with `support.people.force_login_password_only`.
    """
    from django.test.client import ClientMixin

    from support.people import record_completed_login

    ClientMixin.force_login(self, user, backend)
    record_completed_login(self, user)


def _use_completed_logins() -> None:
    from django.test import Client

    Client.force_login = _force_login_like_allauth  # type: ignore[method-assign]


_use_completed_logins()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; never let them leak between tests."""
    from django.core.cache import cache

    from support.browser import forget_used_totp_steps

    cache.clear()
    forget_used_totp_steps()  # allauth's record of used codes lives in the cache cleared here
    yield
    cache.clear()
    forget_used_totp_steps()


@pytest.fixture
def organisation(db: Any) -> Any:
    return make_organisation("Gemeente Testdorp")


@pytest.fixture
def other_organisation(db: Any) -> Any:
    return make_organisation("Andere Organisatie")


@pytest.fixture
def member_factory(db: Any) -> Any:
    return make_member


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp lets axe inject its script; the app's own CSP stays strict and is tested apart.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture
def login(page: Any) -> Any:
    """Log in on `page` through the real login form: the shared helper `support.browser.login`
    (password, then a code from a fresh TOTP step: never one this test used for that person)."""
    from support.browser import login as browser_login

    def _login(email: str, password: str = PASSWORD) -> None:
        browser_login(page, email, password=password)

    return _login
