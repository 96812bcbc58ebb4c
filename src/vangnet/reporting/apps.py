from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "vangnet.reporting"
    label = "reporting"
    verbose_name = "Reporting"
