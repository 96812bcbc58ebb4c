"""Invitations in a real browser: the coordinator invites and sends again, never sees a link;
the invitee opens the link from the (second) mail. Axe-clean pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from support.browser import assert_accessible
from support.people import make_member, make_organisation
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVITATION_PATH = re.compile(r"/o/[^\s/]+/uitnodiging/(?P<token>[^\s/]+)/")


def test_coordinator_invites_and_sends_again_without_seeing_a_link(page: Any, login: Any) -> None:
    organisation = make_organisation()
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    login(coordinator.user.email)
    mail.outbox.clear()  # the coordinator's own notice of their new roles
    page.goto(f"/o/{organisation.slug}/beheer/uitnodigingen/")
    assert_accessible(page)
    page.fill("input[name=email]", "nieuw@example.org")
    page.check("input[name=roles][value=medewerker]")
    with page.expect_navigation():
        page.click("main form button.utrecht-button--primary-action")
    expect(page.locator("main")).to_contain_text("nieuw@example.org")
    assert len(mail.outbox) == 1
    first = INVITATION_PATH.search(mail.outbox[0].body)
    assert first
    assert first.group("token") not in page.content()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Opnieuw versturen aan nieuw@example.org").click()
    expect(page.locator("body")).to_contain_text("De vorige link werkt niet meer")
    assert len(mail.outbox) == 2
    second = INVITATION_PATH.search(mail.outbox[1].body)
    assert second and second.group("token") != first.group("token")
    assert second.group("token") not in page.content()
    assert_accessible(page)

    invitee = page.context.browser.new_context(base_url=page.url.split("/o/")[0], bypass_csp=True,
                                               locale="nl-NL").new_page()
    response = invitee.goto(first.group(0))
    assert response is not None and response.status == 404
    response = invitee.goto(second.group(0))
    assert response is not None and response.status == 200
    expect(invitee.locator("input[name=password1]")).to_be_visible()
    invitee.context.close()
