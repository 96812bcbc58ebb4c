"""The session builder: who may plan, 30–60 minutes, agenda, script and PDF."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from vangnet.toolbox import selectors, services
from vangnet.toolbox.models import TeamSession, Werkvorm

from .conftest import actor

pytestmark = pytest.mark.django_db


def url(name: str, org: Any, *args: Any) -> str:
    return reverse(f"toolbox:{name}", args=[org.slug, *args])


def ids(*slugs: str) -> list[str]:
    return [str(Werkvorm.objects.get(slug=s, organisation__isnull=True).pk) for s in slugs]


def test_manager_composes_and_saves_a_session(team: Any, client_for: Any) -> None:
    client = client_for(team.manager)
    assert client.get(url("session_builder", team.organisation)).status_code == 200
    response = client.post(url("session_builder", team.organisation), {
        "unit": team.unit.pk, "title": "Grenzen verkennen", "planned_for": "2026-03-02T14:00",
        "werkvormen": ids("wekelijkse-check-in", "dilemma-bespreken")})
    assert response.status_code == 302
    session = TeamSession.objects.get()
    assert [i.werkvorm.slug for i in session.items.all()] == ["wekelijkse-check-in", "dilemma-bespreken"]
    page = client.get(response["Location"]).content.decode()
    assert "14:00" in page and "14:15" in page  # the second part starts after the 15 min check-in
    assert "45" in page
    # The team sees it; another team does not.
    assert client_for(team.employee).get(url("session_detail", team.organisation, session.pk)).status_code == 200
    assert client_for(team.other_employee).get(
        url("session_detail", team.organisation, session.pk)).status_code == 404


def test_session_must_take_30_to_60_minutes_and_keeps_input(team: Any, client_for: Any) -> None:
    client = client_for(team.manager)
    too_short = client.post(url("session_builder", team.organisation), {
        "unit": team.unit.pk, "title": "Kort", "werkvormen": ids("werkdruk-check-in")})
    assert too_short.status_code == 200
    body = too_short.content.decode()
    assert "10" in body and 'value="Kort"' in body
    too_long = client.post(url("session_builder", team.organisation), {
        "unit": team.unit.pk, "title": "Lang", "werkvormen": ids("teamafspraken-maken", "werkdruk-check-in")})
    assert too_long.status_code == 200
    assert not TeamSession.objects.exists()
    with pytest.raises(ValidationError):
        services.session_check_duration(61)
    services.session_check_duration(30)
    services.session_check_duration(60)


def test_presets_prefill_the_builder(team: Any, client_for: Any) -> None:
    client = client_for(team.manager)
    listing = client.get(url("session_list", team.organisation)).content.decode()
    for pillar in (1, 2, 3, 4):
        assert f"?pillar={pillar}" in listing
    page = client.get(url("session_builder", team.organisation), {"pillar": "2"}).content.decode()
    import re

    checked = set(re.findall(r'<input type="checkbox" name="werkvormen" value="(\d+)"[^>]*checked', page))
    assert checked == set(ids("werkdruk-check-in", "signalen-herkennen"))


def test_session_list_query_count_is_constant(team: Any, client_for: Any,
                                              django_assert_max_num_queries: Any) -> None:
    client = client_for(team.employee)
    werkvormen = selectors.werkvormen_by_slugs(team.organisation.pk, ["dilemma-bespreken"])
    services.session_create(actor=actor(team.manager), unit=team.unit, title="Een", werkvormen=werkvormen)
    client.get(url("session_list", team.organisation))
    with django_assert_max_num_queries(20) as few:
        client.get(url("session_list", team.organisation))
    for number in range(8):
        services.session_create(actor=actor(team.manager), unit=team.unit, title=f"S{number}",
                                werkvormen=werkvormen)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "S7" in client.get(url("session_list", team.organisation)).content.decode()


def test_who_may_plan_for_which_team(team: Any, client_for: Any) -> None:
    checks = [(team.manager, team.unit, True), (team.manager, team.other_unit, False),
              (team.department_head, team.unit, True), (team.department_head, team.other_unit, True),
              (team.other_manager, team.unit, False), (team.employee, team.unit, False),
              (team.coordinator, team.unit, True)]
    for member, unit, allowed in checks:
        assert selectors.can_plan_for(actor=actor(member), unit=unit) is allowed, (member, unit)
    werkvormen = selectors.werkvormen_by_slugs(team.organisation.pk, ["wekelijkse-check-in",
                                                                    "dilemma-bespreken"])
    with pytest.raises(PermissionDenied):
        services.session_create(actor=actor(team.manager), unit=team.other_unit, title="x",
                                werkvormen=werkvormen)
    # Through the form: a unit one may not plan for is not a valid choice.
    response = client_for(team.manager).post(url("session_builder", team.organisation), {
        "unit": team.other_unit.pk, "title": "x", "werkvormen": ids("wekelijkse-check-in", "dilemma-bespreken")})
    assert response.status_code == 200 and not TeamSession.objects.exists()
    assert client_for(team.employee).get(url("session_builder", team.organisation)).status_code == 403


def test_a_manager_without_managed_units_cannot_plan(team: Any, client_for: Any) -> None:
    from support.people import make_member
    from vangnet.organisations.roles import Role

    lonely = make_member(team.organisation, Role.MANAGER, unit=team.unit)
    assert not selectors.plannable_units(actor=actor(lonely)).exists()
    assert client_for(lonely).get(url("session_builder", team.organisation)).status_code == 403


def test_session_pdf_has_agenda_and_script(team: Any, client_for: Any) -> None:
    session = services.session_create(
        actor=actor(team.manager), unit=team.unit, title="Sessie over melden",
        werkvormen=selectors.werkvormen_by_slugs(team.organisation.pk,
                                                 ["wekelijkse-check-in", "meldroute-verkennen"]))
    response = client_for(team.employee).get(url("session_pdf", team.organisation, session.pk))
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Sessie over melden" in text and "Agenda" in text and "+15 min" in text
    assert "team jeugd" in text.lower()


def test_session_delete_only_by_planner(team: Any, client_for: Any) -> None:
    session = services.session_create(
        actor=actor(team.manager), unit=team.unit, title="Weg ermee",
        werkvormen=selectors.werkvormen_by_slugs(team.organisation.pk, ["dilemma-bespreken"]))
    assert client_for(team.employee).post(url("session_delete", team.organisation, session.pk)).status_code == 403
    assert client_for(team.manager).post(url("session_delete", team.organisation, session.pk)).status_code == 302
    assert not TeamSession.objects.exists()


def test_planner_reorders_the_agenda(team: Any, client_for: Any) -> None:
    session = services.session_create(
        actor=actor(team.manager), unit=team.unit, title="Volgorde",
        werkvormen=selectors.werkvormen_by_slugs(
            team.organisation.pk, ["werkdruk-check-in", "wekelijkse-check-in", "feedback-vragen"]))
    move = reverse("toolbox:session_item_move", args=[team.organisation.slug, session.pk, 3])
    assert client_for(team.employee).post(move, {"direction": "up"}).status_code == 403
    client = client_for(team.manager)
    assert client.post(move, {"direction": "up"}).status_code == 302
    order = [i.werkvorm.slug for i in session.items.order_by("position")]
    assert order == ["werkdruk-check-in", "feedback-vragen", "wekelijkse-check-in"]
    first = reverse("toolbox:session_item_move", args=[team.organisation.slug, session.pk, 1])
    client.post(first, {"direction": "up"})  # already first: nothing changes
    assert [i.werkvorm.slug for i in session.items.order_by("position")] == order
    gone = reverse("toolbox:session_item_move", args=[team.organisation.slug, session.pk, 9])
    assert client.post(gone, {"direction": "down"}).status_code == 302
    page = client.get(url("session_detail", team.organisation, session.pk)).content.decode()
    assert page.index("Feedback vragen") < page.index("Wekelijkse check-in")


def test_print_without_saving(team: Any, client_for: Any) -> None:
    response = client_for(team.manager).post(url("session_builder", team.organisation), {
        "unit": team.unit.pk, "title": "Alleen printen", "planned_for": "2026-03-02T10:00",
        "werkvormen": ids("werkdruk-check-in", "signalen-herkennen"), "action": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alleen printen" in text and "10:10" in text
    assert not TeamSession.objects.exists()
