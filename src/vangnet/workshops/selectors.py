"""Every read of workshops, scoped to the asking actor (404 when hidden) or, for other apps, to
one organisation. Figures about people go through `core.anonymity` (ADR 0085)."""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.core import anonymity
from vangnet.core.anonymity import Cell
from vangnet.organisations.public import Role, members_with_role

from . import permissions
from .models import (
    EVALUATION_ITEMS,
    Audience,
    EvaluationResponse,
    Facilitator,
    Offer,
    Pool,
    PoolMember,
    Reflection,
    Registration,
    Session,
    WorkshopRequest,
)

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership
    from vangnet.organisations.public import Actor

# A facilitator trained longer ago than this needs a refresher (the pilot's advice: keep training).
REFRESHER_AFTER = timedelta(days=2 * 365)


def pool_organisation_ids(pool: Pool) -> set[int]:
    return {pool.organisation_id, *PoolMember.objects.filter(pool=pool).values_list(
        "organisation_id", flat=True)}


def pools_for_actor(*, actor: Actor) -> QuerySet[Pool]:
    """The pools whose sessions this person may see: kept by or joined by their organisation."""
    return Pool.objects.filter(Q(organisation_id=actor.organisation_id)
                               | Q(joined__organisation_id=actor.organisation_id)).distinct()


def pools_managed(*, actor: Actor) -> QuerySet[Pool]:
    if not actor.has("coordinator"):
        return Pool.objects.none()
    return Pool.objects.filter(organisation_id=actor.organisation_id)


def pool_get_for_actor(*, actor: Actor, pk: int, manage: bool = False) -> Pool:
    pool = pools_for_actor(actor=actor).filter(pk=pk).first()
    if pool is None:
        raise Http404
    if manage and not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    return pool


def offer_get_for_actor(*, actor: Actor, pk: int, manage: bool = False) -> Offer:
    offer = Offer.objects.select_related("pool").filter(
        pk=pk, pool__in=pools_for_actor(actor=actor)).first()
    if offer is None:
        raise Http404
    if manage and not permissions.can_manage_pool(actor, pool_organisation_id=offer.pool.organisation_id):
        raise Http404
    return offer


def _sessions() -> QuerySet[Session]:
    return Session.objects.select_related(
        "offer", "offer__pool", "facilitator_a__membership__user",
        "facilitator_b__membership__user").annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")))


def duo_membership_ids(session: Session) -> tuple[int | None, int | None]:
    a = session.facilitator_a.membership_id if session.facilitator_a else None
    b = session.facilitator_b.membership_id if session.facilitator_b else None
    return a, b


def session_get_for_actor(*, actor: Actor, pk: int) -> Session:
    """A session of a pool this person may see, or one they facilitate (a facilitator of a shared
    pool may belong to yet another organisation of it)."""
    session = _sessions().filter(pk=pk).filter(
        Q(offer__pool__in=pools_for_actor(actor=actor))
        | Q(facilitator_a__membership_id=actor.membership_id)
        | Q(facilitator_b__membership_id=actor.membership_id)).first()
    if session is None:
        raise Http404
    return session


def upcoming_sessions_for_actor(*, actor: Actor) -> QuerySet[Session]:
    """Open sessions of the actor's pools (in-company ones only for their unit), soonest first."""
    visible = Q(for_unit__isnull=True)
    if actor.unit_id is not None:
        visible |= Q(for_unit_id=actor.unit_id)
    return _sessions().filter(offer__pool__in=pools_for_actor(actor=actor),
                              status=Session.Status.PLANNED,
                              starts_at__gte=timezone.now()).filter(visible)


def sessions_led_by(*, actor: Actor) -> QuerySet[Session]:
    return _sessions().filter(Q(facilitator_a__membership_id=actor.membership_id)
                              | Q(facilitator_b__membership_id=actor.membership_id)).exclude(
        status=Session.Status.CANCELLED)


