"""The console's "Today and reports" page: KPIs of a period with charts, and report downloads.

The figures are `core.stats` (the same as `GET /stats` and the reports); the charts are inline
SVG drawn by `reports.svg` (no script, a table beside each); the downloads are the `report`
command's own files (`reports.cli.write`), for Gregorian or Hijri dates (`reports.dates`).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from core import stats
from core.errors import BadInput
from reports import svg
from reports.data import load
from reports.dates import hijri_text, parse_report_date

GROUPS = ["service", "counter", "clerk", "hour"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

# The visitor's voice on the page and the clerks' league (/console/league).
VOICE_WORDS = {
    "ar": {
        "voice": "رضا الزوار", "satisfied": "راضون (4 أو 5)", "mean_score": "متوسط التقييم", "ratings": "التقييمات",
        "response_rate": "نسبة المقيّمين", "feedback": "الشكاوى والاقتراحات", "kind": "النوع", "filed": "المستلمة",
        "kinds": {"complaint": "شكاوى", "suggestion": "اقتراحات", "thanks": "شكر"},
        "statuses": {"new": "جديدة", "in_progress": "قيد المعالجة", "answered": "تم الرد", "closed": "مغلقة"},
        "response_median": "وسيط زمن الرد", "response_p90": "زمن الرد لـ 90٪", "within_days": "الرد خلال {days} أيام عمل",
        "overdue": "متأخرة بلا رد", "hours": "ساعة",
        "league": "ترتيب الموظفين", "month": "الشهر", "month_hint": "الشهر بالصيغة \u20662026-11\u2069.",
        "rank": "الترتيب", "clerk": "الموظف", "median_service": "وسيط مدة الخدمة", "no_show_rate": "نسبة الغياب",
        "recall_rate": "نسبة إعادة النداء", "vs_service": "الفرق عن متوسط الخدمة", "time_vs_service": "الوقت نسبةً للخدمة",
        "complaints": "شكاوى", "not_ranked": "غير مرتَّب", "employee": "موظف الشهر",
        "rule": "لا يُرتَّب إلا من له {min} تقييم على الأقل في الشهر: دون ذلك يكون الفرق بين الموظفين ضجيجاً لا قياساً. "
                "ويُقارن كل تقييم بمتوسط تقييم خدمته، وكل مدة خدمة بمتوسط خدمتها، فلا يخسر موظف الخدمة الأصعب أمام موظف الخدمة الأسرع.",
        "nobody": "لم يبلغ أي موظف {min} تقييم هذا الشهر؛ لا موظف للشهر بعد.",
        "monthly": "التقرير الشهري للمركز", "no_clerks": "لا موظفين خدموا زواراً في هذا الشهر.",
    },
    "en": {
        "voice": "Visitor satisfaction", "satisfied": "Satisfied (4 or 5)", "mean_score": "Mean score", "ratings": "Ratings",
        "response_rate": "Response rate", "feedback": "Complaints and suggestions", "kind": "Kind", "filed": "Filed",
        "kinds": {"complaint": "Complaints", "suggestion": "Suggestions", "thanks": "Thanks"},
        "statuses": {"new": "New", "in_progress": "In progress", "answered": "Answered", "closed": "Closed"},
        "response_median": "Median response", "response_p90": "90% answered within", "within_days": "Answered in {days} working days",
        "overdue": "Overdue, no answer", "hours": "h",
        "league": "Clerk league", "month": "Month", "month_hint": "The month as 2026-11.",
        "rank": "Rank", "clerk": "Clerk", "median_service": "Median service time", "no_show_rate": "No-show rate",
        "recall_rate": "Recall rate", "vs_service": "Score vs service", "time_vs_service": "Time vs service",
        "complaints": "Complaints", "not_ranked": "not ranked", "employee": "Employee of the month",
        "rule": "Only clerks with at least {min} ratings in the month are ranked: below that, differences between clerks are "
                "noise, not measurement. Each score is compared with its service's mean score and each service time with its "
                "service's mean, so a clerk on the hardest service does not lose to one on the quickest.",
        "nobody": "No clerk had {min} ratings this month; no employee of the month yet.",
        "monthly": "Monthly centre report", "no_clerks": "No clerk served visitors this month.",
    },
}

# Appointments, walk-ins and the remote queue (core/visit_figures.py) on the page.
VISIT_WORDS = {
    "ar": {
        "visits": "المواعيد والانتظار عن بُعد", "booked": "حجوزات", "checked_in": "سجّلوا الحضور", "cancelled": "ألغيت",
        "booking_no_show": "لم يحضروا", "booking_no_show_rate": "نسبة عدم الحضور", "punctuality": "الالتزام بالموعد (النداء − الموعد)",
        "appointment_wait": "انتظار أصحاب المواعيد", "walk_in_wait": "انتظار الحضور المباشر", "remote_wait": "انتظار عن بُعد",
        "remote_issued": "تذاكر عن بُعد", "remote_arrived": "وصلوا", "remote_no_show_rate": "نسبة غياب تذاكر الجوال",
        "visits_by_service": "المواعيد والانتظار عن بُعد حسب الخدمة", "visits_by_day": "المواعيد والانتظار عن بُعد حسب اليوم",
        "day": "اليوم",
    },
    "en": {
        "visits": "Appointments and the remote queue", "booked": "Booked", "checked_in": "Checked in", "cancelled": "Cancelled",
        "booking_no_show": "No-shows", "booking_no_show_rate": "No-show rate", "punctuality": "Punctuality (call − slot)",
        "appointment_wait": "Appointment wait", "walk_in_wait": "Walk-in wait", "remote_wait": "Remote wait",
        "remote_issued": "Remote tickets", "remote_arrived": "Arrived", "remote_no_show_rate": "Remote no-show rate",
        "visits_by_service": "Appointments and remote queue by service", "visits_by_day": "Appointments and remote queue by day",
        "day": "Day",
    },
}

WORDS = {
    "ar": {
        "period": "الفترة", "from": "من", "to": "إلى", "show": "اعرض", "dates_hint": "التاريخ ميلادي (\u20662026-11-24\u2069) أو هجري (\u20661448-06-14\u2069)؛ الشهر (\u20661448-09\u2069) يعني كامله.",
        "issued": "صدرت", "served": "خُدمت", "no_show": "لم يحضر", "mean_wait": "متوسط الانتظار", "p90_wait": "انتظار 90٪",
        "mean_service": "متوسط مدة الخدمة", "within_target": "ضمن المستهدف", "waiting": "في الانتظار الآن",
        "by_service": "حسب الخدمة", "by_counter": "حسب الشباك", "by_clerk": "حسب الموظف", "name": "الاسم",
        "chart_hours": "متوسط الانتظار حسب ساعة الإصدار (بالدقائق)", "chart_waits": "توزيع مدد الانتظار (عدد التذاكر)",
        "chart_sla": "النسبة ضمن المستهدف حسب الخدمة (٪)", "downloads": "تنزيل التقرير", "minutes": "دقيقة",
        "no_data": "لا بيانات في هذه الفترة بعد.", "hour": "الساعة", "band": "الانتظار (دقائق)", "count": "العدد",
        **VOICE_WORDS["ar"],
        **VISIT_WORDS["ar"],
    },
    "en": {
        "period": "Period", "from": "From", "to": "To", "show": "Show", "dates_hint": "Dates are Gregorian (2026-11-24) or Hijri (1448-06-14); a month (1448-09) means all of it.",
        "issued": "Issued", "served": "Served", "no_show": "No-shows", "mean_wait": "Mean wait", "p90_wait": "90% waited under",
        "mean_service": "Mean service time", "within_target": "Within target", "waiting": "Waiting now",
        "by_service": "By service", "by_counter": "By counter", "by_clerk": "By clerk", "name": "Name",
        "chart_hours": "Mean wait by hour of issue (minutes)", "chart_waits": "How long visitors waited (tickets)",
        "chart_sla": "Share within target by service (%)", "downloads": "Download the report", "minutes": "min",
        "no_data": "No figures for this period yet.", "hour": "Hour", "band": "Wait (minutes)", "count": "Tickets",
        **VOICE_WORDS["en"],
        **VISIT_WORDS["en"],
    },
}


def period(first_text: str | None, last_text: str | None, today: date) -> tuple[date, date]:
    """The period asked for (Gregorian or Hijri; empty: today), checked like the report command's."""
    last = parse_report_date(last_text or first_text, end=True) if (last_text or first_text) else today
    first = parse_report_date(first_text) if first_text else last
    stats.check_period(first, last)
    return first, last


