"""Build organisations and people through the real services, as the product does."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import count
from typing import Any

from vangnet.organisations.models import Membership, Organisation, Unit
from vangnet.organisations.roles import Role
from vangnet.organisations.services import membership_create, organisation_create

PASSWORD = "Correct-horse-battery-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_sequence = count(1)


def make_organisation(name: str | None = None) -> Organisation:
    number = next(_sequence)
    return organisation_create(name=name or f"Organisatie {number}", slug=f"org-{number}")


def make_unit(organisation: Organisation, name: str = "Team", parent: Unit | None = None,
              managers: Iterable[Membership] = ()) -> Unit:
    unit = Unit.objects.create(organisation=organisation, name=name, parent=parent)
    unit.managers.set(list(managers))
    return unit


def make_member(organisation: Organisation, *roles: str, unit: Unit | None = None,
                email: str | None = None, name: str = "", two_factor: bool | None = None,
                **extra: Any) -> Membership:
    """A person with the given roles; two-factor login is set up when their roles need it."""
    from vangnet.organisations.permissions import requires_two_factor

    email = email or f"person{next(_sequence)}@example.org"
    membership = membership_create(
        organisation=organisation, email=email, full_name=name or email.split("@")[0],
        roles=roles or (Role.EMPLOYEE,), unit=unit, password=PASSWORD, **extra,
    )
    needs = requires_two_factor(roles=roles, is_platform_admin=False)
    if two_factor if two_factor is not None else needs:
        enable_totp(membership.user)
    return membership


def enable_totp(user: Any) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current TOTP code for a secret, as an authenticator app would show it."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def record_completed_login(client: Any, user: Any) -> None:
    """Make `client`'s session look like a completed allauth login of `user`: the password and,
    when the person has a second factor, the second factor (the records allauth keeps in the
    session, which RequireTwoFactorMiddleware and the platform admin check)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    records: list[dict[str, Any]] = [{"method": "password", "at": time.time()}]
    factor = Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).first()
    if factor is not None:
        records.append({"method": "mfa", "at": time.time(), "id": factor.pk, "type": factor.type})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def force_login_password_only(client: Any, user: Any) -> None:
    """A session that never passed the second factor (what Django's admin login used to make)."""
    from django.test.client import ClientMixin

    ClientMixin.force_login(client, user)
