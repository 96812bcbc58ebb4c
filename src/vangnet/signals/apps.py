from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import VangnetAppConfig
from vangnet.core.signal_sources import SignalSource


class SignalsConfig(VangnetAppConfig):
    name = "vangnet.signals"
    label = "signals"
    verbose_name = _("Signals")
    default = True
    urls = "urls"
    navigation = "navigation"
    demo = "demo"

    def signal_sources(self) -> list[SignalSource]:
        from .sources import HRSource

        # HR's own figures; the other apps declare their sources on their own AppConfig.
        return [HRSource()]