def period_text(first: date, last: date, lang: str) -> str:
    gregorian = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    hijri = hijri_text(first, lang) if first == last else f"{hijri_text(first, lang)} – {hijri_text(last, lang)}"
    return f"\u2066{gregorian}\u2069 ({hijri})"


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def charts(kpis: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The three charts, each with the table of its figures (screen readers read the table)."""
    words = WORDS[lang]
    rtl = lang == "ar"
    hours = [(f"{row['hour']:02d}", _minutes(row["wait_seconds"]["mean"])) for row in kpis.get("by_hour", [])]
    bands = [
        (f"{band['from_seconds'] // 60}–{band['to_seconds'] // 60}" if band["to_seconds"] else f"{band['from_seconds'] // 60}+",
         band["count"])
        for band in kpis["totals"]["wait_distribution"]
    ]
    while len(bands) > 4 and not bands[-1][1]:
        bands.pop()  # the long empty tail says nothing
    shares = [(row["code"], None if row["within_target_share"] is None else round(row["within_target_share"] * 100, 1))
              for row in kpis.get("by_service", [])]
    found = []
    for key, values, head in (("chart_hours", hours, "hour"), ("chart_waits", bands, "band"), ("chart_sla", shares, "name")):
        if values:
            found.append({"title": words[key], "svg": svg.bars(values, title=words[key], rtl=rtl), "rows": values,
                          "head": words[head], "id": key})
    return found


def report_file(db_path: str, first: date, last: date, kind: str, lang: str) -> bytes:
    """The `report` command's file for the period, made in a private temporary folder."""
    from reports.cli import write

    if kind not in MEDIA:
        raise BadInput("Download as csv, xlsx or pdf.", "التنزيل بصيغة \u2066csv\u2069 أو \u2066xlsx\u2069 أو \u2066pdf\u2069.")
    data = load(Path(db_path), first, last)
    with tempfile.TemporaryDirectory(prefix="tabour-report-") as folder:
        out = Path(folder) / f"report.{kind}"
        write(data, kind, out, lang)
        return out.read_bytes()


def monthly_file(db_path: str, first: date, last: date, kind: str, lang: str) -> bytes:
    """The one-page monthly centre report (`report --monthly`) as pdf or xlsx."""
    from reports.cli import write

    if kind not in ("pdf", "xlsx"):
        raise BadInput("The monthly report downloads as pdf or xlsx.", "التقرير الشهري بصيغة \u2066pdf\u2069 أو \u2066xlsx\u2069.")
    data = load(Path(db_path), first, last, visits=False)
    with tempfile.TemporaryDirectory(prefix="tabour-month-") as folder:
        out = Path(folder) / f"month.{kind}"
        write(data, kind, out, lang, monthly=True)
        return out.read_bytes()
