"""Opening hours: per weekday, with date ranges (Gregorian or Hijri) that override them.

The Saudi government week runs Sunday–Thursday; Ramadan hours and Eid holidays are the usual
overrides, and centres often know them by their Hijri dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum

from core.hijri import HijriDateError, from_gregorian
from core.hijri import to_gregorian as hijri_to_gregorian

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()


class Calendar(str, Enum):
    GREGORIAN = "gregorian"
    HIJRI = "hijri"


@dataclass(frozen=True, slots=True)
class Span:
    start: time
    end: time  # exclusive; time.max stands for 24:00

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end or (self.end == time.max and moment >= self.start)


def parse_span(text: str) -> Span:
    """`"08:00-14:30"` → Span; `"24:00"` is allowed as an end. Raises ValueError with the reason."""
    parts = text.replace(" ", "").split("-")
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not a time span like '08:00-14:30'")
    start, end = (_parse_clock(p, text) for p in parts)
    if end != time.max and end <= start:
        raise ValueError(f"'{text}' ends before it starts (a span cannot cross midnight; split it in two days)")
    return Span(start, end)


def _parse_clock(value: str, whole: str) -> time:
    if value == "24:00":
        return time.max
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"'{value}' in '{whole}' is not a time of day like 08:00") from None


def parse_day(text: str, calendar: Calendar) -> date:
    """A `YYYY-MM-DD` date in either calendar, as a Gregorian date.

    Hijri dates follow core.hijri's rules (day 30 of a 29-day month is its last day).
    """
    try:
        year, month, day = (int(p) for p in text.split("-"))
    except ValueError:
        raise ValueError(f"'{text}' is not a date like 2026-03-01 (or 1447-09-01 in Hijri)") from None
    if calendar is Calendar.GREGORIAN:
        try:
            return date(year, month, day)
        except ValueError as error:
            raise ValueError(f"'{text}' is not a valid Gregorian date: {error}") from None
    try:
        return hijri_to_gregorian(year, month, day)
    except HijriDateError as error:
        raise ValueError(f"'{text}' is not a valid Hijri (Umm al-Qura) date: {error}") from None


@dataclass(frozen=True, slots=True)
class SpecialDays:
    """A date range whose hours replace the weekly ones (empty spans: closed)."""

    name: str
    first: date
    last: date
    spans: tuple[Span, ...]

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class OpeningHours:
    always_open: bool = True
    weekly: dict[int, tuple[Span, ...]] = field(default_factory=dict)  # weekday index → spans
    special: tuple[SpecialDays, ...] = ()

    def state_at(self, local: datetime) -> tuple[bool, str | None]:
        """(open?, reason when closed: 'holiday' or 'outside_hours') at a local time."""
        day, moment = local.date(), local.time()
        for special in self.special:
            if special.covers(day):
                if not special.spans:
                    return False, "holiday"
                return (True, None) if any(s.contains(moment) for s in special.spans) else (False, "outside_hours")
        if self.always_open:
            return True, None
        spans = self.weekly.get(day.weekday(), ())
        return (True, None) if any(s.contains(moment) for s in spans) else (False, "outside_hours")


def hijri_of(day: date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in the Umm al-Qura calendar."""
    return from_gregorian(day)
