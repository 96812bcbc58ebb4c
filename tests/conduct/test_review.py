"""Step 5: the yearly review — reminder a year after publication, inputs as suppressed
aggregates, outcome recorded as "reviewed, unchanged" or a new version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vangnet.conduct import selectors, services
from vangnet.conduct.models import YearlyReview
from vangnet.conduct.review_inputs import review_inputs
from vangnet.organisations.public import actor_for
from vangnet.organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_publishing_schedules_the_review_a_year_later_and_the_reminder_arrives(org: Any,
                                                                               publish: Any) -> None:
    publish()
    review = YearlyReview.objects.get(organisation=org.organisation)
    assert review.due_on == timezone.localdate() + timedelta(days=365)
    mail.outbox.clear()
    assert services.daily()["review_reminders"] == 0
    later = timezone.now() + timedelta(days=366)
    assert services.daily(now=later)["review_reminders"] == 1
    recipients = {address for message in mail.outbox for address in message.to}
    assert org.coordinator.user.email in recipients
    assert org.employee.user.email not in recipients
    assert org.outsider_coordinator.user.email not in recipients
    assert reverse("conduct:review", args=[org.organisation.slug, review.pk]) in "".join(
        m.body for m in mail.outbox)
    assert services.daily(now=later)["review_reminders"] == 0  # once


def test_review_completed_unchanged_schedules_the_next_one(client: Any, org: Any,
                                                           publish: Any) -> None:
    publish()
    review = YearlyReview.objects.get(organisation=org.organisation)
    client.force_login(org.coordinator.user)
    url = reverse("conduct:review", args=[org.organisation.slug, review.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"outcome": "unchanged", "checklist": ["inputs_read", "teams_heard"],
                                 "note": "Alles actueel"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == YearlyReview.Outcome.UNCHANGED
    assert review.checklist == ["inputs_read", "teams_heard"]
    assert review.completed_by_id == org.coordinator.pk
    following = YearlyReview.objects.filter(organisation=org.organisation, completed_at__isnull=True).get()
    assert following.due_on == timezone.localdate() + timedelta(days=365)
    with pytest.raises(ValidationError):
        services.review_complete(actor=org.actor(org.coordinator), review=review,
                                 outcome="unchanged", checklist=[], note="")


def test_review_with_a_new_version_needs_that_version(org: Any, publish: Any) -> None:
    version = publish()
    review = YearlyReview.objects.get(organisation=org.organisation)
    coordinator = org.actor(org.coordinator)
    with pytest.raises(ValidationError):
        services.review_complete(actor=coordinator, review=review, outcome="new_version",
                                 checklist=[], note="")
    done = services.review_complete(actor=coordinator, review=review, outcome="new_version",
                                    checklist=[], note="", version=version)
    assert done.version == version


def test_only_the_coordinator_of_the_organisation_reviews(client: Any, org: Any, publish: Any) -> None:
    publish()
    review = YearlyReview.objects.get(organisation=org.organisation)
    for who in ("employee", "manager", "hr", "works_council", "outsider_coordinator"):
        with pytest.raises(PermissionDenied):
            services.review_complete(actor=org.actor(getattr(org, who)), review=review,
                                     outcome="unchanged", checklist=[], note="")
        with pytest.raises(Http404):
            selectors.review_get_for_actor(actor=org.actor(getattr(org, who)), pk=review.pk)
    client.force_login(org.outsider_coordinator.user)
    assert client.get(reverse("conduct:review", args=[org.organisation.slug, review.pk])).status_code == 404


def test_review_inputs_come_from_the_quickscan_as_suppressed_aggregates() -> None:
    from vangnet.organisations.demo import seed_organisations
    from vangnet.quickscan import demo
    from vangnet.quickscan.demo import COORDINATOR_EMAIL

    organisation, people = seed_organisations()
    demo.seed(organisation=organisation, people=people)
    coordinator = actor_for(people[COORDINATOR_EMAIL])
    inputs = review_inputs(actor=coordinator)
    assert inputs.quickscan_title
    assert len(inputs.quickscan) == 1
    assert inputs.quickscan[0].display != ""
    assert inputs.cases == []  # the last published year had no cases: no row of zeros
    employee = next(m for m in people.values() if m.role_set == {Role.EMPLOYEE})
    assert review_inputs(actor=actor_for(employee)).quickscan == []
