"""Issue #10, finding 6 and the reporter-message part of 7: the throttles, attacked.

- Behind the documented reverse proxy every request has the proxy's REMOTE_ADDR; one client's
  wrong codes must not lock out every other reporter, and a client cannot escape its own budget
  by writing its own X-Forwarded-For entries.
- Parallel requests must not overshoot a limit (the tester got 23 against 20 with Redis, 34
  against 30 for receipts): real threads, on the local-memory cache and on a real Redis.
- A refused web submission answers 429; reporter messages are throttled per report and per source.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from vangnet.core.client import client_address, throttle_source
from vangnet.reporting import receipts
from vangnet.reporting.models import Message, Report

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROXY = "10.0.0.1"  # the reverse proxy, as REMOTE_ADDR of every request
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"  # this part's own Redis database
# Each test process writes under its own prefix and removes only its own keys: Django's
# RedisCache.clear() is FLUSHDB, which would wipe the counters of a test run going on beside this
# one (CI on SQLite and a developer's run, or two engineers) and make the budget tests flaky.
REDIS_PREFIX = f"vangnet-test-{uuid.uuid4().hex}"


def _redis_caches() -> dict[str, Any]:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": REDIS_TEST_URL, "KEY_PREFIX": REDIS_PREFIX}}


def _forget_redis_keys() -> None:
    import redis

    raw = redis.Redis.from_url(REDIS_TEST_URL)
    keys = raw.keys(f"{REDIS_PREFIX}:*")
    if keys:
        raw.delete(*keys)
WRONG = "1111222233334444"


@pytest.fixture(params=["locmem", "redis"])
def throttle_cache(request: Any, settings: Any) -> Iterator[str]:
    """Run the test on the local-memory cache and on a real Redis (as production with REDIS_URL)."""
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_TEST_URL).ping()
        except redis.exceptions.ConnectionError:  # pragma: no cover - CI starts Redis
            pytest.fail("Redis is not running on 127.0.0.1:6379; .ci/run starts it.")
        settings.CACHES = _redis_caches()
        _forget_redis_keys()
        yield request.param
        _forget_redis_keys()
        return
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "throttle-tests"}}
    cache.clear()
    yield request.param
    cache.clear()


def in_parallel(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run `action` `count` times at once: every thread waits at a barrier, then all go."""
    barrier = threading.Barrier(count)

    def run(number: int) -> Any:
        barrier.wait()
        return action(number)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


# --- The real client address ----------------------------------------------------------------


def _request(remote: str = PROXY, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_skips_exactly_the_trusted_proxies(settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded="198.51.100.7")) == "198.51.100.7"
    # The client may write anything to the left; only the entry our proxy appended is believed.
    assert client_address(_request(forwarded="203.0.113.1, 198.51.100.7")) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(forwarded="203.0.113.1, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    # Fewer entries than proxies: never look further left than the header goes.
    assert client_address(_request(forwarded="198.51.100.7")) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(forwarded="198.51.100.7")) == PROXY  # nobody vouches for it
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded="not-an-address")) == PROXY
    assert client_address(_request(forwarded="[2001:db8::1]:443")) == "2001:db8::1"


def test_client_address_agrees_with_allauth(settings) -> None:
    """Logins (allauth) and reports (Vangnet) must see the same client."""
    from allauth.core.internal.httpkit import get_client_ip

    for count, header in [(1, "198.51.100.7"), (1, "203.0.113.1, 198.51.100.7"),
                          (2, "203.0.113.1, 198.51.100.7, 10.0.0.9"), (0, "198.51.100.7")]:
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
        request = _request(forwarded=header)
        assert client_address(request) == get_client_ip(request)


