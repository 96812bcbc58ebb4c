"""Issue #10, finding 1: the platform admin's own password-only login, and sessions that skipped the
second factor. Each test performs the attack and passes only when it is refused."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import (
    PASSWORD,
    force_login_password_only,
    make_member,
    record_completed_login,
    totp_code,
)
from vangnet.organisations.roles import Role

from .conftest import ADMIN_EMAIL

# `platform_admin` (a superuser with TOTP) comes from tests/accounts/conftest.py.


def _is_logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


def _product_login(client: Any, email: str, password: str = PASSWORD, next_url: str = "",
                   ip: str = "10.0.0.1") -> Any:
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(url, data, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_admin_login_page_is_no_password_form_but_the_product_login(client: Any,
                                                                     platform_admin: Any) -> None:
    response = client.get("/platform-admin/login/?next=/platform-admin/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fplatform-admin%2Forganisations%2F"
    # The admin index sends an anonymous visitor the same way.
    response = client.get("/platform-admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fplatform-admin%2F"
    assert 'name="password"' in response.content.decode()  # allauth's form, with its limits
    # An outside address as "next" is not followed.
    response = client.get("/platform-admin/login/?next=//evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fplatform-admin%2F"


@pytest.mark.django_db
def test_password_posted_to_the_old_admin_login_logs_nobody_in(client: Any,
                                                               platform_admin: Any) -> None:
    # The attack of the outside test: 30 wrong passwords, then the right one, at the admin login.
    for attempt in range(30):
        response = client.post("/platform-admin/login/",
                               {"username": ADMIN_EMAIL, "password": f"fout-{attempt}"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post("/platform-admin/login/",
                           {"username": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not _is_logged_in(client)
    assert client.get("/platform-admin/").status_code == 302


@pytest.mark.django_db
def test_admin_gets_in_only_with_password_and_second_factor(client: Any,
                                                           platform_admin: Any) -> None:
    response = _product_login(client, ADMIN_EMAIL, next_url="/platform-admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not _is_logged_in(client)
    assert client.get("/platform-admin/").status_code == 302  # the password alone is not enough
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/platform-admin/"
    page = client.get("/platform-admin/")
    assert page.status_code == 200
    assert "Organisaties" in page.content.decode() or "Organisations" in page.content.decode()


@pytest.mark.django_db
def test_admin_login_has_the_product_rate_limit(client: Any, platform_admin: Any) -> None:
    for attempt in range(5):
        response = _product_login(client, ADMIN_EMAIL, "fout-wachtwoord", next_url="/platform-admin/",
                                  ip=f"10.2.0.{attempt}")
        assert response.status_code == 200
    response = _product_login(client, ADMIN_EMAIL, next_url="/platform-admin/", ip="10.9.9.9")
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.content.decode()
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_password_only_session_of_admin_is_refused_and_logged_out(client: Any,
                                                                 platform_admin: Any) -> None:
    force_login_password_only(client, platform_admin)
    response = client.get("/platform-admin/organisations/organisation/")
    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/login/?next=%2Fplatform-admin%2Forganisations%2Forganisation%2F"
    )
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_django_password_login_path_is_refused(client: Any, platform_admin: Any) -> None:
    # Django's own authenticate + login (what the old admin login did): no second factor passed.
    assert client.login(email=ADMIN_EMAIL, password=PASSWORD)
    assert client.get("/platform-admin/").status_code == 302
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_session_with_only_a_password_record_is_refused(client: Any, platform_admin: Any) -> None:
    # allauth's own records, but the second factor step missing (as after a skipped stage).
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    force_login_password_only(client, platform_admin)
    record_completed_login(client, platform_admin)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        r for r in session[AUTHENTICATION_METHODS_SESSION_KEY] if r["method"] != "mfa"
    ]
    session.save()
    assert client.get("/platform-admin/").status_code == 302
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_mfa_record_of_another_user_does_not_count(client: Any, organisation: Any,
                                                   platform_admin: Any) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, two_factor=True)
    record_completed_login(client, employee.user)  # this browser passed it as someone else
    force_login_password_only(client, platform_admin)
    assert client.get("/platform-admin/").status_code == 302
    assert not _is_logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/o/{slug}/dossiers/", "/o/{slug}/meldingen/", "/o/{slug}/meldingen/ontgrendelen/",
                                  "/o/{slug}/", "/accounts/2fa/", "/accounts/2fa/webauthn/add/",
                                  "/accounts/password/change/", "/accounts/email/"])
def test_password_only_session_of_advisor_reaches_no_page(client: Any, organisation: Any,
                                                          path: str) -> None:
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR)  # has TOTP
    force_login_password_only(client, advisor.user)
    response = client.get(path.format(slug=organisation.slug))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_case_pages_open_after_a_login_with_both_factors(client: Any, organisation: Any) -> None:
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, email="vp@example.org")
    response = _product_login(client, "vp@example.org")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert _is_logged_in(client)
    assert client.get(f"/o/{organisation.slug}/dossiers/").status_code == 200
    assert advisor.user.pk == int(client.session["_auth_user_id"])


@pytest.mark.django_db
def test_a_member_who_is_not_platform_admin_gets_no_admin(client: Any, organisation: Any) -> None:
    staff = make_member(organisation, Role.EMPLOYEE, two_factor=True)
    staff.user.is_staff = True
    staff.user.save()
    client.force_login(staff.user)  # both factors
    assert client.get("/platform-admin/", follow=True).status_code == 403
    assert client.get("/platform-admin/login/").status_code == 403


@pytest.mark.django_db
def test_staff_without_second_factor_must_set_it_up(client: Any, organisation: Any) -> None:
    staff = make_member(organisation, Role.EMPLOYEE, two_factor=False)
    staff.user.is_staff = True
    staff.user.save()
    client.force_login(staff.user)
    response = client.get("/platform-admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/")


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_first_second_factor_passes_it(client: Any, organisation: Any) -> None:
    # A real transaction: allauth announces the new factor when it is committed, mid-request.
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, two_factor=False,
                          email="nieuw.vp@example.org")
    _product_login(client, "nieuw.vp@example.org")
    assert _is_logged_in(client)
    assert client.get(f"/o/{organisation.slug}/dossiers/")["Location"].startswith(
        "/accounts/2fa/totp/activate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(f"/o/{organisation.slug}/dossiers/").status_code == 200
    assert advisor.user.pk == int(client.session["_auth_user_id"])
