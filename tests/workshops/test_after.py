"""During and after: referral without a name, anonymous evaluation with suppression, the
coordinator's figures, and participation per unit for the signals app (ADR 0085)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vangnet.core.models import AuditEntry
from vangnet.workshops import public, selectors, services
from vangnet.workshops.models import EvaluationLink, EvaluationResponse, Referral, Registration, Session

pytestmark = pytest.mark.django_db


def _held_session(world: Any, participants: int, *, offer: Any = None, unit: Any = None,
                  when: Any = None, extra: tuple[Any, ...] = ()) -> tuple[Any, list[Any]]:
    session = services.session_create(actor=world.boss, offer=offer or world.offer,
                                      starts_at=timezone.now() + timedelta(days=3),
                                      video_link="https://video.example.org/x")
    people = world.members(participants, unit=unit) + list(extra)
    for person in people:
        services.register(actor=world.actor(person), session=session)
    Session.objects.filter(pk=session.pk).update(
        status="held", facilitator_a=world.session.facilitator_a, facilitator_b=world.session.facilitator_b,
        **({"starts_at": when} if when else {}))
    session.refresh_from_db()
    return session, people


def _evaluate(world: Any, session: Any, people: list[Any], scores: list[tuple[int, int, int]]) -> None:
    for person, (useful, safe, facilitation) in zip(people, scores, strict=False):
        services.evaluate(actor=world.actor(person), session=session, useful=useful, safe=safe,
                          facilitation=facilitation)


def test_a_referral_is_recorded_without_name_or_content(ready: Any, mailoutbox: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    duo = ready.actor(ready.facilitators[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.refer(actor=duo, session=ready.session, email_to="deelnemer@prive.example",
                       subject="Waar je terechtkunt", body="Vertrouwenspersoon: ...")
    assert Referral.objects.filter(session=ready.session).count() == 1
    assert [m.to for m in mailoutbox] == [["deelnemer@prive.example"]]
    entry = AuditEntry.objects.filter(action="workshops.referral").get()
    stored = json.dumps(entry.data) + str(list(Referral.objects.values()))
    assert "prive" not in stored and entry.data == {"emailed": True}


def test_only_the_duo_refers(ready: Any) -> None:
    for outsider in (ready.coordinator, ready.manager, ready.facilitators[1]):
        with pytest.raises(PermissionDenied):
            services.refer(actor=ready.actor(outsider), session=ready.session)


def test_an_evaluation_is_anonymous_once_and_only_after_the_session(ready: Any) -> None:
    (person,) = ready.members(1)
    services.register(actor=ready.actor(person), session=ready.session)
    with pytest.raises(ValidationError):
        services.evaluate(actor=ready.actor(person), session=ready.session, useful=4, safe=4, facilitation=4)
    Session.objects.filter(pk=ready.session.pk).update(status="held")
    ready.session.refresh_from_db()
    services.evaluate(actor=ready.actor(person), session=ready.session, useful=4, safe=5, facilitation=3)
    with pytest.raises(ValidationError, match="al geëvalueerd"):
        services.evaluate(actor=ready.actor(person), session=ready.session, useful=1, safe=1, facilitation=1)
    # On the survey engine: the answers are cut loose from the participant's bound link (spent),
    # and the response row has no person, no link and no time stamp.
    response = EvaluationResponse.objects.get()
    assert {f.name for f in EvaluationResponse._meta.get_fields()} == {
        "id", "round", "group", "token", "draft_key_hash", "answers", "channel", "submitted",
        "draft_updated_at"}
    assert response.answers == {"useful": 4, "safe": 5, "facilitation": 3}
    assert response.submitted and response.token_id is None and response.draft_updated_at is None
    assert EvaluationLink.objects.get(membership=person).spent
    entry = AuditEntry.objects.filter(action="workshops.evaluate").get()
    assert entry.actor_id is None and entry.data == {}


def test_a_non_participant_cannot_evaluate(ready: Any) -> None:
    (stranger,) = ready.members(1)
    Session.objects.filter(pk=ready.session.pk).update(status="held")
    ready.session.refresh_from_db()
    with pytest.raises(ValidationError):
        services.evaluate(actor=ready.actor(stranger), session=ready.session, useful=3, safe=3, facilitation=3)


def test_figures_hide_a_session_of_three_and_keep_it_out_of_the_offers_mean(ready: Any) -> None:
    """Five evaluations (all 4) in one session, three (all 1) in another. The small session is
    hidden; were it in the offer's mean ((5·4 + 3·1)/8 = 2.9), the reader could work it out from
    the shown session (4.0): 8·2.9 − 5·4 = 3 → three times 1. So the offer shows 4.0."""
    big, big_people = _held_session(ready, 6)
    small, small_people = _held_session(ready, 4)
    _evaluate(ready, big, big_people, [(4, 4, 4)] * 5)
    _evaluate(ready, small, small_people, [(1, 1, 1)] * 3)
    figures = selectors.pool_figures(actor=ready.boss, pool=ready.pool)
    (offer,) = figures.offers
    by_session = {s.session.pk: s for s in offer.sessions}
    assert by_session[big.pk].means == {"useful": 4.0, "safe": 4.0, "facilitation": 4.0}
    assert by_session[small.pk].means is None and by_session[small.pk].answered.display == "< 5"
    assert offer.offer_means == {"useful": 4.0, "safe": 4.0, "facilitation": 4.0}
    assert offer.held == 2 and offer.participants.display == "10"
    # Fill rate: 10 of 16 seats, 6 empty → shown (both parts ≥ 5).
    assert offer.fill_rate == pytest.approx(62.5)


def test_two_small_sessions_together_count_in_the_offers_mean(ready: Any) -> None:
    first, first_people = _held_session(ready, 3)
    second, second_people = _held_session(ready, 3)
    _evaluate(ready, first, first_people, [(2, 2, 2)] * 3)
    _evaluate(ready, second, second_people, [(5, 5, 5)] * 3)
    (offer,) = selectors.pool_figures(actor=ready.boss, pool=ready.pool).offers
    assert all(s.means is None for s in offer.sessions)
    assert offer.offer_means == {"useful": 3.5, "safe": 3.5, "facilitation": 3.5}


def test_managers_and_employees_are_counted_with_suppression(ready: Any) -> None:
    _held_session(ready, 6, extra=(ready.manager,))
    figures = selectors.pool_figures(actor=ready.boss, pool=ready.pool)
    # One manager among seven: the manager cell is hidden and, since the total is known, the
    # employees' cell too (7 − 6 would give the one manager away).
    assert figures.managers.display == "< 5" and figures.employees.display == "< 5"
    assert figures.manager_share is None
    assert figures.by_audience["employees"].display == "7"


def test_figures_are_for_the_coordinator_of_the_pool_only(ready: Any) -> None:
    from django.http import Http404

    for other in (ready.manager, ready.facilitators[0]):
        with pytest.raises(Http404):
            selectors.pool_figures(actor=ready.actor(other), pool=ready.pool)


def test_participation_per_unit_for_signals_is_suppressed_and_scoped(ready: Any) -> None:
    """Team Jeugd 6, Team ICT 2 in one quarter: ICT is hidden, and so is Jeugd (the quarter's total
    of 8 minus 6 would give ICT's 2). Another organisation's members in the shared pool are not
    counted for this organisation, and the joining organisation sees only its own."""
    services.pool_join(actor=ready.boss, pool=ready.pool, organisation_slug=ready.joining.slug)
    when = timezone.make_aware(timezone.datetime(2026, 11, 10, 10, 0))
    session, _ = _held_session(ready, 6, unit=ready.unit, when=when)
    for person in ready.members(2, unit=ready.other_unit):
        Registration.objects.create(session=session, membership=person, organisation=ready.organisation,
                                    unit=ready.other_unit, status="registered")
    for person in ready.members(5, organisation=ready.joining):
        Registration.objects.create(session=session, membership=person, organisation=ready.joining,
                                    status="registered")
    ours = public.participation_per_unit(organisation_id=ready.organisation.pk)
    assert list(ours) == ["2026-Q4"]
    assert {unit: cell.display for unit, cell in ours["2026-Q4"].items()} == {
        ready.unit.pk: "< 5", ready.other_unit.pk: "< 5"}
    theirs = public.participation_per_unit(organisation_id=ready.joining.pk)
    assert {unit: cell.display for unit, cell in theirs["2026-Q4"].items()} == {None: "5"}
    assert public.participation_per_unit(organisation_id=ready.unrelated.pk) == {}


def test_participation_shows_units_that_reach_the_threshold(ready: Any) -> None:
    when = timezone.make_aware(timezone.datetime(2026, 2, 3, 10, 0))
    session, _ = _held_session(ready, 6, unit=ready.unit, when=when)
    for person in ready.members(5, unit=ready.other_unit):
        Registration.objects.create(session=session, membership=person, organisation=ready.organisation,
                                    unit=ready.other_unit, status="registered")
    cells = public.participation_per_unit(organisation_id=ready.organisation.pk)["2026-Q1"]
    assert {unit: cell.display for unit, cell in cells.items()} == {ready.unit.pk: "6", ready.other_unit.pk: "5"}


def test_the_daily_job_flags_a_low_session_once_and_reminds_once(
        ready: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    Session.objects.filter(pk=ready.session.pk).update(starts_at=timezone.now() + timedelta(days=1))
    for person in ready.members(2):
        services.register(actor=ready.actor(person), session=ready.session)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily() == {"flagged": 1, "reminded": 1, "evaluations_closed": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily() == {"flagged": 0, "reminded": 0, "evaluations_closed": 0}
    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert ready.coordinator.user.email in recipients and len(recipients) == 3
