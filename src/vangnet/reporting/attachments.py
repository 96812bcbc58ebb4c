"""Checking and cleaning attachments before they are encrypted (docs/adr/0034).

Types are decided from the content, not from the name. Images are decoded and re-encoded with
Pillow from their pixels only, which drops EXIF (including location), XMP, ICC and comments.
PDFs are kept as they are: the reporter is warned that a PDF can carry metadata (author, software).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_DESCRIPTION = "JPEG, PNG, PDF"
Image.MAX_IMAGE_PIXELS = 40_000_000  # decompression bombs


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes
    metadata_removed: bool


def _safe_name(name: str, extension: str) -> str:
    stem = "".join(ch for ch in (name or "").rsplit(".", 1)[0] if ch.isalnum() or ch in " -_")
    return f"{(stem.strip() or 'bijlage')[:80]}.{extension}"


def clean_attachment(*, name: str, data: bytes) -> CleanFile:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("A file may be at most 5 MB."))
    if not data:
        raise ValidationError(_("This file is empty."))
    if data.startswith(b"%PDF-"):
        return CleanFile(_safe_name(name, "pdf"), "application/pdf", data, metadata_removed=False)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in {"JPEG", "PNG"}:
                raise ValidationError(_("Only JPEG, PNG and PDF files can be added."))
            image.load()
            mode = "RGB" if image_format == "JPEG" else ("RGBA" if "A" in image.getbands() else "RGB")
            # Copy the pixels into a fresh image: nothing but pixels survives.
            pixels = Image.new(mode, image.size)
            pixels.paste(image.convert(mode))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Only JPEG, PNG and PDF files can be added.")) from error
    out = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(out, format="JPEG", quality=90)
        return CleanFile(_safe_name(name, "jpg"), "image/jpeg", out.getvalue(), True)
    pixels.save(out, format="PNG")
    return CleanFile(_safe_name(name, "png"), "image/png", out.getvalue(), True)
