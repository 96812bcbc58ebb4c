"""Issue 13: the report page links back to its case through a provider cases registers with
reporting (reporting never imports cases, ADR 0104); the dossier export shows on the case
timeline as "for whom, by whom", without content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.people import make_member
from vangnet.cases.links import case_link_for_report
from vangnet.cases.models import CaseEvent
from vangnet.organisations.roles import Role
from vangnet.reporting import links as reporting_links
from vangnet.reporting.public import ReportLink

from .conftest import actor_of, give_keys
from .test_dossier_export import KEPT, NOT_CONSENTED, _consent, committee  # noqa: F401
from .test_views import _login, _unlock

pytestmark = pytest.mark.django_db


def _report_page(client, member, report) -> str:
    return client.get(reverse("reporting:detail", args=[member.organisation.slug, report.pk])
                      ).content.decode()


def test_the_report_page_links_to_its_case(client, organisation, advisor, submit) -> None:
    report, _code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    body = _report_page(client, advisor, report)
    case_url = reverse("cases:detail", args=[organisation.slug, case.pk])
    assert 'data-testid="report-links"' in body
    assert f'href="{case_url}"' in body and f"Open het dossier {case.reference}" in body
    assert client.get(case_url).status_code == 200  # the link leads somewhere


def test_the_link_is_registered_by_cases_not_imported_by_reporting(organisation, advisor,
                                                                   submit) -> None:
    report, _code, case = submit()
    assert case_link_for_report in reporting_links._providers
    link = case_link_for_report(actor_of(advisor), report)
    assert isinstance(link, ReportLink) and link.url.endswith(f"/dossiers/{case.pk}/")
    # Without the provider, reporting has no link to offer: the seam is the only way.
    reporting_links.unregister_report_link(case_link_for_report)
    try:
        assert reporting_links.links_for_report(actor=actor_of(advisor), report=report) == []
    finally:
        reporting_links.register_report_link(case_link_for_report)
    reporting_links.register_report_link(case_link_for_report)  # again: still once
    assert reporting_links._providers.count(case_link_for_report) == 1


def test_no_link_for_someone_who_may_not_open_the_case(organisation, advisor, submit) -> None:
    report, _code, _case = submit()
    other_advisor = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Otto Ander")
    give_keys(other_advisor)
    assert case_link_for_report(actor_of(other_advisor), report) is None
    # Named as involved: never a link, even as a recipient would be (reporting.conflicts).
    involved = make_member(organisation, Role.EMPLOYEE, Role.ADVISOR, name="Ina Betrokken")
    give_keys(involved)
    report2, _code2, _case2 = submit(extra_recipients=[other_advisor], involved=[involved])
    assert case_link_for_report(actor_of(involved), report2) is None


def test_the_dossier_export_is_on_the_case_timeline(client, organisation, advisor, submit,
                                                    committee) -> None:  # noqa: F811
    _report, _code, case = submit(parts={"narrative": KEPT[0], "impact": NOT_CONSENTED,
                                         "identity": "Piet Melder"})
    consent = _consent(case, advisor, committee, ["narrative"])
    _login(client, advisor)
    _unlock(client, advisor)
    url = reverse("cases:dossier_export", args=[organisation.slug, case.pk])
    assert not CaseEvent.objects.filter(case=case, kind="dossier_exported").exists()
    response = client.post(url, {"toestemming": consent.pk})
    assert response["Content-Type"] == "application/pdf"
    event = CaseEvent.objects.get(case=case, kind="dossier_exported")
    assert event.actor_id == advisor.pk and "Kim Commissie" in event.summary
    body = client.get(reverse("cases:detail", args=[organisation.slug, case.pk])).content.decode()
    line = body[body.index('data-testid="timeline-dossier"'):]
    line = line[:line.index("</li>")]
    assert "Dossier geëxporteerd voor" in line and "Kim Commissie" in line
    assert "door Anna Advies" in line
    # Nothing of the content on the timeline.
    assert KEPT[0] not in event.summary and NOT_CONSENTED not in line
    # A refused export (nothing to export) leaves no timeline entry.
    client.post(url, {"toestemming": "999999"})
    assert CaseEvent.objects.filter(case=case, kind="dossier_exported").count() == 1
