from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor, Role


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    items = [NavItem(label=_("Workshops"), url=reverse("workshops:home", args=[slug]),
                     description=_("Talk about social safety in a small group, led by two "
                                   "trained colleagues."),
                     section=_("Working together"), order=30)]
    if actor.has(Role.COORDINATOR):
        items.append(NavItem(label=_("Workshop pools"), url=reverse("workshops:pools", args=[slug]),
                             description=_("Facilitators, offers, sessions, requests and figures."),
                             section=_("Manage the organisation"), in_menu=False, order=88))
    return items


def public_items(organisation: Any) -> list[NavItem]:
    return []
