"""Gregorian and Hijri dates and clock times in both languages.

Expected Hijri dates come from outside this code: hijridate's README example
(2 December 1982 = 17 Safar 1403) and the Umm al-Qura calendar as published for 1447–1448
(1 Ramadan 1447 = Wednesday 18 February 2026; 1 Jumada al-Akhirah 1448 = 11 November 2026,
so 24 November 2026 = 14 Jumada al-Akhirah 1448).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hijridate import Gregorian, Hijri

from qt_common.dates import (
    HijriRangeError,
    format_gregorian,
    format_hijri,
    format_hub_time,
    format_time,
    hijri_date,
    parse_hub_time,
)
from qt_common.i18n import text_of


def test_gregorian_in_both_languages() -> None:
    """24 November 2026 is a Tuesday, written in Arabic and English with Western digits."""
    assert format_gregorian(date(2026, 11, 24), "ar") == "الثلاثاء 24 نوفمبر 2026"
    assert format_gregorian(date(2026, 11, 24), "en") == "Tuesday 24 November 2026"


def test_hijri_of_the_reference_day() -> None:
    """24 November 2026 is 14 Jumada al-Akhirah 1448 in Umm al-Qura."""
    assert hijri_date(date(2026, 11, 24)) == (1448, 6, 14)
    assert format_hijri(date(2026, 11, 24), "ar") == "14 جمادى الآخرة 1448هـ"
    assert format_hijri(date(2026, 11, 24), "en") == "14 Jumada al-Akhirah 1448 AH"


def test_first_of_ramadan_1447() -> None:
    """18 February 2026 is 1 Ramadan 1447, the day after is the 2nd."""
    assert format_hijri(date(2026, 2, 18), "ar") == "1 رمضان 1447هـ"
    assert format_hijri(date(2026, 2, 19), "en") == "2 Ramadan 1447 AH"
    assert format_gregorian(date(2026, 2, 18), "ar") == "الأربعاء 18 فبراير 2026"


def test_hijridate_documentation_example() -> None:
    """The README's example date converts as documented."""
    assert format_hijri(date(1982, 12, 2), "ar") == "17 صفر 1403هـ"
    assert format_hijri(date(1982, 12, 2), "en") == "17 Safar 1403 AH"


def test_arabic_names_follow_saudi_spelling() -> None:
    """Monday is الاثنين (hamzat wasl) and month 4 is ربيع الآخر, as Umm al-Qura writes them."""
    assert format_gregorian(date(2026, 11, 23), "ar") == "الاثنين 23 نوفمبر 2026"
    assert format_hijri(Hijri(1448, 4, 10).to_gregorian(), "ar") == "10 ربيع الآخر 1448هـ"


def test_names_match_hijridate_except_the_documented_spellings() -> None:
    """Our month and weekday names are hijridate's, apart from the two deliberate spellings."""
    sample = Hijri(1448, 1, 1)
    for month in range(1, 13):
        ours = text_of(f"date.hijri_month.{month}")
        theirs_ar = Hijri(1448, month, 1).month_name("ar")
        theirs_en = Hijri(1448, month, 1).month_name("en")
        if month == 4:
            assert (ours.ar, ours.en) == ("ربيع الآخر", "Rabi' al-Akhir")
            assert (theirs_ar, theirs_en) == ("ربيع الثاني", "Rabi' al-Thani")
        else:
            assert (ours.ar, ours.en) == (theirs_ar, theirs_en)
    monday = Gregorian(2026, 11, 23)
    for offset in range(7):
        day = Gregorian.fromdate(monday + timedelta(days=offset))
        ours = text_of(f"date.weekday.{day.isoweekday()}")
        assert ours.en == day.day_name("en")
        assert ours.ar == ("الاثنين" if offset == 0 else day.day_name("ar"))
    assert sample.notation("ar") == "هـ"


def test_datetime_is_taken_as_its_date() -> None:
    """A datetime formats as its calendar day."""
    moment = datetime(2026, 11, 24, 23, 59, tzinfo=timezone(timedelta(hours=3)))
    assert format_gregorian(moment, "en") == "Tuesday 24 November 2026"


def test_hijri_outside_the_table_is_a_clear_error() -> None:
    """Dates outside Umm al-Qura's table give HijriRangeError, which is a ValueError."""
    with pytest.raises(HijriRangeError):
        format_hijri(date(1900, 1, 1), "ar")
    with pytest.raises(ValueError):
        format_hijri(date(2100, 1, 1), "en")


@pytest.mark.parametrize("bad", ["2026-11-24", None, 20261124])
def test_dates_refuse_non_dates(bad: object) -> None:
    """Text or numbers are not dates."""
    with pytest.raises(TypeError):
        format_gregorian(bad, "ar")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_hijri(bad, "ar")  # type: ignore[arg-type]


def test_time_is_24_hour_in_both_languages() -> None:
    """14:05 in both languages; seconds on request."""
    assert format_time(time(14, 5), "ar") == "14:05"
    assert format_time(datetime(2026, 11, 24, 9, 5, 7), "en") == "09:05"
    assert format_time(time(9, 5, 7), "en", seconds=True) == "09:05:07"
    with pytest.raises(TypeError):
        format_time("14:05", "ar")  # type: ignore[arg-type]


def test_hub_time_keeps_the_centre_clock() -> None:
    """A hub timestamp shows the centre's wall-clock time, whatever this machine's zone."""
    assert format_hub_time("2026-11-24T09:15:02.123+03:00") == "09:15"
    assert parse_hub_time("2026-11-24T09:15:02+03:00").utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize("bad", ["", "yesterday", "2026-11-24T09:15:02", "9" * 5000, None])
def test_hub_time_refuses_bad_text(bad: object) -> None:
    """Unreadable, offset-less or huge times are refused with a ValueError."""
    with pytest.raises(ValueError):
        parse_hub_time(bad)  # type: ignore[arg-type]
