"""The monthly centre report: one page, Arabic first, as a ministry asks a centre for it.

Waiting time, service time, the visitors' satisfaction and the complaints of one month, the
figures per service, and the employee of the month by the league's rule; as a one-page PDF (or
English) and as an Excel workbook with the same figures. The figures are those of the `report`
command (`reports.data.load`): `core.stats` and `core.voice_figures` on a read-only connection.

    python main.py report --monthly --db tabour.sqlite --from 2026-11 --out november.pdf
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.bidi import ltr
from core.errors import BadInput
from reports.dates import hijri_text, parse_report_date
from reports.pdf import GREEN, GREY, LIGHT, MARGIN, PAGE_WIDTH, WHITE, Say, Writer, save_pdf
from reports.text import FontSet, find_fonts
from reports.data import ReportData

GREGORIAN_MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                       "نوفمبر", "ديسمبر")
GREGORIAN_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December")
# Rows of the per-service table that still fit the page; more services are summed in one row.
MAX_SERVICE_ROWS = 12
# The top of the league shown on the page (the whole league is in the xlsx and the full report).
MAX_LEAGUE_ROWS = 5


def parse_report_month(text: str) -> tuple[date, date]:
    """The first and last day of a month written Gregorian (2026-11) or Hijri (1448-09)."""
    first = parse_report_date(text)
    last = parse_report_date(text, end=True)
    if first == last or (last - first).days > 31:
        raise BadInput(
            f"The monthly report takes a month, e.g. 2026-11 or 1448-09 (got {text[:40]!r}).",
            "التقرير الشهري يأخذ شهراً مثل \u20662026-11\u2069 أو \u20661448-09\u2069.",
        )
    return first, last


def month_title(first: date, last: date, lang: str) -> str:
    """'نوفمبر 2026' for a Gregorian month; a Hijri month by its Hijri first and last days."""
    gregorian = first.day == 1 and (last + timedelta(days=1)).day == 1 and first.month == last.month
    if gregorian:
        name = (GREGORIAN_MONTHS_AR if lang == "ar" else GREGORIAN_MONTHS_EN)[first.month - 1]
        return f"{name} {ltr(first.year) if lang == 'ar' else first.year}"
    return f"{hijri_text(first, lang)} – {hijri_text(last, lang)}"


def _no_show_share(totals: dict[str, Any]) -> float | None:
    called = totals["served"] + totals["no_show"]
    return totals["no_show"] / called if called else None


def tiles_of(data: ReportData, say: Say) -> list[tuple[tuple[str, str], list[tuple[str, str, str]]]]:
    """The page's four sections, each four (Arabic, English, value) tiles."""
    totals = data.kpis["totals"]
    wait, service = totals["wait_seconds"], totals["service_seconds"]
    voice = totals.get("satisfaction") or {}
    feedback = data.kpis.get("feedback") or {}
    kinds = {row["kind"]: row for row in feedback.get("by_kind", [])}
    response = feedback.get("response_seconds") or {}
    days = feedback.get("target_working_days", 3)
    return [
        (("وقت الانتظار", "Waiting time"), [
            ("زوار خُدموا", "Visitors served", say.count(totals["served"])),
            ("متوسط الانتظار (دقيقة)", "Mean wait (min)", say.minutes(wait["mean"])),
            (f"انتظار {ltr('90%')} (دقيقة)", "90th pct. wait (min)", say.minutes(wait["p90"])),
            ("نودوا ضمن الهدف", "Called within target", say.share(totals["within_target_share"])),
        ]),
        (("وقت الخدمة", "Service time"), [
            ("متوسط الخدمة (دقيقة)", "Mean service (min)", say.minutes(service["mean"])),
            ("وسيط الخدمة (دقيقة)", "Median service (min)", say.minutes(service["median"])),
            (f"خدمة {ltr('90%')} (دقيقة)", "90th pct. service (min)", say.minutes(service["p90"])),
            ("لم يحضروا عند النداء", "Absent when called", say.share(_no_show_share(totals))),
        ]),
        (("رضا الزوار", "Visitor satisfaction"), [
            ("راضون (4 أو 5)", "Satisfied (4 or 5)", say.share(voice.get("satisfied_share"))),
            (f"متوسط التقييم (من {ltr(5)})", "Mean score (of 5)", say.score(voice.get("mean_score"))),
            ("عدد التقييمات", "Ratings", say.count(voice.get("ratings", 0))),
            ("نسبة المقيّمين من المخدومين", "Rated of those served", say.share(voice.get("response_rate"))),
        ]),
        (("الشكاوى والاقتراحات", "Complaints and suggestions"), [
            ("شكاوى", "Complaints", say.count((kinds.get("complaint") or {}).get("filed", 0))),
            ("اقتراحات", "Suggestions", say.count((kinds.get("suggestion") or {}).get("filed", 0))),
            ("وسيط زمن الرد (ساعة)", "Median response (h)", say.hours_of(response.get("median"))),
            (f"الرد خلال {ltr(days)} أيام عمل", f"Answered in {days} working days",
             say.share(feedback.get("answered_within_target_share"))),
        ]),
    ]


