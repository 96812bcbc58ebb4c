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


def _allowed(url: str) -> bool:
    if not url.startswith("file://"):
        return False
    path = Path(url.removeprefix("file://").split("?")[0]).resolve()
    return path.is_relative_to(STATIC_ROOT_DIR) and path.is_file()


def local_static_fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
    """Serve `file://` URLs inside our static directory; refuse everything else (no network)."""
    if not _allowed(url):
        raise FetchRefused(f"refused to fetch {url!r} while rendering a PDF")
    return _fetcher().fetch(url)


def _fetcher() -> Any:
    """WeasyPrint 66+ takes a `URLFetcher` object; older versions a function."""
    try:
        from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF
    except ImportError:  # pragma: no cover - WeasyPrint < 66
        from weasyprint import default_url_fetcher  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

        def fetch(url: str) -> Any:
            if not _allowed(url):
                raise FetchRefused(f"refused to fetch {url!r} while rendering a PDF")
            return default_url_fetcher(url)

        fetch.fetch = fetch  # type: ignore[attr-defined]
        return fetch

    class LocalStaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not _allowed(url):
                raise FetchRefused(f"refused to fetch {url!r} while rendering a PDF")
            return super().fetch(url, headers)

    return LocalStaticFetcher(allowed_protocols=("file",))


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint is heavy and only needed for a PDF

    html = render_to_string(template, {"SITE_URL": settings.SITE_URL, **context})
    document = HTML(string=html, base_url=STATIC_ROOT_DIR.as_uri() + "/",
                    url_fetcher=_fetcher())
    return document.write_pdf()
