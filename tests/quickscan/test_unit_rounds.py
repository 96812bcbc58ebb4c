"""Quickscan rounds for a unit and the units below it (issue 14, ADR 0116): the coordinator for
any unit, a manager for a unit they manage or one below it (the pulse's planning rule). Only the
scope's members can be invited; the round's report is seen by whoever may run it, not by the
works council or other managers; its figures follow the same threshold and suppression rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from support.people import make_unit
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.quickscan import services
from vangnet.quickscan.models import RespondentToken, Round, RoundGroup
from vangnet.quickscan.selectors import round_results, rounds_for_actor

from .conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(organisation, member_factory):
    """Zorg (managed by `manager`) with Team Noord below it; Facilitair beside it (other boss)."""
    manager = member_factory(organisation, Role.EMPLOYEE, Role.MANAGER)
    other = member_factory(organisation, Role.EMPLOYEE, Role.MANAGER)
    zorg = make_unit(organisation, "Zorg", managers=[manager])
    noord = make_unit(organisation, "Team Noord", parent=zorg)
    facilitair = make_unit(organisation, "Facilitair", managers=[other])
    people = {
        "zorg": [member_factory(organisation, Role.EMPLOYEE, unit=zorg) for _ in range(2)],
        "noord": [member_factory(organisation, Role.EMPLOYEE, unit=noord) for _ in range(4)],
        "facilitair": [member_factory(organisation, Role.EMPLOYEE, unit=facilitair)
                       for _ in range(3)],
    }
    return {"manager": manager, "other": other, "zorg": zorg, "noord": noord,
            "facilitair": facilitair, "people": people}


def test_a_manager_starts_a_round_for_their_unit_through_the_page_and_no_other(
        client, organisation, tree):
    client.force_login(tree["manager"].user)
    index = client.get(f"/o/{organisation.slug}/quickscan/").content.decode()
    # The start form offers the manager's own units only, and not the whole organisation.
    assert "Zorg" in index and "Team Noord" in index and "Facilitair" not in index
    assert "De hele organisatie" not in index
    assert "Zelf invullen" not in index  # a round on one's own stays the coordinator's
    url = f"/o/{organisation.slug}/quickscan/rondes/nieuw/"
    refused = client.post(url, {"title": "Facilitair", "groups": ["employees", "management"],
                                "unit": str(tree["facilitair"].pk)})
    assert refused.status_code == 200 and not Round.objects.exists()
    assert client.post(url, {"title": "Hele organisatie", "groups": ["employees"]}
                       ).status_code == 200
    assert not Round.objects.exists()
    made = client.post(url, {"title": "Zorg najaar", "groups": ["employees", "management"],
                             "unit": str(tree["zorg"].pk)})
    assert made.status_code == 302
    round_ = Round.objects.get()
    assert (round_.unit_id, round_.unit_name, round_.for_unit) == (tree["zorg"].pk, "Zorg", True)
    detail = client.get(made["Location"]).content.decode()
    assert "Zorg en de afdelingen en teams eronder" in detail
    # The service refuses what the form does not offer.
    actor = actor_for(tree["manager"])
    with pytest.raises(PermissionDenied):
        services.round_start(actor=actor, title="X", group_slugs=["employees"])
    with pytest.raises(PermissionDenied):
        services.round_start(actor=actor, title="X", group_slugs=["employees"],
                             unit_id=tree["facilitair"].pk)


def test_only_the_scopes_members_can_be_invited(tree, invite, coordinator_actor):
    actor = actor_for(tree["manager"])
    round_ = services.round_start(actor=actor, title="Noord", group_slugs=["employees"],
                                  unit_id=tree["zorg"].pk)
    group = RoundGroup.objects.get(round=round_)
    services.invitees_add(actor=actor, group=group, everyone=True)
    invited = set(RespondentToken.objects.values_list("membership_id", flat=True))
    assert invited == {m.pk for m in tree["people"]["zorg"] + tree["people"]["noord"]}
    with pytest.raises(ValidationError):
        services.invitees_add(actor=actor, group=group, unit_ids=[tree["facilitair"].pk])
    # By role: still only within the unit (the other manager is in no unit of the scope).
    services.invitees_add(actor=coordinator_actor, group=group, roles=[Role.MANAGER])
    assert tree["other"].pk not in set(
        RespondentToken.objects.values_list("membership_id", flat=True))


def test_who_sees_a_units_round(client, organisation, tree, works_council, coordinator,
                                coordinator_actor, make_links, member_factory):
    round_ = services.round_start(actor=coordinator_actor, title="Zorg", unit_id=tree["zorg"].pk,
                                  group_slugs=["employees"])
    whole = services.round_start(actor=coordinator_actor, title="Iedereen",
                                 group_slugs=["employees"])
    for r in (round_, whole):
        services.round_close(actor=coordinator_actor, round_=r)
    report = f"/o/{organisation.slug}/quickscan/rondes/{round_.pk}/rapport/"
    manager_of_team = member_factory(organisation, Role.EMPLOYEE, Role.MANAGER)
    tree["noord"].managers.add(manager_of_team)
    expectations = [(coordinator, 200), (tree["manager"], 200), (tree["other"], 404),
                    (works_council, 404), (manager_of_team, 404)]
    for person, status in expectations:
        client.force_login(person.user)
        assert client.get(report).status_code == status, person
        listed = set(rounds_for_actor(actor=actor_for(person)).values_list("title", flat=True))
        assert ("Zorg" in listed) == (status == 200), person
        assert "Iedereen" in listed, person  # the whole organisation's closed round


def test_a_units_round_follows_the_threshold_and_its_trend_stays_in_its_scope(
        client, organisation, tree, coordinator_actor, make_links):
    actor = actor_for(tree["manager"])
    earlier = services.round_start(actor=coordinator_actor, title="Iedereen",
                                   group_slugs=["employees"])
    for link in make_links(RoundGroup.objects.get(round=earlier), 5):
        answer_all(client, link, default=2)
    services.round_close(actor=coordinator_actor, round_=earlier)

    round_ = services.round_start(actor=actor, title="Zorg", unit_id=tree["zorg"].pk,
                                  group_slugs=["employees", "management"])
    employees = RoundGroup.objects.get(round=round_, slug="employees")
    management = RoundGroup.objects.get(round=round_, slug="management")
    from .conftest import links_in_mail  # noqa: F401 - the invite fixture reads links from mail

    people = tree["people"]["zorg"] + tree["people"]["noord"]
    links = make_links_for(actor, employees, people[:5])
    links += make_links_for(actor, management, people[5:])
    for link in links:
        answer_all(client, link, default=4)
    closed = services.round_close(actor=actor, round_=round_)
    results = round_results(round_=closed)
    # Five employees are shown; the one manager's answers are not shown anywhere on their own.
    assert results.plan.alone == ("employees",) and "management" in results.plan.dropped
    assert results.respondents == 5
    from vangnet.quickscan.selectors import previous_round

    assert previous_round(round_=closed) is None  # the organisation's round is another scope


def make_links_for(actor, group, members):
    from django.core import mail
    from django.test import TestCase

    from .conftest import links_in_mail

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invitees_add(actor=actor, group=group, membership_ids=[m.pk for m in members])
    found = links_in_mail(mail.outbox)
    return [found[m.user.email] for m in members]
