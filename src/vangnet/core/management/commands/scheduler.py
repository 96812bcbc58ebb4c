from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from vangnet.core.scheduling import enqueue_due_jobs, registered_jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (safe to run on several machines)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        names = ", ".join(job.name for job in registered_jobs()) or "none"
        self.stdout.write(f"Scheduler for: {names}")
        while True:
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
