"""Step 2: acknowledgement, asking again after a major version, reminders, figures per unit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from support.people import make_member, make_unit
from vangnet.conduct import selectors, services
from vangnet.conduct.models import Acknowledgement
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db


def _new_version(org: Any, *, major: bool) -> Any:
    actor = org.actor(org.coordinator)
    current = selectors.published_version(organisation_id=org.organisation.pk)
    draft = services.version_create(actor=actor, title=current.title, summary="", sections={
        **current.sections, "digital": current.sections["digital"] + "\n\nNieuwe alinea."},
        change_note="wijziging", major_change=major)
    return services.version_publish(actor=actor, version=draft)


def test_a_member_acknowledges_the_published_version(client: Any, org: Any, publish: Any) -> None:
    publish()
    client.force_login(org.employee.user)
    slug = org.organisation.slug
    assert "I have read and understood" not in client.get(reverse("conduct:code", args=[slug])).content.decode()
    assert client.post(reverse("conduct:acknowledge", args=[slug])).status_code == 302
    assert Acknowledgement.objects.filter(membership=org.employee).count() == 1
    page = client.get(reverse("conduct:code", args=[slug])).content.decode()
    assert "Je hebt deze code bevestigd" in page
    client.post(reverse("conduct:acknowledge", args=[slug]))  # twice is once
    assert Acknowledgement.objects.filter(membership=org.employee).count() == 1


def test_a_draft_cannot_be_acknowledged_and_another_organisation_cannot(org: Any, publish: Any) -> None:
    version = publish()
    draft = services.version_create_from_model(actor=org.actor(org.coordinator), language="en")
    with pytest.raises(ValidationError):
        services.acknowledge(actor=org.actor(org.employee), version=draft)
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=org.actor(org.outsider_coordinator), version=version)


def test_a_minor_version_keeps_the_acknowledgement_a_major_one_asks_again(org: Any,
                                                                          publish: Any) -> None:
    version = publish()
    employee = org.actor(org.employee)
    services.acknowledge(actor=employee, version=version)
    assert selectors.needs_acknowledgement(actor=employee) is None
    minor = _new_version(org, major=False)
    assert minor.label == "1.1"
    assert selectors.needs_acknowledgement(actor=employee) is None
    major = _new_version(org, major=True)
    assert major.label == "2.0"
    assert selectors.needs_acknowledgement(actor=employee) == major
    services.acknowledge(actor=employee, version=major)
    assert selectors.needs_acknowledgement(actor=employee) is None


def test_reminder_by_e_mail_once_a_week_after_publication(org: Any, publish: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    version = publish()
    services.acknowledge(actor=org.actor(org.employee), version=version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_acknowledgement_reminders() == 0  # too early
    later = timezone.now() + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_acknowledgement_reminders(now=later)
    # Everyone active except the one who acknowledged.
    assert sent == 5
    recipients = {address for message in mail.outbox for address in message.to}
    assert org.employee.user.email not in recipients
    assert org.other_employee.user.email in recipients
    assert org.outsider_coordinator.user.email not in recipients
    assert "gedragscode" in mail.outbox[0].subject.lower()
    assert reverse("conduct:code", args=[org.organisation.slug]) in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_acknowledgement_reminders(now=later) == 0
    assert not mail.outbox


def _acknowledge_some(org: Any, version: Any, unit: Any, *, yes: int, no: int) -> None:
    for _ in range(yes):
        member = make_member(org.organisation, Role.EMPLOYEE, unit=unit)
        services.acknowledge(actor=org.actor(member), version=version)
    for _ in range(no):
        make_member(org.organisation, Role.EMPLOYEE, unit=unit)


def test_figures_per_unit_hide_small_numbers_also_by_subtraction(org: Any, publish: Any) -> None:
    version = publish()
    big = make_unit(org.organisation, "Team Groot")
    small = make_unit(org.organisation, "Team Klein")
    _acknowledge_some(org, version, big, yes=12, no=6)
    _acknowledge_some(org, version, small, yes=6, no=2)
    figures = selectors.acknowledgement_figures(actor=org.actor(org.coordinator), no_unit_label="-")
    assert figures is not None
    rows = {row.label: row for row in figures.rows}
    assert rows["Team Groot"].acknowledged.display == "12"
    assert rows["Team Groot"].not_yet.display == "6"
    # 2 is below 5: hidden, and so is its partner, or 8 − 6 would give it away.
    assert rows["Team Klein"].not_yet.suppressed
    assert rows["Team Klein"].acknowledged.suppressed
    assert rows["Team Klein"].total.display == "8"
    shown = [cell.count for row in figures.rows for cell in (row.acknowledged, row.not_yet)
             if not cell.suppressed]
    assert 2 not in shown


def test_figures_for_coordinator_and_hr_only(client: Any, org: Any, publish: Any) -> None:
    publish()
    for who in ("employee", "manager", "works_council"):
        with pytest.raises(Http404):
            selectors.acknowledgement_figures(actor=org.actor(getattr(org, who)), no_unit_label="-")
    assert selectors.acknowledgement_figures(actor=org.actor(org.hr), no_unit_label="-") is not None
    url = reverse("conduct:figures", args=[org.organisation.slug])
    client.force_login(org.employee.user)
    assert client.get(url).status_code == 404
    client.force_login(org.coordinator.user)
    response = client.get(url)
    assert response.status_code == 200
    # No names on the figures page: it never shames individuals.
    assert org.employee.user.email not in response.content.decode()


def test_named_follow_up_only_when_chosen_and_only_for_the_teams_manager(org: Any,
                                                                         publish: Any) -> None:
    publish()
    with pytest.raises(Http404):
        selectors.not_acknowledged_in_team(actor=org.actor(org.manager), unit=org.unit)
    services.settings_update(actor=org.actor(org.coordinator), consent_required=False,
                             public_page=False, named_follow_up=True)
    names = selectors.not_acknowledged_in_team(actor=org.actor(org.manager), unit=org.unit)
    assert "Eva" in names
    with pytest.raises(Http404):
        selectors.not_acknowledged_in_team(actor=org.actor(org.manager), unit=org.other_unit)
    with pytest.raises(Http404):
        selectors.not_acknowledged_in_team(actor=org.actor(org.employee), unit=org.unit)
