from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.signal_sources import SignalSource


class PulseConfig(VangnetAppConfig):
    """The pulse: a recurring team survey on psychological safety and the reporting climate, an
    instrument on the survey engine (ADR 0080, 0081)."""

    name = "vangnet.pulse"
    label = "pulse"
    verbose_name = _("Pulse")
    default = True
    urls = "urls"
    navigation = "navigation"
    api = "api"

    def periodic_jobs(self) -> list[Job]:
        from .tasks import pulse_due_work

        return [Job("pulse.due_work", timedelta(hours=1), pulse_due_work)]

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import PulseSource

        return [PulseSource()]
