"""Report dates: Gregorian or Hijri, a day, a month or a year; bad dates refused in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import BadInput
from reports.dates import hijri_text, parse_report_date


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-11-24", date(2026, 11, 24), date(2026, 11, 24)),
        ("2026/11/24", date(2026, 11, 24), date(2026, 11, 24)),
        ("1448-06-14", date(2026, 11, 24), date(2026, 11, 24)),  # 14 Jumada al-Akhirah 1448
        ("1448-06-14هـ", date(2026, 11, 24), date(2026, 11, 24)),
        ("H1448-06-14", date(2026, 11, 24), date(2026, 11, 24)),
        ("١٤٤٨-٠٦-١٤", date(2026, 11, 24), date(2026, 11, 24)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("1448-09", date(2027, 2, 8), date(2027, 3, 8)),  # Ramadan 1448: 29 days in Umm al-Qura
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_days_months_and_years_in_both_calendars(text: str, first: date, last: date):
    """A day is itself; a month or a year runs from its first day (--from) to its last (--to)."""
    assert parse_report_date(text) == first
    assert parse_report_date(text, end=True) == last


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Empty"),
        ("   ", "Empty"),
        ("2026-02-29", "has 28 days"),
        ("1448-09-31", "has 29 days"),  # day 30 of a 29-day month is its last day (core.hijri)
        ("2026-13-01", "no month 13"),
        ("1448-00", "no month 0"),
        ("1600-01-01", "out of range"),
        ("1342-01-01", "Umm al-Qura"),
        ("tomorrow", "Not a date"),
        ("2026-11-24; rm -rf /", "Not a date"),
        ("x" * 10_000, "too long"),
        ("2026-11-24\u202e", "Not a date"),
    ],
)
def test_bad_dates_give_a_clear_error(text: str, words: str):
    """Each refusal says what is wrong and how to write a date, in English and in Arabic."""
    with pytest.raises(BadInput) as refused:
        parse_report_date(text)
    assert words in refused.value.message_en
    assert "YYYY-MM-DD" in refused.value.message_en and "YYYY-MM-DD" in refused.value.message_ar
    assert len(refused.value.message_en) < 300


def test_hijri_text_in_both_languages():
    """The Hijri date of a day, Arabic with its numbers isolated, English with AH."""
    assert hijri_text(date(2026, 11, 24), "en") == "14 Jumada al-Akhirah 1448 AH"
    assert hijri_text(date(2026, 11, 24), "ar") == "\u206614\u2069 جمادى الآخرة \u20661448\u2069هـ"
    assert hijri_text(date(1900, 1, 1), "en") == ""