def test_ipv6_clients_are_counted_per_64_network(settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    one = throttle_source(_request(forwarded="2001:db8:1:2::5"))
    other = throttle_source(_request(forwarded="2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"
    assert throttle_source(_request(forwarded="2001:db8:1:3::5")) != one


def test_behind_the_proxy_one_guesser_does_not_lock_out_other_reporters(
        client, organisation, advisor, submit, settings) -> None:
    """The attack: wrong codes from one client behind the proxy used to spend everyone's budget."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 3
    _report, code = submit()
    url = reverse("reporting:return", args=[organisation.slug])
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    answers = [client.post(url, {"code": WRONG}, **attacker).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert client.post(url, {"code": WRONG}, **attacker).status_code == 429
    # Writing a fresh address in front of the header does not give the attacker a new budget.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.66"}
    assert client.post(url, {"code": WRONG}, **spoofed).status_code == 429
    # A reporter elsewhere, through the same proxy, still gets in with the right code.
    reporter = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert client.post(url, {"code": code}, **reporter).status_code == 302
    # The API reads the same address.
    api = client.get(f"{API}/reports/current", HTTP_X_RECEIPT=code, **attacker)
    assert api.status_code == 429
    assert client.get(f"{API}/reports/current", HTTP_X_RECEIPT=code, **reporter).status_code == 200


def test_the_address_never_reaches_the_cache_or_the_database(client, organisation, advisor,
                                                              settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = reverse("reporting:report_new", args=[organisation.slug])
    client.post(url, {"recipient": "", "mode": "anonymous", "category": "pesten", "narrative": "x"},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert Report.objects.count() == 1
    keys = " ".join(str(k) for k in getattr(cache, "_cache", {}))
    assert keys and "203.0.113" not in keys and PROXY not in keys


# --- No overshoot under concurrency ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_receipt_guesses_never_exceed_the_budget(throttle_cache, settings) -> None:
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 30
    results = in_parallel(50, lambda _n: receipts.receipt_attempt_start("203.0.113.5"))
    assert results.count(True) == 30  # the tester got 34 against 30


@pytest.mark.django_db(transaction=True)
def test_parallel_global_budget_is_exact_across_sources(throttle_cache, settings) -> None:
    settings.VANGNET_RECEIPT_GLOBAL_FAILURES_PER_HOUR = 25
    results = in_parallel(40, lambda n: receipts.receipt_attempt_start(f"203.0.113.{n}"))
    assert results.count(True) == 25


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_never_exceed_the_budget(throttle_cache, settings) -> None:
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 20
    results = in_parallel(40, lambda _n: receipts.submission_start("203.0.113.5"))
    assert results.count(True) == 20  # the tester got 23 against 20 with Redis


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_codes_over_http_get_exactly_the_budget(throttle_cache, live_server, organisation,
                                                                advisor, submit, settings) -> None:
    """End to end through a threaded server: 40 wrong codes at once, 30 answered, 10 refused."""
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 30
    _report, code = submit()
    session = requests.Session()
    statuses = in_parallel(40, lambda _n: session.get(
        f"{live_server.url}{API}/reports/current", headers={"X-Receipt": WRONG}, timeout=60).status_code)
    assert Counter(statuses) == {401: 30, 429: 10}
    # The budget is spent: even the right code waits now (the answer must not reveal a hit).
    right = session.get(f"{live_server.url}{API}/reports/current", headers={"X-Receipt": code}, timeout=60)
    assert right.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_right_codes_in_parallel_spend_no_budget(throttle_cache, organisation, advisor, submit,
                                                 settings) -> None:
    settings.VANGNET_RECEIPT_SOURCE_FAILURES_PER_HOUR = 5

    def attempt(_n: int) -> bool:
        if not receipts.receipt_attempt_start("203.0.113.5"):
            return False
        receipts.receipt_attempt_succeeded("203.0.113.5")
        return True

    assert in_parallel(20, attempt).count(True) >= 5
    # Afterwards the whole budget is still there for honest typos.
    assert [receipts.receipt_attempt_start("203.0.113.5") for _ in range(6)] == [True] * 5 + [False]


def test_counters_in_redis_always_expire(settings) -> None:
    """A counter without expiry would never be cleaned up (Django's own incr can leave one)."""
    import redis

    settings.CACHES = _redis_caches()
    _forget_redis_keys()
    raw = redis.Redis.from_url(REDIS_TEST_URL)
    assert receipts.submission_start("203.0.113.5") and receipts.submission_start("203.0.113.5")
    receipts.submission_refused("203.0.113.5")
    [key] = raw.keys(f"{REDIS_PREFIX}:*")
    assert int(raw.get(key)) == 1 and 0 < raw.ttl(key) <= receipts.TIMEOUT
    receipts.submission_refused("203.0.113.5")
    receipts.submission_refused("203.0.113.5")  # more releases than reservations
    for key in raw.keys(f"{REDIS_PREFIX}:*"):  # never negative, never without expiry
        assert int(raw.get(key)) >= 0 and 0 < raw.ttl(key) <= receipts.TIMEOUT
    _forget_redis_keys()


# --- Refusals answer 429; reporter messages are throttled -----------------------------------


def test_refused_web_submission_is_a_429_and_keeps_the_text(client, organisation, advisor,
                                                            settings) -> None:
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 1
    url = reverse("reporting:report_new", args=[organisation.slug])
    data = {"recipient": "", "mode": "anonymous", "category": "pesten", "narrative": "Mijn verhaal"}
    assert client.post(url, data).status_code == 303 and Report.objects.count() == 1
    refused = client.post(url, data)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Vanaf dit netwerk zijn net veel meldingen verstuurd" in page
    assert "Mijn verhaal" in page  # nothing typed is lost
    assert Report.objects.count() == 1
    # A form with an error is not a submission: it costs nothing (and is no 429).
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 2
    assert client.post(url, {**data, "category": ""}).status_code == 200
    assert client.post(url, data).status_code == 303 and Report.objects.count() == 2


def test_api_submission_budget_is_spent_only_by_reports_sent(client, organisation, advisor,
                                                              settings) -> None:
    settings.VANGNET_REPORT_SUBMISSIONS_PER_SOURCE_PER_HOUR = 1
    url = f"{API}/organisations/{organisation.slug}/reports"
    bad = client.post(url, {"category": "pesten", "mode": "anonymous"}, content_type="application/json")
    assert bad.status_code == 422  # refused for its content: no place is used
    good = {"category": "pesten", "mode": "anonymous", "narrative": "Er gebeurde iets."}
    assert client.post(url, good, content_type="application/json").status_code == 201
    assert client.post(url, good, content_type="application/json").status_code == 429
    assert Report.objects.count() == 1


def _open_as_reporter(client: Any, organisation: Any, code: str, **headers: str) -> None:
    response = client.post(reverse("reporting:return", args=[organisation.slug]), {"code": code}, **headers)
    assert response.status_code == 302


def test_reporter_messages_on_the_web_are_limited_per_report(client, organisation, advisor, submit,
                                                            settings, mailoutbox,
                                                            django_capture_on_commit_callbacks) -> None:
    settings.VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR = 3
    report, code = submit(recipient=advisor)
    _open_as_reporter(client, organisation, code)
    url = reverse("reporting:reporter_report", args=[organisation.slug])
    mails_at_start = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            assert client.post(url, {"body": f"Aanvulling {number}"}).status_code == 302
    mails_before = len(mailoutbox)
    assert mails_before == mails_at_start + 3  # each accepted message e-mailed the advisor
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"body": "Nog een aanvulling"})
    assert refused.status_code == 429
    assert "Je hebt in korte tijd veel berichten gestuurd" in refused.content.decode()
    assert Message.objects.filter(report=report).count() == 3
    assert len(mailoutbox) == mails_before  # nobody was e-mailed about the refused message
    # Another report (another reporter behind the same address) is not affected.
    _other, other_code = submit(recipient=advisor)
    _open_as_reporter(client, organisation, other_code)
    assert client.post(url, {"body": "Mijn eigen bericht"}).status_code == 302


def test_reporter_messages_through_the_api_are_limited_per_report_and_per_source(
        client, organisation, advisor, submit, settings) -> None:
    settings.VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR = 2
    settings.VANGNET_REPORTER_MESSAGES_PER_SOURCE_PER_HOUR = 3
    _first, first_code = submit(recipient=advisor)
    _second, second_code = submit(recipient=advisor)
    url = f"{API}/reports/current/messages"

    def post(code: str, address: str) -> int:
        return client.post(url, {"body": "Aanvulling"}, content_type="application/json",
                           HTTP_X_RECEIPT=code, REMOTE_ADDR=address).status_code

    assert [post(first_code, "203.0.113.1") for _ in range(3)] == [201, 201, 429]  # per report
    # An empty message is refused for its content and uses neither budget.
    assert client.post(url, {"body": ""}, content_type="application/json", HTTP_X_RECEIPT=second_code,
                       REMOTE_ADDR="203.0.113.1").status_code == 422
    assert post(second_code, "203.0.113.1") == 201  # the source's third message
    assert post(second_code, "203.0.113.1") == 429  # per source
    assert post(second_code, "198.51.100.1") == 201  # same report, elsewhere: its second
    assert post(second_code, "192.0.2.1") == 429  # the report's budget of 2 is spent


@pytest.mark.django_db(transaction=True)
def test_parallel_reporter_messages_never_exceed_the_budget(throttle_cache, settings) -> None:
    settings.VANGNET_REPORTER_MESSAGES_PER_REPORT_PER_HOUR = 10
    results = in_parallel(30, lambda n: receipts.message_start(report_id=7, source=f"203.0.113.{n}"))
    assert results.count(True) == 10
