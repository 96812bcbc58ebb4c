from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.signal_sources import SignalSource


class ToolboxConfig(VangnetAppConfig):
    name = "vangnet.toolbox"
    label = "toolbox"
    verbose_name = _("Toolbox")
    default = True
    urls = "urls"
    api = "api"
    navigation = "navigation"
    demo = "demo"
    mails = "mails"

    def periodic_jobs(self) -> list[Job]:
        from .tasks import send_routine_reminders

        # Hourly is enough: a reminder goes out on the day it is due; each occurrence only once.
        return [Job("toolbox.routine_reminders", timedelta(hours=1), send_routine_reminders)]

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import ToolboxSource

        return [ToolboxSource()]
