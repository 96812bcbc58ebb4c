"""The inbox (issue 13, "Scale"): reports received and reports shared with the person, as two
index walks merged newest first (docs/adr/0095); the page's queries do not grow with reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from support.people import PASSWORD, enable_totp, make_member
from vangnet.organisations.roles import Role
from vangnet.reporting import selectors, services
from vangnet.reporting.keys import keypair_create
from vangnet.reporting.models import Report

pytestmark = pytest.mark.django_db


def test_received_and_shared_reports_merge_newest_first(organisation, advisor, submit, as_actor):
    second = make_member(organisation, Role.ADVISOR)
    keypair_create(user=second.user, password=PASSWORD)
    own = [submit(recipient=second)[0] for _ in range(3)]
    shared = [submit(recipient=advisor)[0] for _ in range(2)]
    for report in shared:
        services.report_grant_access(actor=as_actor(advisor), report=report, membership=second,
                                     parts=["narrative"], private_key=advisor.private_key,
                                     reason="consent")
    others = submit(recipient=advisor)[0]  # neither received nor shared: never listed
    # Interleave the moments, ties included (the id decides).
    moments = [timezone.now() - timedelta(days=d) for d in (5, 1, 3, 1, 4)]
    for report, moment in zip([*own, *shared], moments, strict=True):
        Report.objects.filter(pk=report.pk).update(created_at=moment)
    listed = selectors.inbox_reports_for(actor=as_actor(second), limit=200)
    expected = sorted(Report.objects.filter(pk__in=[r.pk for r in [*own, *shared]]),
                      key=lambda r: (r.created_at, r.pk), reverse=True)
    assert [r.pk for r in listed] == [r.pk for r in expected]
    assert others.pk not in {r.pk for r in listed}
    assert [r.pk for r in selectors.inbox_reports_for(actor=as_actor(second), limit=2)] == \
        [r.pk for r in expected[:2]]
    # The same set as the rule for opening a report.
    assert {r.pk for r in listed} == set(
        selectors.reports_for_actor(actor=as_actor(second)).values_list("pk", flat=True))


def test_inbox_page_queries_do_not_grow_with_reports(client, organisation, advisor, submit):
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("reporting:inbox", args=[organisation.slug])
    submit(recipient=advisor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        submit(recipient=advisor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