def sessions_of_pool(*, actor: Actor, pool: Pool) -> QuerySet[Session]:
    if not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    return _sessions().filter(offer__pool=pool)


def registration_of(*, actor: Actor, session: Session) -> Registration | None:
    return Registration.objects.filter(session=session, membership_id=actor.membership_id).exclude(
        status=Registration.Status.CANCELLED).first()


def registrations_of_actor(*, actor: Actor) -> dict[int, Registration]:
    rows = Registration.objects.filter(membership_id=actor.membership_id).exclude(
        status=Registration.Status.CANCELLED)
    return {r.session_id: r for r in rows}


def participants_for_actor(*, actor: Actor, session: Session) -> list[Registration]:
    """The participant list: for the session's duo only (never a manager, not the coordinator)."""
    if not permissions.can_see_participants(actor, duo_membership_ids=duo_membership_ids(session)):
        raise Http404
    return list(Registration.objects.filter(session=session).exclude(
        status=Registration.Status.CANCELLED).select_related("membership__user").order_by(
        "status", "created_at", "pk"))


def waiting_position(registration: Registration) -> int:
    return Registration.objects.filter(
        session_id=registration.session_id, status=Registration.Status.WAITING).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)).count() + 1


# --- the pool ---------------------------------------------------------------------------------


@dataclass
class FacilitatorRow:
    facilitator: Facilitator
    sessions_led: int
    needs_refresher: bool


@dataclass
class PoolOverview:
    size: int
    trained: int
    line: int
    facilitation: int
    rows: list[FacilitatorRow] = field(default_factory=list)

    @property
    def refresher(self) -> list[FacilitatorRow]:
        return [row for row in self.rows if row.needs_refresher]


def pool_overview(*, actor: Actor, pool: Pool, today: date | None = None) -> PoolOverview:
    """Size, training and activity of the pool, and who needs a refresher (coordinator only).
    These are the facilitators' own working data (named, with their consent as pool members),
    not figures about participants: no suppression."""
    if not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    today = today or timezone.localdate()
    year_ago = timezone.now() - timedelta(days=365)
    facilitators = list(Facilitator.objects.filter(pool=pool, active=True).select_related(
        "membership__user", "membership__organisation").annotate(
        led_a=Count("session_a", filter=Q(session_a__status="held", session_a__starts_at__gte=year_ago),
                    distinct=True),
        led_b=Count("session_b", filter=Q(session_b__status="held", session_b__starts_at__gte=year_ago),
                    distinct=True)).order_by("membership__user__full_name"))
    rows = [FacilitatorRow(
        facilitator=f, sessions_led=f.led_a + f.led_b,
        needs_refresher=f.trained_on is None or today - f.trained_on > REFRESHER_AFTER)
        for f in facilitators]
    return PoolOverview(size=len(rows), trained=sum(1 for f in facilitators if f.trained_on),
                        line=sum(1 for f in facilitators if f.line_experience),
                        facilitation=sum(1 for f in facilitators if f.facilitation_experience),
                        rows=rows)


def facilitators_of(*, pool: Pool) -> QuerySet[Facilitator]:
    return Facilitator.objects.filter(pool=pool, active=True).select_related("membership__user")


def inactive_facilitators_of(*, actor: Actor, pool: Pool) -> QuerySet[Facilitator]:
    if not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    return Facilitator.objects.filter(pool=pool, active=False).select_related(
        "membership__user", "membership__organisation").order_by("membership__user__full_name")


def facilitator_get_for_actor(*, actor: Actor, pk: int) -> Facilitator:
    """A facilitator's profile, for the coordinator of the pool's keeping organisation only."""
    found = Facilitator.objects.select_related(
        "pool", "membership__user", "membership__organisation").filter(pk=pk).first()
    if found is None or not permissions.can_manage_pool(
            actor, pool_organisation_id=found.pool.organisation_id):
        raise Http404
    return found


