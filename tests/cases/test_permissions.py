"""Each permission rule, and attempts to break it."""

from __future__ import annotations

import pytest

from vangnet.cases import permissions as p
from vangnet.cases.permissions import CaseAccess
from vangnet.organisations.permissions import Actor
from vangnet.organisations.roles import Role


def actor(membership_id: int, *roles: str, org: int = 1) -> Actor:
    return Actor(user_id=membership_id, organisation_id=org, organisation_slug="o",
                 membership_id=membership_id, roles=frozenset(roles))


ACCESS = CaseAccess(organisation_id=1, recipient_ids=frozenset({1}), grant_ids=frozenset({2}),
                    excluded_ids=frozenset({3}))


def test_recipient_handles_and_manages():
    advisor = actor(1, Role.ADVISOR)
    assert p.can_view_case(advisor, ACCESS) and p.can_manage_case(advisor, ACCESS)
    assert p.can_read_notes(advisor, ACCESS) and p.can_request_consent(advisor, ACCESS)
    assert p.can_share_without_consent(advisor, ACCESS)


def test_grant_holder_reads_but_does_not_steer_or_read_notes():
    hr = actor(2, Role.HR)
    assert p.can_view_case(hr, ACCESS)
    for rule in (p.can_manage_case, p.can_read_notes, p.can_write_note, p.can_request_consent,
                 p.can_share_without_consent):
        assert not rule(hr, ACCESS)


@pytest.mark.parametrize("roles", [
    (Role.COORDINATOR,), (Role.WORKS_COUNCIL,), (Role.ADVISOR,), (Role.HR,),
    (Role.COMPLAINTS_COMMITTEE,), (Role.MANAGER,), (Role.EMPLOYEE,),
    tuple(Role.values),  # every role at once still gives nothing without recipient/grant
])
def test_roles_alone_never_open_a_case(roles):
    someone = actor(9, *roles)
    assert not p.can_view_case(someone, ACCESS)
    assert not p.can_manage_case(someone, ACCESS)


def test_involved_people_and_their_managers_never_even_as_recipient():
    involved = CaseAccess(organisation_id=1, recipient_ids=frozenset({3}),
                          grant_ids=frozenset({3}), excluded_ids=frozenset({3}))
    person = actor(3, Role.ADVISOR, Role.HR)
    assert not p.can_view_case(person, involved)
    assert not p.can_manage_case(person, involved)
    assert not p.can_receive_share(recipient_membership_id=3, recipient_org_id=1, access=ACCESS)


def test_other_organisation_never():
    stranger = actor(1, Role.ADVISOR, org=2)  # same membership id, other tenant
    assert not p.can_view_case(stranger, ACCESS)
    assert not p.can_receive_share(recipient_membership_id=5, recipient_org_id=2, access=ACCESS)


def test_statistics_only_for_advisors_coordinators_and_works_council():
    assert p.can_view_statistics(actor(5, Role.COORDINATOR))
    assert p.can_view_statistics(actor(5, Role.WORKS_COUNCIL))
    assert p.can_view_statistics(actor(5, Role.ADVISOR))
    for role in (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.FACILITATOR):
        assert not p.can_view_statistics(actor(5, role))


def test_pattern_signals_only_for_advisors_and_actions_only_for_coordinators():
    assert p.can_view_pattern_signals(actor(5, Role.ADVISOR))
    assert not p.can_view_pattern_signals(actor(5, Role.COORDINATOR))
    assert p.can_turn_lesson_into_action(actor(5, Role.COORDINATOR))
    assert not p.can_turn_lesson_into_action(actor(5, Role.ADVISOR))
    assert p.can_configure_cases(actor(5, Role.COORDINATOR))
    assert not p.can_configure_cases(actor(5, Role.ADVISOR, Role.HR))


def test_platform_admin_without_membership_has_no_actor_and_sees_nothing(db, client, organisation):
    """The platform admin is a superuser without a membership: every case page is a 404."""
    from django.contrib.auth import get_user_model

    from support.people import enable_totp

    admin = get_user_model().objects.create_superuser(email="root@example.org", password="x-Very-long-1")
    enable_totp(admin)
    client.force_login(admin)
    for path in ("dossiers/", "dossiers/1/", "dossiers/jaarverslag/", "dossiers/lessen/",
                 "dossiers/signalen/"):
        assert client.get(f"/o/{organisation.slug}/{path}").status_code == 404
    from django.contrib import admin as django_admin

    from vangnet.cases import models

    for model in (models.Case, models.CaseNote, models.ConsentRequest, models.CaseEvent,
                  models.PersonMark, models.PatternKey):
        assert model not in django_admin.site._registry
