"""Accounts: two-factor where required, TOTP login, brute-force limits, reset, invitations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from support.people import PASSWORD, make_member, totp_code
from vangnet.organisations.roles import CASE_READING_ROLES, Role

TOTP_SETUP = "/accounts/2fa/totp/activate/?required=1"


def _login(client: Any, email: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _is_logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(CASE_READING_ROLES))
def test_case_reading_roles_must_set_up_two_factor(client: Any, organisation: Any, role: str) -> None:
    member = make_member(organisation, role, two_factor=False)
    response = _login(client, member.user.email)
    assert response.status_code == 302 and _is_logged_in(client)
    response = client.get(f"/o/{organisation.slug}/")
    assert response.status_code == 302
    assert response["Location"] == TOTP_SETUP
    # The set-up page stays reachable (allauth first asks for the password again: a sensitive step).
    response = client.get(TOTP_SETUP, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [(Role.EMPLOYEE,), (Role.EMPLOYEE, Role.MANAGER), (Role.WORKS_COUNCIL,),
                                   (Role.FACILITATOR,)])
def test_other_roles_are_not_forced(client: Any, organisation: Any, roles: tuple[str, ...]) -> None:
    member = make_member(organisation, *roles, two_factor=False)
    client.force_login(member.user)
    assert client.get(f"/o/{organisation.slug}/").status_code == 200


@pytest.mark.django_db
def test_platform_admin_must_set_up_two_factor(client: Any) -> None:
    admin = get_user_model().objects.create_superuser(email="root@example.org", password=PASSWORD)
    client.force_login(admin)
    response = client.get("/platform-admin/")
    assert response.status_code == 302 and response["Location"] == TOTP_SETUP


@pytest.mark.django_db
def test_two_factor_set_up_means_no_redirect(client: Any, organisation: Any) -> None:
    member = make_member(organisation, Role.EMPLOYEE, Role.HR)  # TOTP enabled by the helper
    client.force_login(member.user)
    assert client.get(f"/o/{organisation.slug}/").status_code == 200


@pytest.mark.django_db
def test_login_with_totp(client: Any, organisation: Any) -> None:
    member = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    response = _login(client, "vp@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not _is_logged_in(client)
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and not _is_logged_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert _is_logged_in(client)
    assert client.get(f"/o/{organisation.slug}/").status_code == 200
    assert str(member.user.pk) == client.session["_auth_user_id"]


@pytest.mark.django_db
def test_five_failed_logins_block_that_account(client: Any, organisation: Any) -> None:
    make_member(organisation, Role.EMPLOYEE, email="doelwit@example.org")
    for attempt in range(5):
        response = _login(client, "doelwit@example.org", "fout-wachtwoord", ip=f"10.1.0.{attempt}")
        assert response.status_code == 200
    # Even the right password, from yet another address, is refused for a while.
    response = _login(client, "doelwit@example.org", ip="10.9.9.9")
    assert response.status_code == 200
    assert not _is_logged_in(client)
    assert "Te veel inlogpogingen" in response.content.decode()


@pytest.mark.django_db
def test_thirty_colleagues_behind_one_address_can_log_in(organisation: Any) -> None:
    from django.test import Client

    people = [make_member(organisation, Role.EMPLOYEE, email=f"collega{n}@example.org") for n in range(30)]
    for person in people:
        client = Client()
        # A typo first, as happens, then the right password: all from the office's one address.
        assert _login(client, person.user.email, "typfout-123", ip="192.0.2.10").status_code == 200
        response = _login(client, person.user.email, ip="192.0.2.10")
        assert response.status_code == 302, person.user.email
        assert _is_logged_in(client)


@pytest.mark.django_db
def test_password_reset_by_e_mail(client: Any, organisation: Any) -> None:
    make_member(organisation, Role.EMPLOYEE, email="vergeten@example.org")
    response = client.post("/accounts/password/reset/", {"email": "vergeten@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vergeten@example.org"]
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.body)
    assert link, message.body
    path = "/" + link.group(0).split("/", 3)[3]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026"})
    assert response.status_code == 302
    client.logout()
    assert _login(client, "vergeten@example.org", "Nieuw-wachtwoord-2026").status_code == 302
    assert _is_logged_in(client)


@pytest.mark.django_db
def test_reset_for_unknown_address_reveals_nothing(client: Any) -> None:
    response = client.post("/accounts/password/reset/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    # allauth sends an "unknown account" notice only to that address; it never says so on screen.
    assert all("niemand@example.org" in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_invitation_e_mail_accept_and_log_in(client: Any, organisation: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/{organisation.slug}/beheer/uitnodigingen/",
                               {"email": "Nieuw@Example.org", "full_name": "Nieuwe Collega",
                                "roles": [Role.EMPLOYEE, Role.WORKS_COUNCIL]})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    assert "Je bent uitgenodigd" in message.subject
    path = re.search(r"/o/[^\s]+/uitnodiging/[^\s]+/", message.body).group(0)

    visitor = type(client)()
    page = visitor.get(path)
    assert page.status_code == 200
    response = visitor.post(path, {"full_name": "Nieuwe Collega", "password1": "Welkom-bij-ons-2026",
                                   "password2": "Welkom-bij-ons-2026"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert visitor.get(path).status_code == 404  # used once
    assert _login(visitor, "nieuw@example.org", "Welkom-bij-ons-2026").status_code == 302
    assert visitor.get(f"/o/{organisation.slug}/").status_code == 200
    membership = get_user_model().objects.get(email="nieuw@example.org").memberships.get()
    assert membership.role_set == {Role.EMPLOYEE, Role.WORKS_COUNCIL}


@pytest.mark.django_db
def test_login_behind_fewer_proxies_than_configured_is_no_server_error(
        client: Any, organisation: Any, settings: Any) -> None:
    """TRUSTED_PROXY_COUNT=2 but the request carries one forwarded hop: allauth's own reading
    raised ImproperlyConfigured (HTTP 500). Logins read the client like the report throttles do,
    and the per-address limit still counts that client."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    member = make_member(organisation, Role.EMPLOYEE)
    client.raise_request_exception = False
    for _attempt in range(3):
        response = client.post("/accounts/login/", {"login": member.user.email, "password": "fout"},
                               REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert response.status_code == 200
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert get_adapter().get_client_ip(request) == "198.51.100.7"
    response = client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302 and _is_logged_in(client)
