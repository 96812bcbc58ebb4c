from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor, Role

from . import permissions
from .selectors import settings_get, welcome_for_actor


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    items = [
        NavItem(label=_("Our code of conduct"), url=reverse("conduct:code", args=[slug]),
                description=_("What are our rules? How we treat each other and where you can go."),
                section=_("Working together"), order=20),
        NavItem(label=_("Team agreements"), url=reverse("conduct:teams", args=[slug]),
                description=_("What your team agreed and when you last talked about it."),
                section=_("Working together"), in_menu=False, order=21),
    ]
    if welcome_for_actor(actor=actor) is not None:
        items.append(NavItem(label=_("Welcome"), url=reverse("conduct:welcome", args=[slug]),
                             description=_("Five short steps for new colleagues."),
                             section=_("Working together"), order=19))
    if actor.has(Role.MANAGER, Role.COORDINATOR):
        items.append(NavItem(label=_("New colleagues"), url=reverse("conduct:welcome_follow", args=[slug]),
                             description=_("Buddies and check-ins after 1, 4 and 12 weeks."),
                             section=_("Working together"), in_menu=False, order=22))
    if permissions.can_edit_code(actor) or permissions.can_record_consent(actor):
        items.append(NavItem(label=_("Manage the code of conduct"),
                             url=reverse("conduct:manage", args=[slug]),
                             description=_("Versions, works council consent, publishing and review."),
                             section=_("Manage the organisation"), in_menu=False, order=86))
    if permissions.can_view_figures(actor):
        items.append(NavItem(label=_("Code of conduct figures"),
                             url=reverse("conduct:figures", args=[slug]),
                             description=_("Acknowledgements and discussions per unit."),
                             section=_("Manage the organisation"), in_menu=False, order=87))
    return items


def public_items(organisation: Any) -> list[NavItem]:
    """On the help page: "what are our rules?" — the public page when switched on, else the
    members' page (behind login)."""
    public = settings_get(organisation_id=organisation.pk).public_page
    name = "conduct:public_code" if public else "conduct:code"
    return [NavItem(label=_("What are our rules?"), url=reverse(name, args=[organisation.slug]),
                    description=_("Our code of conduct: how we treat each other here."), order=60)]
