"""Demo data: one closed round with realistic group sizes (one group under the threshold) and
answers, an open round that is still collecting, and two actions. Idempotent: rounds are found by
title. Answers are drawn from a fixed random seed, so the demo report is the same every time.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from vangnet.organisations.models import Membership, Organisation
from vangnet.organisations.selectors import actor_for

from . import services
from .content import instrument
from .models import Round, RoundGroup

CLOSED_TITLE = "Quickscan voorjaar 2026"
OPEN_TITLE = "Quickscan najaar 2026"
COORDINATOR_EMAIL = "coordinator@demo.vangnet.nl"
OWNER_EMAIL = "hr@demo.vangnet.nl"

# Per group: how many answer, and how rosy they see each pillar (mean answer on 1–5).
# Management sees things more positively than the shop floor, most of all on handling reports.
CLOSED_GROUPS = {
    "management": (7, {1: 4.3, 2: 4.0, 3: 4.2, 4: 4.1}),
    "hr": (3, {1: 3.9, 2: 3.6, 3: 3.5, 4: 3.4}),  # under the threshold: left out of every figure
    "or": (6, {1: 3.4, 2: 2.9, 3: 3.0, 4: 2.6}),
    "employees": (24, {1: 3.5, 2: 2.8, 3: 2.9, 4: 2.3}),
}
OPEN_GROUPS = {"management": 3, "employees": 8}


def _answers(rng: random.Random, means: dict[int, float]) -> dict[str, int]:
    answers = {}
    for statement in instrument().statements:
        if rng.random() < 0.07:
            answers[statement.code] = 0  # "weet ik niet"
            continue
        value = round(rng.gauss(means[statement.pillar], 0.8))
        answers[statement.code] = min(5, max(1, value))
    return answers


def _answer(actor: Any, group: RoundGroup, answers: dict[str, int]) -> None:
    [raw] = services.tokens_create(actor=actor, group=group, count=1)
    from .selectors import token_get_open

    token = token_get_open(organisation=group.round.organisation, raw=raw)
    assert token is not None  # noqa: S101 - just created
    response = services.draft_for_token(token=token)
    services.answers_save(response=response, answers=answers)
    services.response_submit(response=response)


@transaction.atomic
def seed(*, organisation: Organisation, people: dict[str, Membership]) -> None:
    coordinator = people.get(COORDINATOR_EMAIL)
    if coordinator is None:
        return
    actor = actor_for(coordinator)
    rng = random.Random(2026)  # noqa: S311 - reproducible demo answers, not security
    if not Round.objects.filter(organisation=organisation, title=CLOSED_TITLE).exists():
        closed = services.round_start(actor=actor, title=CLOSED_TITLE,
                                      group_slugs=list(CLOSED_GROUPS))
        for group in closed.groups.all():
            count, means = CLOSED_GROUPS[group.slug]
            for _ in range(count):
                _answer(actor, group, _answers(rng, means))
        services.round_close(actor=actor, round_=closed)
        from .selectors import round_results

        priorities = round_results(round_=closed).priorities
        owner = people.get(OWNER_EMAIL)
        for index, priority in enumerate(priorities[:2]):
            action = services.action_create_from_priority(
                actor=actor, round_=closed, statement_code=priority.statement.code)
            services.action_update(actor=actor, action=action, title=action.title,
                                   description=action.description, owner=owner,
                                   due_date=None,
                                   status="in_progress" if index == 0 else "open")
    if not Round.objects.filter(organisation=organisation, title=OPEN_TITLE).exists():
        running = services.round_start(actor=actor, title=OPEN_TITLE,
                                       group_slugs=list(OPEN_GROUPS))
        for group in running.groups.all():
            means = CLOSED_GROUPS[group.slug][1]
            for _ in range(OPEN_GROUPS[group.slug]):
                _answer(actor, group, _answers(rng, {k: v + 0.3 for k, v in means.items()}))
