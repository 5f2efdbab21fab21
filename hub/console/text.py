"""The console's words, Arabic first, and the small formatters its templates use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "ar": {
        "product": "طابور", "console": "وحدة تحكم المركز", "skip": "انتقل إلى المحتوى", "switch": "English",
        "fb": {"inbox": "ملاحظات الزوار", "intro": "الشكاوى والاقتراحات والشكر، الأحدث أولاً. المستهدف للرد:",
               "days": "أيام عمل", "all": "الكل", "reference": "الرقم المرجعي", "kind": "النوع", "filed": "وردت",
               "text": "النص", "mobile": "الجوال", "status": "الحالة", "assignee": "المسؤول", "answer": "الرد",
               "due": "موعد الرد", "late": "متأخرة", "on_time": "ضمن المستهدف", "save": "حفظ", "export": "تصدير",
               "erase": "حذف البيانات الشخصية", "held": "مباشر: تظهر التغييرات الجديدة بعد الحفظ أو مغادرة النموذج", "answered_in": "الرد خلال", "open_for": "مفتوحة منذ", "removed": "حُذف", "nobody": "بلا", "none": "لا توجد ملاحظات.",
               "kinds": {"complaint": "شكوى", "suggestion": "اقتراح", "thanks": "شكر"},
               "statuses": {"new": "جديدة", "in_progress": "قيد المعالجة", "answered": "تم الرد", "closed": "مغلقة"}},
        "hall": "الصالة", "audit": "سجل التغييرات", "people": "الموظفون والأجهزة", "centre": "المركز",
        "centre_intro": "تسري التعديلات فوراً على كل الأجهزة، وتبقى بعد إعادة تشغيل الخادم ما دام ملف الإعداد لم يتغير؛ إن تغيّر الملف بعدها فإعداداته هي التي تسري.",
        "enabled_now": "متاحة الآن", "target_min": "المستهدف (دقيقة)", "max_min": "أقصى انتظار (دقيقة)", "cap": "الحد اليومي",
        "avg_min": "متوسط الخدمة (دقيقة)",
        "service_fields": {
            "code": "الرمز (الحرف)", "name_ar": "الاسم بالعربية", "name_en": "الاسم بالإنجليزية", "group": "المجموعة",
            "range_start": "أول رقم", "range_end": "آخر رقم", "daily_cap": "الحد اليومي للتذاكر",
            "target_wait_minutes": "الانتظار المستهدف (دقيقة)", "max_wait_minutes": "أقصى انتظار قبل التقديم (دقيقة، فارغ: بلا حد)",
            "average_service_minutes": "متوسط مدة الخدمة (دقيقة)", "enabled": "متاحة الآن",
            "appointments_enabled": "تقبل المواعيد المسبقة", "slot_minutes": "مدة الموعد (دقيقة)",
            "capacity": "عدد الحجوزات في الموعد", "walk_in_share": "حصة الحضور المباشر من كل ساعة (من ⁦0⁩ إلى ⁦1⁩)",
            "days_ahead": "أيام الحجز مسبقاً", "max_future_per_mobile": "أقصى حجوزات قادمة لرقم الجوال",
            "check_in_open_minutes": "يبدأ تسجيل الحضور قبل الموعد بـ (دقيقة)", "grace_minutes": "مهلة التأخر (دقيقة)",
            "remote": "تقبل التذاكر من الجوال (/join)", "remote_cap": "أقصى عدد ينتظر عن بُعد ولم يصل",
            "remote_warn_places": "تنبيه الجوال حين يبقى أمامه (عدد)",
        },
        "appointments_title": "المواعيد المسبقة",
        "appointments_note": "تتبع المواعيد ساعات عمل الخدمة وأيامها الخاصة. تبقى حصة الحضور المباشر من أماكن كل ساعة متاحة لمن يأتي دون موعد.",
        "hours_title": "ساعات العمل", "layout_title": "الشبابيك والشاشات", "texts_title": "نصوص الشاشات والتذكرة",
        "weekly_hours": "الساعات الأسبوعية", "always_open": "مفتوح طوال الوقت",
        "hours_hint": "اليوم الفارغ مغلق. تسري على الخدمات التي ليس لها ساعات خاصة. لكل يوم فترة أو أكثر مفصولة بفواصل، مثل:",
        "weekdays": {"sun": "الأحد", "mon": "الاثنين", "tue": "الثلاثاء", "wed": "الأربعاء", "thu": "الخميس", "fri": "الجمعة", "sat": "السبت"},
        "special_days": "أيام خاصة (رمضان، الأعياد)", "special_hint": "تحل محل الساعات الأسبوعية في أيامها. التواريخ بالهجري (أم القرى) أو الميلادي، بصيغة سنة-شهر-يوم.",
        "special_name": "الاسم", "special_dates": "من – إلى", "other_calendar": "بالتقويم الآخر", "special_hours": "الساعات",
        "special_from": "من (سنة-شهر-يوم)", "special_to": "إلى (سنة-شهر-يوم)", "calendar": "التقويم", "add_special": "إضافة أيام خاصة",
        "calendars": {"hijri": "هجري", "gregorian": "ميلادي"}, "closed_all_day": "مغلق طوال اليوم", "remove": "حذف",
        "counters_hint": "رموز الخدمات بالترتيب مفصولة بفواصل، أو \u2066*\u2069 لكل الخدمات. «الأقدم أولاً»: أقدم تذكرة بين خدماته؛ «بترتيب القائمة»: أول خدمة في القائمة فيها منتظرون. الرموز الحالية:",
        "counter_services": "الخدمات بالترتيب", "call_mode": "طريقة النداء",
        "modes": {"fifo": "الأقدم أولاً", "ordered": "بترتيب القائمة"},
        "boards": "شاشات العرض", "boards_hint": "أرقام الشبابيك التي تعرضها كل شاشة مفصولة بفواصل؛ فارغ: كل الشبابيك.",
        "board_counters": "الشبابيك المعروضة",
        "texts_hint": "الشريط المعتاد على شاشات العرض، والسطر الأخير في التذكرة المطبوعة. حتى 500 حرف لكل نص.",
        "text_fields": {"ticker_ar": "الشريط بالعربية", "ticker_en": "الشريط بالإنجليزية", "footer_ar": "تذييل التذكرة بالعربية", "footer_en": "تذييل التذكرة بالإنجليزية"},
        "logo_title": "شعار التذكرة", "logo_hint": "صورة PNG أو JPEG أو GIF أو BMP أصغر من \u20661\u2069 ميغابايت (والنموذج كله أقل من حد الخادم)، بأبعاد حتى \u20664000×4000\u2069 نقطة. تُطبع بعرض التذكرة.",
        "logo_now": "الشعار الحالي", "no_logo": "لا يوجد شعار الآن.", "logo_file": "ملف الشعار", "logo_upload": "حمّل الشعار",
        "add_service": "إضافة خدمة", "edit_service": "تعديل الخدمة", "edit_all": "كل الإعدادات", "no_group": "بلا مجموعة",
        "letter_fixed": "رمز الخدمة ثابت لأن التذاكر وسجلها مرتبطة به؛ لتغييره أضف خدمة جديدة وأوقف هذه.",
        "disable_note": "إيقاف الخدمة يمنع إصدار تذاكر جديدة لها فقط؛ التذاكر المنتظرة تبقى وتُنادى كالمعتاد، أو انقلها من الصالة. لا تُحذف خدمة من وحدة التحكم.",
        "waiting_now": "تذاكر تنتظر الآن في هذه الخدمة", "fix_below": "صحّح الحقول المشار إليها.",
        "centre_file": "ملف إعداد المركز", "export_toml": "نزّل الإعداد الحالي (TOML)", "import_toml": "حمّل ملف إعداد",
        "import_button": "طبّق الملف", "centre_file_intro": "يُفحص الملف بقواعد ملف الإعداد نفسها ويسري فوراً؛ إعدادات الخادم [hub] تبقى كما هي.", "today": "اليوم والتقارير", "league": "ترتيب الموظفين",
        "login": "تسجيل الدخول", "logout": "تسجيل الخروج", "username": "اسم المستخدم", "pin": "الرقم السري",
        "wrong_login": "اسم المستخدم أو الرقم السري غير صحيح.",
        "login_intro": "للمشرفين ومديري المركز فقط. استخدم اسمك ورقمك السري كما على الشباك.",
        "clerk_refused": "وحدة التحكم للمشرفين والمديرين فقط؛ الموظف يعمل من تطبيق الشباك.",
        "ended": "انتهت الجلسة لعدم النشاط أو تسجيل الخروج.", "login_again": "سجّل الدخول من جديد",
        "admin_only": "هذه الصفحة لمدير المركز فقط.", "error": "تعذّر التنفيذ", "back": "العودة",
        "live": "تتحدث الصفحة تلقائياً", "offline": "انقطع الاتصال بالخادم، جارٍ إعادة المحاولة…",
        "as_of": "آخر تحديث", "done": "تم التنفيذ", "none": "لا يوجد",
        "alerts": "تنبيهات", "no_alerts": "لا تنبيهات الآن.",
        "central": "الإرسال إلى الخادم المركزي", "central_up_to_date": "كل الأحداث وصلت",
        "central_never": "لم يؤكد الخادم المركزي الاستلام بعد", "central_behind": "أحداث لم تصل بعد",
        "central_oldest": "أقدمها منذ", "central_error": "آخر خطأ",
        "services": "الخدمات", "service": "الخدمة", "waiting": "في الانتظار", "longest_wait": "أطول انتظار",
        "target": "المستهدف", "breaches": "تجاوزات المستهدف اليوم", "eta": "الانتظار المتوقع للقادم", "remote_waiting": "ينتظرون عن بُعد", "remote_arrived": "منهم وصلوا", "remote_poster": "ملصق الانتظار عن بُعد", "remote_poster_hint": "اطبعه للباب والصالة: رمزه يفتح صفحة أخذ الدور من الجوال.", "remote_poster_open": "افتح الملصق للطباعة",
        "counters": "الشبابيك", "counter": "الشباك", "clerk": "الموظف", "status": "الحالة",
        "current_ticket": "التذكرة الحالية", "paused_since": "في استراحة منذ", "reason": "السبب",
        "devices": "الأجهزة", "device": "الجهاز", "kind": "النوع", "online": "متصل", "last_seen": "آخر ظهور",
        "printer": "الطابعة", "yes": "نعم", "no": "لا", "never": "لم يظهر",
        "actions": "إجراءات", "counter_action": "إجراء على شباك", "pause": "استراحة", "resume": "استئناف",
        "close": "إغلاق الشباك", "ticket_action": "تذكرة في الانتظار", "ticket_number": "رقم التذكرة",
        "move_to": "نقل إلى خدمة", "move": "نقل", "cancel": "إلغاء التذكرة",
        "ticker": "رسالة على شاشات العرض", "ticker_ar": "النص بالعربية", "ticker_en": "النص بالإنجليزية",
        "ticker_put": "اعرض الرسالة", "ticker_clear": "أعد الشريط المعتاد", "ticker_now": "الرسالة المعروضة الآن",
        "ticker_hint": "حتى 200 حرف لكل لغة. تبقى حتى تمسحها.",
        "when": "الوقت", "who": "من", "what": "الإجراء", "on": "على", "before": "قبل", "after": "بعد",
        "audit_intro": "كل تغيير من وحدة التحكم، الأحدث أولاً. يُحفظ أيضاً في سجل الأحداث.",
        "no_entries": "لا تغييرات بعد.",
        "enroll_code": "رمز تسجيل الأجهزة", "rotate": "أنشئ رمزاً جديداً",
        "enroll_from_console": "أُنشئ من وحدة التحكم، ويبقى بعد إعادة تشغيل الخادم ما لم يُعطَ رمز عند التشغيل.",
        "enroll_from_start": "أُعطي عند تشغيل الخادم. الرمز الجديد يسري فوراً ويبقى بعد إعادة التشغيل ما لم يُعطَ رمز عند التشغيل.",
        "clerks": "الموظفون", "clerks_intro": "الإيقاف لا يحذف شيئاً: تبقى تذاكر الموظف وسجله، ويمكن إعادة تفعيله.",
        "role": "الدور", "served": "تذاكر خدمها", "set_role": "تغيير الدور", "new_pin": "رقم سري جديد", "account": "الحساب",
        "save": "حفظ", "active": "مفعّل", "disabled": "موقوف", "disable": "إيقاف", "enable": "إعادة تفعيل",
        "add_clerk": "إضافة موظف", "add": "أضف", "pin_rule": "الرقم السري من 4 إلى 12 رقماً، وتُرفض الأرقام السهلة مثل 1234.",
        "enrolled": "سُجّل في", "rename": "تغيير الاسم", "revoke": "إلغاء الجهاز", "revoked": "ملغى",
        "counter_status": {"open": "مفتوح", "paused": "استراحة", "closed": "مغلق"},
        "reasons": {"prayer": "الصلاة", "break": "استراحة", "back_office": "أعمال مكتبية", "supervisor": "بطلب المشرف"},
        "kinds": {"kiosk": "جهاز التذاكر", "counter": "شباك", "display": "شاشة عرض", "admin": "جهاز إداري",
                  "feedback": "شاشة التقييم", "integration": "بوابة حجز (تكامل)"},
        "printer_states": {
            "ok": "سليمة", "paper_near_end": "الورق قارب على النفاد", "paper_out": "نفد الورق",
            "cover_open": "الغطاء مفتوح", "silent": "لا ترد", "offline": "غير متصلة", None: "—",
        },
        "roles": {"clerk": "موظف", "supervisor": "مشرف", "admin": "مدير"},
        "alert_texts": {
            "printer": "طابعة {device}: {state}",
            "offline": "الجهاز {device} غير متصل",
            "over_target": "خدمة {name}: أطول انتظار {wait} يتجاوز المستهدف {target}",
            "paused_long": "الشباك {number} في استراحة منذ {wait}",
        },
        "action_names": {
            "counter.pause": "استراحة شباك", "counter.resume": "استئناف شباك", "counter.close": "إغلاق شباك",
            "ticket.move": "نقل تذكرة", "ticket.cancel": "إلغاء تذكرة", "ticker.set": "رسالة الشاشات",
            "clerk.add": "إضافة موظف", "clerk.role": "تغيير الدور", "clerk.reset_pin": "رقم سري جديد",
            "clerk.disable": "إيقاف موظف", "clerk.enable": "إعادة تفعيل موظف", "device.rename": "تسمية جهاز",
            "device.revoke": "إلغاء جهاز", "service.edit": "تعديل خدمة", "service.add": "إضافة خدمة", "hours.edit": "ساعات العمل", "special_days.add": "إضافة أيام خاصة", "special_days.remove": "حذف أيام خاصة", "texts.edit": "نصوص الشاشات والتذكرة", "counter.edit": "خدمات شباك", "board.edit": "شبابيك شاشة عرض", "logo.set": "شعار التذكرة", "centre.import": "تحميل ملف الإعداد", "enroll_code.rotate": "رمز تسجيل جديد",
            "feedback.change": "ملاحظة زائر: حالة أو رد", "feedback.erase": "حذف بيانات زائر", "feedback.export": "تصدير ملاحظة زائر",
        },
    },
    "en": {
        "product": "Tabour", "console": "Centre console", "skip": "Skip to the content", "switch": "العربية",
        "fb": {"inbox": "Visitors' feedback", "intro": "Complaints, suggestions and thanks, newest first. Answer target:",
               "days": "working days", "all": "All", "reference": "Reference", "kind": "Kind", "filed": "Filed",
               "text": "Text", "mobile": "Mobile", "status": "Status", "assignee": "Assigned to", "answer": "Answer",
               "due": "Answer due", "late": "Late", "on_time": "Within target", "save": "Save", "export": "Export",
               "erase": "Delete personal data", "held": "Live: new changes show once you save or leave the form", "answered_in": "Answered in", "open_for": "Open for", "removed": "removed", "nobody": "Nobody", "none": "No feedback yet.",
               "kinds": {"complaint": "Complaint", "suggestion": "Suggestion", "thanks": "Thanks"},
               "statuses": {"new": "New", "in_progress": "In progress", "answered": "Answered", "closed": "Closed"}},
        "hall": "Hall", "audit": "Audit log", "people": "People and devices", "centre": "Centre",
        "centre_intro": "Changes apply at once on every device and stay after a hub restart while the configuration file is unchanged; if the file is changed afterwards, its settings apply.",
        "enabled_now": "Open now", "target_min": "Target (min)", "max_min": "Max wait (min)", "cap": "Daily cap",
        "avg_min": "Mean service (min)",
        "service_fields": {
            "code": "Letter", "name_ar": "Name in Arabic", "name_en": "Name in English", "group": "Group",
            "range_start": "First number", "range_end": "Last number", "daily_cap": "Daily cap (tickets)",
            "target_wait_minutes": "Target wait (min)", "max_wait_minutes": "Max wait before promotion (min, empty: none)",
            "average_service_minutes": "Mean service time (min)", "enabled": "Open now",
            "appointments_enabled": "Takes appointments", "slot_minutes": "Slot length (min)",
            "capacity": "Bookings per slot", "walk_in_share": "Share of each hour kept for walk-ins (0 to 1)",
            "days_ahead": "Days ahead that can be booked", "max_future_per_mobile": "Coming bookings per mobile number (most)",
            "check_in_open_minutes": "Check-in opens before the slot (min)", "grace_minutes": "Grace for late visitors (min)",
            "remote": "Takes tickets from phones (/join)", "remote_cap": "Most waiting from phones, not yet here",
            "remote_warn_places": "Warn the phone when this many are ahead",
        },
        "appointments_title": "Appointments",
        "appointments_note": "Slots follow the service's opening hours and special days. The walk-in share of each hour's places stays free for visitors without a booking.",
        "hours_title": "Opening hours", "layout_title": "Counters and boards", "texts_title": "Board and ticket texts",
        "weekly_hours": "Weekly hours", "always_open": "Open at all hours",
        "hours_hint": "An empty day is closed. They apply to services without hours of their own. One or more spans a day, separated by commas, e.g.",
        "weekdays": {"sun": "Sunday", "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday", "sat": "Saturday"},
        "special_days": "Special days (Ramadan, Eid)", "special_hint": "They replace the weekly hours on their days. Dates in Hijri (Umm al-Qura) or Gregorian, as year-month-day.",
        "special_name": "Name", "special_dates": "From – to", "other_calendar": "In the other calendar", "special_hours": "Hours",
        "special_from": "From (year-month-day)", "special_to": "To (year-month-day)", "calendar": "Calendar", "add_special": "Add special days",
        "calendars": {"hijri": "Hijri", "gregorian": "Gregorian"}, "closed_all_day": "Closed all day", "remove": "Remove",
        "counters_hint": "Service letters in order, separated by commas, or * for every service. Earliest first: the oldest ticket across its services; in the listed order: the first service in the list with anyone waiting. The letters now:",
        "counter_services": "Services in order", "call_mode": "Calling rule",
        "modes": {"fifo": "earliest first", "ordered": "in the listed order"},
        "boards": "Boards", "boards_hint": "The numbers of the counters each board shows, separated by commas; empty: every counter.",
        "board_counters": "Counters shown",
        "texts_hint": "The usual ticker on the boards, and the last line of the printed ticket. Up to 500 characters each.",
        "text_fields": {"ticker_ar": "Ticker in Arabic", "ticker_en": "Ticker in English", "footer_ar": "Ticket footer in Arabic", "footer_en": "Ticket footer in English"},
        "logo_title": "Ticket logo", "logo_hint": "A PNG, JPEG, GIF or BMP image under 1 MB (and the whole form under the hub's body limit), at most 4000×4000 dots. It is printed at the ticket's width.",
        "logo_now": "The logo now", "no_logo": "No logo now.", "logo_file": "Logo file", "logo_upload": "Upload the logo",
        "add_service": "Add a service", "edit_service": "Edit the service", "edit_all": "All settings", "no_group": "no group",
        "letter_fixed": "A service's letter stays: its tickets and history hang on it. To change it, add a new service and disable this one.",
        "disable_note": "Disabling a service only stops new tickets for it; tickets already waiting stay and are called as usual, or move them from the hall. Services are not deleted from the console.",
        "waiting_now": "Tickets waiting in this service now", "fix_below": "Correct the fields marked below.",
        "centre_file": "The centre file", "export_toml": "Download the running configuration (TOML)", "import_toml": "Load a centre file",
        "import_button": "Apply the file", "centre_file_intro": "The file is checked by the centre file's own rules and applies at once; the hub's [hub] settings stay.", "today": "Today and reports", "league": "Clerk league",
        "login": "Log in", "logout": "Log out", "username": "User name", "pin": "PIN", "wrong_login": "Wrong user name or PIN.",
        "login_intro": "For supervisors and centre admins only. Use your name and PIN, as at a counter.",
        "clerk_refused": "The console is for supervisors and admins; clerks work from the counter app.",
        "ended": "Your session ended (inactivity or log out).", "login_again": "Log in again",
        "admin_only": "This page is for the centre's admins only.", "error": "Could not do that", "back": "Back",
        "live": "This page updates by itself", "offline": "Lost the connection to the hub, retrying…",
        "as_of": "Updated", "done": "Done", "none": "none",
        "alerts": "Alerts", "no_alerts": "No alerts now.",
        "central": "Shipping to the central", "central_up_to_date": "every event has arrived",
        "central_never": "the central has not acknowledged anything yet", "central_behind": "events not arrived yet",
        "central_oldest": "the oldest for", "central_error": "last error",
        "services": "Services", "service": "Service", "waiting": "Waiting", "longest_wait": "Longest wait",
        "target": "Target", "breaches": "Target breaches today", "eta": "Wait for a newcomer", "remote_waiting": "Waiting from phones", "remote_arrived": "of them arrived", "remote_poster": "Remote queue poster", "remote_poster_hint": "Print it for the door and the hall: its code opens the page where visitors take a turn from their phone.", "remote_poster_open": "Open the poster to print",
        "counters": "Counters", "counter": "Counter", "clerk": "Clerk", "status": "Status",
        "current_ticket": "Current ticket", "paused_since": "Paused since", "reason": "Reason",
        "devices": "Devices", "device": "Device", "kind": "Kind", "online": "Online", "last_seen": "Last seen",
        "printer": "Printer", "yes": "yes", "no": "no", "never": "never",
        "actions": "Actions", "counter_action": "A counter", "pause": "Pause", "resume": "Resume",
        "close": "Close the counter", "ticket_action": "A waiting ticket", "ticket_number": "Ticket number",
        "move_to": "Move to service", "move": "Move", "cancel": "Cancel the ticket",
        "ticker": "Message on the boards", "ticker_ar": "Arabic text", "ticker_en": "English text",
        "ticker_put": "Show the message", "ticker_clear": "Back to the usual ticker", "ticker_now": "Message shown now",
        "ticker_hint": "Up to 200 characters each. It stays until you clear it.",
        "when": "When", "who": "Who", "what": "Action", "on": "On", "before": "Before", "after": "After",
        "audit_intro": "Every change made from the console, newest first. Also kept in the event log.",
        "no_entries": "No changes yet.",
        "enroll_code": "Device enrollment code", "rotate": "Make a new code",
        "enroll_from_console": "Made from the console; it stays after a hub restart unless the hub is started with a code of its own.",
        "enroll_from_start": "Given when the hub started. A new code applies at once and stays after a restart unless the hub is started with a code of its own.",
        "clerks": "Clerks", "clerks_intro": "Disabling deletes nothing: the clerk's tickets and history stay, and they can be enabled again.",
        "role": "Role", "served": "Tickets served", "set_role": "Change role", "new_pin": "New PIN", "account": "Account",
        "save": "Save", "active": "active", "disabled": "disabled", "disable": "Disable", "enable": "Enable again",
        "add_clerk": "Add a clerk", "add": "Add", "pin_rule": "A PIN is 4 to 12 digits; easy ones such as 1234 are refused.",
        "enrolled": "Enrolled", "rename": "Rename", "revoke": "Revoke", "revoked": "revoked",
        "counter_status": {"open": "open", "paused": "paused", "closed": "closed"},
        "reasons": {"prayer": "prayer", "break": "break", "back_office": "back office", "supervisor": "by the supervisor"},
        "kinds": {"kiosk": "kiosk", "counter": "counter", "display": "board", "admin": "admin device",
                  "feedback": "rating screen", "integration": "booking portal (integration)"},
        "printer_states": {
            "ok": "ok", "paper_near_end": "paper near its end", "paper_out": "out of paper",
            "cover_open": "cover open", "silent": "not answering", "offline": "offline", None: "—",
        },
        "roles": {"clerk": "clerk", "supervisor": "supervisor", "admin": "admin"},
        "alert_texts": {
            "printer": "Printer of {device}: {state}",
            "offline": "Device {device} is offline",
            "over_target": "{name}: the longest wait {wait} is past the target {target}",
            "paused_long": "Counter {number} paused for {wait}",
        },
        "action_names": {
            "counter.pause": "pause a counter", "counter.resume": "resume a counter", "counter.close": "close a counter",
            "ticket.move": "move a ticket", "ticket.cancel": "cancel a ticket", "ticker.set": "boards' message",
            "clerk.add": "add a clerk", "clerk.role": "change a role", "clerk.reset_pin": "new PIN",
            "clerk.disable": "disable a clerk", "clerk.enable": "re-enable a clerk", "device.rename": "rename a device",
            "device.revoke": "revoke a device", "service.edit": "edit a service", "service.add": "add a service", "hours.edit": "opening hours", "special_days.add": "add special days", "special_days.remove": "remove special days", "texts.edit": "board and ticket texts", "counter.edit": "a counter's services", "board.edit": "a board's counters", "logo.set": "the ticket logo", "centre.import": "load a centre file", "enroll_code.rotate": "new enrollment code",
            "feedback.change": "a visitor's feedback: status or answer", "feedback.erase": "delete a visitor's data", "feedback.export": "export a visitor's feedback",
        },
    },
}

PAUSE_REASONS = ("prayer", "break", "back_office", "supervisor")


def duration(seconds: int | float | None) -> str:
    """`4:05` (minutes:seconds) or `1:02:05`; shown inside <bdi dir=ltr> so Arabic keeps its order."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock(iso_time: str | None) -> str:
    """`09:15` from an ISO time with the centre's offset (its own local time)."""
    if not iso_time:
        return "—"
    try:
        return datetime.fromisoformat(iso_time).strftime("%H:%M")
    except ValueError:
        return "—"


def when(iso_time: str | None) -> str:
    if not iso_time:
        return "—"
    try:
        return datetime.fromisoformat(iso_time).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return "—"


def alert_text(alert: dict[str, Any], lang: str) -> str:
    t = TEXT[lang]
    template = t["alert_texts"][alert["kind"]]
    if alert["kind"] == "printer":
        return template.format(device=alert["device"], state=t["printer_states"].get(alert["printer"], alert["printer"]))
    if alert["kind"] == "offline":
        return template.format(device=alert["device"])
    if alert["kind"] == "over_target":
        return template.format(
            name=alert["name_ar" if lang == "ar" else "name_en"],
            wait="\u2066" + duration(alert["seconds"]) + "\u2069", target="\u2066" + duration(alert["target_seconds"]) + "\u2069",
        )
    return template.format(number="\u2066" + str(alert["number"]) + "\u2069", wait="\u2066" + duration(alert["seconds"]) + "\u2069")
