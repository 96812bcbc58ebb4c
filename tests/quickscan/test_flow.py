"""Rounds, links, answering, closing and the report, through the real views."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from vangnet.quickscan import services
from vangnet.quickscan.content import instrument
from vangnet.quickscan.forms import field_name
from vangnet.quickscan.models import RespondentToken, Response, Round, RoundGroup

from .conftest import answer_all, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_group_round(coordinator_actor):
    return services.round_start(actor=coordinator_actor, title="Voorjaar",
                                group_slugs=["management", "or", "employees"])


def group(round_, slug):
    return RoundGroup.objects.get(round=round_, slug=slug)


def test_start_round_through_the_page(client, coordinator, organisation):
    client.force_login(coordinator.user)
    response = client.post(f"/o/{organisation.slug}/quickscan/rondes/nieuw/",
                           {"title": "Najaar", "groups": ["management", "employees"]})
    round_ = Round.objects.get(title="Najaar")
    assert response.status_code == 302
    assert sorted(round_.groups.values_list("slug", flat=True)) == ["employees", "management"]
    # Bad input keeps what was entered and says what is wrong.
    response = client.post(f"/o/{organisation.slug}/quickscan/rondes/nieuw/", {"title": "Leeg"})
    assert response.status_code == 200
    assert "Leeg" in response.content.decode()
    assert Round.objects.count() == 1


def test_inviting_through_the_page_by_role_and_everyone(client, coordinator, organisation,
                                                       three_group_round, member_factory,
                                                       django_capture_on_commit_callbacks):
    from vangnet.organisations.roles import Role
    managers = [member_factory(organisation, Role.EMPLOYEE, Role.MANAGER) for _ in range(2)]
    staff = [member_factory(organisation, Role.EMPLOYEE) for _ in range(3)]
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{three_group_round.pk}/"
    management, employees = group(three_group_round, "management"), group(three_group_round,
                                                                          "employees")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}groepen/{management.pk}/uitnodigen/",
                               {f"g{management.pk}-roles": ["leidinggevende"]})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in managers)
    assert all("/quickscan/invullen/" in m.body for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}groepen/{employees.pk}/uitnodigen/",
                    {f"g{employees.pk}-everyone": "on"})
    # Everyone else: the staff and the coordinator; the managers already have a link.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [m.user.email for m in staff] + [coordinator.user.email])
    page = client.get(base).content.decode()
    assert "/quickscan/invullen/" not in page
    counts = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td>", page)
    assert ("Leidinggevenden en directie", "2") in counts and ("Medewerkers", "4") in counts
    # Choosing nobody, or a role that does not exist: a clear message, nothing sent.
    mail.outbox.clear()
    response = client.post(f"{base}groepen/{employees.pk}/uitnodigen/", {})
    assert response.status_code == 400 and "Kies wie een link krijgt" in response.content.decode()
    response = client.post(f"{base}groepen/{employees.pk}/uitnodigen/",
                           {f"g{employees.pk}-roles": ["koning"]})
    assert response.status_code == 400 and mail.outbox == []


def test_personal_link_e_mail_in_the_members_language(organisation, three_group_round,
                                                      member_factory, invite):
    from vangnet.organisations.roles import Role
    dutch = member_factory(organisation, Role.EMPLOYEE)
    english = member_factory(organisation, Role.EMPLOYEE)
    english.user.preferred_language = "en"
    english.user.save(update_fields=["preferred_language"])
    links = invite(group(three_group_round, "employees"), [dutch, english])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Je persoonlijke link" in by_address[dutch.user.email].body
    assert "Your personal link" in by_address[english.user.email].body
    assert links[dutch.user.email] != links[english.user.email]


def test_respondent_pauses_continues_and_the_link_is_spent(client, organisation,
                                                           three_group_round, make_links):
    [link] = make_links(group(three_group_round, "employees"), 1)
    start = client.get(link)
    assert start.status_code == 200
    first = instrument().statements_of(1)
    # Answer two statements and pause.
    response = client.post(f"{link}stap/1/", {field_name(first[0].code): "5",
                                              field_name(first[1].code): "0", "button": "pause"})
    assert response.status_code == 200
    # Continue later: the answers are still there.
    page = client.get(f"{link}stap/1/").content.decode()
    assert f'name="{field_name(first[0].code)}" value="5"' in page
    assert 'value="5" class' in page or "checked" in page
    # A validation error keeps what was entered.
    response = client.post(f"{link}stap/1/", {field_name(first[2].code): "3", "button": "next"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Weet je het niet?" in body or "Not sure?" in body
    draft = Response.objects.get()
    assert draft.answers == {first[0].code: 5, first[1].code: 0, first[2].code: 3}
    # Answer everything and send.
    assert answer_all(client, link).status_code == 200
    response = Response.objects.get()
    assert response.submitted and response.token is None and response.draft_updated_at is None
    assert RespondentToken.objects.get().spent
    # The link is spent.
    assert client.get(link).status_code == 404
    assert client.post(f"{link}stap/1/", {"button": "next"}).status_code == 404


def test_respondent_pages_store_no_ip_or_user_agent_and_set_no_tracking_cookie(
        client, organisation, three_group_round, make_links, coordinator_actor):
    [link] = make_links(group(three_group_round, "employees"), 1)
    client.get(link, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Spion/1.0")
    answer_all(client, link)
    raw = services.shared_link_create(actor=coordinator_actor,
                                      group=group(three_group_round, "or"))
    shared = f"/o/{organisation.slug}/quickscan/groep/{raw}/"
    client.get(shared, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Spion/1.0")
    client.post(shared, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Spion/1.0")
    answer_all(client, shared)
    assert set(client.cookies) <= {"csrftoken", "vn_qs_done", "vn_qs_draft"}
    assert "sessionid" not in client.cookies
    from django.db import connection
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith(("quickscan_", "core_audit", "django_session")):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            dump = json.dumps(cursor.fetchall(), default=str)
            assert "203.0.113.9" not in dump and "Spion" not in dump, table
    field_names = {f.name for model in (Response, RespondentToken, RoundGroup, Round)
                   for f in model._meta.get_fields()}
    assert not {"ip", "ip_address", "user_agent"} & field_names


def test_shared_link_draft_cookie_and_double_submission(client, organisation, coordinator_actor,
                                                        three_group_round):
    raw = services.shared_link_create(actor=coordinator_actor,
                                      group=group(three_group_round, "employees"))
    shared = f"/o/{organisation.slug}/quickscan/groep/{raw}/"
    # Without a draft cookie the steps send you back to the start.
    assert client.get(f"{shared}stap/1/").status_code == 302
    response = client.post(shared)
    assert response.status_code == 302
    cookie = client.cookies["vn_qs_draft"]
    assert cookie["httponly"] and cookie["path"] == shared
    assert Response.objects.get().draft_key_hash == services.hash_token(cookie.value)
    assert answer_all(client, shared).status_code == 200
    assert Response.objects.filter(submitted=True).count() == 1
    assert Response.objects.get().draft_key_hash == ""
    # The same browser is told it already answered.
    page = client.get(shared).content.decode()
    assert "al antwoorden verstuurd" in page or "already sent" in page
    # Another browser can answer (a shared link is weaker; documented).
    from django.test import Client
    other = Client()
    other.post(shared)
    answer_all(other, shared)
    assert Response.objects.filter(submitted=True).count() == 2


def _answer_round(client_class, organisation, round_, make_links, sizes, values):
    for slug, count in sizes.items():
        for link in make_links(group(round_, slug), count):
            answer_all(client_class(), link, default=values[slug])


@pytest.fixture
def closed_round(organisation, coordinator_actor, three_group_round, make_links):
    from django.test import Client
    # management: 5 × all 5 (100); employees: 6 × all 2 (25); works council: 2 × all 1 (0).
    _answer_round(Client, organisation, three_group_round, make_links,
                  {"management": 5, "employees": 6, "or": 2},
                  {"management": 5, "employees": 2, "or": 1})
    return services.round_close(actor=coordinator_actor, round_=three_group_round)


OR_NAME = "Ondernemingsraad of personeelsvertegenwoordiging"


def test_running_round_shows_counts_only(client, coordinator, organisation, three_group_round,
                                         make_links):
    [link] = make_links(group(three_group_round, "or"), 1)
    answer_all(client, link)
    client.force_login(coordinator.user)
    page = client.get(f"/o/{organisation.slug}/quickscan/rondes/{three_group_round.pk}/")
    assert page.status_code == 200
    # No report while the round runs.
    assert client.get(f"/o/{organisation.slug}/quickscan/rondes/{three_group_round.pk}/rapport/"
                      ).status_code == 404


def test_report_page_pdf_csv_and_api_never_show_the_small_group(client, coordinator, organisation,
                                                                closed_round):
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{closed_round.pk}/"
    html = client.get(f"{base}rapport/").content.decode()
    # Overall = (5·100 + 6·25) / 11 = 59; the works council's zeros are not in it.
    assert ">59<" in html
    assert "Leidinggevenden en directie" in html and "Medewerkers" in html
    # The small group is only named as "not shown", and in how answers came in as "< 5".
    assert html.count(OR_NAME) == 2
    assert re.search(OR_NAME + r"</th><td>&lt; 5</td><td>&lt; 5</td><td>niet getoond", html)
    assert "<style" not in html.split("<main")[1]
    assert ' style="' not in html
    # Gaps (100 − 25 = 75) and priorities with werkvormen.
    assert ">75<" in html
    assert "Wie doet wat? Rollen helder maken" in html  # werkvorm of statement 1.1

    csv_text = client.get(f"{base}rapport.csv").content.decode()
    import csv
    or_rows = [row for row in csv.reader(io.StringIO(csv_text)) if OR_NAME in row]
    assert len(or_rows) == 2 and all(row[1] == "respons" and row[5] == "< 5" for row in or_rows)
    assert ",59," in csv_text

    pdf = client.get(f"{base}rapport.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "59" in text
    assert text.count("Ondernemingsraad") == 2  # "not shown", and "< 5" in how answers came in

    api = client.get(f"/api/v1/quickscan/rounds/{closed_round.pk}/results")
    assert api.status_code == 200
    data = api.json()
    assert [g["key"] for g in data["groups"]] == ["management", "employees"]
    assert data["groups_not_shown"] == [OR_NAME]
    assert "or" not in json.dumps([p["by_group"] for p in data["pillars"]])
    assert data["pillars"][0]["score"] == pytest.approx(59.1)
    assert data["respondents"] == 11


def test_action_from_priority_in_one_click(client, coordinator, organisation, closed_round):
    client.force_login(coordinator.user)
    response = client.post(
        f"/o/{organisation.slug}/quickscan/rondes/{closed_round.pk}/uitspraken/1.1/actie/")
    assert response.status_code == 302
    from vangnet.quickscan.models import Action
    action = Action.objects.get()
    assert action.statement_code == "1.1" and action.pillar == 1
    assert action.description == str(instrument().statement("1.1").action)
    response = client.post(f"/o/{organisation.slug}/quickscan/acties/{action.pk}/", {
        "title": action.title, "description": action.description, "owner": coordinator.pk,
        "due_date": "2027-03-01", "status": "in_progress"})
    assert response.status_code == 302
    page = client.get(f"/o/{organisation.slug}/quickscan/acties/").content.decode()
    assert "0 van 1" in page or "0 of 1" in page
    # Bad input keeps what was entered.
    response = client.post(f"/o/{organisation.slug}/quickscan/acties/{action.pk}/", {
        "title": "Nieuwe titel", "due_date": "geen datum", "status": "open"})
    assert response.status_code == 200 and "Nieuwe titel" in response.content.decode()


def test_permissions(client, organisation, other_organisation, member_factory, closed_round,
                     works_council, employee, coordinator_actor):
    from vangnet.organisations.roles import Role
    report = f"/o/{organisation.slug}/quickscan/rondes/{closed_round.pk}/rapport/"
    detail = f"/o/{organisation.slug}/quickscan/rondes/{closed_round.pk}/"
    # Works council: the report of a closed round, read-only; not the management page or API.
    client.force_login(works_council.user)
    page = client.get(report)
    assert page.status_code == 200 and "Maak hier een actie van" not in page.content.decode()
    assert client.get(detail).status_code == 404
    assert client.get(f"/api/v1/quickscan/rounds/{closed_round.pk}/results").status_code == 404
    open_round = services.round_start(actor=coordinator_actor, title="Open",
                                      group_slugs=["employees"])
    assert client.get(f"/o/{organisation.slug}/quickscan/rondes/{open_round.pk}/rapport/"
                      ).status_code == 404
    solo, _raw = services.solo_start(actor=coordinator_actor, title="Alleen")
    Round.objects.filter(pk=solo.pk).update(status=Round.Status.CLOSED)
    assert client.get(f"/o/{organisation.slug}/quickscan/rondes/{solo.pk}/rapport/"
                      ).status_code == 404
    # A manager may read it too.
    manager = member_factory(organisation, Role.EMPLOYEE, Role.MANAGER)
    client.force_login(manager.user)
    assert client.get(report).status_code == 200
    # An employee may not.
    client.force_login(employee.user)
    assert client.get(report).status_code == 404
    assert client.get(f"/o/{organisation.slug}/quickscan/").status_code == 404
    # A coordinator of another organisation: 404 everywhere.
    outsider = member_factory(other_organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(outsider.user)
    assert client.get(report).status_code == 404
    assert client.get(f"/o/{other_organisation.slug}/quickscan/rondes/{closed_round.pk}/rapport/"
                      ).status_code == 404
    assert client.get(f"/api/v1/quickscan/rounds/{closed_round.pk}/results").status_code == 404
    # Not logged in: the API refuses.
    client.logout()
    assert client.get(f"/api/v1/quickscan/rounds/{closed_round.pk}/results").status_code == 401


def test_closing_stops_links_and_drops_drafts(client, organisation, coordinator_actor,
                                              three_group_round, make_links):
    [link] = make_links(group(three_group_round, "employees"), 1)
    client.post(f"{link}stap/1/", {"button": "pause"})
    assert Response.objects.filter(submitted=False).count() == 1
    services.round_close(actor=coordinator_actor, round_=three_group_round)
    assert Response.objects.count() == 0
    assert client.get(link).status_code == 404


def test_solo_round(client, coordinator, organisation):
    client.force_login(coordinator.user)
    response = client.post(f"/o/{organisation.slug}/quickscan/alleen/", {"title": "Mijn blik"})
    link = path_of(response["Location"])
    assert "/quickscan/invullen/" in link
    result = answer_all(client, link, default=3)
    assert result.status_code == 302
    round_ = Round.objects.get(title="Mijn blik")
    assert not round_.is_open
    page = client.get(result["Location"]).content.decode()
    assert str(instrument().solo_note.nl)[:40] in page
    assert ">50<" in page


def test_trend_compares_with_the_previous_round(client, coordinator, organisation,
                                                closed_round, coordinator_actor, make_links):
    from django.test import Client
    second = services.round_start(actor=coordinator_actor, title="Najaar",
                                  group_slugs=["employees"])
    for link in make_links(group(second, "employees"), 5):
        answer_all(Client(), link, default=4)
    services.round_close(actor=coordinator_actor, round_=second)
    client.force_login(coordinator.user)
    html = client.get(f"/o/{organisation.slug}/quickscan/rondes/{second.pk}/rapport/"
                      ).content.decode()
    assert "Voorjaar" in html
    assert "+16" in html  # 75 now against 59 before
    # Two charts (pillars, trend) on one page: ids stay unique.
    import re
    assert html.count("<svg") == 2
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_werkvormen_link_to_the_toolbox_when_it_has_them(organisation):
    from django.apps import apps

    from vangnet.quickscan.selectors import werkvormen_for

    links = werkvormen_for(organisation=organisation, slugs=["rollen-helder", "bestaat-niet"])
    assert [link.title for link in links] == ["Wie doet wat? Rollen helder maken"]
    if not apps.is_installed("vangnet.toolbox"):
        assert links[0].url is None
        return
    from vangnet.toolbox.services import builtin_content_load

    builtin_content_load()
    [link] = werkvormen_for(organisation=organisation, slugs=["rollen-helder"])
    assert link.url == f"/o/{organisation.slug}/toolbox/werkvormen/rollen-helder/"


def test_report_in_english(client, coordinator, organisation, closed_round):
    client.force_login(coordinator.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/o/{organisation.slug}/quickscan/rondes/{closed_round.pk}/rapport/"
                      ).content.decode()
    assert str(instrument().statement("1.1").text.en) in html
    assert "Managers and directors" in html


def test_bad_input_never_gives_a_server_error(client, coordinator, organisation, closed_round,
                                              coordinator_actor, make_links):
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/"
    assert client.post(f"{base}rondes/{closed_round.pk}/uitspraken/9.9/actie/").status_code == 404
    assert client.get(f"{base}rondes/999999/rapport/").status_code == 404
    g = RoundGroup.objects.filter(round=closed_round).first()
    # Links for a closed round: a message, no new links.
    response = client.post(f"{base}rondes/{closed_round.pk}/groepen/{g.pk}/uitnodigen/",
                           {f"g{g.pk}-everyone": "on"})
    assert response.status_code == 400 and "Deze ronde is gesloten" in response.content.decode()
    assert not RespondentToken.objects.filter(group=g, spent=False).exists()
    open_round = services.round_start(actor=coordinator_actor, title="Open",
                                      group_slugs=["employees"])
    og = RoundGroup.objects.get(round=open_round)
    response = client.post(f"{base}rondes/{open_round.pk}/groepen/{og.pk}/uitnodigen/",
                           {f"g{og.pk}-units": ["abc", "99999"]})
    assert response.status_code == 400
    [link] = make_links(og, 1)
    assert client.post(f"{link}stap/7/", {"button": "next"}).status_code == 404
    response = client.post(f"{link}stap/1/", {"s_1_1": "99", "s_1_2": "abc", "button": "next"})
    assert response.status_code == 400
    assert Response.objects.get(round=open_round).answers == {}
    assert client.post(f"{link}versturen/").status_code == 400
    assert client.get("/api/v1/quickscan/rounds/99999999999999999999/results").status_code in (
        404, 422)


def test_api_refuses_an_open_round(client, coordinator, coordinator_actor):
    open_round = services.round_start(actor=coordinator_actor, title="Open",
                                      group_slugs=["employees"])
    client.force_login(coordinator.user)
    response = client.get(f"/api/v1/quickscan/rounds/{open_round.pk}/results")
    assert response.status_code == 409
    assert "open" in response.json()["detail"]
