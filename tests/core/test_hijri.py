"""The Hijri calendar exists once: one spelling of the months, one rule for day 30."""

from __future__ import annotations

from datetime import date

import pytest

from core import hijri
from core.hours import Calendar, parse_day
from core.errors import BadInput
from reports import dates as report_dates


def test_every_surface_spells_the_months_the_same_way():
    from printer import wording
    from qt_common.i18n import text_of

    assert wording.HIJRI_MONTHS_AR is hijri.HIJRI_MONTHS_AR and wording.HIJRI_MONTHS_EN is hijri.HIJRI_MONTHS_EN
    assert report_dates.HIJRI_MONTHS_AR is hijri.HIJRI_MONTHS_AR and report_dates.HIJRI_MONTHS_EN is hijri.HIJRI_MONTHS_EN
    for month in range(1, 13):
        names = text_of(f"date.hijri_month.{month}")
        assert (names.ar, names.en) == (hijri.HIJRI_MONTHS_AR[month - 1], hijri.HIJRI_MONTHS_EN[month - 1])
    # Safar 1447 begins on 26 July 2025 (Umm al-Qura): the ticket and the report say the same.
    assert wording.hijri_text(__import__("datetime").datetime(2025, 11, 24))[1] == report_dates.hijri_text(date(2025, 11, 24), "en").replace(" AH", " AH")


def test_day_30_of_a_29_day_month_is_its_last_day_for_the_hours_and_the_reports_alike():
    # Safar 1447 has 29 days in the Umm al-Qura table.
    assert hijri.month_length(1447, 2) == 29
    last = hijri.to_gregorian(1447, 2, 29)
    assert hijri.to_gregorian(1447, 2, 30) == last
    assert parse_day("1447-02-30", Calendar.HIJRI) == last
    assert report_dates.parse_report_date("1447-02-30") == last
    with pytest.raises(hijri.HijriDateError):
        hijri.to_gregorian(1447, 2, 31)
    with pytest.raises(BadInput):
        report_dates.parse_report_date("1447-02-31")
    with pytest.raises(ValueError):
        parse_day("1447-02-31", Calendar.HIJRI)
    with pytest.raises(BadInput):
        report_dates.parse_report_date("1600-01-01h")
