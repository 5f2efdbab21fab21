"""The ticket's sentences in Arabic and English.

Numbers and times inside Arabic sentences are wrapped in left-to-right isolates (U+2066 …
U+2069) so the bidirectional algorithm never reorders them. Digits are Western, as on the
hub's ticket numbers. Month and weekday names follow Saudi usage (see
docs/decisions/qt-hijri-names.md): "ربيع الآخر", "الاثنين", "نوفمبر".
"""

from __future__ import annotations

import math
from datetime import datetime

from core.bidi import ltr
from core.hijri import HIJRI_MONTHS_AR, HIJRI_MONTHS_EN, HijriDateError, from_gregorian
from core.plural import minutes_parts

GREGORIAN_MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
GREGORIAN_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
WEEKDAYS_AR = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")  # datetime.weekday() order
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

PRIORITY_NAMES = {
    "elderly": ("كبار السن", "Elderly"),
    "disabled": ("ذوو الإعاقة", "Disability"),
    "pregnant": ("الحوامل", "Pregnancy"),
    "appointment": ("موعد مسبق", "Appointment"),
}


def priority_mark(priority: str) -> tuple[str, str]:
    ar, en = PRIORITY_NAMES.get(priority, ("", ""))
    if not ar:
        return "أولوية", "Priority"
    return f"أولوية: {ar}", f"Priority: {en}"


def appointment_mark(slot_start: datetime) -> tuple[str, str]:
    """An appointment ticket's band: the slot's time, its digits kept left to right in Arabic."""
    clock_ar, clock_en = clock_text(slot_start)
    return f"موعد {clock_ar}", f"Appointment {clock_en}"


def ahead_text(ahead: int) -> tuple[str, str]:
    if ahead == 0:
        return "دورك التالي", "You are next"
    if ahead == 1:
        return "أمامك شخص واحد", "1 person ahead of you"
    if ahead == 2:
        return "أمامك شخصان", "2 people ahead of you"
    noun = "أشخاص" if 3 <= ahead % 100 <= 10 else "شخصاً"
    return f"أمامك {ltr(ahead)} {noun}", f"{ahead} people ahead of you"


def minutes_ar(minutes: int) -> str:
    number, words = minutes_parts(minutes, "ar")
    return words if number is None else f"{ltr(number)} {words}"


def wait_text(eta_seconds: int) -> tuple[str, str]:
    minutes = max(1, math.ceil(eta_seconds / 60))
    return f"الانتظار نحو {minutes_ar(minutes)}", f"about {minutes} min wait"


def queue_text(ahead: int | None, eta_seconds: int | None) -> tuple[str, str] | None:
    """People ahead and the estimated wait as one sentence per language, or None when neither is known."""
    parts_ar: list[str] = []
    parts_en: list[str] = []
    if ahead is not None:
        ar, en = ahead_text(ahead)
        parts_ar.append(ar)
        parts_en.append(en)
    if eta_seconds is not None and ahead != 0:
        ar, en = wait_text(eta_seconds)
        parts_ar.append(ar)
        parts_en.append(en)
    if not parts_ar:
        return None
    return "، ".join(parts_ar), ", ".join(parts_en)


def clock_text(moment: datetime) -> tuple[str, str]:
    hour12 = moment.hour % 12 or 12
    ar = f"{ltr(f'{hour12}:{moment.minute:02d}')} {'ص' if moment.hour < 12 else 'م'}"
    en = f"{hour12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return ar, en


def gregorian_text(moment: datetime) -> tuple[str, str]:
    weekday = moment.weekday()
    ar = f"{WEEKDAYS_AR[weekday]} {ltr(moment.day)} {GREGORIAN_MONTHS_AR[moment.month - 1]} {ltr(moment.year)} م"
    en = f"{WEEKDAYS_EN[weekday]} {moment.day} {GREGORIAN_MONTHS_EN[moment.month - 1]} {moment.year}"
    return ar, en


def hijri_text(moment: datetime) -> tuple[str, str] | None:
    """The Umm al-Qura date, or None outside the table's range (about 1924–2077)."""
    try:
        year, month, day = from_gregorian(moment.date())
    except HijriDateError:
        return None
    ar = f"{ltr(day)} {HIJRI_MONTHS_AR[month - 1]} {ltr(year)} هـ"
    en = f"{day} {HIJRI_MONTHS_EN[month - 1]} {year} AH"
    return ar, en


QR_CAPTION = ("امسح الرمز لمتابعة دورك من جوالك", "Scan to follow your turn on your phone")
