"""The console's words, Arabic first, and the small formatters its templates use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.bilingual import by_language

# A visitor's feedback as it moves: the inbox and the "Today" page name its steps alike.
FEEDBACK_STATUSES = {
    "new": ("جديدة", "New"),
    "in_progress": ("قيد المعالجة", "In progress"),
    "answered": ("تم الرد", "Answered"),
    "closed": ("مغلقة", "Closed"),
}

TEXT: dict[str, dict[str, Any]] = by_language({
    "product": ("طابور", "Tabour"),
    "console": ("وحدة تحكم المركز", "Centre console"),
    "skip": ("انتقل إلى المحتوى", "Skip to the content"),
    "switch": ("English", "العربية"),
    "fb": {
        "inbox": ("ملاحظات الزوار", "Visitors' feedback"),
        "intro": (
            "الشكاوى والاقتراحات والشكر، الأحدث أولاً. المستهدف للرد:",
            "Complaints, suggestions and thanks, newest first. Answer target:",
        ),
        "days": ("أيام عمل", "working days"),
        "all": ("الكل", "All"),
        "reference": ("الرقم المرجعي", "Reference"),
        "kind": ("النوع", "Kind"),
        "filed": ("وردت", "Filed"),
        "text": ("النص", "Text"),
        "mobile": ("الجوال", "Mobile"),
        "status": ("الحالة", "Status"),
        "assignee": ("المسؤول", "Assigned to"),
        "answer": ("الرد", "Answer"),
        "due": ("موعد الرد", "Answer due"),
        "late": ("متأخرة", "Late"),
        "on_time": ("ضمن المستهدف", "Within target"),
        "save": ("حفظ", "Save"),
        "export": ("تصدير", "Export"),
        "erase": ("حذف البيانات الشخصية", "Delete personal data"),
        "held": (
            "مباشر: تظهر التغييرات الجديدة بعد الحفظ أو مغادرة النموذج",
            "Live: new changes show once you save or leave the form",
        ),
        "answered_in": ("الرد خلال", "Answered in"),
        "open_for": ("مفتوحة منذ", "Open for"),
        "removed": ("حُذف", "removed"),
        "nobody": ("بلا", "Nobody"),
        "none": ("لا توجد ملاحظات.", "No feedback yet."),
        "kinds": {
            "complaint": ("شكوى", "Complaint"),
            "suggestion": ("اقتراح", "Suggestion"),
            "thanks": ("شكر", "Thanks"),
        },
        "statuses": FEEDBACK_STATUSES,
    },
    "hall": ("الصالة", "Hall"),
    "audit": ("سجل التغييرات", "Audit log"),
    "people": ("الموظفون والأجهزة", "People and devices"),
    "centre": ("المركز", "Centre"),
    "centre_intro": (
        "تسري التعديلات فوراً على كل الأجهزة، وتبقى بعد إعادة تشغيل الخادم ما دام ملف الإعداد لم يتغير؛ إن تغيّر الملف بعدها فإعداداته هي التي تسري.",
        "Changes apply at once on every device and stay after a hub restart while the configuration file is unchanged; if the file is changed afterwards, its settings apply.",
    ),
    "enabled_now": ("متاحة الآن", "Open now"),
    "target_min": ("المستهدف (دقيقة)", "Target (min)"),
    "max_min": ("أقصى انتظار (دقيقة)", "Max wait (min)"),
    "cap": ("الحد اليومي", "Daily cap"),
    "avg_min": ("متوسط الخدمة (دقيقة)", "Mean service (min)"),
    "service_fields": {
        "code": ("الرمز (الحرف)", "Letter"),
        "name_ar": ("الاسم بالعربية", "Name in Arabic"),
        "name_en": ("الاسم بالإنجليزية", "Name in English"),
        "group": ("المجموعة", "Group"),
        "range_start": ("أول رقم", "First number"),
        "range_end": ("آخر رقم", "Last number"),
        "daily_cap": ("الحد اليومي للتذاكر", "Daily cap (tickets)"),
        "target_wait_minutes": ("الانتظار المستهدف (دقيقة)", "Target wait (min)"),
        "max_wait_minutes": ("أقصى انتظار قبل التقديم (دقيقة، فارغ: بلا حد)", "Max wait before promotion (min, empty: none)"),
        "average_service_minutes": ("متوسط مدة الخدمة (دقيقة)", "Mean service time (min)"),
        "enabled": ("متاحة الآن", "Open now"),
        "appointments_enabled": ("تقبل المواعيد المسبقة", "Takes appointments"),
        "slot_minutes": ("مدة الموعد (دقيقة)", "Slot length (min)"),
        "capacity": ("عدد الحجوزات في الموعد", "Bookings per slot"),
        "walk_in_share": (
            "حصة الحضور المباشر من كل ساعة (من \u20660\u2069 إلى \u20661\u2069)",
            "Share of each hour kept for walk-ins (0 to 1)",
        ),
        "days_ahead": ("أيام الحجز مسبقاً", "Days ahead that can be booked"),
        "max_future_per_mobile": ("أقصى حجوزات قادمة لرقم الجوال", "Coming bookings per mobile number (most)"),
        "check_in_open_minutes": ("يبدأ تسجيل الحضور قبل الموعد بـ (دقيقة)", "Check-in opens before the slot (min)"),
        "grace_minutes": ("مهلة التأخر (دقيقة)", "Grace for late visitors (min)"),
        "remote": ("تقبل التذاكر من الجوال (/join)", "Takes tickets from phones (/join)"),
        "remote_cap": ("أقصى عدد ينتظر عن بُعد ولم يصل", "Most waiting from phones, not yet here"),
        "remote_warn_places": ("تنبيه الجوال حين يبقى أمامه (عدد)", "Warn the phone when this many are ahead"),
    },
    "appointments_title": ("المواعيد المسبقة", "Appointments"),
    "appointments_note": (
        "تتبع المواعيد ساعات عمل الخدمة وأيامها الخاصة. تبقى حصة الحضور المباشر من أماكن كل ساعة متاحة لمن يأتي دون موعد.",
        "Slots follow the service's opening hours and special days. The walk-in share of each hour's places stays free for visitors without a booking.",
    ),
    "hours_title": ("ساعات العمل", "Opening hours"),
    "layout_title": ("الشبابيك والشاشات", "Counters and boards"),
    "texts_title": ("نصوص الشاشات والتذكرة", "Board and ticket texts"),
    "weekly_hours": ("الساعات الأسبوعية", "Weekly hours"),
    "always_open": ("مفتوح طوال الوقت", "Open at all hours"),
    "hours_hint": (
        "اليوم الفارغ مغلق. تسري على الخدمات التي ليس لها ساعات خاصة. لكل يوم فترة أو أكثر مفصولة بفواصل، مثل:",
        "An empty day is closed. They apply to services without hours of their own. One or more spans a day, separated by commas, e.g.",
    ),
    "weekdays": {
        "sun": ("الأحد", "Sunday"),
        "mon": ("الاثنين", "Monday"),
        "tue": ("الثلاثاء", "Tuesday"),
        "wed": ("الأربعاء", "Wednesday"),
        "thu": ("الخميس", "Thursday"),
        "fri": ("الجمعة", "Friday"),
        "sat": ("السبت", "Saturday"),
    },
    "special_days": ("أيام خاصة (رمضان، الأعياد)", "Special days (Ramadan, Eid)"),
    "special_hint": (
        "تحل محل الساعات الأسبوعية في أيامها. التواريخ بالهجري (أم القرى) أو الميلادي، بصيغة سنة-شهر-يوم.",
        "They replace the weekly hours on their days. Dates in Hijri (Umm al-Qura) or Gregorian, as year-month-day.",
    ),
    "special_name": ("الاسم", "Name"),
    "special_dates": ("من – إلى", "From – to"),
    "other_calendar": ("بالتقويم الآخر", "In the other calendar"),
    "special_hours": ("الساعات", "Hours"),
    "special_from": ("من (سنة-شهر-يوم)", "From (year-month-day)"),
    "special_to": ("إلى (سنة-شهر-يوم)", "To (year-month-day)"),
    "calendar": ("التقويم", "Calendar"),
    "add_special": ("إضافة أيام خاصة", "Add special days"),
    "calendars": {
        "hijri": ("هجري", "Hijri"),
        "gregorian": ("ميلادي", "Gregorian"),
    },
    "closed_all_day": ("مغلق طوال اليوم", "Closed all day"),
    "remove": ("حذف", "Remove"),
    "counters_hint": (
        "رموز الخدمات بالترتيب مفصولة بفواصل، أو \u2066*\u2069 لكل الخدمات. «الأقدم أولاً»: أقدم تذكرة بين خدماته؛ «بترتيب القائمة»: أول خدمة في القائمة فيها منتظرون. الرموز الحالية:",
        "Service letters in order, separated by commas, or * for every service. Earliest first: the oldest ticket across its services; in the listed order: the first service in the list with anyone waiting. The letters now:",
    ),
    "counter_services": ("الخدمات بالترتيب", "Services in order"),
    "call_mode": ("طريقة النداء", "Calling rule"),
    "modes": {
        "fifo": ("الأقدم أولاً", "earliest first"),
        "ordered": ("بترتيب القائمة", "in the listed order"),
    },
    "boards": ("شاشات العرض", "Boards"),
    "boards_hint": (
        "أرقام الشبابيك التي تعرضها كل شاشة مفصولة بفواصل؛ فارغ: كل الشبابيك.",
        "The numbers of the counters each board shows, separated by commas; empty: every counter.",
    ),
    "board_counters": ("الشبابيك المعروضة", "Counters shown"),
    "texts_hint": (
        "الشريط المعتاد على شاشات العرض، والسطر الأخير في التذكرة المطبوعة. حتى 500 حرف لكل نص.",
        "The usual ticker on the boards, and the last line of the printed ticket. Up to 500 characters each.",
    ),
    "text_fields": {
        "ticker_ar": ("الشريط بالعربية", "Ticker in Arabic"),
        "ticker_en": ("الشريط بالإنجليزية", "Ticker in English"),
        "footer_ar": ("تذييل التذكرة بالعربية", "Ticket footer in Arabic"),
        "footer_en": ("تذييل التذكرة بالإنجليزية", "Ticket footer in English"),
    },
    "logo_title": ("شعار التذكرة", "Ticket logo"),
    "logo_hint": (
        "صورة PNG أو JPEG أو GIF أو BMP أصغر من \u20661\u2069 ميغابايت (والنموذج كله أقل من حد الخادم)، بأبعاد حتى \u20664000×4000\u2069 نقطة. تُطبع بعرض التذكرة.",
        "A PNG, JPEG, GIF or BMP image under 1 MB (and the whole form under the hub's body limit), at most 4000×4000 dots. It is printed at the ticket's width.",
    ),
    "logo_now": ("الشعار الحالي", "The logo now"),
    "no_logo": ("لا يوجد شعار الآن.", "No logo now."),
    "logo_file": ("ملف الشعار", "Logo file"),
    "logo_upload": ("حمّل الشعار", "Upload the logo"),
    "add_service": ("إضافة خدمة", "Add a service"),
    "edit_service": ("تعديل الخدمة", "Edit the service"),
    "edit_all": ("كل الإعدادات", "All settings"),
    "no_group": ("بلا مجموعة", "no group"),
    "letter_fixed": (
        "رمز الخدمة ثابت لأن التذاكر وسجلها مرتبطة به؛ لتغييره أضف خدمة جديدة وأوقف هذه.",
        "A service's letter stays: its tickets and history hang on it. To change it, add a new service and disable this one.",
    ),
    "disable_note": (
        "إيقاف الخدمة يمنع إصدار تذاكر جديدة لها فقط؛ التذاكر المنتظرة تبقى وتُنادى كالمعتاد، أو انقلها من الصالة. لا تُحذف خدمة من وحدة التحكم.",
        "Disabling a service only stops new tickets for it; tickets already waiting stay and are called as usual, or move them from the hall. Services are not deleted from the console.",
    ),
    "waiting_now": ("تذاكر تنتظر الآن في هذه الخدمة", "Tickets waiting in this service now"),
    "fix_below": ("صحّح الحقول المشار إليها.", "Correct the fields marked below."),
    "centre_file": ("ملف إعداد المركز", "The centre file"),
    "export_toml": ("نزّل الإعداد الحالي (TOML)", "Download the running configuration (TOML)"),
    "import_toml": ("حمّل ملف إعداد", "Load a centre file"),
    "import_button": ("طبّق الملف", "Apply the file"),
    "centre_file_intro": (
        "يُفحص الملف بقواعد ملف الإعداد نفسها ويسري فوراً؛ إعدادات الخادم [hub] تبقى كما هي.",
        "The file is checked by the centre file's own rules and applies at once; the hub's [hub] settings stay.",
    ),
    "today": ("اليوم والتقارير", "Today and reports"),
    "league": ("ترتيب الموظفين", "Clerk league"),
    "login": ("تسجيل الدخول", "Log in"),
    "logout": ("تسجيل الخروج", "Log out"),
    "username": ("اسم المستخدم", "User name"),
    "pin": ("الرقم السري", "PIN"),
    "wrong_login": ("اسم المستخدم أو الرقم السري غير صحيح.", "Wrong user name or PIN."),
    "login_intro": (
        "للمشرفين ومديري المركز فقط. استخدم اسمك ورقمك السري كما على الشباك.",
        "For supervisors and centre admins only. Use your name and PIN, as at a counter.",
    ),
    "clerk_refused": (
        "وحدة التحكم للمشرفين والمديرين فقط؛ الموظف يعمل من تطبيق الشباك.",
        "The console is for supervisors and admins; clerks work from the counter app.",
    ),
    "ended": ("انتهت الجلسة لعدم النشاط أو تسجيل الخروج.", "Your session ended (inactivity or log out)."),
    "login_again": ("سجّل الدخول من جديد", "Log in again"),
    "admin_only": ("هذه الصفحة لمدير المركز فقط.", "This page is for the centre's admins only."),
    "error": ("تعذّر التنفيذ", "Could not do that"),
    "back": ("العودة", "Back"),
    "live": ("تتحدث الصفحة تلقائياً", "This page updates by itself"),
    "offline": ("انقطع الاتصال بالخادم، جارٍ إعادة المحاولة…", "Lost the connection to the hub, retrying…"),
    "as_of": ("آخر تحديث", "Updated"),
    "done": ("تم التنفيذ", "Done"),
    "none": ("لا يوجد", "none"),
    "alerts": ("تنبيهات", "Alerts"),
    "no_alerts": ("لا تنبيهات الآن.", "No alerts now."),
    "central": ("الإرسال إلى الخادم المركزي", "Shipping to the central"),
    "central_up_to_date": ("كل الأحداث وصلت", "every event has arrived"),
    "central_never": ("لم يؤكد الخادم المركزي الاستلام بعد", "the central has not acknowledged anything yet"),
    "central_behind": ("أحداث لم تصل بعد", "events not arrived yet"),
    "central_oldest": ("أقدمها منذ", "the oldest for"),
    "central_error": ("آخر خطأ", "last error"),
    "services": ("الخدمات", "Services"),
    "service": ("الخدمة", "Service"),
    "waiting": ("في الانتظار", "Waiting"),
    "longest_wait": ("أطول انتظار", "Longest wait"),
    "target": ("المستهدف", "Target"),
    "breaches": ("تجاوزات المستهدف اليوم", "Target breaches today"),
    "eta": ("الانتظار المتوقع للقادم", "Wait for a newcomer"),
    "remote_waiting": ("ينتظرون عن بُعد", "Waiting from phones"),
    "remote_arrived": ("منهم وصلوا", "of them arrived"),
    "remote_poster": ("ملصق الانتظار عن بُعد", "Remote queue poster"),
    "remote_poster_hint": (
        "اطبعه للباب والصالة: رمزه يفتح صفحة أخذ الدور من الجوال.",
        "Print it for the door and the hall: its code opens the page where visitors take a turn from their phone.",
    ),
    "remote_poster_open": ("افتح الملصق للطباعة", "Open the poster to print"),
    "counters": ("الشبابيك", "Counters"),
    "counter": ("الشباك", "Counter"),
    "clerk": ("الموظف", "Clerk"),
    "status": ("الحالة", "Status"),
    "current_ticket": ("التذكرة الحالية", "Current ticket"),
    "paused_since": ("في استراحة منذ", "Paused since"),
    "reason": ("السبب", "Reason"),
    "devices": ("الأجهزة", "Devices"),
    "device": ("الجهاز", "Device"),
    "kind": ("النوع", "Kind"),
    "online": ("متصل", "Online"),
    "last_seen": ("آخر ظهور", "Last seen"),
    "printer": ("الطابعة", "Printer"),
    "yes": ("نعم", "yes"),
    "no": ("لا", "no"),
    "never": ("لم يظهر", "never"),
    "actions": ("إجراءات", "Actions"),
    "counter_action": ("إجراء على شباك", "A counter"),
    "pause": ("استراحة", "Pause"),
    "resume": ("استئناف", "Resume"),
    "close": ("إغلاق الشباك", "Close the counter"),
    "ticket_action": ("تذكرة في الانتظار", "A waiting ticket"),
    "ticket_number": ("رقم التذكرة", "Ticket number"),
    "move_to": ("نقل إلى خدمة", "Move to service"),
    "move": ("نقل", "Move"),
    "cancel": ("إلغاء التذكرة", "Cancel the ticket"),
    "ticker": ("رسالة على شاشات العرض", "Message on the boards"),
    "ticker_ar": ("النص بالعربية", "Arabic text"),
    "ticker_en": ("النص بالإنجليزية", "English text"),
    "ticker_put": ("اعرض الرسالة", "Show the message"),
    "ticker_clear": ("أعد الشريط المعتاد", "Back to the usual ticker"),
    "ticker_now": ("الرسالة المعروضة الآن", "Message shown now"),
    "ticker_hint": ("حتى 200 حرف لكل لغة. تبقى حتى تمسحها.", "Up to 200 characters each. It stays until you clear it."),
    "when": ("الوقت", "When"),
    "who": ("من", "Who"),
    "what": ("الإجراء", "Action"),
    "on": ("على", "On"),
    "before": ("قبل", "Before"),
    "after": ("بعد", "After"),
    "audit_intro": (
        "كل تغيير من وحدة التحكم، الأحدث أولاً. يُحفظ أيضاً في سجل الأحداث.",
        "Every change made from the console, newest first. Also kept in the event log.",
    ),
    "no_entries": ("لا تغييرات بعد.", "No changes yet."),
    "enroll_code": ("رمز تسجيل الأجهزة", "Device enrollment code"),
    "rotate": ("أنشئ رمزاً جديداً", "Make a new code"),
    "enroll_from_console": (
        "أُنشئ من وحدة التحكم، ويبقى بعد إعادة تشغيل الخادم ما لم يُعطَ رمز عند التشغيل.",
        "Made from the console; it stays after a hub restart unless the hub is started with a code of its own.",
    ),
    "enroll_from_start": (
        "أُعطي عند تشغيل الخادم. الرمز الجديد يسري فوراً ويبقى بعد إعادة التشغيل ما لم يُعطَ رمز عند التشغيل.",
        "Given when the hub started. A new code applies at once and stays after a restart unless the hub is started with a code of its own.",
    ),
    "clerks": ("الموظفون", "Clerks"),
    "clerks_intro": (
        "الإيقاف لا يحذف شيئاً: تبقى تذاكر الموظف وسجله، ويمكن إعادة تفعيله.",
        "Disabling deletes nothing: the clerk's tickets and history stay, and they can be enabled again.",
    ),
    "role": ("الدور", "Role"),
    "served": ("تذاكر خدمها", "Tickets served"),
    "set_role": ("تغيير الدور", "Change role"),
    "new_pin": ("رقم سري جديد", "New PIN"),
    "account": ("الحساب", "Account"),
    "save": ("حفظ", "Save"),
    "active": ("مفعّل", "active"),
    "disabled": ("موقوف", "disabled"),
    "disable": ("إيقاف", "Disable"),
    "enable": ("إعادة تفعيل", "Enable again"),
    "add_clerk": ("إضافة موظف", "Add a clerk"),
    "add": ("أضف", "Add"),
    "pin_rule": (
        "الرقم السري من 4 إلى 12 رقماً، وتُرفض الأرقام السهلة مثل 1234.",
        "A PIN is 4 to 12 digits; easy ones such as 1234 are refused.",
    ),
    "enrolled": ("سُجّل في", "Enrolled"),
    "rename": ("تغيير الاسم", "Rename"),
    "revoke": ("إلغاء الجهاز", "Revoke"),
    "revoked": ("ملغى", "revoked"),
    "counter_status": {
        "open": ("مفتوح", "open"),
        "paused": ("استراحة", "paused"),
        "closed": ("مغلق", "closed"),
    },
    "reasons": {
        "prayer": ("الصلاة", "prayer"),
        "break": ("استراحة", "break"),
        "back_office": ("أعمال مكتبية", "back office"),
        "supervisor": ("بطلب المشرف", "by the supervisor"),
    },
    "kinds": {
        "kiosk": ("جهاز التذاكر", "kiosk"),
        "counter": ("شباك", "counter"),
        "display": ("شاشة عرض", "board"),
        "admin": ("جهاز إداري", "admin device"),
        "feedback": ("شاشة التقييم", "rating screen"),
        "integration": ("بوابة حجز (تكامل)", "booking portal (integration)"),
    },
    "printer_states": {
        "ok": ("سليمة", "ok"),
        "paper_near_end": ("الورق قارب على النفاد", "paper near its end"),
        "paper_out": ("نفد الورق", "out of paper"),
        "cover_open": ("الغطاء مفتوح", "cover open"),
        "silent": ("لا ترد", "not answering"),
        "offline": ("غير متصلة", "offline"),
        None: ("—", "—"),
    },
    "roles": {
        "clerk": ("موظف", "clerk"),
        "supervisor": ("مشرف", "supervisor"),
        "admin": ("مدير", "admin"),
    },
    "alert_texts": {
        "printer": ("طابعة {device}: {state}", "Printer of {device}: {state}"),
        "offline": ("الجهاز {device} غير متصل", "Device {device} is offline"),
        "over_target": (
            "خدمة {name}: أطول انتظار {wait} يتجاوز المستهدف {target}",
            "{name}: the longest wait {wait} is past the target {target}",
        ),
        "paused_long": ("الشباك {number} في استراحة منذ {wait}", "Counter {number} paused for {wait}"),
    },
    "action_names": {
        "counter.pause": ("استراحة شباك", "pause a counter"),
        "counter.resume": ("استئناف شباك", "resume a counter"),
        "counter.close": ("إغلاق شباك", "close a counter"),
        "ticket.move": ("نقل تذكرة", "move a ticket"),
        "ticket.cancel": ("إلغاء تذكرة", "cancel a ticket"),
        "ticker.set": ("رسالة الشاشات", "boards' message"),
        "clerk.add": ("إضافة موظف", "add a clerk"),
        "clerk.role": ("تغيير الدور", "change a role"),
        "clerk.reset_pin": ("رقم سري جديد", "new PIN"),
        "clerk.disable": ("إيقاف موظف", "disable a clerk"),
        "clerk.enable": ("إعادة تفعيل موظف", "re-enable a clerk"),
        "device.rename": ("تسمية جهاز", "rename a device"),
        "device.revoke": ("إلغاء جهاز", "revoke a device"),
        "service.edit": ("تعديل خدمة", "edit a service"),
        "service.add": ("إضافة خدمة", "add a service"),
        "hours.edit": ("ساعات العمل", "opening hours"),
        "special_days.add": ("إضافة أيام خاصة", "add special days"),
        "special_days.remove": ("حذف أيام خاصة", "remove special days"),
        "texts.edit": ("نصوص الشاشات والتذكرة", "board and ticket texts"),
        "counter.edit": ("خدمات شباك", "a counter's services"),
        "board.edit": ("شبابيك شاشة عرض", "a board's counters"),
        "logo.set": ("شعار التذكرة", "the ticket logo"),
        "centre.import": ("تحميل ملف الإعداد", "load a centre file"),
        "enroll_code.rotate": ("رمز تسجيل جديد", "new enrollment code"),
        "feedback.change": ("ملاحظة زائر: حالة أو رد", "a visitor's feedback: status or answer"),
        "feedback.erase": ("حذف بيانات زائر", "delete a visitor's data"),
        "feedback.export": ("تصدير ملاحظة زائر", "export a visitor's feedback"),
    },
})

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
