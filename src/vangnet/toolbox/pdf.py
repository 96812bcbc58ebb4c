"""PDF rendering with WeasyPrint: A5 cards and session agendas, readable in black and white.

No network: the url_fetcher only serves files from our own static directory, and the print CSS is
inlined in the templates. Fonts come from the system (DejaVu, via fontconfig).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

STATIC_ROOT_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()


class FetchRefused(ValueError):
    pass


def local_static_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Serve `file://` URLs inside our static directory; refuse everything else (no network)."""
    from weasyprint import default_url_fetcher

    if url.startswith("file://"):
        path = Path(url.removeprefix("file://")).resolve()
        if path.is_relative_to(STATIC_ROOT_DIR) and path.is_file():
            return default_url_fetcher(url, *args, **kwargs)
    raise FetchRefused(f"refused to fetch {url!r} while rendering a PDF")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"SITE_URL": settings.SITE_URL, **context})
    document = HTML(string=html, base_url=STATIC_ROOT_DIR.as_uri() + "/",
                    url_fetcher=local_static_fetcher)
    return document.write_pdf()
