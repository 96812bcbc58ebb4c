"""Second-factor secrets encrypted at rest (issue #10; ADR 0050).

allauth stores the TOTP secret and the recovery-code seed in `mfa_authenticator.data`. Whoever
reads that column (a database dump, a backup, an admin page) could otherwise compute every code.
allauth passes each secret through the adapter's `encrypt` / `decrypt`; here they are sealed with
SecretBox under the server key for "mfa", which lives outside the database (VANGNET_SERVER_KEY).
Reading tries every key of `server_keys("mfa")`, so a rotated key keeps working until re-keyed.

A value without our prefix is refused, not passed through: otherwise whoever can write to the
database could plant a secret of their own choosing in clear and log in with its codes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.db import transaction

from vangnet.core.crypto import (
    DecryptionError,
    secret_decrypt,
    secret_encrypt,
    server_key,
    server_keys,
)

from .middleware import requires_two_factor_login
from .second_factor import SECOND_FACTOR_TYPES

PREFIX = "vn1:"
PURPOSE = "mfa"


class StoredSecretError(Exception):
    """A stored second-factor secret could not be opened with any server key."""


def encrypt_secret(text: str) -> str:
    sealed = secret_encrypt(server_key(PURPOSE), text.encode())
    return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")


def decrypt_secret(stored: str) -> str:
    if not isinstance(stored, str) or not stored.startswith(PREFIX):
        raise StoredSecretError("second-factor secret is not encrypted")
    try:
        sealed = base64.urlsafe_b64decode(stored[len(PREFIX):].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise StoredSecretError("second-factor secret is damaged") from error
    for key in server_keys(PURPOSE):
        try:
            return secret_decrypt(key, sealed).decode()
        except DecryptionError:
            continue
    raise StoredSecretError("no server key opens this second-factor secret")


def is_encrypted(stored: object) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def reencrypt_secret(stored: str) -> str:
    """Under the current server key (after a rotation); the value inside stays the same."""
    return encrypt_secret(decrypt_secret(stored))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Who must log in with two factors cannot remove their last second factor (they would
        only be sent to set up a new one); removing one of two is fine."""
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        others = type(authenticator).objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTOR_TYPES
        ).exclude(pk=authenticator.pk)
        return others.exists() or not requires_two_factor_login(authenticator.user)


def _transform_authenticator_data(kind: str, data: dict, change: Callable[[str], str]) -> dict:
    """`data` of one authenticator with each secret passed through `change` (others untouched)."""
    data = dict(data)
    if kind == "totp" and isinstance(data.get("secret"), str):
        data["secret"] = change(data["secret"])
    if kind == "recovery_codes":
        if isinstance(data.get("seed"), str):
            data["seed"] = change(data["seed"])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def encrypted_authenticator_data(kind: str, data: dict) -> dict:
    """For the data migration: secrets stored in clear by an earlier version, encrypted."""
    return _transform_authenticator_data(
        kind, data, lambda value: value if is_encrypted(value) else encrypt_secret(value)
    )


def decrypted_authenticator_data(kind: str, data: dict) -> dict:
    """For undoing the migration: back to clear (only for a downgrade)."""
    return _transform_authenticator_data(
        kind, data, lambda value: decrypt_secret(value) if is_encrypted(value) else value
    )


def rekey_mfa_secrets() -> int:
    """Re-encrypt every stored second-factor secret under the current server key (after a key
    rotation, before the previous key is dropped). Returns how many authenticators changed."""
    changed = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().exclude(
            type=Authenticator.Type.WEBAUTHN
        ):
            data = _transform_authenticator_data(authenticator.type, authenticator.data,
                                                 reencrypt_secret)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                changed += 1
    return changed
