from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vangnet.core.app import VangnetAppConfig


class SurveysConfig(VangnetAppConfig):
    """The survey engine (ADR 0080): no pages of its own; instruments (quickscan, pulse, …) build
    on it. It owns no tables either: each instrument has its own, on the engine's abstract models."""

    name = "vangnet.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
    default = True
