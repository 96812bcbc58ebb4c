"""Step 1: the code itself — model code, versions, comparison, consent, publishing, pages, PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vangnet.conduct import selectors, services
from vangnet.conduct.content import model_code
from vangnet.conduct.models import SECTION_KEYS, CodeVersion
from vangnet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_model_code_has_every_section_in_dutch_and_english() -> None:
    nl, en = model_code("nl"), model_code("en")
    assert set(nl.sections) == set(en.sections) == set(SECTION_KEYS)
    assert all(nl.sections.values()) and all(en.sections.values())
    assert nl.title == "Onze gedragscode" and en.title == "Our code of conduct"
    assert nl.sections["values"] != en.sections["values"]
    # Dutch first, with "je": the formal "u" is never used.
    words = " ".join(nl.sections.values()).lower().replace(",", " ").replace(".", " ").split()
    assert "u" not in words and "uw" not in words


def test_versions_number_major_and_minor_and_audit_the_actor(org: Any) -> None:
    actor = org.actor(org.coordinator)
    first = services.version_create_from_model(actor=actor, language="nl")
    minor = services.version_create(actor=actor, title=first.title, summary="", sections={
        **first.sections, "digital": "Ook in de app zijn we vriendelijk."},
        change_note="Digitaal korter", major_change=False)
    major = services.version_create(actor=actor, title=first.title, summary="",
                                    sections=first.sections, change_note="Nieuw hoofdstuk",
                                    major_change=True)
    assert [v.label for v in (first, minor, major)] == ["1.0", "1.1", "2.0"]
    entry = AuditEntry.objects.filter(action="conduct.version_create").last()
    assert entry is not None and entry.actor_id == org.coordinator.user_id
    assert entry.organisation_id == org.organisation.pk


def test_a_version_needs_a_change_note_and_some_text(org: Any) -> None:
    actor = org.actor(org.coordinator)
    with pytest.raises(ValidationError):
        services.version_create(actor=actor, title="x", summary="", sections={"values": "a"},
                                change_note=" ", major_change=True)
    with pytest.raises(ValidationError):
        services.version_create(actor=actor, title="x", summary="", sections={},
                                change_note="leeg", major_change=True)


@pytest.mark.parametrize("who", ["employee", "manager", "hr", "works_council"])
def test_only_the_coordinator_writes_and_publishes(org: Any, who: str) -> None:
    actor = org.actor(getattr(org, who))
    with pytest.raises(PermissionDenied):
        services.version_create_from_model(actor=actor, language="nl")
    draft = services.version_create_from_model(actor=org.actor(org.coordinator), language="nl")
    with pytest.raises(PermissionDenied):
        services.version_publish(actor=actor, version=draft)


def test_one_published_version_at_a_time(org: Any, publish: Any) -> None:
    first = publish()
    second = publish()
    first.refresh_from_db()
    assert first.status == CodeVersion.Status.RETIRED
    assert second.status == CodeVersion.Status.PUBLISHED
    assert CodeVersion.objects.filter(organisation=org.organisation,
                                      status=CodeVersion.Status.PUBLISHED).count() == 1


def test_consent_is_required_before_publishing_where_the_organisation_turns_it_on(org: Any) -> None:
    coordinator = org.actor(org.coordinator)
    services.settings_update(actor=coordinator, consent_required=True, public_page=False,
                             named_follow_up=False)
    draft = services.version_create_from_model(actor=coordinator, language="nl")
    with pytest.raises(ValidationError):
        services.version_publish(actor=coordinator, version=draft)
    with pytest.raises(PermissionDenied):
        services.consent_record(actor=org.actor(org.employee), version=draft,
                                consent_on=date(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.consent_record(actor=org.actor(org.works_council), version=draft,
                                consent_on=timezone.localdate() + timedelta(days=1))
    services.consent_record(actor=org.actor(org.works_council), version=draft,
                            consent_on=date(2026, 12, 1))
    published = services.version_publish(actor=coordinator, version=draft)
    assert published.status == CodeVersion.Status.PUBLISHED
    assert published.consent_on == date(2026, 12, 1)


def test_without_the_setting_no_consent_is_needed(org: Any, publish: Any) -> None:
    assert publish().consent_on is None


def test_comparison_shows_the_words_that_went_and_came(org: Any) -> None:
    actor = org.actor(org.coordinator)
    old = services.version_create(actor=actor, title="Code", summary="", sections={
        "values": "We zijn aardig voor elkaar.\n\nWe luisteren.", "digital": "Chat netjes."},
        change_note="eerste", major_change=True)
    new = services.version_create(actor=actor, title="Code", summary="", sections={
        "values": "We zijn eerlijk voor elkaar.\n\nWe luisteren.\n\nWe vragen door."},
        change_note="tweede", major_change=False)
    diff = {section.title: section for section in selectors.compare(old, new, "nl")}
    values = diff["Wat we belangrijk vinden"]
    assert values.changed
    first = [(part.kind, part.text) for part in values.paragraphs[0]]
    assert ("removed", "aardig") in first and ("added", "eerlijk") in first
    assert [(p.kind, p.text) for p in values.paragraphs[1]] == [("same", "We luisteren.")]
    assert [(p.kind, p.text) for p in values.paragraphs[2]] == [("added", "We vragen door.")]
    digital = diff["Online en op afstand"]
    assert [(p.kind, p.text) for p in digital.paragraphs[0]] == [("removed", "Chat netjes.")]
    assert not diff["Waar je terechtkunt"].changed


def test_compare_page_renders_for_the_coordinator_only(client: Any, org: Any) -> None:
    actor = org.actor(org.coordinator)
    one = services.version_create_from_model(actor=actor, language="nl")
    two = services.version_create(actor=actor, title=one.title, summary="", sections={
        **one.sections, "values": "Heel iets anders."}, change_note="anders", major_change=False)
    url = reverse("conduct:compare", args=[org.organisation.slug])
    client.force_login(org.coordinator.user)
    response = client.get(url, {"old": one.pk, "new": two.pk})
    assert response.status_code == 200
    assert b"<ins class=\"vn-diff-added\">" in response.content
    client.force_login(org.employee.user)
    assert client.get(url, {"old": one.pk, "new": two.pk}).status_code == 404


def test_member_page_is_one_click_from_home_and_from_the_help_page(client: Any, org: Any,
                                                                   publish: Any) -> None:
    publish()
    slug = org.organisation.slug
    code_url = reverse("conduct:code", args=[slug])
    client.force_login(org.employee.user)
    home = client.get(reverse("organisations:home", args=[slug]))
    assert f'href="{code_url}"'.encode() in home.content
    help_page = client.get(reverse("organisations:public_home", args=[slug]))
    assert f'href="{code_url}"'.encode() in help_page.content
    page = client.get(code_url)
    assert page.status_code == 200
    assert "Wat hier niet kan" in page.content.decode()


def test_reporting_route_links_to_our_rules(client: Any, org: Any, publish: Any) -> None:
    publish()
    slug = org.organisation.slug
    route = client.get(reverse("reporting:route", args=[slug]))
    assert route.status_code == 200
    assert f'href="{reverse("conduct:code", args=[slug])}"'.encode() in route.content


def test_public_page_only_when_switched_on(client: Any, org: Any, publish: Any) -> None:
    publish()
    url = reverse("conduct:public_code", args=[org.organisation.slug])
    assert client.get(url).status_code == 404
    services.settings_update(actor=org.actor(org.coordinator), consent_required=False,
                             public_page=True, named_follow_up=False)
    response = client.get(url)
    assert response.status_code == 200
    assert "Onze gedragscode" in response.content.decode()


def test_pdf_of_the_published_code(client: Any, org: Any, publish: Any) -> None:
    publish()
    client.force_login(org.employee.user)
    response = client.get(reverse("conduct:code_pdf", args=[org.organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_organisation_sees_nothing(client: Any, org: Any, publish: Any) -> None:
    version = publish()
    outsider = org.actor(org.outsider_coordinator)
    assert selectors.published_for_actor(actor=outsider) is None
    assert not selectors.versions_for_actor(actor=outsider).exists()
    with pytest.raises(PermissionDenied):
        services.version_publish(actor=outsider, version=version)
    client.force_login(org.outsider_coordinator.user)
    slug = org.organisation.slug
    for name, args in [("conduct:code", [slug]), ("conduct:manage", [slug]),
                       ("conduct:version", [slug, version.pk]), ("conduct:figures", [slug])]:
        assert client.get(reverse(name, args=args)).status_code == 404
    own = org.outsider_coordinator.organisation.slug
    assert client.get(reverse("conduct:version", args=[own, version.pk])).status_code == 404


def test_coordinator_flow_through_the_pages(client: Any, org: Any) -> None:
    slug = org.organisation.slug
    client.force_login(org.coordinator.user)
    response = client.post(reverse("conduct:version_from_model", args=[slug]))
    version = CodeVersion.objects.get(organisation=org.organisation)
    assert response["Location"] == reverse("conduct:version", args=[slug, version.pk])
    assert client.get(reverse("conduct:manage", args=[slug])).status_code == 200
    assert client.get(reverse("conduct:version_new", args=[slug])).status_code == 200
    client.post(reverse("conduct:publish", args=[slug, version.pk]))
    version.refresh_from_db()
    assert version.status == CodeVersion.Status.PUBLISHED
