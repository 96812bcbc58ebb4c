from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "vangnet.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from vangnet.core.events import subscribe
        from vangnet.core.rekey import register_rekey_step
        from vangnet.organisations.public import MembershipChanged

        from . import rekey, services

        # Access to reports follows the role: removing it (or leaving) revokes it (ADR 0031).
        subscribe(MembershipChanged, services.on_membership_changed)
        # What reporting protects with a server key moves to the current key with `vangnet rekey`.
        register_rekey_step("reporting.notify_addresses", rekey.rekey_notify_addresses)
        register_rekey_step("reporting.involvement_tags", rekey.rekey_involvement_tags)
