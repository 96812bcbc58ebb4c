"""The platform admin (/platform-admin/): what it may show, and how one gets in. See ADR 0050.

- No login form of its own: Django's admin login asks only for a password and has no rate limit.
  Its login, logout and password pages send the person to the product's allauth pages (rate
  limits, second factor, notices, audit).
- Only platform admins (superusers) whose session passed the second factor get in.
- It shows only the models in REVIEWED_MODELS. Anything else a library registers (second factors,
  e-mail addresses, SSO tokens and accounts, task payloads, groups) is removed after the admin
  modules are loaded; a new model appears only after it is reviewed and added here.
- Every write through it goes into the chained audit log (core.admin.AuditedModelAdmin).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

# Models the platform admin may see, each reviewed: configuration, never content or secrets.
REVIEWED_MODELS = frozenset({
    "accounts.user",  # read only, without e-mail addresses: who is a platform admin
    "organisations.organisation",  # tenants, branding and their SSO link
    "socialaccount.socialapp",  # an organisation's identity provider; the secret is write-only
    "cases.casesettings",  # terms and retention per organisation (no case data)
    "toolbox.werkvorm",  # the built-in exercises (product content)
})


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Vangnet platform admin")
    site_title = _("Vangnet platform admin")
    index_title = _("Platform admin")

    def has_permission(self, request: HttpRequest) -> bool:
        from .second_factor import session_passed_second_factor  # noqa: PLC0415 - loaded as an AppConfig, before the app registry is ready

        user = request.user
        return bool(
            user.is_active
            and user.is_superuser
            and session_passed_second_factor(request, user)
        )

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None
              ) -> HttpResponse:
        """No password form here: the product's login asks for both factors, then comes back."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            # Logged in, second factor passed (the middleware saw to that), not a platform admin.
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not next_url.startswith("/") or next_url.startswith("//"):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": next_url}))

    def logout(  # type: ignore[override]
            self, request: HttpRequest, extra_context: dict[str, Any] | None = None
               ) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_logout"))

    def password_change(  # type: ignore[override]
            self, request: HttpRequest, extra_context: dict[str, Any] | None = None
                        ) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(  # type: ignore[override]
            self, request: HttpRequest,
                             extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_change_password"))


def apply_platform_admin_policy(site: admin.AdminSite) -> None:
    """Remove every registration that was not reviewed; show SSO apps without their secret."""
    from allauth.socialaccount.models import SocialApp  # noqa: PLC0415 - loaded as an AppConfig, before the app registry is ready

    from .admin import SocialAppAdmin  # noqa: PLC0415 - loaded as an AppConfig, before the app registry is ready

    for model in list(site._registry):
        if model._meta.label_lower not in REVIEWED_MODELS:
            site.unregister(model)
    if site.is_registered(SocialApp):
        site.unregister(SocialApp)
    site.register(SocialApp, SocialAppAdmin)


class PlatformAdminConfig(AdminConfig):
    """Django's admin with PlatformAdminSite as admin.site; listed in INSTALLED_APPS in place of
    "django.contrib.admin"."""

    default = False
    default_site = "vangnet.accounts.platform_admin.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()  # loads every app's admin module
        apply_platform_admin_policy(admin.site)