def employee_of_the_month(data: ReportData, lang: str) -> str:
    from core.voice_figures import MIN_RATINGS_TO_RANK

    best = next((row for row in data.league if row["rank"] == 1), None)
    if best is None:
        return (f"موظف الشهر: لا أحد؛ لم يبلغ أي موظف {ltr(MIN_RATINGS_TO_RANK)} تقييم هذا الشهر." if lang == "ar"
                else f"Employee of the month: none; no clerk had {MIN_RATINGS_TO_RANK} ratings this month.")
    satisfaction = best["satisfaction"]
    share = Say(lang).share(satisfaction["satisfied_share"])
    difference = f"{best['score_vs_service']:+.2f}"
    if lang == "ar":
        return (f"موظف الشهر: {best['clerk']} — راضون {ltr(share)} من {ltr(satisfaction['ratings'])} تقييماً، "
                f"وبفارق {ltr(difference)} عن متوسط تقييم خدماته.")
    return (f"Employee of the month: {best['clerk']} — {share} satisfied of {satisfaction['ratings']} ratings, "
            f"{difference} on the services' mean score.")


def build_monthly(data: ReportData, lang: str = "ar", fonts: FontSet | None = None) -> Writer:
    """The one page, laid out (reports.pdf.Writer): PDF and PNG previews draw the same operations."""
    from core.voice_figures import MIN_RATINGS_TO_RANK

    fonts = fonts or find_fonts()
    page = Writer(fonts, lang)
    say = Say(lang)
    centre = data.centre
    usable = PAGE_WIDTH - 2 * MARGIN

    page.box(MARGIN, page.top - 58, usable, 58, fill=GREEN)
    page.text(page.start(12), page.top - 22, page.say("التقرير الشهري لمركز الخدمة", "Monthly service centre report"),
              16, bold=True, color=WHITE)
    page.text(page.start(12), page.top - 43, centre.name_ar if page.rtl else centre.name_en, 11.5, color=WHITE)
    page.text(page.across(usable - 12), page.top - 22, month_title(data.first, data.last, lang), 13, bold=True,
              align="end", color=WHITE)
    page.top -= 58 + 15
    if page.rtl:
        period = (f"من {ltr(data.first.isoformat())} إلى {ltr(data.last.isoformat())} "
                  f"({hijri_text(data.first, 'ar')} – {hijri_text(data.last, 'ar')})")
        made = f"أُعدّ في {ltr(data.made_at.strftime('%Y-%m-%d %H:%M'))}"
    else:
        period = (f"{data.first.isoformat()} to {data.last.isoformat()} "
                  f"({hijri_text(data.first, 'en')} – {hijri_text(data.last, 'en')})")
        made = f"Made {data.made_at.strftime('%Y-%m-%d %H:%M')}"
    page.text(page.start(), page.top, period, 9.5, bold=True)
    page.text(page.across(usable), page.top, made, 8, align="end", color=GREY)
    page.top -= 10

    gap, tile_height = 6.0, 38.0
    tile_width = (usable - 3 * gap) / 4
    for (heading_ar, heading_en), tiles in tiles_of(data, say):
        page.top -= 16
        page.text(page.start(), page.top, page.say(heading_ar, heading_en), 11.5, bold=True, color=GREEN)
        page.box(MARGIN, page.top - 4, usable, 1.0, fill=GREEN)
        page.top -= 8
        for column, (ar, en, value) in enumerate(tiles):
            offset = column * (tile_width + gap)
            left = PAGE_WIDTH - MARGIN - offset - tile_width if page.rtl else MARGIN + offset
            bottom = page.top - tile_height
            page.box(left, bottom, tile_width, tile_height, fill=LIGHT)
            page.text(left + tile_width / 2, bottom + 19, value, 13.5, bold=True, align="center", color=GREEN)
            page.text(left + tile_width / 2, bottom + 6, page.say(ar, en), 7.5, align="center", color=GREY,
                      max_width=tile_width - 6)
        page.top -= tile_height

    page.top -= 6
    page.heading("حسب الخدمة", "By service")
    services = list(data.kpis.get("by_service", []))
    rows = [[f"{row.get('code') or ''} · {(row.get('name_ar') if page.rtl else row.get('name_en')) or ''}",
             say.count(row["served"]), say.minutes(row["wait_seconds"]["mean"]), say.share(row["within_target_share"]),
             say.minutes(row["service_seconds"]["mean"]), say.share((row.get("satisfaction") or {}).get("satisfied_share")),
             say.count((row.get("satisfaction") or {}).get("ratings", 0))]
            for row in services[:MAX_SERVICE_ROWS]]
    if len(services) > MAX_SERVICE_ROWS:
        rest = services[MAX_SERVICE_ROWS:]
        rows.append([page.say(f"و{ltr(len(rest))} خدمات أخرى", f"and {len(rest)} more services"),
                     say.count(sum(row["served"] for row in rest)), "", "", "", "",
                     say.count(sum((row.get("satisfaction") or {}).get("ratings", 0) for row in rest))])
    page.table(
        [("الخدمة", "Service", 2.8, "text"), ("مخدومة", "Served", 0.9, "number"),
         ("متوسط الانتظار (د)", "Mean wait (min)", 1.1, "number"), ("ضمن الهدف", "Within target", 1.0, "number"),
         ("متوسط الخدمة (د)", "Mean service (min)", 1.1, "number"), ("راضون", "Satisfied", 0.9, "number"),
         ("التقييمات", "Ratings", 0.9, "number")],
        rows, ("لا توجد بيانات لهذا الشهر.", "No data for this month."),
    )

    page.heading("أفضل الموظفين هذا الشهر", "The month's best clerks")
    ranked = [row for row in data.league if row["rank"]][:MAX_LEAGUE_ROWS]
    page.table(
        [("الترتيب", "Rank", 0.8, "number"), ("الموظف", "Clerk", 2.2, "text"), ("مخدومة", "Served", 0.9, "number"),
         ("متوسط الخدمة (د)", "Mean service (min)", 1.1, "number"), ("راضون", "Satisfied", 0.9, "number"),
         ("التقييمات", "Ratings", 0.9, "number"), ("الفرق عن الخدمة", "Score vs service", 1.1, "number")],
        [[str(row["rank"]), row["clerk"], say.count(row["served"]), say.minutes(row["mean_service_seconds"]),
          say.share(row["satisfaction"]["satisfied_share"]), say.count(row["satisfaction"]["ratings"]),
          say.signed(row["score_vs_service"])] for row in ranked],
        (f"لم يبلغ أي موظف {ltr(MIN_RATINGS_TO_RANK)} تقييم.", f"No clerk had {MIN_RATINGS_TO_RANK} ratings."),
    )
    page.top -= 4
    page.text(page.start(), page.top, employee_of_the_month(data, lang), 10, bold=True, max_width=usable)
    page.top -= 13
    page.text(page.start(), page.top, page.say(
        f"لا يُرتَّب إلا من له {ltr(MIN_RATINGS_TO_RANK)} تقييم على الأقل، ويُقارن كل تقييم بمتوسط خدمته.",
        f"Only clerks with at least {MIN_RATINGS_TO_RANK} ratings are ranked; each score is compared with its service's mean.",
    ), 7.5, color=GREY, max_width=usable)
    feedback = data.kpis.get("feedback") or {}
    page.top -= 11
    page.text(page.start(), page.top, page.say(
        f"الانتظار من الإصدار إلى أول نداء، والخدمة من البدء إلى الإنهاء؛ زمن الرد من تقديم الشكوى أو الاقتراح إلى الرد؛ "
        f"متأخرة بلا رد: {ltr(feedback.get('overdue', 0))}.",
        "Wait: issue to first call; service: start to finish; response: filing of a complaint or suggestion to its answer; "
        f"overdue without an answer: {feedback.get('overdue', 0)}.",
    ), 7.5, color=GREY, max_width=usable)
    label = page.say(f"صفحة {ltr(1)} من {ltr(1)}", "Page 1 of 1")
    page.text(PAGE_WIDTH / 2, MARGIN - 16, label, 8, align="center", color=GREY)
    return page


