"""Every word of the booking pages, in Arabic and in English (Arabic first)."""

from __future__ import annotations

from datetime import date

from core.plural import arabic_plural_category
from reports.dates import hijri_text

#: "places free" by Arabic plural category; 1 and 2 are said without a number
PLACES_AR = {"one": "مكان واحد متاح", "two": "مكانان متاحان", "few": "أماكن متاحة", "many": "مكاناً متاحاً",
             "other": "مكان متاح", "zero": "لا مكان متاح"}

WEEKDAYS_AR = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")  # date.weekday() order
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")

TEXT = {
    "ar": {
        "title": "حجز موعد", "switch": "English", "other_lang": "en",
        "step_service": "اختر الخدمة", "step_day": "اختر اليوم", "step_slot": "اختر الوقت وأدخل رقم جوالك",
        "no_services": "لا توجد خدمات تقبل المواعيد الآن. يمكنك أخذ تذكرة من جهاز الخدمة الذاتية في المركز.",
        "no_days": "لا توجد مواعيد متاحة لهذه الخدمة في الأيام القادمة.",
        "no_slots": "لا توجد أوقات متاحة في هذا اليوم؛ اختر يوماً آخر.",
        "free": "متاح", "full": "ممتلئ",
        "mobile": "رقم الجوال", "mobile_hint": "رقم جوال سعودي، مثل 0501234567",
        "book": "احجز", "change_service": "تغيير الخدمة", "change_day": "تغيير اليوم",
        "your_booking": "حجزك", "code": "رمز الحجز", "code_hint": "احتفظ بهذا الرمز أو بصورة رمز QR، وامسحه في جهاز الخدمة الذاتية عند وصولك.",
        "service": "الخدمة", "day": "اليوم", "time": "الوقت", "status": "الحالة", "qr": "رمز QR لحجزك",
        "statuses": {"booked": "محجوز", "checked_in": "تم تسجيل الحضور", "cancelled": "ملغى", "no_show": "فات الموعد"},
        "made": "تم الحجز. ستجد هذه الصفحة على الرابط نفسه متى أردت.",
        "moved": "تم نقل موعدك.", "cancelled": "تم إلغاء الحجز.",
        "reschedule": "تغيير الموعد", "reschedule_hint": "اختر يوماً ثم وقتاً جديداً؛ يُحرَّر مكانك الحالي.",
        "move": "انقل الموعد إلى هذا الوقت", "cancel": "إلغاء الحجز", "cancel_confirm": "نعم، ألغِ هذا الحجز",
        "cancel_hint": "يُحرَّر مكانك لزائر آخر. لا يمكن التراجع عن الإلغاء.",
        "not_found": "لا يوجد حجز بهذا الرمز. تأكد من الرمز وأعد المحاولة.",
        "find": "عندك حجز؟ اكتب رمزه", "find_button": "اعرض الحجز", "new_booking": "حجز موعد جديد",
        "error": "تعذر ذلك",
    },
    "en": {
        "title": "Book an appointment", "switch": "العربية", "other_lang": "ar",
        "step_service": "Choose the service", "step_day": "Choose the day", "step_slot": "Choose the time and give your mobile",
        "no_services": "No service takes appointments now. You can take a ticket at the centre's kiosk.",
        "no_days": "This service has no free slots in the coming days.",
        "no_slots": "No free times on this day; choose another day.",
        "free": "free", "full": "full",
        "mobile": "Mobile number", "mobile_hint": "A Saudi mobile, e.g. 0501234567",
        "book": "Book", "change_service": "Change service", "change_day": "Change day",
        "your_booking": "Your booking", "code": "Booking code", "code_hint": "Keep this code or a picture of the QR code, and scan it at the kiosk when you arrive.",
        "service": "Service", "day": "Day", "time": "Time", "status": "Status", "qr": "Your booking's QR code",
        "statuses": {"booked": "Booked", "checked_in": "Checked in", "cancelled": "Cancelled", "no_show": "Missed"},
        "made": "Booked. This page stays at the same address whenever you need it.",
        "moved": "Your appointment was moved.", "cancelled": "The booking was cancelled.",
        "reschedule": "Change the time", "reschedule_hint": "Choose a day, then a new time; your current place is freed.",
        "move": "Move to this time", "cancel": "Cancel the booking", "cancel_confirm": "Yes, cancel this booking",
        "cancel_hint": "Your place is freed for another visitor. A cancellation cannot be undone.",
        "not_found": "No booking has this code. Check the code and try again.",
        "find": "Have a booking? Type its code", "find_button": "Show the booking", "new_booking": "Book a new appointment",
        "error": "That did not work",
    },
}


def day_text(day: date, lang: str) -> str:
    """"الأربعاء ⁦25⁩ نوفمبر ⁦2026⁩" / "Wednesday 25 November 2026": numbers kept left to right."""
    if lang == "ar":
        return f"{WEEKDAYS_AR[day.weekday()]} \u2066{day.day}\u2069 {MONTHS_AR[day.month - 1]} \u2066{day.year}\u2069"
    return f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def hijri_day_text(day: date, lang: str) -> str:
    return hijri_text(day, lang)


def places_text(count: int, lang: str) -> tuple[int | None, str]:
    """(the number to show, or None, and the words): (None, "مكانان متاحان"), (5, "أماكن متاحة"), (1, "place free")."""
    if lang != "ar":
        return count, "place free" if count == 1 else "places free"
    category = arabic_plural_category(count)
    return (None if category in ("one", "two", "zero") else count), PLACES_AR[category]
