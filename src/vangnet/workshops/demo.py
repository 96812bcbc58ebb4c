"""Demo data for workshops: the demo organisation's pool with begeleider@demo.vangnet.nl and two
more facilitators, an offer for employees and one for managers, and a coming session."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.organisations.public import actor_for

from . import services
from .models import Facilitator, Pool

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation


def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    coordinator = people.get("coordinator@demo.vangnet.nl")
    facilitator = people.get("begeleider@demo.vangnet.nl")
    if coordinator is None or facilitator is None or Pool.objects.filter(organisation=organisation).exists():
        return
    actor = actor_for(coordinator)
    pool = services.pool_create(actor=actor, name="Gespreksbegeleiders sociale veiligheid")
    kees = services.facilitator_add(
        actor=actor, pool=pool, membership_id=facilitator.pk, organisation_id=organisation.pk,
        line_experience=False, facilitation_experience=True, trained_on=date(2026, 3, 12),
        programme="Training gespreksbegeleider (2 dagen)", availability="dinsdag en donderdag")
    line = people.get("afdelingshoofd@demo.vangnet.nl")
    partner: Facilitator | None = None
    if line is not None:
        partner = services.facilitator_add(
            actor=actor, pool=pool, membership_id=line.pk, organisation_id=organisation.pk,
            line_experience=True, facilitation_experience=False, trained_on=date(2023, 9, 1),
            programme="Training gespreksbegeleider (2 dagen)")
    employees = services.offer_create(
        actor=actor, pool=pool, title="Samen veilig werken", audience="employees", format="online",
        duration_minutes=90, theme="Grenzen aangeven en elkaar aanspreken",
        werkvorm_slugs=["wekelijkse-check-in", "dilemma-bespreken"],
        script_opening="Welkom. We stellen ons voor en vertellen wat we vandaag willen doen.",
        script_ground_rules="Wat hier gezegd wordt, blijft hier. Je deelt alleen wat je wilt delen. "
                            "Noem geen namen van collega's.",
        script_closing="Wat neem je mee? Wie ergens mee zit, kan na afloop met een van ons praten.")
    services.offer_create(
        actor=actor, pool=pool, title="Leidinggeven aan een veilig team", audience="managers",
        format="on_site", duration_minutes=120, theme="Signalen zien en het gesprek openen",
        script_opening="Welkom. Wat maakt het gesprek over sociale veiligheid lastig in jouw rol?",
        script_ground_rules="Wat hier gezegd wordt, blijft hier. Geen namen van medewerkers.",
        script_closing="Welke stap zet je komende week?")
    session = services.session_create(
        actor=actor, offer=employees, starts_at=timezone.now() + timedelta(days=14),
        video_link="https://video.example.org/zonnedal-workshop")
    if partner is not None:
        services.duo_assign(actor=actor, session=session, facilitator_a_id=kees.pk,
                            facilitator_b_id=partner.pk, confirmed=True)
