"""Did THIS session pass the second factor? (not: does the person have one)

allauth keeps a list of the authentication steps a session went through
(`allauth.account.authentication.get_authentication_records`): "password", "socialaccount",
"password_reset", "mfa" ... A second factor that exists but was skipped (a session created by a
path that does not ask for it) must not count; only an "mfa" record of this session does.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

# Recovery codes are a fallback of these, never a second factor of their own.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def authentication_methods(request: HttpRequest, user: Any) -> list[str]:
    """The steps this session completed for `user`, in order (no identifiers, no secrets)."""
    return [str(record.get("method", "")) for record in get_authentication_records(request, user)]


def session_passed_second_factor(request: HttpRequest, user: Any) -> bool:
    return "mfa" in authentication_methods(request, user)


def record_first_second_factor(request: HttpRequest | None, user: Any,
                               authenticator: Authenticator) -> None:
    """Count setting up one's FIRST second factor as passing it in this session.

    The person just typed a code from (or touched) the authenticator they added, so this session
    did prove it. Only the first one counts: someone in a session that skipped an existing second
    factor must not be able to add another one and so "pass" (the middleware does not let such a
    session reach the set-up pages anyway).
    """
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exclude(
        pk=authenticator.pk
    )
    if others.exists() or session_passed_second_factor(request, user):
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type,
                          setup=True)
