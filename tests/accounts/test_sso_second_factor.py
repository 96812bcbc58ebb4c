"""SSO is a first factor like the password: a person who must log in with two factors is asked for
the second one after the identity provider, and a platform admin's SSO login gets no admin without
it (issue #10: the session must pass the second factor, whatever the first one was)."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import make_member, totp_code
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import Organisation
from vangnet.organisations.roles import Role

from .fake_oidc import FakeOIDCProvider
from .test_sso import _log_in_at_provider

PERSON = {"sub": "77", "email": "vp@gemeente.example", "name": "Vera Vertrouwens"}


def _logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sso_login_of_an_advisor_asks_the_second_factor(
        client: Any, sso_organisation: Organisation, provider: FakeOIDCProvider) -> None:
    advisor = make_member(sso_organisation, Role.EMPLOYEE, Role.ADVISOR, email=PERSON["email"])
    response = _log_in_at_provider(client, sso_organisation, provider, PERSON)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not _logged_in(client)
    assert client.get(f"/o/{sso_organisation.slug}/dossiers/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302 and _logged_in(client)
    assert client.get(f"/o/{sso_organisation.slug}/dossiers/").status_code == 200
    entry = AuditEntry.objects.filter(action="accounts.login", object_id=str(advisor.user.pk)).get()
    assert entry.data["methods"] == ["socialaccount", "mfa"]


@pytest.mark.django_db
def test_sso_login_without_a_second_factor_must_set_one_up(
        client: Any, sso_organisation: Organisation, provider: FakeOIDCProvider) -> None:
    make_member(sso_organisation, Role.EMPLOYEE, Role.ADVISOR, email=PERSON["email"],
                two_factor=False)
    response = _log_in_at_provider(client, sso_organisation, provider, PERSON)
    assert response.status_code == 302 and _logged_in(client)
    response = client.get(f"/o/{sso_organisation.slug}/dossiers/")
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
