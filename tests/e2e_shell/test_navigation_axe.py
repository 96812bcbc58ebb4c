"""Every demo role: log in, open every page the menu and the home cards link to, and run axe.

This crawl covers other apps' pages automatically as they add navigation items. A failure names
the page and the axe rule, so the owner of that page knows what to fix.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from support.browser import BROWSER_TIMEOUT_MS, answer_totp, axe_violations, login, submit_password
from vangnet.organisations import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOWNLOAD_SUFFIXES = (".csv", ".pdf", ".ics", ".zip", ".svg", ".png", ".json")
PUBLIC_PAGES = ["/", f"/o/{demo.DEMO_ORGANISATION_SLUG}/hulp/", "/accounts/login/", "/privacy/",
                "/toegankelijkheid/"]
PEOPLE = [person.email for person in demo.DEMO_PEOPLE] + [demo.PLATFORM_ADMIN_EMAIL]


def _answer_totp(page: Any) -> None:
    answer_totp(page, demo.DEMO_TOTP_SECRET)  # the shared helper: a code from a fresh TOTP step


def demo_login(page: Any, email: str) -> None:
    """The real login form; the two-factor step for the roles that have it."""
    login(page, email, password=demo.DEMO_PASSWORD, secret=demo.DEMO_TOTP_SECRET)


def _violations_text(url: str, violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {url}: {v['id']} ({v['impact']}) {v['help']} → "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in violations
    )


def _links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav a, .vn-card a", "elements => elements.map(e => e.getAttribute('href'))"
    )
    origin = urlparse(base)
    found: list[str] = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:")):
            continue
        url = urlparse(href)
        if url.netloc and url.netloc != origin.netloc:
            continue  # not ours (and there should be none: see test_security_headers)
        path = url.path or "/"
        if "logout" in path or path.endswith(DOWNLOAD_SUFFIXES):
            continue
        target = path + (f"?{url.query}" if url.query else "")
        if target not in found:
            found.append(target)
    return found


@pytest.fixture
def demo_data(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def strict_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """Without JavaScript: every page must work without it."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="nl-NL")
    yield context
    context.close()


def test_public_pages_are_accessible(page: Any, demo_data: None) -> None:
    problems = []
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        problems.append(_violations_text(path, axe_violations(page)))
    report = "\n".join(p for p in problems if p)
    assert not report, "axe violations on public pages:\n" + report


def _crawl_as(page: Any, base_url: str, email: str) -> tuple[list[str], int]:
    """Log in as one person, check the home page and every linked page; return problems."""
    demo_login(page, email)
    problems: list[str] = []
    if "/o/" not in page.url:
        # Several organisations (external advisor) or none (platform admin): the chooser.
        problems.append(_violations_text(urlparse(page.url).path, axe_violations(page)))
        first = page.locator("main a[href^='/o/']").first
        if first.count():
            with page.expect_navigation():
                first.click()
    home = urlparse(page.url).path
    if "/o/" in home:
        problems.append(_violations_text(home, axe_violations(page)))
    links = _links(page, base_url)
    for path in links:
        response = page.goto(path)
        status = response.status if response else 0
        if status >= 400:
            problems.append(f"  {path}: HTTP {status}")
            continue
        problems.append(_violations_text(path, axe_violations(page)))
    return [p for p in problems if p], len(links) + 1


def test_every_page_in_reach_of_every_demo_role_is_accessible(browser: Any, live_server: Any,
                                                              demo_data: None) -> None:
    """Seeded once; each person logs in once, in a fresh browser context (own session)."""
    report: list[str] = []
    checked = 0
    for email in PEOPLE:
        # bypass_csp lets axe inject its script; the real CSP is tested in tests/core.
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
        try:
            page = context.new_page()
            page.set_default_timeout(BROWSER_TIMEOUT_MS)
            problems, pages = _crawl_as(page, live_server.url, email)
        finally:
            context.close()
        checked += pages
        if problems:
            report.append(f"{email}:\n" + "\n".join(problems))
    print(f"\naxe crawl: {checked} pages for {len(PEOPLE)} people")
    assert not report, "Accessibility or availability problems:\n" + "\n".join(report)


def test_login_works_without_javascript(strict_context: Any, demo_data: None) -> None:
    page = strict_context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "medewerker@demo.vangnet.nl")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/o/{demo.DEMO_ORGANISATION_SLUG}/" in page.url
    assert page.locator("main h1").inner_text().startswith("Welkom")

    # With two factors, also without JavaScript.
    other = strict_context.browser.new_context(base_url=strict_context.pages[0].url.split("/o/")[0],
                                               java_script_enabled=False, locale="nl-NL")
    try:
        page = other.new_page()
        page.goto("/accounts/login/")
        submit_password(page, "vertrouwenspersoon@demo.vangnet.nl", demo.DEMO_PASSWORD)
        assert "/accounts/2fa/authenticate/" in page.url
        _answer_totp(page)
        assert f"/o/{demo.DEMO_ORGANISATION_SLUG}/" in page.url
    finally:
        other.close()
