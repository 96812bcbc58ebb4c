"""The shared browser login helper never types a TOTP code from a step it used, nor one at a step's end."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _fresh_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_used_steps", {})


def test_a_second_login_in_the_same_step_waits_for_the_next_step() -> None:
    clock = FakeClock(30_000 * 30 + 1.0)  # 29 s left in this step
    first = browser.fresh_totp_step("S", clock=clock, sleep=clock.sleep)
    assert first == 30_000 and clock.slept == []
    second = browser.fresh_totp_step("S", clock=clock, sleep=clock.sleep)
    assert second == first + 1
    assert clock.now >= (first + 1) * 30  # it waited until the next step began


def test_a_code_at_the_end_of_its_step_is_never_typed() -> None:
    clock = FakeClock(30_000 * 30 + 30 - browser.TOTP_MARGIN_SECONDS + 0.5)
    step = browser.fresh_totp_step("S", clock=clock, sleep=clock.sleep)
    assert step == 30_001 and len(clock.slept) == 1


def test_other_secrets_and_other_people_do_not_wait() -> None:
    clock = FakeClock(30_000 * 30 + 1.0)
    browser.fresh_totp_step("A", clock=clock, sleep=clock.sleep)
    browser.fresh_totp_step("B", clock=clock, sleep=clock.sleep)
    browser.fresh_totp_step("A", "anna@example.org", clock=clock, sleep=clock.sleep)
    browser.fresh_totp_step("A", "hans@example.org", clock=clock, sleep=clock.sleep)
    assert clock.slept == []
    browser.fresh_totp_step("A", "anna@example.org", clock=clock, sleep=clock.sleep)
    assert len(clock.slept) == 1  # the same person again: the next step


def test_the_code_is_the_one_an_authenticator_shows_for_that_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from support.people import TOTP_SECRET

    monkeypatch.setattr(browser, "fresh_totp_step", lambda secret, person="": 12345)
    assert browser.fresh_totp_code(TOTP_SECRET) == format_hotp_value(hotp_value(TOTP_SECRET, 12345))
