from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuickscanConfig(AppConfig):
    name = "vangnet.quickscan"
    label = "quickscan"
    verbose_name = _("Quickscan")
    default_auto_field = "django.db.models.BigAutoField"
