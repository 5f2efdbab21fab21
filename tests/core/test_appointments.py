"""Appointment slots follow the service's hours and special days, and bad settings are refused."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.appointments import AppointmentsConfig, day_slots
from core.config import build_hours, parse_config, SpecialDaysConfig
from core.errors import ConfigError

CENTRE = """
[centre]
name_ar = "مركز"
name_en = "Centre"
hours = {{ sun = ["08:00-10:00", "11:00-12:00"], mon = ["08:00-10:00"] }}

[[services]]
code = "A"
name_ar = "خدمة"
name_en = "Service"
[services.appointments]
{appointments}

[[counters]]
number = 1
services = ["*"]
"""


def test_slots_follow_the_weekly_spans():
    """A Sunday with two spans gives whole 30-minute slots inside each, none across the gap."""
    config = parse_config(CENTRE.format(appointments="enabled = true\nslot_minutes = 30\ncapacity = 4"))
    settings = config.services[0].appointments
    hours = build_hours(config.centre.hours, [])
    sunday = date(2026, 12, 6)
    starts = [slot.start.time() for slot in day_slots(hours, sunday, settings)]
    assert starts == [time(8, 0), time(8, 30), time(9, 0), time(9, 30), time(11, 0), time(11, 30)]
    assert settings.bookable_capacity == 2  # half of each slot is kept for walk-ins
    assert day_slots(hours, date(2026, 12, 5), settings) == []  # Saturday: closed


def test_special_days_close_or_shorten():
    """An Eid closure offers no slot on its day; the next day keeps its weekly slots."""
    settings = AppointmentsConfig(enabled=True, slot_minutes=60, capacity=2, walk_in_share=0)
    eid = SpecialDaysConfig(name="Eid", calendar="gregorian", start="2026-12-06", end="2026-12-06", closed=True)
    hours = build_hours({"sun": ["08:00-12:00"], "mon": ["08:00-12:00"]}, [eid])
    assert day_slots(hours, date(2026, 12, 6), settings) == []
    assert len(day_slots(hours, date(2026, 12, 7), settings)) == 4


def test_disabled_or_all_walk_in_offers_nothing():
    """A service without appointments, or keeping every place for walk-ins, has no slots."""
    hours = build_hours({"sun": ["08:00-12:00"]}, [])
    sunday = date(2026, 12, 6)
    assert day_slots(hours, sunday, AppointmentsConfig()) == []
    assert day_slots(hours, sunday, AppointmentsConfig(enabled=True, walk_in_share=1)) == []


@pytest.mark.parametrize(
    "appointments, key",
    [
        ("slot_minutes = 0", "slot_minutes"),
        ("capacity = -1", "capacity"),
        ("capacity = 100000000000", "capacity"),
        ("walk_in_share = 1.5", "walk_in_share"),
        ("days_ahead = 'soon'", "days_ahead"),
        ("colour = 'red'", "colour"),
    ],
)
def test_bad_settings_name_the_key(appointments, key):
    """Wrong, huge and unknown settings are refused with the key named."""
    with pytest.raises(ConfigError) as caught:
        parse_config(CENTRE.format(appointments=appointments))
    assert key in str(caught.value)
