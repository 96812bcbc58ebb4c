"""The organisation's reporting route as shown to people: steps, concrete people and bodies.

When an organisation has not configured its route yet, the standard Dutch route is shown
(speak up → manager → confidential advisor → HR → complaints committee → outside bodies).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vangnet.organisations.public import (
    Role,
    active_memberships_in,
    line_managers_of,
    unit_ancestor_ids,
    unit_manager_pairs,
)

from .models import AdvisorProfile, ReportingRoute, RouteContact, RouteStep, StepKind, UserKeyPair

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation, Unit


@dataclass(frozen=True)
class ExternalBody:
    code: str
    name: str
    description: Any
    contact: str
    url: str = ""


EXTERNAL_BODIES: dict[str, ExternalBody] = {
    body.code: body
    for body in (
        ExternalBody("112", "112", _("Acute danger to someone's life or health: call 112 right away."),
                     "112"),
        ExternalBody("politie", "Politie", _("For a criminal offence such as assault, threats or "
                     "stalking, you can report it to the police."), "0900 8844",
                     "https://www.politie.nl"),
        ExternalBody("huis_klokkenluiders", "Huis voor Klokkenluiders", _(
            "Advice and investigation when you suspect wrongdoing that affects the public interest."),
            "088 133 10 00", "https://www.huisvoorklokkenluiders.nl"),
        ExternalBody("arbeidsinspectie", "Nederlandse Arbeidsinspectie", _(
            "When your employer does not deal with unwanted behaviour or work pressure properly."),
            "0800 5151", "https://www.nlarbeidsinspectie.nl"),
        ExternalBody("crm", "College voor de Rechten van de Mens", _(
            "An independent judgement on whether you were discriminated against."),
            "030 888 38 88", "https://www.mensenrechten.nl"),
        ExternalBody("discriminatie_nl", "Discriminatie.nl", _(
            "The national place to report discrimination: an anti-discrimination office near you "
            "listens, advises and can help you with a complaint."),
            "", "https://www.discriminatie.nl"),
    )
}

DEFAULT_STEPS: list[tuple[str, Any]] = [
    (StepKind.SPEAK_UP, _("If you feel able to, tell the person directly what their behaviour "
                          "does to you. You decide whether you take this step.")),
    (StepKind.MANAGER, _("Your manager can often act quickly: a conversation, clear agreements, "
                         "a change in the work.")),
    (StepKind.ADVISOR, _("A confidential advisor listens, thinks along with you and explains "
                         "your options. Nothing happens without your consent, except when "
                         "there is acute danger.")),
    (StepKind.HR, _("HR can advise you and your manager and can start measures.")),
    (StepKind.COMPLAINTS_COMMITTEE, _("With a formal complaint, the committee investigates and "
                                      "advises the employer. Both sides are heard.")),
    (StepKind.EXTERNAL, _("Outside the organisation you can also find help and advice.")),
]


@dataclass
class RoutePerson:
    membership: Membership
    profile: AdvisorProfile | None
    available: bool  # has a key pair: can receive reports in Vangnet


@dataclass
class RouteStepView:
    kind: str
    title: str
    description: str
    people: list[RoutePerson] = field(default_factory=list)
    bodies: list[ExternalBody] = field(default_factory=list)
    skipped: bool = False  # the reporter's manager is involved: this step is passed over


@dataclass
class RouteView:
    organisation: Organisation
    route: ReportingRoute | None
    steps: list[RouteStepView]

    @property
    def advisors(self) -> list[RoutePerson]:
        return [p for s in self.steps if s.kind == StepKind.ADVISOR for p in s.people]

    def step(self, kind: str) -> RouteStepView | None:
        return next((s for s in self.steps if s.kind == kind), None)


def default_step_text(kind: str) -> str:
    return str(dict(DEFAULT_STEPS).get(kind, ""))


def step_label(kind: str) -> str:
    return str(dict(StepKind.choices).get(kind, kind))


def contact_as_body(contact: RouteContact) -> ExternalBody:
    return ExternalBody(code=f"contact-{contact.pk}", name=contact.name,
                        description=contact.description, contact=contact.phone, url=contact.url)


def route_config_for(*, organisation: Organisation, unit: Unit | None = None) -> ReportingRoute | None:
    """The unit's own route if it (or a unit above it) has one, else the organisation's."""
    routes = list(ReportingRoute.objects.filter(organisation=organisation))
    return route_in_force(routes, organisation_id=organisation.pk, unit=unit)


def route_in_force(
    routes: list[ReportingRoute], *, organisation_id: int, unit: Unit | None
) -> ReportingRoute | None:
    """Of an organisation's routes, the one that applies to `unit` (see route_config_for)."""
    by_unit = {r.unit_id: r for r in routes}
    if unit is not None:
        for unit_id in unit_ancestor_ids(unit_id=unit.pk, organisation_id=organisation_id):
            if unit_id in by_unit:
                return by_unit[unit_id]
    return by_unit.get(None)


