from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.toolbox.content import ContentError, load_content
from vangnet.toolbox.services import builtin_content_load


class Command(BaseCommand):
    help = "Validate the toolbox content files and load the built-in werkvormen (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Only validate the files; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bundle = load_content()
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Content is valid: {len(bundle.werkvormen)} werkvormen, {len(bundle.dilemmas)} "
            f"dilemmas, {len(bundle.glossary)} glossary terms, {len(bundle.faq)} FAQ items."
        )
        if options["check"]:
            return
        result = builtin_content_load(bundle=bundle)
        self.stdout.write(self.style.SUCCESS(
            f"Werkvormen: {result.created} added, {result.updated} updated, "
            f"{result.unchanged} unchanged."))
        if result.stale:
            self.stdout.write(self.style.WARNING(
                "No longer in the content files (kept, still linked): " + ", ".join(result.stale)))
