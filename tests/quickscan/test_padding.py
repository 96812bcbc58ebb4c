"""Issue #10, finding 3: the padding attack on the quickscan, performed for real.

The attack as reproduced: the coordinator makes personal links in a group, answers four of five
with a constant, closes the round and recovers the fifth person's 24 answers exactly from the
distributions and the group score. The same with a shared link. Each test below performs one way
of doing it and passes only when it is refused or recovers nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from support.people import make_unit
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.quickscan import services
from vangnet.quickscan.content import instrument
from vangnet.quickscan.models import RespondentToken, Response, RiskAcceptance, Round, RoundGroup

from .conftest import answer_all, links_in_mail

pytestmark = pytest.mark.django_db

PADDING = 5  # the attacker's constant answer


def real_answers() -> dict[str, int]:
    """The victim's answers: every value 1–4 occurs, and none is the attacker's constant."""
    return {s.code: 1 + index % 4 for index, s in enumerate(instrument().statements)}


def recover(api: dict[str, Any], padded: int, key: str = "employees") -> dict[str, int] | None:
    """The attacker's arithmetic on the API's figures: with `padded` known answers of 5 (100
    points) and one victim, n · score − padded · 100 = the victim's points. It uses the group's
    own column when shown, else the overall figure when only that group is in it. None when the
    figures it needs are not there.
    """
    n = padded + 1
    sizes = {g["key"]: g["respondents"] for g in api["groups"]}
    if sizes.get(key) == n and all(key in s["by_group"] for s in api["statements"]):
        values = [s["by_group"][key] for s in api["statements"]]
    elif [g["key"] for g in api["groups"]] == [key] and api["respondents"] == n:
        values = [s["score"] for s in api["statements"]]
    else:
        return None
    if any(v is None for v in values):
        return None
    return {s["code"]: round((n * v - padded * 100) / 25) + 1
            for s, v in zip(api["statements"], values, strict=True)}


def group(round_: Round, slug: str) -> RoundGroup:
    return RoundGroup.objects.get(round=round_, slug=slug)


@pytest.fixture
def round_(coordinator_actor):
    return services.round_start(actor=coordinator_actor, title="Voorjaar",
                                group_slugs=["management", "employees"])


def _pad_through_shared_link(organisation, coordinator_actor, g: RoundGroup, times: int) -> None:
    raw = services.shared_link_create(actor=coordinator_actor, group=g)
    shared = f"/o/{organisation.slug}/quickscan/groep/{raw}/"
    for _ in range(times):
        attacker = Client()  # a fresh browser each time: the "already sent" cookie is no bar
        assert attacker.post(shared).status_code == 302
        assert answer_all(attacker, shared, default=PADDING).status_code == 200


# --- (a) personal links cannot be used for padding -------------------------------------------


def test_no_page_service_or_api_hands_a_personal_link_to_the_coordinator(
        client, coordinator, organisation, round_, member_factory,
        django_capture_on_commit_callbacks):
    unit = make_unit(organisation, "Team Noord")
    team = make_unit(organisation, "Subteam", parent=unit)
    members = [member_factory(organisation, Role.EMPLOYEE, unit=unit) for _ in range(2)]
    members.append(member_factory(organisation, Role.EMPLOYEE, unit=team))
    outsider = member_factory(organisation, Role.EMPLOYEE)
    g = group(round_, "employees")
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{round_.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}groepen/{g.pk}/uitnodigen/", {f"g{g.pk}-units": [unit.pk]})
    assert response.status_code == 302
    page = client.get(base).content.decode()
    # The coordinator's pages never show a personal link; the members got them by e-mail.
    assert "/quickscan/invullen/" not in response.content.decode() + page
    links = links_in_mail(mail.outbox)
    assert sorted(links) == sorted(m.user.email for m in members)  # sub-unit included
    assert outsider.user.email not in links
    assert coordinator.user.email not in links
    stored = set(RespondentToken.objects.values_list("token_hash", flat=True))
    assert all(link.split("/")[-2] not in json.dumps(list(stored)) for link in links.values())
    assert {services.hash_token(link.split("/")[-2]) for link in links.values()} == stored
    # Each link is bound to the member it was sent to.
    for member in members:
        token = RespondentToken.objects.get(membership=member)
        assert token.token_hash == services.hash_token(links[member.user.email].split("/")[-2])
    # The old "make N links and show them" path is gone: no service, no page, no API.
    assert not hasattr(services, "tokens_create") and not hasattr(services, "tokens_email")
    old = client.post(f"{base}groepen/{g.pk}/links/", {f"g{g.pk}-count": "4", "format": "csv"})
    assert old.status_code == 404
    openapi = client.get("/api/v1/openapi.json").content.decode()
    assert "quickscan" in openapi and "/links" not in openapi and "token" not in openapi.lower()
    # The service's answer to the coordinator is two counts, nothing else.
    result = services.invitees_add(actor=actor_for(coordinator), group=g, everyone=True)
    assert result == services.InviteResult(added=2, already_invited=3)  # outsider, coordinator
    assert not any("/quickscan/invullen/" in str(v) for v in vars(result).values())


def test_accounts_made_after_the_round_started_cannot_be_invited_to_pad_it(
        client, coordinator, organisation, round_, member_factory, invite,
        django_capture_on_commit_callbacks):
    """The coordinator manages people: four new accounts with addresses of their own, invited
    into the group with one real colleague, would be four bound links to pad with."""
    from support.people import make_member
    puppets = [make_member(organisation, Role.EMPLOYEE, email=f"pop{i}@aanvaller.example")
               for i in range(4)]
    victim = member_factory(organisation, Role.EMPLOYEE)
    links = invite(group(round_, "employees"), [*puppets, victim])
    assert list(links) == [victim.user.email]
    g = group(round_, "employees")
    client.force_login(coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/{organisation.slug}/quickscan/rondes/{round_.pk}/groepen/"
                               f"{g.pk}/uitnodigen/", {f"g{g.pk}-everyone": "on"}, follow=True)
    assert "4 mensen zijn lid geworden nadat deze ronde begon" in response.content.decode()
    assert not RespondentToken.objects.filter(membership__in=puppets).exists()


def test_a_member_gets_one_link_per_round_and_is_in_one_group_only(
        organisation, round_, member_factory, invite, coordinator_actor):
    member = member_factory(organisation, Role.EMPLOYEE)
    first = invite(group(round_, "employees"), [member])
    assert list(first) == [member.user.email]
    # Asking again, in the same group or another one: no second link is made or sent.
    assert invite(group(round_, "employees"), [member]) == {}
    assert invite(group(round_, "management"), [member]) == {}
    assert RespondentToken.objects.filter(membership=member).count() == 1
    # The database refuses a second link too, whatever code tries it.
    with pytest.raises(IntegrityError), transaction.atomic():
        RespondentToken.objects.create(round=round_, group=group(round_, "management"),
                                       membership=member)
    # The member answers once; the link is then spent.
    link = first[member.user.email]
    assert answer_all(Client(), link, values=real_answers()).status_code == 200
    assert Client().get(link).status_code == 404


def test_a_reminder_replaces_the_link_and_keeps_the_draft(
        organisation, round_, member_factory, invite, coordinator_actor,
        django_capture_on_commit_callbacks):
    waiting, done = (member_factory(organisation, Role.EMPLOYEE) for _ in range(2))
    links = invite(group(round_, "employees"), [waiting, done])
    answer_all(Client(), links[done.user.email])
    old = links[waiting.user.email]
    Client().post(f"{old}stap/1/", {"s_1_1": "2", "button": "pause"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(actor=coordinator_actor, round_=round_)
    reminded = links_in_mail(mail.outbox)
    assert list(reminded) == [waiting.user.email]  # not the one who answered
    assert "Herinnering" in mail.outbox[0].subject
    assert Client().get(old).status_code == 404  # the old link stopped working
    new = reminded[waiting.user.email]
    assert Response.objects.get(submitted=False).answers == {"1.1": 2}
    assert answer_all(Client(), new).status_code == 200
    assert Response.objects.filter(submitted=True).count() == 2


def test_the_coordinator_answers_only_in_their_own_group_with_their_own_link(
        organisation, round_, coordinator, member_factory, invite, other_organisation):
    own = invite(group(round_, "management"), [coordinator])
    assert list(own) == [coordinator.user.email]
    # A link in a second group, or a second link, is refused.
    assert invite(group(round_, "employees"), [coordinator]) == {}
    link = own[coordinator.user.email]
    assert answer_all(Client(), link, default=PADDING).status_code == 200
    assert Client().post(f"{link}stap/1/", {"button": "next"}).status_code == 404
    response = Response.objects.get(submitted=True)
    assert response.group.slug == "management" and response.channel == "personal"
    # Members of another organisation cannot be invited (ids are ignored, units refused).
    stranger = member_factory(other_organisation, Role.EMPLOYEE)
    assert invite(group(round_, "employees"), [stranger]) == {}
    foreign_unit = make_unit(other_organisation, "Elders")
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        services.invitees_add(actor=actor_for(coordinator), group=group(round_, "employees"),
                              unit_ids=[foreign_unit.pk])
    # Someone without the coordinator role cannot invite anyone.
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.invitees_add(actor=actor_for(member_factory(organisation, Role.EMPLOYEE)),
                              group=group(round_, "employees"), everyone=True)


def test_the_old_attack_with_personal_links_no_longer_reaches_the_threshold(
        client, organisation, coordinator, coordinator_actor, round_, member_factory, invite):
    """Four links for the coordinator and one for the victim: only one link for the coordinator
    exists, so the group has two answers and shows nothing."""
    victim = member_factory(organisation, Role.EMPLOYEE)
    links = invite(group(round_, "employees"), [victim, coordinator, coordinator, coordinator])
    assert len(links) == 2
    answer_all(Client(), links[victim.user.email], values=real_answers())
    answer_all(Client(), links[coordinator.user.email], default=PADDING)
    services.round_close(actor=coordinator_actor, round_=round_)
    client.force_login(coordinator.user)
    api = client.get(f"/api/v1/quickscan/rounds/{round_.pk}/results").json()
    assert api["respondents"] is None and recover(api, padded=1) is None
    assert all(s["distribution"] is None and s["score"] is None for s in api["statements"])


# --- (b) padding through a shared link --------------------------------------------------------


@pytest.fixture
def padded_round(organisation, coordinator_actor, round_, member_factory, invite):
    """Management: five real members (shown). Employees: one real member through her personal
    link, and the coordinator four times through the shared link with a constant."""
    managers = [member_factory(organisation, Role.EMPLOYEE) for _ in range(5)]
    for link in invite(group(round_, "management"), managers).values():
        answer_all(Client(), link, default=3)
    victim = member_factory(organisation, Role.EMPLOYEE)
    [link] = invite(group(round_, "employees"), [victim]).values()
    answer_all(Client(), link, values=real_answers())
    _pad_through_shared_link(organisation, coordinator_actor, group(round_, "employees"), 4)
    return services.round_close(actor=coordinator_actor, round_=round_)


def test_padding_through_a_shared_link_recovers_nothing(client, coordinator, organisation,
                                                        padded_round):
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{padded_round.pk}/"
    api = client.get(f"/api/v1/quickscan/rounds/{padded_round.pk}/results").json()
    # The employees' group is treated as too small: five answers, only one through a personal link.
    assert [g["key"] for g in api["groups"]] == ["management"]
    assert api["groups_not_shown"] == ["Medewerkers"]
    intake = {row["label"]: row for row in api["intake"]}
    assert intake["Medewerkers"] == {"label": "Medewerkers", "answers": "5",
                                     "through_shared_link": "4", "status": "too_few_bound"}
    assert intake["Leidinggevenden en directie"]["through_shared_link"] == "0"
    assert api["shared_link_risk_accepted"] is None
    # Every figure is the five managers' alone (all 3 → 50): nothing of the victim in it.
    assert api["respondents"] == 5
    assert {s["score"] for s in api["statements"]} == {50.0}
    assert all(s["distribution"] == {"1": 0, "2": 0, "3": 5, "4": 0, "5": 0, "0": 0}
               for s in api["statements"])
    assert recover(api, padded=4) is None
    assert not api["gaps"]

    html = client.get(f"{base}rapport/").content.decode()
    assert "Medewerkers" in html and "qs-too-few-bound" in html
    main = html.split("<main")[1]
    # No number but 50 as a score and 5/0 in the distributions: the victim's 1, 2 and 4 are absent.
    statements = main.split('id="qs-statements"')[1]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", statements)
    # ("0%" is the share of "weet ik niet" per statement: the managers' share, nobody's answer.)
    assert set(cells) <= {"50", "5", "0", "0%"}, set(cells)

    rows = list(csv.reader(io.StringIO(client.get(f"{base}rapport.csv").content.decode())))
    with translation.override("nl"):
        responses, statement, pillar = gettext("responses"), gettext("statement"), gettext("pillar")
    # The employees appear only in the counts of how answers came in, never with a figure.
    assert {row[1] for row in rows if row[4] == "Medewerkers"} == {responses}
    assert {row[5] for row in rows if row[1] in (statement, pillar)} == {"50"}

    pdf = client.get(f"{base}rapport.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Medewerkers" in text
    after = text.split("Alle uitspraken")[-1]
    assert "50" in after and not re.search(r"(?<![\d.–])(25|75)(?![\d.])", after)


def test_padding_cannot_hide_behind_dont_know_answers(organisation, coordinator_actor,
                                                      member_factory, invite):
    """Five real members, four of whom answer "don't know" on everything: a shared link's four
    known answers must not carry the fifth person's answers over the threshold."""
    round_ = services.round_start(actor=coordinator_actor, title="Najaar",
                                  group_slugs=["employees"])
    g = group(round_, "employees")
    members = [member_factory(organisation, Role.EMPLOYEE) for _ in range(5)]
    links = list(invite(g, members).values())
    answer_all(Client(), links[0], values=real_answers())
    for link in links[1:]:
        answer_all(Client(), link, default=0)
    _pad_through_shared_link(organisation, coordinator_actor, g, 4)
    services.round_close(actor=coordinator_actor, round_=round_)
    from vangnet.quickscan.selectors import round_results

    results = round_results(round_=round_)
    assert results.respondents == 9  # the group is shown: five real members answered
    assert all(s.overall is None for s in results.statements)  # but 1 real contributor each
    assert all(p.overall is None for p in results.pillars)


