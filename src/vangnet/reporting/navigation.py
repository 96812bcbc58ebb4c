from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor

from .permissions import can_hold_keys

if TYPE_CHECKING:
    from vangnet.organisations.models import Organisation


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    items = [
        NavItem(label=_("Where can I go?"), url=reverse("reporting:route", args=[slug]),
                description=_("The reporting route, the confidential advisors, and a safe way to "
                              "report."), section=_("Help and reporting"), in_menu=False, order=20),
    ]
    if can_hold_keys(actor):
        items.append(NavItem(label=_("Reports"), url=reverse("reporting:inbox", args=[slug]),
                             description=_("Reports sent to you, and the dialogue with reporters."),
                             section=_("Reports and cases"), in_menu=True, order=10))
    return items


def public_items(organisation: Organisation) -> list[NavItem]:
    slug = organisation.slug
    return [
        NavItem(label=_("Where can I go?"), url=reverse("reporting:route", args=[slug]),
                description=_("The route step by step, and who the confidential advisors are."),
                order=10),
        NavItem(label=_("Route guide"), url=reverse("reporting:guide", args=[slug]),
                description=_("A few questions that help you choose a step. Nothing is saved."),
                order=11),
        NavItem(label=_("I want to talk to someone first"),
                url=reverse("reporting:callback_new", args=[slug]),
                description=_("Leave a way to reach you; a confidential advisor calls you back. "
                              "You do not have to write anything."),
                order=12),
        NavItem(label=_("Make a report"), url=reverse("reporting:report_new", args=[slug]),
                description=_("Anonymous or confidential, in writing or spoken, encrypted for the "
                              "person you choose."),
                order=13),
        NavItem(label=_("I already made a report"), url=reverse("reporting:return", args=[slug]),
                description=_("Read replies and add information with your receipt code."), order=14),
    ]
