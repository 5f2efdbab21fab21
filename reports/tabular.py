"""CSV and Excel reports: the same rows and columns as the PDF, for people who compute further.

CSV: one file, one row per bucket, a `grouping` column (`total`, `service`, `counter`, `clerk`,
`hour`, `day`) and English column names; durations in seconds, shares as fractions; UTF-8 with a
byte-order mark so Excel shows the Arabic names. Excel: a summary sheet, then one sheet per
grouping, laid out right to left with Arabic and English headings; durations in minutes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from reports.data import (
    FEEDBACK_COLUMNS, FEEDBACK_KINDS, GROUPINGS, KPI_COLUMNS, LEAGUE_COLUMNS, VISIT_COLUMNS, Column, ReportData, clerks_ranked,
)
from reports.dates import hijri_text

CSV_LABELS = ("grouping", "key", "code", "name_ar", "name_en")
# After the KPI columns: those of the `feedback` rows (one per kind, and `all` with the response
# times) and of the `league` rows (one per clerk, in league order).
CSV_FEEDBACK = ("filed", "new", "in_progress", "answered", "closed", "response_median", "response_p90",
                "answered_within_target", "overdue")
CSV_LEAGUE = ("rank", "called", "no_show_rate", "recall_rate", "score_vs_service", "time_vs_service", "complaints")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """A name that a spreadsheet would take for a formula (`=HYPERLINK(…)`) is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(column: Column, row: dict[str, Any]) -> Any:
    value = column.get(row)
    return "" if value is None else safe_text(value)


def csv_rows(data: ReportData) -> list[dict[str, Any]]:
    kpis = data.kpis
    rows = [{"grouping": "total", "key": f"{data.first.isoformat()}..{data.last.isoformat()}",
             **{c.key: _csv_value(c, kpis["totals"]) for c in KPI_COLUMNS}}]
    for grouping in GROUPINGS:
        name = grouping.key.removeprefix("by_")
        for row in kpis.get(grouping.key, []):
            entry: dict[str, Any] = {"grouping": name}
            if name == "service":
                entry.update(key=row.get("service_id"), code=row.get("code"), name_ar=row.get("name_ar"), name_en=row.get("name_en"))
            elif name == "counter":
                entry.update(key=row.get("number"), name_ar=row.get("name_ar"), name_en=row.get("name_en"))
            elif name == "clerk":
                entry.update(key=row.get("clerk"))
            else:
                entry.update(key=row.get(name))
            entry.update({c.key: _csv_value(c, row) for c in KPI_COLUMNS})
            rows.append(entry)
    feedback = kpis.get("feedback")
    if feedback:
        for row in feedback["by_kind"]:
            rows.append({"grouping": "feedback", "key": row["kind"], **{c.key: _csv_value(c, row) for c in FEEDBACK_COLUMNS[1:]}})
        response = feedback["response_seconds"]
        rows.append({"grouping": "feedback", "key": "all", "filed": feedback["filed"], **feedback["by_status"],
                     "response_median": response["median"], "response_p90": response["p90"],
                     "answered_within_target": feedback["answered_within_target_share"], "overdue": feedback["overdue"]})
    visits = kpis.get("visits")
    if visits:
        # `visits` (the period), `visits_service`, `visits_day` and `visits_service_day` rows
        rows.append({"grouping": "visits", "key": f"{data.first.isoformat()}..{data.last.isoformat()}",
                     **{c.key: _csv_value(c, visits["totals"]) for c in VISIT_COLUMNS}})
        for name, key in (("by_service", lambda r: r["service_id"]), ("by_day", lambda r: r["day"]),
                          ("by_service_day", lambda r: f"{r['code']}@{r['day']}")):
            for row in visits[name]:
                entry = {"grouping": "visits_" + name.removeprefix("by_"), "key": key(row)}
                if "code" in row:
                    entry.update(code=row.get("code"), name_ar=row.get("name_ar"), name_en=row.get("name_en"))
                entry.update({c.key: _csv_value(c, row) for c in VISIT_COLUMNS})
                rows.append(entry)
    for row in data.league:
        entry = {"grouping": "league", "key": safe_text(row["clerk"]), "called": row["called"]}
        entry.update({c.key: _csv_value(c, row) for c in LEAGUE_COLUMNS if c.key != "clerk"})
        rows.append(entry)
    return rows


