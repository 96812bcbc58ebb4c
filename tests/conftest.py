"""Fixtures for the whole suite. Browser fixtures are shared by every app's e2e tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import BROWSER_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, require_chromium
from support.people import PASSWORD, make_member, make_organisation, totp_code

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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

    cache.clear()
    yield
    cache.clear()


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


def _wait_for_fresh_totp_window(margin: float = 4.0) -> None:
    """A code typed in the last seconds of its 30-second window may expire before it is checked."""
    import time

    remaining = 30 - (time.time() % 30)
    if remaining < margin:
        time.sleep(remaining + 0.2)


@pytest.fixture
def login(page: Any) -> Any:
    """Log in through the real login form, answering the two-factor step when it comes."""

    def _login(email: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        if "/accounts/2fa/authenticate" in page.url:
            _wait_for_fresh_totp_window()
            page.fill("input[name=code]", totp_code())
            with page.expect_navigation():
                page.click("main form button[type=submit]")

    return _login
