from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vangnet.core.navigation import NavItem

from .permissions import Actor, can_manage_organisation


def nav_items(actor: Actor) -> list[NavItem]:
    slug = actor.organisation_slug
    items = [NavItem(label=_("Home"), url=reverse("organisations:home", args=[slug]), order=0,
                     in_menu=True, section="")]
    if can_manage_organisation(actor):
        section = _("Manage the organisation")
        items += [
            NavItem(label=_("Units"), url=reverse("organisations:unit_list", args=[slug]),
                    description=_("Departments and teams, and who manages them."),
                    section=section, in_menu=False, order=80),
            NavItem(label=_("People and roles"), url=reverse("organisations:person_list", args=[slug]),
                    description=_("Who works here and what they may do in Vangnet."),
                    section=section, order=81),
            NavItem(label=_("Invitations"), url=reverse("organisations:invitation_list", args=[slug]),
                    description=_("Invite colleagues by e-mail."), section=section, in_menu=False,
                    order=82),
            NavItem(label=_("Import"), url=reverse("organisations:import", args=[slug]),
                    description=_("Add many units and people at once from a CSV file."),
                    section=section, in_menu=False, order=83),
            NavItem(label=_("Look and feel"), url=reverse("organisations:branding", args=[slug]),
                    description=_("Name, logo and colour of your organisation."), section=section,
                    in_menu=False, order=84),
            NavItem(label=_("Agencies of external advisors"),
                    url=reverse("organisations:agencies", args=[slug]),
                    description=_("Connect an agency: all its advisors at once."),
                    section=section, in_menu=False, order=86),
            NavItem(label=_("Audit log checkpoints"),
                    url=reverse("organisations:audit_anchor", args=[slug]),
                    description=_("Where the signed proof of your audit log goes every day."),
                    section=section, in_menu=False, order=85),
        ]
    return [item for item in items if item.section or item.in_menu]
