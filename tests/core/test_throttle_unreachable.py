"""Redis down: the throttles fail closed (refuse, 429) instead of raising a server error or
letting a receipt-code guesser through while the counters are away (issue #10, edge)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from vangnet.core import throttle

# Nothing listens on port 1: every command fails with a connection error, like Redis that is down.
UNREACHABLE_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": "redis://127.0.0.1:1/0",
                                 "OPTIONS": {"socket_connect_timeout": 0.2}}}


@pytest.fixture
def redis_down():
    # Django swaps its cache handlers when CACHES changes (django.test.signals).
    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert caches["default"].__class__.__name__ == "RedisCache"
        yield


def test_a_reservation_is_refused_when_the_cache_is_down(redis_down) -> None:
    assert throttle.counter_reserve("t:down", limit=100, timeout=60) is False
    throttle.counter_release("t:down")  # no exception either
    assert throttle.counter_value("t:down") > 100


def test_the_same_counters_work_when_the_cache_is_up() -> None:
    assert throttle.counter_reserve("t:up", limit=1, timeout=60) is True
    assert throttle.counter_reserve("t:up", limit=1, timeout=60) is False
    assert throttle.counter_value("t:up") == 1
