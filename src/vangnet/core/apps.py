from __future__ import annotations

from datetime import timedelta

from .app import Job, VangnetAppConfig


class CoreConfig(VangnetAppConfig):
    name = "vangnet.core"
    label = "core"
    verbose_name = "Vangnet core"
    default = True

    def periodic_jobs(self) -> list[Job]:
        from . import tasks
        from .anchoring import send_audit_checkpoints

        return [
            # Finished task rows are deleted after VANGNET_TASK_RESULTS_KEEP_DAYS (ADR 0051).
            Job("core.task_results_cleanup", timedelta(days=1), tasks.task_results_cleanup),
            # Signed audit checkpoints to the address each organisation chose (ADR 0054).
            Job("core.audit_checkpoints", timedelta(days=1), send_audit_checkpoints),
        ]
