"""Opening hours: weekly spans, Hijri and Gregorian special days, holidays."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.config import SpecialDaysConfig, build_hours
from core.hours import Calendar, parse_day, parse_span


def test_span_parsing_and_faults():
    """Spans parse, 24:00 ends a day, and a backwards or malformed span says what is wrong."""
    span = parse_span("07:30-14:30")
    assert span.contains(time(7, 30)) and span.contains(time(14, 29)) and not span.contains(time(14, 30))
    assert parse_span("20:00-24:00").contains(time(23, 59, 59))
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_span("14:00-08:00")
    with pytest.raises(ValueError, match="not a time of day"):
        parse_span("8am-2pm")
    with pytest.raises(ValueError, match="not a time span"):
        parse_span("08:00")


def test_hijri_dates_convert_to_gregorian():
    """1 Ramadan 1448 (Umm al-Qura) is 8 February 2027; day 30 of a 29-day month is its last day."""
    assert parse_day("1448-09-01", Calendar.HIJRI) == date(2027, 2, 8)
    assert parse_day("1448-09-30", Calendar.HIJRI) == parse_day("1448-09-29", Calendar.HIJRI)
    with pytest.raises(ValueError, match="Hijri"):
        parse_day("1448-13-01", Calendar.HIJRI)
    with pytest.raises(ValueError, match="not a date"):
        parse_day("first of Ramadan", Calendar.HIJRI)


def test_weekly_hours_follow_the_saudi_week():
    """Open Sunday to Thursday in the morning; closed Friday and Saturday."""
    workweek = {day: ["07:30-14:30"] for day in ("sun", "mon", "tue", "wed", "thu")}
    hours = build_hours(workweek, [])
    assert hours.state_at(datetime(2026, 11, 22, 9, 0)) == (True, None)  # Sunday
    assert hours.state_at(datetime(2026, 11, 22, 15, 0)) == (False, "outside_hours")
    assert hours.state_at(datetime(2026, 11, 27, 9, 0)) == (False, "outside_hours")  # Friday


def test_special_days_override_weekly_hours():
    """Ramadan hours (Hijri) replace the weekly hours; an Eid holiday closes the centre."""
    workweek = {day: ["07:30-14:30"] for day in ("sun", "mon", "tue", "wed", "thu")}
    ramadan = SpecialDaysConfig.model_validate({"name": "Ramadan", "from": "1448-09-01", "to": "1448-09-30", "calendar": "hijri", "hours": ["10:00-15:00"]})
    eid = SpecialDaysConfig.model_validate({"name": "Eid", "from": "2027-03-09", "to": "2027-03-12", "closed": True})
    hours = build_hours(workweek, [ramadan, eid])
    ramadan_sunday = datetime(2027, 2, 14, 8, 0)
    assert hours.state_at(ramadan_sunday) == (False, "outside_hours")
    assert hours.state_at(ramadan_sunday.replace(hour=14, minute=45)) == (True, None)
    assert hours.state_at(datetime(2027, 3, 10, 11, 0)) == (False, "holiday")
