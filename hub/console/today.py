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

WORDS = {
    "ar": {
        "period": "الفترة", "from": "من", "to": "إلى", "show": "اعرض", "dates_hint": "التاريخ ميلادي (\u20662026-11-24\u2069) أو هجري (\u20661448-06-14\u2069)؛ الشهر (\u20661448-09\u2069) يعني كامله.",
        "issued": "صدرت", "served": "خُدمت", "no_show": "لم يحضر", "mean_wait": "متوسط الانتظار", "p90_wait": "انتظار 90٪",
        "mean_service": "متوسط مدة الخدمة", "within_target": "ضمن المستهدف", "waiting": "في الانتظار الآن",
        "by_service": "حسب الخدمة", "by_counter": "حسب الشباك", "by_clerk": "حسب الموظف", "name": "الاسم",
        "chart_hours": "متوسط الانتظار حسب ساعة الإصدار (بالدقائق)", "chart_waits": "توزيع مدد الانتظار (عدد التذاكر)",
        "chart_sla": "النسبة ضمن المستهدف حسب الخدمة (٪)", "downloads": "تنزيل التقرير", "minutes": "دقيقة",
        "no_data": "لا بيانات في هذه الفترة بعد.", "hour": "الساعة", "band": "الانتظار (دقائق)", "count": "العدد",
    },
    "en": {
        "period": "Period", "from": "From", "to": "To", "show": "Show", "dates_hint": "Dates are Gregorian (2026-11-24) or Hijri (1448-06-14); a month (1448-09) means all of it.",
        "issued": "Issued", "served": "Served", "no_show": "No-shows", "mean_wait": "Mean wait", "p90_wait": "90% waited under",
        "mean_service": "Mean service time", "within_target": "Within target", "waiting": "Waiting now",
        "by_service": "By service", "by_counter": "By counter", "by_clerk": "By clerk", "name": "Name",
        "chart_hours": "Mean wait by hour of issue (minutes)", "chart_waits": "How long visitors waited (tickets)",
        "chart_sla": "Share within target by service (%)", "downloads": "Download the report", "minutes": "min",
        "no_data": "No figures for this period yet.", "hour": "Hour", "band": "Wait (minutes)", "count": "Tickets",
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
