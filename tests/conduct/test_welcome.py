"""Step 4: the new colleague's welcome path, started by an accepted invitation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from support.people import make_member
from vangnet.conduct import selectors, services
from vangnet.conduct.models import BuddyCheckIn, WelcomePath
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role
from vangnet.organisations.services import invitation_accept, invitation_create
from vangnet.reporting.services import advisor_profile_save

pytestmark = pytest.mark.django_db


def _invite_and_join(org: Any, name: str = "Nina Nieuw") -> Any:
    invitation = invitation_create(actor=org.actor(org.coordinator), email="nina@example.org",
                                   full_name=name, unit=org.unit)
    return invitation_accept(invitation=invitation, full_name=name, password="Correct-horse-battery-9")


def test_an_accepted_invitation_starts_the_welcome_path_with_three_check_ins(org: Any) -> None:
    membership = _invite_and_join(org)
    path = WelcomePath.objects.get(membership=membership)
    weeks = {c.week: c.due_on - path.started_on for c in path.checkins.all()}
    assert weeks == {1: timedelta(weeks=1), 4: timedelta(weeks=4), 12: timedelta(weeks=12)}
    # A member made without an invitation (import, demo) gets no path.
    assert not WelcomePath.objects.filter(membership=org.employee).exists()


def test_the_newcomer_walks_the_path(client: Any, org: Any, publish: Any) -> None:
    publish()
    make_member(org.organisation, Role.ADVISOR, name="Vera Vertrouwens")
    membership = _invite_and_join(org)
    slug = org.organisation.slug
    client.force_login(membership.user)
    home = client.get(reverse("organisations:home", args=[slug])).content.decode()
    assert reverse("conduct:welcome", args=[slug]) in home
    page = client.get(reverse("conduct:welcome", args=[slug])).content.decode()
    assert "Vera Vertrouwens" in page
    assert reverse("organisations:public_home", args=[slug]) in page
    assert reverse("conduct:team", args=[slug, org.unit.pk]) in page
    for step in ("advisors", "route", "agreements"):
        client.post(reverse("conduct:welcome_step", args=[slug, step]))
    client.post(reverse("conduct:acknowledge", args=[slug]), {"next": "welcome"})
    path = WelcomePath.objects.get(membership=membership)
    assert path.advisors_seen_at and path.route_seen_at and path.agreements_seen_at
    assert selectors.needs_acknowledgement(actor=org.actor(membership)) is None
    assert client.get(reverse("conduct:welcome", args=[slug])).content.decode().count("Klaar.") == 4
    assert client.post(reverse("conduct:welcome_step", args=[slug, "nonsense"])).status_code == 403


def test_manager_sets_a_buddy_from_the_team_who_gets_the_check_in_reminders(org: Any) -> None:
    membership = _invite_and_join(org)
    path = WelcomePath.objects.get(membership=membership)
    with pytest.raises(PermissionDenied):
        services.welcome_set_buddy(actor=org.actor(org.other_employee), path=path, buddy=org.employee)
    with pytest.raises(PermissionDenied):
        services.welcome_set_buddy(actor=org.actor(org.outsider_coordinator), path=path,
                                   buddy=org.employee)
    services.welcome_set_buddy(actor=org.actor(org.manager), path=path, buddy=org.employee)
    mail.outbox.clear()
    assert services.send_checkin_reminders() == 0
    sent = services.send_checkin_reminders(today=timezone.localdate() + timedelta(weeks=1))
    assert sent == 1
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {org.employee.user.email, org.manager.user.email}
    assert "1" in mail.outbox[0].subject
    assert services.send_checkin_reminders(today=timezone.localdate() + timedelta(weeks=1)) == 0
    checkin = BuddyCheckIn.objects.get(path=path, week=4)
    services.checkin_done(actor=org.actor(org.employee), checkin=checkin)
    assert services.send_checkin_reminders(today=timezone.localdate() + timedelta(weeks=5)) == 0
    with pytest.raises(PermissionDenied):
        services.checkin_done(actor=org.actor(org.other_employee),
                              checkin=BuddyCheckIn.objects.get(path=path, week=12))


def test_who_follows_a_newcomer(client: Any, org: Any) -> None:
    membership = _invite_and_join(org)
    path = WelcomePath.objects.get(membership=membership)
    assert [p.pk for p in selectors.welcome_paths_to_follow(actor=org.actor(org.manager))] == [path.pk]
    assert [p.pk for p in selectors.welcome_paths_to_follow(actor=org.actor(org.coordinator))] == [path.pk]
    assert selectors.welcome_paths_to_follow(actor=org.actor(org.other_employee)) == []
    with pytest.raises(Http404):
        selectors.welcome_path_get_for_actor(actor=org.actor(org.outsider_coordinator), pk=path.pk)
    slug = org.organisation.slug
    client.force_login(org.manager.user)
    url = reverse("conduct:welcome_path", args=[slug, path.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"buddy": org.employee.pk}).status_code == 302
    path.refresh_from_db()
    assert path.buddy_id == org.employee.pk
    # A buddy from another team is not a choice.
    assert client.post(url, {"buddy": org.other_employee.pk}).status_code == 200
    path.refresh_from_db()
    assert path.buddy_id == org.employee.pk


def test_the_path_introduces_the_advisors_with_their_profiles_unlisted_ones_left_out(
        client: Any, org: Any, django_assert_max_num_queries: Any) -> None:
    vera = make_member(org.organisation, Role.ADVISOR, name="Vera Vertrouwens")
    advisor_profile_save(actor=actor_for(vera), introduction="Ik werk al twintig jaar in de wijk.",
                         how_to_reach="Bel 06 12345678", availability="dinsdag en donderdag",
                         is_listed=True)
    hidden = make_member(org.organisation, Role.ADVISOR, name="Henk Verborgen")
    advisor_profile_save(actor=actor_for(hidden), introduction="", how_to_reach="",
                         availability="", is_listed=False)
    make_member(org.outsider_coordinator.organisation, Role.ADVISOR, name="Olga Elders")
    membership = _invite_and_join(org)
    client.force_login(membership.user)
    url = reverse("conduct:welcome", args=[org.organisation.slug])
    client.get(url)
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert "Vera Vertrouwens" in page
    assert "Ik werk al twintig jaar in de wijk." in page
    assert "Bel 06 12345678" in page and "dinsdag en donderdag" in page
    assert "Henk Verborgen" not in page  # chose not to be listed
    assert "Olga Elders" not in page  # another organisation


def test_without_advisors_the_path_says_so_and_points_to_the_route(client: Any, org: Any) -> None:
    membership = _invite_and_join(org)
    client.force_login(membership.user)
    page = client.get(reverse("conduct:welcome", args=[org.organisation.slug])).content.decode()
    assert "nog geen vertrouwenspersoon" in page
