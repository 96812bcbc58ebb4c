from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolboxConfig(AppConfig):
    name = "vangnet.toolbox"
    label = "toolbox"
    verbose_name = _("Toolbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vangnet.core.scheduling import register_periodic

        from .tasks import send_routine_reminders

        # Hourly is enough: a reminder goes out on the day it is due; each occurrence only once.
        register_periodic("toolbox.routine_reminders", every=timedelta(hours=1),
                          task=send_routine_reminders)
