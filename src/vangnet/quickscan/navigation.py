from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor

from .permissions import can_manage_rounds, can_view_quickscan


def nav_items(actor: Actor) -> list[NavItem]:
    if not can_view_quickscan(actor):
        return []
    slug = actor.organisation_slug
    section = _("Quickscan")
    description = (_("Start a round, invite groups of colleagues, and turn the results into an "
                     "action plan.") if can_manage_rounds(actor)
                   else _("Read the results of the quickscan and follow the action plan."))
    return [
        NavItem(label=_("Quickscan"), url=reverse("quickscan:index", args=[slug]),
                description=description, section=section, in_menu=True, order=30),
        NavItem(label=_("Action plan"), url=reverse("quickscan:action_list", args=[slug]),
                description=_("Actions from the quickscan: who does what, and by when."),
                section=section, in_menu=False, order=31),
    ]
