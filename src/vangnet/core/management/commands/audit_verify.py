from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.core.audit import audit_verify
from vangnet.core.models import chain_name

from ._organisations import organisation_id_for


class Command(BaseCommand):
    help = ("Verify the keyed hash chains of the audit log (HMACs, links, positions, heads) and "
            "that every given signed checkpoint is still a prefix of its chain; exits non-zero "
            "when the log was tampered with.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="A checkpoint kept outside (from audit_checkpoint or the daily "
                                 "e-mail). May be given several times.")
        parser.add_argument("--organisation", metavar="SLUG",
                            help="Verify only this organisation's chain.")
        parser.add_argument("--verify-key", action="append", default=[], metavar="HEX",
                            help="Also trust this public verify key for checkpoints (one printed "
                                 "by `audit_checkpoint --verify-key` before a key rotation).")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoints = [self._read(Path(name)) for name in options["checkpoint"]]
        chains = None
        if options.get("organisation"):
            chains = [chain_name(organisation_id_for(options["organisation"]))]
        problems = audit_verify(chains=chains, checkpoints=checkpoints,
                                extra_verify_keys=options["verify_key"])
        if problems:
            for problem in problems:
                where = f"entry {problem.entry_id}" if problem.entry_id else "chain"
                self.stderr.write(f"{problem.chain} {where}: {problem.reason}")
            raise CommandError(f"The audit log is not intact ({len(problems)} problem(s)).")
        suffix = f", {len(checkpoints)} checkpoint(s) confirmed" if checkpoints else ""
        self.stdout.write(self.style.SUCCESS(f"The audit log is intact{suffix}."))

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            loaded = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read checkpoint {path}: {error}") from error
        if not isinstance(loaded, dict):
            raise CommandError(f"Not a checkpoint: {path}")
        return loaded
