"""Encrypt the second-factor secrets that earlier versions stored in clear (issue #10, ADR 0050).

TOTP secrets and recovery-code seeds already in the database (the demo creates them) are sealed
under the server key for "mfa"; codes from the same authenticator apps keep working.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _apply(apps: Any, transform_name: str) -> None:
    from vangnet.accounts import mfa_adapter

    transform = getattr(mfa_adapter, transform_name)
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.exclude(type="webauthn").iterator():
        data = transform(authenticator.type, authenticator.data or {})
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _apply(apps, "encrypted_authenticator_data")


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _apply(apps, "decrypted_authenticator_data")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
