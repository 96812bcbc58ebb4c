"""Conflict of interest: involved people never receive, see or hear of a report."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from support.people import PASSWORD, make_member, make_unit
from vangnet.organisations.roles import Role
from vangnet.reporting import conflicts, selectors, services
from vangnet.reporting.keys import keypair_create
from vangnet.reporting.models import Report
from vangnet.reporting.route import default_recipient, route_view

pytestmark = pytest.mark.django_db


def test_involved_advisor_cannot_be_recipient_and_another_is_offered(
    organisation, advisor, external_advisor, submit
) -> None:
    with pytest.raises(ValidationError) as error:
        submit(recipient=advisor, involved=[advisor])
    assert "recipient" in error.value.message_dict
    # Without a choice, the default skips the involved advisor: the external one gets it.
    excluded = conflicts.excluded_for_involved(organisation_id=organisation.pk,
                                               involved_ids={advisor.pk})
    assert default_recipient(organisation=organisation, excluded=excluded) == external_advisor
    report, _ = submit(involved=[advisor])
    assert [r.membership for r in report.recipients.all()] == [external_advisor]


def test_web_form_offers_another_advisor(client, organisation, advisor, external_advisor) -> None:
    url = reverse("reporting:report_new", args=[organisation.slug])
    response = client.post(url, {"recipient": str(advisor.pk), "mode": "anonymous", "category": "pesten",
                                 "narrative": "Het gaat over de vertrouwenspersoon zelf.",
                                 "involved_people": [str(advisor.pk)]})
    assert response.status_code == 200
    assert not Report.objects.exists()
    form = response.context["form"]
    assert "recipient" in form.errors
    offered = [value for value, _label in form.fields["recipient"].choices]
    assert offered == ["", str(external_advisor.pk)]  # the default, or the external advisor


def test_involved_person_is_not_notified_and_cannot_see(
    organisation, advisor, external_advisor, submit, as_actor, mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = submit(involved=[advisor], recipient=external_advisor)
    assert [m.to for m in mailoutbox] == [[external_advisor.user.email]]
    with pytest.raises(Http404):
        selectors.report_get_for_actor(actor=as_actor(advisor), pk=report.pk)
    # Even if someone later tried to add them as recipient, it is refused.
    with pytest.raises(ValidationError):
        services.report_add_recipient(actor=as_actor(external_advisor), report=report,
                                      membership=advisor, private_key=external_advisor.private_key)


def test_reporter_manager_involved_skips_manager_step(organisation, advisor) -> None:
    boss = make_member(organisation, Role.MANAGER, name="Baas Boven")
    manager = make_member(organisation, Role.MANAGER, name="Mona Manager")
    department = make_unit(organisation, "Afdeling", managers=[boss])
    team = make_unit(organisation, "Team", parent=department, managers=[manager])
    assert conflicts.reporter_manager_involved(organisation_id=organisation.pk, reporter_unit_id=team.pk,
                                               involved_ids={manager.pk})
    normal = route_view(organisation=organisation, unit=team)
    # Issue 12: the own manager on the step, the manager above them one level up.
    assert [p.membership for p in normal.step("manager").people] == [manager]
    assert [p.membership for p in normal.step("manager").people_above] == [boss]
    skipped = route_view(organisation=organisation, unit=team, manager_involved=True)
    assert skipped.step("manager").skipped and not skipped.step("manager").people
    # With the own manager involved, the one above is still there to go to.
    assert [p.membership for p in skipped.step("manager").people_above] == [boss]
    # The route points past it: the advisor step still has people.
    assert skipped.step("advisor").people


def test_involved_manager_and_their_line_are_excluded_from_sharing(
    organisation, advisor, submit, as_actor
) -> None:
    boss = make_member(organisation, Role.MANAGER, Role.HR, name="Baas en HR")
    manager = make_member(organisation, Role.MANAGER)
    department = make_unit(organisation, "Afdeling", managers=[boss])
    team = make_unit(organisation, "Team", parent=department, managers=[manager])
    manager.unit = team
    manager.save()
    keypair_create(user=boss.user, password=PASSWORD)
    report, _ = submit(involved=[manager])
    assert conflicts.excluded_membership_ids(report) == {manager.pk, boss.pk}
    for person in (manager, boss):
        with pytest.raises(ValidationError):
            services.report_grant_access(actor=as_actor(advisor), report=report, membership=person,
                                         parts=["narrative"], private_key=advisor.private_key,
                                         reason="x")


def test_involvement_is_not_stored_in_the_clear(organisation, advisor, submit) -> None:
    other = make_member(organisation, Role.EMPLOYEE)
    report, _ = submit(involved=[other])
    assert str(other.pk) not in report.involved_tags
    assert conflicts.involved_membership_ids(report) == {other.pk}
    second, _ = submit(involved=[other])
    assert set(second.involved_tags).isdisjoint(report.involved_tags)  # not linkable
