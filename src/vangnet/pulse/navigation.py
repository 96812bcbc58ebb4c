from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor

from .permissions import can_view_pulse
from .selectors import has_own_unit_results


def nav_items(actor: Actor) -> list[NavItem]:
    if not can_view_pulse(actor):
        if has_own_unit_results(actor=actor):
            return [NavItem(label=_("Our team's pulse"),
                            url=reverse("pulse:index", args=[actor.organisation_slug]),
                            description=_("How your team answered the pulse, once a wave is "
                                          "closed and enough colleagues answered."),
                            section=_("Working together"), in_menu=False, order=23)]
        return []
    return [NavItem(label=_("Pulse"), url=reverse("pulse:index", args=[actor.organisation_slug]),
                    description=_("A short recurring survey per team on psychological safety and "
                                  "the reporting climate, with what a team can do next."),
                    section=_("Pulse"), in_menu=True, order=32)]
