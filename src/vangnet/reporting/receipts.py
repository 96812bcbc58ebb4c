"""Receipt codes: creation, derivation, and the throttle against guessing (docs/adr/0032).

A receipt code is 16 decimal digits from `secrets`. It is never stored. One Argon2id derivation
(salted with an installation salt, the code first passed through an HMAC with a pepper; both are
held wrapped under the server key, see crypto.held_secret)
gives 64 bytes: the first 32 open the reporter's copy of the report key, SHA-256 of the last 32 is
the stored lookup hash. Someone with only the database cannot even start guessing offline: they
lack the pepper; with the pepper too, each guess still costs one Argon2id.

Online guessing is throttled on FAILED attempts (honest reporters with the right code never use
up the budget): a global budget across all sources per hour, and a generous per-source budget.
The source is the client address passed in transiently and only ever kept as a keyed hash in the
cache key, which expires with the window.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from vangnet.core import crypto

RECEIPT_DIGITS = 16
RECEIPT_SPACE = 10**RECEIPT_DIGITS
WINDOW_SECONDS = 3600


def receipt_new() -> str:
    return crypto.random_digits(RECEIPT_DIGITS)


def receipt_normalise(text: str) -> str | None:
    """Accept spaces and dashes as people write them; None unless exactly 16 digits remain."""
    digits = "".join(ch for ch in str(text) if not ch.isspace() and ch != "-")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_format(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class ReceiptSecret:
    lookup_hash: str
    key: bytes


def receipt_derive(code: str) -> ReceiptSecret:
    # The pepper and salt are held secrets (wrapped under the server key, ADR 0030): a receipt
    # code cannot be re-keyed without the code, which is never stored, so rotating the server
    # key re-wraps them instead of changing them. One derivation per attempt, whatever the number
    # of previous keys.
    peppered = crypto.keyed_hash_with(crypto.held_secret("receipt-pepper"), code)
    salt = crypto.held_secret("receipt-salt")[: crypto.SALT_SIZE]
    out = crypto.derive_key(peppered, salt, size=64)
    return ReceiptSecret(lookup_hash=hashlib.sha256(out[32:]).hexdigest(), key=out[:32])


# --- Throttle -------------------------------------------------------------------------------


def global_budget() -> int:
    """Failed receipt attempts allowed per hour, all sources together (ADR 0032)."""
    return int(getattr(settings, "VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR", 3600))


def source_budget() -> int:
    """Failed attempts per hour from one source address (generous: shared office addresses)."""
    return int(getattr(settings, "VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR", 30))


def _window() -> int:
    return int(time.time()) // WINDOW_SECONDS


def _source_key(source: str) -> str:
    # The address is hashed under a server key with the window number, so cache keys of
    # different hours cannot be linked and the address itself never reaches the cache.
    window = _window()
    return f"vn:receipt:src:{window}:{crypto.keyed_hash('throttle-source', f'{window}:{source}')[:32]}"


def _global_key() -> str:
    return f"vn:receipt:all:{_window()}"


def receipt_attempt_allowed(source: str) -> bool:
    failures_all = cache.get(_global_key(), 0)
    failures_source = cache.get(_source_key(source), 0)
    return failures_all < global_budget() and failures_source < source_budget()


def _increment(key: str) -> None:
    if not cache.add(key, 1, timeout=WINDOW_SECONDS + 60):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS + 60)


def receipt_attempt_failed(source: str) -> None:
    _increment(_global_key())
    _increment(_source_key(source))


def expected_years_to_guess(*, valid_codes: int, attempts_per_second: float) -> float:
    """Expected time for an online guesser to hit any valid code (ADR 0032)."""
    expected_attempts = RECEIPT_SPACE / (valid_codes + 1)
    return expected_attempts / attempts_per_second / (365.25 * 24 * 3600)


# --- Submissions ----------------------------------------------------------------------------


def submission_budget() -> int:
    """Reports per hour from one source: generous for an office, a brake on flooding (each
    submission costs an Argon2id derivation and notifies people)."""
    return int(getattr(settings, "VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR", 20))


def _submission_key(source: str) -> str:
    window = _window()
    return f"vn:report:src:{window}:{crypto.keyed_hash('throttle-submit', f'{window}:{source}')[:32]}"


def submission_allowed(source: str) -> bool:
    return cache.get(_submission_key(source), 0) < submission_budget()


def submission_made(source: str) -> None:
    _increment(_submission_key(source))
