"""The external advisor's desk across clients and the agency that connects a client in one step
(issue 13). Each organisation's data stays its own: tested from the advisor's side and from both
coordinators', also by typing the other organisation's addresses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.people import enable_totp, make_member, record_completed_login
from vangnet.cases.models import Case
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import Agency, AgencyAdvisor, AgencyClient, Membership
from vangnet.organisations.roles import Role
from vangnet.organisations.services import agency_connect
from vangnet.reporting.services import report_submit

from .conftest import actor_of, give_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation: Any, other_organisation: Any) -> dict[str, Any]:
    """Agency "Vertrouwd Extern" with two advisors, connected to two client organisations by
    their coordinators; one report (and case) in each client for the first advisor."""
    agency = Agency.objects.create(name="Vertrouwd Extern")
    # The advisors have an account (at the agency's first client, as employees there).
    ruud = make_member(organisation, Role.EMPLOYEE, email="ruud@extern.example", name="Ruud Smit")
    ines = make_member(other_organisation, Role.EMPLOYEE, email="ines@extern.example",
                       name="Ines Bos")
    for member in (ruud, ines):
        AgencyAdvisor.objects.create(agency=agency, user=member.user)
    coordinator_a = make_member(organisation, Role.COORDINATOR, email="coord.a@example.org")
    coordinator_b = make_member(other_organisation, Role.COORDINATOR, email="coord.b@example.org")
    agency_connect(actor=actor_of(coordinator_a), agency=agency)
    agency_connect(actor=actor_of(coordinator_b), agency=agency)
    give_keys(ruud)
    enable_totp(ruud.user)
    cases = {}
    for org in (organisation, other_organisation):
        recipient = Membership.objects.get(user=ruud.user, organisation=org)
        report, _code = report_submit(organisation=org, category="pesten", mode="anonymous",
                                      parts={"narrative": f"Iets in {org.name}"},
                                      recipient=recipient)
        cases[org.pk] = Case.objects.get(report=report)
    return {"agency": agency, "ruud": ruud, "ines": ines, "a": coordinator_a,
            "b": coordinator_b, "cases": cases}


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    record_completed_login(client, user)
    return client


def test_connecting_an_agency_gives_all_its_advisors_their_role_in_one_step(
    organisation: Any, other_organisation: Any, world: dict[str, Any],
) -> None:
    for org in (organisation, other_organisation):
        for person in (world["ruud"], world["ines"]):
            member = Membership.objects.prefetch_related("roles").get(user=person.user,
                                                                       organisation=org)
            assert Role.ADVISOR in member.role_set
            # New memberships are external; an existing one stays as the organisation set it.
            assert member.is_external == (member.pk not in (world["ruud"].pk, world["ines"].pk))
    # Ruud was an employee of the first client: he keeps that role.
    first = Membership.objects.prefetch_related("roles").get(user=world["ruud"].user,
                                                             organisation=organisation)
    assert first.role_set == {Role.EMPLOYEE, Role.ADVISOR}
    entries = AuditEntry.objects.filter(action="organisation.agency_connect")
    assert {e.organisation_id for e in entries} == {organisation.pk, other_organisation.pk}
    assert all(e.data["agency_id"] == world["agency"].pk and len(e.data["memberships"]) == 2
               for e in entries)
    assert AuditEntry.objects.filter(action="membership.roles_change").count() >= 4
    assert AgencyClient.objects.count() == 2


def test_only_a_coordinator_connects_and_never_an_agency_they_advise_for(
    organisation: Any,
) -> None:
    agency = Agency.objects.create(name="Zelf Extern")
    coordinator = make_member(organisation, Role.COORDINATOR)
    AgencyAdvisor.objects.create(agency=agency, user=coordinator.user)
    colleague = make_member(organisation, Role.EMPLOYEE, email="collega@extern.example")
    AgencyAdvisor.objects.create(agency=agency, user=colleague.user)
    with pytest.raises(ValidationError):
        agency_connect(actor=actor_of(coordinator), agency=agency)
    assert not AgencyClient.objects.exists()  # all or nothing: nobody got the role
    assert Role.ADVISOR not in Membership.objects.get(pk=colleague.pk).role_set
    with pytest.raises(PermissionDenied):
        agency_connect(actor=actor_of(colleague), agency=agency)


def test_the_desk_shows_due_work_of_every_client(client: Any, organisation: Any,
                                                 other_organisation: Any,
                                                 world: dict[str, Any]) -> None:
    _login(client, world["ruud"].user)
    page = client.get("/mijn-klanten/")
    assert page.status_code == 200
    clients = {c.slug: c for c in page.context["clients"]}
    assert set(clients) == {organisation.slug, other_organisation.slug}
    for org in (organisation, other_organisation):
        assert [c.reference for c in clients[org.slug].due] == [world["cases"][org.pk].reference]
        assert [r.organisation_id for r in clients[org.slug].inbox] == [org.pk]
    # The header offers the other organisation and the desk.
    home = client.get(f"/o/{organisation.slug}/").content.decode()
    assert 'data-testid="organisation-switch"' in home
    assert f'href="/o/{other_organisation.slug}/"' in home and 'href="/mijn-klanten/"' in home


def test_coordinators_see_nothing_of_the_other_client(client: Any, organisation: Any,
                                                      other_organisation: Any,
                                                      world: dict[str, Any]) -> None:
    for mine, theirs, coordinator in ((organisation, other_organisation, world["a"]),
                                      (other_organisation, organisation, world["b"])):
        _login(client, coordinator.user)
        assert client.get("/mijn-klanten/").status_code == 404  # no desk: not an advisor
        home = client.get(f"/o/{mine.slug}/").content.decode()
        assert theirs.name not in home and 'data-testid="organisation-switch"' not in home
        case = world["cases"][theirs.pk]
        for path in ("", "dossiers/", f"dossiers/{case.pk}/", "meldingen/",
                     f"meldingen/{case.report_id}/", "dossiers/jaarverslag/",
                     "beheer/bureaus/", "beheer/mensen/"):
            assert client.get(f"/o/{theirs.slug}/{path}").status_code == 404, path
        # Their own pages never show the other client's case either.
        own_case = world["cases"][mine.pk]
        assert client.get(f"/o/{mine.slug}/dossiers/{case.pk}/").status_code in (403, 404)
        assert own_case.organisation_id == mine.pk
        client.logout()


def test_the_header_costs_no_extra_query(client: Any, organisation: Any,
                                         other_organisation: Any) -> None:
    single = make_member(organisation, Role.EMPLOYEE)
    double = make_member(organisation, Role.EMPLOYEE, email="twee@example.org")
    make_member(other_organisation, Role.EMPLOYEE, email="twee@example.org")
    counts = []
    for person in (single, double):
        _login(client, person.user)
        client.get(f"/o/{organisation.slug}/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/o/{organisation.slug}/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_desk_reads_each_client_on_its_own(client: Any, organisation: Any,
                                               other_organisation: Any,
                                               world: dict[str, Any]) -> None:
    """No query of the desk names two organisations: every list is one client's answer."""
    _login(client, world["ruud"].user)
    client.get("/mijn-klanten/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/mijn-klanten/")
    for query in captured.captured_queries:
        sql = query["sql"]
        if "organisation_id" in sql and ("cases_case" in sql or "reporting_report" in sql):
            both = (f'"organisation_id" = {organisation.pk}' in sql
                    and f'"organisation_id" = {other_organisation.pk}' in sql)
            assert not both and " IN (" not in sql.split("organisation_id", 1)[1][:12], sql


def test_the_demo_external_advisor_serves_two_organisations_through_an_agency(client: Any) -> None:
    from vangnet.organisations import demo as organisations_demo

    for _ in range(2):  # idempotent
        organisations_demo.seed_organisations()
    ruud = Membership.objects.filter(user__email="extern.vp@demo.vangnet.nl").first().user
    agency = AgencyAdvisor.objects.get(user=ruud).agency
    clients = set(AgencyClient.objects.filter(agency=agency).values_list("organisation__slug",
                                                                          flat=True))
    assert len(clients) == 2
    _login(client, ruud)
    page = client.get("/mijn-klanten/")
    assert {c.slug for c in page.context["clients"]} == clients
