"""Re-encrypt every stored second-factor secret under the current server key (ADR 0050).

Run after rotating VANGNET_SERVER_KEY (the previous key still configured), before dropping the
previous key. Codes from people's authenticator apps keep working: only the wrapping changes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.accounts.mfa_adapter import rekey_mfa_secrets


class Command(BaseCommand):
    help = "Re-encrypt second-factor secrets under the current server key."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = rekey_mfa_secrets()
        self.stdout.write(f"{changed} second-factor records re-encrypted.")
