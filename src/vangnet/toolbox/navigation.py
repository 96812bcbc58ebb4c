"""Toolbox links in the menu, on the home page per role and on the public page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem
from vangnet.organisations.public import Actor, Role


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    section = _("Toolbox")

    def url(name: str) -> str:
        return reverse(f"toolbox:{name}", args=[slug])

    items = [
        NavItem(label=_("Toolbox"), url=url("index"), in_menu=True, order=20),
        NavItem(label=_("Werkvormen"), url=url("werkvorm_list"), section=section, in_menu=False,
                description=_("Team exercises and conversation guides, ready to use and print."),
                order=21),
        NavItem(label=_("Dilemmas"), url=url("dilemma_list"), section=section, in_menu=False,
                description=_("Real-life situations to discuss together. There is no single "
                              "right answer."), order=22),
    ]
    # Managers and coordinators plan; everyone else sees what their team has planned.
    if actor.has(Role.MANAGER, Role.COORDINATOR):
        items += [
            NavItem(label=_("Compose a session"), url=url("session_builder"), section=section,
                    in_menu=False, order=23,
                    description=_("Put together a team session of 30 to 60 minutes.")),
            NavItem(label=_("Team routines"), url=url("routine_list"), section=section,
                    in_menu=False, order=24,
                    description=_("Plan recurring werkvormen, such as a weekly check-in.")),
        ]
    else:
        items.append(NavItem(label=_("Team routines"), url=url("routine_list"), section=section,
                             in_menu=False, order=24,
                             description=_("What your team has planned, and what is next.")))
    items += [
        NavItem(label=_("Glossary"), url=url("glossary"), section=section, in_menu=False,
                order=25, description=_("What the words around social safety mean.")),
        NavItem(label=_("Frequently asked questions"), url=url("faq"), section=section,
                in_menu=False, order=26,
                description=_("Answers for employees and for managers.")),
    ]
    return items


def public_items(organisation: Any) -> list[NavItem]:
    return [
        NavItem(label=_("Glossary"), url=reverse("toolbox:public_glossary", args=[organisation.slug]),
                description=_("What the words around social safety mean."), order=70),
        NavItem(label=_("Frequently asked questions"),
                url=reverse("toolbox:public_faq", args=[organisation.slug]),
                description=_("Answers for employees and for managers."), order=71),
    ]
