"""Closing a round takes a confirmation (two steps, no script), and every link Vangnet hands out
for the quickscan (e-mails, the shared link) is built from the configured site address, never from
the address the request came in on."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from vangnet.organisations.roles import Role
from vangnet.quickscan import services
from vangnet.quickscan.models import Round, RoundGroup

from .conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(coordinator_actor):
    return services.round_start(actor=coordinator_actor, title="Najaar",
                                group_slugs=["employees", "or"])


def test_closing_asks_first_and_says_what_it_does(client, coordinator, organisation, running,
                                                  make_links):
    for link in make_links(RoundGroup.objects.get(round=running, slug="employees"), 2):
        answer_all(client, link)
    client.force_login(coordinator.user)
    detail = f"/o/{organisation.slug}/quickscan/rondes/{running.pk}/"
    close = f"{detail}sluiten/"
    assert f'href="{close}"' in client.get(detail).content.decode()  # a link, not a button

    page = client.get(close)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Deze ronde sluiten?" in text and "2 mensen hebben tot nu toe geantwoord" in text
    assert "niet ongedaan maken" in text and "werkt niet meer" in text
    assert "liggen vast" in text and "weggegooid" in text
    # Both groups are below the threshold of 5 so far, and the page says so.
    assert "Medewerkers" in text and "Ondernemingsraad" in text
    assert "<script" not in text.split("<main")[1].split("</main>")[0]
    assert Round.objects.get(pk=running.pk).is_open

    # A POST without the confirmation (an old form, a stray request) only shows the question.
    assert client.post(close).status_code == 200
    assert Round.objects.get(pk=running.pk).is_open
    reply = client.post(close, {"confirmed": "yes"})
    assert reply.status_code == 302 and reply["Location"].endswith("/rapport/")
    assert not Round.objects.get(pk=running.pk).is_open
    # Closed: the page no longer offers to close.
    assert client.get(close)["Location"] == detail


def test_only_whoever_runs_rounds_reaches_the_close_page(client, organisation, member_factory,
                                                        running):
    close = f"/o/{organisation.slug}/quickscan/rondes/{running.pk}/sluiten/"
    for role in (Role.MANAGER, Role.WORKS_COUNCIL, Role.EMPLOYEE):
        client.force_login(member_factory(organisation, Role.EMPLOYEE, role).user)
        assert client.get(close).status_code == 404
        assert client.post(close, {"confirmed": "yes"}).status_code == 404
    assert Round.objects.get(pk=running.pk).is_open


SITE = "https://vangnet.example.nl:8443"


def test_links_in_e_mails_and_the_shared_link_use_the_site_address(
        client, settings, coordinator, organisation, running, member_factory, invite,
        coordinator_actor, django_capture_on_commit_callbacks):
    settings.SITE_URL = SITE
    member = member_factory(organisation, Role.EMPLOYEE)
    group = RoundGroup.objects.get(round=running, slug="employees")
    invite(group, [member])
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(f"{SITE}/o/{organisation.slug}/quickscan/invullen/")
                         for link in links)
    assert "testserver" not in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(actor=coordinator_actor, round_=running)
    [reminder] = mail.outbox
    assert re.search(rf"{re.escape(SITE)}/o/{organisation.slug}/quickscan/invullen/\S+/",
                     reminder.body)

    client.force_login(coordinator.user)
    page = client.post(f"/o/{organisation.slug}/quickscan/rondes/{running.pk}/groepen/"
                       f"{group.pk}/gedeelde-link/", HTTP_HOST="testserver")
    assert f"{SITE}/o/{organisation.slug}/quickscan/groep/" in page.content.decode()
    assert "http://testserver" not in page.content.decode()
