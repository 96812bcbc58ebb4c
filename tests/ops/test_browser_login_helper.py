"""The shared browser login helper never types a TOTP code from a step it used for that person, nor one
at a step's end; every browser login goes through it (the `login` fixture too). A fake clock and a fake
page that refuses a used code as allauth does prove it without waiting for real time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import browser


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FakeLoginPage:
    """The login form and the two-factor step as allauth answers them: a code is accepted once per
    person (the used-code record) and only in its own step; a refused code stays on the 2FA page."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.url = "about:blank"
        self.fields: dict[str, str] = {}
        self.used: set[tuple[str, str]] = set()
        self.typed: list[tuple[str, str, float]] = []
        self.person = ""

    def goto(self, path: str) -> None:
        self.url = path

    def fill(self, selector: str, value: str) -> None:
        self.fields[selector] = value

    def expect_navigation(self) -> Any:
        from contextlib import nullcontext

        return nullcontext()

    def click(self, selector: str) -> None:
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        from support.people import TOTP_SECRET

        if self.url == "/accounts/login/":
            self.person = self.fields["input[name=login]"]
            self.url = "/accounts/2fa/authenticate/"
            return
        code = self.fields["input[name=code]"]
        self.typed.append((self.person, code, self.clock.now))
        current = format_hotp_value(hotp_value(TOTP_SECRET, int(self.clock.now // 30)))
        if code == current and (self.person, code) not in self.used:
            self.used.add((self.person, code))
            self.url = "/o/home/"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(30_000 * 30 + 1.0)  # 29 s left in step 30 000
    monkeypatch.setattr(browser, "_clock", fake)
    monkeypatch.setattr(browser, "_sleep", fake.sleep)
    return fake


@pytest.fixture
def page(clock: FakeClock) -> Iterator[FakeLoginPage]:
    """Replaces the real browser page of tests/conftest.py for this module's `login` fixture."""
    yield FakeLoginPage(clock)


@pytest.fixture(autouse=True)
def _fresh_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_used_steps", {})


def test_a_second_login_in_the_same_step_waits_for_the_next_step(clock: FakeClock) -> None:
    first = browser.fresh_totp_step("S")
    assert first == 30_000 and clock.slept == []
    second = browser.fresh_totp_step("S")
    assert second == first + 1
    assert clock.now >= (first + 1) * 30  # it waited until the next step began


def test_a_code_at_the_end_of_its_step_is_never_typed(clock: FakeClock) -> None:
    clock.now = 30_000 * 30 + 30 - browser.TOTP_MARGIN_SECONDS + 0.5
    step = browser.fresh_totp_step("S")
    assert step == 30_001 and len(clock.slept) == 1


def test_other_secrets_and_other_people_do_not_wait(clock: FakeClock) -> None:
    browser.fresh_totp_step("A", "anna@example.org")
    browser.fresh_totp_step("B", "anna@example.org")
    browser.fresh_totp_step("A", "hans@example.org")
    assert clock.slept == []
    browser.fresh_totp_step("A", "Anna@Example.org ")  # the same login, typed differently
    assert len(clock.slept) == 1


def test_a_code_typed_without_the_person_counts_for_everyone(clock: FakeClock) -> None:
    """answer_totp(page, secret) on a page already at the 2FA step does not know who logs in."""
    browser.fresh_totp_step("A", "anna@example.org")
    browser.fresh_totp_step("A")  # may be Anna again: the next step
    assert len(clock.slept) == 1
    browser.fresh_totp_step("A", "hans@example.org")  # may have been Hans: the next step again
    assert len(clock.slept) == 2


def test_forgetting_goes_with_the_cache_that_holds_allauths_record(clock: FakeClock) -> None:
    browser.fresh_totp_step("A", "anna@example.org")
    browser.forget_used_totp_steps()
    browser.fresh_totp_step("A", "anna@example.org")
    assert clock.slept == []


def test_the_code_is_the_one_an_authenticator_shows_for_that_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from support.people import TOTP_SECRET

    monkeypatch.setattr(browser, "fresh_totp_step", lambda secret, person="": 12345)
    assert browser.fresh_totp_code(TOTP_SECRET) == format_hotp_value(hotp_value(TOTP_SECRET, 12345))


def test_the_login_fixture_logs_the_same_person_in_twice_in_one_step(
    login: Any, page: FakeLoginPage, clock: FakeClock
) -> None:
    """What conduct, signals and workshops used to patch in their own tests: the `login` fixture of
    tests/conftest.py typed the current code again and allauth refused it."""
    login("coordinator@example.org")
    login("advisor@example.org")  # someone else: no wait
    assert clock.slept == []
    login("coordinator@example.org")  # same step: the helper waits for the next one
    assert page.url == "/o/home/"
    (_, first, _), _, (_, again, at) = page.typed
    assert again != first and at >= (30_000 + 1) * 30


def test_a_second_browser_context_shares_the_memory(page: FakeLoginPage, clock: FakeClock) -> None:
    other = FakeLoginPage(clock)
    other.used = page.used  # one server, one record of used codes
    browser.login(page, "vp@example.org")
    browser.login(other, "vp@example.org")
    assert other.url == "/o/home/" and len(clock.slept) == 1
