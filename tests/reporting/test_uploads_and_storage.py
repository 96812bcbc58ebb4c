"""Issue #10, finding 7 (decompression bombs) and the low finding "encrypted attachments stored
under the publicly served /media/", attacked.

- The tester's file: a PNG of 8900 x 8900 (79 Mpixel, ~230 KB) that passed the pixel limit and
  cost ~1 GB and 3.4 s to re-encode. It must be refused from its header, on the web form and in
  the API, with a Dutch message, without decoding (proved by the memory the process uses).
- An attachment's file must not be under MEDIA_ROOT, and GET /media/<its name> must be 404 even
  where the web server serves MEDIA_ROOT; the access-checking views still serve it.
"""

from __future__ import annotations

import base64
import importlib
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import path, reverse
from django.views.static import serve

from vangnet.core.storage import private_storage
from vangnet.reporting import selectors
from vangnet.reporting.attachments import MAX_IMAGE_PIXELS, clean_attachment
from vangnet.reporting.models import Attachment, Report

pytestmark = pytest.mark.django_db

API = "/api/v1"
TOO_MANY_PIXELS_NL = "Deze afbeelding heeft te veel pixels"


def png(width: int, height: int, channels: int = 3) -> bytes:
    """A valid PNG of one colour, written row by row so that making it costs little memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * channels)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    data = png(8900, 8900)
    assert len(data) < 400_000  # small on the wire, 79 Mpixel once decoded
    return data


def test_the_bomb_is_refused_from_its_header_without_decoding(tmp_path: Path, png_bomb: bytes) -> None:
    """In a fresh process, so that its peak memory tells whether the pixels were decoded:
    the old code reached ~970 MiB for this file; decoding it at all needs > 300 MiB."""
    bomb_file = tmp_path / "bomb.png"
    bomb_file.write_bytes(png_bomb)
    script = (
        "import resource, django; django.setup()\n"
        "from django.core.exceptions import ValidationError\n"
        "from vangnet.reporting.attachments import clean_attachment\n"
        f"data = open({str(bomb_file)!r}, 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    clean_attachment(name='bom.png', data=data)\n"
        "    print('ACCEPTED')\n"
        "except ValidationError as error:\n"
        "    print('REFUSED', error.messages[0])\n"
        "print('GREW_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=False, env={**__import__("os").environ,
                                              "DJANGO_SETTINGS_MODULE": "vangnet.settings.test"})
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert "REFUSED" in lines, result.stdout
    assert lines["REFUSED"].startswith(TOO_MANY_PIXELS_NL)
    assert int(lines["GREW_KIB"]) < 64 * 1024, "the refused image was decoded after all"


def test_the_budget_boundary(png_bomb: bytes) -> None:
    from django.core.exceptions import ValidationError

    just_over = png(40_001, 1000)  # 40 001 000 pixels: one row of pixels too many, in a thin strip
    with pytest.raises(ValidationError, match="te veel pixels"):
        clean_attachment(name="strip.png", data=just_over)
    assert 40_001 * 1000 > MAX_IMAGE_PIXELS >= 8000 * 5000


def test_a_phone_photo_at_the_budget_is_accepted() -> None:
    """8000 x 5000 = exactly 40 Mpixel (a 40 Mpixel phone sensor gives 7296 x 5472)."""
    cleaned = clean_attachment(name="foto.png", data=png(8000, 5000, channels=1))
    assert cleaned.content_type == "image/png" and cleaned.metadata_removed


def test_the_bomb_is_refused_on_the_web_form_in_dutch(client, organisation, advisor, png_bomb) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("reporting:report_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "mode": "anonymous", "category": "pesten",
        "narrative": "Zie de foto.", "attachments": SimpleUploadedFile("foto.png", png_bomb, "image/png"),
    })
    assert response.status_code == 200
    assert TOO_MANY_PIXELS_NL in response.content.decode()
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_the_bomb_is_refused_by_the_api_in_dutch(client, organisation, advisor, submit, png_bomb) -> None:
    encoded = base64.b64encode(png_bomb).decode()
    response = client.post(f"{API}/organisations/{organisation.slug}/reports", {
        "category": "pesten", "mode": "anonymous", "narrative": "Zie de foto.",
        "attachments": [{"name": "foto.png", "content_base64": encoded}],
    }, content_type="application/json")
    assert response.status_code == 422
    [problem] = response.json()["fields"]["attachments"]
    assert problem.startswith("Bestand 1 (foto.png): " + TOO_MANY_PIXELS_NL)
    _report, code = submit(recipient=advisor)
    reply = client.post(f"{API}/reports/current/messages", {
        "attachments": [{"name": "foto.png", "content_base64": encoded}],
    }, content_type="application/json", HTTP_X_RECEIPT=code)
    assert reply.status_code == 422 and TOO_MANY_PIXELS_NL in reply.json()["fields"]["attachments"][0]
    assert not Attachment.objects.exists()


# --- Attachments outside the web root -------------------------------------------------------

# The web server serves MEDIA_ROOT under /media/ (the proxy in production, Django in the demo).
urlpatterns = [
    path("media/<path:path>", serve, {"document_root": django_settings.MEDIA_ROOT}),
    *importlib.import_module("vangnet.urls").urlpatterns,
]


def _submit_with_pdf(client: Any, organisation: Any, advisor: Any) -> tuple[Attachment, str]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4\n% geheim verslag\n%%EOF", "application/pdf")
    response = client.post(reverse("reporting:report_new", args=[organisation.slug]), {
        "recipient": str(advisor.pk), "mode": "anonymous", "category": "pesten",
        "narrative": "Zie bijlage.", "attachments": pdf,
    }, follow=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    return Attachment.objects.get(), response.context["code"].replace(" ", "")


def test_attachments_are_not_under_media_and_not_served_there(client, organisation, advisor, settings,
                                                               as_actor) -> None:
    settings.ROOT_URLCONF = __name__
    attachment, code = _submit_with_pdf(client, organisation, advisor)
    name = attachment.file.name
    media_root = Path(settings.MEDIA_ROOT).resolve()
    on_disk = Path(attachment.file.path).resolve()
    assert on_disk.is_file() and not on_disk.is_relative_to(media_root)
    assert on_disk.is_relative_to(Path(settings.VANGNET_PRIVATE_ROOT).resolve())
    assert not (media_root / name).exists()
    # The attack: fetch the file where the web server serves uploads.
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/../private/{name}").status_code in {400, 404}  # no way around
    # Sanity: that route does serve what is in MEDIA_ROOT (so the 404 above means something).
    default_storage.save("logos/proef.txt", ContentFile(b"openbaar"))
    assert client.get("/media/logos/proef.txt").status_code == 200
    # The private storage has no URL to leak.
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url
    # Only the views that check access hand it out: the reporter with their cookie ...
    client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code})
    download = client.get(reverse("reporting:reporter_attachment", args=[organisation.slug, attachment.pk]))
    assert download.status_code == 200 and b"geheim verslag" in download.content
    # ... and the recipient with their key; somebody else gets nothing.
    _view, data = selectors.attachment_data_for(actor=as_actor(advisor), report=attachment.report,
                                                pk=attachment.pk, private_key=advisor.private_key)
    assert b"geheim verslag" in data
    client.cookies.clear()
    stranger = client.get(reverse("reporting:reporter_attachment", args=[organisation.slug, attachment.pk]))
    assert stranger.status_code == 404


def test_the_migration_moves_existing_files_out_of_media(client, organisation, advisor, as_actor) -> None:
    """An installation of the previous version has its attachments in MEDIA_ROOT."""
    from django.apps import apps

    attachment, _code = _submit_with_pdf(client, organisation, advisor)
    name = attachment.file.name
    ciphertext = private_storage().open(name).read()
    # Put the installation back as the previous version left it.
    private_storage().delete(name)
    default_storage.save(name, ContentFile(ciphertext))
    assert default_storage.exists(name)

    migration = importlib.import_module("vangnet.reporting.migrations.0003_attachment_private_storage")
    migration.to_private(apps, None)
    assert not default_storage.exists(name)
    assert private_storage().open(name).read() == ciphertext
    _view, data = selectors.attachment_data_for(actor=as_actor(advisor), report=attachment.report,
                                                pk=attachment.pk, private_key=advisor.private_key)
    assert b"geheim verslag" in data
    migration.to_private(apps, None)  # running it again changes nothing
    assert private_storage().exists(name) and not default_storage.exists(name)
    # And back, for a downgrade.
    migration.to_public(apps, None)
    assert default_storage.exists(name) and not private_storage().exists(name)
