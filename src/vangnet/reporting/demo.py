"""Demo data for reporting: advisors with key pairs (from the demo password), profiles, a
recovery key, and a few example reports with a dialogue. Idempotent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_noop

from vangnet.organisations.public import DEMO_PASSWORD, actor_for

from .keys import keypair_create, private_key_unlock
from .models import AdvisorProfile, Report, ReportingRoute, UserKeyPair
from .route import DEFAULT_STEPS, EXTERNAL_BODIES
from .services import (
    ContactSetting,
    StepSetting,
    dialogue_ask,
    message_post,
    report_submit,
    reporter_open,
    reporter_reply,
    route_save,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

ADVISOR_EMAILS = ["vertrouwenspersoon@demo.vangnet.nl", "extern.vp@demo.vangnet.nl"]
KEY_HOLDERS = [*ADVISOR_EMAILS, "hr@demo.vangnet.nl", "klachtencommissie@demo.vangnet.nl",
               "coordinator@demo.vangnet.nl"]
PROFILES = {
    "vertrouwenspersoon@demo.vangnet.nl": (
        "Ik werk al twaalf jaar bij de gemeente en ben sinds 2021 vertrouwenspersoon. Je kunt bij "
        "mij je verhaal kwijt, ook als je nog niet weet wat je wilt.",
        "Via een melding hier, of loop binnen op kamer 2.14. Telefoon 0599 123 456.",
        "Dinsdag en donderdag, 9.00 tot 16.00 uur",
    ),
    "extern.vp@demo.vangnet.nl": (
        "Ik ben externe vertrouwenspersoon en werk niet voor de gemeente. Praat je liever met "
        "iemand van buiten? Dan ben ik er voor je.",
        "Via een melding hier, of bel 06 12 34 56 78.",
        "Maandag tot en met vrijdag, ook 's avonds na afspraak",
    ),
}
EXAMPLES = [
    ("pesten", "anonymous", "Een collega maakt in het teamoverleg steeds grapjes over mijn accent. "
     "Anderen lachen mee. Het gebeurt nu al een paar maanden, bijna elke week.",
     "Ik wil dat het stopt, maar ik durf het niet in het team te zeggen."),
    ("werkdruk", "confidential", "Sinds de reorganisatie doen we het werk van twee vacatures erbij. "
     "Ik slaap slecht en maak fouten. Mijn vragen om hulp worden weggewuifd.",
     "Advies over wat ik kan doen."),
]


COMPLAINTS_PROCEDURE = (
    "Een klacht over ongewenst gedrag dien je schriftelijk in bij de klachtencommissie. De commissie "
    "bevestigt binnen een week dat ze je klacht heeft ontvangen en hoort daarna jou en degene over "
    "wie je klaagt, apart van elkaar. Binnen tien weken geeft de commissie een advies aan de "
    "directie. Je mag je laten bijstaan door een vertrouwenspersoon."
)
OWN_CONTACTS = [
    ("Bedrijfsarts (Arbodienst Zonnedal)",
     "Als klachten op je werk je gezondheid raken. Wat je vertelt, blijft bij de bedrijfsarts.",
     "0599 765 432"),
]


def _seed_route(organisation: Organisation, coordinator: Membership | None) -> None:
    """The demo route: the standard steps with the organisation's own procedure and a contact."""
    if coordinator is None or ReportingRoute.objects.filter(organisation=organisation).exists():
        return
    route_save(
        actor=actor_for(coordinator), unit=None, default_recipient=None,
        introduction="Bij Gemeente Zonnedal mag je altijd aan de bel trekken. Twijfel je? Begin "
                     "dan bij een vertrouwenspersoon: die denkt met je mee en doet niets zonder jou.",
        steps=[StepSetting(kind=kind, position=position, external_bodies=tuple(EXTERNAL_BODIES))
               for position, (kind, _text) in enumerate(DEFAULT_STEPS)],
        contacts=[ContactSetting(name=name, description=what, phone=phone)
                  for name, what, phone in OWN_CONTACTS],
        complaints_procedure_text=COMPLAINTS_PROCEDURE,
    )


def _ensure_keys(membership: Membership, password: str) -> None:
    if not UserKeyPair.objects.filter(user_id=membership.user_id).exists():
        keypair_create(user=membership.user, password=password)


@transaction.atomic
def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:

    for email in KEY_HOLDERS:
        if email in people:
            _ensure_keys(people[email], DEMO_PASSWORD)
    for email, (intro, reach, when) in PROFILES.items():
        if email in people:
            AdvisorProfile.objects.update_or_create(
                membership=people[email],
                defaults={"introduction": intro, "how_to_reach": reach, "availability": when},
            )
    _seed_route(organisation, people.get("coordinator@demo.vangnet.nl"))
    if Report.objects.filter(organisation=organisation).exists():
        return
    advisor = people.get(ADVISOR_EMAILS[0])
    if advisor is None:
        return
    actor = actor_for(advisor)
    pair = UserKeyPair.objects.get(user_id=advisor.user_id)
    private_key = private_key_unlock(pair=pair, password=DEMO_PASSWORD)
    for category, mode, narrative, wishes in EXAMPLES:
        parts: dict[str, Any] = {"narrative": narrative, "wishes": wishes}
        if mode != "anonymous":
            parts["identity"] = "Demo-melder"
        report, code = report_submit(organisation=organisation, category=category, mode=mode,
                                     parts=parts, recipient=advisor)
        message_post(report=report, actor=actor, private_key=private_key, body=(
            "Dank je wel voor je melding. Ik heb hem gelezen. Wil je een keer met mij praten? "
            "Dat kan op kantoor of ergens anders, wat jij prettig vindt."))
        access = reporter_open(code=code)
        if access is not None:
            reporter_reply(access=access, body="Ja, graag. Liefst buiten kantoor.")
        dialogue_ask(report=report, actor=actor, kind="satisfaction", private_key=private_key,
                     body="Heb je het gevoel dat je verhaal goed is aangekomen?",
                     choices=[("yes", gettext_noop("Yes")), ("partly", gettext_noop("Partly")),
                              ("no", gettext_noop("No"))], ref=f"demo:{report.pk}")
