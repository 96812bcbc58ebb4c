from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor

from . import permissions


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    items: list[NavItem] = []
    if permissions.can_view_signals(actor):
        items.append(NavItem(label=_("Signals"), url=reverse("signals:dashboard", args=[slug]),
                             description=_("How safe is working here? Every source together, "
                                           "per unit and over time."),
                             section=_("Manage the organisation"), order=80))
    if permissions.can_manage_hr_figures(actor):
        items.append(NavItem(label=_("HR figures"), url=reverse("signals:hr_import", args=[slug]),
                             description=_("Import absence and turnover per unit "
                                           "per quarter."),
                             section=_("Manage the organisation"), in_menu=False, order=81))
    return items


def public_items(organisation: Any) -> list[NavItem]:
    return []
