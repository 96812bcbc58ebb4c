"""allauth adapters: no open sign-up; people join by invitation or by their organisation's SSO."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vangnet.accounts.mails import queue_account_mail
from vangnet.core.client import client_address
from vangnet.organisations.public import membership_ensure_for_sso, organisation_for_sso_login

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by accepting an invitation (see organisations.services).
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client as the report throttles see it (`core.client`), for allauth's rate limits.

        allauth's own reading raises ImproperlyConfigured, a server error, when X-Forwarded-For
        has fewer hops than TRUSTED_PROXY_COUNT; ours falls back to the furthest trusted hop.
        """
        address = client_address(request)
        if not address:
            raise PermissionDenied(_("We could not tell where your request came from."))
        return address

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Every completed login (password, SSO, after a reset) is audited; a platform admin is
        also told by e-mail, so that a login they did not make does not go unnoticed."""
        services.primary_address_ensure(user=user)
        services.login_record(request=request, user=user)
        if user.is_superuser:
            self.send_notification_mail("accounts/email/platform_admin_login", user)
        return super().post_login(request, user, **kwargs)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A wrong password for an existing account is audited (the typed password is not)."""
        services.login_failed_record(request=request, login=str(credentials.get("email") or ""))
        super().authentication_failed(request, **credentials)

    def logout(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            services.account_event_record(user=user, event="logout", request=request)
        super().logout(request)

    def send_notification_mail(self, template_prefix: str, user: Any,
                               context: dict[str, Any] | None = None,
                               email: str | None = None) -> None:
        """allauth announces each change to an account here (password, e-mail address, second
        factor, SSO link); the same change goes into the chained audit log first."""
        services.notice_event_record(request=self.request, user=user,
                                     template_prefix=template_prefix)
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Queue allauth's mails with no secret in the task queue (accounts/mails.py, ADR 0051):
        the reset link is minted by the worker from the user id; other mails go sealed."""
        queue_account_mail(template_prefix=template_prefix, email=email, context=context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """Accept an SSO login only for an e-mail domain that the provider's organisation owns.

        Without this check the identity provider of one organisation could assert the e-mail
        address of someone in another organisation and log in as them.
        """
        if organisation_for_sso_login(sociallogin) is None:
            raise ImmediateHttpResponse(
                render(request, "accounts/sso_refused.html", status=403)
            )
        if sociallogin.is_existing:
            membership_ensure_for_sso(user=sociallogin.user, sociallogin=sociallogin)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """SSO may create an account only for an e-mail domain its organisation trusts."""
        return organisation_for_sso_login(sociallogin) is not None

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        # Addresses are stored in lower case everywhere (see accounts.models.EmailUserManager).
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").strip().lower()
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        membership_ensure_for_sso(user=user, sociallogin=sociallogin)
        return user
