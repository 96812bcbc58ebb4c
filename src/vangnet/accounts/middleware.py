"""Two-factor login is required for everyone who may read cases, and for platform admins."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person without two-factor login may still use: to set it up, or to leave.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/media/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_set_up(request):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        from vangnet.organisations.permissions import requires_two_factor
        from vangnet.organisations.selectors import roles_of_user

        if request.path.startswith(EXEMPT_PREFIXES):
            return False
        user = request.user
        needs_it = requires_two_factor(
            roles=roles_of_user(user=user), is_platform_admin=user.is_superuser
        )
        return needs_it and not is_mfa_enabled(user)
