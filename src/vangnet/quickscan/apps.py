from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuickscanConfig(AppConfig):
    name = "vangnet.quickscan"
    label = "quickscan"
    verbose_name = _("Quickscan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vangnet.core.scheduling import register_periodic

        from .tasks import delete_abandoned_drafts

        register_periodic("quickscan.delete_abandoned_drafts", every=timedelta(days=1),
                          task=delete_abandoned_drafts)
