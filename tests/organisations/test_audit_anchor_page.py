"""The coordinator chooses where the organisation's signed audit checkpoints go (ADR 0054)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.browser import assert_accessible
from support.people import make_member, make_organisation
from vangnet.core.audit import checkpoint_problems
from vangnet.core.models import AuditAnchor, AuditEntry, chain_name
from vangnet.organisations.roles import Role

PAGE = "/o/{slug}/beheer/auditlog/"
DOWNLOAD = "/o/{slug}/beheer/auditlog/controlepunt.json"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role.value for role in Role])
def test_only_the_coordinator_may_open_or_change_it(client: Any, organisation: Any, role: str) -> None:
    client.force_login(make_member(organisation, role).user)
    page, download = PAGE.format(slug=organisation.slug), DOWNLOAD.format(slug=organisation.slug)
    allowed = role == Role.COORDINATOR
    assert client.get(page).status_code == (200 if allowed else 403)
    assert client.get(download).status_code == (200 if allowed else 403)
    if not allowed:
        response = client.post(page, {"email": "kaper@example.org"})
        assert response.status_code == 403
        assert not AuditAnchor.objects.exists()


@pytest.mark.django_db
def test_other_organisations_and_anonymous_visitors_get_nothing(client: Any, organisation: Any) -> None:
    page, download = PAGE.format(slug=organisation.slug), DOWNLOAD.format(slug=organisation.slug)
    assert client.get(download).status_code == 302  # to the login page
    other = make_organisation("Andere organisatie")
    client.force_login(make_member(other, Role.EMPLOYEE, Role.COORDINATOR).user)
    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404
    assert client.post(page, {"email": "kaper@example.org"}).status_code == 404
    assert not AuditAnchor.objects.exists()


@pytest.mark.django_db
def test_coordinator_chooses_an_address_and_the_first_checkpoint_is_sent(
    client: Any, organisation: Any, mailoutbox: list[Any]
) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(coordinator.user)
    response = client.post(PAGE.format(slug=organisation.slug), {"email": "archief@example.org"},
                           follow=True)
    assert response.status_code == 200
    assert "archief@example.org" in response.content.decode()
    anchor = AuditAnchor.objects.get()
    assert (anchor.organisation_id, anchor.email) == (organisation.pk, "archief@example.org")
    (message,) = mailoutbox
    assert message.to == ["archief@example.org"]
    checkpoint = json.loads(message.attachments[0][1])
    assert checkpoint["chain"] == chain_name(organisation.pk) and checkpoint_problems(checkpoint) == []
    entry = AuditEntry.objects.get(action="core.audit_anchor_set")
    assert entry.actor_id == coordinator.user.pk and entry.organisation_id == organisation.pk
    assert "archief" not in json.dumps(entry.data)


@pytest.mark.django_db
def test_a_wrong_address_gets_a_dutch_message_and_changes_nothing(
    client: Any, organisation: Any, mailoutbox: list[Any]
) -> None:
    client.force_login(make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR).user)
    expected = {
        "geen-adres": "Vul een e-mailadres in, zoals archief@example.org.",
        "": "Vul een e-mailadres in.",
        "a" * 300 + "@example.org": "Zorg dat deze waarde niet meer dan 254 tekens bevat",
    }
    for bad, message in expected.items():
        response = client.post(PAGE.format(slug=organisation.slug), {"email": bad})
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors["email"])
        assert message in errors
        assert message.split(",")[0] in response.content.decode()
    assert not AuditAnchor.objects.exists() and not mailoutbox


@pytest.mark.django_db
def test_download_is_a_signed_checkpoint_of_this_organisation_only(
    client: Any, organisation: Any, other_organisation: Any
) -> None:
    client.force_login(make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR).user)
    response = client.get(DOWNLOAD.format(slug=organisation.slug))
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    checkpoint = json.loads(response.content)
    assert checkpoint["chain"] == chain_name(organisation.pk)
    assert checkpoint_problems(checkpoint) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_audit_anchor_page_in_the_browser(page: Any, login: Any, organisation: Any,
                                          mailoutbox: list[Any]) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR,
                              email="coordinator.anker@example.org")
    login(coordinator.user.email)
    page.goto(PAGE.format(slug=organisation.slug))
    assert_accessible(page)
    page.get_by_label("E-mailadres voor controlepunten van het auditlog").fill("geen-adres")
    page.get_by_role("button", name="Opslaan en het eerste controlepunt versturen").click()
    # The message is in the error summary and at the field (issue 12): wait for the one at the field.
    page.locator(".utrecht-form-field-error-message", has_text="Vul een e-mailadres in, zoals archief@example.org.").wait_for()
    assert_accessible(page)
    page.get_by_label("E-mailadres voor controlepunten van het auditlog").fill("archief@example.org")
    page.get_by_role("button", name="Opslaan en het eerste controlepunt versturen").click()
    page.get_by_text("Controlepunten gaan naar archief@example.org.", exact=False).wait_for()
    assert AuditAnchor.objects.get().email == "archief@example.org"
    assert_accessible(page)


@pytest.mark.django_db
def test_changing_the_address_tells_the_old_one(
    client: Any, organisation: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Someone who took over the coordinator's account cannot quietly divert the checkpoints
    before rewriting the log: the address that received them so far is told."""
    client.force_login(make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR).user)
    url = PAGE.format(slug=organisation.slug)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "archief@example.org"})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "kaper@example.net"})
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"archief@example.org", "kaper@example.net"}
    notice = by_address["archief@example.org"]
    assert "ander adres" in notice.subject and not notice.attachments
    assert "kaper" not in notice.body  # the new address is not disclosed to the old one
    assert AuditEntry.objects.filter(action="core.audit_anchor_set").order_by("-id").first().data[
        "changed"] is True
    # Saving the same address again tells nobody anything new.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "KAPER@example.net"})
    assert [message.to for message in mailoutbox] == [["KAPER@example.net"]]