def write_csv(data: ReportData, out: Path) -> None:
    fieldnames = [*CSV_LABELS, *(c.key for c in KPI_COLUMNS), *CSV_FEEDBACK, *CSV_LEAGUE, *(c.key for c in VISIT_COLUMNS)]
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, restval="")
        writer.writeheader()
        for row in csv_rows(data):
            writer.writerow({key: ("" if value is None else safe_text(value)) for key, value in row.items()})


# ── Excel ────────────────────────────────────────────────────────────────────────────────

SUMMARY_SHEET = "الملخص Summary"
SHEET_NAMES = {
    "by_service": "الخدمات Services",
    "by_counter": "الشبابيك Counters",
    "by_clerk": "الموظفون Clerks",
    "by_hour": "الساعات Hours",
    "by_day": "الأيام Days",
}
DISTRIBUTION_SHEET = "توزيع الانتظار Waits"
VOICE_SHEET = "الشكاوى والاقتراحات Feedback"
LEAGUE_SHEET = "ترتيب الموظفين League"
VISITS_SHEET = "المواعيد والجوال Appointments"


def _excel_value(column: Column, row: dict[str, Any]) -> Any:
    value = column.get(row)
    if value is None:
        return None
    if column.kind in ("seconds", "signed_seconds"):
        return round(value / 60, 2)
    if column.kind == "score":
        return round(value, 3)
    return safe_text(value)


def _heading(column: Column) -> str:
    unit_ar, unit_en = (" (دقيقة)", " (min)") if column.kind in ("seconds", "signed_seconds") else ("", "")
    return f"{column.ar}{unit_ar}\n{column.en}{unit_en}"


