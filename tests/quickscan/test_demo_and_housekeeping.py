"""Demo data, retention of abandoned drafts, and constant query counts on list pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vangnet.quickscan import services
from vangnet.quickscan.models import Action, Response, Round, RoundGroup

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_shows_something():
    from vangnet.organisations.demo import seed_organisations
    from vangnet.quickscan import demo
    from vangnet.quickscan.selectors import round_results

    organisation, people = seed_organisations()
    demo.seed(organisation=organisation, people=people)
    demo.seed(organisation=organisation, people=people)
    closed = Round.objects.get(title=demo.CLOSED_TITLE)
    running = Round.objects.get(title=demo.OPEN_TITLE)
    assert not closed.is_open and running.is_open
    assert Round.objects.count() == 2
    results = round_results(round_=closed)
    assert results.plan.dropped == ("hr",)  # 3 people: under the threshold
    assert {c.key for c in results.columns} == {"management", "or", "employees"}
    assert all(p.overall is not None for p in results.pillars)
    assert results.gaps and results.priorities
    assert Action.objects.count() == 2
    assert Response.objects.filter(round=running, submitted=True).count() == 11
    # Demo members have bound links (one per member per round); four employees answered the
    # closed round through the shared link: counted and shown, but not needed for the threshold.
    from vangnet.quickscan.models import RespondentToken
    assert not RespondentToken.objects.filter(membership__isnull=True).exists()
    assert RespondentToken.objects.filter(round=running).count() == 27
    intake = {g.key: g for g in results.intake}
    assert (intake["employees"].answers, intake["employees"].unbound) == (24, 4)
    assert intake["hr"].status == "too_few" and not results.groups_too_few_bound
    assert not results.shared_risk_accepted


def test_a_demo_database_from_before_bound_links_keeps_its_story():
    """Its closed round has only unbound answers (migration 0002): seeding again records the
    organisation's written acceptance, so the old report shows its groups and says why."""
    from vangnet.organisations.demo import seed_organisations
    from vangnet.quickscan import demo
    from vangnet.quickscan.models import RiskAcceptance
    from vangnet.quickscan.selectors import round_results

    organisation, people = seed_organisations()
    demo.seed(organisation=organisation, people=people)
    closed = Round.objects.get(title=demo.CLOSED_TITLE)
    assert not RiskAcceptance.objects.exists()
    Response.objects.filter(round=closed).update(channel=Response.Channel.UNBOUND)
    # A database from before had no results snapshot either (migration 0007 makes it).
    Round.objects.filter(pk=closed.pk).update(results_snapshot=None)
    closed.refresh_from_db()
    assert round_results(round_=closed).respondents is None
    demo.seed(organisation=organisation, people=people)
    acceptance = RiskAcceptance.objects.get(round=closed)
    assert acceptance.accepted_by == people[demo.COORDINATOR_EMAIL]
    assert "Voor de ronde “Quickscan voorjaar 2026”" in acceptance.statement
    results = round_results(round_=closed)
    assert {c.key for c in results.columns} == {"management", "or", "employees"}
    demo.seed(organisation=organisation, people=people)
    assert RiskAcceptance.objects.count() == 1


def test_abandoned_drafts_are_deleted(coordinator_actor, make_links, client):
    round_ = services.round_start(actor=coordinator_actor, title="R", group_slugs=["employees"])
    old, fresh = make_links(RoundGroup.objects.get(round=round_), 2)
    client.get(old)
    client.get(fresh)
    Response.objects.filter(pk=Response.objects.order_by("pk").first().pk).update(
        draft_updated_at=timezone.now() - timedelta(days=31))
    from vangnet.quickscan.tasks import delete_abandoned_drafts

    assert delete_abandoned_drafts.call() == 1
    assert Response.objects.count() == 1


def test_list_pages_use_a_constant_number_of_queries(client, coordinator, coordinator_actor,
                                                     organisation, django_assert_max_num_queries):
    client.force_login(coordinator.user)

    def add(n):
        for i in range(n):
            round_ = services.round_start(actor=coordinator_actor, title=f"R{i}",
                                          group_slugs=["employees", "management"])
            services.action_create(actor=coordinator_actor, title=f"A{i}", round_=round_,
                                   owner=coordinator, statement_code="1.1")

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = [f"/o/{organisation.slug}/quickscan/", f"/o/{organisation.slug}/quickscan/acties/"]
    counts = []
    for path in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts.append(len(ctx))
    add(10)
    for path, before in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(before):
            assert client.get(path).status_code == 200
