"""The Hijri (Umm al-Qura) calendar, once: month names and turning a written Hijri date into a day.

Everything that shows or reads a Hijri date (the screens, the ticket, the reports, the centre's
special days) takes the names and the rules from here. The names are hijridate's, as Saudi
official documents spell them (docs/decisions/qt-hijri-names.md): month 4 is "ربيع الآخر" /
"Rabi' al-Akhir".

Day 30: a Hijri month has 29 or 30 days, and which one is known only when the moon is sighted
(the Umm al-Qura table decides it ahead). People write "30 Ramadan" before that, so day 30 of a
29-day month means the month's last day; day 31, or any other day past the end, is refused.
"""

from __future__ import annotations

from datetime import date

from hijridate import Gregorian, Hijri

HIJRI_MONTHS_AR = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)
HIJRI_MONTHS_EN = (
    "Muharram", "Safar", "Rabi' al-Awwal", "Rabi' al-Akhir", "Jumada al-Ula", "Jumada al-Akhirah",
    "Rajab", "Sha'ban", "Ramadan", "Shawwal", "Dhu al-Qa'dah", "Dhu al-Hijjah",
)
FIRST_YEAR, LAST_YEAR = 1343, 1500  # the Umm al-Qura table hijridate carries


class HijriDateError(ValueError):
    """A Hijri date that does not exist or lies outside the Umm al-Qura table (English message;
    `reason` says which: "year", "month" or "day", with `length` the month's days for "day")."""

    def __init__(self, message: str, reason: str, length: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.length = length


def month_name(month: int, lang: str) -> str:
    return (HIJRI_MONTHS_AR if lang == "ar" else HIJRI_MONTHS_EN)[month - 1]


def month_length(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise HijriDateError(f"there is no Hijri month {month}", "month")
    try:
        return Hijri(year, month, 1).month_length()
    except (ValueError, OverflowError):
        raise HijriDateError(
            f"Hijri year {year} is outside the Umm al-Qura calendar ({FIRST_YEAR}-{LAST_YEAR})", "year"
        ) from None


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian day of a written Hijri date (day 30 of a 29-day month: its last day)."""
    length = month_length(year, month)
    if day == 30 and length == 29:
        day = 29
    if not 1 <= day <= length:
        raise HijriDateError(f"Hijri month {year}-{month:02d} has {length} days", "day", length)
    try:
        return date(*Hijri(year, month, day).to_gregorian().datetuple())
    except (ValueError, OverflowError):
        raise HijriDateError("outside the Umm al-Qura calendar", "year") from None


def from_gregorian(day: date) -> tuple[int, int, int]:
    """(year, month, day) in Hijri; a HijriDateError outside the table."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (ValueError, OverflowError) as error:
        raise HijriDateError(str(error), "year") from None
    return hijri.year, hijri.month, hijri.day
