"""Receipt codes: creation, derivation, and the throttle against guessing (docs/adr/0032).

A receipt code is 16 decimal digits from `secrets`. It is never stored. One Argon2id derivation
(salted with an installation salt, the code first passed through an HMAC with a pepper; both are
held wrapped under the server key, see crypto.held_secret)
gives 64 bytes: the first 32 open the reporter's copy of the report key, SHA-256 of the last 32 is
the stored lookup hash. Someone with only the database cannot even start guessing offline: they
lack the pepper; with the pepper too, each guess still costs one Argon2id.

Online guessing is throttled on FAILED attempts (honest reporters with the right code never use
up the budget): a global budget across all sources per hour, and a generous per-source budget.
Each attempt reserves its place before the code is tried (no overshoot under concurrency). The
source is the real client address (core.client), passed in transiently and only ever kept as a
keyed hash in the cache key, which expires with the window. Submissions and reporter messages
are throttled the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from vangnet.core import crypto, throttle

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
# Every counter RESERVES its place before the work (core.throttle: one atomic increment), so
# concurrent requests can never overshoot a limit; work that turns out not to count gives its
# place back. The source is `core.client.throttle_source(request)`: the real client behind
# TRUSTED_PROXY_COUNT proxies, only ever in a keyed hash inside a cache key that expires.


def global_budget() -> int:
    """Failed receipt attempts allowed per hour, all sources together (ADR 0032)."""
    return int(getattr(settings, "VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR", 3600))


def source_budget() -> int:
    """Failed attempts per hour from one source address (generous: shared office addresses)."""
    return int(getattr(settings, "VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR", 30))


def _window() -> int:
    return throttle.window_number(WINDOW_SECONDS)


def _hashed(purpose: str, value: str) -> str:
    # Hashed under a server key with the window number, so cache keys of different hours cannot
    # be linked and the address (or report) itself never reaches the cache.
    window = _window()
    return f"{window}:{crypto.keyed_hash(purpose, f'{window}:{value}')[:32]}"


def _source_key(source: str) -> str:
    return f"vn:receipt:src:{_hashed('throttle-source', source)}"


def _global_key() -> str:
    return f"vn:receipt:all:{_window()}"


TIMEOUT = WINDOW_SECONDS + 60


def receipt_attempt_start(source: str) -> bool:
    """Reserve one failed attempt from `source` before a code is tried; False = refuse (429).

    The attempt counts as failed until `receipt_attempt_succeeded` gives it back, so a burst of
    parallel guesses can never test more codes than the budgets allow. A refused attempt is
    refused even when its code is right: otherwise the answer would tell which guess was right.
    """
    if not throttle.counter_reserve(_global_key(), limit=global_budget(), timeout=TIMEOUT):
        return False
    if not throttle.counter_reserve(_source_key(source), limit=source_budget(), timeout=TIMEOUT):
        throttle.counter_release(_global_key())
        return False
    return True


def receipt_attempt_succeeded(source: str) -> None:
    """The code was right: it does not spend anybody's budget."""
    throttle.counter_release(_global_key())
    throttle.counter_release(_source_key(source))


def receipt_attempts_left(source: str) -> bool:
    """Whether `source` could start an attempt now (read only; for pages, never for decisions)."""
    return (throttle.counter_value(_global_key()) < global_budget()
            and throttle.counter_value(_source_key(source)) < source_budget())


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
    return f"vn:report:src:{_hashed('throttle-submit', source)}"


def submission_start(source: str) -> bool:
    """Reserve one submission from `source` before the work; False = refuse (429)."""
    return throttle.counter_reserve(_submission_key(source), limit=submission_budget(), timeout=TIMEOUT)


def submission_refused(source: str) -> None:
    """The submission was refused for its content (nothing was sent): it does not count."""
    throttle.counter_release(_submission_key(source))


# --- Reporter messages ----------------------------------------------------------------------
# Each message from a reporter e-mails every recipient of the report, so a valid receipt code
# must not be a licence to flood their mailboxes.


def message_budget_per_report() -> int:
    """Messages per hour to one report: plenty for a reporter adding details and files."""
    return int(getattr(settings, "VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR", 20))


def message_budget_per_source() -> int:
    """Messages per hour from one source, all reports together (an office shares an address)."""
    return int(getattr(settings, "VANGNET_REPORTER_MESSAGES_PER_SOURCE_PER_HOUR", 60))


def _message_report_key(report_id: int) -> str:
    return f"vn:message:report:{_hashed('throttle-message-report', str(report_id))}"


def _message_source_key(source: str) -> str:
    return f"vn:message:src:{_hashed('throttle-message-source', source)}"


def message_start(*, report_id: int, source: str) -> bool:
    """Reserve one reporter message before it is sealed and sent; False = refuse (429)."""
    if not throttle.counter_reserve(_message_report_key(report_id), limit=message_budget_per_report(),
                                    timeout=TIMEOUT):
        return False
    if not throttle.counter_reserve(_message_source_key(source), limit=message_budget_per_source(),
                                    timeout=TIMEOUT):
        throttle.counter_release(_message_report_key(report_id))
        return False
    return True


def message_refused(*, report_id: int, source: str) -> None:
    """The message was refused for its content (nothing was sent): it does not count."""
    throttle.counter_release(_message_report_key(report_id))
    throttle.counter_release(_message_source_key(source))
