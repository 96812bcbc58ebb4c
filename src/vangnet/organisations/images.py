"""Uploaded images (organisation logos): checked, reduced and stripped of metadata.

Re-encoding with Pillow drops EXIF (camera, GPS), XMP and text chunks, and anything hidden after
the image data; what is stored is only the pixels we decoded.
"""

from __future__ import annotations

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 800  # px; larger logos are scaled down
MAX_PIXELS = 25_000_000  # refuse "decompression bombs" before decoding
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def clean_logo(upload: object, *, name_hint: str = "logo") -> ContentFile:
    """Return a fresh PNG of the uploaded image, without metadata. Raises ValidationError."""
    size = getattr(upload, "size", 0) or 0
    if size > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo may be at most 1 MB."))
    try:
        upload.seek(0)  # type: ignore[attr-defined]
        with Image.open(upload) as probe:  # type: ignore[arg-type]
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("Use a PNG, JPEG, WebP or GIF image for the logo."))
        if width * height > MAX_PIXELS:
            raise ValidationError(_("This image is too large. Use an image of at most 5000 by 5000 pixels."))
        upload.seek(0)  # type: ignore[attr-defined]
        with Image.open(upload) as original:  # type: ignore[arg-type]
            original.load()
            image = ImageOps.exif_transpose(original)  # keep the orientation, drop the EXIF
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image we can read.")) from error
    image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    output = io.BytesIO()
    clean.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"{name_hint}-{secrets.token_hex(6)}.png")