def write_xlsx(data: ReportData, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F5C4A")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def table(sheet, columns: list[Column], rows: list[dict[str, Any]], start_row: int) -> None:
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=start_row, column=index, value=_heading(column))
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
            sheet.column_dimensions[get_column_letter(index)].width = 24 if column.kind == "text" else 15
        sheet.row_dimensions[start_row].height = 34
        for offset, row in enumerate(rows, start=1):
            for index, column in enumerate(columns, start=1):
                cell = sheet.cell(row=start_row + offset, column=index, value=_excel_value(column, row))
                if column.kind in ("seconds", "signed_seconds"):
                    cell.number_format = "0.0"
                elif column.kind == "share":
                    cell.number_format = "0.0%"
                elif column.kind == "score":
                    cell.number_format = "0.00"
        sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)

    summary = book.active
    summary.title = SUMMARY_SHEET
    summary.sheet_view.rightToLeft = True
    centre = data.centre
    lines = [
        (f"تقرير أداء {centre.name_ar}", f"Performance report: {centre.name_en}"),
        (f"من {data.first.isoformat()} إلى {data.last.isoformat()}", f"From {data.first.isoformat()} to {data.last.isoformat()}"),
        (f"{hijri_text(data.first, 'ar')} – {hijri_text(data.last, 'ar')}".replace("\u2066", "").replace("\u2069", ""),
         f"{hijri_text(data.first, 'en')} – {hijri_text(data.last, 'en')}"),
        (f"أُعدّ في {data.made_at:%Y-%m-%d %H:%M}", f"Made {data.made_at:%Y-%m-%d %H:%M}"),
    ]
    for number, (arabic, english) in enumerate(lines, start=1):
        summary.cell(row=number, column=1, value=arabic).font = Font(bold=number == 1, size=14 if number == 1 else 11)
        summary.cell(row=number, column=3, value=english).font = Font(bold=number == 1, size=14 if number == 1 else 11)
    figure_ar, figure_en = "المؤشر", "Figure"
    top = len(lines) + 2
    for index, text in enumerate((f"{figure_ar}\n{figure_en}", "القيمة\nValue"), start=1):
        cell = summary.cell(row=top, column=index, value=text)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
    summary.row_dimensions[top].height = 34
    for offset, column in enumerate(KPI_COLUMNS, start=1):
        summary.cell(row=top + offset, column=1, value=_heading(column).replace("\n", " — "))
        cell = summary.cell(row=top + offset, column=2, value=_excel_value(column, data.kpis["totals"]))
        cell.number_format = {"seconds": "0.0", "share": "0.0%", "score": "0.00"}.get(column.kind, "0")
    summary.column_dimensions["A"].width = 46
    summary.column_dimensions["B"].width = 16
    summary.column_dimensions["C"].width = 46

    for grouping in GROUPINGS:
        sheet = book.create_sheet(SHEET_NAMES[grouping.key])
        sheet.sheet_view.rightToLeft = True
        rows = data.kpis.get(grouping.key, [])
        if grouping.key == "by_clerk":
            rows = clerks_ranked(data.kpis)
        table(sheet, [*grouping.label_columns, *KPI_COLUMNS], rows, 1)

    bands = book.create_sheet(DISTRIBUTION_SHEET)
    bands.sheet_view.rightToLeft = True
    band_columns = (
        Column("from", "من (دقيقة)", "From (min)", "count", lambda r: r["from_seconds"] // 60),
        Column("to", "إلى (دقيقة)", "To (min)", "count", lambda r: None if r["to_seconds"] is None else r["to_seconds"] // 60),
        Column("count", "عدد الزوار", "Visitors", "count", lambda r: r["count"]),
    )
    table(bands, list(band_columns), data.kpis["totals"].get("wait_distribution", []), 1)
    add_charts(summary, book[SHEET_NAMES["by_hour"]], bands, len(data.kpis.get("by_hour", [])),
               len(data.kpis["totals"].get("wait_distribution", [])))
    add_voice_sheets(book, data, table)
    add_visits_sheet(book, data, table)
    book.save(out)


def add_visits_sheet(book, data: ReportData, table) -> None:
    """Appointments, walk-ins and the remote queue: by service, then by day, then the period."""
    visits = data.kpis.get("visits")
    if not visits:
        return
    sheet = book.create_sheet(VISITS_SHEET)
    sheet.sheet_view.rightToLeft = True
    service = Column("service", "الخدمة", "Service", "text",
                     lambda r: f"{r.get('code') or ''} {r.get('name_ar') or ''} — {r.get('name_en') or ''}")
    day = Column("day", "اليوم", "Day", "text", lambda r: r.get("day"))
    whole = Column("period", "الفترة", "Period", "text", lambda r: f"{data.first.isoformat()} … {data.last.isoformat()}")
    table(sheet, [service, *VISIT_COLUMNS], visits["by_service"], 1)
    below = len(visits["by_service"]) + 3
    table(sheet, [day, *VISIT_COLUMNS], visits["by_day"], below)
    table(sheet, [whole, *VISIT_COLUMNS], [visits["totals"]], below + len(visits["by_day"]) + 2)


def add_voice_sheets(book, data: ReportData, table) -> None:
    """The complaints and suggestions of the period, and the clerks' league with its rule."""
    from openpyxl.styles import Font

    feedback = data.kpis.get("feedback")
    voice = book.create_sheet(VOICE_SHEET)
    voice.sheet_view.rightToLeft = True
    kinds = [{**row, "kind": " ".join(FEEDBACK_KINDS[row["kind"]])} for row in (feedback or {}).get("by_kind", [])]
    table(voice, list(FEEDBACK_COLUMNS), kinds, 1)
    if feedback:
        response = feedback["response_seconds"]
        lines = [
            ("وسيط زمن الرد (ساعة) — Median response (hours)", _hours(response["median"]), "0.0"),
            ("زمن الرد 90% (ساعة) — 90th pct. response (hours)", _hours(response["p90"]), "0.0"),
            (f"نسبة الرد ضمن {feedback['target_working_days']} أيام عمل — Answered within "
             f"{feedback['target_working_days']} working days", feedback["answered_within_target_share"], "0.0%"),
            ("متأخرة بلا رد — Overdue without an answer", feedback["overdue"], "0"),
        ]
        for offset, (label, value, number_format) in enumerate(lines, start=len(kinds) + 3):
            voice.cell(row=offset, column=1, value=label)
            cell = voice.cell(row=offset, column=2, value=value)
            cell.number_format = number_format
        voice.column_dimensions["A"].width = 52

    league = book.create_sheet(LEAGUE_SHEET)
    league.sheet_view.rightToLeft = True
    table(league, list(LEAGUE_COLUMNS), data.league, 1)
    from core.voice_figures import MIN_RATINGS_TO_RANK

    note = league.cell(row=len(data.league) + 3, column=1, value=(
        f"لا يُرتَّب إلا من له {MIN_RATINGS_TO_RANK} تقييم على الأقل في الفترة؛ ويُقارن كل تقييم بمتوسط خدمته. — "
        f"Only clerks with at least {MIN_RATINGS_TO_RANK} ratings are ranked; each score is compared with its service's mean."))
    note.font = Font(italic=True)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


#: where the two charts stand on the summary sheet (right of the figures), as on the PDF's first page
CHART_ANCHORS = ("E2", "E22")


def add_charts(summary, hours, bands, hour_rows: int, band_rows: int) -> None:
    """The PDF's two charts as Excel's own charts, drawn from the Hours and Waits sheets (so they
    follow any change to the numbers): tickets issued per hour as bars with the mean and median
    wait as lines on a second axis, and the visitors per band of waiting time."""
    from openpyxl.chart import BarChart, LineChart, Reference

    columns = [column.key for column in (*next(g for g in GROUPINGS if g.key == "by_hour").label_columns, *KPI_COLUMNS)]
    if hour_rows:
        position = {key: index for index, key in enumerate(columns, start=1)}
        hour_labels = Reference(hours, min_col=position["hour"], min_row=2, max_row=hour_rows + 1)
        arrivals = BarChart()
        arrivals.title = "الوصول والانتظار حسب الساعة — Arrivals and waits by hour"
        arrivals.y_axis.title = "تذاكر Tickets"
        arrivals.x_axis.title = "الساعة Hour of day"
        arrivals.add_data(Reference(hours, min_col=position["issued"], min_row=1, max_row=hour_rows + 1), titles_from_data=True)
        arrivals.set_categories(hour_labels)
        arrivals.series[0].graphicalProperties.solidFill = "1F5C4A"
        waits = LineChart()
        for key in ("wait_mean", "wait_median"):
            waits.add_data(Reference(hours, min_col=position[key], min_row=1, max_row=hour_rows + 1), titles_from_data=True)
        waits.y_axis.axId = 200
        waits.y_axis.title = "دقائق الانتظار Wait (minutes)"
        waits.y_axis.crosses = "max"
        arrivals += waits
        arrivals.width, arrivals.height = 22, 9
        summary.add_chart(arrivals, CHART_ANCHORS[0])
    if band_rows:
        distribution = BarChart()
        distribution.title = "توزيع مدة الانتظار — Wait-time distribution"
        distribution.y_axis.title = "زوار Visitors"
        distribution.x_axis.title = "دقائق الانتظار (من) Wait from (minutes)"
        distribution.add_data(Reference(bands, min_col=3, min_row=1, max_row=band_rows + 1), titles_from_data=True)
        distribution.set_categories(Reference(bands, min_col=1, min_row=2, max_row=band_rows + 1))
        distribution.series[0].graphicalProperties.solidFill = "1F5C4A"
        distribution.width, distribution.height = 22, 8
        summary.add_chart(distribution, CHART_ANCHORS[1])
