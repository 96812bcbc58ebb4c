"""Account events in the chained audit log: logins, passwords, e-mail addresses, second factors.

allauth performs these changes; the adapters call in here so that each one leaves an entry. The
entries name the account and the kind of event, never a password, code, secret or e-mail address.
They belong to the platform's chain (organisation_id None): an account is not one organisation's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest

from vangnet.core.service import service_write

from .second_factor import authentication_methods

if TYPE_CHECKING:
    from .models import User

# allauth's notification mails (template prefix) → the audited event they announce.
NOTICE_EVENTS: dict[str, str] = {
    "account/email/password_changed": "password_change",
    "account/email/password_set": "password_set",
    "account/email/password_reset": "password_reset",
    "account/email/email_changed": "email_change",
    "account/email/email_deleted": "email_remove",
    "mfa/email/totp_activated": "second_factor_add",
    "mfa/email/totp_deactivated": "second_factor_remove",
    "mfa/email/webauthn_added": "second_factor_add",
    "mfa/email/webauthn_removed": "second_factor_remove",
    "mfa/email/recovery_codes_generated": "recovery_codes_generate",
    "socialaccount/email/account_connected": "sso_connect",
    "socialaccount/email/account_disconnected": "sso_disconnect",
}
# The kind of second factor a notice is about (metadata only).
NOTICE_FACTOR_TYPES: dict[str, str] = {
    "mfa/email/totp_activated": "totp",
    "mfa/email/totp_deactivated": "totp",
    "mfa/email/webauthn_added": "webauthn",
    "mfa/email/webauthn_removed": "webauthn",
    "mfa/email/recovery_codes_generated": "recovery_codes",
}


def _acting_user(request: HttpRequest | None, user: User) -> User | None:
    """The person who acted: the logged-in user of the request, else nobody known (a reset link,
    a failed login)."""
    request_user = getattr(request, "user", None) if request is not None else None
    if request_user is not None and request_user.is_authenticated:
        return request_user
    return None


def account_event_record(*, user: User, event: str, request: HttpRequest | None = None,
                         data: dict[str, Any] | None = None) -> None:
    """One audited account event for `user`; `data` holds metadata only (checked by audit)."""
    actor = _acting_user(request, user)
    # The event itself is the change: nothing else is written, the entry is the record.
    with service_write(action=f"accounts.{event}", actor=actor, target=user,
                       actor_label="" if actor is not None else "anonymous") as change:
        change.data = {**(data or {}), "platform_admin": bool(user.is_superuser)}


def primary_address_ensure(*, user: User) -> None:
    """The login address as allauth's verified, primary EmailAddress.

    Accounts made by invitation or import have none, and allauth then treats the login address as
    unconfirmed: a new address could be made primary without confirmation, and the old address
    would not be told of the change. The address was given by the organisation (and reached by
    the invitation or reset link), so it counts as confirmed.
    """
    email = (user.email or "").lower()
    if not email or EmailAddress.objects.filter(user=user, email=email, verified=True,
                                                primary=True).exists():
        return
    with transaction.atomic():
        address, _created = EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )


def login_record(*, request: HttpRequest, user: User) -> None:
    """A completed login, with the steps this session went through (password, mfa, sso …)."""
    account_event_record(user=user, event="login", request=request,
                         data={"methods": authentication_methods(request, user)})


def login_failed_record(*, request: HttpRequest, login: str) -> None:
    """A wrong password for an existing account (nothing is recorded for unknown addresses, so
    the log does not collect addresses people mistyped)."""
    user = get_user_model().objects.filter(email__iexact=(login or "").strip()).first()
    if user is not None:
        account_event_record(user=user, event="login_failed", request=None)


def notice_event_record(*, request: HttpRequest | None, user: User,
                        template_prefix: str) -> None:
    """The event that allauth is about to announce by e-mail, audited before the notice leaves."""
    event = NOTICE_EVENTS.get(template_prefix)
    if event is None or user is None or getattr(user, "pk", None) is None:
        return
    data = {}
    if template_prefix in NOTICE_FACTOR_TYPES:
        data["factor"] = NOTICE_FACTOR_TYPES[template_prefix]
    account_event_record(user=user, event=event, request=request, data=data)


