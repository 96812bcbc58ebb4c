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
AFTER = [("quickscan", "0009_organisation_group_names")]


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


VERSION_1 = [("quickscan", "0004_bound_links_required")]
VERSION_2 = [("quickscan", "0009_organisation_group_names")]


def test_rounds_from_before_version_2_keep_their_results_and_trend_and_a_new_round_shows_the_break(
        client, organisation, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    old = _migrate(VERSION_1)
    Round = old.get_model("quickscan", "Round")
    RoundGroup = old.get_model("quickscan", "RoundGroup")
    Response = old.get_model("quickscan", "Response")
    Action = old.get_model("quickscan", "Action")
    v1_codes = [f"{p}.{i}" for p in (1, 2, 3, 4) for i in range(1, 7)]
    rounds = []
    for title, value in (("Voorjaar", 2), ("Najaar", 4)):
        round_ = Round.objects.create(organisation_id=organisation.pk, title=title, kind="groups",
                                      status="closed", threshold=5, closed_at=timezone.now())
        employees = RoundGroup.objects.create(round=round_, slug="employees")
        for _ in range(5):
            Response.objects.create(round=round_, group=employees, submitted=True,
                                    channel="personal", answers=dict.fromkeys(v1_codes, value))
        rounds.append(round_)
    Round.objects.filter(pk=rounds[0].pk).update(created_at=timezone.now() - timedelta(days=200))
    Round.objects.filter(pk=rounds[1].pk).update(created_at=timezone.now() - timedelta(days=100))
    split = Action.objects.create(organisation_id=organisation.pk, round=rounds[1],
                                  statement_code="1.3", pillar=1, title="Gedragscode")
    moved = Action.objects.create(organisation_id=organisation.pk, round=rounds[1],
                                  statement_code="3.5", pillar=3, title="Zorgvuldig")

    _migrate(VERSION_2)
    from vangnet.quickscan.models import Action as NewAction
    from vangnet.quickscan.models import Round as NewRound
    from vangnet.quickscan.models import RoundGroup as NewGroup
    from vangnet.quickscan.selectors import round_results, statement_trend, trend

    assert set(NewRound.objects.values_list("instrument_version", flat=True)) == {1}
    assert NewAction.objects.get(pk=split.pk).statement_code == "1.4"
    assert NewAction.objects.get(pk=moved.pk).statement_code == "3.7"
    autumn = NewRound.objects.get(pk=rounds[1].pk)
    results = round_results(round_=autumn)
    # Version 1 answers are still read with version 1: 24 statements, all 4 → 75; spring all 2 → 25.
    assert len(results.statements) == 24
    assert [p.overall for p in results.pillars] == [75, 75, 75, 75]
    previous, rows = trend(round_=autumn, results=results)
    assert previous.pk == rounds[0].pk
    assert [(r.previous, r.current, r.comparable) for r in rows] == [(25, 75, True)] * 4

    # A new round on version 2 after it: its pillars are a break in the trend, and the statements
    # that ask the same thing are compared one by one.
    new = NewRound.objects.create(organisation_id=organisation.pk, title="Voorjaar 2027",
                                  kind="groups", status="closed", threshold=5,
                                  closed_at=timezone.now())
    assert new.instrument_version == 2
    group_ = NewGroup.objects.create(round=new, slug="employees")
    from vangnet.quickscan.content import instrument
    from vangnet.quickscan.models import Response as NewResponse
    for _ in range(5):
        NewResponse.objects.create(round=new, group=group_, submitted=True, channel="personal",
                                   answers=dict.fromkeys(instrument(2).codes, 5))
    results = round_results(round_=new)
    assert len(results.statements) == 32
    previous, rows = trend(round_=new, results=results)
    assert previous.pk == autumn.pk
    assert all(not r.comparable and r.previous is None for r in rows)
    compared = statement_trend(round_=new, previous=previous, results=results)
    assert [(r.code, r.previous_code, r.previous) for r in compared] == [
        ("1.3", "1.2", 75), ("1.5", "1.4", 75), ("2.5", "2.4", 75), ("3.1", "3.1", 75),
        ("4.1", "4.1", 75)]
    client.force_login(coordinator.user)
    page = client.get(f"/o/{organisation.slug}/quickscan/rondes/{new.pk}/rapport/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-trend-break" in html and "(was 1.2)" in html and "Breuk in de trend" in html
    old_page = client.get(f"/o/{organisation.slug}/quickscan/rondes/{autumn.pk}/rapport/")
    assert old_page.status_code == 200 and "data-trend-break" not in old_page.content.decode()


BEFORE_SNAPSHOT = [("quickscan", "0005_instrument_version")]
WITH_SNAPSHOT = [("quickscan", "0009_organisation_group_names")]


def test_closed_rounds_get_their_snapshot_and_it_matches_the_answers(organisation):
    """Migration 0007: a closed round from before gets the counts of its answers (ADR 0115);
    an open round gets none (it gets one when it closes)."""
    from django.utils import timezone

    old = _migrate(BEFORE_SNAPSHOT)
    Round = old.get_model("quickscan", "Round")
    RoundGroup = old.get_model("quickscan", "RoundGroup")
    Response = old.get_model("quickscan", "Response")
    closed = Round.objects.create(organisation_id=organisation.pk, title="Dicht", kind="groups",
                                  status="closed", threshold=5, closed_at=timezone.now())
    running = Round.objects.create(organisation_id=organisation.pk, title="Open", kind="groups",
                                   status="open", threshold=5)
    for round_ in (closed, running):
        group = RoundGroup.objects.create(round=round_, slug="employees")
        for value in (1, 2, 3, 4, 5, 5, 0):
            Response.objects.create(round=round_, group=group, submitted=True,
                                    channel="personal" if value else "shared",
                                    answers={"1.1": value, "2.3": 6 - value if value else 0})

    _migrate(WITH_SNAPSHOT)
    from vangnet.quickscan.models import Round as NewRound
    from vangnet.quickscan.scoring import Tally
    from vangnet.quickscan.selectors import round_results, round_tally

    migrated = NewRound.objects.get(pk=closed.pk)
    assert NewRound.objects.get(pk=running.pk).results_snapshot is None
    snapshot = Tally.from_json(migrated.results_snapshot)
    assert snapshot == round_tally(round_=migrated)
    assert snapshot.of("employees", True).answers["1.1"] == [0, 1, 1, 1, 1, 2]
    assert snapshot.of("employees", False).answers["1.1"] == [1, 0, 0, 0, 0, 0]
    # The report now reads the snapshot: the answers may go, the figures stay.
    before = round_results(round_=migrated)
    migrated.responses.all().delete()
    after = round_results(round_=NewRound.objects.get(pk=closed.pk))
    assert [p.overall for p in after.pillars] == [p.overall for p in before.pillars]
    assert after.respondents == before.respondents == 7
