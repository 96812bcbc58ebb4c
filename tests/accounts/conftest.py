"""Fixtures for the platform admin tests: an admin with a second factor, and the secrets that
no admin page may show (second factors, links, task payloads, SSO secrets, e-mail addresses)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model

from support.people import PASSWORD, TOTP_SECRET, enable_totp, make_member, make_organisation
from vangnet.organisations.models import Organisation

from .fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeOIDCProvider

ADMIN_EMAIL = "beheer@example.org"
SSO_CLIENT_SECRET = "sso-client-secret-Zq81xW"
NARRATIVE = "Mijn leidinggevende Karel Blok schreeuwt elke maandag tegen mij."


@pytest.fixture
def platform_admin(db: Any) -> Any:
    admin = get_user_model().objects.create_superuser(email=ADMIN_EMAIL, password=PASSWORD,
                                                      full_name="Platform Beheer")
    enable_totp(admin)
    return admin


@dataclass
class Secrets:
    """What an attacker in the platform admin looks for."""

    totp_secret: str = TOTP_SECRET
    recovery_seed: str = ""
    recovery_codes: list[str] = field(default_factory=list)
    reset_key: str = ""
    invitation_token: str = ""
    task_marker: str = ""
    sso_secret: str = SSO_CLIENT_SECRET
    narrative: str = NARRATIVE
    other_emails: list[str] = field(default_factory=list)

    def found_in(self, html: str) -> list[str]:
        needles = [self.totp_secret, self.recovery_seed, self.reset_key, self.invitation_token,
                   self.task_marker, self.sso_secret, self.narrative, *self.recovery_codes,
                   *self.other_emails]
        found = [needle for needle in needles if needle and needle in html]
        # A working link of either kind, whatever its token.
        found += re.findall(r"/accounts/password/reset/key/[^\s\"'<]+", html)
        found += re.findall(r"/uitnodiging/[^\s\"'<]+", html)
        return found


@pytest.fixture
def secrets_everywhere(db: Any, organisation: Any, platform_admin: Any,
                       django_capture_on_commit_callbacks: Any) -> Secrets:
    """People with second factors and recovery codes, an SSO app, a pending invitation, a
    requested password reset, a queued task carrying a link, and a report with a narrative."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.core import mail
    from django.test import Client
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from vangnet.accounts.mfa_adapter import decrypt_secret
    from vangnet.organisations.roles import Role
    from vangnet.organisations.selectors import actor_for
    from vangnet.organisations.services import invitation_create

    found = Secrets()
    advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, email="vp.geheim@example.org",
                          name="Vera Vertrouwens")
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="coordinator.geheim@example.org", name="Coby Coördinator")
    employee = make_member(organisation, Role.EMPLOYEE, email="medewerker.geheim@example.org",
                           name="Mehmet Medewerker")
    codes = RecoveryCodes.activate(advisor.user)
    RecoveryCodes.activate(platform_admin)
    found.recovery_codes = codes.get_unused_codes()[:3]
    found.recovery_seed = decrypt_secret(
        Authenticator.objects.get(user=advisor.user, type="recovery_codes").data["seed"])
    found.other_emails = [advisor.user.email, coordinator.user.email, employee.user.email,
                          "uitgenodigd.geheim@example.org"]

    app = SocialApp.objects.create(provider="openid_connect", provider_id="testdorp-sso",
                                   name="Testdorp SSO", client_id="testdorp-client",
                                   secret=SSO_CLIENT_SECRET,
                                   settings={"server_url": "https://login.example.org"})
    organisation.sso_app = app
    organisation.sso_email_domains = "testdorp.example"
    organisation.save()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=actor_for(coordinator), email="uitgenodigd.geheim@example.org",
                          full_name="Ilse Uitgenodigd")
    # The worker mints the invitation link and it exists only in the mail (ADR 0051).
    invitation_mail = next(m for m in mail.outbox if "uitgenodigd.geheim@example.org" in m.to)
    found.invitation_token = re.search(r"/uitnodiging/([^\s/]+)/", invitation_mail.body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": employee.user.email})
    reset_mail = next(m for m in mail.outbox if employee.user.email in m.to)
    found.reset_key = re.search(r"/accounts/password/reset/key/([^\s/]+)/", reset_mail.body).group(1)

    # A task as the database queue stores it (tests run tasks at once, so make one by hand).
    found.task_marker = "taak-lading-met-link-7731"
    DBTaskResult.objects.create(
        task_path="vangnet.core.tasks.send_sealed_email", backend_name="default", queue_name="default",
        args_kwargs={"args": [], "kwargs": {"body": f"{found.task_marker} /accounts/password/"
                                                    f"reset/key/{found.reset_key}/"}},
        run_after=timezone.now(), exception_class_path="", traceback="",
    )

    from vangnet.reporting.keys import keypair_create
    from vangnet.reporting.services import report_submit

    keypair_create(user=advisor.user, password=PASSWORD)
    report_submit(organisation=organisation, category="pesten", mode="anonymous",
                  parts={"narrative": NARRATIVE})
    return found


# --- Single sign-on against the fake OpenID Connect provider (test_sso*.py) --------------------

@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOIDCProvider]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    with FakeOIDCProvider() as fake:
        yield fake


@pytest.fixture
def sso_organisation(db: Any, provider: FakeOIDCProvider) -> Organisation:
    organisation = make_organisation("Gemeente Met SSO")
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="gemeente-met-sso", name="Gemeente Met SSO",
        client_id=CLIENT_ID, secret=CLIENT_SECRET, settings={"server_url": provider.url},
    )
    organisation.sso_app = app
    organisation.sso_email_domains = "gemeente.example, Team.Gemeente.example"
    organisation.save()
    return organisation
