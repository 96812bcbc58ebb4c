"""Two-factor login is required for everyone who may read cases, and for platform admins.

Having a second factor is not enough: the session itself must have passed it (see
`second_factor.session_passed_second_factor`). A session that skipped it — created by a path that
asks only for a password — is logged out and sent to the product's login, which asks for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.organisations.public import requires_two_factor, roles_of_user

from .models import User
from .second_factor import has_second_factor, session_passed_second_factor
from .services import account_event_record

# Paths a person without a second factor may still use: to set it up, or to leave.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/media/")
# A session that skipped an existing second factor may use nothing but static files: not even
# the account pages, where it could add a second factor of its own or change the password.
ALWAYS_EXEMPT_PREFIXES = ("/static/", "/i18n/")


def requires_two_factor_login(user: Any) -> bool:
    return requires_two_factor(
        roles=roles_of_user(user=user), is_platform_admin=user.is_superuser or user.is_staff
    )


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(ALWAYS_EXEMPT_PREFIXES)
            or not requires_two_factor_login(user)
        ):
            return self.get_response(request)
        if not has_second_factor(user):
            if request.path.startswith(EXEMPT_PREFIXES):
                return self.get_response(request)
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        if session_passed_second_factor(request, user):
            return self.get_response(request)
        return self._log_in_again(request, user)

    def _log_in_again(self, request: HttpRequest, user: User) -> HttpResponse:
        account_event_record(user=user, event="second_factor_skipped", request=request)
        logout(request)
        messages.warning(request, _("Please log in again with your password and your second "
                                    "factor."))
        login_url = reverse("account_login")
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login_url)
