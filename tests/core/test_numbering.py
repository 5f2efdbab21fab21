"""Numbering per service and business day: labels, ranges, wrap-around and the rollover hour."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.numbering import NumberRange, RangeExhausted, business_day, format_label, next_rollover, number_for

RIYADH = ZoneInfo("Asia/Riyadh")


def at(hour: int, minute: int = 0, day: int = 24) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=RIYADH).timestamp()


def test_business_day_starts_at_the_rollover_hour():
    """Before the rollover hour an instant still belongs to the previous business day."""
    assert business_day(at(2, 59), RIYADH, 3) == date(2026, 11, 23)
    assert business_day(at(3, 0), RIYADH, 3) == date(2026, 11, 24)
    assert business_day(at(23, 59), RIYADH, 3) == date(2026, 11, 24)
    assert business_day(at(0, 0), RIYADH, 0) == date(2026, 11, 24)


def test_business_day_uses_the_centre_time_zone():
    """21:30 UTC is already the next morning in Riyadh (UTC+3)."""
    utc_evening = datetime(2026, 11, 24, 21, 30, tzinfo=ZoneInfo("UTC")).timestamp()
    assert business_day(utc_evening, RIYADH, 0) == date(2026, 11, 25)
    assert business_day(utc_evening, ZoneInfo("UTC"), 0) == date(2026, 11, 24)


def test_next_rollover_is_the_next_day_start():
    """The next rollover after 10:00 is 03:00 the following morning."""
    assert next_rollover(at(10), RIYADH, 3) == at(3, day=25)
    assert next_rollover(at(2), RIYADH, 3) == at(3, day=24)


def test_numbers_run_through_the_range():
    """The n-th ticket of the day gets the n-th number of the range."""
    number_range = NumberRange(100, 199)
    assert number_for(1, number_range) == 100
    assert number_for(100, number_range) == 199
    with pytest.raises(RangeExhausted):
        number_for(101, number_range)


def test_wrap_around_starts_the_range_again():
    """With wrap-around the 101st ticket of a 100-number range is numbered like the first."""
    number_range = NumberRange(1, 100, wrap=True)
    assert number_for(101, number_range) == 1
    assert number_for(250, number_range) == 50


def test_labels_are_padded_to_the_range_width():
    """Labels print the letter, a hyphen and Western digits padded to the range's width."""
    assert format_label("A", 7, NumberRange(1, 999)) == "A-007"
    assert format_label("B", 42, NumberRange(1, 99)) == "B-042"
    assert format_label("C", 1234, NumberRange(1, 9999)) == "C-1234"


def test_sequence_must_be_positive():
    """A zero or negative sequence is a programming error, refused loudly."""
    with pytest.raises(ValueError):
        number_for(0, NumberRange(1, 9))
