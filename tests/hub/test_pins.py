"""The PIN guard's rules, in-process: lockout per (name, place), the shared slow-down, throttles, weak PINs."""

from __future__ import annotations

import pytest

from core.errors import BadInput, RateLimited
from core.security import check_pin_strength, weak_pin_reason
from hub.pins import PinGuard
from tests.support import Clock


def fail(guard: PinGuard, name: str, place: str, times: int = 1) -> None:
    for _ in range(times):
        guard.begin(name, place)
        guard.finish(name, place, False)


def test_five_wrong_pins_lock_the_name_at_that_place_only():
    """Guesses from one display lock the supervisor out there, not at their own counter."""
    clock = Clock(1000.0)
    guard = PinGuard(5, 300, clock=clock)
    fail(guard, "super", "device:7", 5)
    with pytest.raises(RateLimited) as locked:
        guard.begin("super", "device:7")
    assert locked.value.code == "locked_out" and 0 < locked.value.retry_after <= 300
    guard.begin("super", "device:2")  # the supervisor's own counter is untouched
    guard.finish("super", "device:2", True)
    clock.advance(301)
    guard.begin("super", "device:7")


def test_tries_in_flight_count_toward_the_lockout():
    """Parallel guesses reserve their tries before hashing, so they cannot slip past the limit."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    for _ in range(5):
        guard.begin("clerk1", "device:3")
    with pytest.raises(RateLimited):
        guard.begin("clerk1", "device:3")


def test_unknown_and_known_names_are_locked_out_alike():
    """The guard never looks a name up: any name gets the same five tries and the same refusal."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    refusals = []
    for name in ("super", "no-such-clerk"):
        fail(guard, name, "device:9", 5)
        with pytest.raises(RateLimited) as locked:
            guard.begin(name, "device:9")
        refusals.append((locked.value.status, locked.value.to_json(), locked.value.retry_after))
    assert refusals[0] == refusals[1]


def test_many_places_together_are_slowed_per_name():
    """Failing places share one allowance per name: twenty devices cannot guess twenty times as fast."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    tries = 0
    with pytest.raises(RateLimited) as slowed:
        for device in range(20):
            fail(guard, "super", f"device:{device}", 1)  # each place's first failure is free
            tries += 1
            fail(guard, "super", f"device:{device}", 1)  # the second draws from the shared allowance
            tries += 1
    assert slowed.value.code == "locked_out" and tries < 25
    guard.begin("super", "device:99")  # a place that never failed is not slowed


def test_success_clears_the_count_and_forget_lifts_lockouts():
    """A right PIN resets its place's count; a PIN reset lifts every lockout of the name."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    fail(guard, "clerk2", "device:1", 4)
    guard.begin("clerk2", "device:1")
    guard.finish("clerk2", "device:1", True)
    fail(guard, "clerk2", "device:1", 4)
    guard.begin("clerk2", "device:1")  # still allowed: the count restarted
    guard.finish("clerk2", "device:1", False)
    with pytest.raises(RateLimited):
        guard.begin("clerk2", "device:1")
    guard.forget("CLERK2")
    guard.begin("clerk2", "device:1")


def test_a_flood_of_wrong_pins_from_one_place_is_throttled():
    """A device or address sending wrong PINs fast is refused (rate_limited) before any hashing."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    with pytest.raises(RateLimited) as throttled:
        for _ in range(50):
            guard.throttle("device:4", "address:10.0.0.9")
    assert throttled.value.code == "rate_limited"
    guard.throttle("device:5", "address:10.0.0.10")  # other places are not touched


def test_right_pins_never_count_toward_the_throttle():
    """A hall whose hundred counters log in from one address (a demo PC, a NAT) is not slowed."""
    guard = PinGuard(5, 300, clock=Clock(0.0))
    for counter in range(100):
        guard.throttle(f"device:{counter}", "address:10.0.0.1")
        guard.begin(f"clerk{counter}", f"device:{counter}")
        guard.finish(f"clerk{counter}", f"device:{counter}", True)
        guard.right_from(f"device:{counter}", "address:10.0.0.1")


@pytest.mark.parametrize("pin", ["0000", "1111", "9999", "1234", "4321", "0123", "9876", "123456", "7890", "1212", "2580", "000000"])
def test_weak_pins_are_refused(pin: str):
    """Repeated digits, runs and the most common PINs are refused with weak_pin and an Arabic message."""
    assert weak_pin_reason(pin) is not None
    with pytest.raises(BadInput) as refused:
        check_pin_strength(pin)
    assert refused.value.code == "weak_pin" and refused.value.message_ar


@pytest.mark.parametrize("pin", ["4829", "7391", "482913", "2468", "135790", "111222"])
def test_ordinary_pins_are_accepted(pin: str):
    """PINs without an obvious pattern pass."""
    check_pin_strength(pin)
