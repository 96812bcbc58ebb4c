"""A submission builds the report form once and the recipient list once (issue 13, "Scale": it
built the form twice and the list three times, 49 queries; the form page 29). The counts are
asserted, and they must not grow with the number of people who can receive reports."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.people import make_member
from vangnet.organisations.roles import Role
from vangnet.reporting.models import Report

pytestmark = pytest.mark.django_db

FORM_PAGE_QUERIES = 12
# 38 since the case that opens with a report is its own audited write inside the submission
# (a savepoint and its release); 39 since the case's categories are rows of their own (one
# insert for all of them, ADR 0100); 45 since the recipients are inserted at once and the
# coordinator's running totals are brought up to date (docs/adr/0095: lock the report, read its
# rows, its state and the tallies, write both) — six queries whatever the number of recipients.
SUBMISSION_QUERIES = 45


def _form_page_queries(client, organisation) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reporting:report_new", args=[organisation.slug]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def _submission_queries(client, organisation, recipient) -> list[str]:
    data = {"recipient": str(recipient.pk), "mode": "anonymous", "category": "pesten",
            "narrative": "Mijn teamleider schreeuwt tegen mij.",
            "involved_people": []}
    before = Report.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("reporting:report_new", args=[organisation.slug]), data)
    assert response.status_code == 303, response.content.decode()[:1000]
    assert Report.objects.count() == before + 1
    return [q["sql"] for q in captured.captured_queries]


def test_form_page_and_submission_queries_are_few_and_flat(client, organisation, advisor):
    _submission_queries(client, organisation, advisor)  # first of all: settings rows, chain head
    small_page = _form_page_queries(client, organisation)
    small = _submission_queries(client, organisation, advisor)
    for role in (Role.ADVISOR, Role.HR, Role.COMPLAINTS_COMMITTEE, Role.ADVISOR, Role.HR):
        make_member(organisation, role)
    large_page = _form_page_queries(client, organisation)
    large = _submission_queries(client, organisation, advisor)
    assert small_page == large_page <= FORM_PAGE_QUERIES, (small_page, large_page)
    assert len(small) == len(large) <= SUBMISSION_QUERIES
