from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "vangnet.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from vangnet.organisations import hooks

        from . import services

        # Access to reports follows the role: removing it (or leaving) revokes it (ADR 0031).
        hooks.register("membership_changed", services.on_membership_changed)
