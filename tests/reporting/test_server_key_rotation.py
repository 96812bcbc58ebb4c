"""Finding 9: rotating SECRET_KEY, or the server key itself, must not cut reporters off or empty
the conflict-of-interest exclusions (ADR 0030, `vangnet rekey`).

Each test makes a report that names an HR officer as involved and leaves an address for notices,
then rotates a key the way an operator would, and checks that everything the server holds for
that report still works: the receipt code opens it, the HR officer stays excluded, the notice
reaches the reporter, the reporter's cookie still opens it, and the audit log verifies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import RequestFactory

from support.people import make_member
from vangnet.cases import integration
from vangnet.core import crypto
from vangnet.core.audit import audit_verify
from vangnet.core.models import AuditEntry
from vangnet.organisations.models import Membership
from vangnet.organisations.roles import Role
from vangnet.reporting import conflicts, reporter_cookie, services, tasks
from vangnet.reporting.models import Report

pytestmark = pytest.mark.django_db

SECOND_KEY = "second-server-key-for-tests-0123456789-abcdefghijklmnopqrstuvwxyz"
THIRD_KEY = "third-server-key-for-tests-9876543210-ZYXWVUTSRQPONMLKJIHGFEDCBA"
ADDRESS = "melder.prive@example.org"


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


@dataclass
class Made:
    report_id: int
    code: str
    hr_id: int
    cookie: str
    slug: str


@pytest.fixture
def made(organisation: Any, advisor: Any, submit: Any) -> Made:
    hr = make_member(organisation, Role.HR, name="Hanna HR", email="hanna.hr@example.org")
    report, code = submit(recipient=advisor, involved=[hr], notify_email=ADDRESS)
    access = services.reporter_open(code=code)
    assert access is not None
    response = HttpResponse()
    reporter_cookie.reporter_cookie_set(RequestFactory().get("/"), response, access)
    return Made(report.pk, code, hr.pk, response.cookies[reporter_cookie.COOKIE].value,
                organisation.slug)


def _problems(made: Made, mailoutbox: list[Any], *, with_cookie: bool = True) -> list[str]:
    """Everything the server holds for the report, checked; the names of what failed."""
    failed = []
    access = services.reporter_open(code=made.code)
    if access is None or access.report.pk != made.report_id:
        failed.append("receipt")
    report = Report.objects.get(pk=made.report_id)
    if made.hr_id not in conflicts.excluded_membership_ids(report):
        failed.append("exclusion")
    if not integration.is_involved(report, made.hr_id):
        failed.append("involved-in-lists")
    mailoutbox.clear()
    if tasks.notify_reporter.call(report_id=made.report_id) != 1 or mailoutbox[0].to != [ADDRESS]:
        failed.append("notice")
    if with_cookie:
        request = RequestFactory().get("/")
        request.COOKIES[reporter_cookie.COOKIE] = made.cookie
        cookie_access = reporter_cookie.reporter_access_from_cookie(request, made.slug)
        if cookie_access is None or cookie_access.report.pk != made.report_id:
            failed.append("cookie")
    if audit_verify():
        failed.append("audit")
    return failed


def test_rotating_secret_key_changes_nothing_for_reporters(settings, made, mailoutbox) -> None:
    assert _problems(made, mailoutbox) == []
    settings.SECRET_KEY = "a-rotated-django-secret-key-" + "q" * 50
    assert _problems(made, mailoutbox) == []


def test_server_key_never_comes_from_secret_key(settings) -> None:
    before = crypto.server_key("notify")
    settings.SECRET_KEY = "yet-another-django-secret-key-" + "z" * 50
    assert crypto.server_key("notify") == before
    settings.VANGNET_SERVER_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.server_key("notify")


def test_rotating_the_server_key_with_the_old_one_as_previous_keeps_everything(
    settings, made, mailoutbox
) -> None:
    old = settings.VANGNET_SERVER_KEY
    settings.VANGNET_SERVER_KEY = SECOND_KEY
    settings.VANGNET_SERVER_KEYS_PREVIOUS = [old]
    assert _problems(made, mailoutbox) == []
    # The control: without the previous key the same data does not open (the test can fail).
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    with pytest.raises(ImproperlyConfigured):
        services.reporter_open(code=made.code)


def test_after_rekey_the_previous_key_can_be_dropped(settings, made, mailoutbox, advisor,
                                                     submit) -> None:
    old = settings.VANGNET_SERVER_KEY
    settings.VANGNET_SERVER_KEY = SECOND_KEY
    settings.VANGNET_SERVER_KEYS_PREVIOUS = [old]
    report = Report.objects.get(pk=made.report_id)
    tags_before, notify_before = list(report.involved_tags), bytes(report.notify_ciphertext)
    # A dry run counts and changes nothing.
    call_command("rekey", "--dry-run")
    report.refresh_from_db()
    assert report.involved_tags == tags_before and bytes(report.notify_ciphertext) == notify_before
    assert not AuditEntry.objects.filter(action="core.rekey").exists()
    call_command("rekey")
    report.refresh_from_db()
    assert report.involved_tags != tags_before and bytes(report.notify_ciphertext) != notify_before
    entry = AuditEntry.objects.get(action="core.rekey")
    steps = entry.data["steps"]
    assert steps["reporting.notify_addresses"] == {"checked": 1, "rekeyed": 1, "unreadable": 0}
    assert steps["reporting.involvement_tags"] == {"checked": 1, "rekeyed": 1, "unreadable": 0}
    assert steps["core.held_secrets"]["rekeyed"] == 2  # the receipt pepper and salt, re-wrapped
    # Idempotent: a second run finds nothing left to move.
    call_command("rekey")
    second = AuditEntry.objects.filter(action="core.rekey").order_by("-id").first()
    assert second is not None
    assert all(step["rekeyed"] == 0 for name, step in second.data["steps"].items()
               if name != "core.legacy_keys_retired")
    # The old key goes; everything still opens (the 30-minute cookie of before excepted: it is
    # not stored anywhere to re-key, and a fresh one works).
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    assert _problems(made, mailoutbox, with_cookie=False) == []
    access = services.reporter_open(code=made.code)
    assert access is not None
    response = HttpResponse()
    reporter_cookie.reporter_cookie_set(RequestFactory().get("/"), response, access)
    made.cookie = response.cookies[reporter_cookie.COOKIE].value
    assert _problems(made, mailoutbox) == []
    # A second rotation works the same way.
    settings.VANGNET_SERVER_KEY, settings.VANGNET_SERVER_KEYS_PREVIOUS = THIRD_KEY, [SECOND_KEY]
    call_command("rekey")
    settings.VANGNET_SERVER_KEYS_PREVIOUS = []
    assert _problems(made, mailoutbox, with_cookie=False) == []
    # Reports made after the rotation use the current key only.
    hr = make_member(advisor.organisation, Role.HR, email="henk.hr@example.org")
    later, _code = submit(recipient=advisor, involved=[hr], notify_email=ADDRESS)
    assert crypto.server_decrypt("notify", bytes(later.notify_ciphertext)) == (ADDRESS.encode(), True)
    assert later.involved_tags == conflicts.involvement_tags(receipt_hash=later.receipt_hash,
                                                             memberships=[hr])


def test_rekey_refuses_to_retire_keys_while_data_is_unreadable(settings, made) -> None:
    old = settings.VANGNET_SERVER_KEY
    settings.VANGNET_SERVER_KEY = SECOND_KEY
    settings.VANGNET_SERVER_KEYS_PREVIOUS = [old]
    # Someone wrote a notice address under a key nobody configured.
    Report.objects.filter(pk=made.report_id).update(
        notify_ciphertext=crypto.secret_encrypt(crypto.new_key(), b"x@example.org"))
    with pytest.raises(CommandError, match="could not be read"):
        call_command("rekey")
    entry = AuditEntry.objects.get(action="core.rekey")
    assert entry.data["steps"]["reporting.notify_addresses"]["unreadable"] == 1


def test_involved_person_is_still_excluded_from_routing_after_a_rotation(
    settings, made, organisation, advisor, as_actor
) -> None:
    """The attack of finding 9: after the rotation the HR officer named in the report was no
    longer excluded. Adding them as recipient must still be refused."""
    from django.core.exceptions import ValidationError

    old = settings.VANGNET_SERVER_KEY
    settings.SECRET_KEY = "rotated-" + "k" * 60
    settings.VANGNET_SERVER_KEY = SECOND_KEY
    settings.VANGNET_SERVER_KEYS_PREVIOUS = [old]
    report = Report.objects.get(pk=made.report_id)
    hr = Membership.objects.get(pk=made.hr_id)
    with pytest.raises(ValidationError):
        services.report_add_recipient(actor=as_actor(advisor), report=report, membership=hr,
                                      private_key=advisor.private_key)
