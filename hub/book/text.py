"""Every word of the booking pages, in Arabic and in English (Arabic first)."""

from __future__ import annotations

from datetime import date

from core.bilingual import by_language
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

TEXT = by_language({
    "title": ("حجز موعد", "Book an appointment"),
    "switch": ("English", "العربية"),
    "other_lang": ("en", "ar"),
    "step_service": ("اختر الخدمة", "Choose the service"),
    "step_day": ("اختر اليوم", "Choose the day"),
    "step_slot": ("اختر الوقت وأدخل رقم جوالك", "Choose the time and give your mobile"),
    "no_services": (
        "لا توجد خدمات تقبل المواعيد الآن. يمكنك أخذ تذكرة من جهاز الخدمة الذاتية في المركز.",
        "No service takes appointments now. You can take a ticket at the centre's kiosk.",
    ),
    "no_days": ("لا توجد مواعيد متاحة لهذه الخدمة في الأيام القادمة.", "This service has no free slots in the coming days."),
    "no_slots": ("لا توجد أوقات متاحة في هذا اليوم؛ اختر يوماً آخر.", "No free times on this day; choose another day."),
    "free": ("متاح", "free"),
    "full": ("ممتلئ", "full"),
    "mobile": ("رقم الجوال", "Mobile number"),
    "mobile_hint": ("رقم جوال سعودي، مثل 0501234567", "A Saudi mobile, e.g. 0501234567"),
    "book": ("احجز", "Book"),
    "change_service": ("تغيير الخدمة", "Change service"),
    "change_day": ("تغيير اليوم", "Change day"),
    "your_booking": ("حجزك", "Your booking"),
    "code": ("رمز الحجز", "Booking code"),
    "code_hint": (
        "احتفظ بهذا الرمز أو بصورة رمز QR، وامسحه في جهاز الخدمة الذاتية عند وصولك.",
        "Keep this code or a picture of the QR code, and scan it at the kiosk when you arrive.",
    ),
    "service": ("الخدمة", "Service"),
    "day": ("اليوم", "Day"),
    "time": ("الوقت", "Time"),
    "status": ("الحالة", "Status"),
    "qr": ("رمز QR لحجزك", "Your booking's QR code"),
    "statuses": {
        "booked": ("محجوز", "Booked"),
        "checked_in": ("تم تسجيل الحضور", "Checked in"),
        "cancelled": ("ملغى", "Cancelled"),
        "no_show": ("فات الموعد", "Missed"),
    },
    "made": (
        "تم الحجز. ستجد هذه الصفحة على الرابط نفسه متى أردت.",
        "Booked. This page stays at the same address whenever you need it.",
    ),
    "moved": ("تم نقل موعدك.", "Your appointment was moved."),
    "cancelled": ("تم إلغاء الحجز.", "The booking was cancelled."),
    "reschedule": ("تغيير الموعد", "Change the time"),
    "reschedule_hint": (
        "اختر يوماً ثم وقتاً جديداً؛ يُحرَّر مكانك الحالي.",
        "Choose a day, then a new time; your current place is freed.",
    ),
    "move": ("انقل الموعد إلى هذا الوقت", "Move to this time"),
    "cancel": ("إلغاء الحجز", "Cancel the booking"),
    "cancel_confirm": ("نعم، ألغِ هذا الحجز", "Yes, cancel this booking"),
    "cancel_hint": (
        "يُحرَّر مكانك لزائر آخر. لا يمكن التراجع عن الإلغاء.",
        "Your place is freed for another visitor. A cancellation cannot be undone.",
    ),
    "not_found": (
        "لا يوجد حجز بهذا الرمز. تأكد من الرمز وأعد المحاولة.",
        "No booking has this code. Check the code and try again.",
    ),
    "find": ("عندك حجز؟ اكتب رمزه", "Have a booking? Type its code"),
    "find_button": ("اعرض الحجز", "Show the booking"),
    "new_booking": ("حجز موعد جديد", "Book a new appointment"),
    "error": ("تعذر ذلك", "That did not work"),
})


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
