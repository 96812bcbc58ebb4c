"""The platform admin in a real browser (issue #10, "Done when"): it is sent to the product's login,
is asked for the second factor, gets in, and then no page it can reach from the admin index shows
a report's contents, a second-factor secret or a working reset or invitation link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from support.browser import answer_totp, assert_accessible, submit_password
from support.people import PASSWORD, TOTP_SECRET

from .conftest import ADMIN_EMAIL, Secrets

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Pages that end the session or leave the admin are not followed.
NOT_FOLLOWED = ("/platform-admin/logout/",)


def _admin_links(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    links = []
    for href in hrefs:
        path = urlparse(href).path if href else ""
        if path.startswith("/platform-admin/") and not path.startswith(NOT_FOLLOWED):
            links.append(path + (("?" + urlparse(href).query) if urlparse(href).query else ""))
    return links


def test_platform_admin_logs_in_with_two_factors_and_sees_no_secret(
        page: Any, live_server: Any, secrets_everywhere: Secrets) -> None:
    page.goto("/platform-admin/")
    assert "/accounts/login/" in page.url and "next=%2Fplatform-admin%2F" in page.url
    assert page.locator("input[name=username]").count() == 0  # no Django admin form
    assert_accessible(page)
    submit_password(page, ADMIN_EMAIL, PASSWORD)
    assert "/accounts/2fa/authenticate/" in page.url  # the second factor is asked
    assert_accessible(page)
    answer_totp(page, TOTP_SECRET)
    assert urlparse(page.url).path == "/platform-admin/"

    seen: set[str] = set()
    to_visit = ["/platform-admin/"]
    while to_visit and len(seen) < 80:
        path = to_visit.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        html = page.content()
        assert secrets_everywhere.found_in(html) == [], path
        assert "vn1:" not in html, path
        assert page.locator("input[name=email]").count() == 0, path
        if urlparse(page.url).path.startswith("/platform-admin/"):
            assert_accessible(page)
            to_visit += [link for link in _admin_links(page) if link not in seen]
    # The index, every reviewed model's list and the objects' pages were seen.
    assert len(seen) >= 10, seen
    assert any("/socialaccount/socialapp/" in path and "/change/" in path for path in seen), seen
