from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vangnet.core.anchoring import checkpoint_json
from vangnet.core.audit import checkpoint_make, checkpoint_verify_keys

from ._organisations import organisation_id_for


class Command(BaseCommand):
    help = ("Print a signed checkpoint (chain, count, last hash, time) of one audit chain as JSON. "
            "Keep it outside Vangnet; `vangnet audit_verify --checkpoint FILE` later proves the "
            "chain still starts with exactly what it covered.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", metavar="SLUG",
                            help="The organisation's chain (default: the platform chain).")
        parser.add_argument("--verify-key", action="store_true",
                            help="Print the public Ed25519 verify key(s) instead (current first).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify_key"]:
            for verify_key in checkpoint_verify_keys():
                self.stdout.write(verify_key)
            return
        organisation_id = organisation_id_for(options.get("organisation"))
        self.stdout.write(checkpoint_json(checkpoint_make(organisation_id)), ending="")
