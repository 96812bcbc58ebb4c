"""The issue's acceptance flow in a real browser, with axe on every pulse page.

The coordinator plans a quarterly pulse for three teams (one below the threshold) → respondents
answer through the links Vangnet e-mailed them (one in the browser, first with a mistake) → the
coordinator closes the wave after a confirmation → the manager of the teams sees their scores with
intervals and agreement and plans the team conversation from the results; the small team appears
nowhere: not on the pages, not in the PDF (text extracted with pypdf) or the CSV the manager
downloads, not in the coordinator's API; the organisation's figures leave it out. An employee of
a team sees that team's results and no other. axe (every rule) on every pulse page.
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from support.browser import assert_accessible, submit_password
from support.people import PASSWORD, make_member, make_unit
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.pulse.content import instrument
from vangnet.pulse.forms import field_name

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+(/o/\S+/pulse/invullen/[^/\s]+/)")
SHOTS = Path(tempfile.gettempdir()) / "pulse-shots"  # screenshots to look at, 1280 and 390 px


def _visit(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, path
    assert_accessible(page)


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _answers(value: int) -> dict[str, str]:
    data = {field_name(i.code): str(8 - value if i.reverse else value) for i in instrument().items}
    data[field_name("open")] = "Samen pauze houden"
    return data


def test_pulse_acceptance_flow(page: Any, login: Any, live_server: Any, organisation: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="coordinator@example.org")
    manager = make_member(organisation, Role.EMPLOYEE, Role.MANAGER, email="manager@example.org")
    department = make_unit(organisation, "Zorg", managers=[manager])
    teams = {"Team Noord": 6, "Team Zuid": 5, "Team Klein": 3}
    units = {name: make_unit(organisation, name, department) for name in teams}
    members = {name: [make_member(organisation, unit=units[name]) for _ in range(size)]
               for name, size in teams.items()}
    # Only members from before a wave take part.
    Membership.objects.filter(organisation=organisation).update(
        created_at=timezone.now() - timedelta(days=1))
    slug = organisation.slug
    login(coordinator.user.email)
    mail.outbox.clear()
    _visit(page, f"/o/{slug}/pulse/")
    page.get_by_role("link", name="Een pulse plannen").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # First without choosing teams: an accessible error, the title kept.
    page.fill("input[name=title]", "Pulse zorgteams")
    page.get_by_role("button", name="Pulse plannen").click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    assert page.locator("input[name=title]").input_value() == "Pulse zorgteams"
    assert_accessible(page)
    for name in teams:
        page.get_by_label(re.compile(name)).check()
    page.get_by_label("Elk kwartaal").check()
    page.get_by_role("button", name="Pulse plannen").click()
    page.wait_for_load_state()
    assert page.get_by_text("De pulse is gepland").is_visible(), page.locator("main").inner_text()
    assert "/pulse/invullen/" not in page.content()  # the coordinator never sees a link
    assert_accessible(page)

    links = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}  # type: ignore[union-attr]
    assert len(links) == 14
    # One respondent in the browser: first incomplete (errors, nothing lost), then complete.
    first = members["Team Noord"][0].user.email
    coordinator_page = page
    respondent = page.context.browser.new_context(base_url=live_server.url)
    page = respondent.new_page()
    _visit(page, links.pop(first))
    _shoot(page, "respond")
    item = instrument().items[0]
    page.locator(f"input[name='{field_name(item.code)}'][value='2']").check()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    page.wait_for_load_state()
    assert page.locator(".utrecht-form-field-error-message").count() == len(instrument().items) - 1
    assert page.locator(f"input[name='{field_name(item.code)}'][value='2']").is_checked()
    assert_accessible(page)
    for other in instrument().items:
        page.locator(f"input[name='{field_name(other.code)}']"
                     f"[value='{8 - 6 if other.reverse else 6}']").check()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Bedankt").is_visible()
    assert_accessible(page)
    # The others answer through their links too (outside the browser, for speed).
    client = Client()
    values = {"Team Noord": 6, "Team Zuid": 3, "Team Klein": 1}
    for name, people in members.items():
        for person in people:
            if person.user.email in links:
                reply = client.post(links[person.user.email], _answers(values[name]))
                assert reply.status_code == 200

    respondent.close()
    page = coordinator_page
    _visit(page, f"/o/{slug}/pulse/")
    page.get_by_role("link", name=re.compile("Pulse zorgteams")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Deze meting nu sluiten").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, sluit de meting").click()
    page.wait_for_load_state()
    assert_accessible(page)
    content = page.content()
    assert "Team Noord" in content and "Team Zuid" in content and "Team Klein" not in content
    assert "Samen pauze houden" in content  # 14 counted ≥ 10: open answers, organisation only
    _shoot(page, "results-coordinator")
    results_url = page.url

    managers = page.context.browser.new_context(base_url=live_server.url)
    page = managers.new_page()
    page.goto("/accounts/login/")
    submit_password(page, manager.user.email, PASSWORD)
    _visit(page, results_url)
    content = page.content()
    assert "Team Noord" in content and "Team Klein" not in content
    assert "95%-interval" in content and "grotendeels eens" in content
    assert "Samen pauze houden" not in content  # a manager sees no open answers
    _shoot(page, "results-manager")
    # The manager downloads the PDF and the CSV from the page: the small team is in neither.
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Downloaden als pdf").click()
    pdf_bytes = io.BytesIO(Path(pdf_download.value.path()).read_bytes())
    pdf_text = " ".join(p.extract_text() for p in PdfReader(pdf_bytes).pages)
    assert "Team Noord" in pdf_text and "Team Zuid" in pdf_text and "Team Klein" not in pdf_text
    assert "95%-interval" in pdf_text
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Downloaden als csv").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert "Team Noord" in csv_text and "Team Klein" not in csv_text
    page.get_by_label("Wat heeft het team afgesproken?").fill("Elke maandag een korte check-in")
    page.get_by_role("button", name="Afspraak vastleggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("De afspraak is vastgelegd").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Alle metingen van dit team").first.click()
    page.wait_for_load_state()
    assert "Elke maandag een korte check-in" in page.content()
    assert_accessible(page)
    _shoot(page, "trend")
    assert page.locator("figure.vn-chart svg").count() == 1  # the trend chart, with its table
    page.goto(results_url)
    page.get_by_role("link", name="Het teamgesprek plannen").click()
    page.wait_for_load_state()
    assert "/toolbox/sessies/nieuw/" in page.url
    managers.close()

    # The coordinator's API: the same figures, the small team not named.
    wave_id = results_url.rstrip("/").split("/")[-1]
    api = coordinator_page.request.get(f"/api/v1/pulse/waves/{wave_id}/results")
    assert api.status == 200 and "Team Klein" not in api.text()
    assert {u["name"] for u in api.json()["units"]} == {"Team Noord", "Team Zuid"}
    _visit(coordinator_page, f"/o/{slug}/pulse/instellingen/")

    # An employee of Team Zuid sees their own team's results, and only those.
    employees = coordinator_page.context.browser.new_context(base_url=live_server.url)
    page = employees.new_page()
    page.goto("/accounts/login/")
    submit_password(page, members["Team Zuid"][0].user.email, PASSWORD)
    _visit(page, f"/o/{slug}/pulse/")
    _visit(page, results_url)
    content = page.content()
    assert "Team Zuid" in content and "Team Noord" not in content and "Team Klein" not in content
    assert "Samen pauze houden" not in content
    _shoot(page, "results-employee")
    employees.close()
