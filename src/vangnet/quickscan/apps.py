from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.signal_sources import SignalSource


class QuickscanConfig(VangnetAppConfig):
    name = "vangnet.quickscan"
    label = "quickscan"
    verbose_name = _("Quickscan")
    default = True
    urls = "urls"
    api = "api"
    navigation = "navigation"
    demo = "demo"

    def periodic_jobs(self) -> list[Job]:
        from .tasks import delete_abandoned_drafts

        return [Job("quickscan.delete_abandoned_drafts", timedelta(days=1),
                    delete_abandoned_drafts)]

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import QuickscanSource

        return [QuickscanSource()]
