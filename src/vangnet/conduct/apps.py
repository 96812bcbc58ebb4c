from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import Job, VangnetAppConfig
from vangnet.core.events import Event
from vangnet.core.signal_sources import SignalSource


class ConductConfig(VangnetAppConfig):
    name = "vangnet.conduct"
    label = "conduct"
    verbose_name = _("Code of conduct")
    default = True
    urls = "urls"
    navigation = "navigation"
    mails = "mails"
    demo = "demo"

    def event_handlers(self) -> list[tuple[type[Event], Callable[[Any], None]]]:
        from vangnet.organisations.public import MemberJoined

        from .services import on_member_joined

        # A new member starts the welcome path (the event is announced by organisations).
        return [(MemberJoined, on_member_joined)]

    def periodic_jobs(self) -> list[Job]:
        from .tasks import conduct_daily

        # Daily: acknowledgement reminders, buddy check-in reminders, the yearly review reminder.
        return [Job("conduct.daily", timedelta(days=1), conduct_daily)]

    def signal_sources(self) -> list[SignalSource]:
        from .signal_sources import ConductSource

        return [ConductSource()]
