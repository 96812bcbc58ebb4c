from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.core.app import app_modules
from vangnet.organisations import demo


class Command(BaseCommand):
    help = "Create the fictional demo organisations, people and example content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, people = demo.seed_organisations()
        for label, module in app_modules("demo"):
            if label != "organisations":  # seeded above: the others build on its people
                module.seed(organisation=organisation, people=people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Password for every demo account: {demo.DEMO_PASSWORD}")
        for person in demo.DEMO_PEOPLE:
            roles = ", ".join(str(r) for r in person.roles)
            mark = " (2FA)" if person.email in demo.TWO_FACTOR_DEMO_EMAILS else ""
            self.stdout.write(f"  {person.email:40} {roles}{mark}")
        self.stdout.write(f"  {demo.PLATFORM_ADMIN_EMAIL:40} platform admin (2FA)")
        self.stdout.write(f"Two-factor demo secret (TOTP): {demo.DEMO_TOTP_SECRET}")
