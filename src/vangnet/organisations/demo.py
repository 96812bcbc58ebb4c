"""The demo organisations: fictional, with one person per role. Run by `vangnet seed_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, AgencyAdvisor, AgencyClient, Membership, Organisation, Unit
from .roles import Role
from .services import membership_create, organisation_create

DEMO_PASSWORD = "Vangnet-demo-2026"
# Fixed base32 TOTP secret, for the demo only, so a tester can generate codes (see README).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_ORGANISATION_SLUG = "gemeente-zonnedal"
SECOND_ORGANISATION_SLUG = "zorggroep-lindelaan"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    roles: tuple[str, ...]
    unit_code: str = ""
    is_external: bool = False
    job_title: str = ""


DEMO_UNITS = [
    # code, name, kind, parent code
    ("DIR", "Directie", Unit.Kind.DEPARTMENT, ""),
    ("SD", "Sociaal Domein", Unit.Kind.DEPARTMENT, "DIR"),
    ("SD-JGD", "Team Jeugd", Unit.Kind.TEAM, "SD"),
    ("SD-WMO", "Team Wmo", Unit.Kind.TEAM, "SD"),
    ("BV", "Bedrijfsvoering", Unit.Kind.DEPARTMENT, "DIR"),
    ("BV-HR", "Team HR", Unit.Kind.TEAM, "BV"),
    ("BV-ICT", "Team ICT", Unit.Kind.TEAM, "BV"),
    ("OR-BUI", "Buitendienst", Unit.Kind.DEPARTMENT, "DIR"),
]

DEMO_PEOPLE = [
    DemoPerson("medewerker@demo.vangnet.nl", "Sanne de Vries", (Role.EMPLOYEE,), "SD-JGD",
               job_title="Jeugdconsulent"),
    DemoPerson("leidinggevende@demo.vangnet.nl", "Marco Jansen", (Role.EMPLOYEE, Role.MANAGER),
               "SD-JGD", job_title="Teamleider Jeugd"),
    # Also a workshop facilitator: the demo pool's duo needs one with line experience.
    DemoPerson("afdelingshoofd@demo.vangnet.nl", "Ingrid Bakker",
               (Role.EMPLOYEE, Role.MANAGER, Role.FACILITATOR), "SD",
               job_title="Afdelingshoofd Sociaal Domein"),
    DemoPerson("hr@demo.vangnet.nl", "Yusuf Demir", (Role.EMPLOYEE, Role.HR), "BV-HR",
               job_title="HR-adviseur"),
    DemoPerson("vertrouwenspersoon@demo.vangnet.nl", "Els Hoekstra",
               (Role.EMPLOYEE, Role.ADVISOR), "BV", job_title="Interne vertrouwenspersoon"),
    DemoPerson("extern.vp@demo.vangnet.nl", "Ruud Smit", (Role.ADVISOR,), is_external=True,
               job_title="Externe vertrouwenspersoon"),
    DemoPerson("klachtencommissie@demo.vangnet.nl", "Fatima El Amrani",
               (Role.COMPLAINTS_COMMITTEE,), job_title="Voorzitter klachtencommissie"),
    DemoPerson("or@demo.vangnet.nl", "Peter van Dam", (Role.EMPLOYEE, Role.WORKS_COUNCIL),
               "SD-WMO", job_title="Lid ondernemingsraad"),
    DemoPerson("coordinator@demo.vangnet.nl", "Noor Visser", (Role.EMPLOYEE, Role.COORDINATOR),
               "BV-HR", job_title="Coördinator sociale veiligheid"),
    DemoPerson("begeleider@demo.vangnet.nl", "Kees Mulder", (Role.EMPLOYEE, Role.FACILITATOR),
               "BV-ICT", job_title="Workshopbegeleider"),
]
PLATFORM_ADMIN_EMAIL = "admin@demo.vangnet.nl"
TWO_FACTOR_DEMO_EMAILS = sorted(
    [p.email for p in DEMO_PEOPLE if {Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE,
                                      Role.COORDINATOR} & set(p.roles)]
    + [PLATFORM_ADMIN_EMAIL]
)


def _ensure_user(email: str, name: str, *, superuser: bool = False):

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email=email, password=DEMO_PASSWORD, full_name=name)
    return user


def _ensure_totp(user) -> None:

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


@transaction.atomic
def seed_organisations() -> tuple[Organisation, dict[str, Membership]]:
    """Create (or find) the demo organisations and people. Safe to run again."""
    organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
    if organisation is None:
        organisation = organisation_create(name="Gemeente Zonnedal", slug=DEMO_ORGANISATION_SLUG,
                                           primary_colour="#1f5c99")
    units: dict[str, Unit] = {}
    for code, name, kind, parent_code in DEMO_UNITS:
        unit, _ = Unit.objects.get_or_create(
            organisation=organisation, code=code,
            defaults={"name": name, "kind": kind, "parent": units.get(parent_code)},
        )
        units[code] = unit
    people: dict[str, Membership] = {}
    for person in DEMO_PEOPLE:
        _ensure_user(person.email, person.name)
        people[person.email] = membership_create(
            organisation=organisation, email=person.email, full_name=person.name,
            roles=person.roles, unit=units.get(person.unit_code), job_title=person.job_title,
            is_external=person.is_external,
        )
    units["SD-JGD"].managers.add(people["leidinggevende@demo.vangnet.nl"])
    units["SD"].managers.add(people["afdelingshoofd@demo.vangnet.nl"])

    second = Organisation.objects.filter(slug=SECOND_ORGANISATION_SLUG).first()
    if second is None:
        second = organisation_create(name="Zorggroep Lindelaan", slug=SECOND_ORGANISATION_SLUG,
                                     primary_colour="#2d6a4f")
    membership_create(organisation=second, email="extern.vp@demo.vangnet.nl",
                      full_name="Ruud Smit", roles=[Role.ADVISOR], is_external=True,
                      job_title="Externe vertrouwenspersoon")
    # Ruud works for an agency that serves both demo organisations (issue 13, ADR 0106).
    agency, _ = Agency.objects.get_or_create(name="Vertrouwenswerk Extern")
    ruud = get_user_model().objects.get(email="extern.vp@demo.vangnet.nl")
    AgencyAdvisor.objects.get_or_create(agency=agency, user=ruud)
    for client in (organisation, second):
        AgencyClient.objects.get_or_create(agency=agency, organisation=client)

    admin = _ensure_user(PLATFORM_ADMIN_EMAIL, "Platformbeheer", superuser=True)
    for email in TWO_FACTOR_DEMO_EMAILS:
        _ensure_totp(get_user_model().objects.get(email=email))
    _ensure_totp(admin)
    return organisation, people
