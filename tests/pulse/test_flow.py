"""The pulse end to end through services and pages: plan → links by e-mail → answers through
the links → close → who sees what; the small team appears nowhere; padding and link rules."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from support.people import make_member
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import Membership
from vangnet.pulse import services
from vangnet.pulse.content import instrument
from vangnet.pulse.forms import field_name
from vangnet.pulse.models import PulseLink, PulsePlan, PulseResponse, PulseRound
from vangnet.pulse.public import scale_scores_in

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+/pulse/invullen/([^/\s]+)/")


def links_by_address() -> dict[str, str]:
    """The raw link of every address in the outbox (the last one wins: reminders replace)."""
    found = {}
    for message in mail.outbox:
        match = LINK.search(message.body)
        if match:
            found[message.to[0]] = match.group(1)
    return found


def plan(people: dict[str, Any], capture: Any, *names: str, cadence: str = "quarterly") -> PulseRound:
    with capture(execute=True):
        created = services.plan_create(
            actor=people["coordinator"], title="Pulse zorg", cadence=cadence,
            unit_ids=[people["units"][n].pk for n in names], first_start=timezone.localdate())
    return PulseRound.objects.get(plan=created)


def answer(client: Any, organisation: Any, raw: str, value: int, open_text: str = "") -> Any:
    data = {field_name(item.code): str(8 - value if item.reverse else value)
            for item in instrument().items}
    data[field_name("open")] = open_text
    return client.post(reverse("pulse:respond", args=[organisation.slug, raw]), data)


def test_whole_flow_with_a_small_team(client: Any, organisation: Any, people: dict[str, Any],
                                      django_capture_on_commit_callbacks: Any) -> None:
    round_ = plan(people, django_capture_on_commit_callbacks, "north", "south", "small")
    assert round_.threshold == 5 and round_.is_open
    assert PulsePlan.objects.get().next_start == services.add_months(timezone.localdate(), 3)
    links = links_by_address()
    members = people["members"]
    # Every member of the three teams got their own link, nobody else did (not the coordinator).
    invited = {m.user.email for n in ("north", "south", "small") for m in members[n]}
    assert set(links) == invited
    assert all(m.to[0] in invited for m in mail.outbox)
    for body in (m.body for m in mail.outbox):
        assert body.count("http://testserver") == 0  # built from SITE_URL, not a request
    values = {"north": 6, "south": 3, "small": 1}
    for name, value in values.items():
        for member in members[name]:
            reply = answer(client, organisation, links[member.user.email], value, "meer overleg")
            assert reply.status_code == 200
            assert "Thank you" in reply.content.decode() or "Bedankt" in reply.content.decode()
    # A used link no longer works.
    used = links[members["north"][0].user.email]
    assert answer(client, organisation, used, 6).status_code == 404
    # Answers are tied to no link and no person.
    assert not PulseResponse.objects.filter(token__isnull=False).exists()
    assert set(PulseResponse.objects.values_list("draft_updated_at", flat=True)) == {None}

    services.round_close(actor=people["coordinator"], round_=round_)
    round_.refresh_from_db()
    assert not round_.is_open
    assert not PulseLink.objects.filter(token_hash__isnull=False).exists()
    assert AuditEntry.objects.filter(action="pulse.wave.close").count() == 1

    # The manager of the department sees the two teams above the threshold, not the small one.
    manager_member = Membership.objects.get(pk=people["manager"].membership_id)
    client.force_login(manager_member.user)
    url = reverse("pulse:wave_detail", args=[organisation.slug, round_.pk])
    page = client.get(url).content.decode()
    assert "Team Noord" in page and "Team Zuid" in page
    assert "Team Klein" not in page
    # The organisation's figures (works council, coordinator) leave the small team out too: with
    # it in, the organisation minus the two teams would give its score.
    results = round_.results
    assert results["organisation"]["answers"] == 11
    assert results["organisation"]["scales"]["veiligheid"]["mean"] == pytest.approx(
        (6 * 6 + 5 * 3) / 11, abs=1e-4)
    # Open answers: 11 counted ≥ 10, shown to the organisation level only, never per team.
    assert len(results["open"]) == 11
    assert "meer overleg" not in page
    # The public selector for the signals app: per unit per wave, suppressed.
    scores = scale_scores_in(organisation_id=organisation.pk)
    assert {s.unit_id for s in scores} == {people["units"]["north"].pk,
                                          people["units"]["south"].pk}
    assert all(s.respondents >= 5 for s in scores)

    # From score to action: the manager records what the team agreed; the trend shows it.
    reply = client.post(reverse("pulse:action_record", args=[organisation.slug, round_.pk]),
                        {"unit": people["units"]["north"].pk, "text": "Elke week een check-in"})
    assert reply.status_code == 302
    trend = client.get(reverse("pulse:unit_trend", args=[organisation.slug,
                                                         people["units"]["north"].pk]))
    assert "Elke week een check-in" in trend.content.decode()
    # The small team's trend is not readable as figures either.
    small_trend = client.get(reverse("pulse:unit_trend", args=[organisation.slug,
                                                               people["units"]["small"].pk]))
    assert "1,0" not in small_trend.content.decode() and "1.0" not in small_trend.content.decode()


def test_manager_plans_only_within_own_units(organisation: Any, people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=people["manager"], title="Pulse", cadence="monthly",
                             unit_ids=[people["units"]["other"].pk],
                             first_start=timezone.localdate())
    created = services.plan_create(actor=people["manager"], title="Pulse", cadence="once",
                                   unit_ids=[people["units"]["north"].pk],
                                   first_start=timezone.localdate() + timedelta(days=7))
    assert created.units.count() == 1
    assert not created.rounds.exists()  # starts in a week


def test_members_who_join_after_the_wave_opens_get_no_link(
        organisation: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    round_ = plan(people, django_capture_on_commit_callbacks, "north")
    late = make_member(organisation, unit=people["units"]["north"])
    assert not PulseLink.objects.filter(membership=late).exists()
    assert PulseLink.objects.filter(round=round_).count() == 6


def test_padding_through_an_unbound_answer_does_not_lift_a_team(
        organisation: Any, people: dict[str, Any], client: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """The attack of the outside test against the pulse: the reader adds answers of their own.
    There is no shared link to do it with and no link is ever shown to whoever runs the round;
    even an answer written into the table without a bound link does not count."""
    round_ = plan(people, django_capture_on_commit_callbacks, "small")
    links = links_by_address()
    for member in people["members"]["small"]:
        answer(client, organisation, links[member.user.email], 2)
    group = round_.groups.get()
    PulseResponse.objects.bulk_create(
        PulseResponse(round=round_, group=group, answers=PulseResponse.objects.first().answers,
                      channel="unbound", submitted=True) for _ in range(4))
    services.round_close(actor=None, round_=round_)
    round_.refresh_from_db()
    assert round_.results["units"][0]["shown"] is False
    assert round_.results["organisation"] == {"shown": False}
    assert scale_scores_in(organisation_id=organisation.pk) == []


def test_due_work_reminds_once_halfway_and_closes(
        organisation: Any, people: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    round_ = plan(people, django_capture_on_commit_callbacks, "south")
    first = links_by_address()
    mail.outbox.clear()
    halfway = timezone.localdate() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.due_work(today=halfway)["reminded"] == 1
    again = links_by_address()
    assert set(again) == set(first) and all(again[a] != first[a] for a in again)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.due_work(today=halfway)["reminded"] == 0
    done = services.due_work(today=round_.closes_on + timedelta(days=1))
    assert done["closed"] == 1
    round_.refresh_from_db()
    assert not round_.is_open and round_.results["units"][0]["shown"] is False


def test_bad_answers_get_a_message_and_keep_what_was_filled_in(
        client: Any, organisation: Any, people: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    plan(people, django_capture_on_commit_callbacks, "north")
    raw = next(iter(links_by_address().values()))
    url = reverse("pulse:respond", args=[organisation.slug, raw])
    reply = client.post(url, {field_name("V1"): "3", field_name("V2"): "99"})
    assert reply.status_code == 400
    assert PulseResponse.objects.get().answers == {"V1": 3, "open": ""} or (
        PulseResponse.objects.get().answers == {"V1": 3})
    assert client.get(url).status_code == 200
    assert client.get(reverse("pulse:respond", args=[organisation.slug, "nope"])).status_code == 404


def _results_queries(client: Any, organisation: Any, people: dict[str, Any], capture: Any,
                     answers: int) -> int:
    round_ = plan(people, capture, "north", "south")
    group = round_.groups.first()
    PulseResponse.objects.bulk_create(
        PulseResponse(round=round_, group=group, channel="personal", submitted=True,
                      answers={i.code: 5 for i in instrument().items}) for _ in range(answers))
    services.round_close(actor=None, round_=round_)
    coordinator = Membership.objects.get(pk=people["coordinator"].membership_id)
    client.force_login(coordinator.user)
    url = reverse("pulse:wave_detail", args=[organisation.slug, round_.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("answers", [5, 400])
def test_results_page_costs_the_same_whatever_the_answers(
        client: Any, organisation: Any, people: dict[str, Any], answers: int,
        django_capture_on_commit_callbacks: Any) -> None:
    # Read from the wave's snapshot: the same queries for 5 and for 400 answers.
    assert _results_queries(client, organisation, people, django_capture_on_commit_callbacks,
                            answers) == 10


def test_results_link_the_werkvormen_of_each_scale_and_item(
        client: Any, organisation: Any, people: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    from vangnet.toolbox.services import builtin_content_load

    builtin_content_load()
    round_ = plan(people, django_capture_on_commit_callbacks, "north")
    links = links_by_address()
    for member in people["members"]["north"]:
        answer(client, organisation, links[member.user.email], 4)
    services.round_close(actor=None, round_=round_)
    coordinator = Membership.objects.get(pk=people["coordinator"].membership_id)
    client.force_login(coordinator.user)
    page = client.get(reverse("pulse:wave_detail", args=[organisation.slug, round_.pk]))
    content = page.content.decode()
    for slug in ("meldroute-verkennen", "leren-na-incident", "veilig-leiderschap"):
        assert reverse("toolbox:werkvorm_detail", args=[organisation.slug, slug]) in content
