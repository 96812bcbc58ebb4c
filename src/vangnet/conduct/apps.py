from __future__ import annotations

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "vangnet.conduct"
    label = "conduct"
    verbose_name = _("Code of conduct")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vangnet.core.scheduling import register_periodic
        from vangnet.organisations.public import hooks as organisation_hooks

        from .services import on_member_joined
        from .tasks import conduct_daily

        # A new member starts the welcome path (the event is announced by organisations).
        organisation_hooks.register("member_joined", on_member_joined)
        # Daily: acknowledgement reminders, buddy check-in reminders, the yearly review reminder.
        register_periodic("conduct.daily", every=timedelta(days=1), task=conduct_daily)
