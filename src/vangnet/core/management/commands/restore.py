from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a `vangnet backup` archive into the configured (fresh) database and the media and "
            "private directories; then run `vangnet migrate`.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="Replace the contents of a database that is not empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(Path(options["archive"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {summary.vendor} database and {summary.files} files "
                          f"from {summary.path}; run `vangnet migrate` next")
