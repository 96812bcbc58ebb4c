from __future__ import annotations

from vangnet.core.app import VangnetAppConfig


class OrganisationsConfig(VangnetAppConfig):
    name = "vangnet.organisations"
    label = "organisations"
    verbose_name = "Organisations"
    default = True
    urls = "urls"
    navigation = "navigation"
    demo = "demo"
    mails = "mails"
