"""Ticket numbering: per service, per business day, with a letter prefix, a range and a cap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def business_day(now_epoch: float, tz: ZoneInfo, rollover_hour: int) -> date:
    """The business day an instant belongs to: the local date, minus one before the rollover hour."""
    local = datetime.fromtimestamp(now_epoch, tz=timezone.utc).astimezone(tz)
    day = local.date()
    if local.hour < rollover_hour:
        day -= timedelta(days=1)
    return day


def next_rollover(now_epoch: float, tz: ZoneInfo, rollover_hour: int) -> float:
    """Epoch seconds of the next business-day start after `now_epoch`."""
    day = business_day(now_epoch, tz, rollover_hour) + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, rollover_hour, tzinfo=tz)
    return start.timestamp()


@dataclass(frozen=True, slots=True)
class NumberRange:
    start: int
    end: int
    wrap: bool = False

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    @property
    def width(self) -> int:
        """Digits printed: the range end's width, at least three (A-001 … A-999)."""
        return max(3, len(str(self.end)))


class RangeExhausted(Exception):
    pass


def number_for(sequence: int, number_range: NumberRange) -> int:
    """The printed number of the `sequence`-th ticket (1-based) of a service's day.

    Without wrap-around the range simply runs out. With it, numbering starts again at the
    range start; the store still keeps each ticket's day sequence unique, so a number is
    reused only after the whole range has been handed out that day.
    """
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    offset = sequence - 1
    if offset >= number_range.size:
        if not number_range.wrap:
            raise RangeExhausted
        offset %= number_range.size
    return number_range.start + offset


def format_label(code: str, number: int, number_range: NumberRange) -> str:
    """`A-007`: the service letter, a hyphen and the zero-padded number in Western digits."""
    return f"{code}-{number:0{number_range.width}d}"
