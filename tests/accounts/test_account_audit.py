"""Issue #10, finding 1: none of the logins, resets, second-factor or address changes was in the
chained audit log. Each event must now leave an entry (without secrets or addresses) and the person
must be told by e-mail, so that a takeover does not go unnoticed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from support.people import PASSWORD, enable_totp, make_member, totp_code
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role

NEW_PASSWORD = "Nieuw-wachtwoord-2026"


@pytest.fixture
def immediately(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """Run what is queued on commit (mail, allauth's notices) at the end of the block."""
    with django_capture_on_commit_callbacks(execute=True):
        yield


def _entries(action: str, user: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_type="accounts.user",
                                          object_id=str(user.pk)))


def _assert_no_secrets(entries: list[AuditEntry], *secrets: str) -> None:
    for entry in entries:
        text = json.dumps(entry.data) + entry.actor_label
        assert "@" not in text, entry.data  # no e-mail address
        for secret in secrets:
            assert secret not in text


def _notices_to(address: str) -> list[Any]:
    return [message for message in mail.outbox if address in message.to]


def _login(client: Any, email: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_login_and_logout_are_audited(client: Any, organisation: Any) -> None:
    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    _login(client, "vp@example.org")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    [entry] = _entries("accounts.login", advisor.user)
    assert entry.data["methods"] == ["password", "mfa"]
    assert entry.data["platform_admin"] is False
    assert entry.actor_id == advisor.user.pk
    client.post("/accounts/logout/")
    assert len(_entries("accounts.logout", advisor.user)) == 1
    _assert_no_secrets(_entries("accounts.login", advisor.user), PASSWORD)


@pytest.mark.django_db
def test_failed_login_of_an_existing_account_is_audited_without_the_password(
        client: Any, organisation: Any) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, email="doelwit@example.org")
    _login(client, "Doelwit@Example.org", "geraden-wachtwoord-1")
    _login(client, "niemand@example.org", "geraden-wachtwoord-2")
    entries = _entries("accounts.login_failed", employee.user)
    assert len(entries) == 1
    assert entries[0].actor_id is None and entries[0].actor_label == "anonymous"
    _assert_no_secrets(entries, "geraden-wachtwoord-1")
    # An address that has no account leaves nothing (the log does not collect typos).
    assert AuditEntry.objects.filter(action="accounts.login_failed").count() == 1
    assert "niemand" not in json.dumps(list(AuditEntry.objects.values("data")))


@pytest.mark.django_db
def test_platform_admin_login_is_audited_and_announced(client: Any, platform_admin: Any,
                                                       immediately: None) -> None:
    _login(client, platform_admin.email)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    [entry] = _entries("accounts.login", platform_admin)
    assert entry.data == {"methods": ["password", "mfa"], "platform_admin": True}
    assert len(_notices_to(platform_admin.email)) == 1


@pytest.mark.django_db
def test_password_change_is_audited_and_announced(client: Any, organisation: Any,
                                                  immediately: None) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, email="wijzig@example.org")
    _login(client, "wijzig@example.org")
    mail.outbox.clear()
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    entries = _entries("accounts.password_change", employee.user)
    assert len(entries) == 1 and entries[0].actor_id == employee.user.pk
    _assert_no_secrets(entries, PASSWORD, NEW_PASSWORD)
    assert len(_notices_to("wijzig@example.org")) == 1


@pytest.mark.django_db
def test_password_reset_is_audited_and_announced(client: Any, organisation: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, email="vergeten@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "vergeten@example.org"})
    path = re.search(r"/accounts/password/reset/key/[^\s]+", mail.outbox[-1].body).group(0)
    key = path.rstrip("/").rsplit("/", 1)[-1]
    mail.outbox.clear()
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    entries = _entries("accounts.password_reset", employee.user)
    assert len(entries) == 1
    assert entries[0].actor_id is None  # done through a link, by whoever held it
    _assert_no_secrets(entries, NEW_PASSWORD, key)
    assert len(_notices_to("vergeten@example.org")) == 1
    assert "_auth_user_id" not in client.session  # no login straight after a reset


@pytest.mark.django_db
def test_e_mail_address_change_is_audited_and_the_old_address_told(
        client: Any, organisation: Any, django_capture_on_commit_callbacks: Any) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, email="oud@example.org")
    _login(client, "oud@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"email": "nieuw@example.org",
                                                    "action_add": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    confirm = [m for m in mail.outbox if "nieuw@example.org" in m.to][-1]
    link = re.search(r"/accounts/confirm-email/[^\s]+", confirm.body).group(0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    employee.user.refresh_from_db()
    assert employee.user.email == "nieuw@example.org"
    entries = _entries("accounts.email_change", employee.user)
    assert len(entries) == 1
    _assert_no_secrets(entries)
    assert len(_notices_to("oud@example.org")) == 1  # the old address hears of it


@pytest.mark.django_db
def test_second_factor_changes_are_audited_and_announced(client: Any, organisation: Any,
                                                         django_capture_on_commit_callbacks: Any
                                                         ) -> None:
    employee = make_member(organisation, Role.EMPLOYEE, email="factor@example.org")
    _login(client, "factor@example.org")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # allauth asks it first
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    added = _entries("accounts.second_factor_add", employee.user)
    assert [entry.data["factor"] for entry in added] == ["totp"]
    _assert_no_secrets(added, secret)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert len(_entries("accounts.recovery_codes_generate", employee.user)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert len(_entries("accounts.second_factor_remove", employee.user)) == 1
    # One notice per change: added, new recovery codes, removed.
    assert len(_notices_to("factor@example.org")) == 3


@pytest.mark.django_db
def test_who_needs_two_factors_cannot_remove_the_last_one(client: Any, organisation: Any) -> None:
    from allauth.mfa.models import Authenticator

    advisor = make_member(organisation, Role.ADVISOR, email="vp@example.org")
    client.force_login(advisor.user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200  # the form comes back with allauth's refusal
    assert Authenticator.objects.filter(user=advisor.user, type="totp").exists()


@pytest.mark.django_db
def test_a_skipped_second_factor_is_audited(client: Any, organisation: Any) -> None:
    from support.people import force_login_password_only

    advisor = make_member(organisation, Role.ADVISOR)
    enable_totp(advisor.user)
    force_login_password_only(client, advisor.user)
    client.get(f"/o/{organisation.slug}/")
    assert len(_entries("accounts.second_factor_skipped", advisor.user)) == 1


@pytest.mark.django_db
def test_an_unconfirmed_address_cannot_become_the_login_address(client: Any, organisation: Any,
                                                                 immediately: None) -> None:
    # Someone in a session adds their own address and tries to make it the login address at once
    # (then a password reset would go to them).
    employee = make_member(organisation, Role.EMPLOYEE, email="eigen@example.org")
    _login(client, "eigen@example.org")
    client.post("/accounts/email/", {"email": "aanvaller@example.org", "action_add": ""})
    client.post("/accounts/email/", {"email": "aanvaller@example.org", "action_primary": ""})
    employee.user.refresh_from_db()
    assert employee.user.email == "eigen@example.org"
    assert not _entries("accounts.email_change", employee.user)
