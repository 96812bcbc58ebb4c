"""Recipients' key pairs and the per-session unlock (docs/adr/0033).

A recipient unlocks once per session with their password. The private key is then kept
re-encrypted under a random wrapping key: the ciphertext in the (database) session, the wrapping
key only in a separate HttpOnly, SameSite=Strict cookie. Neither half alone opens anything, and
nothing at rest in the database can be decrypted without the cookie.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from vangnet.core import crypto
from vangnet.core.service import service_write

from .models import UserKeyPair

WRAP_COOKIE = "vn_keywrap"
SESSION_KEY = "vn_wrapped_private_key"


def recovery_key_new() -> str:
    """200 random bits as 8 groups of 5 base32 characters, easy to write down."""
    raw = base64.b32encode(secrets.token_bytes(25)).decode()
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def recovery_key_normalise(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 5] for i in range(0, len(cleaned), 5))


def keypair_of(user: Any) -> UserKeyPair | None:
    return UserKeyPair.objects.filter(user_id=getattr(user, "pk", user)).first()


def has_keypair(user_id: int) -> bool:
    return UserKeyPair.objects.filter(user_id=user_id).exists()


def keypair_create(*, user: Any, password: str) -> tuple[UserKeyPair, bytes, str]:
    """Create the user's key pair; returns it, the private key and the recovery key (show once)."""
    public, private = crypto.keypair_generate()
    recovery = recovery_key_new()
    password_salt, recovery_salt = crypto.new_salt(), crypto.new_salt()
    with service_write(action="reporting.keypair_create", actor=user) as change:
        pair = UserKeyPair.objects.create(
            user=user,
            public_key=public,
            password_salt=password_salt,
            private_by_password=crypto.secret_encrypt(
                crypto.derive_key(password, password_salt), private
            ),
            recovery_salt=recovery_salt,
            private_by_recovery=crypto.secret_encrypt(
                crypto.derive_key(recovery, recovery_salt), private
            ),
        )
        change.target = pair
    return pair, private, recovery


def private_key_unlock(*, pair: UserKeyPair, password: str) -> bytes:
    """Raises crypto.DecryptionError for a wrong password."""
    key = crypto.derive_key(password, bytes(pair.password_salt))
    return crypto.secret_decrypt(key, bytes(pair.private_by_password))


def private_key_recover(*, pair: UserKeyPair, recovery_key: str, new_password: str) -> tuple[bytes, str]:
    """Forgotten or changed password: open with the recovery key, wrap under the new password and
    issue a fresh recovery key (the used one was typed somewhere; retire it)."""
    key = crypto.derive_key(recovery_key_normalise(recovery_key), bytes(pair.recovery_salt))
    private = crypto.secret_decrypt(key, bytes(pair.private_by_recovery))
    new_recovery = keypair_rewrap(pair=pair, private_key=private, new_password=new_password,
                                  new_recovery=True)
    return private, new_recovery or ""


def keypair_rewrap(
    *, pair: UserKeyPair, private_key: bytes, new_password: str, new_recovery: bool = False
) -> str | None:
    """Wrap the private key under a new password (after a password change)."""
    if crypto.public_key_of(private_key) != bytes(pair.public_key):
        raise crypto.DecryptionError
    pair.password_salt = crypto.new_salt()
    pair.private_by_password = crypto.secret_encrypt(
        crypto.derive_key(new_password, bytes(pair.password_salt)), private_key
    )
    recovery = None
    if new_recovery:
        recovery = recovery_key_new()
        pair.recovery_salt = crypto.new_salt()
        pair.private_by_recovery = crypto.secret_encrypt(
            crypto.derive_key(recovery, bytes(pair.recovery_salt)), private_key
        )
    pair.rewrapped_at = timezone.now()
    with service_write(action="reporting.keypair_rewrap", actor=pair.user, target=pair) as change:
        pair.save()
        change.data = {"new_recovery_key": new_recovery}
    return recovery


def remember_private_key(request: HttpRequest, response: HttpResponse, private_key: bytes) -> None:
    """Keep the unlocked key for this session: ciphertext in the session, key in a cookie."""
    wrap = crypto.new_key()
    request.session[SESSION_KEY] = base64.b64encode(
        crypto.secret_encrypt(wrap, private_key)
    ).decode()
    request.session[SESSION_KEY + "_user"] = request.user.pk
    response.set_cookie(
        WRAP_COOKIE, base64.urlsafe_b64encode(wrap).decode(), max_age=settings.SESSION_COOKIE_AGE,
        httponly=True, secure=settings.SESSION_COOKIE_SECURE or request.is_secure(), samesite="Strict",
    )


def forget_private_key(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(SESSION_KEY + "_user", None)
    response.delete_cookie(WRAP_COOKIE, samesite="Strict")


def private_key_for_request(request: HttpRequest) -> bytes | None:
    """The unlocked private key of the logged-in user, or None (then show the unlock page)."""
    session = getattr(request, "session", None)
    cookie = request.COOKIES.get(WRAP_COOKIE)
    if session is None or not cookie or SESSION_KEY not in session:
        return None
    if session.get(SESSION_KEY + "_user") != getattr(request.user, "pk", None):
        return None
    try:
        wrap = base64.urlsafe_b64decode(cookie.encode())
        wrapped = base64.b64decode(session[SESSION_KEY].encode())
        return crypto.secret_decrypt(wrap, wrapped)
    except (crypto.DecryptionError, ValueError, TypeError):
        return None
