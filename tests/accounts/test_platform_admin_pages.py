"""Issue #10, finding 1: what the platform admin shows. As a superuser with both factors, open every
page the admin has (every model's list, add and change page) and look for what the attacker took:
second-factor secrets, recovery codes, reset and invitation links, task payloads, SSO secrets,
report contents and other people's e-mail addresses (shown, or editable)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from vangnet.accounts.platform_admin import REVIEWED_MODELS
from vangnet.core.admin import AuditedModelAdmin
from vangnet.core.models import AuditEntry

from .conftest import SSO_CLIENT_SECRET, Secrets

REMOVED_PAGES = [
    "/platform-admin/mfa/authenticator/",
    "/platform-admin/mfa/authenticator/1/change/",
    "/platform-admin/account/emailaddress/",
    "/platform-admin/account/emailaddress/add/",
    "/platform-admin/socialaccount/socialaccount/",
    "/platform-admin/socialaccount/socialtoken/",
    "/platform-admin/django_tasks_db/dbtaskresult/",
    "/platform-admin/auth/group/",
    "/platform-admin/toolbox/teamsession/",
    "/platform-admin/toolbox/routine/",
]


def _admin_pages() -> list[str]:
    """Every list, add, change, history and delete page of every registered model, with the objects that exist."""
    pages = ["/platform-admin/"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:app_list", args=[model._meta.app_label]))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        for pk in model._default_manager.values_list("pk", flat=True)[:50]:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            pages.append(reverse("admin:{}_{}_history".format(*info), args=[pk]))
            pages.append(reverse("admin:{}_{}_delete".format(*info), args=[pk]))
    return sorted(set(pages))


def test_only_reviewed_models_are_in_the_admin() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == REVIEWED_MODELS
    assert all(isinstance(model_admin, AuditedModelAdmin)
               for model_admin in admin.site._registry.values())


@pytest.mark.django_db
@pytest.mark.parametrize("path", REMOVED_PAGES)
def test_removed_models_are_not_found(client: Any, platform_admin: Any, path: str) -> None:
    client.force_login(platform_admin)  # both factors
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_no_admin_page_shows_a_secret_a_link_or_an_address(
        client: Any, platform_admin: Any, secrets_everywhere: Secrets) -> None:
    # The detector itself finds what it looks for (so this test can fail).
    assert len(secrets_everywhere.found_in(
        f"{secrets_everywhere.narrative} /accounts/password/reset/key/x-y/ /uitnodiging/abc/")) == 3
    client.force_login(platform_admin)
    pages = _admin_pages()
    assert len(pages) > 10
    opened = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 403:
            continue  # e.g. the add page of a read-only model
        opened += 1
        html = response.content.decode()
        assert secrets_everywhere.found_in(html) == [], path
        assert "vn1:" not in html, path  # not even the encrypted form of a second factor
        assert 'name="email"' not in html, path
    assert opened >= 10


@pytest.mark.django_db
def test_the_user_admin_changes_nothing(client: Any, platform_admin: Any,
                                        secrets_everywhere: Secrets, organisation: Any) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(platform_admin)
    person = get_user_model().objects.get(email=secrets_everywhere.other_emails[0])
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Vera Vertrouwens" in page.content.decode()
    response = client.post(url, {"email": "aanvaller@example.org", "is_active": "on",
                                 "password": "overgenomen-2026"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.email == secrets_everywhere.other_emails[0]
    assert person.check_password("overgenomen-2026") is False
    # Django's "change password" page of a user does not exist here.
    for path in (f"/platform-admin/accounts/user/{person.pk}/password/",
                 "/platform-admin/accounts/user/add/"):
        response = client.get(path, follow=True)
        assert 'name="password1"' not in response.content.decode()
        post = client.post(path, {"password1": "overgenomen-2026", "password2": "overgenomen-2026",
                                  "email": "aanvaller@example.org"})
        assert post.status_code in (302, 403, 404)
    person.refresh_from_db()
    assert person.check_password("overgenomen-2026") is False
    assert not get_user_model().objects.filter(email="aanvaller@example.org").exists()


@pytest.mark.django_db
def test_sso_secret_is_write_only(client: Any, platform_admin: Any, organisation: Any,
                                  secrets_everywhere: Secrets) -> None:
    from allauth.socialaccount.models import SocialApp

    client.force_login(platform_admin)
    app = SocialApp.objects.get(provider_id="testdorp-sso")
    url = reverse("admin:socialaccount_socialapp_change", args=[app.pk])
    form = {"provider": "openid_connect", "provider_id": "testdorp-sso", "name": "Testdorp SSO",
            "client_id": "testdorp-client", "secret": "", "settings": '{"server_url": '
            '"https://login.example.org"}'}
    html = client.get(url).content.decode()
    assert SSO_CLIENT_SECRET not in html and 'name="secret"' in html
    # Saving without typing the secret keeps it.
    assert client.post(url, form).status_code == 302
    app.refresh_from_db()
    assert app.secret == SSO_CLIENT_SECRET
    # A new secret replaces it, and is not shown either.
    assert client.post(url, {**form, "secret": "nieuw-geheim-4455"}).status_code == 302
    app.refresh_from_db()
    assert app.secret == "nieuw-geheim-4455"
    assert "nieuw-geheim-4455" not in client.get(url).content.decode()
    # A new app needs one.
    add = client.post(reverse("admin:socialaccount_socialapp_add"),
                      {**form, "provider_id": "ander-sso", "name": "Ander"})
    assert add.status_code == 200 and not SocialApp.objects.filter(provider_id="ander-sso").exists()


@pytest.mark.django_db
def test_admin_writes_go_into_the_audit_chain(client: Any, platform_admin: Any,
                                              organisation: Any) -> None:
    client.force_login(platform_admin)
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    response = client.post(url, {"name": "Gemeente Testdorp", "slug": organisation.slug,
                                 "primary_colour": organisation.primary_colour or "",
                                 "sso_email_domains": "testdorp.example", "sso_app": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="admin.change").latest("id")
    assert entry.actor_id == platform_admin.pk
    assert entry.organisation_id == organisation.pk
    assert entry.object_type == "organisations.organisation"
    assert entry.data["changes"], entry.data
    assert "testdorp.example" not in str(entry.data)  # field names only, never values
