"""Appointment slots: which slots a service offers on a day, from its opening hours.

Slots follow the service's hours (its own, or the centre's) and its special days, so a
Ramadan span shortens the day and an Eid closure offers none. Part of each hour is kept for
walk-ins: core.bookings lets appointments take at most the rest of the hour's places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field

from core.hours import OpeningHours, Span


class AppointmentsConfig(BaseModel):
    """A service's appointment settings ([services.appointments] in the centre file)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="Whether the service takes appointments.")
    slot_minutes: int = Field(15, ge=5, le=240, description="Length of one slot.")
    capacity: int = Field(1, ge=1, le=100, description="Bookings one slot can hold.")
    days_ahead: int = Field(14, ge=0, le=90, description="How many days ahead a slot can be booked.")
    walk_in_share: float = Field(
        0.5, ge=0, le=1, description="Share of each hour's capacity kept for walk-ins (0 to 1)."
    )
    max_future_per_mobile: int = Field(2, ge=1, le=20, description="Future bookings one mobile number may hold.")
    check_in_open_minutes: int = Field(30, ge=0, le=240, description="Check-in opens this long before the slot.")
    grace_minutes: int = Field(10, ge=0, le=120, description="After this a late visitor gets a normal ticket.")

    @property
    def bookable_capacity(self) -> int:
        """Bookings a slot takes once the walk-in share is kept back (rounded down)."""
        return max(0, math.floor(self.capacity * (1 - self.walk_in_share) + 1e-9))


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime  # local, naive, in the centre's zone
    minutes: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


def _spans_on(hours: OpeningHours, day: date) -> tuple[Span, ...]:
    for special in hours.special:
        if special.covers(day):
            return special.spans
    if hours.always_open:
        return (Span(time(0, 0), time.max),)
    return hours.weekly.get(day.weekday(), ())


def day_slots(hours: OpeningHours, day: date, settings: AppointmentsConfig) -> list[Slot]:
    """The slots of one day: whole slots that fit inside each opening span, in order."""
    if not settings.enabled or settings.walk_in_share >= 1:
        return []
    length = timedelta(minutes=settings.slot_minutes)
    slots: list[Slot] = []
    for span in _spans_on(hours, day):
        start = datetime.combine(day, span.start)
        end = datetime.combine(day + timedelta(days=1), time(0, 0)) if span.end == time.max else datetime.combine(day, span.end)
        while start + length <= end:
            slots.append(Slot(start, settings.slot_minutes))
            start += length
    return slots


def bookable_days(today: date, settings: AppointmentsConfig) -> list[date]:
    """Today and the following days_ahead days."""
    return [today + timedelta(days=n) for n in range(settings.days_ahead + 1)]
