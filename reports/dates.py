"""Report dates: Gregorian or Hijri (Umm al-Qura), a day, a month or a year.

    2026-11-24   1448-06-14   1448-06-14هـ   H1448-06-14   ١٤٤٨-٠٩   1448-09   2026

A year below 1600 is Hijri (the Umm al-Qura table covers 1343–1500 AH, i.e. 1924–2077); a
trailing `هـ`/`AH` or a leading `H` says so explicitly. A month or a year stands for its first
day as a start (`--from`) and its last day as an end (`--to`): `--from 1448-09 --to 1448-09` is
Ramadan 1448. Arabic-Indic digits and `/` separators are accepted.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from core.errors import BadInput
from core.hijri import FIRST_YEAR, HIJRI_MONTHS_AR, HIJRI_MONTHS_EN, LAST_YEAR, HijriDateError, from_gregorian, month_length
from core.hijri import to_gregorian as hijri_to_gregorian

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SHAPE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_HIJRI_MARKS = ("هـ", "ه", "ah", "a.h.")
MAX_TEXT = 40


def _refuse(text: str, en: str, ar: str) -> BadInput:
    shown = text[:MAX_TEXT]
    return BadInput(
        f"{en} (got {shown!r}). Write a date as YYYY-MM-DD, Gregorian (2026-11-24) or Hijri (1448-06-14).",
        f"{ar} اكتب التاريخ بالصيغة \u2066YYYY-MM-DD\u2069 ميلادياً (\u20662026-11-24\u2069) أو هجرياً (\u20661448-06-14\u2069).",
    )


def parse_report_date(text: str, *, end: bool = False) -> date:
    """The Gregorian day `text` names; a month or year is its first day, or its last with `end`."""
    if not isinstance(text, str) or not text.strip():
        raise _refuse(str(text or ""), "Empty date", "التاريخ فارغ.")
    if len(text) > MAX_TEXT:
        raise _refuse(text, "Date too long", "التاريخ طويل جداً.")
    cleaned = text.strip().translate(_DIGITS).replace("/", "-").replace(" ", "")
    hijri = False
    lowered = cleaned.lower()
    for mark in _HIJRI_MARKS:
        if lowered.endswith(mark):
            cleaned, hijri = cleaned[: -len(mark)], True
            break
    if cleaned[:1] in ("H", "h"):
        cleaned, hijri = cleaned[1:], True
    match = _SHAPE.match(cleaned)
    if match is None:
        raise _refuse(text, "Not a date", "هذا ليس تاريخاً.")
    year, month, day = int(match[1]), match[2], match[3]
    hijri = hijri or year < 1600
    month_number = int(month) if month else (12 if end else 1)
    if not 1 <= month_number <= 12:
        raise _refuse(text, f"There is no month {month_number}", f"لا يوجد شهر رقم \u2066{month_number}\u2069.")
    if hijri:
        return _hijri_day(text, year, month_number, int(day) if day else None, end)
    if not 1900 <= year <= 2199:
        raise _refuse(text, f"Year {year} is out of range", f"السنة \u2066{year}\u2069 خارج النطاق.")
    last_day = monthrange(year, month_number)[1]
    day_number = int(day) if day else (last_day if end else 1)
    if not 1 <= day_number <= last_day:
        raise _refuse(
            text,
            f"{year}-{month_number:02d} has {last_day} days",
            f"الشهر \u2066{year}-{month_number:02d}\u2069 فيه \u2066{last_day}\u2069 يوماً.",
        )
    return date(year, month_number, day_number)


def _hijri_day(text: str, year: int, month: int, day: int | None, end: bool) -> date:
    """A Hijri day by core.hijri's rules (day 30 of a 29-day month is its last day)."""
    try:
        length = month_length(year, month)
        return hijri_to_gregorian(year, month, day if day is not None else (length if end else 1))
    except HijriDateError as error:
        if error.reason == "day":
            raise _refuse(
                text,
                f"Hijri month {year}-{month:02d} has {error.length} days",
                f"الشهر الهجري \u2066{year}-{month:02d}\u2069 فيه \u2066{error.length}\u2069 يوماً.",
            ) from None
        raise _refuse(
            text,
            f"Hijri year {year} is outside the Umm al-Qura calendar ({FIRST_YEAR}-{LAST_YEAR})",
            f"السنة الهجرية \u2066{year}\u2069 خارج تقويم أم القرى (\u2066{FIRST_YEAR}-{LAST_YEAR}\u2069).",
        ) from None


def hijri_text(day: date, lang: str) -> str:
    """'14 جمادى الآخرة 1448هـ' / '14 Jumada al-Akhirah 1448 AH' (empty outside the table)."""
    try:
        year, month, day_number = from_gregorian(day)
    except HijriDateError:
        return ""
    if lang == "ar":
        return f"\u2066{day_number}\u2069 {HIJRI_MONTHS_AR[month - 1]} \u2066{year}\u2069هـ"
    return f"{day_number} {HIJRI_MONTHS_EN[month - 1]} {year} AH"
