"""Atomic fixed-window counters in the cache, for throttles that must never overshoot.

"Check, do the work, then count" lets every request that arrives while the work runs slip
through (an outside test got 23 submissions accepted against a limit of 20). Here a request
*reserves* its place first, with one atomic increment, and is refused when the count it got is
over the limit. Work that turns out not to count (a right receipt code, a form with errors) hands
its place back with `counter_release`.

Atomic on both caches we support:
- Redis (`REDIS_URL`, required with more than one process, see settings/production.py): one
  MULTI/EXEC transaction of `SET key 0 EX ttl NX` and `INCR key`, so a counter is never left
  without an expiry and two app servers never count the same slot twice. No Lua.
- Django's local-memory cache (one process): `add` then `incr`, each under the cache's lock.
Other cache backends (database, file) have no atomic `incr`; production refuses them.

When the cache cannot be reached (Redis down) the throttles fail closed: a reservation is refused
and the caller answers "too many attempts, try later" (429), never a server error, and never an
unthrottled door for someone guessing receipt codes while Redis is away.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
# What a cache that cannot be reached raises: the redis client's errors, and OS-level ones.
try:
    from redis.exceptions import RedisError as _RedisError

    CACHE_ERRORS: tuple[type[Exception], ...] = (_RedisError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    CACHE_ERRORS = (OSError,)


def window_number(window_seconds: int) -> int:
    return int(time.time()) // window_seconds


def _redis_client(key: str) -> tuple[Any, str] | None:
    """The raw redis client and the full key when the default cache is Django's RedisCache."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    full_key = backend.make_and_validate_key(key)
    return backend._cache.get_client(full_key, write=True), full_key


def counter_reserve(key: str, *, limit: int, timeout: int) -> bool:
    """Take one place in the counter `key`; False (and the place given back) when over `limit`,
    and False when the cache cannot be reached (fail closed)."""
    try:
        count = _increment(key, timeout)
    except CACHE_ERRORS:
        logger.warning("Throttle cache unreachable: refusing (fail closed).")
        return False
    if count > limit:
        counter_release(key)
        return False
    return True


def counter_release(key: str) -> None:
    """Give back a place taken with `counter_reserve` (never below zero)."""
    try:
        _decrement(key)
    except CACHE_ERRORS:
        logger.warning("Throttle cache unreachable: a place could not be given back.")


def _decrement(key: str) -> None:
    redis = _redis_client(key)
    if redis is not None:
        client, full_key = redis
        pipe = client.pipeline(transaction=True)
        pipe.decr(full_key)
        pipe.ttl(full_key)
        value, ttl = pipe.execute()
        if ttl == -1 or value < 0:
            # The window expired meanwhile and DECR made a fresh key without expiry: drop it.
            client.delete(full_key)
        return
    try:
        if cache.decr(key) < 0:
            cache.incr(key)
    except ValueError:  # expired: nothing to give back
        pass


def counter_value(key: str) -> int:
    """The count so far; with the cache unreachable, a count no limit allows (fail closed)."""
    try:
        value = cache.get(key, 0)
    except CACHE_ERRORS:
        logger.warning("Throttle cache unreachable: counting as over the limit.")
        return UNREACHABLE_COUNT
    return int(value or 0)


UNREACHABLE_COUNT = 2**62


def _increment(key: str, timeout: int) -> int:
    redis = _redis_client(key)
    if redis is not None:
        client, full_key = redis
        pipe = client.pipeline(transaction=True)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    for _attempt in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr: start the window again
            continue
    raise RuntimeError("The throttle counter could not be incremented.")
