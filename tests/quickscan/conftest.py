"""Quickscan fixtures: people with roles, and a helper that answers through the real links."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for
from vangnet.quickscan import services
from vangnet.quickscan.content import instrument
from vangnet.quickscan.forms import field_name


@pytest.fixture
def member_factory(db):
    """Members who joined yesterday: only members from before a round can be invited to it."""
    from datetime import timedelta

    from django.utils import timezone

    from support.people import make_member
    from vangnet.organisations.models import Membership

    def _make(*args, **kwargs):
        membership = make_member(*args, **kwargs)
        Membership.objects.filter(pk=membership.pk).update(
            created_at=timezone.now() - timedelta(days=1))
        membership.refresh_from_db()
        return membership

    return _make


@pytest.fixture
def coordinator(organisation, member_factory):
    return member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR)


@pytest.fixture
def coordinator_actor(coordinator):
    return actor_for(coordinator)


@pytest.fixture
def works_council(organisation, member_factory):
    return member_factory(organisation, Role.EMPLOYEE, Role.WORKS_COUNCIL)


@pytest.fixture
def employee(organisation, member_factory):
    return member_factory(organisation, Role.EMPLOYEE)


def answer_all(client: Any, base: str, values: dict[str, int] | None = None,
               default: int = 4) -> Any:
    """Answer every part through `base` (…/invullen/<token>/ or …/groep/<token>/) and send.

    `default` is how positive the answers are: on a reverse-keyed statement (agreeing is the worse
    answer) the helper answers 6 − default, so "all 5" still means "everything is fine" and scores
    100. Values given per code in `values` are sent as they are.
    """
    values = values or {}
    for step, pillar in enumerate(instrument().pillars, start=1):
        data = {field_name(s.code): str(values.get(s.code, s.keyed(default)))
                for s in instrument().statements_of(pillar.number)}
        data["button"] = "next"
        response = client.post(f"{base}stap/{step}/", data)
        assert response.status_code == 302, response.content[:500]
    return client.post(f"{base}versturen/")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


LINK = re.compile(r"https?://\S+/quickscan/invullen/[^/\s]+/")


def links_in_mail(outbox: list[Any]) -> dict[str, str]:
    """Recipient address → the personal link (path) in the last e-mail they got."""
    return {message.to[0]: path_of(LINK.search(message.body).group(0)) for message in outbox}


@pytest.fixture
def invite(coordinator_actor, django_capture_on_commit_callbacks):
    """Invite these members in the group through the real service and task; their links, by
    address, as the members receive them by e-mail (the only place a link ever appears).
    """
    from django.core import mail

    def _invite(group, members, actor=None):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.invitees_add(actor=actor or coordinator_actor, group=group,
                                  membership_ids=[m.pk for m in members])
        return links_in_mail(mail.outbox)

    return _invite


@pytest.fixture
def make_links(organisation, member_factory, invite):
    """`count` new members of the organisation, invited in the group: their personal links."""
    def _make(group, count):
        members = [member_factory(organisation, Role.EMPLOYEE) for _ in range(count)]
        links = invite(group, members)
        return [links[m.user.email] for m in members]

    return _make
