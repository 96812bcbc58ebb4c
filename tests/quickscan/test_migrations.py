"""The data migration to bound links: a database of the previous version keeps working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from vangnet.quickscan import services

from .conftest import answer_all

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quickscan", "0001_initial")]
AFTER = [("quickscan", "0004_bound_links_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_rounds_links_and_answers_survive_and_old_links_count_like_shared_ones(
        organisation, coordinator):
    old = _migrate(BEFORE)
    Round = old.get_model("quickscan", "Round")
    RoundGroup = old.get_model("quickscan", "RoundGroup")
    Token = old.get_model("quickscan", "RespondentToken")
    Response = old.get_model("quickscan", "Response")
    round_ = Round.objects.create(organisation_id=organisation.pk, title="Oud", kind="groups",
                                  status="open", threshold=5)
    employees = RoundGroup.objects.create(round=round_, slug="employees",
                                          shared_token_hash="a" * 64)
    raw = "oude-link-nog-niet-gebruikt"
    Token.objects.create(group=employees, token_hash=services.hash_token(raw))
    spent = Token.objects.create(group=employees, token_hash="b" * 64, spent=True)
    for value in (1, 2, 3, 4, 5):  # five answers from before: nobody knows through which link
        Response.objects.create(round=round_, group=employees, submitted=True,
                                answers={"1.1": value})
    Response.objects.create(round=round_, group=employees, draft_key_hash="c" * 64,
                            answers={"1.1": 3})

    _migrate(AFTER)
    from vangnet.quickscan.models import RespondentToken
    from vangnet.quickscan.models import Response as NewResponse
    assert set(RespondentToken.objects.values_list("round_id", flat=True)) == {round_.pk}
    assert RespondentToken.objects.get(pk=spent.pk).membership_id is None
    channels = sorted(NewResponse.objects.values_list("channel", flat=True))
    assert channels == ["shared"] + ["unbound"] * 5
    # The old unbound link still works until the round closes; its answer counts as unbound.
    link = f"/o/{organisation.slug}/quickscan/invullen/{raw}/"
    assert answer_all(Client(), link, default=4).status_code == 200
    assert NewResponse.objects.filter(submitted=True, channel="unbound").count() == 6
    from vangnet.organisations.selectors import actor_for
    from vangnet.quickscan.models import Round as NewRound
    from vangnet.quickscan.selectors import round_results
    closed = services.round_close(actor=actor_for(coordinator),
                                  round_=NewRound.objects.get(pk=round_.pk))
    results = round_results(round_=closed)
    # Six answers, none through a bound link: treated as too small (ADR 0053) ...
    assert results.respondents is None
    assert [(g.answers, g.unbound, g.status) for g in results.intake] == [
        (6, 6, "too_few_bound")]
    assert Client().get(link).status_code == 404  # ... and the old link stops at closing.
