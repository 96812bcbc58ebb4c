"""An organisation that already has a code of conduct uploads it as a PDF beside a short summary
(issue 15). The file is stored privately and handed out only to those who may read the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vangnet.conduct import services
from vangnet.conduct.models import CodeVersion
from vangnet.core import service as core_service

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _stored_files(organisation_id: int) -> set[Path]:
    root = Path(CodeVersion.document.field.storage.location) / "conduct" / str(organisation_id)
    return {path for path in root.rglob("*") if path.is_file()}


def _upload(actor: Any, *, summary: str = "Kort: we gaan respectvol met elkaar om.",
            data: bytes = PDF, **kwargs: Any) -> CodeVersion:
    return services.version_create(
        actor=actor, title="Gedragscode Testdorp", summary=summary, sections={},
        change_note="Onze bestaande code", major_change=True,
        document=SimpleUploadedFile("Gedragscode J. Jansen def.pdf", data,
                                    content_type="application/pdf"), **kwargs)


def test_a_pdf_with_a_summary_is_a_version_members_download_once_published(client: Any,
                                                                           org: Any) -> None:
    coordinator = org.actor(org.coordinator)
    version = _upload(coordinator)
    assert version.sections == dict.fromkeys(version.sections, "")
    # The stored name says nothing about the uploader's file, and it is outside MEDIA_ROOT.
    assert "Jansen" not in version.document.name
    assert not Path(version.document.path).is_relative_to(Path(settings.MEDIA_ROOT))
    slug = org.organisation.slug
    client.force_login(org.employee.user)
    assert client.get(reverse("conduct:document", args=[slug])).status_code == 404  # a draft
    services.version_publish(actor=coordinator, version=version)
    page = client.get(reverse("conduct:code", args=[slug])).content.decode()
    assert "Kort: we gaan respectvol met elkaar om." in page
    assert reverse("conduct:document", args=[slug]) in page
    response = client.get(reverse("conduct:document", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_nobody_else_gets_the_pdf(client: Any, org: Any) -> None:
    version = _upload(org.actor(org.coordinator))
    services.version_publish(actor=org.actor(org.coordinator), version=version)
    slug = org.organisation.slug
    # Not logged in, another organisation's coordinator: nothing; the public page is off.
    assert client.get(reverse("conduct:document", args=[slug])).status_code in (302, 404)
    assert client.get(reverse("conduct:public_document", args=[slug])).status_code == 404
    client.force_login(org.outsider_coordinator.user)
    assert client.get(reverse("conduct:document", args=[slug])).status_code in (403, 404)
    assert client.get(reverse("conduct:version_document", args=[slug, version.pk])).status_code in (
        403, 404)
    # With the public page switched on, anyone may read it.
    services.settings_update(actor=org.actor(org.coordinator), consent_required=False,
                             public_page=True, named_follow_up=False)
    client.logout()
    assert client.get(reverse("conduct:public_document", args=[slug])).status_code == 200


def test_bad_uploads_get_a_clear_message_and_leave_nothing_behind(org: Any) -> None:
    coordinator = org.actor(org.coordinator)
    before = _stored_files(org.organisation.pk)
    with pytest.raises(ValidationError, match="Dit bestand is geen pdf"):
        _upload(coordinator, data=b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError, match="korte samenvatting"):
        _upload(coordinator, summary="  ")
    with pytest.raises(ValidationError, match="10 MB"):
        _upload(coordinator, data=PDF + b"0" * (10 * 1024 * 1024))
    assert not CodeVersion.objects.exists()
    assert _stored_files(org.organisation.pk) == before


def test_a_failure_after_the_file_was_written_removes_it(org: Any, monkeypatch: Any) -> None:
    before = _stored_files(org.organisation.pk)

    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit down")

    # The audit entry is written at the end of the write, after the file was stored.
    monkeypatch.setattr(core_service, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        _upload(org.actor(org.coordinator))
    assert not CodeVersion.objects.exists()
    assert _stored_files(org.organisation.pk) == before


def test_the_form_uploads_and_a_next_version_keeps_the_pdf_as_its_own_copy(client: Any,
                                                                          org: Any) -> None:
    slug = org.organisation.slug
    client.force_login(org.coordinator.user)
    response = client.post(reverse("conduct:version_new", args=[slug]), {
        "title": "Gedragscode", "summary": "Samengevat: respect.", "change_note": "Eerste versie",
        "document": SimpleUploadedFile("code.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    first = CodeVersion.objects.get()
    form = client.get(reverse("conduct:version_new", args=[slug])).context["form"]
    assert "keep_document" in form.fields
    client.post(reverse("conduct:version_new", args=[slug]), {
        "title": "Gedragscode", "summary": "Samengevat: respect.", "change_note": "Kleine wijziging",
        "keep_document": "on"})
    second = CodeVersion.objects.exclude(pk=first.pk).get()
    assert second.document and second.document.name != first.document.name
    assert second.label == "1.1"
    with second.document.open("rb") as handle:
        assert handle.read() == PDF
    # A text file is refused with the message at the top, not a 500.
    response = client.post(reverse("conduct:version_new", args=[slug]), {
        "title": "Gedragscode", "summary": "x", "change_note": "Fout",
        "document": SimpleUploadedFile("code.pdf", b"hello", content_type="application/pdf")})
    assert response.status_code == 200
    assert CodeVersion.objects.count() == 2
