from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Write a consistent backup (database snapshot, then media and private files) to one "
            ".tar.gz with checksums. Keep it encrypted and off the server.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=".", help="File, or directory for a dated file (default: .)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(Path(options["output"]).resolve())
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{summary.path} ({summary.vendor}, {summary.files} files, {summary.bytes} bytes)")
