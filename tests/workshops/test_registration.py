"""Registration: capacity, the waiting list that moves up, cancellation, shared pools, who sees
the participant list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vangnet.core.models import AuditEntry
from vangnet.workshops import selectors, services
from vangnet.workshops.models import Registration

pytestmark = pytest.mark.django_db


def _register(world: Any, people: list[Any]) -> list[Any]:
    return [services.register(actor=world.actor(p), session=world.session) for p in people]


def test_eight_get_a_seat_the_ninth_waits_and_moves_up_when_one_cancels(
        ready: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    people = ready.members(9)
    made = _register(ready, people)
    assert [r.status for r in made] == ["registered"] * 8 + ["waiting"]
    assert selectors.waiting_position(made[8]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.cancel(actor=ready.actor(people[2]), registration=made[2])
    assert moved is not None and moved.pk == made[8].pk
    made[8].refresh_from_db()
    assert made[8].status == "registered"
    assert Registration.objects.filter(session=ready.session, status="registered").count() == 8
    (mail,) = [m for m in mailoutbox if made[8].membership.user.email in m.to]
    assert "wachtlijst" in mail.body or "waiting list" in mail.body


def test_cancelling_a_waiting_place_moves_nobody_up(ready: Any) -> None:
    people = ready.members(10)
    made = _register(ready, people)
    assert services.cancel(actor=ready.actor(people[8]), registration=made[8]) is None
    made[9].refresh_from_db()
    assert made[9].status == "waiting" and selectors.waiting_position(made[9]) == 1


def test_registering_twice_is_refused_with_a_clear_message(ready: Any) -> None:
    (person,) = ready.members(1)
    services.register(actor=ready.actor(person), session=ready.session)
    with pytest.raises(ValidationError, match="al aangemeld"):
        services.register(actor=ready.actor(person), session=ready.session)


def test_only_the_person_cancels_their_registration(ready: Any) -> None:
    first, second = ready.members(2)
    registration = services.register(actor=ready.actor(first), session=ready.session)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=ready.actor(second), registration=registration)


def test_capacity_is_configurable_within_sane_bounds(ready: Any) -> None:
    with pytest.raises(ValidationError):
        services.offer_create(actor=ready.boss, pool=ready.pool, title="Te groot", audience="employees",
                              format="online", max_participants=20)
    with pytest.raises(ValidationError):
        services.offer_create(actor=ready.boss, pool=ready.pool, title="Te kort", audience="employees",
                              format="online", duration_minutes=30)
    small = services.offer_create(actor=ready.boss, pool=ready.pool, title="Klein", audience="managers",
                                  format="online", min_participants=3, max_participants=5)
    assert (small.min_participants, small.max_participants) == (3, 5)


def test_a_member_of_a_joining_organisation_registers_an_unrelated_one_sees_nothing(ready: Any) -> None:
    services.pool_join(actor=ready.boss, pool=ready.pool, organisation_slug=ready.joining.slug)
    (joiner,) = ready.members(1, organisation=ready.joining)
    (stranger,) = ready.members(1, organisation=ready.unrelated)
    assert ready.session.pk in {s.pk for s in selectors.upcoming_sessions_for_actor(actor=ready.actor(joiner))}
    registration = services.register(actor=ready.actor(joiner), session=ready.session)
    assert registration.organisation_id == ready.joining.pk and registration.status == "registered"
    assert not selectors.upcoming_sessions_for_actor(actor=ready.actor(stranger)).exists()
    with pytest.raises(Http404):
        selectors.session_get_for_actor(actor=ready.actor(stranger), pk=ready.session.pk)
    with pytest.raises(PermissionDenied):
        services.register(actor=ready.actor(stranger), session=ready.session)


def test_the_participant_list_is_for_the_duo_only(ready: Any) -> None:
    (person,) = ready.members(1)
    services.register(actor=ready.actor(person), session=ready.session)
    duo = ready.actor(ready.facilitators[0])
    assert [r.membership_id for r in selectors.participants_for_actor(actor=duo, session=ready.session)] == [person.pk]
    for outsider in (ready.manager, ready.coordinator, ready.facilitators[1], person):
        with pytest.raises(Http404):
            selectors.participants_for_actor(actor=ready.actor(outsider), session=ready.session)


def test_the_audit_log_names_the_session_not_the_participants_of_others(ready: Any) -> None:
    (person,) = ready.members(1)
    services.register(actor=ready.actor(person), session=ready.session)
    entry = AuditEntry.objects.filter(action="workshops.register").get()
    assert entry.data == {"session_id": ready.session.pk, "status": "registered"}


def test_an_in_company_session_is_for_its_unit_only(ready: Any) -> None:
    wish = services.request_create(actor=ready.actor(ready.manager), pool=ready.pool,
                                   unit_id=ready.unit.pk, audience="employees", wish="Na een incident")
    inside = services.request_match(actor=ready.boss, request=wish, offer=ready.offer,
                                    starts_at=ready.session.starts_at, video_link="https://video.example.org/b")
    wish.refresh_from_db()
    assert wish.status == "matched" and wish.session_id == inside.pk
    (in_team,) = ready.members(1, unit=ready.unit)
    (elsewhere,) = ready.members(1, unit=ready.other_unit)
    assert inside.pk in {s.pk for s in selectors.upcoming_sessions_for_actor(actor=ready.actor(in_team))}
    assert inside.pk not in {s.pk for s in selectors.upcoming_sessions_for_actor(actor=ready.actor(elsewhere))}
    with pytest.raises(ValidationError):
        services.register(actor=ready.actor(elsewhere), session=inside)


def test_an_employee_cannot_request_a_workshop_for_a_team(ready: Any) -> None:
    (person,) = ready.members(1)
    with pytest.raises(PermissionDenied):
        services.request_create(actor=ready.actor(person), pool=ready.pool, unit_id=ready.unit.pk,
                                audience="employees")
