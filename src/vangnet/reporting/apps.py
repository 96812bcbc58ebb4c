from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vangnet.core.app import VangnetAppConfig
from vangnet.core.events import Event


class ReportingConfig(VangnetAppConfig):
    name = "vangnet.reporting"
    label = "reporting"
    verbose_name = "Reporting"
    default = True
    urls = "urls"
    api = "api"
    navigation = "navigation"
    demo = "demo"
    mails = "mails"

    def event_handlers(self) -> list[tuple[type[Event], Callable[[Any], None]]]:
        from vangnet.organisations.public import MembershipChanged

        from . import services

        # Access to reports follows the role: removing it (or leaving) revokes it (ADR 0031).
        return [(MembershipChanged, services.on_membership_changed)]

    def ready(self) -> None:
        super().ready()
        from vangnet.core.rekey import register_rekey_step

        from . import rekey

        # What reporting protects with a server key moves to the current key with `vangnet rekey`.
        register_rekey_step("reporting.notify_addresses", rekey.rekey_notify_addresses)
        register_rekey_step("reporting.involvement_tags", rekey.rekey_involvement_tags)
        # The coordinator's recipients overview reads running totals (docs/adr/0095): every
        # saved or deleted recipient row, and every removed report, updates them.
        from django.db.models.signals import post_delete, post_save

        from . import holdings
        from .models import Report, ReportRecipient

        post_save.connect(holdings.on_recipient_changed, sender=ReportRecipient,
                          dispatch_uid="reporting.tally.recipient_saved")
        post_delete.connect(holdings.on_recipient_changed, sender=ReportRecipient,
                            dispatch_uid="reporting.tally.recipient_deleted")
        post_delete.connect(holdings.on_report_deleted, sender=Report,
                            dispatch_uid="reporting.tally.report_deleted")
