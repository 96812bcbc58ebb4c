"""Checking and cleaning attachments before they are encrypted (docs/adr/0034).

Types are decided from the content, not from the name. Images above a pixel budget are refused
from their header, before a single pixel is decoded (decompression bombs). Images are decoded and
re-encoded with Pillow from their pixels only, which drops EXIF (including location), XMP, ICC
and comments.
PDFs are kept as they are: the reporter is warned that a PDF can carry metadata (author, software).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_DESCRIPTION = "JPEG, PNG, PDF"
# The pixel budget, checked from the header BEFORE anything is decoded (issue #10, finding 7: a
# 308 KB PNG of 8900 x 8900 = 79 Mpixel passed Pillow's own check, which only warns below twice
# its limit, and cost ~1 GB and 3.4 s to re-encode). 40 Mpixel holds every phone photo at its
# default setting (12 to 24 Mpixel, e.g. 5712 x 4284) and the largest full-resolution modes
# whose JPEGs still fit in 5 MB (a 40 Mpixel sensor: 7296 x 5472 = 39.9 Mpixel); 48 to 200 Mpixel
# modes give files far above 5 MB anyway. Measured cost at the budget: see docs/adr/0034.
MAX_IMAGE_PIXELS = 40_000_000
# Pillow's process-wide limit (warn above 89 Mpixel, refuse above 179) is left alone: the check
# below is stricter, runs first, and does not change how other code opens images.
# One image decode at a time per process bounds memory to one image at the budget, also when
# the web server runs threads; others wait their turn (briefly: ~1 s at the budget).
_DECODE_SLOTS = threading.BoundedSemaphore(1)
DECODE_WAIT_SECONDS = 30


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes
    metadata_removed: bool


def _safe_name(name: str, extension: str) -> str:
    stem = "".join(ch for ch in (name or "").rsplit(".", 1)[0] if ch.isalnum() or ch in " -_")
    return f"{(stem.strip() or 'bijlage')[:80]}.{extension}"


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("This image has too many pixels (at most 40 megapixels, for example "
                             "7300 by 5470). Send a smaller photo or a screenshot."))


def clean_attachment(*, name: str, data: bytes) -> CleanFile:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("A file may be at most 5 MB."))
    if not data:
        raise ValidationError(_("This file is empty."))
    if data.startswith(b"%PDF-"):
        return CleanFile(_safe_name(name, "pdf"), "application/pdf", data, metadata_removed=False)
    try:
        # Only the JPEG and PNG parsers ever look at the bytes; open() reads the header only.
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            return _reencode(name, image)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Only JPEG, PNG and PDF files can be added.")) from error


def _reencode(name: str, image: Image.Image) -> CleanFile:
    """Copy the pixels into a fresh image and encode that: nothing but pixels survives.

    At most two full copies of the pixels exist at once (the decoded image and the fresh one);
    the decoded image is freed before encoding.
    """
    image_format = image.format
    mode = "RGB" if image_format == "JPEG" else ("RGBA" if "A" in image.getbands() else "RGB")
    if not _DECODE_SLOTS.acquire(timeout=DECODE_WAIT_SECONDS):
        raise ValidationError(_("It is very busy right now. Please try again in a minute; "
                                "nothing was sent."))
    try:
        image.load()
        converted = image if image.mode == mode else image.convert(mode)
        if converted is not image:
            image.close()  # frees the decoded pixels before the fresh copy is made
        pixels = Image.new(mode, converted.size)
        pixels.paste(converted)
        converted.close()
        out = io.BytesIO()
        if image_format == "JPEG":
            pixels.save(out, format="JPEG", quality=90)
            result = CleanFile(_safe_name(name, "jpg"), "image/jpeg", out.getvalue(), True)
        else:
            pixels.save(out, format="PNG")
            result = CleanFile(_safe_name(name, "png"), "image/png", out.getvalue(), True)
        pixels.close()
        return result
    finally:
        _DECODE_SLOTS.release()


# --- A spoken report (issue 12) ----------------------------------------------------------------
# Recorded in the reporter's browser with MediaRecorder and sent only with the form. Accepted only
# as the form's voice recording (never as an ordinary file), only in the containers browsers record
# (WebM in Chromium and Firefox, Ogg in older Firefox, MP4 in Safari), decided from the content.
VOICE_TYPES = (
    (b"\x1a\x45\xdf\xa3", "audio/webm", "webm"),
    (b"OggS", "audio/ogg", "ogg"),
)


def clean_voice(*, data: bytes) -> CleanFile:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("A recording may be at most 5 MB (about 15 minutes). Record a shorter one."))
    if not data:
        raise ValidationError(_("The recording is empty. Record again, or type instead."))
    for magic, content_type, extension in VOICE_TYPES:
        if data.startswith(magic):
            return CleanFile(f"spraakbericht.{extension}", content_type, data, metadata_removed=False)
    if data[4:8] == b"ftyp":
        return CleanFile("spraakbericht.m4a", "audio/mp4", data, metadata_removed=False)
    raise ValidationError(_("This is not a recording we can play. Record again, or type instead."))
