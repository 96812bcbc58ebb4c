"""Single sign-on per organisation with OpenID Connect, end to end against a fake provider."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model

from support.people import make_member, make_organisation
from vangnet.organisations.models import Membership, Organisation
from vangnet.organisations.roles import Role

from .fake_oidc import CLIENT_ID, FakeOIDCProvider


def _log_in_at_provider(client: Any, organisation: Organisation, provider: FakeOIDCProvider,
                        person: dict[str, str]) -> Any:
    """Walk the whole flow as a browser would; return the response of the callback."""
    provider.person = person
    start = client.get(f"/o/{organisation.slug}/sso/")
    assert start.status_code == 302
    login_url = start["Location"]
    assert login_url.startswith("/accounts/oidc/gemeente-met-sso/login/")
    confirm = client.get(login_url)  # allauth asks to confirm with a POST (no login on GET)
    assert confirm.status_code == 200
    to_provider = client.post(login_url)
    assert to_provider.status_code == 302
    authorize = urlparse(to_provider["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == provider.url
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    callback = urlparse(query["redirect_uri"][0])
    return client.get(callback.path, {"code": "fake-code", "state": query["state"][0]})


@pytest.mark.django_db
def test_matching_domain_gets_account_and_employee_membership(
    client: Any, sso_organisation: Organisation, provider: FakeOIDCProvider
) -> None:
    response = _log_in_at_provider(client, sso_organisation, provider,
                                   {"sub": "42", "email": "Anna@Gemeente.example", "name": "Anna Bos"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == f"/o/{sso_organisation.slug}/"
    user = get_user_model().objects.get(email="anna@gemeente.example")  # stored in lower case
    membership = Membership.objects.get(user=user, organisation=sso_organisation)
    assert membership.role_set == {Role.EMPLOYEE}
    assert provider.token_requests, "the token endpoint was called"
    assert client.get(f"/o/{sso_organisation.slug}/").status_code == 200  # logged in

    # Logging in again uses the same account and keeps what the coordinator changed.
    membership.roles.create(role=Role.MANAGER)
    client.logout()
    response = _log_in_at_provider(client, sso_organisation, provider,
                                   {"sub": "42", "email": "anna@gemeente.example", "name": "Anna Bos"})
    assert response.status_code == 302
    assert get_user_model().objects.filter(email__iexact="anna@gemeente.example").count() == 1
    membership.refresh_from_db()
    assert membership.role_set == {Role.EMPLOYEE, Role.MANAGER}


@pytest.mark.django_db
def test_non_matching_domain_is_refused(client: Any, sso_organisation: Organisation,
                                        provider: FakeOIDCProvider) -> None:
    response = _log_in_at_provider(client, sso_organisation, provider,
                                   {"sub": "7", "email": "iemand@elders.example", "name": "Iemand"})
    assert response.status_code == 403
    assert "Inloggen is niet gelukt" in response.content.decode()
    assert not get_user_model().objects.filter(email="iemand@elders.example").exists()
    assert client.get(f"/o/{sso_organisation.slug}/").status_code == 302  # not logged in


@pytest.mark.django_db
def test_provider_cannot_take_over_an_account_of_another_organisation(
    client: Any, sso_organisation: Organisation, provider: FakeOIDCProvider
) -> None:
    other = make_organisation("Andere")
    victim = make_member(other, Role.EMPLOYEE, Role.COORDINATOR, email="baas@andere.example")
    response = _log_in_at_provider(client, sso_organisation, provider,
                                   {"sub": "9", "email": "baas@andere.example", "name": "Nep"})
    assert response.status_code == 403
    assert client.get(f"/o/{other.slug}/").status_code == 302
    assert not Membership.objects.filter(user=victim.user, organisation=sso_organisation).exists()


@pytest.mark.django_db
def test_existing_invited_person_is_logged_in_and_becomes_member(
    client: Any, sso_organisation: Organisation, provider: FakeOIDCProvider
) -> None:
    get_user_model().objects.create_user(email="piet@gemeente.example", password=None)
    response = _log_in_at_provider(client, sso_organisation, provider,
                                   {"sub": "5", "email": "piet@gemeente.example", "name": "Piet"})
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="piet@gemeente.example",
                                     organisation=sso_organisation).exists()


@pytest.mark.django_db
def test_login_page_finds_the_organisation_by_e_mail_domain(client: Any,
                                                           sso_organisation: Organisation) -> None:
    login = client.get("/accounts/login/").content.decode()
    assert "/accounts/sso/" in login
    assert "Gemeente Met SSO" not in login  # no list of client organisations
    response = client.post("/accounts/sso/", {"email": "anna@team.gemeente.example"})
    assert response.status_code == 302
    assert response["Location"] == f"/o/{sso_organisation.slug}/sso/"
    unknown = client.post("/accounts/sso/", {"email": "anna@elders.example"})
    assert unknown.status_code == 200
    assert "gebruikt deze manier van inloggen hier niet" in unknown.content.decode()


@pytest.mark.django_db
def test_organisation_without_sso_has_no_sso_page(client: Any, organisation: Organisation) -> None:
    assert client.get(f"/o/{organisation.slug}/sso/").status_code == 404
    assert client.get("/o/bestaat-niet/sso/").status_code == 404
