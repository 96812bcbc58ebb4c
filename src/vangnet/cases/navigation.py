from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor, Role

from . import permissions


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    section = _("Follow-up and aftercare")
    items: list[NavItem] = []
    if actor.has(Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE):
        items.append(NavItem(
            label=_("Cases"), url=reverse("cases:list", args=[slug]), section=section,
            description=_("Follow-up of reports: deadlines, consent, aftercare."), order=30))
    if permissions.can_record_advice_contact(actor):
        items.append(NavItem(
            label=_("Advice-only conversations"), url=reverse("cases:advice", args=[slug]),
            section=section, in_menu=False, order=31,
            description=_("Count a conversation that did not become a case, without names.")))
    if permissions.can_view_lessons(actor):
        items.append(NavItem(
            label=_("Lessons learned"), url=reverse("cases:lessons", args=[slug]),
            section=section, in_menu=False, order=33,
            description=_("What the organisation can learn from cases, without names.")))
    if permissions.can_view_statistics(actor):
        items.append(NavItem(
            label=_("Yearly report"), url=reverse("cases:yearly_report", args=[slug]),
            section=section, in_menu=False, order=34,
            description=_("Figures about reports and advice, with small numbers hidden.")))
    if permissions.can_manage_standard_texts(actor):
        items.append(NavItem(
            label=_("Standard texts"), url=reverse("cases:standard_texts", args=[slug]),
            section=section, in_menu=False, order=36,
            description=_("Your organisation's replies to reporters, with placeholders.")))
    if permissions.can_configure_cases(actor):
        items.append(NavItem(
            label=_("Terms and retention"), url=reverse("cases:settings", args=[slug]),
            section=section, in_menu=False, order=35,
            description=_("Deadlines for handling reports and how long data is kept.")))
    return items