def planned_sessions_with(*, facilitator: Facilitator) -> QuerySet[Session]:
    """Planned sessions this facilitator is in (to be given another duo when they stop)."""
    return Session.objects.filter(Q(facilitator_a=facilitator) | Q(facilitator_b=facilitator),
                                  status=Session.Status.PLANNED).select_related("offer")


# People who may join a pool are members with the facilitator role in one of its organisations;
# at most this many are shown at once (a search narrows the rest), as in cases' recipient picker.
PICKER_LIMIT = 25


def facilitator_candidates(*, pool: Pool) -> QuerySet[Membership]:
    """Active members holding the workshop facilitator role in an organisation of the pool,
    who are not in the pool yet (active or not)."""
    in_pool = Facilitator.objects.filter(pool=pool).values("membership_id")
    per_organisation = [members_with_role(organisation_id=pk, role=Role.FACILITATOR)
                        for pk in sorted(pool_organisation_ids(pool))]
    return (reduce(operator.or_, per_organisation).exclude(pk__in=in_pool)
            .select_related("user", "organisation").order_by("user__full_name", "user__email", "pk"))


def candidates_matching(candidates: QuerySet[Membership], query: str) -> list[Membership]:
    """At most PICKER_LIMIT candidates whose name, e-mail address or job title matches."""
    query = query.strip()[:100]
    if query:
        candidates = candidates.filter(Q(user__full_name__icontains=query)
                                       | Q(user__email__icontains=query)
                                       | Q(job_title__icontains=query))
    return list(candidates[:PICKER_LIMIT])


def may_facilitate(*, organisation_id: int, membership_id: int) -> bool:
    return members_with_role(organisation_id=organisation_id, role=Role.FACILITATOR).filter(
        pk=membership_id).exists()


def offers_of(*, pool: Pool) -> QuerySet[Offer]:
    return Offer.objects.filter(pool=pool)


def open_requests(*, actor: Actor, pool: Pool) -> QuerySet[WorkshopRequest]:
    if not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    return WorkshopRequest.objects.filter(pool=pool, status=WorkshopRequest.Status.OPEN).select_related(
        "unit", "organisation")


def reflections_of_offer(*, actor: Actor, offer: Offer) -> QuerySet[Reflection]:
    if not permissions.can_manage_pool(actor, pool_organisation_id=offer.pool.organisation_id):
        raise Http404
    return Reflection.objects.filter(session__offer=offer).select_related(
        "session", "facilitator__membership__user").order_by("-session__starts_at")


# --- figures (ADR 0085) -------------------------------------------------------------------------

@dataclass
class SessionScores:
    session: Session
    answered: Cell
    means: dict[str, float] | None  # None: fewer than k evaluations


@dataclass
class OfferFigures:
    offer: Offer
    held: int
    participants: Cell
    fill_rate: float | None
    referrals: Cell
    sessions: list[SessionScores]
    offer_means: dict[str, float] | None
    merged_small: bool


@dataclass
class PoolFigures:
    offers: list[OfferFigures]
    by_audience: dict[str, Cell]
    managers: Cell
    employees: Cell
    manager_share: float | None


def _means(rows: list[tuple[int, int, int]]) -> dict[str, float] | None:
    result: dict[str, float] = {}
    for i, item in enumerate(EVALUATION_ITEMS):
        mean = anonymity.mean_if_allowed([row[i] for row in rows])
        if mean is None:
            return None
        result[item] = round(mean, 1)
    return result