def test_the_coordinators_own_link_plus_a_shared_link_still_recovers_nothing(
        client, organisation, coordinator, coordinator_actor, round_, member_factory, invite):
    victim = member_factory(organisation, Role.EMPLOYEE)
    links = invite(group(round_, "employees"), [victim, coordinator])
    answer_all(Client(), links[victim.user.email], values=real_answers())
    answer_all(Client(), links[coordinator.user.email], default=PADDING)
    _pad_through_shared_link(organisation, coordinator_actor, group(round_, "employees"), 3)
    services.round_close(actor=coordinator_actor, round_=round_)
    client.force_login(coordinator.user)
    api = client.get(f"/api/v1/quickscan/rounds/{round_.pk}/results").json()
    assert api["respondents"] is None and recover(api, padded=4) is None


# --- (c) with written acceptance the group shows, and the report says so ----------------------


def test_with_written_acceptance_the_group_shows_and_the_report_says_who_accepted(
        client, coordinator, organisation, padded_round, coordinator_actor):
    client.force_login(coordinator.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{padded_round.pk}/"
    page = client.get(f"{base}risico-gedeelde-links/")
    assert page.status_code == 200
    statement = services.shared_risk_statement(round_=padded_round, k=5)
    assert statement in page.content.decode()
    # Without the tick, without a reason, or with another text: refused, nothing recorded.
    bad = client.post(f"{base}risico-gedeelde-links/", {"reason": "", "statement": statement})
    assert bad.status_code == 400 and not RiskAcceptance.objects.exists()
    assert "Vink het vakje aan" in bad.content.decode()
    forged = client.post(f"{base}risico-gedeelde-links/", {
        "confirm": "on", "reason": "We willen alle antwoorden zien.",
        "statement": "Ik ga akkoord met niets."})
    assert forged.status_code == 400 and not RiskAcceptance.objects.exists()
    ok = client.post(f"{base}risico-gedeelde-links/", {
        "confirm": "on", "reason": "Het team werkt in ploegen zonder eigen e-mailadres.",
        "statement": statement})
    assert ok.status_code == 302
    acceptance = RiskAcceptance.objects.get()
    assert acceptance.accepted_by == coordinator and acceptance.statement == statement
    from vangnet.core.models import AuditEntry
    entry = AuditEntry.objects.get(action="quickscan.shared_risk.accept")
    assert "ploegen" not in json.dumps(entry.data)

    html = client.get(f"{base}rapport/").content.decode()
    assert "qs-risk-accepted" in html and "ploegen" in html
    assert coordinator.user.full_name in html
    api = client.get(f"/api/v1/quickscan/rounds/{padded_round.pk}/results").json()
    assert [g["key"] for g in api["groups"]] == ["management", "employees"]
    assert api["shared_link_risk_accepted"]["accepted_by"] == coordinator.user.full_name
    assert api["shared_link_risk_accepted"]["statement"] == statement
    # This is the risk the organisation accepted: the attacker's arithmetic now works. (It also
    # shows that `recover` is a real attack, so the tests above that it fails mean something.)
    # The arithmetic gives the victim's answers as scored (reverse-keyed ones turned round).
    keyed = {s.code: s.keyed(v) for s, v in zip(instrument().statements,
                                                real_answers().values(), strict=True)}
    assert recover(api, padded=4) == keyed
    csv_text = client.get(f"{base}rapport.csv").content.decode()
    assert "ploegen" in csv_text
    pdf = client.get(f"{base}rapport.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "ploegen" in text
    # Once recorded, it cannot be recorded again; others may not record it at all.
    again = client.post(f"{base}risico-gedeelde-links/", {
        "confirm": "on", "reason": "Nog een keer, voor de zekerheid.", "statement": statement})
    assert again.status_code == 200 and RiskAcceptance.objects.count() == 1


def test_only_a_round_manager_can_accept_the_risk(client, organisation, padded_round,
                                                  works_council, member_factory):
    client.force_login(works_council.user)
    base = f"/o/{organisation.slug}/quickscan/rondes/{padded_round.pk}/"
    assert client.get(f"{base}risico-gedeelde-links/").status_code == 404
    statement = services.shared_risk_statement(round_=padded_round, k=5)
    assert client.post(f"{base}risico-gedeelde-links/", {
        "confirm": "on", "reason": "Ik wil het graag zien.", "statement": statement,
    }).status_code == 404
    assert not RiskAcceptance.objects.exists()
    # The works council reads the report and sees the group is not shown, without the link.
    html = client.get(f"{base}rapport/").content.decode()
    assert "qs-too-few-bound" in html and "risico-gedeelde-links" not in html


# --- answers are tied to nobody, on a dump of the database -------------------------------------


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    tables = [t for t in connection.introspection.table_names()
              if t.startswith(("quickscan_", "core_audit", "django_tasks"))]
    with connection.cursor() as cursor:
        dump = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            columns = [c[0] for c in cursor.description]
            dump[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return dump


def test_a_submitted_response_is_tied_to_no_member_or_link_in_a_database_dump(
        organisation, round_, member_factory, invite, coordinator_actor):
    members = [member_factory(organisation, Role.EMPLOYEE) for _ in range(3)]
    links = invite(group(round_, "employees"), members)
    for index, member in enumerate(members):
        answer_all(Client(), links[member.user.email], default=index + 1)
    dump = _dump()
    responses = dump["quickscan_response"]
    assert len(responses) == 3
    for row in responses:
        assert row["token_id"] is None and row["draft_key_hash"] == ""
        assert row["draft_updated_at"] is None
        assert set(row) == {"id", "round_id", "group_id", "token_id", "draft_key_hash",
                            "answers", "submitted", "draft_updated_at", "channel"}
    # No audit entry names a response (respondents' writes are not audited at all).
    audit_rows = [row for table, rows in dump.items() if table.startswith("core_audit")
                  for row in rows]
    assert audit_rows and not any("response" in str(row.get("object_type", ""))
                                  or "token" in str(row.get("object_type", ""))
                                  for row in audit_rows)
    for member in members:
        assert member.user.email not in json.dumps(dump, default=str)
    # While the round runs, spent links show who took part (not what they answered). Closing
    # erases that too, and writes the answers again in random order under new ids.
    before = {row["id"] for row in responses}
    services.round_close(actor=coordinator_actor, round_=round_)
    dump = _dump()
    assert {row["id"] for row in dump["quickscan_response"]}.isdisjoint(before)
    assert sorted(json.loads(r["answers"])["1.1"] if isinstance(r["answers"], str)
                  else r["answers"]["1.1"] for r in dump["quickscan_response"]) == [1, 2, 3]
    tokens = dump["quickscan_respondenttoken"]
    assert all(t["spent"] and t["token_hash"] is None for t in tokens)


@pytest.mark.django_db(transaction=True)
def test_the_task_table_holds_ids_only_and_the_worker_sends_the_links(
        settings, organisation, member_factory, coordinator_actor):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    round_ = services.round_start(actor=coordinator_actor, title="Najaar",
                                  group_slugs=["employees"])
    members = [member_factory(organisation, Role.EMPLOYEE) for _ in range(2)]
    mail.outbox.clear()
    services.invitees_add(actor=coordinator_actor, group=group(round_, "employees"),
                          membership_ids=[m.pk for m in members])
    from django_tasks_db.models import DBTaskResult

    [queued] = DBTaskResult.objects.filter(task_path__endswith="send_personal_links")
    assert queued.args_kwargs == {"args": [], "kwargs": {"round_id": round_.pk}}
    assert RespondentToken.objects.filter(token_hash__isnull=True).count() == 2
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)
    links = links_in_mail(mail.outbox)
    assert sorted(links) == sorted(m.user.email for m in members)
    dump = json.dumps(_dump(), default=str)
    for link in links.values():
        assert link.split("/")[-2] not in dump  # not in the task table, nor anywhere else
    assert Client().get(next(iter(links.values()))).status_code == 200


def test_a_link_that_could_not_be_sent_is_given_back_and_sent_next_time(
        organisation, round_, member_factory, coordinator_actor, settings):
    member = member_factory(organisation, Role.EMPLOYEE)
    services.invitees_add(actor=coordinator_actor, group=group(round_, "employees"),
                          membership_ids=[member.pk])  # on_commit not run: nothing sent yet
    token = RespondentToken.objects.get(membership=member)
    assert token.token_hash is None
    # A real SMTP connection to a port where no mail server listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(OSError):
        services.personal_links_send(round_id=round_.pk)
    token.refresh_from_db()
    assert token.token_hash is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert services.personal_links_send(round_id=round_.pk) == 1
    assert list(links_in_mail(mail.outbox)) == [member.user.email]


def test_the_trend_compares_with_the_padded_round_as_shown_not_as_padded(
        client, coordinator, organisation, padded_round, coordinator_actor, make_links):
    second = services.round_start(actor=coordinator_actor, title="Najaar",
                                  group_slugs=["employees"])
    for link in make_links(group(second, "employees"), 5):
        answer_all(Client(), link, default=4)
    services.round_close(actor=coordinator_actor, round_=second)
    client.force_login(coordinator.user)
    html = client.get(f"/o/{organisation.slug}/quickscan/rondes/{second.pk}/rapport/"
                      ).content.decode()
    trend = html.split('id="qs-trend"')[1].split("</table>")[0]
    rows = re.findall(r"<td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", trend)
    # Before: the managers alone (50), not the victim and the padding; now 75.
    assert rows and all(row == ("50", "75", "+25") for row in rows), rows
