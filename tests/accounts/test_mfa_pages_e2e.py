"""allauth's two-factor pages in a real browser: our layout, axe-clean, and WebAuthn under our CSP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import (
    BROWSER_TIMEOUT_MS,
    answer_totp,
    assert_accessible,
    fresh_totp_code,
    submit_password,
)
from support.people import PASSWORD, TOTP_SECRET, make_member, make_organisation
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password_login(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    submit_password(page, email, PASSWORD)


def _reauthenticate_if_asked(page: Any) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")


def _assert_our_layout(page: Any) -> None:
    assert page.locator("header.vn-header").count() == 1
    assert page.locator("main#main h1").count() >= 1
    assert page.get_attribute("html", "lang") == "nl"


def test_totp_activation_and_recovery_codes_pages(page: Any, live_server: Any) -> None:
    organisation = make_organisation()
    member = make_member(organisation, Role.EMPLOYEE, Role.HR, two_factor=False)
    _password_login(page, member.user.email)
    page.goto(f"/o/{organisation.slug}/")  # the middleware sends HR to set up two factors
    _reauthenticate_if_asked(page)
    assert "/accounts/2fa/totp/activate/" in page.url
    _assert_our_layout(page)
    assert_accessible(page)

    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", fresh_totp_code(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto("/accounts/2fa/recovery-codes/")
    _reauthenticate_if_asked(page)
    assert "/accounts/2fa/recovery-codes/" in page.url
    _assert_our_layout(page)
    assert_accessible(page)
    page.goto(f"/o/{organisation.slug}/")
    assert page.url.endswith(f"/o/{organisation.slug}/")  # no longer redirected


def test_two_factor_authenticate_page(page: Any, live_server: Any) -> None:
    organisation = make_organisation()
    member = make_member(organisation, Role.ADVISOR)
    _password_login(page, member.user.email)
    assert "/accounts/2fa/authenticate/" in page.url
    _assert_our_layout(page)
    assert_accessible(page)
    answer_totp(page, TOTP_SECRET)
    assert "/accounts/" not in page.url


@pytest.fixture
def strict_page(browser: Any, live_server: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page WITHOUT bypass_csp: the product's real Content-Security-Policy applies."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page, problems
    context.close()


def test_webauthn_key_can_be_added_under_our_csp(strict_page: tuple[Any, list[str]],
                                                 settings: Any) -> None:
    # fido2 checks the origin; the test server speaks plain http on localhost.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    page, problems = strict_page
    organisation = make_organisation()
    member = make_member(organisation, Role.EMPLOYEE)
    _password_login(page, member.user.email)
    page.goto("/accounts/2fa/webauthn/add/")
    _reauthenticate_if_asked(page)
    assert "/accounts/2fa/webauthn/add/" in page.url
    _assert_our_layout(page)
    # A virtual security key, through the Chrome DevTools Protocol.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    page.fill("input[name=name]", "Testsleutel")
    with page.expect_navigation():
        page.click("#mfa_webauthn_add")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=member.user, type=Authenticator.Type.WEBAUTHN).exists()
    csp = [p for p in problems if "Content Security Policy" in p]
    assert not csp, csp


def test_sso_pages_are_accessible(page: Any, live_server: Any) -> None:
    from allauth.socialaccount.models import SocialApp

    organisation = make_organisation()
    organisation.sso_app = SocialApp.objects.create(
        provider="openid_connect", provider_id="org-sso", name="Org SSO", client_id="x", secret="y",
        settings={"server_url": "https://login.invalid"},
    )
    organisation.sso_email_domains = "org.example"
    organisation.save()
    page.goto("/accounts/sso/")
    _assert_our_layout(page)
    assert_accessible(page)
    page.fill("input[name=email]", "iemand@org.example")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/oidc/org-sso/login/" in page.url  # allauth's confirmation step
    _assert_our_layout(page)
    assert_accessible(page)
