"""Demo data for the code of conduct: the model code adopted with the works council's consent and
published, a few acknowledgements, the agreements of the demo manager's team with a discussion and
a quarterly routine (the toolbox's demo plans it), and a welcome path for the demo employee with a buddy.

Running it again adds nothing: every step looks first whether its result is there."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from vangnet.organisations.public import actor_for

from . import services
from .models import Acknowledgement, CodeVersion, Discussion, TeamAgreement, WelcomePath

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

ACKNOWLEDGING = ("leidinggevende@demo.vangnet.nl", "afdelingshoofd@demo.vangnet.nl",
                 "hr@demo.vangnet.nl", "coordinator@demo.vangnet.nl")
AGREEMENTS = (
    "Gaat een grap over iemands afkomst, geloof of lijf? Dan zegt wie het hoort er meteen iets van, "
    "ook als de ander lacht.",
    "Feedback op elkaars werk geven we rechtstreeks en onder vier ogen, niet in de groepsapp.",
    "Ziet iemand een onveilige situatie bij een huisbezoek, dan stoppen we en overleggen we eerst.",
)


def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    coordinator = people.get("coordinator@demo.vangnet.nl")
    works_council = people.get("or@demo.vangnet.nl")
    manager = people.get("leidinggevende@demo.vangnet.nl")
    if coordinator is None:
        return
    coordinator_actor = actor_for(coordinator)
    today = timezone.localdate()

    version = CodeVersion.objects.filter(organisation=organisation,
                                         status=CodeVersion.Status.PUBLISHED).first()
    if version is None and not CodeVersion.objects.filter(organisation=organisation).exists():
        services.settings_update(actor=coordinator_actor, consent_required=works_council is not None,
                                 public_page=True, named_follow_up=False)
        draft = services.version_create_from_model(actor=coordinator_actor, language="nl")
        if works_council is not None:
            services.consent_record(actor=actor_for(works_council), version=draft,
                                    consent_on=today - timedelta(days=14))
        version = services.version_publish(actor=coordinator_actor, version=draft)
    if version is not None:
        for email in ACKNOWLEDGING:
            member = people.get(email)
            if member is not None and not Acknowledgement.objects.filter(
                    membership=member, major=version.major).exists():
                services.acknowledge(actor=actor_for(member), version=version)

    if manager is not None and manager.unit is not None:
        manager_actor = actor_for(manager)
        unit = manager.unit
        if not TeamAgreement.objects.filter(unit=unit).exists():
            services.agreements_add(actor=manager_actor, unit=unit, texts=AGREEMENTS,
                                    made_on=today - timedelta(days=60))
        if not Discussion.objects.filter(unit=unit).exists():
            agreement_ids = list(TeamAgreement.objects.filter(unit=unit, is_active=True)
                                 .values_list("pk", flat=True)[:2])
            services.discussion_record(
                actor=manager_actor, unit=unit, held_on=today - timedelta(days=21), about_code=True,
                agreement_ids=agreement_ids,
                note="Afgesproken dat we de groepsapp alleen voor planning gebruiken.")

    employee = people.get("medewerker@demo.vangnet.nl")
    if employee is not None and not WelcomePath.objects.filter(membership=employee).exists():
        path = services.welcome_start(membership_id=employee.pk, organisation_id=organisation.pk,
                                      today=today - timedelta(days=3))
        buddy = people.get("or@demo.vangnet.nl")  # a colleague of the same department
        if manager is not None and buddy is not None:
            services.welcome_set_buddy(actor=actor_for(manager), path=path, buddy=buddy)
