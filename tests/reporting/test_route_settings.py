"""The coordinator sets up the reporting route: order, texts, outside bodies, contacts, per unit."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from support.forms import form_data
from support.people import make_member, make_unit
from vangnet.core.models import AuditEntry
from vangnet.organisations.roles import Role
from vangnet.reporting import services
from vangnet.reporting.models import ReportingRoute, RouteContact, RouteStep
from vangnet.reporting.route import route_view

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% klachtenregeling\n"


@pytest.fixture
def coordinator(organisation):
    return make_member(organisation, Role.COORDINATOR, name="Cor Coordinator")


def _editor(client, organisation, unit=None):
    url = reverse("reporting:route_edit", args=[organisation.slug])
    if unit is not None:
        url += f"?eenheid={unit.pk}"
    response = client.get(url)
    assert response.status_code == 200
    editor = response.context["editor"]
    return url, editor, form_data(editor.form, *editor.steps, editor.contacts)


def _public_steps(organisation, unit=None):
    return [(s.kind, s.title) for s in route_view(organisation=organisation, unit=unit).steps]


def test_reorder_rename_hide_and_rewrite_steps(client, organisation, coordinator, advisor) -> None:
    client.force_login(coordinator.user)
    url, _, data = _editor(client, organisation)
    data.update({
        "step-advisor-position": "1", "step-speak_up-position": "2", "step-manager-position": "3",
        "step-advisor-title": "Onze vertrouwenspersonen",
        "step-advisor-description": "Bel of mail Anna; zij belt binnen twee werkdagen terug.",
        "introduction": "Zo werkt het bij ons.",
    })
    del data["step-hr-is_enabled"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["editor"].form.errors
    assert _public_steps(organisation)[:3] == [
        ("advisor", "Onze vertrouwenspersonen"), ("speak_up", "Zelf aanspreken"),
        ("manager", "Je leidinggevende"),
    ]
    assert "hr" not in [kind for kind, _title in _public_steps(organisation)]
    page = client.get(reverse("reporting:route", args=[organisation.slug])).content.decode()
    assert "zij belt binnen twee werkdagen terug" in page and "Zo werkt het bij ons." in page
    assert page.index("Onze vertrouwenspersonen") < page.index("Zelf aanspreken")
    # The editor shows what was saved, the hidden step last-but-kept and unticked.
    _url, editor, _data = _editor(client, organisation)
    assert [s.kind for s in editor.steps][:2] == ["advisor", "speak_up"]
    hr = next(s for s in editor.steps if s.kind == "hr")
    assert hr["is_enabled"].value() is False


def test_standard_texts_stay_standard_and_follow_the_language(client, organisation, coordinator) -> None:
    client.force_login(coordinator.user)
    url, _, data = _editor(client, organisation)
    assert client.post(url, data).status_code == 302
    # An untouched text is stored empty, so it keeps following the standard text and its translation.
    assert set(RouteStep.objects.values_list("description", flat=True)) == {""}
    assert set(RouteStep.objects.values_list("title", flat=True)) == {""}
    with translation.override("en"):
        steps = route_view(organisation=organisation).steps
    assert steps[0].title == "Speak up yourself"
    assert steps[0].description.startswith("If you feel able to")


def test_outside_bodies_one_by_one_and_own_contacts(client, organisation, coordinator) -> None:
    client.force_login(coordinator.user)
    url, _, data = _editor(client, organisation)
    data["step-external-external_bodies"] = ["112", "crm"]
    data.update({"contact-0-name": "Bedrijfsarts Arbo Oost", "contact-0-phone": "053 123 45 67",
                 "contact-0-url": "https://arbo-oost.example", "contact-0-description": "Als je werk je ziek maakt."})
    assert client.post(url, data).status_code == 302
    external = route_view(organisation=organisation).step("external")
    assert [b.name for b in external.bodies] == [
        "112", "College voor de Rechten van de Mens", "Bedrijfsarts Arbo Oost"]
    page = client.get(reverse("reporting:route", args=[organisation.slug])).content.decode()
    assert "Huis voor Klokkenluiders" not in page and "053 123 45 67" in page
    api = client.get(f"/api/v1/organisations/{organisation.slug}/route").json()
    bodies = next(s for s in api["steps"] if s["kind"] == "external")["bodies"]
    assert bodies[-1]["name"] == "Bedrijfsarts Arbo Oost" and bodies[-1]["url"] == "https://arbo-oost.example"
    # Deleting the contact in the editor removes it.
    url, editor, data = _editor(client, organisation)
    assert editor.contacts.forms[0]["name"].value() == "Bedrijfsarts Arbo Oost"
    data["contact-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not RouteContact.objects.exists()


def test_bad_input_gets_dutch_messages_and_keeps_what_was_typed(client, organisation, coordinator) -> None:
    client.force_login(coordinator.user)
    url, editor, data = _editor(client, organisation)
    for step in editor.steps:
        data.pop(f"step-{step.kind}-is_enabled", None)
    data["introduction"] = "Mijn zorgvuldig geschreven inleiding"
    data["contact-0-url"] = "geen adres"
    data["contact-1-phone"] = "010 123 45 67"
    data["step-hr-position"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mijn zorgvuldig geschreven inleiding" in body
    assert "Vul de naam van dit contact in." in body  # a contact without a name
    assert "Voer een geldige URL in." in body
    assert "Voer een geheel getal in." in body  # Django's Dutch message for the position
    # The service's own rule: at least one step shown.
    data["step-hr-position"] = "4"
    data["contact-0-url"] = ""
    data["contact-1-phone"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Toon minstens één stap" in response.content.decode()
    assert not ReportingRoute.objects.exists()


def test_unit_route_starts_from_the_route_in_force_and_can_be_removed(
    client, organisation, coordinator, django_capture_on_commit_callbacks
) -> None:
    client.force_login(coordinator.user)
    south = make_unit(organisation, "Regio Zuid")
    team = make_unit(organisation, "Team Zuid", parent=south)
    url, _, data = _editor(client, organisation)
    data["introduction"] = "Route van de hele organisatie"
    data["complaints_procedure_file"] = SimpleUploadedFile("regeling.pdf", PDF, "application/pdf")
    assert client.post(url, data).status_code == 302
    organisation_route = ReportingRoute.objects.get(unit=None)

    url, editor, data = _editor(client, organisation, south)
    assert editor.form["introduction"].value() == "Route van de hele organisatie"
    data["introduction"] = "Eigen route van Regio Zuid"
    assert client.post(url, data).status_code == 302
    south_route = ReportingRoute.objects.get(unit=south)
    # The document was copied, not shared: each route owns its file.
    assert south_route.complaints_procedure_file.name != organisation_route.complaints_procedure_file.name
    assert south_route.complaints_procedure_file.read() == PDF
    # The team below follows Regio Zuid.
    team_page = client.get(reverse("reporting:route", args=[organisation.slug]), {"eenheid": team.pk})
    assert "Eigen route van Regio Zuid" in team_page.content.decode()

    remove = reverse("reporting:route_remove_unit", args=[organisation.slug, south.pk])
    assert client.get(remove).status_code == 405
    client.post(remove, {})  # without confirmation nothing happens
    assert ReportingRoute.objects.filter(unit=south).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove, {"confirm": "yes"}).status_code == 302
    assert not ReportingRoute.objects.filter(unit=south).exists()
    assert not south_route.complaints_procedure_file.storage.exists(south_route.complaints_procedure_file.name)
    team_page = client.get(reverse("reporting:route", args=[organisation.slug]), {"eenheid": team.pk})
    assert "Route van de hele organisatie" in team_page.content.decode()


def test_replacing_or_removing_the_procedure_deletes_the_old_file(
    client, organisation, coordinator, django_capture_on_commit_callbacks
) -> None:
    client.force_login(coordinator.user)
    url, _, data = _editor(client, organisation)
    data["complaints_procedure_file"] = SimpleUploadedFile("eerste.pdf", PDF, "application/pdf")
    client.post(url, data)
    first = ReportingRoute.objects.get().complaints_procedure_file
    first_name, storage = first.name, first.storage
    assert "eerste" not in first_name  # the uploader's file name is not published
    url, editor, data = _editor(client, organisation)
    assert "remove_complaints_procedure_file" in editor.form.fields
    data["complaints_procedure_file"] = SimpleUploadedFile("tweede.pdf", PDF + b"2", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    second = ReportingRoute.objects.get().complaints_procedure_file
    assert not storage.exists(first_name) and storage.exists(second.name)
    url, _, data = _editor(client, organisation)
    data["remove_complaints_procedure_file"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert not ReportingRoute.objects.get().complaints_procedure_file
    assert not storage.exists(second.name)


def test_who_may_set_the_route(client, organisation, other_organisation, coordinator, advisor) -> None:
    url = reverse("reporting:route_edit", args=[organisation.slug])
    assert client.get(url).status_code == 302  # to the login page
    for roles in ((Role.EMPLOYEE,), (Role.MANAGER,), (Role.HR,), (Role.ADVISOR,),
                  (Role.WORKS_COUNCIL,), (Role.COMPLAINTS_COMMITTEE,)):
        client.force_login(make_member(organisation, *roles).user)
        assert client.get(url).status_code == 403, roles
        assert client.post(url, {"introduction": "x"}).status_code == 403, roles
    other_coordinator = make_member(other_organisation, Role.COORDINATOR)
    client.force_login(other_coordinator.user)
    assert client.get(url).status_code == 404
    unit = make_unit(organisation, "Team")
    remove = reverse("reporting:route_remove_unit", args=[organisation.slug, unit.pk])
    assert client.post(remove, {"confirm": "yes"}).status_code == 404
    # A coordinator cannot reach another organisation's unit through their own organisation.
    client.force_login(coordinator.user)
    foreign = make_unit(other_organisation, "Vreemd team")
    remove = reverse("reporting:route_remove_unit", args=[organisation.slug, foreign.pk])
    assert client.post(remove, {"confirm": "yes"}).status_code == 404
    url_foreign_unit = f"{url}?eenheid={foreign.pk}"
    assert client.get(url_foreign_unit).context["unit"] is None


def _steps() -> list[services.StepSetting]:
    return [services.StepSetting(kind="advisor", position=1), services.StepSetting(kind="hr", position=2)]


def test_service_rules_cannot_be_bypassed(organisation, other_organisation, coordinator, advisor,
                                          as_actor) -> None:
    actor = as_actor(coordinator)
    with pytest.raises(PermissionDenied):
        services.route_save(actor=as_actor(advisor), unit=None, introduction="", default_recipient=None,
                            steps=_steps())
    with pytest.raises(PermissionDenied):
        services.route_save(actor=actor, unit=make_unit(other_organisation, "X"), introduction="",
                            default_recipient=None, steps=_steps())
    stranger = make_member(other_organisation, Role.ADVISOR)
    employee = make_member(organisation, Role.EMPLOYEE)
    for person in (stranger, employee):
        with pytest.raises(ValidationError) as error:
            services.route_save(actor=actor, unit=None, introduction="", default_recipient=person,
                                steps=_steps())
        assert "default_recipient" in error.value.message_dict
    keyless = make_member(organisation, Role.ADVISOR)
    with pytest.raises(ValidationError):
        services.route_save(actor=actor, unit=None, introduction="", default_recipient=keyless,
                            steps=_steps())
    bad_steps = [
        [services.StepSetting(kind="advisor", position=1), services.StepSetting(kind="advisor", position=2)],
        [services.StepSetting(kind="boss", position=1)],
        [services.StepSetting(kind="external", position=1, external_bodies=("fbi",))],
        [services.StepSetting(kind="advisor", position=1, description="x" * 2001)],
    ]
    for steps in bad_steps:
        with pytest.raises(ValidationError):
            services.route_save(actor=actor, unit=None, introduction="", default_recipient=None, steps=steps)
    with pytest.raises(ValidationError):
        services.route_save(actor=actor, unit=None, introduction="", default_recipient=None,
                            steps=_steps(), contacts=[services.ContactSetting(name="Site",
                                                                              url="javascript:alert(1)")])
    with pytest.raises(ValidationError):
        services.route_save(actor=actor, unit=None, introduction="", default_recipient=None,
                            steps=_steps(), contacts=[services.ContactSetting(name=f"C{i}") for i in range(11)])
    with pytest.raises(ValidationError):  # refused, not silently cut short
        services.route_save(actor=actor, unit=None, introduction="", default_recipient=None,
                            steps=_steps(), contacts=[services.ContactSetting(name="x" * 151)])
    assert not ReportingRoute.objects.exists()
    route = services.route_save(actor=actor, unit=None, introduction="Tekst", default_recipient=advisor,
                                steps=_steps())
    entry = AuditEntry.objects.filter(action="reporting.route_update").get()
    assert entry.data["steps"] == ["advisor", "hr"] and entry.data["default_recipient"] == advisor.pk
    assert "Tekst" not in json.dumps(entry.data)
    assert route.default_recipient == advisor


def test_default_recipient_from_the_route_receives_reports(client, organisation, coordinator, advisor,
                                                           external_advisor, submit) -> None:
    client.force_login(coordinator.user)
    url, _, data = _editor(client, organisation)
    data["default_recipient"] = str(external_advisor.pk)
    assert client.post(url, data).status_code == 302
    report, _code = submit()
    assert report.recipients.get().membership == external_advisor


def test_editor_queries_do_not_grow_with_units_and_contacts(
    client, organisation, coordinator, advisor, as_actor, django_assert_max_num_queries
) -> None:
    client.force_login(coordinator.user)
    make_unit(organisation, "Team A")
    url, _, data = _editor(client, organisation)
    data.update({f"contact-{i}-name": f"Contact {i}" for i in range(2)})
    client.post(url, data)
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    editor_queries = len(first.captured_queries)  # read now: the next request resets the log
    for number in range(15):
        make_unit(organisation, f"Team {number}")
    url, _, data = _editor(client, organisation)
    data.update({"contact-TOTAL_FORMS": "6"})
    data.update({f"contact-{i}-name": f"Contact {i}" for i in range(6)})
    client.post(url, data)
    assert RouteContact.objects.count() == 6
    with django_assert_max_num_queries(editor_queries):
        client.get(url)
    public = reverse("reporting:route", args=[organisation.slug])
    steps = [*_steps(), services.StepSetting(kind="external", position=3, external_bodies=("112",))]
    for count in (1, 10):
        services.route_save(actor=as_actor(coordinator), unit=None, introduction="", default_recipient=None,
                            steps=steps, contacts=[services.ContactSetting(name=f"C{i}") for i in range(count)])
        client.get(public)
        with django_assert_max_num_queries(30) as page_queries:
            assert f"C{count - 1}" in client.get(public).content.decode()
        if count == 1:
            page_count = len(page_queries.captured_queries)
        else:
            assert len(page_queries.captured_queries) == page_count


def test_the_api_gives_a_units_route_and_the_complaints_procedure(
    client, organisation, other_organisation, coordinator, as_actor
) -> None:
    team = make_unit(organisation, "Team Noord")
    steps = [services.StepSetting(kind="complaints_committee", position=1)]
    services.route_save(actor=as_actor(coordinator), unit=None, introduction="Hele organisatie",
                        default_recipient=None, steps=steps, complaints_procedure_text="Artikel 1",
                        complaints_procedure_file=SimpleUploadedFile("r.pdf", PDF, "application/pdf"))
    services.route_save(actor=as_actor(coordinator), unit=team, introduction="Alleen Noord",
                        default_recipient=None, steps=steps)
    url = f"/api/v1/organisations/{organisation.slug}/route"
    whole = client.get(url).json()
    assert whole["unit"] is None and whole["introduction"] == "Hele organisatie"
    assert whole["complaints_procedure_text"] == "Artikel 1"
    assert whole["complaints_procedure_url"].startswith("http://testserver/media/reporting/procedures/")
    north = client.get(url, {"unit_id": team.pk}).json()
    assert north["unit"] == "Team Noord" and north["introduction"] == "Alleen Noord"
    assert north["complaints_procedure_url"] is None
    foreign = make_unit(other_organisation, "Elders")
    assert client.get(url, {"unit_id": foreign.pk}).status_code == 404
    assert client.get(url, {"unit_id": "0"}).status_code == 422
    assert client.get(url, {"unit_id": "x"}).status_code == 422
