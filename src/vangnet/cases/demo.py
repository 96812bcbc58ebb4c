"""Demo data for cases: the demo reports (made by reporting's demo, turned into cases by the
"report_submitted" hook) get states and events on top; a few more reports show other states;
and some advice-only conversations are counted. Idempotent: runs once per organisation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from vangnet.organisations.public import DEMO_PASSWORD, actor_for, units_in

from . import services
from .integration import keypair_of, private_key_unlock, report_submit
from .models import AdviceContact, Case
from .workflow import State

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

ADVISOR_EMAIL = "vertrouwenspersoon@demo.vangnet.nl"

EXTRA_REPORTS = [
    # category, unit code, narrative, days ago
    ("intimidatie", "SD-JGD", "Bij de koffieautomaat maakt een collega steeds opmerkingen over "
     "mijn lichaam. Ik ga er nu omheen lopen.", 5),
    ("roddel_respectloos", "SD-JGD", "In de teamapp wordt over een collega geroddeld die ziek "
     "thuis zit. Ik vind dat niet kunnen, maar zeg er niets van.", 40),
    ("agressie_geweld", "OR-BUI", "Een inwoner duwde mij tegen de bus toen ik een melding kwam "
     "bekijken. Mijn leidinggevende zei dat het erbij hoort.", 120),
]

ADVICE = [
    # days ago, category, channel, outcome
    (3, "werkdruk", "phone", "advice"),
    (12, "pesten", "in_person", "advice"),
    (20, "discriminatie", "video", "referral"),
    (33, "intimidatie", "in_person", "advice"),
    (47, "buitensluiten", "phone", "advice"),
    (61, "werkdruk", "in_person", "informal_solution"),
    (75, "machtsmisbruik", "email", "advice"),
    (90, "roddel_respectloos", "in_person", "advice"),
]

# Last calendar year, so that the published (frozen) yearly report has figures to show:
# month, day, category, channel, outcome. Three single conversations show the "< 5" mark.
LAST_YEAR_ADVICE = [
    *[(month, 10, "werkdruk", "in_person", "advice") for month in (1, 3, 4, 6, 9, 11)],
    *[(month, 18, "pesten", "phone", "advice") for month in (2, 5, 7, 10, 12)],
    (3, 4, "intimidatie", "in_person", "referral"),
    (8, 21, "discriminatie", "video", "advice"),
    (11, 2, "overig", "email", "advice"),
]


def _shift(case: Case, days: int) -> None:
    """Place a demo case in the past (dates only; the legal terms move with it)."""
    shift = timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(
        received_at=case.received_at - shift, acknowledge_due_at=case.acknowledge_due_at - shift,
        feedback_due_at=case.feedback_due_at - shift)
    case.refresh_from_db()


@transaction.atomic
def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    if AdviceContact.objects.filter(organisation=organisation).exists():
        return
    advisor = people.get(ADVISOR_EMAIL)
    if advisor is None:
        return
    actor = actor_for(advisor)


    # Writing to a reporter takes the advisor's unlocked key, in the demo as in the product.
    pair = keypair_of(advisor.user)
    key = private_key_unlock(pair=pair, password=DEMO_PASSWORD) if pair is not None else None

    units = {u.code: u for u in units_in(organisation_id=organisation.pk)}
    extra: list[Case] = []
    for category, unit_code, narrative, days in EXTRA_REPORTS:
        report, _code = report_submit(organisation=organisation, category=category,
                                      mode="anonymous", parts={"narrative": narrative},
                                      recipient=advisor, unit=units.get(unit_code))
        case = Case.objects.get(report=report)
        _shift(case, days)
        extra.append(case)

    demo_cases = list(Case.objects.filter(organisation=organisation, report__isnull=False)
                      .exclude(pk__in=[c.pk for c in extra]).order_by("received_at"))
    # Reporting's demo reports: one in conversation, one concluded with aftercare and a lesson.
    if demo_cases:
        first = demo_cases[0]
        # A reply reporting's demo wrote already counts as the acknowledgement (issue 13).
        if first.state == State.RECEIVED:
            services.case_transition(actor=actor, private_key=key, case=first, name="acknowledge")
        services.case_transition(actor=actor, private_key=key, case=first, name="start_conversation")
    if len(demo_cases) > 1:
        second = demo_cases[1]
        if second.state == State.RECEIVED:
            services.case_transition(actor=actor, private_key=key, case=second, name="acknowledge")
        services.case_transition(actor=actor, private_key=key, case=second, name="informal")
        services.case_give_feedback(actor=actor, private_key=key, case=second, body=(
            "Ik heb met je teamleider gesproken over de werkverdeling. Er komt een gesprek met het "
            "hele team; ik laat je weten wanneer."))
        services.case_transition(actor=actor, private_key=key, case=second, name="conclude",
                                 outcome="informal_solution")
        services.case_transition(actor=actor, private_key=key, case=second, name="start_aftercare")
        services.aftercare_moment_add(actor=actor, case=second, party="reporter",
                                      planned_for=timezone.localdate() + timedelta(days=14),
                                      topic="Nagesprek: hoe gaat het nu?")
        # Aftercare for the team too, aimed at restoring trust (issue 13, ADR 0103).
        services.aftercare_moment_add(actor=actor, case=second, party="team",
                                      planned_for=timezone.localdate() + timedelta(days=21),
                                      topic="Teamgesprek over de werkverdeling",
                                      goal="restore_trust")
        services.lesson_record(actor=actor, case=second, text=(
            "Na een reorganisatie is niet afgesproken wie het werk van openstaande vacatures "
            "overneemt. Maak dat expliciet in het teamoverleg."))
    # The extra reports: new (receipt not confirmed yet), in the informal track, and closed.
    if len(extra) == 3:
        new, informal, closed = extra
        # A report about more than one thing (ADR 0100).
        services.case_categories_set(actor=actor, case=new,
                                     categories=["intimidatie", "seksuele_intimidatie"])
        services.case_transition(actor=actor, private_key=key, case=informal, name="acknowledge")
        services.case_transition(actor=actor, private_key=key, case=informal, name="informal")
        services.case_transition(actor=actor, private_key=key, case=closed, name="acknowledge")
        services.case_transition(actor=actor, private_key=key, case=closed, name="refer_external")
        services.case_give_feedback(actor=actor, private_key=key, case=closed, body=(
            "Je hebt aangifte gedaan en de werkgever heeft de Arbeidsinspectie ingelicht. Ik blijf "
            "je aanspreekpunt voor nazorg."))
        services.case_transition(actor=actor, private_key=key, case=closed, name="conclude",
                                 outcome="referral")
        services.case_transition(actor=actor, private_key=key, case=closed, name="close")
        services.lesson_record(actor=actor, case=closed, text=(
            "Buitendienstmedewerkers weten niet dat agressie van inwoners altijd gemeld mag "
            "worden. Neem het op in het werkoverleg van de buitendienst."))
    today = timezone.localdate()
    for days, category, channel, outcome in ADVICE:
        services.advice_contact_record(actor=actor, contact_date=today - timedelta(days=days),
                                       category=category, channel=channel, outcome=outcome)
    # An advice-only conversation with a unit and a lesson (ADR 0102).
    jeugd = units.get("SD-JGD")
    services.advice_contact_record(
        actor=actor, contact_date=today - timedelta(days=8), category="veiligheid",
        channel="in_person", unit=jeugd.pk if jeugd else None,
        lesson=("Een bijna-ongeval bij een huisbezoek is niet besproken uit angst voor een "
                "afrekening. Bespreek incidenten in het teamoverleg zonder schuldvraag."))
    for month, day, category, channel, outcome in LAST_YEAR_ADVICE:
        services.advice_contact_record(actor=actor,
                                       contact_date=date(today.year - 1, month, day),
                                       category=category, channel=channel, outcome=outcome)
