"""The pages: who sees what (the manager never the participant list), bad input answered in
Dutch without a 500, the calendar invite, and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vangnet.workshops import services

pytestmark = pytest.mark.django_db


def _client(membership: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(membership.user)
    return client


def _url(world: Any, name: str, *args: Any) -> str:
    return reverse(f"workshops:{name}", args=[world.organisation.slug, *args])


def test_the_manager_does_not_see_who_registered_the_duo_does(ready: Any) -> None:
    (person,) = ready.members(1)
    person.user.full_name = "Pim Deelnemer"
    person.user.save()
    services.register(actor=ready.actor(person), session=ready.session)
    url = _url(ready, "session", ready.session.pk)
    for outsider in (ready.manager, ready.coordinator):
        page = _client(outsider).get(url)
        assert page.status_code == 200 and "Pim Deelnemer" not in page.content.decode()
    duo_page = _client(ready.facilitators[0]).get(url).content.decode()
    assert "Pim Deelnemer" in duo_page and "Iemand doorverwijzen" in duo_page


def test_an_unrelated_organisation_gets_404(ready: Any) -> None:
    (stranger,) = ready.members(1, organisation=ready.unrelated)
    client = _client(stranger)
    assert client.get(reverse("workshops:session", args=[ready.unrelated.slug, ready.session.pk])).status_code == 404
    assert client.get(_url(ready, "session", ready.session.pk)).status_code == 404


def test_register_and_cancel_through_the_pages(ready: Any) -> None:
    (person,) = ready.members(1)
    client = _client(person)
    page = client.post(_url(ready, "register", ready.session.pk), follow=True).content.decode()
    assert "Je bent aangemeld" in page
    ics = client.get(_url(ready, "session_ics", ready.session.pk))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Samen veilig" in body and person.user.email not in body
    page = client.post(_url(ready, "cancel", ready.session.pk), follow=True).content.decode()
    assert "Je hebt je aanmelding ingetrokken" in page


def test_bad_input_gets_a_dutch_message_not_a_500(ready: Any) -> None:
    client = _client(ready.coordinator)
    page = client.post(_url(ready, "offer_new", ready.pool.pk), {
        "title": "X", "audience": "employees", "format": "online", "duration_minutes": "300",
        "script_opening": "a", "script_ground_rules": "b", "script_closing": "c",
        "min_participants": "6", "max_participants": "4"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "Het maximum kan niet lager zijn dan het minimum." in text
    session = client.post(_url(ready, "session_new", ready.offer.pk), {"starts_at": "2030-01-01T10:00"})
    assert session.status_code == 400 and "Een online sessie heeft een videolink nodig." in session.content.decode()
    assert client.post(_url(ready, "pool_join", ready.pool.pk),
                       {"organisation_slug": "bestaat-niet"}).status_code == 400


def test_the_duo_page_shows_the_same_profile_warning(ready: Any) -> None:
    from vangnet.workshops.models import Facilitator

    line = list(Facilitator.objects.filter(pool=ready.pool, line_experience=True).values_list("pk", flat=True))
    page = _client(ready.coordinator).post(_url(ready, "duo", ready.session.pk), {
        "facilitator_a": line[0], "facilitator_b": line[1]}).content.decode()
    assert "hetzelfde profiel" in page and "Dit duo bevestigen" in page


def test_the_figures_and_pool_pages_are_for_the_coordinator(ready: Any) -> None:
    for name in ("pool", "figures"):
        assert _client(ready.coordinator).get(_url(ready, name, ready.pool.pk)).status_code == 200
        assert _client(ready.manager).get(_url(ready, name, ready.pool.pk)).status_code == 404


def _count(django_assert_max_num_queries: Any, client: Client, url: str, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_query_counts_do_not_grow_with_sessions_and_participants(
        ready: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(6):
        session = services.session_create(actor=ready.boss, offer=ready.offer,
                                          starts_at=ready.session.starts_at,
                                          video_link="https://video.example.org/q")
        for person in ready.members(3):
            services.register(actor=ready.actor(person), session=session)
    for person in ready.members(8):
        services.register(actor=ready.actor(person), session=ready.session)
    coordinator, duo = _client(ready.coordinator), _client(ready.facilitators[0])
    member = _client(ready.members(1)[0])
    _count(django_assert_max_num_queries, member, _url(ready, "home"), 14)
    _count(django_assert_max_num_queries, duo, _url(ready, "session", ready.session.pk), 16)
    _count(django_assert_max_num_queries, coordinator, _url(ready, "pool", ready.pool.pk), 22)
    _count(django_assert_max_num_queries, coordinator, _url(ready, "figures", ready.pool.pk), 14)


