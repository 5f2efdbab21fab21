"""Estimated wait, PIN hashing and tokens."""

from __future__ import annotations

import pytest

from core.errors import BadInput
from core.eta import estimate_wait_seconds, recent_average_service_seconds
from core.security import check_pin_format, hash_pin, token_hash, verify_pin


def test_eta_is_ahead_times_average_over_open_counters():
    """5 ahead × 240 s ÷ 2 counters = 600 s; no open counter: unknown."""
    assert estimate_wait_seconds(5, 240, 2) == 600
    assert estimate_wait_seconds(0, 240, 2) == 0
    assert estimate_wait_seconds(5, 240, 0) is None
    with pytest.raises(ValueError):
        estimate_wait_seconds(-1, 240, 1)


def test_average_uses_history_and_ignores_slips():
    """The recent mean is used when there is one; sub-5-second services are treated as slips."""
    assert recent_average_service_seconds([], 300) == 300
    assert recent_average_service_seconds([200, 400, 1], 300) == 300
    assert recent_average_service_seconds([100, 200], 999) == 150


def test_pin_hash_is_salted_and_verifies():
    """The same PIN hashes differently each time, verifies, and a wrong PIN fails."""
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first != second and "1234" not in first
    assert verify_pin("1234", first) and verify_pin("1234", second)
    assert not verify_pin("1235", first)
    assert not verify_pin("1234", None)
    assert not verify_pin("1234", "garbage")


@pytest.mark.parametrize("pin", ["", "123", "12a4", "١٢٣٤", "1" * 13, " 1234"])
def test_bad_pin_formats_are_refused(pin):
    """PINs are 4-12 ASCII digits; Arabic-Indic digits, letters and spaces are refused clearly."""
    with pytest.raises(BadInput):
        check_pin_format(pin)


def test_token_hash_is_stable_and_hides_the_token():
    """Tokens are stored as a SHA-256 hex digest."""
    assert token_hash("abc") == token_hash("abc") != token_hash("abd")
    assert len(token_hash("abc")) == 64
