"""Demo data for the toolbox: built-in content, a saved session and two team routines."""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.organisations.public import actor_for

from . import selectors, services
from .models import Routine, TeamSession

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation


def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    services.builtin_content_load()
    manager = people.get("leidinggevende@demo.vangnet.nl")
    if manager is None or manager.unit is None:
        return
    actor = actor_for(manager)
    unit = manager.unit
    if not TeamSession.objects.filter(unit=unit).exists():
        werkvormen = selectors.werkvormen_by_slugs(organisation.pk,
                                                   ["wekelijkse-check-in", "dilemma-bespreken"])
        services.session_create(actor=actor, unit=unit, title="Teamsessie: grenzen en afspraken",
                                werkvormen=werkvormen)
    today = timezone.localdate()
    plans = [("wekelijkse-check-in", "Wekelijkse check-in", "weekly", time(9, 0)),
             ("teamafspraken-maken", "Teamafspraken herijken", "quarterly", time(13, 30))]
    for slug, title, frequency, at in plans:
        if Routine.objects.filter(unit=unit, title=title).exists():
            continue
        found = selectors.werkvormen_by_slugs(organisation.pk, [slug])
        if found:
            services.routine_create(actor=actor, unit=unit, werkvorm=found[0], title=title,
                                    frequency=frequency, starts_on=today - timedelta(days=today.weekday()),
                                    time_of_day=at)
