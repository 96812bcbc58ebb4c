"""Sending a report once, and showing its receipt code once (docs/adr/0033, addendum 2026-12).

Post → redirect → get: the form's POST creates the report and answers 303 to a receipt page; the
code travels to that page in a short-lived cookie encrypted under a server key (HttpOnly,
SameSite=Strict, limited to the receipt page's path). The receipt page shows the code and deletes
the cookie, so a refresh shows a calm "already shown" page instead of sending the report again.

Against double submission every form carries a random one-time token (hidden field). Its keyed
hash is claimed atomically in the cache (`cache.add`) before the work; a second POST of the same
form finds the claim and is sent to the receipt page instead of creating a second report. For a
few minutes the cache also keeps the code encrypted under a key derived from the token (which only
the reporter's browser has) and the server key, so that a double click whose first answer the
browser threw away still shows the code once; showing it deletes that copy.

Nothing here identifies the reporter: no session, no address, no user agent, and the code is never
stored in clear (the cache holds only a ciphertext that needs both the token and the server key).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from vangnet.core import crypto
from vangnet.core.throttle import CACHE_ERRORS

COOKIE = "vn_receipt"
COOKIE_MAX_AGE = 5 * 60  # long enough to follow the redirect, short enough for a shared computer
TOKEN_TTL = 2 * 60 * 60  # how long a sent form is remembered (back + resubmit within that time)
CODE_TTL = 5 * 60  # how long a double click can still recover the code
WAIT_SECONDS = 10.0  # a second POST waits at most this long for the first one to finish
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_valid(token: str) -> bool:
    return 32 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def _claim_key(token: str) -> str:
    return f"vn:submission:{crypto.keyed_hash('submission-token', token)[:40]}"


def _code_key(token: str) -> str:
    return f"vn:submission-code:{crypto.keyed_hash('submission-code-id', token)[:40]}"


def _code_box_key(token: str) -> bytes:
    return hmac.new(crypto.server_key("submission-code"), token.encode(), hashlib.sha256).digest()


def claim(token: str) -> bool:
    """Reserve this form's one submission; False when it was sent (or is being sent) already."""
    try:
        return bool(cache.add(_claim_key(token), "pending", timeout=TOKEN_TTL))
    except CACHE_ERRORS:
        # Without the cache a duplicate is possible; losing the report would be worse.
        return True


def release(token: str) -> None:
    """Nothing was sent (throttled, or the service refused the content): the form may be sent again."""
    with contextlib.suppress(*CACHE_ERRORS):
        cache.delete(_claim_key(token))


def sent(token: str, code: str) -> str:
    """Remember that the form was sent; keep the code for a few minutes, sealed under the token.

    Returns the cache key of that sealed copy, which the receipt page deletes once shown."""
    key = _code_key(token)
    try:
        cache.set(_claim_key(token), "sent", timeout=TOKEN_TTL)
        cache.set(key, crypto.secret_encrypt(_code_box_key(token), code.encode()), timeout=CODE_TTL)
    except CACHE_ERRORS:
        pass
    return key


def code_again(token: str, *, wait: float = WAIT_SECONDS) -> tuple[str, str] | None:
    """(code, its cache key) when this form was sent minutes ago and its code was never shown.

    When the first POST is still at work (a double click), wait briefly for it to finish, so that
    the answer the browser keeps can still show the code."""
    key = _code_key(token)
    deadline = time.monotonic() + wait
    try:
        while cache.get(_claim_key(token)) == "pending" and time.monotonic() < deadline:
            time.sleep(0.05)
        sealed = cache.get(key)
    except CACHE_ERRORS:
        return None
    if not isinstance(sealed, bytes):
        return None
    try:
        return crypto.secret_decrypt(_code_box_key(token), sealed).decode(), key
    except crypto.DecryptionError:
        return None


def forget_code(key: str) -> None:
    if key.startswith("vn:submission-code:"):
        with contextlib.suppress(*CACHE_ERRORS):
            cache.delete(key)


# --- The receipt cookie ----------------------------------------------------------------------


def receipt_cookie_set(request: HttpRequest, response: HttpResponse, *, path: str, code: str,
                       code_key: str) -> None:
    payload = json.dumps({"c": code, "p": path, "k": code_key,
                          "e": int(time.time()) + COOKIE_MAX_AGE}).encode()
    token = base64.urlsafe_b64encode(crypto.server_encrypt("receipt-cookie", payload)).decode()
    response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, path=path, httponly=True,
                        samesite="Strict", secure=settings.SESSION_COOKIE_SECURE or request.is_secure())


def receipt_cookie_clear(response: HttpResponse, *, path: str) -> None:
    response.delete_cookie(COOKIE, path=path, samesite="Strict")


def receipt_cookie_take(request: HttpRequest, *, path: str) -> str | None:
    """The code from the cookie, for showing once: the sealed copy in the cache is forgotten, and
    the caller deletes the cookie (`receipt_cookie_clear`). None without a valid cookie."""
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    try:
        payload = json.loads(crypto.server_decrypt("receipt-cookie",
                                                   base64.urlsafe_b64decode(token.encode()))[0])
        code, cookie_path, code_key, expires = (str(payload["c"]), str(payload["p"]),
                                                str(payload["k"]), int(payload["e"]))
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
    forget_code(code_key)
    if cookie_path != path or expires < time.time():
        return None
    return code
