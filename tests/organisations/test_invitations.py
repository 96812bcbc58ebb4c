"""Issue #10: invitation links sat in clear in the task table (and the service handed the raw
token back to the coordinator's request). The attack: create an invitation, read the task table
and the whole database by raw SQL, and accept the invitation with the link found there. Now the
queue holds the invitation id only; the worker mints the link and stores only its hash."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from support.people import make_member
from support.tasktable import (
    DB_TASKS,
    database_text,
    run_worker,
    task_rows,
    task_table_forget,
    task_table_text,
)
from vangnet.organisations import services
from vangnet.organisations.models import Invitation
from vangnet.organisations.roles import Role
from vangnet.organisations.selectors import actor_for

INVITATION_PATH = re.compile(r"/o/[^\s/]+/uitnodiging/(?P<token>[^\s/]+)/")


def _invitations_url(organisation: Any) -> str:
    return f"/o/{organisation.slug}/beheer/uitnodigingen/"


def _link_in(message: Any) -> tuple[str, str]:
    found = INVITATION_PATH.search(message.body)
    assert found, message.body
    return found.group(0), found.group("token")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_invitation_link_is_nowhere_in_the_database_and_still_works(organisation: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    task_table_forget()
    client = Client()
    client.force_login(coordinator.user)
    response = client.post(_invitations_url(organisation),
                           {"email": "Nieuw@Example.org", "full_name": "Nieuwe Collega",
                            "roles": [Role.EMPLOYEE]}, follow=True)
    assert response.status_code == 200
    coordinator_saw = response.content.decode()

    queued = task_table_text()
    rows = task_rows()
    assert [row["task_path"] for row in rows] == ["vangnet.core.tasks.send_mail_kind"]
    assert set(rows[0]["args_kwargs"]["kwargs"]["ids"]) == {"invitation_id"}
    assert "nieuw@example.org" not in queued
    assert mail.outbox == []

    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    path, token = _link_in(message)

    everything = database_text()
    for text in (queued, task_table_text(), everything, coordinator_saw):
        assert token not in text
        assert path not in text
    # Only the hash of the link the worker sent is stored.
    assert Invitation.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()

    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"full_name": "Nieuwe Collega", "password1": "Welkom-bij-ons-2026",
                                   "password2": "Welkom-bij-ons-2026"})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="nieuw@example.org")
    assert user.memberships.get().organisation == organisation


@pytest.mark.django_db
def test_invitation_create_returns_no_token(organisation: Any,
                                            django_capture_on_commit_callbacks: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.invitation_create(actor=actor_for(coordinator), email="a@example.org")
    # Only the invitation comes back (it used to be a tuple with the raw token).
    assert isinstance(result, Invitation)
    _path, token = _link_in(mail.outbox[0])
    assert token not in repr(vars(result))


@pytest.mark.django_db
def test_before_the_worker_sends_no_link_opens_the_invitation(organisation: Any) -> None:
    """The placeholder hash stored at creation belongs to a token that was thrown away."""
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    invitation = services.invitation_create(actor=actor_for(coordinator), email="b@example.org")
    assert mail.outbox == []  # the on-commit callback (the mail) has not run
    stored = Invitation.objects.get(pk=invitation.pk).token_hash
    assert len(stored) == 64
    # Nothing that anyone holds opens it: not the hash itself, not an empty token.
    for guess in (stored, ""):
        assert services.invitation_get_by_token(token=guess) is None


@pytest.mark.django_db
def test_send_again_mints_a_new_link_and_the_old_one_stops_working(
        client: Any, organisation: Any, django_capture_on_commit_callbacks: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(actor=actor_for(coordinator), email="c@example.org")
    old_path, old_token = _link_in(mail.outbox[0])
    client.force_login(coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_invitations_url(organisation)}{invitation.pk}/opnieuw/",
                               follow=True)
    assert response.status_code == 200
    assert "De vorige link werkt niet meer" in response.content.decode()
    assert old_token not in response.content.decode()
    assert len(mail.outbox) == 2
    new_path, new_token = _link_in(mail.outbox[1])
    assert new_token != old_token
    assert new_token not in response.content.decode()
    visitor = Client()
    assert visitor.get(old_path).status_code == 404
    assert visitor.get(new_path).status_code == 200


@pytest.mark.django_db
def test_send_again_is_refused_for_used_invitations_and_other_organisations(
        client: Any, organisation: Any, other_organisation: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(actor=actor_for(coordinator), email="d@example.org")
    path, _token = _link_in(mail.outbox[0])
    Client().post(path, {"full_name": "Dirk", "password1": "Welkom-bij-ons-2026",
                         "password2": "Welkom-bij-ons-2026"})
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None

    client.force_login(coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_invitations_url(organisation)}{invitation.pk}/opnieuw/",
                               follow=True)
    assert "Deze uitnodiging is al gebruikt." in response.content.decode()
    assert len(mail.outbox) == 1

    # A coordinator of another organisation cannot resend (or learn of) this invitation.
    stranger = make_member(other_organisation, Role.EMPLOYEE, Role.COORDINATOR)
    other = Client()
    other.force_login(stranger.user)
    url = f"/o/{other_organisation.slug}/beheer/uitnodigingen/{invitation.pk}/opnieuw/"
    assert other.post(url).status_code == 404
    # An employee of the organisation itself is refused too, and GET is not allowed at all.
    employee = make_member(organisation, Role.EMPLOYEE)
    colleague = Client()
    colleague.force_login(employee.user)
    assert colleague.post(f"{_invitations_url(organisation)}{invitation.pk}/opnieuw/").status_code == 403
    assert client.get(f"{_invitations_url(organisation)}{invitation.pk}/opnieuw/").status_code == 405
    assert len(mail.outbox) == 1
