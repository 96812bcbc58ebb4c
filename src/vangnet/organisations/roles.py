"""The roles a membership can carry. Roles are data: permission functions read them, views don't."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EMPLOYEE = "medewerker", _("Employee")
    MANAGER = "leidinggevende", _("Manager")
    HR = "hr", _("HR")
    ADVISOR = "vertrouwenspersoon", _("Confidential advisor")
    COMPLAINTS_COMMITTEE = "klachtencommissie", _("Complaints committee")
    WORKS_COUNCIL = "or-lid", _("Works council member")
    COORDINATOR = "coordinator", _("Social safety coordinator")
    FACILITATOR = "workshopbegeleider", _("Workshop facilitator")


# Roles whose holders may read (parts of) cases: they must log in with two factors.
CASE_READING_ROLES = frozenset(
    {Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.COORDINATOR}
)
