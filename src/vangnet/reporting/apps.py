from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "vangnet.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # What reporting protects with a server key moves to the current key with `vangnet rekey`.
        from vangnet.core.rekey import register_rekey_step

        from . import rekey

        register_rekey_step("reporting.notify_addresses", rekey.rekey_notify_addresses)
        register_rekey_step("reporting.involvement_tags", rekey.rekey_involvement_tags)
