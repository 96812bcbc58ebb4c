"""Pages: who sees what, bad input never loses what was typed, and lists stay O(1) in queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.people import enable_totp
from vangnet.cases import services
from vangnet.cases.models import Case
from vangnet.reporting.models import DialogueQuestion
from vangnet.reporting.services import dialogue_answer

from .conftest import actor_of


def _login(client, member):
    enable_totp(member.user)
    client.force_login(member.user)


def _unlock(client, member):
    """Unlock the member's key as the unlock page would (cookie + session)."""
    from support.people import PASSWORD

    url = reverse("reporting:unlock", args=[member.organisation.slug])
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_case_list_queries_do_not_grow_with_cases(client, submit, advisor,
                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _login(client, advisor)
    url = reverse("cases:list", args=[advisor.organisation.slug])
    for _ in range(3):
        submit()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url + "?toon=all").status_code == 200
    for _ in range(12):
        submit()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url + "?toon=all")
    assert response.content.decode().count("/dossiers/") >= 15
    assert 3 < len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url + "?toon=due")


@pytest.mark.django_db
def test_only_handlers_open_a_case_page(client, submit, advisor, hr, coordinator, employee):
    _report, _code, case = submit()
    url = reverse("cases:detail", args=[advisor.organisation.slug, case.pk])
    for outsider in (hr, coordinator, employee):
        _login(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("cases:transition", args=[advisor.organisation.slug, case.pk]),
                           {"transition": "acknowledge"}).status_code == 404
    _login(client, advisor)
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # Locked key: no contents on the page, only the way to unlock.
    assert "scheldt" not in page.content.decode()
    _unlock(client, advisor)
    assert "scheldt" in client.get(url).content.decode()


@pytest.mark.django_db
def test_other_organisation_sees_nothing(client, submit, other_organisation):
    from support.people import make_member
    from vangnet.organisations.roles import Role

    _report, _code, case = submit()
    outsider = make_member(other_organisation, Role.ADVISOR)
    _login(client, outsider)
    assert client.get(f"/o/{other_organisation.slug}/dossiers/{case.pk}/").status_code == 404
    assert client.get(f"/o/{case.organisation.slug}/dossiers/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_hr_sees_exactly_the_consented_parts_on_the_page(client, submit, advisor, hr):
    _report, _code, case = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=case, recipient_kind="hr",
                                       recipient=hr, parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    _login(client, hr)
    _unlock(client, hr)
    body = client.get(reverse("cases:detail", args=[hr.organisation.slug, case.pk])).content.decode()
    assert "scheldt" in body
    assert "kantine" not in body and "slaap" not in body and "Piet Melder" not in body
    assert "Private notes" not in body and "Eigen notities" not in body
    # The case is in HR's list (the grant half of the merged list), with no content in it.
    listing = client.get(reverse("cases:list", args=[hr.organisation.slug]) + "?toon=all")
    assert case.reference in listing.content.decode()
    assert "scheldt" not in listing.content.decode()


@pytest.mark.django_db
def test_window_merges_received_and_shared_cases_in_order(submit, advisor, organisation):
    from support.people import make_member
    from vangnet.cases import selectors
    from vangnet.organisations.roles import Role

    from .conftest import give_keys

    second = make_member(organisation, Role.ADVISOR, name="Tweede")
    second.private_key = give_keys(second)
    own = [submit(recipient=second)[2] for _ in range(3)]
    _shared_report, _code, shared = submit()
    consent = services.consent_request(actor=actor_of(advisor), private_key=advisor.private_key, case=shared,
                                       recipient_kind="advisor", recipient=second,
                                       parts=["narrative"])
    dialogue_answer(question=DialogueQuestion.objects.get(pk=consent.question_id), answer="yes")
    services.consent_share(actor=actor_of(advisor), consent=consent,
                           private_key=advisor.private_key)
    cases = selectors.cases_for_actor(actor=actor_of(second), view="all")
    first = selectors.window(cases, size=2)
    second_page = selectors.window(cases, after=first.next_cursor, size=2)
    seen = [c.pk for c in first.rows + second_page.rows]
    assert first.has_next and not second_page.has_next
    assert not first.has_previous and second_page.has_previous and second_page.number == 2
    back = selectors.window(cases, before=second_page.previous_cursor, size=2)
    assert [c.pk for c in back.rows] == [c.pk for c in first.rows]
    assert back.number == 1 and not back.has_previous and back.has_next
    assert sorted(seen) == sorted([c.pk for c in own] + [shared.pk])
    assert seen == [c.pk for c in sorted(Case.objects.filter(pk__in=seen),
                                         key=lambda c: (-c.received_at.timestamp(), -c.pk))]


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(client, submit, advisor):
    _report, _code, case = submit()
    _login(client, advisor)
    _unlock(client, advisor)
    url = reverse("cases:acute_danger", args=[advisor.organisation.slug, case.pk])
    response = client.post(url, {"recipient": "", "parts": ["narrative"],
                                 "justification": "Te kort maar bewaard", "confirm": "on"})
    assert response.status_code == 200
    assert "Te kort maar bewaard" in response.content.decode()
    transition = reverse("cases:transition", args=[advisor.organisation.slug, case.pk])
    assert client.post(transition, {"transition": "close"}).status_code == 302  # message, no 500
    assert Case.objects.get(pk=case.pk).state == "received"


@pytest.mark.django_db
def test_every_page_renders(client, submit, advisor, coordinator):
    _report, _code, case = submit()
    slug = advisor.organisation.slug
    _login(client, advisor)
    _unlock(client, advisor)
    for name, args in [("cases:list", []), ("cases:detail", [case.pk]),
                       ("cases:consent_new", [case.pk]), ("cases:acute_danger", [case.pk]),
                       ("cases:advice", []), ("cases:lessons", []), ("cases:signals", []),
                       ("cases:yearly_report", [])]:
        assert client.get(reverse(name, args=[slug, *args])).status_code == 200, name
    _login(client, coordinator)
    for name in ("cases:settings", "cases:lessons", "cases:yearly_report"):
        assert client.get(reverse(name, args=[slug])).status_code == 200, name
    assert client.get(reverse("cases:list", args=[slug])).status_code == 200
    assert client.get(reverse("cases:signals", args=[slug])).status_code == 404
