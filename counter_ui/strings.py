"""The counter client's own texts, in Arabic and English, and the plain-word reading of hub refusals."""

from __future__ import annotations

from qt_common.hub_errors import HubError
from qt_common.i18n import Text, has_key, register_catalogue, text_of

STRINGS: dict[str, tuple[str, str]] = {
    "counter_ui.title": ("شباك الخدمة", "Service counter"),
    # login
    "counter_ui.login.title": ("تسجيل دخول الموظف", "Clerk login"),
    "counter_ui.login.counter": ("الشباك", "Counter"),
    "counter_ui.login.username": ("اسم المستخدم", "User name"),
    "counter_ui.login.pin": ("الرقم السري", "PIN"),
    "counter_ui.login.submit": ("دخول وفتح الشباك", "Log in and open the counter"),
    "counter_ui.login.loading": ("جارٍ تحميل الشبابيك…", "Loading the counters…"),
    "counter_ui.login.missing": ("أدخل اسم المستخدم والرقم السري.", "Enter your user name and PIN."),
    "counter_ui.login.no_counter": ("اختر الشباك أولاً.", "Choose a counter first."),
    "counter_ui.login.unknown_counter": (
        "لا يوجد شباك بالرقم {number} في هذا المركز.",
        "There is no counter number {number} in this centre.",
    ),
    "counter_ui.login.counter_busy": ("يعمل عليه الآن: {clerk}", "Now staffed by: {clerk}"),
    "counter_ui.enroll.prompt": (
        "هذا الجهاز غير مسجّل لدى الخادم. أدخل رمز تسجيل الجهاز من المشرف.",
        "This device is not enrolled with the hub. Enter the enrollment code from your supervisor.",
    ),
    "counter_ui.enroll.code": ("رمز التسجيل", "Enrollment code"),
    "counter_ui.enroll.submit": ("تسجيل الجهاز", "Enroll this device"),
    "counter_ui.enroll.done": ("تم تسجيل الجهاز.", "The device is enrolled."),
    # header
    "counter_ui.clerk": ("الموظف: {name}", "Clerk: {name}"),
    "counter_ui.logout": ("تسجيل الخروج", "Log out"),
    "counter_ui.compact": ("الوضع المصغّر", "Compact mode"),
    "counter_ui.full": ("الوضع الكامل", "Full view"),
    "counter_ui.logged_out": ("تم تسجيل الخروج وإغلاق الشباك.", "Logged out; the counter is closed."),
    "counter_ui.session_ended": (
        "انتهت جلسة الدخول على هذا الشباك. سجّل الدخول مرة أخرى.",
        "The session at this counter has ended. Please log in again.",
    ),
    # tabs
    "counter_ui.tab.counter": ("الشباك", "Counter"),
    "counter_ui.tab.hall": ("الصالة", "Hall"),
    "counter_ui.tab.queue": ("الانتظار ({n})", "Queue ({n})"),
    # actions
    "counter_ui.action.call_next": ("نداء التالي", "Call next"),
    "counter_ui.action.recall": ("إعادة النداء", "Recall"),
    "counter_ui.action.start": ("بدء الخدمة", "Start"),
    "counter_ui.action.finish": ("إنهاء الخدمة", "Finish"),
    "counter_ui.action.no_show": ("لم يحضر", "No-show"),
    "counter_ui.action.transfer": ("تحويل", "Transfer"),
    "counter_ui.action.pause": ("استراحة", "Pause"),
    "counter_ui.action.resume": ("استئناف العمل", "Resume"),
    "counter_ui.action.call_number": ("نداء هذا الرقم", "Serve this number"),
    "counter_ui.action.number_hint": ("رقم تذكرة، مثل A-105", "A ticket number, e.g. A-105"),
    "counter_ui.shortcut": ("{action} ({keys})", "{action} ({keys})"),
    # the current ticket
    "counter_ui.ticket.none": ("لا يوجد زائر لدى الشباك", "No visitor at the counter"),
    "counter_ui.ticket.none_hint": ("اضغط «نداء التالي» لنداء الزائر التالي.", "Press “Call next” to call the next visitor."),
    "counter_ui.ticket.service": ("الخدمة: {name}", "Service: {name}"),
    "counter_ui.ticket.waited": ("مدة الانتظار: {duration}", "Waited: {duration}"),
    "counter_ui.ticket.serving_for": ("مدة الخدمة: {clock}", "Service time: {clock}"),
    "counter_ui.ticket.called_for": ("منذ النداء: {clock}", "Since the call: {clock}"),
    "counter_ui.ticket.recalls.zero": ("لم يُعَد النداء", "Not recalled"),
    "counter_ui.ticket.recalls.one": ("أُعيد النداء مرة واحدة", "Recalled once"),
    "counter_ui.ticket.recalls.two": ("أُعيد النداء مرتين", "Recalled twice"),
    "counter_ui.ticket.recalls.few": ("أُعيد النداء {n} مرات", "Recalled {n} times"),
    "counter_ui.ticket.recalls.many": ("أُعيد النداء {n} مرة", "Recalled {n} times"),
    "counter_ui.ticket.recalls.other": ("أُعيد النداء {n} مرة", "Recalled {n} times"),
    "counter_ui.ticket.transferred_from": ("محوّلة من: {name}", "Transferred from: {name}"),
    # outcomes
    "counter_ui.nobody_waiting": ("لا أحد في الانتظار لخدمات هذا الشباك.", "Nobody is waiting for this counter's services."),
    "counter_ui.transferred": ("تم تحويل {number} إلى {service}.", "{number} was sent on to {service}."),
    "counter_ui.finished": ("تم إنهاء خدمة {number}.", "{number} is done."),
    "counter_ui.marked_no_show": ("سُجّل عدم حضور {number}.", "{number} was marked as not present."),
    # pause
    "counter_ui.pause.title": ("سبب الاستراحة", "Reason for the pause"),
    "counter_ui.pause.other": ("سبب آخر", "Other reason"),
    "counter_ui.pause.other_hint": ("اكتب السبب", "Type the reason"),
    "counter_ui.pause.other_submit": ("استراحة لهذا السبب", "Pause for this reason"),
    "counter_ui.pause.invalid": ("اكتب سببًا من 1 إلى 80 حرفًا.", "Type a reason of 1 to 80 characters."),
    "counter_ui.paused.title": ("الشباك في استراحة", "The counter is paused"),
    # transfer
    "counter_ui.transfer.title": ("تحويل {number} إلى خدمة أخرى", "Transfer {number} to another service"),
    "counter_ui.transfer.search": ("ابحث باسم الخدمة أو رمزها", "Search by service name or code"),
    "counter_ui.transfer.submit": ("تحويل", "Transfer"),
    "counter_ui.transfer.none": ("لا توجد خدمة مطابقة.", "No service matches."),
    "counter_ui.transfer.item": ("{code} · {name} · {waiting}", "{code} · {name} · {waiting}"),
    # queue
    "counter_ui.queue.title": ("قائمة الانتظار", "Queue"),
    "counter_ui.queue.count": ("في الانتظار: {n}", "Waiting: {n}"),
    "counter_ui.queue.item": ("{number} · {service} · {duration}", "{number} · {service} · {duration}"),
    "counter_ui.queue.breach": ("تجاوز الانتظار المستهدف", "past the target wait"),
    "counter_ui.queue.breaches": ("{n} تجاوزوا الانتظار المستهدف", "{n} past the target wait"),
    "counter_ui.queue.empty": ("لا أحد في الانتظار", "No one waiting"),
    "counter_ui.queue.more": ("و{n} آخرون", "and {n} more"),
    "counter_ui.queue.remote": ("عن بُعد: لم يصل", "remote: not here"),
    "counter_ui.queue.remote_arrived": ("عن بُعد: وصل", "remote: arrived"),
    # figures
    "counter_ui.figures.title": ("أرقامي اليوم", "My figures today"),
    "counter_ui.figures.served": ("تمت خدمتهم: {n}", "Served: {n}"),
    "counter_ui.figures.average": ("متوسط مدة الخدمة: {duration}", "Average service time: {duration}"),
    "counter_ui.figures.no_average": ("متوسط مدة الخدمة: —", "Average service time: —"),
    "counter_ui.figures.month": ("بطاقتي الشهرية", "My month"),
    # the clerk's own scorecard (GET /sessions/current/scorecard)
    "counter_ui.scorecard.title": ("بطاقة أدائي — {month}", "My scorecard — {month}"),
    "counter_ui.scorecard.loading": ("جارٍ تحميل الأرقام…", "Loading the figures…"),
    "counter_ui.scorecard.previous": ("الشهر السابق", "Previous month"),
    "counter_ui.scorecard.next": ("الشهر التالي", "Next month"),
    "counter_ui.scorecard.close": ("إغلاق", "Close"),
    "counter_ui.scorecard.mine": ("أنا", "Me"),
    "counter_ui.scorecard.centre": ("المركز", "The centre"),
    "counter_ui.scorecard.served": ("تمت خدمتهم", "Served"),
    "counter_ui.scorecard.mean_service": ("متوسط مدة الخدمة", "Mean service time"),
    "counter_ui.scorecard.median_service": ("وسيط مدة الخدمة", "Median service time"),
    "counter_ui.scorecard.within_target": ("نودوا ضمن الهدف", "Called within target"),
    "counter_ui.scorecard.no_show": ("لم يحضروا عند النداء", "Absent when called"),
    "counter_ui.scorecard.recall": ("أُعيد نداؤهم", "Called again"),
    "counter_ui.scorecard.satisfied": ("راضون (4 أو 5)", "Satisfied (4 or 5)"),
    "counter_ui.scorecard.mean_score": ("متوسط التقييم", "Mean score"),
    "counter_ui.scorecard.ratings": ("عدد التقييمات", "Ratings"),
    "counter_ui.scorecard.complaints": ("شكاوى عن زياراتي", "Complaints about my visits"),
    "counter_ui.scorecard.rank": ("ترتيبي: {rank} من {ranked}", "My place: {rank} of {ranked}"),
    "counter_ui.scorecard.not_ranked": (
        "لم أُرتَّب بعد: لدي {ratings} تقييم، والترتيب يبدأ من {minimum} تقييم في الشهر.",
        "Not ranked yet: {ratings} ratings; clerks are ranked from {minimum} ratings in the month.",
    ),
    "counter_ui.scorecard.fair": (
        "يُقارن كل تقييم بمتوسط تقييم خدمته، فلا تُظلم الخدمات الأصعب.",
        "Each score is compared with its own service's mean, so harder services are not held against you.",
    ),
    "counter_ui.scorecard.complaint": ("التذكرة {number} — {day} — {status}", "Ticket {number} — {day} — {status}"),
    "counter_ui.scorecard.no_complaints": ("لا شكاوى عن زياراتي هذا الشهر.", "No complaints about my visits this month."),
    "counter_ui.scorecard.status.new": ("جديدة", "new"),
    "counter_ui.scorecard.status.in_progress": ("قيد المعالجة", "in progress"),
    "counter_ui.scorecard.status.answered": ("تم الرد", "answered"),
    "counter_ui.scorecard.status.closed": ("مغلقة", "closed"),
    "counter_ui.scorecard.failed": ("تعذّر تحميل البطاقة.", "The scorecard could not be loaded."),
    # compact
    "counter_ui.compact.waiting": ("ينتظر {n}", "{n} waiting"),
    # hall (supervisor)
    "counter_ui.hall.services": ("الخدمات الآن", "Services now"),
    "counter_ui.hall.counters": ("الشبابيك", "Counters"),
    "counter_ui.hall.kpi_services": ("مؤشرات اليوم حسب الخدمة", "Today's KPIs by service"),
    "counter_ui.hall.kpi_clerks": ("مؤشرات اليوم حسب الموظف", "Today's KPIs by clerk"),
    "counter_ui.hall.refresh": ("تحديث المؤشرات", "Refresh KPIs"),
    "counter_ui.hall.updated": ("آخر تحديث للمؤشرات: {time}", "KPIs updated: {time}"),
    "counter_ui.hall.summary": (
        "في الانتظار: {waiting} · تجاوزوا المستهدف: {breaches} · شبابيك مفتوحة: {open}",
        "Waiting: {waiting} · Past target: {breaches} · Counters open: {open}",
    ),
    "counter_ui.col.service": ("الخدمة", "Service"),
    "counter_ui.col.waiting": ("ينتظرون", "Waiting"),
    "counter_ui.col.longest": ("أطول انتظار", "Longest wait"),
    "counter_ui.col.target": ("المستهدف", "Target"),
    "counter_ui.col.breaches": ("تجاوزوا المستهدف", "Past target"),
    "counter_ui.col.counter": ("الشباك", "Counter"),
    "counter_ui.col.status": ("الحالة", "Status"),
    "counter_ui.col.clerk": ("الموظف", "Clerk"),
    "counter_ui.col.ticket": ("التذكرة الحالية", "Current ticket"),
    "counter_ui.col.issued": ("صدرت", "Issued"),
    "counter_ui.col.served": ("خُدموا", "Served"),
    "counter_ui.col.no_show": ("لم يحضروا", "No-show"),
    "counter_ui.col.mean_wait": ("متوسط الانتظار", "Mean wait"),
    "counter_ui.col.mean_service": ("متوسط الخدمة", "Mean service"),
    "counter_ui.col.within_target": ("ضمن المستهدف", "Within target"),
    # the devices panel and the supervisor's alert
    "counter_ui.devices.title": ("الأجهزة", "Devices"),
    "counter_ui.devices.tab_alert": ("الأجهزة (تحتاج متابعة: {n})", "Devices (need attention: {n})"),
    "counter_ui.hall.tab.kpis": ("مؤشرات اليوم", "Today's KPIs"),
    "counter_ui.devices.col.device": ("الجهاز", "Device"),
    "counter_ui.devices.col.kind": ("النوع", "Kind"),
    "counter_ui.devices.col.connection": ("الاتصال (آخر ظهور)", "Connection (last seen)"),
    "counter_ui.devices.col.printer": ("الطابعة", "Printer"),
    "counter_ui.devices.kind.kiosk": ("كشك التذاكر", "Ticket kiosk"),
    "counter_ui.devices.kind.display": ("شاشة عرض", "Display board"),
    "counter_ui.devices.online": ("متصل", "Online"),
    "counter_ui.devices.revoked": ("ملغى", "Revoked"),
    "counter_ui.devices.offline_since": ("غير متصل منذ {duration}", "Offline for {duration}"),
    "counter_ui.devices.never_seen": ("لم يتصل بعد", "Not seen yet"),
    "counter_ui.devices.printer.ok": ("سليمة", "OK"),
    "counter_ui.devices.printer.paper_near_end": ("الورق يوشك على النفاد", "Paper nearly out"),
    "counter_ui.devices.printer.paper_out": ("نفد الورق", "Out of paper"),
    "counter_ui.devices.printer.cover_open": ("الغطاء مفتوح", "Cover open"),
    "counter_ui.devices.printer.silent": ("لا تستجيب", "Not answering"),
    "counter_ui.devices.printer.offline": ("متوقفة", "Offline"),
    "counter_ui.devices.printer_problem.paper_out": ("نفد ورق الطابعة", "the printer is out of paper"),
    "counter_ui.devices.printer_problem.cover_open": ("غطاء الطابعة مفتوح", "the printer's cover is open"),
    "counter_ui.devices.printer_problem.silent": ("الطابعة لا تستجيب", "the printer does not answer"),
    "counter_ui.devices.printer_problem.offline": ("الطابعة متوقفة", "the printer is offline"),
    "counter_ui.devices.none": ("لا توجد أكشاك أو شاشات مسجّلة لدى الخادم.", "No kiosk or board is enrolled with the hub."),
    "counter_ui.devices.unsupported": (
        "هذا الخادم لا يعرض قائمة الأجهزة؛ حدّثه لتظهر هنا.",
        "This hub does not list its devices; update it to see them here.",
    ),
    "counter_ui.devices.unavailable": ("تعذّر تحميل قائمة الأجهزة؛ إعادة المحاولة تلقائيًا.", "The device list could not be loaded; trying again by itself."),
    "counter_ui.devices.alert.title": ("أجهزة تحتاج إلى متابعة", "Devices need attention"),
    # Arabic lines start with an Arabic word: a line that starts with a Latin device name
    # would be laid out left to right and put the colon on the wrong side.
    "counter_ui.devices.alert.printer": ("الجهاز {device}: {problem}", "{device}: {problem}"),
    "counter_ui.devices.alert.offline": ("الجهاز {device} غير متصل منذ {duration}", "{device}: offline for {duration}"),
    "counter_ui.devices.alert.more": ("و{n} غيرها", "and {n} more"),
    "counter_ui.devices.alert.show": ("عرض الأجهزة", "Show devices"),
    "counter_ui.stats_forbidden": ("المؤشرات للمشرفين فقط.", "KPIs are for supervisors only."),
    # plain words for the hub's refusals, by error code
    "counter_ui.error.ticket_in_hand": (
        "لديك زائر لم تنتهِ خدمته بعد. ابدأ خدمته وأنهِها، أو سجّل عدم حضوره، ثم تابع.",
        "You still have a visitor at the counter. Start and finish the service, or mark a no-show, then carry on.",
    ),
    "counter_ui.error.counter_paused": (
        "الشباك في استراحة. اضغط «استئناف العمل» أولاً.",
        "The counter is paused. Press “Resume” first.",
    ),
    "counter_ui.error.counter_closed": (
        "الشباك مغلق. سجّل الخروج ثم الدخول لفتحه.",
        "The counter is closed. Log out and in again to open it.",
    ),
    "counter_ui.error.impossible_step": (
        "لا يمكن تنفيذ هذه الخطوة على التذكرة الآن؛ ربما نوديت من شباك آخر أو انتهت خدمتها.",
        "This step is not possible for the ticket now; another counter may have called it, or it is already finished.",
    ),
    "counter_ui.error.wrong_counter": (
        "هذه التذكرة لدى شباك آخر؛ لا يمكن لشباكين خدمة الزائر نفسه.",
        "This ticket is with another counter; two counters never serve the same visitor.",
    ),
    "counter_ui.error.wrong_service": (
        "هذا الرقم لخدمة لا يقدمها هذا الشباك.",
        "That number belongs to a service this counter does not serve.",
    ),
    "counter_ui.error.same_service": ("التذكرة في هذه الخدمة أصلاً؛ اختر خدمة أخرى.", "The ticket is already in that service; pick another."),
    "counter_ui.error.service_closed": ("الخدمة المختارة غير متاحة الآن.", "The chosen service is not available now."),
    "counter_ui.error.not_found": ("لم يُعثر على التذكرة أو الشباك المطلوب.", "The ticket or counter was not found."),
    "counter_ui.error.validation_error": ("البيانات المدخلة غير صحيحة.", "What was typed is not valid."),
    "counter_ui.error.wrong_pin": ("اسم المستخدم أو الرقم السري غير صحيح.", "Wrong user name or PIN."),
    "counter_ui.error.locked_out": (
        "تم إيقاف الدخول مؤقتًا بعد محاولات خاطئة كثيرة.",
        "Login is locked for a while after too many wrong PINs.",
    ),
    "counter_ui.error.session_required": ("سجّل الدخول على الشباك أولاً.", "Log in at the counter first."),
    "counter_ui.error.forbidden": ("ليست لديك صلاحية لهذا الإجراء.", "You are not allowed to do this."),
    "counter_ui.error.unreachable": (
        "تعذّر الوصول إلى الخادم؛ لم يُنفَّذ الإجراء. أعد المحاولة عند عودة الاتصال.",
        "The hub cannot be reached; nothing was done. Try again when the connection is back.",
    ),
    "counter_ui.error.rate_limited": ("طلبات كثيرة؛ انتظر لحظة ثم أعد المحاولة.", "Too many requests; wait a moment and try again."),
    "counter_ui.error.not_enrolled": (
        "هذا الجهاز غير مسجّل لدى الخادم.",
        "This device is not enrolled with the hub.",
    ),
    "counter_ui.error.other": ("لم يقبل الخادم هذا الإجراء.", "The hub refused this action."),
}

register_catalogue(STRINGS)

#: the keyboard shortcuts, shown on the buttons too
SHORTCUTS = {
    "call_next": "F2",
    "recall": "F3",
    "start": "F4",
    "finish": "F5",
    "no_show": "F6",
    "transfer": "F7",
    "pause": "F9",
}


def explain(error: HubError) -> Text:
    """A refusal in plain words for a clerk, in both languages: the meaning of its code, then the hub's own detail."""
    key = f"counter_ui.error.{error.code}"
    plain = text_of(key) if has_key(key) else text_of("counter_ui.error.other")
    detail_ar, detail_en = error.message_ar.strip(), error.message_en.strip()
    if error.unreachable or not (detail_ar or detail_en):
        return plain
    ar = plain.ar if detail_ar in plain.ar else f"{plain.ar}\n{detail_ar[:300]}"
    en = plain.en if detail_en in plain.en else f"{plain.en}\n{detail_en[:300]}"
    return Text(ar, en)
