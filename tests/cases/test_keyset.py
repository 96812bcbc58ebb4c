"""Keyset pagination of the case list (docs/adr/0095): every page is found from the key of its
neighbour, so a deep page costs what the first one costs, and walking the pages forward and back
shows every case exactly once, in order, also when cases share a date."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.people import enable_totp
from vangnet.cases import selectors
from vangnet.cases.models import Case

from .conftest import actor_of


def _walk_forward(cases, size):
    pages = [selectors.window(cases, size=size)]
    while pages[-1].has_next:
        pages.append(selectors.window(cases, after=pages[-1].next_cursor, size=size))
    return pages


def _expected(actor, view):
    """The list order written out independently: sorted in Python from all rows."""
    rows = list(Case.objects.filter(organisation_id=actor.organisation_id))
    if view == "all":
        return [c.pk for c in sorted(rows, key=lambda c: (c.received_at, c.pk), reverse=True)]
    rows = [c for c in rows if c.is_open]
    return [c.pk for c in sorted(rows, key=lambda c: (c.priority, c.feedback_due_at, c.pk))]


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["all", "open"])
def test_walking_pages_forward_and_back_shows_every_case_once_in_order(submit, advisor, view):
    made = [submit()[2] for _ in range(7)]
    # Ties on every sort field but the id: the id must decide, or rows are lost between pages.
    Case.objects.filter(pk__in=[c.pk for c in made[:4]]).update(
        received_at=made[0].received_at, feedback_due_at=made[0].feedback_due_at)
    Case.objects.filter(pk=made[5].pk).update(priority=Case.Priority.HIGH)
    actor = actor_of(advisor)
    cases = selectors.cases_for_actor(actor=actor, view=view)
    pages = _walk_forward(cases, size=2)
    forward = [c.pk for page in pages for c in page.rows]
    assert forward == _expected(actor, view)
    assert [page.number for page in pages] == [1, 2, 3, 4]
    assert [len(page.rows) for page in pages] == [2, 2, 2, 1]
    backward = [pages[-1]]
    while backward[-1].has_previous:
        backward.append(selectors.window(cases, before=backward[-1].previous_cursor, size=2))
    assert [[c.pk for c in p.rows] for p in reversed(backward)] == [[c.pk for c in p.rows]
                                                                     for p in pages]
    assert [p.number for p in backward] == [4, 3, 2, 1]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", [
    "", "x", "%%%", "A" * 400,
    base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(json.dumps({"k": [1], "n": 2}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"k": ["2026-01-01T00:00:00", 3], "n": 2}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"k": ["gisteren", 3], "n": 2}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"k": ["2026-01-01T00:00:00+00:00", "3"], "n": 2}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"k": ["2026-01-01T00:00:00+00:00", 3], "n": -1}).encode()).decode(),
])
def test_a_bad_or_edited_cursor_shows_the_first_page(client, submit, advisor, cursor):
    for _ in range(3):
        submit()
    cases = selectors.cases_for_actor(actor=actor_of(advisor), view="all")
    first = selectors.window(cases, size=2)
    assert [c.pk for c in selectors.window(cases, after=cursor, size=2).rows] == \
        [c.pk for c in first.rows]
    assert [c.pk for c in selectors.window(cases, before=cursor, size=2).rows] == \
        [c.pk for c in first.rows]
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("cases:list", args=[advisor.organisation.slug])
    assert client.get(url, {"toon": "all", "na": cursor}).status_code == 200


@pytest.mark.django_db
def test_a_deep_page_costs_the_queries_of_the_first_and_links_onwards(client, submit, advisor):
    from vangnet.cases import views

    for _ in range(5):
        submit()
    enable_totp(advisor.user)
    client.force_login(advisor.user)
    url = reverse("cases:list", args=[advisor.organisation.slug])
    size = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        with CaptureQueriesContext(connection) as first_queries:
            first = client.get(url, {"toon": "all"})
        cases = selectors.cases_for_actor(actor=actor_of(advisor), view="all")
        second = selectors.window(cases, after=selectors.window(cases, size=2).next_cursor, size=2)
        with CaptureQueriesContext(connection) as deep_queries:
            deep = client.get(url, {"toon": "all", "na": second.next_cursor})
    finally:
        views.PAGE_SIZE = size
    assert first.status_code == deep.status_code == 200
    assert len(deep_queries.captured_queries) == len(first_queries.captured_queries)
    page = deep.content.decode()
    # The last page: a link back, none onwards.
    assert 'href="?toon=all&amp;voor=' in page and 'href="?toon=all&amp;na=' not in page
    assert ("Pagina 3" in page) or ("Page 3" in page)
    # No OFFSET anywhere: the page is found by its key.
    assert not any("OFFSET" in q["sql"] for q in deep_queries.captured_queries)
