"""Files through the reporting API: base64 in JSON, cleaned by the service, read back decrypted.

Real database and storage, no mocks. Service messages come back in Dutch (the API's language
unless the language cookie says otherwise); the API's own messages are English.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from vangnet.reporting import api, selectors
from vangnet.reporting.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from vangnet.reporting.models import Attachment, Report
from vangnet.reporting.services import UploadedAttachment

pytestmark = pytest.mark.django_db

API = "/api/v1"
GPS = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif.get_ifd(GPS).update({1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 54.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)  # the test photo does carry a location
    return data


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 120, 200, 128)).save(out, format="PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def file_in(data: bytes, name: str = "foto.jpg") -> dict[str, str]:
    return {"name": name, "content_base64": b64(data)}


def post_report(client, organisation, advisor, attachments, **extra):
    body = {"category": "pesten", "mode": "anonymous", "narrative": "Met bijlage.",
            "recipient_id": advisor.pk, "attachments": attachments, **extra}
    return client.post(f"{API}/organisations/{organisation.slug}/reports", json.dumps(body),
                       content_type="application/json")


def post_message(client, code, body="", attachments=()):
    return client.post(f"{API}/reports/current/messages",
                       json.dumps({"body": body, "attachments": list(attachments)}),
                       content_type="application/json", HTTP_X_RECEIPT=code)


def nl(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def test_photo_through_the_api_loses_its_exif(client, organisation, advisor, as_actor) -> None:
    photo = jpeg_with_gps()
    response = post_report(client, organisation, advisor, [file_in(photo)])
    assert response.status_code == 201, response.content
    code = response.json()["receipt_code"]
    # The recipient reads the file through the selectors: no EXIF, no GPS.
    actor = as_actor(advisor)
    report = selectors.reports_for_actor(actor=actor).get()
    [view] = selectors.report_attachments_for(actor=actor, report=report, private_key=advisor.private_key)
    assert view.content_type == "image/jpeg" and view.metadata_removed and view.name == "foto.jpg"
    _view, data = selectors.attachment_data_for(actor=actor, report=report, pk=view.attachment.pk,
                                                private_key=advisor.private_key)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.size == (40, 30)
    assert not stored.getexif() and not stored.getexif().get_ifd(GPS) and "exif" not in stored.info
    # On disk only ciphertext under a random name.
    on_disk = (Path(django_settings.VANGNET_PRIVATE_ROOT) / view.attachment.file.name).read_bytes()
    assert b"CameraMaker" not in on_disk and b"JFIF" not in on_disk and "foto" not in view.attachment.file.name

    # The reporter lists the file and downloads it.
    current = client.get(f"{API}/reports/current", HTTP_X_RECEIPT=code)
    assert current.status_code == 200
    [listed] = current.json()["attachments"]
    assert listed["id"] == view.attachment.pk and listed["name"] == "foto.jpg"
    assert listed["content_type"] == "image/jpeg" and listed["metadata_removed"] is True
    assert listed["size"] == len(data) and listed["created_at"]
    download = client.get(f"{API}/reports/current/attachments/{listed['id']}", HTTP_X_RECEIPT=code)
    assert download.status_code == 200
    assert download.content == data
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == 'attachment; filename="foto.jpg"'
    assert download["Cache-Control"] == "no-store"


def test_reply_with_a_png_and_no_text(client, organisation, advisor, submit, as_actor) -> None:
    report, code = submit(recipient=advisor)
    reply = post_message(client, code, body="", attachments=[file_in(png(), "scherm.png")])
    assert reply.status_code == 201, reply.content
    # Neither text nor a file: the service's rule, as a field message.
    empty = post_message(client, code, body="   ")
    assert empty.status_code == 422
    assert empty.json()["fields"] == {"body": [nl("Write a message or add a file.")]}

    current = client.get(f"{API}/reports/current", HTTP_X_RECEIPT=code).json()
    assert current["attachments"] == []
    message = next(m for m in current["messages"] if m["id"] == reply.json()["id"])
    [listed] = message["attachments"]
    assert listed["content_type"] == "image/png" and listed["name"] == "scherm.png"
    download = client.get(f"{API}/reports/current/attachments/{listed['id']}", HTTP_X_RECEIPT=code)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(download.content)).mode == "RGBA"
    # A name outside ASCII is sent the RFC 6266 way.
    accented = post_message(client, code, attachments=[file_in(png(), "één.png")])
    accented_id = Attachment.objects.get(message_id=accented.json()["id"]).pk
    header = client.get(f"{API}/reports/current/attachments/{accented_id}",
                        HTTP_X_RECEIPT=code)["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''%C3%A9%C3%A9n.png"
    # The recipient sees it with the message.
    messages = selectors.report_messages_for(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    assert [a.name for a in messages[-2].attachments] == ["scherm.png"]


def test_wrong_files_are_refused_per_field(client, organisation, advisor) -> None:
    photo = file_in(jpeg_with_gps())

    too_many = post_report(client, organisation, advisor, [photo] * (MAX_ATTACHMENTS + 1))
    assert too_many.status_code == 422 and list(too_many.json()["fields"]) == ["attachments"]

    not_base64 = post_report(client, organisation, advisor,
                             [photo, {"name": "b.jpg", "content_base64": "not base64!"}])
    assert not_base64.status_code == 422
    assert not_base64.json()["fields"] == {"attachments": ["File 2 is not valid base64."]}
    for bad in ("QUJD\nREVG", "QUJDRA", "QUJDRA==QQ==", "Zm9vYmFy€", "===="):
        response = post_report(client, organisation, advisor, [{"name": "x", "content_base64": bad}])
        assert response.json()["fields"] == {"attachments": ["File 1 is not valid base64."]}, bad

    # One byte over 5 MB once decoded (the base64 is still within the schema's bound).
    over = post_report(client, organisation, advisor,
                       [file_in(b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES - 4), "groot.pdf")])
    assert over.status_code == 422
    assert over.json()["fields"] == {"attachments": ["File 1 is larger than 5 MB."]}
    # Longer base64 than any 5 MB file has: refused by the schema before anything is decoded.
    # (This body, ~7 MB, is above the site-wide DATA_UPLOAD_MAX_MEMORY_SIZE: the route's own
    # limit applies, so it is a 422 and not Django's HTML 400.)
    too_long = post_report(client, organisation, advisor,
                           [{"name": "groot.pdf", "content_base64": "A" * (api.MAX_BASE64_CHARS + 4)}])
    assert too_long.status_code == 422
    assert list(too_long.json()["fields"]) == ["attachments.0.content_base64"]
    long_name = post_report(client, organisation, advisor, [{**photo, "name": "x" * 201}])
    assert long_name.status_code == 422 and list(long_name.json()["fields"]) == ["attachments.0.name"]

    # A Windows program named .jpg: the service decides by content.
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 10
    disguised = post_report(client, organisation, advisor, [file_in(exe, "vakantie.jpg")])
    assert disguised.status_code == 422
    # The service names the file the problem is about, under the field's key.
    assert disguised.json()["fields"] == {"attachments": [
        "Bestand 1 (vakantie.jpg): " + nl("Only JPEG, PNG and PDF files can be added.")]}
    # A good photo next to a bad file: refused before anything is stored, not even the photo.
    from vangnet.core.storage import private_storage

    storage = private_storage()
    stored_before = storage.listdir("reporting/files")[1] if storage.exists("reporting/files") else []
    mixed = post_report(client, organisation, advisor, [photo, file_in(exe, "tweede.jpg")])
    assert mixed.status_code == 422
    assert list(mixed.json()["fields"]["attachments"][0].split(":")[:1]) == ["Bestand 2 (tweede.jpg)"]
    stored_after = storage.listdir("reporting/files")[1] if storage.exists("reporting/files") else []
    assert stored_after == stored_before
    # A reply is checked the same way.
    _report_code = post_report(client, organisation, advisor, []).json()["receipt_code"]
    reply = post_message(client, _report_code, body="Hier", attachments=[file_in(exe, "a.png")])
    assert reply.status_code == 422
    bad_reply = post_message(client, _report_code, attachments=[{"name": "a", "content_base64": "@@"}])
    assert bad_reply.json()["fields"] == {"attachments": ["File 1 is not valid base64."]}

    # Nothing of the refused submissions was stored (the service's transaction rolled back).
    assert Report.objects.count() == 1 and Attachment.objects.count() == 0


def test_another_reports_attachment_is_not_found(client, organisation, advisor, submit) -> None:
    _mine, my_code = submit(recipient=advisor, attachments=[UploadedAttachment("a.png", png())])
    other, other_code = submit(recipient=advisor, attachments=[UploadedAttachment("b.png", png())])
    mine_id = Attachment.objects.exclude(report=other).get().pk
    theirs_id = Attachment.objects.get(report=other).pk

    def get(pk, code=my_code):
        return client.get(f"{API}/reports/current/attachments/{pk}", HTTP_X_RECEIPT=code)

    assert get(mine_id).status_code == 200
    assert get(theirs_id).status_code == 404
    assert get(theirs_id, other_code).status_code == 200
    for pk in (0, -1, theirs_id + 1000, 2**53 + 1, 10**30):
        assert get(pk).status_code == 404, pk
    assert client.get(f"{API}/reports/current/attachments/{mine_id}").status_code == 401
    assert get(mine_id, "1234123412341234").status_code == 401


def test_five_files_of_five_mb_fit(client, organisation, advisor, as_actor) -> None:
    """The web form's limit (5 x 5 MB) holds for the API too, although that body (~34 MB) is far
    above the site-wide DATA_UPLOAD_MAX_MEMORY_SIZE."""
    pdf = b"%PDF-1.7\n" + b"0" * (MAX_ATTACHMENT_BYTES - 9)
    files = [file_in(pdf, f"stuk {n}.pdf") for n in range(1, MAX_ATTACHMENTS + 1)]
    body = json.dumps({"category": "pesten", "mode": "anonymous", "narrative": "Vijf stukken.",
                       "recipient_id": advisor.pk, "attachments": files})
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE < len(body) <= api.MAX_BODY_BYTES
    response = client.post(f"{API}/organisations/{organisation.slug}/reports", body,
                           content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    report = Report.objects.get()
    views = selectors.report_attachments_for(actor=as_actor(advisor), report=report,
                                             private_key=advisor.private_key)
    assert [v.name for v in views] == [f"stuk {n}.pdf" for n in range(1, 6)]
    assert all(v.content_type == "application/pdf" and not v.metadata_removed for v in views)
    assert all(v.attachment.size == MAX_ATTACHMENT_BYTES for v in views)


def test_oversized_body_is_a_clear_413(client, organisation, advisor, submit, settings) -> None:
    too_big = json.dumps({"category": "pesten", "mode": "anonymous", "narrative": "x",
                          "padding": " " * api.MAX_BODY_BYTES})
    response = client.post(f"{API}/organisations/{organisation.slug}/reports", too_big,
                           content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "at most 36001116 bytes" in response.json()["detail"]
    _report, code = submit(recipient=advisor)
    reply = client.post(f"{API}/reports/current/messages", too_big, content_type="application/json",
                        HTTP_X_RECEIPT=code)
    assert reply.status_code == 413
    # Without a valid receipt the body is not even looked at.
    anonymous = client.post(f"{API}/reports/current/messages", too_big,
                            content_type="application/json", HTTP_X_RECEIPT="1234123412341234")
    assert anonymous.status_code == 401
    # Not JSON at all: 400 like ninja's own parser; an empty body: the fields are missing.
    garbage = client.post(f"{API}/organisations/{organisation.slug}/reports", b"{not json",
                          content_type="application/json")
    assert garbage.status_code == 400 and garbage.json()["detail"] == "Cannot parse request body"
    empty = client.post(f"{API}/organisations/{organisation.slug}/reports", b"",
                        content_type="application/json")
    assert empty.status_code == 422 and {"category", "mode", "narrative"} <= set(empty.json()["fields"])
    assert Report.objects.count() == 1
    # A throttled sender is refused before the body is looked at.
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 0
    throttled = client.post(f"{API}/organisations/{organisation.slug}/reports", too_big,
                            content_type="application/json")
    assert throttled.status_code == 429


def test_other_routes_answer_a_too_large_body_with_json(client, organisation, advisor, submit,
                                                        settings) -> None:
    """Routes that take no files keep the site-wide limit, and say so in JSON, not an HTML page."""
    _report, code = submit(recipient=advisor)
    body = json.dumps({"answer": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post(f"{API}/reports/current/questions/1/answer", body,
                           content_type="application/json", HTTP_X_RECEIPT=code)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
