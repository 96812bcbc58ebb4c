"""Issue #10: password-reset links sat in clear in the task table. The attack: ask a reset for a
victim, then read the task table (raw SQL, as the database administrator or the admin's "Task
results" page would) and use the link found there. Now the queue holds the user id only; the
worker mints the link, and the link still works."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from support.people import make_member
from support.tasktable import DB_TASKS, database_text, run_worker, task_rows, task_table_text
from vangnet.organisations.roles import Role

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/(?P<key>[^\s/]+)/")


def _is_logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_reset_link_is_nowhere_in_the_database_and_still_works(client: Any, organisation: Any) -> None:
    make_member(organisation, Role.EMPLOYEE, email="vergeten@example.org")
    response = client.post("/accounts/password/reset/", {"email": "vergeten@example.org"})
    assert response.status_code == 302

    # Queued, not sent: the row holds a mail kind and the user id, not even the address.
    queued = task_table_text()
    rows = task_rows()
    assert [row["task_path"] for row in rows] == ["vangnet.core.tasks.send_mail_kind"]
    assert rows[0]["args_kwargs"]["kwargs"]["kind"] == "account/email/password_reset_key"
    assert set(rows[0]["args_kwargs"]["kwargs"]["ids"]) == {"user_id"}
    assert "vergeten@example.org" not in queued
    assert mail.outbox == []

    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vergeten@example.org"]
    found = RESET_LINK.search(message.body)
    assert found, message.body
    link, key = found.group(0), found.group("key")
    # The link comes from SITE_URL, never from the request's Host header.
    assert link.startswith(settings.SITE_URL + "/")

    after = task_table_text()
    everything = database_text()
    for secret in (link, key, key.split("-", 1)[1]):
        assert secret not in queued
        assert secret not in after
        assert secret not in everything
    assert message.subject not in after  # rendered in the worker, never stored

    # The minted link works: it opens the set-password form, and the new password logs in.
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": "Nieuw-wachtwoord-2026",
                                       "password2": "Nieuw-wachtwoord-2026"})
    assert response.status_code == 302
    client.logout()
    client.post("/accounts/login/", {"login": "vergeten@example.org",
                                     "password": "Nieuw-wachtwoord-2026"})
    assert _is_logged_in(client)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_reset_of_an_inactive_account_sends_nothing(client: Any, organisation: Any) -> None:
    """The worker mints a key only for an account that is still active when it runs."""
    member = make_member(organisation, Role.EMPLOYEE, email="vertrokken@example.org")
    client.post("/accounts/password/reset/", {"email": "vertrokken@example.org"})
    assert len(task_rows()) == 1
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    run_worker()
    assert mail.outbox == []
    assert [row["return_value"] for row in task_rows()] == [0]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_unknown_address_answer_is_sealed_in_the_queue(client: Any) -> None:
    """allauth's "no account with this address" mail cannot be rebuilt from an id: it travels
    encrypted, so the typed address and the text are not readable in the task table."""
    response = client.post("/accounts/password/reset/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    rows = task_rows()
    assert [row["task_path"] for row in rows] == ["vangnet.core.tasks.send_sealed_email"]
    queued = task_table_text()
    assert "niemand@example.org" not in queued
    assert "niemand" not in queued

    run_worker()
    assert [m.to for m in mail.outbox] == [["niemand@example.org"]]
    assert "niemand@example.org" in mail.outbox[0].body
    assert mail.outbox[0].subject not in task_table_text()
    assert "niemand@example.org" not in task_table_text()
