"""The duo check (issue 16, seed 003): one facilitator with line experience and one with
facilitation experience, and nobody leading a session for their own team or line. Pure."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Profile:
    membership_id: int
    name: str
    line: bool
    facilitation: bool
    unit_id: int | None
    managed_unit_ids: frozenset[int]


def duo_warnings(a: Profile, b: Profile, *, session_unit_line: Collection[int] = ()) -> list[str]:
    """Warnings for the coordinator; the duo may still be chosen (the pool may be small)."""
    warnings: list[str] = []
    if a.membership_id == b.membership_id:
        warnings.append(_("Choose two different facilitators."))
        return warnings
    mix = (a.line and b.facilitation) or (a.facilitation and b.line)
    if not mix:
        warnings.append(_("Both facilitators have the same profile: a duo works best with one who "
                          "has line experience and one who has facilitation experience."))
    line = set(session_unit_line)
    for person in (a, b):
        if line and ((person.unit_id in line) or (person.managed_unit_ids & line)):
            warnings.append(_("%(name)s would lead a session for their own team or line.")
                            % {"name": person.name})
    return warnings