def write_monthly_pdf(data: ReportData, out: Path, lang: str = "ar", fonts: FontSet | None = None) -> Writer:
    layout = build_monthly(data, lang, fonts)
    title = "التقرير الشهري لمركز الخدمة" if lang == "ar" else "Monthly service centre report"
    save_pdf(layout, out, f"{title} — {data.centre.name_en} {data.first.isoformat()}..{data.last.isoformat()}")
    return layout


def write_monthly_xlsx(data: ReportData, out: Path) -> None:
    """The page's figures in one right-to-left sheet (Arabic and English labels), then the services and
    the league, as numbers a ministry can add up across centres."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from reports.data import LEAGUE_COLUMNS
    from reports.tabular import _excel_value, _heading, safe_text

    book = Workbook()
    sheet = book.active
    sheet.title = "التقرير الشهري Monthly"
    sheet.sheet_view.rightToLeft = True
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F5C4A")
    centre = data.centre
    sheet.append([f"التقرير الشهري — {centre.name_ar}", None, f"Monthly report — {centre.name_en}"])
    sheet["A1"].font = sheet["C1"].font = Font(bold=True, size=14)
    sheet.append([month_title(data.first, data.last, "ar").replace("\u2066", "").replace("\u2069", ""), None,
                  month_title(data.first, data.last, "en")])
    sheet.append([f"{data.first.isoformat()} – {data.last.isoformat()}", None, f"Made {data.made_at:%Y-%m-%d %H:%M}"])
    totals = data.kpis["totals"]
    voice = totals.get("satisfaction") or {}
    feedback = data.kpis.get("feedback") or {}
    kinds = {row["kind"]: row for row in feedback.get("by_kind", [])}
    response = feedback.get("response_seconds") or {}

    def minutes(seconds):
        return None if seconds is None else round(seconds / 60, 2)

    def hours(seconds):
        return None if seconds is None else round(seconds / 3600, 2)

    sections = [
        ("وقت الانتظار", "Waiting time", [
            ("زوار خُدموا", "Visitors served", totals["served"], "0"),
            ("متوسط الانتظار (دقيقة)", "Mean wait (min)", minutes(totals["wait_seconds"]["mean"]), "0.0"),
            ("انتظار 90% (دقيقة)", "90th pct. wait (min)", minutes(totals["wait_seconds"]["p90"]), "0.0"),
            ("نودوا ضمن الهدف", "Called within target", totals["within_target_share"], "0.0%"),
        ]),
        ("وقت الخدمة", "Service time", [
            ("متوسط الخدمة (دقيقة)", "Mean service (min)", minutes(totals["service_seconds"]["mean"]), "0.0"),
            ("وسيط الخدمة (دقيقة)", "Median service (min)", minutes(totals["service_seconds"]["median"]), "0.0"),
            ("خدمة 90% (دقيقة)", "90th pct. service (min)", minutes(totals["service_seconds"]["p90"]), "0.0"),
            ("لم يحضروا عند النداء", "Absent when called", _no_show_share(totals), "0.0%"),
        ]),
        ("رضا الزوار", "Visitor satisfaction", [
            ("راضون (4 أو 5)", "Satisfied (4 or 5)", voice.get("satisfied_share"), "0.0%"),
            ("متوسط التقييم (من 5)", "Mean score (of 5)", voice.get("mean_score"), "0.00"),
            ("عدد التقييمات", "Ratings", voice.get("ratings", 0), "0"),
            ("نسبة المقيّمين من المخدومين", "Rated of those served", voice.get("response_rate"), "0.0%"),
        ]),
        ("الشكاوى والاقتراحات", "Complaints and suggestions", [
            ("شكاوى", "Complaints", (kinds.get("complaint") or {}).get("filed", 0), "0"),
            ("اقتراحات", "Suggestions", (kinds.get("suggestion") or {}).get("filed", 0), "0"),
            ("شكر", "Thanks", (kinds.get("thanks") or {}).get("filed", 0), "0"),
            ("وسيط زمن الرد (ساعة)", "Median response (h)", hours(response.get("median")), "0.0"),
            ("زمن الرد 90% (ساعة)", "90th pct. response (h)", hours(response.get("p90")), "0.0"),
            ("الرد ضمن الهدف", "Answered within target", feedback.get("answered_within_target_share"), "0.0%"),
            ("متأخرة بلا رد", "Overdue without an answer", feedback.get("overdue", 0), "0"),
        ]),
    ]
    for heading_ar, heading_en, lines in sections:
        sheet.append([])
        sheet.append([heading_ar, None, heading_en])
        for column in ("A", "C"):
            sheet[f"{column}{sheet.max_row}"].font = Font(bold=True, color="1F5C4A", size=12)
        for ar, en, value, number_format in lines:
            sheet.append([ar, value, en])
            sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    sheet.append([])
    sheet.append([employee_of_the_month(data, "ar").replace("\u2066", "").replace("\u2069", ""), None,
                  employee_of_the_month(data, "en")])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 40

    services = book.create_sheet("الخدمات Services")
    services.sheet_view.rightToLeft = True
    heads = [("الرمز", "Code"), ("الخدمة", "Service"), ("مخدومة", "Served"), ("متوسط الانتظار (دقيقة)", "Mean wait (min)"),
             ("ضمن الهدف", "Within target"), ("متوسط الخدمة (دقيقة)", "Mean service (min)"), ("راضون", "Satisfied"),
             ("متوسط التقييم", "Mean score"), ("التقييمات", "Ratings")]
    services.append([f"{ar}\n{en}" for ar, en in heads])
    for cell in services[1]:
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in data.kpis.get("by_service", []):
        satisfaction = row.get("satisfaction") or {}
        services.append([safe_text(row.get("code")), safe_text(row.get("name_ar")), row["served"],
                         minutes(row["wait_seconds"]["mean"]), row["within_target_share"],
                         minutes(row["service_seconds"]["mean"]), satisfaction.get("satisfied_share"),
                         satisfaction.get("mean_score"), satisfaction.get("ratings", 0)])
        for column, number_format in ((4, "0.0"), (5, "0.0%"), (6, "0.0"), (7, "0.0%"), (8, "0.00")):
            services.cell(row=services.max_row, column=column).number_format = number_format

    league = book.create_sheet("ترتيب الموظفين League")
    league.sheet_view.rightToLeft = True
    league.append([_heading(column) for column in LEAGUE_COLUMNS])
    for cell in league[1]:
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in data.league:
        league.append([_excel_value(column, row) for column in LEAGUE_COLUMNS])
    book.save(out)