def pool_figures(*, actor: Actor, pool: Pool) -> PoolFigures:
    """The coordinator's figures. Per session the evaluation is shown only from k answers; per
    offer the sessions below k count only when at least two of them together reach k (a group
    plan: otherwise the offer's mean minus the shown sessions would give a small one away).
    Counts of participants and referrals are suppressed as counts (with their totals)."""
    if not permissions.can_manage_pool(actor, pool_organisation_id=pool.organisation_id):
        raise Http404
    sessions = list(_sessions().filter(offer__pool=pool, status=Session.Status.HELD).annotate(
        referral_count=Count("referrals", distinct=True)))
    evaluations: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    # The engine's submitted answers of each session's round (drafts never count).
    for session_id, answers in EvaluationResponse.objects.filter(
            round__session__in=sessions, submitted=True).values_list("round__session_id", "answers"):
        useful, safe, facilitation = (int(answers[item]) for item in EVALUATION_ITEMS)
        evaluations[session_id].append((useful, safe, facilitation))
    audience_counts: dict[str, int] = dict.fromkeys(Audience.values, 0)
    role_counts = {"managers": 0, "employees": 0}
    for audience, is_manager, n in Registration.objects.filter(
            session__in=sessions, status=Registration.Status.REGISTERED).values_list(
            "session__offer__audience", "is_manager").annotate(n=Count("pk")):
        audience_counts[audience] += n
        role_counts["managers" if is_manager else "employees"] += n
    offers: list[OfferFigures] = []
    for offer in Offer.objects.filter(pool=pool):
        held = [s for s in sessions if s.offer_id == offer.pk]
        participants = sum(s.seats_taken for s in held)  # type: ignore[attr-defined]
        seats = sum(offer.max_participants for _ in held)
        plan = anonymity.groups_to_report({s.pk: len(evaluations[s.pk]) for s in held})
        included = [row for pk in plan.included for row in evaluations[pk]]
        offers.append(OfferFigures(
            offer=offer, held=len(held), participants=anonymity.total_cell(participants),
            fill_rate=(anonymity.percentage_if_allowed(participants, seats) if seats else None),
            referrals=anonymity.total_cell(sum(s.referral_count for s in held)),
            sessions=[SessionScores(session=s, answered=anonymity.total_cell(len(evaluations[s.pk])),
                                    means=_means(evaluations[s.pk]) if s.pk in plan.alone else None)
                      for s in held],
            offer_means=_means(included) if included else None, merged_small=plan.has_merged))
    roles = anonymity.suppress_counts(role_counts)
    total = role_counts["managers"] + role_counts["employees"]
    return PoolFigures(
        offers=offers, by_audience=anonymity.suppress_counts(audience_counts),
        managers=roles["managers"], employees=roles["employees"],
        manager_share=anonymity.percentage_if_allowed(role_counts["managers"], total) if total else None)


# --- for other apps (signals) -----------------------------------------------------------------


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def participation_per_unit(*, organisation_id: int, since: date | None = None
                           ) -> dict[str, dict[int | None, Cell]]:
    """Workshop participation of one organisation's members, per quarter of the session and per
    unit the member was in when registering: {"2026-Q4": {unit id: Cell}}; unit None is "no unit".

    Only sessions that were held count, and only this organisation's own members (a shared pool's
    other organisations are not counted here). Each quarter is a vector with its total, suppressed
    by `core.anonymity.suppress_counts` (small units hidden, and a second one where the quarter's
    total would give a single hidden unit away). Quarters are closed periods, so no figure changes
    by a single person while someone watches it."""
    rows = Registration.objects.filter(
        organisation_id=organisation_id, status=Registration.Status.REGISTERED,
        session__status=Session.Status.HELD)
    if since is not None:
        rows = rows.filter(session__starts_at__date__gte=since)
    counts: dict[str, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, starts_at in rows.values_list("unit_id", "session__starts_at"):
        counts[_quarter(timezone.localtime(starts_at).date())][unit_id] += 1
    return {quarter: anonymity.suppress_counts(dict(per_unit))
            for quarter, per_unit in sorted(counts.items())}


def request_get_for_actor(*, actor: Actor, pk: int) -> WorkshopRequest:
    found = WorkshopRequest.objects.select_related("pool", "unit").filter(
        pk=pk, pool__in=pools_managed(actor=actor), status=WorkshopRequest.Status.OPEN).first()
    if found is None:
        raise Http404
    return found
