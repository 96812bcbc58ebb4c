"""The workshop evaluation as the survey engine's third instrument (ADR 0080, 0120): a held
session is a round with bound links for its participants, answers are cut loose on submission,
the round closes a month after the session, and evaluations from before migrate unchanged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from vangnet.workshops import selectors, services
from vangnet.workshops.models import (
    EvaluationLink,
    EvaluationResponse,
    EvaluationRound,
    Registration,
    Session,
)


def _held(ready: Any, n: int) -> list[Any]:
    people = ready.members(n)
    for person in people:
        services.register(actor=ready.actor(person), session=ready.session)
    Session.objects.filter(pk=ready.session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    ready.session.refresh_from_db()
    services.session_mark_held(actor=ready.boss, session=ready.session)
    ready.session.refresh_from_db()
    return people


@pytest.mark.django_db
def test_marking_held_opens_a_round_with_a_bound_link_per_participant_in_membership_order(
        ready: Any) -> None:
    people = _held(ready, 6)
    round_ = EvaluationRound.objects.get(session=ready.session)
    assert round_.is_open and round_.instrument_version == 1 and round_.threshold == 5
    links = list(EvaluationLink.objects.filter(round=round_).order_by("pk"))
    assert [link.membership_id for link in links] == sorted(p.pk for p in people)
    assert not any(link.spent or link.token_hash for link in links)  # never e-mailed
    # The last to answer first: their link is spent, no other; the ids say nothing of the order.
    services.evaluate(actor=ready.actor(people[-1]), session=ready.session, useful=5, safe=5,
                      facilitation=5)
    assert [link.spent for link in EvaluationLink.objects.filter(round=round_).order_by("pk")] == (
        [False] * 5 + [True])
    assert EvaluationResponse.objects.filter(round=round_, submitted=True).count() == 1


@pytest.mark.django_db
def test_the_round_closes_a_month_after_and_answers_stay_counted(ready: Any) -> None:
    people = _held(ready, 6)
    for person in people[:5]:
        services.evaluate(actor=ready.actor(person), session=ready.session, useful=4, safe=3,
                          facilitation=5)
    before = selectors.pool_figures(actor=ready.boss, pool=ready.pool).offers[0].sessions[0].means
    assert before == {"useful": 4.0, "safe": 3.0, "facilitation": 5.0}
    assert services.evaluations_close(now=timezone.now() + timedelta(days=29)) == 0
    old_ids = set(EvaluationResponse.objects.values_list("pk", flat=True))
    assert services.evaluations_close(now=timezone.now() + timedelta(days=31)) == 1
    round_ = EvaluationRound.objects.get(session=ready.session)
    assert not round_.is_open
    assert not set(EvaluationResponse.objects.values_list("pk", flat=True)) & old_ids  # rewritten
    assert all(link.spent for link in EvaluationLink.objects.filter(round=round_))
    after = selectors.pool_figures(actor=ready.boss, pool=ready.pool).offers[0].sessions[0].means
    assert after == before
    with pytest.raises(ValidationError, match="gesloten"):
        services.evaluate(actor=ready.actor(people[5]), session=ready.session, useful=1, safe=1,
                          facilitation=1)
    assert services.evaluations_close(now=timezone.now() + timedelta(days=31)) == 0


@pytest.mark.django_db
def test_a_draft_never_counts_in_the_figures(ready: Any) -> None:
    people = _held(ready, 5)
    for person in people[:4]:
        services.evaluate(actor=ready.actor(person), session=ready.session, useful=2, safe=2,
                          facilitation=2)
    round_ = EvaluationRound.objects.get(session=ready.session)
    link = EvaluationLink.objects.get(round=round_, membership=people[4])
    EvaluationResponse.objects.create(round=round_, group=link.group, token=link,
                                      answers={"useful": 1, "safe": 1, "facilitation": 1})
    figures = selectors.pool_figures(actor=ready.boss, pool=ready.pool).offers[0]
    assert figures.sessions[0].answered.display != "5" and figures.sessions[0].means is None


# --- the data migration -----------------------------------------------------------------------

BEFORE = [("workshops", "0003_evaluation_on_the_survey_engine")]
LATEST = [("workshops", "0005_remove_evaluation")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_evaluations_become_engine_responses_with_the_same_scores_and_figures(ready: Any) -> None:
    people = _held(ready, 7)
    old = _migrate(BEFORE)
    OldEvaluation = old.get_model("workshops", "Evaluation")
    OldRound = old.get_model("workshops", "EvaluationRound")
    OldRound.objects.all().delete()  # the database of the previous version had no rounds
    scores = [(5, 4, 5), (4, 4, 4), (3, 5, 4), (5, 5, 5), (2, 3, 4)]
    for row in scores:
        OldEvaluation.objects.create(session_id=ready.session.pk, useful=row[0], safe=row[1],
                                     facilitation=row[2])
    Registration.objects.filter(membership__in=people[:5]).update(evaluated=True)
    _migrate(LATEST)

    round_ = EvaluationRound.objects.get(session=ready.session)
    assert round_.is_open and round_.instrument_version == 1
    answers = sorted(tuple(r.answers[i] for i in ("useful", "safe", "facilitation"))
                     for r in EvaluationResponse.objects.filter(round=round_))
    assert answers == sorted(scores)
    assert all(r.submitted and r.token_id is None and r.channel == "personal"
               for r in EvaluationResponse.objects.filter(round=round_))
    spent = dict(EvaluationLink.objects.filter(round=round_).values_list("membership_id", "spent"))
    assert spent == {p.pk: i < 5 for i, p in enumerate(people)}
    means = selectors.pool_figures(actor=ready.boss, pool=ready.pool).offers[0].sessions[0].means
    assert means == {"useful": 3.8, "safe": 4.2, "facilitation": 4.4}
    # Who had evaluated cannot again; who had not can, through the engine.
    with pytest.raises(ValidationError):
        services.evaluate(actor=ready.actor(people[0]), session=ready.session, useful=1, safe=1,
                          facilitation=1)
    services.evaluate(actor=ready.actor(people[5]), session=ready.session, useful=1, safe=1,
                      facilitation=1)
    assert EvaluationResponse.objects.filter(round=round_, submitted=True).count() == 6

    # And back: the responses become evaluations again.
    back = _migrate(BEFORE)
    assert back.get_model("workshops", "Evaluation").objects.count() == 6
    _migrate(LATEST)
