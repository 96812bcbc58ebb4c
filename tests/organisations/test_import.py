"""CSV import of units and people: every bad row is reported, and it is all or nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from vangnet.core.models import AuditEntry
from vangnet.organisations import imports
from vangnet.organisations.models import ImportJob, Membership, Unit
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.organisations.services import import_job_create

HEADER = "type,code,name,parent_code,email,roles,unit_code,job_title\n"


@pytest.fixture
def coordinator(organisation: Any, member_factory: Any) -> Membership:
    return member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR, email="coord@example.org")


def _run(coordinator: Membership, text: str, django_capture_on_commit_callbacks: Any) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=actor_for(coordinator), file_name="test.csv", csv_text=text)
    job.refresh_from_db()
    return job


def _messages(job: ImportJob) -> dict[int, str]:
    with translation.override("nl"):
        return {e["line"]: imports.error_message(e) for e in job.errors}


@pytest.mark.django_db
def test_valid_file_creates_tree_people_and_roles(coordinator: Membership, organisation: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    text = HEADER + (
        "unit,SD-JGD,Team Jeugd,SD,,,,\n"  # child before its parent: order in the file is free
        "unit,SD,Sociaal Domein,,,,,\n"
        "person,,Sanne de Vries,,Sanne@Example.nl,medewerker,SD-JGD,Jeugdconsulent\n"
        "person,,Marco Jansen,,marco@example.nl,Medewerker|Leidinggevende,SD-JGD,Teamleider\n"
        "person,,Noor,,noor@example.nl,,,\n"
    )
    job = _run(coordinator, text, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["units_created"] == 2
    assert job.summary["people_created"] == 3
    assert job.csv_text == ""  # the uploaded names and addresses are not kept
    team = Unit.objects.get(organisation=organisation, code="SD-JGD")
    assert team.parent.code == "SD"
    assert team.parent.kind == Unit.Kind.DEPARTMENT and team.kind == Unit.Kind.TEAM
    sanne = Membership.objects.get(organisation=organisation, user__email="sanne@example.nl")
    assert sanne.unit == team and sanne.job_title == "Jeugdconsulent"
    assert sanne.role_set == {Role.EMPLOYEE}
    marco = Membership.objects.get(organisation=organisation, user__email="marco@example.nl")
    assert marco.role_set == {Role.EMPLOYEE, Role.MANAGER}
    noor = Membership.objects.get(organisation=organisation, user__email="noor@example.nl")
    assert noor.role_set == {Role.EMPLOYEE} and noor.unit is None
    assert not noor.user.has_usable_password()
    entry = AuditEntry.objects.filter(action="organisation.import").get()
    assert entry.data["people_created"] == 3
    assert "sanne" not in str(entry.data).lower()


@pytest.mark.django_db
def test_every_bad_row_is_reported_in_dutch_and_nothing_is_imported(
    coordinator: Membership, organisation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    text = HEADER + (
        "unit,A,Afdeling A,,,,,\n"                      # 2 fine on its own
        "unit,B,Team B,ONBEKEND,,,,\n"                  # 3 unknown parent
        "unit,A,Nog een A,,,,,\n"                       # 4 duplicate code
        "person,,Piet,,geen-email,,,\n"                 # 5 invalid e-mail
        "person,,Kees,,kees@example.nl,directeur,,\n"   # 6 unknown role
        "unit,X,X,Y,,,,\n"                              # 7 cycle X → Y → X
        "unit,Y,Y,X,,,,\n"                              # 8 cycle
        "person,,Els,,els@example.nl,hr,GEENTEAM,\n"    # 9 unknown unit
        "groep,G,G,,,,,\n"                              # 10 unknown type
        "person,,Ruud,,kees@example.nl,,,\n"            # 11 duplicate e-mail
        "unit,,Zonder code,,,,,\n"                      # 12 no code
    )
    job = _run(coordinator, text, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    messages = _messages(job)
    assert messages == {
        3: "Onbekende bovenliggende afdeling of team “ONBEKEND”.",
        4: "De code A staat meer dan één keer in het bestand (ook op regel 2).",
        5: "“geen-email” is geen geldig e-mailadres.",
        6: "Onbekende rol “directeur”.",
        7: "De afdeling of het team X komt onder zichzelf te hangen (een kring in parent_code).",
        8: "De afdeling of het team Y komt onder zichzelf te hangen (een kring in parent_code).",
        9: "Onbekende afdeling of team “GEENTEAM”.",
        10: "Onbekend type “groep”: gebruik unit of person.",
        11: "Het e-mailadres kees@example.nl staat meer dan één keer in het bestand (ook op regel 6).",
        12: "Een afdeling of team heeft een code nodig.",
    }
    assert job.summary["error_count"] == 10
    assert not Unit.objects.filter(organisation=organisation).exists()
    assert Membership.objects.filter(organisation=organisation).count() == 1  # only the coordinator


@pytest.mark.django_db
def test_missing_columns_and_empty_file(coordinator: Membership,
                                        django_capture_on_commit_callbacks: Any) -> None:
    job = _run(coordinator, "type,name\nunit,A\n", django_capture_on_commit_callbacks)
    assert _messages(job) == {1: "Deze kolommen ontbreken in de eerste regel: code, email."}
    job = _run(coordinator, "", django_capture_on_commit_callbacks)
    assert _messages(job) == {1: "Het bestand is leeg."}


@pytest.mark.django_db
def test_semicolon_file_with_dutch_labels_updates_existing_and_never_removes_roles(
    coordinator: Membership, organisation: Any, member_factory: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Unit.objects.create(organisation=organisation, code="HR", name="Oude naam")
    hr_person = member_factory(organisation, Role.EMPLOYEE, Role.HR, email="hr@example.org")
    text = (
        "type;code;name;parent_code;email;roles;unit_code;job_title\n"
        "unit;HR;Team HR;;;;;\n"
        "person;;;;HR@example.org;Vertrouwenspersoon|OR-lid;HR;Adviseur\n"
    )
    job = _run(coordinator, text, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, _messages(job)
    assert job.summary["units_updated"] == 1 and job.summary["people_updated"] == 1
    assert Unit.objects.get(organisation=organisation, code="HR").name == "Team HR"
    hr_person.refresh_from_db()
    assert hr_person.role_set == {Role.EMPLOYEE, Role.HR, Role.ADVISOR, Role.WORKS_COUNCIL}
    assert hr_person.unit.code == "HR" and hr_person.job_title == "Adviseur"


@pytest.mark.django_db
def test_cycle_through_an_existing_unit_is_refused(coordinator: Membership, organisation: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    top = Unit.objects.create(organisation=organisation, code="TOP", name="Top")
    Unit.objects.create(organisation=organisation, code="LOW", name="Low", parent=top)
    job = _run(coordinator, HEADER + "unit,TOP,Top,LOW,,,,\n", django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert list(_messages(job)) == [2]


@pytest.mark.django_db
def test_upload_page_status_page_and_htmx_polling(client: Any, coordinator: Membership,
                                                  organisation: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/beheer/importeren/"
    page = client.get(base)
    assert page.status_code == 200
    assert "Afdelingen, teams en mensen importeren" in page.content.decode()
    upload = SimpleUploadedFile("mensen.csv", (HEADER + "unit,A,Afdeling A,,,,,\n").encode("utf-8-sig"),
                                content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base, {"csv_file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"{base}{job.pk}/"
    status = client.get(response["Location"]).content.decode()
    assert "De import is klaar." in status
    assert "hx-trigger" not in status  # finished: no more polling

    pending = ImportJob.objects.create(organisation=organisation, created_by=coordinator.user,
                                       file_name="wacht.csv", csv_text=HEADER, total_rows=10)
    partial = client.get(f"{base}{pending.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "<html" not in partial
    full = client.get(f"{base}{pending.pk}/").content.decode()
    assert "Opnieuw bekijken" in full  # works without JavaScript: a reload link, no meta refresh
    assert 'http-equiv="refresh"' not in full
    example = client.get(f"{base}voorbeeld.csv")
    assert example["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_unit_and_people_pages_link_to_the_import(client: Any, coordinator: Membership,
                                                  organisation: Any) -> None:
    client.force_login(coordinator.user)
    url = f"/o/{organisation.slug}/beheer/importeren/"
    assert url in client.get(f"/o/{organisation.slug}/beheer/afdelingen-en-teams/").content.decode()
    assert url in client.get(f"/o/{organisation.slug}/beheer/mensen/").content.decode()


@pytest.mark.django_db
def test_bad_upload_keeps_the_form_and_explains(client: Any, coordinator: Membership,
                                                organisation: Any) -> None:
    client.force_login(coordinator.user)
    # Bytes that are neither UTF-8 nor Windows-1252 text.
    upload = SimpleUploadedFile("plaatje.csv", b"\x81\x8d\x8f\x90\x9d" * 10, content_type="text/csv")
    response = client.post(f"/o/{organisation.slug}/beheer/importeren/", {"csv_file": upload})
    assert response.status_code == 200
    assert "Dit bestand is niet als tekst te lezen." in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_ten_thousand_rows_import_in_seconds(coordinator: Membership, organisation: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    lines = [HEADER.strip()]
    lines += [f"unit,D{d},Afdeling {d},,,,," for d in range(20)]
    lines += [f"unit,T{t},Team {t},D{t % 20},,,," for t in range(180)]
    roles = ["medewerker", "medewerker;leidinggevende", "Medewerker|HR"]
    lines += [
        f"person,,Persoon {n},,persoon{n}@example.nl,{roles[n % 3]},T{n % 180},Functie {n % 7}"
        for n in range(9_800)
    ]
    text = "\n".join(lines) + "\n"
    started = time.perf_counter()
    job = _run(coordinator, text, django_capture_on_commit_callbacks)
    elapsed = time.perf_counter() - started
    print(f"\n10,000-row import took {elapsed:.2f} s")
    assert job.status == ImportJob.Status.DONE, job.errors[:5]
    assert job.processed_rows == job.total_rows == 10_000
    assert Unit.objects.filter(organisation=organisation).count() == 200
    assert Membership.objects.filter(organisation=organisation).count() == 9_801
    assert elapsed < 60


@pytest.mark.django_db
def test_a_deep_tree_imports_without_recursion_limits(coordinator: Membership, organisation: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    # Listed bottom-up, 1,500 levels deep: deeper than Python's recursion limit.
    lines = [HEADER.strip()] + [
        f"unit,U{n},Eenheid {n},{f'U{n - 1}' if n else ''},,,," for n in reversed(range(1500))
    ]
    job = _run(coordinator, "\n".join(lines) + "\n", django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    deepest = Unit.objects.get(organisation=organisation, code="U1499")
    assert deepest.parent.code == "U1498"
    assert Unit.objects.get(organisation=organisation, code="U0").parent is None


@pytest.mark.django_db
def test_existing_account_with_capitals_is_found_not_duplicated(
    coordinator: Membership, organisation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    existing = User.objects.create(email="Mixed.Case@Example.org", full_name="Al Bestaand")
    job = _run(coordinator, HEADER + "person,,Al Bestaand,,mixed.case@example.org,,,\n",
               django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert User.objects.filter(email__iexact="mixed.case@example.org").count() == 1
    assert Membership.objects.filter(organisation=organisation, user=existing).exists()
