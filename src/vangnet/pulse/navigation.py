from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor

from .permissions import can_view_pulse


def nav_items(actor: Actor) -> list[NavItem]:
    if not can_view_pulse(actor):
        return []
    return [NavItem(label=_("Pulse"), url=reverse("pulse:index", args=[actor.organisation_slug]),
                    description=_("A short recurring survey per team on psychological safety and "
                                  "the reporting climate, with what a team can do next."),
                    section=_("Pulse"), in_menu=True, order=32)]
