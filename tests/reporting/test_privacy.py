"""The promises of DESIGN §4, tested: nobody with the database, the files or the logs can read a
report; reporting stores no address or user agent; receipt guessing is throttled."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from vangnet.reporting import receipts, selectors, services
from vangnet.reporting.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

MARKERS = {
    "narrative": "MARKERNARRATIVE7731",
    "witness": "MARKERWITNESS4410",
    "email": "markermail9921@example.org",
    "attachment": "MARKERATTACHMENT5502",
    "message": "MARKERMESSAGE3308",
    "reply": "MARKERREPLY6619",
    "identity": "MARKERIDENTITY1187",
    # Issue 12: a call-back request ("talk first").
    "callback_reach": "MARKERREACH0612345678",
    "callback_when": "MARKERWHEN2290",
    "callback_name": "MARKERNAME5518",
    "voice": "MARKERVOICE7734",  # inside a spoken report (WebM)
}
IP = "203.0.113.77"
PROXY_IP = "198.51.100.254"
AGENT = "MarkerAgent/9.9 (UNIQUEUA)"


def database_text() -> tuple[str, bytes]:
    """Every row of every table, as text and as raw bytes (binary columns included)."""
    texts: list[str] = []
    raw: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        raw.append(bytes(value))
                    else:
                        texts.append(str(value))
    blob = b"\n".join(raw)
    if connection.vendor == "sqlite":
        # The raw database image too (the test database lives in memory).
        serialize = getattr(connection.connection, "serialize", None)
        if serialize is not None:
            blob += serialize()
        db_file = settings.DATABASES["default"]["NAME"]
        if isinstance(db_file, str | Path) and Path(db_file).is_file():
            blob += Path(db_file).read_bytes()
    return "\n".join(texts), blob


def storage_bytes() -> bytes:
    """Every stored file: the public media and the private storage of attachments."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.VANGNET_PRIVATE_ROOT)]
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
    assert any(p.is_relative_to(roots[1]) for p in files), "no attachment was stored: nothing checked"
    return b"".join(p.read_bytes() for p in files)


def assert_absent(needles: list[str], text: str, blob: bytes, where: str) -> None:
    for needle in needles:
        assert needle not in text, f"{needle!r} found in {where} (text)"
        assert needle.encode() not in blob, f"{needle!r} found in {where} (bytes)"
        assert needle.encode("utf-16-le") not in blob, f"{needle!r} found in {where} (utf-16)"


