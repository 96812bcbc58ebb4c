"""Security headers that Django 5.2 does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from vangnet.core.input import invalid_input_response, request_has_invalid_input


class SecurityHeadersMiddleware:
    """Strict Content-Security-Policy (no inline script or style) and a tight Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the person chose otherwise with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    the many Dutch employees whose browser happens to be English. Here only an explicit choice (the
    language cookie written by `set_language`) changes the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectInvalidInputMiddleware:
    """Answer 400 when a request carries a NUL byte or text that is not valid UTF-8.

    PostgreSQL cannot store or even compare a NUL character in text, so a `%00` in a path or query
    used to reach a query and end in a 500 (issue #10, finding 8); lone surrogates cannot be
    encoded at all. Rather than guard every view, this refuses such requests first, with a clear
    message: a Dutch page, or JSON under /api/. It looks at the path, the query string, form
    fields (url-encoded and multipart, file names included), JSON bodies (escapes `\\u0000` and
    unpaired `\\ud800`…`\\udfff`), cookies and the headers Django decodes. See core/input.py.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_invalid_input(request):
            return invalid_input_response(request)
        return self.get_response(request)
