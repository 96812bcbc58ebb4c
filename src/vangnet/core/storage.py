"""Private file storage: files that no web server may ever serve (docs/adr/0034).

Encrypted attachments used to live under MEDIA_ROOT, which the reverse proxy serves under /media/
(and the demo through Django): anyone who learned a file name could download the ciphertext,
outside every access check and every log we keep. Ciphertext is not plaintext, but it should only
leave the server through the view that checks who is asking. This storage lives in
`VANGNET_PRIVATE_ROOT` (default `$VANGNET_DATA_DIR/private`), refuses to be placed inside
MEDIA_ROOT or STATIC_ROOT, and has no URL at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage outside the web root, without URLs."""

    def __init__(self, location: str | Path | None = None, **kwargs: Any) -> None:
        location = Path(location or settings.VANGNET_PRIVATE_ROOT).resolve()
        for public_root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
            if public_root and location.is_relative_to(Path(public_root).resolve()):
                raise ImproperlyConfigured(
                    f"VANGNET_PRIVATE_ROOT ({location}) must not be inside a publicly served "
                    f"directory ({public_root})."
                )
        kwargs.pop("base_url", None)
        super().__init__(location=location, base_url=None, **kwargs)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


def private_storage() -> Storage:
    """The storage of encrypted attachments (`STORAGES["private"]`); a callable for FileField so
    that migrations record the reference, not a path."""
    return storages["private"]
