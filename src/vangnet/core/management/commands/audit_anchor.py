from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from vangnet.core.anchoring import anchor_set, send_checkpoint

from ._organisations import organisation_id_for


class Command(BaseCommand):
    help = ("Choose the e-mail address that receives an organisation's signed audit checkpoint "
            "every day (and send the first one now).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", metavar="SLUG", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--no-send", action="store_true", help="Do not send one right away.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation_id = organisation_id_for(options["organisation"])
        if organisation_id is None:
            raise CommandError("Give --organisation.")
        email = str(options["email"]).strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        anchor = anchor_set(organisation_id=organisation_id, email=email)
        if not options["no_send"]:
            send_checkpoint(anchor)
        self.stdout.write(self.style.SUCCESS("Daily audit checkpoints go to the chosen address."))
