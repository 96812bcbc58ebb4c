from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.core.rekey import run_rekey


class Command(BaseCommand):
    help = ("Move everything the server protects with its own key to the current VANGNET_SERVER_KEY, "
            "so that the keys in VANGNET_SERVER_KEYS_PREVIOUS can be removed afterwards.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be re-keyed; change nothing.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        results = run_rekey(dry_run=dry_run, batch_size=max(1, int(options["batch_size"])))
        verb = "would re-key" if dry_run else "re-keyed"
        for name, result in results.items():
            self.stdout.write(f"{name}: checked {result.checked}, {verb} {result.rekeyed}, "
                              f"unreadable {result.unreadable}")
            for note in result.notes:
                self.stdout.write(f"  {note}")
        unreadable = sum(result.unreadable for result in results.values())
        if unreadable:
            raise CommandError(
                f"{unreadable} item(s) could not be read with any configured key. Keep the previous "
                "keys until this is solved."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS(
                "Done. Everything that can be re-keyed is under the current key, and every audit "
                "chain is vouched for under it. The previous keys can be removed (see "
                "docs/operations.md)."))
