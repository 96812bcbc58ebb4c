"""Issue #10 / ADR 0051: the notices about a report travel through the task queue as a mail
kind, the report id and user ids. The attack: after a report and a reply, read the task table
(raw SQL) and look for the report's words, the recipients' and the reporter's addresses; then
read the mails themselves for the report's words. Nothing may be found."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from support.tasktable import DB_TASKS, run_worker, task_rows, task_table_text
from vangnet.reporting import services

NARRATIVE = "Mijn teamleider Karel roept elke ochtend dat ik waardeloos ben."
REPLY = "Het gebeurde weer, nu in de kantine."


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_report_notices_carry_ids_only_and_say_nothing_about_content(
        advisor: Any, submit: Any, as_actor: Any) -> None:
    advisor.user.preferred_language = "en"
    advisor.user.save(update_fields=["preferred_language"])
    # The advisor's own role notice was sent while the fixtures ran (before the database queue).
    mail.outbox.clear()
    report, code = submit(parts={"narrative": NARRATIVE}, notify_email="melder@example.org")
    access = services.reporter_open(code=code)
    assert access is not None
    services.reporter_reply(access=access, body=REPLY)
    services.message_post(report=report, actor=as_actor(advisor), body="Dank je, ik bel je.",
                          private_key=advisor.private_key)

    queued = task_table_text()
    kinds = sorted((row["task_path"], row["args_kwargs"]["kwargs"].get("kind", ""))
                   for row in task_rows())
    assert kinds == [
        ("vangnet.core.tasks.send_mail_kind", "reporting/email/new_report"),
        ("vangnet.core.tasks.send_mail_kind", "reporting/email/reporter_replied"),
        ("vangnet.reporting.tasks.notify_reporter", ""),
    ]
    for row in task_rows():
        kwargs = row["args_kwargs"]["kwargs"]
        ids = kwargs.get("ids", kwargs)
        assert set(ids) == {"report_id"} and ids["report_id"] == report.pk
    for clear in ("Karel", "waardeloos", "kantine", "Dank je", advisor.user.email,
                  "melder@example.org", code):
        assert clear not in queued

    run_worker()
    to_advisor = [m for m in mail.outbox if m.to == [advisor.user.email]]
    to_reporter = [m for m in mail.outbox if m.to == ["melder@example.org"]]
    assert len(to_advisor) == 2 and len(to_reporter) == 1
    # Each recipient in their own language, rendered by the worker.
    assert {m.subject for m in to_advisor} == {"A new report is waiting for you",
                                               "New reply in a report"}
    for message in mail.outbox:
        for clear in ("Karel", "waardeloos", "kantine", "Dank je", code):
            assert clear not in message.subject and clear not in message.body
    after = task_table_text()
    for clear in (advisor.user.email, "melder@example.org", "A new report"):
        assert clear not in after
