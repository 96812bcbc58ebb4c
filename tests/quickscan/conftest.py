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
    """Answer every part through `base` (…/invullen/<token>/ or …/groep/<token>/) and send."""
    values = values or {}
    for step, pillar in enumerate(instrument().pillars, start=1):
        data = {field_name(s.code): str(values.get(s.code, default))
                for s in instrument().statements_of(pillar.number)}
        data["button"] = "next"
        response = client.post(f"{base}stap/{step}/", data)
        assert response.status_code == 302, response.content[:500]
    return client.post(f"{base}versturen/")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def make_links(coordinator_actor):
    def _make(group, count):
        raws = services.tokens_create(actor=coordinator_actor, group=group, count=count)
        return [path_of(services.respondent_url(organisation_slug=coordinator_actor.organisation_slug,
                                                raw=raw)) for raw in raws]

    return _make
