"""HR import (all or nothing, errors per row), alert to action, and the quarterly report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from vangnet.core.models import AuditEntry
from vangnet.quickscan.models import Action
from vangnet.signals.models import AlertAction, HRFigure, HRImport
from vangnet.signals.selectors import dashboard_for

from .conftest import Org

pytestmark = pytest.mark.django_db
HEADER = "kwartaal;afdeling;bezetting;verzuim;ziekmeldingen;uitstroom;exitthemas\n"


def _upload(client: Any, org: Org, text: str) -> Any:
    upload = SimpleUploadedFile("hr.csv", text.encode(), content_type="text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(f"/o/{org.organisation.slug}/signalen/hr-cijfers/",
                           {"csv_file": upload}, HTTP_ACCEPT_LANGUAGE="nl")


def test_one_bad_row_imports_nothing_and_is_reported_with_line_and_reason(
        client: Any, org: Org) -> None:
    client.force_login(org.hr.user)
    before = HRFigure.objects.count()
    response = _upload(client, org, HEADER + "2027-K1;Team Jeugd;7;4,0;1;0;\n"
                                            "2027-K1;Team Onbekend;6;3,0;1;0;\n")
    job = HRImport.objects.get()
    assert response.status_code == 302
    assert job.status == HRImport.Status.FAILED
    assert HRFigure.objects.count() == before
    assert [e["line"] for e in job.errors] == [3]
    assert job.csv_text == ""
    page = client.get(response["Location"]).content.decode()
    assert "Team Onbekend" in page and "3" in page


def test_a_good_file_is_imported_and_audited(client: Any, org: Org) -> None:
    client.force_login(org.hr.user)
    _upload(client, org, HEADER + "2027-K1;Team Jeugd;7;4,0;1;0;werkdruk=0\n"
                                  "2027-K1;Team Wmo;6;3,0;1;1;werkdruk=1\n")
    job = HRImport.objects.get()
    assert job.status == HRImport.Status.DONE and job.imported == 2
    assert HRFigure.objects.filter(year=2027, quarter=1).count() == 2
    assert AuditEntry.objects.filter(action="signals.hr_import.done").exists()


def test_an_employee_cannot_import(client: Any, org: Org) -> None:
    client.force_login(org.employee.user)
    assert _upload(client, org, HEADER).status_code == 404


def test_an_alert_becomes_an_action_with_owner_and_due_date(client: Any, org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.coordinator))
    alert = next(a for a in board.alerts if a.kind == "several" and a.unit_id == org.jeugd.pk)
    url = (f"/o/{org.organisation.slug}/signalen/signaal/?kwartaal={board.latest.label}"
           f"&sleutel={quote(alert.key)}")
    client.force_login(org.coordinator.user)
    page = client.get(url)
    assert page.status_code == 200
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(url, {"title": "Teamgesprek over samenwerken", "description": "",
                                 "owner": org.manager.pk, "due_date": due.isoformat()})
    assert response.status_code == 302
    action = Action.objects.get(title="Teamgesprek over samenwerken")
    assert (action.owner_id, action.due_date) == (org.manager.pk, due)
    link = AlertAction.objects.get()
    assert link.action_id == action.pk and link.unit_id == org.jeugd.pk
    # The same alert twice is refused with a message, not a 500.
    again = client.post(url, {"title": "Nog eens", "owner": "", "due_date": ""})
    assert again.status_code == 200
    assert Action.objects.count() == 1
    follow = dashboard_for(actor=org.actor(org.coordinator)).follow_ups
    assert [f.result for f in follow] == ["unknown"]


def test_a_past_due_date_is_refused_at_the_field(client: Any, org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.coordinator))
    alert = board.alerts[0]
    url = (f"/o/{org.organisation.slug}/signalen/signaal/?kwartaal={board.latest.label}"
           f"&sleutel={quote(alert.key)}")
    client.force_login(org.coordinator.user)
    response = client.post(url, {"title": "x", "owner": "",
                                 "due_date": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    assert not AlertAction.objects.exists()


def test_hr_cannot_turn_an_alert_into_an_action(client: Any, org: Org) -> None:
    board = dashboard_for(actor=org.actor(org.hr))
    url = (f"/o/{org.organisation.slug}/signalen/signaal/?kwartaal={board.latest.label}"
           f"&sleutel={quote(board.alerts[0].key)}")
    client.force_login(org.hr.user)
    assert client.post(url, {"title": "x"}).status_code == 403


def test_quarterly_report_html_csv_pdf(client: Any, org: Org) -> None:
    client.force_login(org.works_council.user)
    base = f"/o/{org.organisation.slug}/signalen/rapport"
    assert client.get(base + "/").status_code == 200
    csv_text = client.get(base + ".csv").content.decode()
    assert "Team Jeugd" not in csv_text  # the works council: organisation level only
    assert csv_text.splitlines()[0].startswith("afdeling_of_team")
    pdf = client.get(base + ".pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(org.coordinator.user)
    assert "Team Jeugd" in client.get(base + ".csv").content.decode()
    client.force_login(org.manager.user)
    assert client.get(base + ".csv").status_code == 404


def test_the_dashboard_shows_what_followed_an_action(client: Any, org: Org) -> None:
    """Issue 17: "whether actions were followed by a change in the next measurements" — per
    action the unit, the alert, each figure then and now, and the verdict; only where the reader
    may see the unit."""
    before = org.latest.previous()
    AlertAction.objects.create(
        organisation=org.organisation, alert_key=f"falling:{org.jeugd.pk}:{before.label}:hr.absence",
        unit=org.jeugd, year=before.year, quarter=before.number, action_id=1,
        measures=["hr.absence"])
    board = dashboard_for(actor=org.actor(org.coordinator))
    [item] = board.follow_ups
    assert (item.unit_name, item.kind, item.result) == ("Team Jeugd", "falling", "worse")
    assert [(c.then, c.now) for c in item.changes] == [("7,5%", "9,5%")]
    client.force_login(org.coordinator.user)
    html = client.get(f"/o/{org.organisation.slug}/signalen/").content.decode()
    section = html[html.index('data-testid="follow-up"'):]
    section = section[:section.index("</ul>")]
    assert "Team Jeugd" in section and "7,5%" in section and "9,5%" in section
    assert dashboard_for(actor=org.actor(org.works_council)).follow_ups == []
