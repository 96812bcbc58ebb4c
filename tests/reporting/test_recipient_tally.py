"""The coordinator's recipients overview reads running totals (docs/adr/0095). They must always
equal the count over the rows they replace (`tally_reference.counted`), after every kind of write
that changes who holds a report key, and the page must cost the same whatever the number of
reports. (tests/reporting/conftest.py also compares both after every database test here.)"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.people import make_member
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.organisations.services import membership_update
from vangnet.reporting import holdings, selectors, services
from vangnet.reporting.models import RecipientTally, ReportHoldingState

from .conftest import give_keys
from .tally_reference import assert_tallies_match, counted, tallied

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(organisation):
    return make_member(organisation, Role.COORDINATOR, name="Cor Coord")


def _row(organisation, membership):
    return tallied(organisation.pk).get(membership.pk)


def test_totals_follow_every_write_that_changes_key_holders(
    organisation, advisor, external_advisor, submit, as_actor, coordinator,
) -> None:
    first, _ = submit(recipient=advisor)  # no recovery key yet: the advisor holds the only copy
    assert _row(organisation, advisor) == (1, 1, 1)
    assert_tallies_match()
    services.recovery_key_create(actor=as_actor(coordinator))
    shared, _ = submit(recipient=advisor, extra_recipients=[external_advisor])
    theirs, _ = submit(recipient=external_advisor)
    assert _row(organisation, advisor) == (2, 1, 1)
    assert _row(organisation, external_advisor) == (2, 1, 0)
    assert_tallies_match()
    # An old report gets its copy for the recovery key (a queryset update): no longer stuck.
    assert services.report_seal_for_recovery(actor=as_actor(advisor), report=first,
                                             private_key=advisor.private_key)
    assert _row(organisation, advisor) == (2, 1, 0)
    assert_tallies_match()
    # The external advisor leaves (the real service and its event): their rows are revoked, the
    # shared report now rests on the advisor alone, theirs waits for a successor.
    member = Membership.objects.prefetch_related("roles").get(pk=external_advisor.pk)
    membership_update(actor=as_actor(coordinator), membership=member, roles=[Role.ADVISOR],
                      unit=None, job_title="", is_external=True, is_active=False)
    assert _row(organisation, external_advisor) is None
    assert _row(organisation, advisor) == (2, 2, 0)
    assert tallied(organisation.pk)["organisation"] == (1, 1)
    assert_tallies_match()
    # A report destroyed at the end of its retention term leaves the totals.
    assert services.report_destroy(report_id=shared.pk)
    assert _row(organisation, advisor) == (1, 1, 0)
    assert_tallies_match()
    assert services.report_destroy(report_id=theirs.pk)
    assert tallied(organisation.pk)["organisation"] == (0, 0)
    assert_tallies_match()


def test_the_comparison_notices_a_total_that_is_off(organisation, advisor, submit) -> None:
    submit(recipient=advisor)
    assert_tallies_match()
    RecipientTally.objects.filter(membership_id=advisor.pk).update(alone=0)
    with pytest.raises(AssertionError):
        assert_tallies_match()
    holdings.rebuild(organisation_id=organisation.pk)  # recomputes from the rows
    assert_tallies_match()


def test_refresh_is_idempotent(organisation, advisor, external_advisor, submit) -> None:
    report, _ = submit(recipient=advisor, extra_recipients=[external_advisor])
    before = tallied(organisation.pk)
    holdings.refresh([report.pk, report.pk])
    holdings.refresh([report.pk])
    assert tallied(organisation.pk) == before == counted(organisation.pk)


def test_the_migration_fills_the_totals_of_existing_reports(
    organisation, other_organisation, advisor, external_advisor, submit,
) -> None:
    submit(recipient=advisor)
    submit(recipient=advisor, extra_recipients=[external_advisor])
    elsewhere = make_member(other_organisation, Role.ADVISOR)
    give_keys(elsewhere)
    submit(organisation=other_organisation, recipient=elsewhere)
    expected = {pk: counted(pk) for pk in (organisation.pk, other_organisation.pk)}
    RecipientTally.objects.all().delete()
    ReportHoldingState.objects.all().delete()
    migration = importlib.import_module("vangnet.reporting.migrations.0010_recipient_tallies")
    migration.backfill(apps, None)
    assert {pk: tallied(pk) for pk in expected} == expected


def test_the_overview_costs_the_same_for_few_and_many_reports(
    client, organisation, advisor, external_advisor, submit, coordinator, as_actor,
) -> None:
    services.recovery_key_create(actor=as_actor(coordinator))
    submit(recipient=advisor, extra_recipients=[external_advisor])
    url = reverse("reporting:recipients", args=[organisation.slug])
    client.force_login(coordinator.user)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(12):
        submit(recipient=advisor)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries) <= 14
    overview = page.context["overview"]
    shown = {h.membership.pk: (h.reports, h.alone, h.stuck) for h in overview.holdings}
    assert shown == {advisor.pk: (13, 12, 0), external_advisor.pk: (1, 0, 0)}
    # The page reads no recipient row and no report: only the totals.
    sql = " ".join(q["sql"] for q in many.captured_queries)
    assert "reporting_reportrecipient" not in sql and '"reporting_report"' not in sql
    assert selectors.recipient_holdings(actor=as_actor(coordinator)).unreadable == 0
