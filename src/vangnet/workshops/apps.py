from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.signal_sources import SignalSource


class WorkshopsConfig(VangnetAppConfig):
    name = "vangnet.workshops"
    label = "workshops"
    verbose_name = _("Workshops")
    default = True
    urls = "urls"
    navigation = "navigation"
    mails = "mails"
    demo = "demo"

    def periodic_jobs(self) -> list[Job]:
        from .tasks import workshops_daily

        # Daily: flag sessions below their minimum to the coordinator, remind participants.
        return [Job("workshops.daily", timedelta(days=1), workshops_daily)]

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import WorkshopsSource

        return [WorkshopsSource()]