def _people_by_role(organisation: Organisation, roles: Iterable[str],
                    excluded: set[int]) -> dict[str, list[RoutePerson]]:
    """The listed, active people of each role (internal before external, by name), in three
    queries whatever the number of roles or people: one row per (person, role), then their
    profiles and who has a key pair (issue 13: the report form asked 3 × 3 queries per list)."""
    roles = list(roles)
    rows = list(active_memberships_in(organisation_id=organisation.pk)
                .filter(roles__role__in=roles).annotate(role_held=F("roles__role"))
                .select_related("user").order_by("is_external", "user__full_name", "pk"))
    rows = [m for m in rows if m.pk not in excluded]
    member_ids = {m.pk for m in rows}
    profiles = {p.membership_id: p for p in AdvisorProfile.objects.filter(
        membership_id__in=member_ids)} if member_ids else {}
    with_keys = set(UserKeyPair.objects.filter(user_id__in={m.user_id for m in rows})
                    .values_list("user_id", flat=True)) if rows else set()
    people: dict[str, list[RoutePerson]] = {role: [] for role in roles}
    for member in rows:
        profile = profiles.get(member.pk)
        if profile is not None and not profile.is_listed:
            continue
        people[member.role_held].append(RoutePerson(member, profile, member.user_id in with_keys))
    return people


def _people(organisation: Organisation, role: str, excluded: set[int]) -> list[RoutePerson]:
    return _people_by_role(organisation, [role], excluded)[role]


STEP_ROLES: dict[str, str] = {
    StepKind.ADVISOR: Role.ADVISOR,
    StepKind.HR: Role.HR,
    StepKind.COMPLAINTS_COMMITTEE: Role.COMPLAINTS_COMMITTEE,
}


def route_view(
    *, organisation: Organisation, unit: Unit | None = None, excluded: set[int] | None = None,
    manager_involved: bool = False,
) -> RouteView:
    """The route with its people. `excluded` people (conflict of interest) are left out;
    with `manager_involved` the manager step is marked skipped and shows nobody."""
    excluded = excluded or set()
    route = route_config_for(organisation=organisation, unit=unit)
    configured = list(RouteStep.objects.filter(route=route)) if route else []
    contacts: list[ExternalBody] = []
    if configured:
        raw = [(s.kind, s.title or step_label(s.kind), s.description or default_step_text(s.kind),
                s.external_bodies) for s in configured if s.is_enabled]
        if any(s.kind == StepKind.EXTERNAL and s.is_enabled for s in configured):
            contacts = [contact_as_body(c) for c in RouteContact.objects.filter(route=route)]
    else:
        raw = [(kind, step_label(kind), str(text), list(EXTERNAL_BODIES)) for kind, text in DEFAULT_STEPS]
    steps: list[RouteStepView] = []
    by_role = _people_by_role(organisation, STEP_ROLES.values(), excluded)
    for kind, title, description, body_codes in raw:
        step = RouteStepView(kind=kind, title=title, description=description)
        if kind in STEP_ROLES:
            step.people = by_role[STEP_ROLES[kind]]
        elif kind == StepKind.MANAGER:
            if manager_involved:
                step.skipped = True
            elif unit is not None:
                managers = line_managers_of(unit_id=unit.pk, organisation_id=organisation.pk)
                step.people = [RoutePerson(m, None, False) for m in
                               managers.select_related("user") if m.pk not in excluded][:3]
        elif kind == StepKind.EXTERNAL:
            step.bodies = [EXTERNAL_BODIES[c] for c in (body_codes or []) if c in EXTERNAL_BODIES]
            step.bodies += contacts
        steps.append(step)
    return RouteView(organisation=organisation, route=route, steps=steps)


RECIPIENT_ORDER = (Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE)


def recipient_choices(*, organisation: Organisation, excluded: set[int] | None = None) -> list[RoutePerson]:
    """Everyone a reporter may pick as recipient: advisors first, then HR and committee."""
    excluded = excluded or set()
    seen: set[int] = set()
    people: list[RoutePerson] = []
    by_role = _people_by_role(organisation, RECIPIENT_ORDER, excluded)
    for role in RECIPIENT_ORDER:
        for person in by_role[role]:
            if person.membership.pk not in seen:
                seen.add(person.membership.pk)
                people.append(person)
    return people


def default_recipient(
    *, organisation: Organisation, unit: Unit | None = None, excluded: set[int] | None = None
) -> Membership | None:
    """The route's default recipient if available, else the first available advisor
    (internal before external), else HR, else the complaints committee."""
    excluded = excluded or set()
    route = route_config_for(organisation=organisation, unit=unit)
    if route is not None and route.default_recipient_id and route.default_recipient_id not in excluded:
        member = route.default_recipient
        if member is not None and member.is_active and UserKeyPair.objects.filter(
            user_id=member.user_id
        ).exists():
            return member
    for person in recipient_choices(organisation=organisation, excluded=excluded):
        if person.available:
            return person.membership
    return None


def involvable_people(*, organisation: Organisation) -> list[Membership]:
    """Who a reporter can name as involved on the public form (ADR 0030): only people whose
    involvement changes the routing — managers and everyone who can receive reports. Their names
    are part of the route anyway; the rest of the directory is not exposed to the public."""
    managed = {manager for _unit, manager in unit_manager_pairs(organisation_id=organisation.pk)}
    return list(
        active_memberships_in(organisation_id=organisation.pk)
        .filter(
            Q(pk__in=managed)
            | Q(roles__role__in=[Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.COORDINATOR])
        )
        .select_related("user").distinct().order_by("user__full_name")
    )

