from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"
    verbose_name = "Vangnet core"

    def ready(self) -> None:
        from . import tasks
        from .anchoring import send_audit_checkpoints
        from .scheduling import register_periodic

        # Finished task rows are deleted after VANGNET_TASK_RESULTS_KEEP_DAYS (ADR 0051).
        register_periodic("core.task_results_cleanup", every=timedelta(days=1),
                          task=tasks.task_results_cleanup)
        # Signed audit checkpoints to the address each organisation chose (ADR 0054).
        register_periodic("core.audit_checkpoints", every=timedelta(days=1),
                          task=send_audit_checkpoints)
