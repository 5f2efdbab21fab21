"""Gregorian and Hijri (Umm al-Qura) dates and clock times, in Arabic and English.

"الثلاثاء 24 نوفمبر 2026", "14 جمادى الآخرة 1448هـ"; "Tuesday 24 November 2026",
"14 Jumada al-Akhirah 1448 AH"; "14:05". Western digits in both languages.

The Hijri conversion is hijridate's Umm al-Qura table, the calendar Saudi government
bodies use; the month and weekday names come from the i18n catalogue (see
docs/decisions/qt-hijri-names.md for where they differ from hijridate's).
"""

from __future__ import annotations

from datetime import date, datetime, time

from core.hijri import HijriDateError, from_gregorian

from qt_common.i18n import Language, current_language, parse_language, text_of


class HijriRangeError(ValueError):
    """A date outside the Umm al-Qura table (1924-08-01 … 2077-11-16)."""


def _language(lang: str | Language | None) -> Language:
    return parse_language(lang) if lang is not None else current_language()


def _as_date(day: date) -> date:
    if isinstance(day, datetime):
        return day.date()
    if not isinstance(day, date):
        raise TypeError(f"expected a date, not {type(day).__name__}")
    return day


def format_gregorian(day: date, lang: str | Language | None = None) -> str:
    """"الثلاثاء 24 نوفمبر 2026" / "Tuesday 24 November 2026"."""
    day = _as_date(day)
    language = _language(lang)
    return text_of("date.gregorian").in_language(language).format(
        weekday=text_of(f"date.weekday.{day.isoweekday()}").in_language(language),
        day=day.day,
        month=text_of(f"date.gregorian_month.{day.month}").in_language(language),
        year=day.year,
    )


def hijri_date(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Umm al-Qura calendar."""
    day = _as_date(day)
    try:
        return from_gregorian(day)
    except HijriDateError as error:
        raise HijriRangeError(str(error)) from None


def format_hijri(day: date, lang: str | Language | None = None) -> str:
    """"14 جمادى الآخرة 1448هـ" / "14 Jumada al-Akhirah 1448 AH"."""
    year, month, day_of_month = hijri_date(day)
    language = _language(lang)
    return text_of("date.hijri").in_language(language).format(
        day=day_of_month,
        month=text_of(f"date.hijri_month.{month}").in_language(language),
        year=year,
    )


def format_time(moment: time | datetime, lang: str | Language | None = None, *, seconds: bool = False) -> str:
    """"14:05" (24-hour, as Saudi public screens show it; the same in both languages)."""
    if not isinstance(moment, time | datetime):
        raise TypeError(f"expected a time or datetime, not {type(moment).__name__}")
    _language(lang)  # validated for symmetry with the other formatters
    return moment.strftime("%H:%M:%S" if seconds else "%H:%M")


def parse_hub_time(text: str) -> datetime:
    """The hub's ISO 8601 time with offset ("2026-11-24T09:15:02.123+03:00") as an aware datetime."""
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError(f"not a hub time: {str(text)[:64]!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a hub time: {text!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"hub time without offset: {text!r}")
    return moment


def format_hub_time(text: str, lang: str | Language | None = None) -> str:
    """A hub time as the centre's clock showed it ("14:05"); the offset is the centre's own."""
    return format_time(parse_hub_time(text), lang)
