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
from core.bilingual import by_language
from core.errors import BadInput
from hub.console.text import FEEDBACK_STATUSES
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
    "voice": ("رضا الزوار", "Visitor satisfaction"),
    "satisfied": ("راضون (4 أو 5)", "Satisfied (4 or 5)"),
    "mean_score": ("متوسط التقييم", "Mean score"),
    "ratings": ("التقييمات", "Ratings"),
    "response_rate": ("نسبة المقيّمين", "Response rate"),
    "feedback": ("الشكاوى والاقتراحات", "Complaints and suggestions"),
    "kind": ("النوع", "Kind"),
    "filed": ("المستلمة", "Filed"),
    "kinds": {
        "complaint": ("شكاوى", "Complaints"),
        "suggestion": ("اقتراحات", "Suggestions"),
        "thanks": ("شكر", "Thanks"),
    },
    "statuses": FEEDBACK_STATUSES,
    "response_median": ("وسيط زمن الرد", "Median response"),
    "response_p90": ("زمن الرد لـ 90٪", "90% answered within"),
    "within_days": ("الرد خلال {days} أيام عمل", "Answered in {days} working days"),
    "overdue": ("متأخرة بلا رد", "Overdue, no answer"),
    "hours": ("ساعة", "h"),
    "league": ("ترتيب الموظفين", "Clerk league"),
    "month": ("الشهر", "Month"),
    "month_hint": ("الشهر بالصيغة \u20662026-11\u2069.", "The month as 2026-11."),
    "rank": ("الترتيب", "Rank"),
    "clerk": ("الموظف", "Clerk"),
    "median_service": ("وسيط مدة الخدمة", "Median service time"),
    "no_show_rate": ("نسبة الغياب", "No-show rate"),
    "recall_rate": ("نسبة إعادة النداء", "Recall rate"),
    "vs_service": ("الفرق عن متوسط الخدمة", "Score vs service"),
    "time_vs_service": ("الوقت نسبةً للخدمة", "Time vs service"),
    "complaints": ("شكاوى", "Complaints"),
    "not_ranked": ("غير مرتَّب", "not ranked"),
    "employee": ("موظف الشهر", "Employee of the month"),
    "rule": (
        "لا يُرتَّب إلا من له {min} تقييم على الأقل في الشهر: دون ذلك يكون الفرق بين الموظفين ضجيجاً لا قياساً. ويُقارن كل تقييم بمتوسط تقييم خدمته، وكل مدة خدمة بمتوسط خدمتها، فلا يخسر موظف الخدمة الأصعب أمام موظف الخدمة الأسرع.",
        "Only clerks with at least {min} ratings in the month are ranked: below that, differences between clerks are noise, not measurement. Each score is compared with its service's mean score and each service time with its service's mean, so a clerk on the hardest service does not lose to one on the quickest.",
    ),
    "nobody": (
        "لم يبلغ أي موظف {min} تقييم هذا الشهر؛ لا موظف للشهر بعد.",
        "No clerk had {min} ratings this month; no employee of the month yet.",
    ),
    "monthly": ("التقرير الشهري للمركز", "Monthly centre report"),
    "no_clerks": ("لا موظفين خدموا زواراً في هذا الشهر.", "No clerk served visitors this month."),
}

# Appointments, walk-ins and the remote queue (core/visit_figures.py) on the page.
VISIT_WORDS = {
    "visits": ("المواعيد والانتظار عن بُعد", "Appointments and the remote queue"),
    "booked": ("حجوزات", "Booked"),
    "checked_in": ("سجّلوا الحضور", "Checked in"),
    "cancelled": ("ألغيت", "Cancelled"),
    "booking_no_show": ("لم يحضروا", "No-shows"),
    "booking_no_show_rate": ("نسبة عدم الحضور", "No-show rate"),
    "punctuality": ("الالتزام بالموعد (النداء − الموعد)", "Punctuality (call − slot)"),
    "appointment_wait": ("انتظار أصحاب المواعيد", "Appointment wait"),
    "walk_in_wait": ("انتظار الحضور المباشر", "Walk-in wait"),
    "remote_wait": ("انتظار عن بُعد", "Remote wait"),
    "remote_issued": ("تذاكر عن بُعد", "Remote tickets"),
    "remote_arrived": ("وصلوا", "Arrived"),
    "remote_no_show_rate": ("نسبة غياب تذاكر الجوال", "Remote no-show rate"),
    "visits_by_service": ("المواعيد والانتظار عن بُعد حسب الخدمة", "Appointments and remote queue by service"),
    "visits_by_day": ("المواعيد والانتظار عن بُعد حسب اليوم", "Appointments and remote queue by day"),
    "day": ("اليوم", "Day"),
}

WORDS = by_language({
    "period": ("الفترة", "Period"),
    "from": ("من", "From"),
    "to": ("إلى", "To"),
    "show": ("اعرض", "Show"),
    "dates_hint": (
        "التاريخ ميلادي (\u20662026-11-24\u2069) أو هجري (\u20661448-06-14\u2069)؛ الشهر (\u20661448-09\u2069) يعني كامله.",
        "Dates are Gregorian (2026-11-24) or Hijri (1448-06-14); a month (1448-09) means all of it.",
    ),
    "issued": ("صدرت", "Issued"),
    "served": ("خُدمت", "Served"),
    "no_show": ("لم يحضر", "No-shows"),
    "mean_wait": ("متوسط الانتظار", "Mean wait"),
    "p90_wait": ("انتظار 90٪", "90% waited under"),
    "mean_service": ("متوسط مدة الخدمة", "Mean service time"),
    "within_target": ("ضمن المستهدف", "Within target"),
    "waiting": ("في الانتظار الآن", "Waiting now"),
    "by_service": ("حسب الخدمة", "By service"),
    "by_counter": ("حسب الشباك", "By counter"),
    "by_clerk": ("حسب الموظف", "By clerk"),
    "name": ("الاسم", "Name"),
    "chart_hours": ("متوسط الانتظار حسب ساعة الإصدار (بالدقائق)", "Mean wait by hour of issue (minutes)"),
    "chart_waits": ("توزيع مدد الانتظار (عدد التذاكر)", "How long visitors waited (tickets)"),
    "chart_sla": ("النسبة ضمن المستهدف حسب الخدمة (٪)", "Share within target by service (%)"),
    "downloads": ("تنزيل التقرير", "Download the report"),
    "minutes": ("دقيقة", "min"),
    "no_data": ("لا بيانات في هذه الفترة بعد.", "No figures for this period yet."),
    "hour": ("الساعة", "Hour"),
    "band": ("الانتظار (دقائق)", "Wait (minutes)"),
    "count": ("العدد", "Tickets"),
    **VOICE_WORDS,
    **VISIT_WORDS,
})


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
