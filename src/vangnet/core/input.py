"""Text that cannot be processed: NUL bytes, broken UTF-8 and unpaired surrogates (issue #10, 8).

PostgreSQL refuses a NUL character in text (`A string literal cannot contain NUL (0x00)
characters`) and nothing can encode a lone surrogate as UTF-8; both used to surface as HTTP 500 on
any view that put such a value in a query. No person types either, so the request is refused
before any view runs (core.middleware.RejectInvalidInputMiddleware), with a 400 that says what is
wrong.

Where we look, and why there:
- the path (control characters, lone surrogates, and bytes that were not UTF-8, which Django
  re-percent-encodes) and the query string, decoded strictly from its raw bytes (Django itself
  would replace broken UTF-8 with U+FFFD and let NUL through);
- url-encoded form bodies, raw and strictly decoded; multipart forms after parsing (field values
  and file names), because reading the raw multipart body would defeat streaming uploads;
- JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE, raw, including the escapes `\\u0000` and unpaired
  `\\ud800`…`\\udfff`; routes with a larger limit call `json_has_invalid_text` themselves
  (reporting/api.py `_read_json`);
- cookies (Python's cookie parser turns `"\\000"` into a NUL) and every HTTP header (for NUL).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

# Control characters never belong in a path (tab and newline included).
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Django (WSGIRequest) turns path bytes that are not UTF-8 back into "%XX" (upper case, always a
# byte >= 0x80) before any middleware sees them; our routes never contain such a sequence.
_REPERCENTED = re.compile(r"%[89A-F][0-9A-F]")
_JSON_ESCAPE = re.compile(rb"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_FORM_TYPES = ("application/x-www-form-urlencoded",)
_MULTIPART = "multipart/form-data"


def text_is_invalid(value: str) -> bool:
    """A NUL character or something that cannot be written as UTF-8 (a lone surrogate)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def raw_is_invalid(raw: bytes) -> bool:
    """Raw bytes meant as UTF-8 text: a NUL byte, or anything that does not decode strictly."""
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def percent_encoded_is_invalid(encoded: bytes) -> bool:
    """A query string or url-encoded form: `+` and `%XX` decoded to bytes, then checked."""
    return raw_is_invalid(unquote_to_bytes(encoded.replace(b"+", b" ")))


def json_has_invalid_text(raw: bytes) -> bool:
    """A JSON document whose strings would hold a NUL or an unpaired surrogate once parsed.

    Backslashes only occur inside JSON strings, so scanning the escapes of the whole document is
    exact; `\\\\` is consumed as one escape, so `\\\\u0000` (a backslash, then text) is fine.
    """
    if raw_is_invalid(raw):
        return True
    if b"\\u" not in raw and b"\\U" not in raw:
        return False
    expect_low_at: int | None = None  # where the low half of a surrogate pair must start
    for match in _JSON_ESCAPE.finditer(raw):
        token = match.group(1)
        if expect_low_at is not None:
            is_low = token[:1] == b"u" and 0xDC00 <= int(token[1:], 16) <= 0xDFFF
            if match.start() != expect_low_at or not is_low:
                return True
            expect_low_at = None
            continue
        if token[:1] != b"u":
            continue
        code_point = int(token[1:], 16)
        if code_point == 0 or 0xDC00 <= code_point <= 0xDFFF:
            return True
        if 0xD800 <= code_point <= 0xDBFF:
            expect_low_at = match.end()
    return expect_low_at is not None


def _raw_wsgi(value: str) -> bytes:
    # WSGI hands over bytes as latin-1 strings; ASGI servers give decoded text.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def request_has_invalid_input(request: HttpRequest) -> bool:
    meta = request.META
    path = request.path_info
    if text_is_invalid(request.path) or _PATH_CONTROL.search(path) or _REPERCENTED.search(path):
        return True
    if percent_encoded_is_invalid(_raw_wsgi(meta.get("QUERY_STRING", "") or "")):
        return True
    for key, value in meta.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return True
    if any(text_is_invalid(key) or text_is_invalid(value) for key, value in request.COOKIES.items()):
        return True
    return _body_has_invalid_input(request)


def _body_has_invalid_input(request: HttpRequest) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return False
    content_type = (request.content_type or "").lower()
    small = 0 < _content_length(request) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type in _FORM_TYPES:
        # Larger bodies are refused by Django itself (RequestDataTooBig) when read.
        return small and percent_encoded_is_invalid(request.body)
    if content_type == _MULTIPART:
        # Parsing here is what CsrfViewMiddleware would do next anyway; the files stream to disk.
        if any(text_is_invalid(key) or any(text_is_invalid(v) for v in values)
               for key, values in request.POST.lists()):
            return True
        return any(text_is_invalid(key) or any(text_is_invalid(f.name or "") for f in files)
                   for key, files in request.FILES.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        return small and json_has_invalid_text(request.body)
    return False


def invalid_input_message() -> str:
    return _("Your request contains a character we cannot process, such as an invisible control "
             "character. Check what you typed or the link you followed, and try again.")


def invalid_input_response(request: HttpRequest) -> HttpResponse:
    """400: JSON under /api/, otherwise a page; in the person's chosen language (Dutch first).

    This runs before the session, the user and the locale are known, so the page is rendered
    without request context: it must not depend on them.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    language = chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
    with translation.override(language):
        message = invalid_input_message()
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=400)
        else:
            html = render_to_string("core/invalid_input.html", {"message": message,
                                                                "LANGUAGE_CODE": language})
            response = HttpResponse(html, status=400)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response
