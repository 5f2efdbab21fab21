"""The kiosk's own texts, Arabic first; registered with the shared catalogue at import."""

from __future__ import annotations

from qt_common.i18n import register_catalogue

KIOSK_STRINGS: dict[str, tuple[str, str]] = {
    "kiosk.welcome": ("أهلاً بكم", "Welcome"),
    "kiosk.choose_service": ("اختر الخدمة", "Choose a service"),
    "kiosk.choose_group": ("اختر نوع الخدمة", "Choose the kind of service"),
    "kiosk.group.services_open": ("{open} من {total} خدمات متاحة", "{open} of {total} services available"),
    "kiosk.group.other": ("خدمات أخرى", "Other services"),
    "kiosk.group.all_closed": ("لا خدمات متاحة الآن", "No service available now"),
    "kiosk.service.unavailable": ("غير متاحة", "Unavailable"),
    "kiosk.service.eta": ("الانتظار نحو {duration}", "About {duration} wait"),
    "kiosk.priority.button": (
        "أولوية: كبار السن وذوو الإعاقة والحوامل",
        "Priority: elderly, disabled and pregnant visitors",
    ),
    "kiosk.priority.title": ("تذكرة أولوية", "Priority ticket"),
    "kiosk.priority.question": ("من فضلك اختر فئتك", "Please choose what applies to you"),
    "kiosk.priority.elderly": ("كبار السن", "Elderly visitor"),
    "kiosk.priority.disabled": ("ذوو الإعاقة", "Visitor with a disability"),
    "kiosk.priority.pregnant": ("الحوامل", "Pregnant visitor"),
    "kiosk.priority.banner": ("تذكرة أولوية ({kind}): اختر الخدمة", "Priority ticket ({kind}): choose the service"),
    "kiosk.priority.cancel": ("إلغاء الأولوية", "Cancel priority"),
    "kiosk.priority.badge": ("أولوية: {kind}", "Priority: {kind}"),
    "kiosk.back": ("رجوع", "Back"),
    # One switch for both: larger words in black on white (the header has room for two words).
    "kiosk.look.larger": ("خط أوضح", "Clearer text"),
    "kiosk.look.usual": ("خط عادي", "Usual text"),
    "kiosk.issuing": ("جارٍ إصدار التذكرة…", "Issuing your ticket…"),
    "kiosk.your_number": ("رقمك", "Your number"),
    "kiosk.ahead.zero": ("لا أحد قبلك", "No one ahead of you"),
    "kiosk.ahead.one": ("أمامك شخص واحد", "1 person ahead of you"),
    "kiosk.ahead.two": ("أمامك شخصان", "2 people ahead of you"),
    "kiosk.ahead.few": ("أمامك {n} أشخاص", "{n} people ahead of you"),
    "kiosk.ahead.many": ("أمامك {n} شخصًا", "{n} people ahead of you"),
    "kiosk.ahead.other": ("أمامك {n} شخص", "{n} people ahead of you"),
    "kiosk.eta": ("الانتظار المتوقع: {duration}", "Estimated wait: {duration}"),
    "kiosk.printing": ("جارٍ طباعة التذكرة…", "Printing your ticket…"),
    "kiosk.take_ticket": ("تفضّل بأخذ تذكرتك", "Please take your ticket"),
    "kiosk.no_printer": ("لا توجد طابعة في هذا الجهاز", "This kiosk has no printer"),
    "kiosk.print_failed": ("تعذّرت طباعة التذكرة", "The ticket could not be printed"),
    "kiosk.note_number": (
        "من فضلك احفظ رقمك أو صوّره؛ سيُنادى عليه على الشاشة.",
        "Please note or photograph your number; it will be called on the screen.",
    ),
    "kiosk.touch_to_return": ("المس الشاشة للعودة", "Touch the screen to go back"),
    "kiosk.unavailable.title": ("الخدمة غير متاحة مؤقتًا", "Service temporarily unavailable"),
    "kiosk.unavailable.detail": (
        "نعمل على إعادة الاتصال تلقائيًا. نعتذر عن الإزعاج.",
        "We are reconnecting automatically. Sorry for the wait.",
    ),
    "kiosk.unavailable.connecting": ("جارٍ الاتصال…", "Connecting…"),
    "kiosk.error.issue_failed": ("تعذّر إصدار التذكرة. حاول مرة أخرى.", "The ticket could not be issued. Please try again."),
    "kiosk.error.bad_ticket": (
        "وصل ردّ غير صالح من الخادم؛ لم تُطبع أي تذكرة.",
        "The hub's answer could not be read; no ticket was printed.",
    ),
    "kiosk.supervisor.title": ("دخول المشرف", "Supervisor"),
    "kiosk.supervisor.prompt": ("أدخل رمز المشرف للخروج من وضع الكشك", "Enter a supervisor PIN to leave kiosk mode"),
    "kiosk.supervisor.checking": ("جارٍ التحقق…", "Checking…"),
    "kiosk.supervisor.exit": ("خروج", "Exit"),
    "kiosk.supervisor.wrong_pin": ("الرمز غير صحيح.", "Wrong PIN."),
    "kiosk.supervisor.not_supported": (
        "الخادم لا يدعم التحقق من رمز المشرف بعد؛ حدّث الخادم.",
        "The hub cannot check supervisor PINs yet; update the hub.",
    ),
    "kiosk.supervisor.empty": ("أدخل الرمز أولاً.", "Enter the PIN first."),
    "kiosk.pad.clear": ("مسح", "Clear"),
    "kiosk.pad.delete": ("حذف", "Delete"),
    "kiosk.pad.upper": ("أحرف كبيرة ABC", "Capitals ABC"),
    "kiosk.pad.lower": ("أحرف صغيرة abc", "Small abc"),
    "kiosk.enroll.title": ("تسجيل الجهاز", "Enroll this kiosk"),
    "kiosk.enroll.prompt": (
        "هذا الجهاز غير مسجّل لدى الخادم. أدخل رمز التسجيل الذي يظهر لدى مسؤول النظام (أرقام وأحرف).",
        "This kiosk is not enrolled with the hub yet. Enter the hub's enrollment code (digits and letters).",
    ),
    "kiosk.enroll.prompt_revoked": (
        "ألغى مسؤول النظام تسجيل هذا الجهاز لدى الخادم. إن كان يجب أن يعود، يُدخل المسؤول رمز التسجيل من جديد (أرقام وأحرف).",
        "This kiosk was revoked at the hub. If it should come back, an administrator enters the enrollment code again (digits and letters).",
    ),
    "kiosk.enroll.submit": ("تسجيل", "Enroll"),
    "kiosk.enroll.working": ("جارٍ التسجيل…", "Enrolling…"),
    "kiosk.enroll.done": ("تم تسجيل الجهاز.", "This kiosk is enrolled."),
    "kiosk.printer.state": ("حالة الطابعة: {state}", "Printer: {state}"),
    "kiosk.staff.badge": ("للموظفين: {problem}", "For staff: {problem}"),
    "kiosk.staff.printer_fault": ("الطابعة تحتاج إلى فحص", "The printer needs checking"),
    "kiosk.voice.button": ("شكوى أو اقتراح أو شكر", "Complaint, suggestion or thanks"),  # kiosk/voice.py has the rest
}

register_catalogue(KIOSK_STRINGS)
