from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero when it was tampered with."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        if problems:
            for problem in problems:
                where = f"entry {problem.entry_id}" if problem.entry_id else "chain"
                self.stderr.write(f"{where}: {problem.reason}")
            raise CommandError(f"The audit log is not intact ({len(problems)} problem(s)).")
        self.stdout.write(self.style.SUCCESS("The audit log is intact."))
