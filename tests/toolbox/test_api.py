"""The read-only toolbox API."""

from __future__ import annotations

from typing import Any

import pytest

from support.people import make_member
from vangnet.organisations.roles import Role
from vangnet.toolbox import services

from .conftest import actor

pytestmark = pytest.mark.django_db


def test_members_list_and_read_werkvormen(team: Any, client_for: Any) -> None:
    client = client_for(team.employee)
    base = f"/api/v1/toolbox/{team.organisation.slug}/werkvormen"
    listing = client.get(base, {"pillar": 2, "max_minutes": 15})
    assert listing.status_code == 200
    slugs = {item["slug"] for item in listing.json()}
    assert "werkdruk-check-in" in slugs and all(
        2 in item["pillars"] and item["duration_minutes"] <= 15 for item in listing.json())
    detail = client.get(f"{base}/wekelijkse-check-in", {"language": "en"}).json()
    assert detail["title"] == "Weekly check-in" and detail["steps"] and detail["safety_note"]
    assert detail["url"].endswith("/toolbox/werkvormen/wekelijkse-check-in/")
    assert client.get(f"{base}/bestaat-niet").status_code == 404
    assert client.get(base, {"pillar": "x"}).status_code == 422


def test_hidden_and_foreign_werkvormen_stay_hidden(team: Any, client_for: Any,
                                                   other_organisation: Any, client: Any) -> None:
    base = f"/api/v1/toolbox/{team.organisation.slug}/werkvormen"
    services.werkvorm_set_hidden(actor=actor(team.coordinator),
                                 werkvorm=services.Werkvorm.objects.get(slug="feedback-vragen"),
                                 hidden=True)
    member = client_for(team.employee)
    assert "feedback-vragen" not in {i["slug"] for i in member.get(base).json()}
    assert member.get(f"{base}/feedback-vragen").status_code == 404
    member.logout()
    assert client.get(base).status_code == 401
    client.force_login(make_member(other_organisation, Role.COORDINATOR).user)
    assert client.get(base).status_code == 404


def test_openapi_document_lists_the_toolbox(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/toolbox/{org_slug}/werkvormen" in paths