def test_nobody_with_database_files_or_logs_can_read_a_report(
    client, organisation, advisor, as_actor, caplog, settings
) -> None:
    # A real task queue in the database, so that queued notices are part of the dump.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    caplog.set_level(logging.DEBUG)
    # Behind the reverse proxy: the client's real address arrives in X-Forwarded-For and is used
    # for the throttles, transiently; neither it nor the proxy's address may be kept anywhere.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    headers = {"REMOTE_ADDR": PROXY_IP, "HTTP_X_FORWARDED_FOR": IP, "HTTP_USER_AGENT": AGENT}
    pdf = io.BytesIO(b"%PDF-1.4\n% " + MARKERS["attachment"].encode() + b"\n%%EOF")
    pdf.name = "verslag.pdf"
    response = client.post(reverse("reporting:report_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "mode": "confidential", "category": "intimidatie",
        "narrative": f"Het begon met {MARKERS['narrative']}.", "witnesses": MARKERS["witness"],
        "identity": MARKERS["identity"], "notify_email": MARKERS["email"], "attachments": pdf,
        "voice": SimpleUploadedFile("spraakbericht.webm", b"\x1a\x45\xdf\xa3" + MARKERS["voice"].encode() * 20,
                                    content_type="audio/webm"),
    }, follow=True, **headers)
    assert response.status_code == 200, response.content.decode()[:3000]
    code = response.context["code"].replace(" ", "")
    report = Report.objects.get()
    services.message_post(report=report, actor=as_actor(advisor), private_key=advisor.private_key, body=MARKERS["message"])
    client.post(reverse("reporting:return", args=[organisation.slug]), {"code": "0000000000000000"},
                **headers)
    client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code}, **headers)
    client.post(reverse("reporting:reporter_report", args=[organisation.slug]),
                {"body": MARKERS["reply"]}, **headers)
    client.get(reverse("reporting:reporter_report", args=[organisation.slug]), **headers)
    # Issue 12: the guide (posted answers) and a call-back request, from the same client.
    client.post(reverse("reporting:guide", args=[organisation.slug]), {
        "category": "intimidatie", "manager_involved": "no", "advice_involved": "no", "danger": "no",
        "want": "advice", "speak_up": "no"}, **headers)
    sent = client.post(reverse("reporting:callback_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "category": "intimidatie", "how_to_reach": MARKERS["callback_reach"],
        "when": MARKERS["callback_when"], "name": MARKERS["callback_name"]}, **headers)
    assert sent.status_code == 303, sent.content.decode()[:2000]
    callbacks = selectors.callbacks_for(actor=as_actor(advisor), private_key=advisor.private_key)
    assert [(c.how_to_reach, c.when, c.name) for c in callbacks] == [
        (MARKERS["callback_reach"], MARKERS["callback_when"], MARKERS["callback_name"])]

    # Sanity: the recipient can read every marker.
    me = as_actor(advisor)
    contents = selectors.report_contents_for(actor=me, report=report, private_key=advisor.private_key)
    assert MARKERS["narrative"] in contents["narrative"] and contents["witnesses"] == MARKERS["witness"]
    bodies = [m.body for m in selectors.report_messages_for(actor=me, report=report,
                                                            private_key=advisor.private_key)]
    assert bodies == [MARKERS["message"], MARKERS["reply"]]
    datas = [selectors.attachment_data_for(actor=me, report=report, pk=a.pk,
                                           private_key=advisor.private_key)[1]
             for a in report.attachments.all()]
    assert len(datas) == 2
    assert any(MARKERS["attachment"].encode() in d for d in datas)
    assert any(MARKERS["voice"].encode() in d for d in datas)

    text, blob = database_text()
    assert "notify_reporter" in text  # the queued notice is in the dump, without the address
    assert "callback_requested" in text  # and the advisor's call-back notice, without content
    assert_absent(list(MARKERS.values()), text, blob, "the database")
    assert_absent(list(MARKERS.values()), "", storage_bytes(), "the file storage")
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert_absent([*list(MARKERS.values()), IP, PROXY_IP, AGENT], logs, b"", "the logs")
    # No address, no user agent, no session anywhere.
    assert_absent([IP, PROXY_IP, AGENT], text, blob, "the database")
    assert not Session.objects.exists()
    cache_keys = " ".join(str(k) for k in getattr(cache, "_cache", {}))
    assert cache_keys and IP not in cache_keys and PROXY_IP not in cache_keys


def test_throttle_per_source_and_global(organisation, advisor, submit, settings) -> None:
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 3
    settings.VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR = 5
    for _ in range(3):
        assert receipts.receipt_attempt_start("10.0.0.1")  # reserved as failed until proven right
    assert not receipts.receipt_attempt_start("10.0.0.1")  # this source is done for the hour
    assert receipts.receipt_attempt_start("10.0.0.2")  # others are not (one office, one NAT)
    assert receipts.receipt_attempt_start("10.0.0.3")  # the fifth failure: the global budget
    assert not receipts.receipt_attempt_start("10.0.0.4")  # is spent
    # A right code gives its place back: the source and the global budget are free again.
    receipts.receipt_attempt_succeeded("10.0.0.3")
    assert receipts.receipt_attempt_start("10.0.0.4")
    # The IP never appears in a cache key.
    assert all("10.0.0" not in str(k) for k in getattr(cache, "_cache", {}))


def test_throttle_on_the_web_form(client, organisation, advisor, submit, settings) -> None:
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 2
    _report, code = submit()
    url = reverse("reporting:return", args=[organisation.slug])
    for _ in range(2):
        assert client.post(url, {"code": "1111222233334444"}).status_code == 200
    blocked = client.post(url, {"code": code})
    assert blocked.status_code == 429  # even the right code waits: guesses must not be tested
    other = client.post(url, {"code": code}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302


def test_throttle_arithmetic_exceeds_a_century() -> None:
    """ADR 0032: at the global budget (the highest rate anyone can reach), with a million valid
    codes, the expected time to hit any one exceeds 100 years."""
    rate = receipts.global_budget() / 3600
    years = receipts.expected_years_to_guess(valid_codes=1_000_000, attempts_per_second=rate)
    assert years > 100
    assert round(years) == 317


def test_submissions_per_source_are_limited(client, organisation, advisor, settings) -> None:
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 2
    url = reverse("reporting:report_new", args=[organisation.slug])
    data = {"recipient": "", "mode": "anonymous", "category": "pesten", "narrative": "x"}
    for _ in range(2):
        assert "code" in client.post(url, data, follow=True).context
    blocked = client.post(url, data)
    assert "code" not in blocked.context and blocked.context["form"].non_field_errors()
    assert Report.objects.count() == 2
    assert client.post(url, data, REMOTE_ADDR="198.51.100.9", follow=True).context.get("code")
