"""Demo data: one closed round with realistic group sizes (one group under the threshold) and
answers, an open round that is still collecting, and two actions. Idempotent: rounds are found by
title. Answers are drawn from a fixed random seed, so the demo report is the same every time.

Like real rounds, the demo's personal links are bound to members (ADR 0053): the demo adds
fictional participants ("Deelnemer 01" …) to the organisation and invites them per group. It
answers through their bound links directly (no e-mail needed for the ones who answered); the
invited members of the open round who have not answered get their link by e-mail as soon as a
task worker runs. A few employees answered the closed round through the shared link: they are in
the figures, and the report shows how many, but they did not help any group over the threshold.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation

from vangnet.organisations.public import Role, actor_for, membership_create, units_in

from . import services
from .content import instrument
from .models import RespondentToken, Response, RiskAcceptance, Round, RoundGroup
from .selectors import round_results

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership, Organisation

CLOSED_TITLE = "Quickscan voorjaar 2026"
OPEN_TITLE = "Quickscan najaar 2026"
COORDINATOR_EMAIL = "coordinator@demo.vangnet.nl"
OWNER_EMAIL = "hr@demo.vangnet.nl"
PARTICIPANT_EMAIL = "deelnemer{number:02d}@demo.vangnet.nl"

# Per group: how many answer, and how rosy they see each pillar (mean answer on 1–5).
# Management sees things more positively than the shop floor, most of all on handling reports.
CLOSED_GROUPS = {
    "management": (7, {1: 4.3, 2: 4.0, 3: 4.2, 4: 4.1}),
    "hr": (3, {1: 3.9, 2: 3.6, 3: 3.5, 4: 3.4}),  # under the threshold: left out of every figure
    "or": (6, {1: 3.4, 2: 2.9, 3: 3.0, 4: 2.6}),
    "employees": (24, {1: 3.5, 2: 2.8, 3: 2.9, 4: 2.3}),
}
# Of the employees above, this many answered through the group's shared link.
CLOSED_SHARED = {"employees": 4}
# Open round: per group, how many members are invited and how many answered so far.
OPEN_GROUPS = {"management": (7, 3), "employees": (20, 8)}
PARTICIPANT_UNITS = {"management": "DIR", "hr": "BV-HR", "or": "SD-WMO",
                     "employees": "SD-JGD"}


def _answers(rng: random.Random, means: dict[int, float]) -> dict[str, int]:
    answers = {}
    for statement in instrument().statements:
        if rng.random() < 0.07:
            answers[statement.code] = 0  # "weet ik niet"
            continue
        value = round(rng.gauss(means[statement.pillar], 0.8))
        answers[statement.code] = min(5, max(1, value))
    return answers


def _participants(organisation: Organisation) -> dict[str, list[Membership]]:
    """Fictional members per quickscan group (as many as the closed round needs)."""
    units = {u.code: u for u in units_in(organisation_id=organisation.pk)}
    number = 0
    per_group: dict[str, list[Membership]] = {}
    for slug, (count, _means) in CLOSED_GROUPS.items():
        bound = count - CLOSED_SHARED.get(slug, 0)
        per_group[slug] = []
        for _ in range(bound):
            number += 1
            per_group[slug].append(membership_create(
                organisation=organisation, email=PARTICIPANT_EMAIL.format(number=number),
                full_name=f"Deelnemer {number:02d}", roles=[Role.EMPLOYEE],
                unit=units.get(PARTICIPANT_UNITS[slug])))
    return per_group


def _answer_bound(token: RespondentToken, answers: dict[str, int]) -> None:
    response = services.draft_for_token(token=token)
    services.answers_save(response=response, answers=answers)
    services.response_submit(response=response)


def _answer_shared(group: RoundGroup, answers: dict[str, int]) -> None:
    response, _key = services.draft_for_shared_link(group=group, draft_key=None)
    services.answers_save(response=response, answers=answers)
    services.response_submit(response=response)


def _invite(actor: Any, group: RoundGroup, members: list[Membership]) -> list[RespondentToken]:
    services.invitees_add(actor=actor, group=group, membership_ids=[m.pk for m in members])
    return list(RespondentToken.objects.filter(group=group, membership__in=members)
                .order_by("membership__user__email"))


MIGRATED_REASON = ("Deze ronde liep voordat Vangnet de links zelf naar mensen stuurde. De uitkomsten "
                   "zijn toen al met de ondernemingsraad besproken; we houden ze zichtbaar.")


def _accept_risk_for_a_migrated_round(actor: Any, organisation: Organisation) -> None:
    """A demo database of a version before bound links: its closed round has only unbound
    answers, which no longer count (ADR 0053). The demo organisation accepts that risk in
    writing, as a real one could, so the old report still tells its story and shows why.
    """
    closed = Round.objects.filter(organisation=organisation, title=CLOSED_TITLE).first()
    if (closed is None or closed.is_open or RiskAcceptance.objects.filter(round=closed).exists()
            or Response.objects.filter(round=closed, channel=Response.Channel.PERSONAL).exists()):
        return
    with translation.override("nl"):
        services.shared_risk_accept(
            actor=actor, round_=closed, reason=MIGRATED_REASON,
            confirmed_statement=services.shared_risk_statement(round_=closed, k=closed.threshold))


@transaction.atomic
def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    coordinator = people.get(COORDINATOR_EMAIL)
    if coordinator is None:
        return
    actor = actor_for(coordinator)
    rng = random.Random(2026)  # noqa: S311 - reproducible demo answers, not security
    participants = _participants(organisation)
    if not Round.objects.filter(organisation=organisation, title=CLOSED_TITLE).exists():
        closed = services.round_start(actor=actor, title=CLOSED_TITLE,
                                      group_slugs=list(CLOSED_GROUPS))
        for group in closed.groups.all():
            count, means = CLOSED_GROUPS[group.slug]
            tokens = _invite(actor, group, participants[group.slug])
            if CLOSED_SHARED.get(group.slug):
                services.shared_link_create(actor=actor, group=group)
            for index in range(count):
                if index < len(tokens):
                    _answer_bound(tokens[index], _answers(rng, means))
                else:
                    _answer_shared(group, _answers(rng, means))
        services.round_close(actor=actor, round_=closed)

        priorities = round_results(round_=closed).priorities
        owner = people.get(OWNER_EMAIL)
        for index, priority in enumerate(priorities[:2]):
            action = services.action_create_from_priority(
                actor=actor, round_=closed, statement_code=priority.statement.code)
            services.action_update(actor=actor, action=action, title=action.title,
                                   description=action.description, owner=owner,
                                   due_date=None,
                                   status="in_progress" if index == 0 else "open")
    _accept_risk_for_a_migrated_round(actor, organisation)
    if not Round.objects.filter(organisation=organisation, title=OPEN_TITLE).exists():
        running = services.round_start(actor=actor, title=OPEN_TITLE,
                                       group_slugs=list(OPEN_GROUPS))
        for group in running.groups.all():
            means = CLOSED_GROUPS[group.slug][1]
            invited, answered = OPEN_GROUPS[group.slug]
            tokens = _invite(actor, group, participants[group.slug][:invited])
            for token in tokens[:answered]:
                _answer_bound(token, _answers(rng, {k: v + 0.3 for k, v in means.items()}))
