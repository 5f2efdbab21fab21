"""The PDF report: Arabic first (right to left), or English; KPIs, charts and ranked tables.

Pages are first laid out as a list of drawing operations (text runs, boxes, lines, images) in
PDF points. reportlab draws that list into the PDF; Pillow draws the very same list into PNG
previews (`render_png`), so what is checked on screen is what the PDF holds. Text is shaped
and ordered before layout (`reports.text.visual`), because neither reportlab nor Pillow's
basic layout shapes Arabic; each line is drawn as runs of the Arabic and the Latin font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports import charts
from reports.data import ReportData, clerks_ranked
from reports.dates import hijri_text
from reports.text import FontSet, find_fonts, ltr, visual

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN = 36.0
GREEN = (0x1F / 255, 0x5C / 255, 0x4A / 255)
LIGHT = (0.93, 0.96, 0.95)
STRIPE = (0.97, 0.97, 0.97)
GREY = (0.42, 0.45, 0.50)
BLACK = (0.1, 0.1, 0.1)
WHITE = (1.0, 1.0, 1.0)
GOLD = (0xC9 / 255, 0x9A / 255, 0x2E / 255)


@dataclass
class Text:
    x: float
    y: float  # baseline, from the bottom of the page
    runs: list[tuple[str, str]]  # (reportlab font name, visual text)
    size: float
    color: tuple[float, float, float]


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: tuple[float, float, float] | None
    stroke: tuple[float, float, float] | None = None


@dataclass
class Picture:
    x: float
    y: float
    width: float
    height: float
    png: bytes


@dataclass
class Page:
    ops: list[Any] = field(default_factory=list)


class Writer:
    """Lays pages out from the top, right to left in Arabic, left to right in English."""

    def __init__(self, fonts: FontSet, lang: str) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        self.fonts = fonts
        self.lang = lang
        self.rtl = lang == "ar"
        self.names = {}
        for key, path in (("ar", fonts.arabic), ("ar-bold", fonts.arabic_bold), ("la", fonts.latin), ("la-bold", fonts.latin_bold)):
            name = f"Tabour-{key}-{path.stem}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            self.names[key] = name
        self.paths = {self.names["ar"]: fonts.arabic, self.names["ar-bold"]: fonts.arabic_bold,
                      self.names["la"]: fonts.latin, self.names["la-bold"]: fonts.latin_bold}
        self._width = pdfmetrics.stringWidth
        self.pages: list[Page] = []
        self.top = 0.0
        self.new_page()

    # ── text ──

    def say(self, ar: str, en: str) -> str:
        return ar if self.rtl else en

    def runs(self, text: str, size: float, bold: bool = False) -> tuple[list[tuple[str, str]], float]:
        line = visual(text, rtl=self.rtl)
        runs = []
        width = 0.0
        for arabic, piece in self.fonts.runs(line):
            name = self.names[("ar" if arabic else "la") + ("-bold" if bold else "")]
            runs.append((name, piece))
            width += self._width(piece, name, size)
        return runs, width

    def text(self, x: float, y: float, text: str, size: float = 9, *, bold: bool = False, align: str = "start",
             color=BLACK, max_width: float | None = None) -> float:
        """Draw one line; `x` is its start edge (the right edge in Arabic). Returns its width."""
        runs, width = self.runs(text, size, bold)
        if max_width is not None and width > max_width:
            for cut in range(len(text) - 1, 0, -1):
                runs, width = self.runs(text[:cut].rstrip() + "…", size, bold)
                if width <= max_width:
                    break
        if align == "center":
            left = x - width / 2
        elif (align == "start") == self.rtl:  # start in Arabic, end in English: x is the right edge
            left = x - width
        else:
            left = x
        self.page.ops.append(Text(left, y, runs, size, color))
        return width

    def start(self, inset: float = 0.0) -> float:
        """The x where a line begins: the right margin in Arabic, the left in English."""
        return PAGE_WIDTH - MARGIN - inset if self.rtl else MARGIN + inset

    def across(self, offset: float) -> float:
        """`offset` points from the start edge, in reading direction."""
        return PAGE_WIDTH - MARGIN - offset if self.rtl else MARGIN + offset

    # ── pages ──

    def new_page(self) -> None:
        self.page = Page()
        self.pages.append(self.page)
        self.top = PAGE_HEIGHT - MARGIN

    def need(self, height: float) -> None:
        if self.top - height < MARGIN + 20:
            self.new_page()

    def box(self, x: float, y: float, width: float, height: float, fill=None, stroke=None) -> None:
        self.page.ops.append(Box(x, y, width, height, fill, stroke))

    def picture(self, png: bytes, height: float) -> None:
        self.need(height)
        self.page.ops.append(Picture(MARGIN, self.top - height, PAGE_WIDTH - 2 * MARGIN, height, png))
        self.top -= height + 8

    def heading(self, ar: str, en: str) -> None:
        self.need(60)
        self.top -= 18
        self.text(self.start(), self.top, self.say(ar, en), 13, bold=True, color=GREEN)
        self.box(MARGIN, self.top - 5, PAGE_WIDTH - 2 * MARGIN, 1.2, fill=GREEN)
        self.top -= 14

    def table(self, columns: list[tuple[str, str, float, str]], rows: list[list[str]], empty: tuple[str, str]) -> None:
        """Columns (Arabic, English, width share, "text"|"number") in reading order; rows of display text."""
        usable = PAGE_WIDTH - 2 * MARGIN
        total = sum(c[2] for c in columns)
        widths = [usable * c[2] / total for c in columns]
        row_height, header_height = 15.0, 28.0

        def header() -> None:
            self.need(header_height + row_height)
            self.box(MARGIN, self.top - header_height, usable, header_height, fill=GREEN)
            offset = 0.0
            for (ar, en, _, _), width in zip(columns, widths):
                words = self.say(ar, en)
                lines = _two_lines(words, lambda t: self.runs(t, 7.5, True)[1], width - 6)
                for number, line in enumerate(lines):
                    baseline = self.top - (11 if len(lines) == 2 else 17) - number * 10
                    self.text(self.across(offset + width / 2), baseline, line, 7.5, bold=True, align="center", color=WHITE)
                offset += width
            self.top -= header_height

        header()
        if not rows:
            self.top -= row_height
            self.text(self.start(6), self.top + 4, self.say(*empty), 9, color=GREY)
            self.top -= 6
            return
        for index, row in enumerate(rows):
            if self.top - row_height < MARGIN + 20:
                self.new_page()
                header()
            if index % 2:
                self.box(MARGIN, self.top - row_height, usable, row_height, fill=STRIPE)
            offset = 0.0
            for (ar, en, _, kind), width, value in zip(columns, widths, row):
                baseline = self.top - row_height + 4.5
                if kind == "text":
                    self.text(self.across(offset + 4), baseline, value, 8.5, max_width=width - 8)
                else:
                    self.text(self.across(offset + width / 2), baseline, value, 8.5, align="center", max_width=width - 4)
                offset += width
            self.top -= row_height
        self.top -= 8


def _two_lines(text: str, measure, width: float) -> list[str]:
    if measure(text) <= width or " " not in text:
        return [text]
    words = text.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        first = " ".join(words[:cut])
        if measure(first) <= width:
            return [first, " ".join(words[cut:])]
    return [words[0], " ".join(words[1:])]


# ── figures as text ──────────────────────────────────────────────────────────────────────


class Say:
    """Figures written for one language: Western digits, numbers isolated inside Arabic."""

    def __init__(self, lang: str) -> None:
        self.ar = lang == "ar"

    def count(self, value: Any) -> str:
        return "–" if value is None else f"{int(value):,}"

    def minutes(self, seconds: Any) -> str:
        if seconds is None:
            return "–"
        return f"{seconds / 60:.1f}"

    def share(self, value: Any) -> str:
        return "–" if value is None else f"{value * 100:.1f}%"

    def hours(self, seconds: Any) -> str:
        if not seconds:
            return "0:00"
        minutes = round(seconds / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"

    def score(self, value: Any) -> str:
        return "–" if value is None else f"{value:.2f}"

    def signed(self, value: Any) -> str:
        """+0.40 / −0.33, the sign kept before the number inside Arabic too."""
        if value is None:
            return "–"
        text = f"{value:+.2f}"
        return ltr(text) if self.ar else text

    def hours_of(self, seconds: Any) -> str:
        return "–" if seconds is None else f"{seconds / 3600:.1f}"

    def number(self, text: str) -> str:
        return ltr(text) if self.ar else text


# ── the report ───────────────────────────────────────────────────────────────────────────


def build(data: ReportData, lang: str = "ar", fonts: FontSet | None = None) -> Writer:
    fonts = fonts or find_fonts()
    page = Writer(fonts, lang)
    say = Say(lang)
    kpis = data.kpis
    totals = kpis["totals"]
    centre = data.centre

    # Title band
    page.box(MARGIN, page.top - 64, PAGE_WIDTH - 2 * MARGIN, 64, fill=GREEN)
    page.text(page.start(12), page.top - 24, page.say("تقرير أداء مركز الخدمة", "Service centre performance report"), 16, bold=True, color=WHITE)
    page.text(page.start(12), page.top - 46, centre.name_ar if page.rtl else centre.name_en, 12, color=WHITE)
    page.top -= 64 + 16
    if page.rtl:
        period = f"الفترة: من {ltr(data.first.isoformat())} إلى {ltr(data.last.isoformat())}"
        hijri = f"{hijri_text(data.first, 'ar')} – {hijri_text(data.last, 'ar')}"
        made = f"أُعدّ في {ltr(data.made_at.strftime('%Y-%m-%d %H:%M'))}"
    else:
        period = f"Period: {data.first.isoformat()} to {data.last.isoformat()}"
        hijri = f"{hijri_text(data.first, 'en')} – {hijri_text(data.last, 'en')}"
        made = f"Made {data.made_at.strftime('%Y-%m-%d %H:%M')}"
    page.text(page.start(), page.top, period, 10.5, bold=True)
    page.text(page.start(), page.top - 15, hijri, 10)
    page.text(page.across(PAGE_WIDTH - 2 * MARGIN), page.top, made, 8.5, align="end", color=GREY)
    if kpis.get("include_simulated"):
        simulated = page.say("يشمل تذاكر المحاكاة", "Includes simulated tickets")
        page.text(page.across(PAGE_WIDTH - 2 * MARGIN), page.top - 15, simulated, 8.5, align="end", bold=True)
    page.top -= 30

    # KPI tiles: four per row, in reading order
    tiles = [
        ("صادرة", "Issued", say.count(totals["issued"])),
        ("مخدومة", "Served", say.count(totals["served"])),
        ("لم يحضروا", "No-show", say.count(totals["no_show"])),
        ("ما زالوا ينتظرون", "Still waiting", say.count(totals["waiting"])),
        ("ملغاة", "Cancelled", say.count(totals["cancelled"])),
        ("منتهية الصلاحية", "Expired", say.count(totals["expired"])),
        ("محوّلة", "Transferred", say.count(totals["transferred"])),
        ("خدموا ضمن الهدف", "Within target wait", say.share(totals["within_target_share"])),
        ("متوسط الانتظار (دقيقة)", "Mean wait (min)", say.minutes(totals["wait_seconds"]["mean"])),
        ("وسيط الانتظار (دقيقة)", "Median wait (min)", say.minutes(totals["wait_seconds"]["median"])),
        (f"انتظار {ltr('90%')} (دقيقة)", "90th pct. wait (min)", say.minutes(totals["wait_seconds"]["p90"])),
        ("لدى الشبابيك الآن", "At counters now", say.count(totals["in_service"])),
        ("متوسط الخدمة (دقيقة)", "Mean service (min)", say.minutes(totals["service_seconds"]["mean"])),
        ("وسيط الخدمة (دقيقة)", "Median service (min)", say.minutes(totals["service_seconds"]["median"])),
        (f"خدمة {ltr('90%')} (دقيقة)", "90th pct. service (min)", say.minutes(totals["service_seconds"]["p90"])),
        ("ساعات الخدمة", "Hours of service", say.hours(totals["service_seconds_total"])),
    ]
    gap = 6.0
    tile_width = (PAGE_WIDTH - 2 * MARGIN - 3 * gap) / 4
    tile_height = 40.0
    for index, (ar, en, value) in enumerate(tiles):
        row, column = divmod(index, 4)
        offset = column * (tile_width + gap)
        left = PAGE_WIDTH - MARGIN - offset - tile_width if page.rtl else MARGIN + offset
        bottom = page.top - (row + 1) * tile_height - row * gap
        page.box(left, bottom, tile_width, tile_height, fill=LIGHT)
        centre_x = left + tile_width / 2
        page.text(centre_x, bottom + 21, value, 14, bold=True, align="center", color=GREEN)
        page.text(centre_x, bottom + 7, page.say(ar, en), 7.5, align="center", color=GREY, max_width=tile_width - 6)
    page.top -= 4 * tile_height + 3 * gap + 12

    page.picture(charts.arrivals_and_waits(kpis, page.fonts, lang), 220)
    page.picture(charts.wait_distribution(kpis, page.fonts, lang), 198)

    no_data = ("لا توجد بيانات لهذه الفترة.", "No data for this period.")

    page.heading("الموظفون حسب الخدمة المقدمة", "Clerks ranked by service delivered")
    page.table(
        [("الترتيب", "Rank", 0.7, "number"), ("الموظف", "Clerk", 2.2, "text"), ("زوار خُدموا", "Visitors served", 1.2, "number"),
         ("ساعات الخدمة", "Hours serving", 1.2, "number"), ("متوسط الخدمة (د)", "Mean service (min)", 1.3, "number"),
         ("وسيط الخدمة (د)", "Median service (min)", 1.3, "number"), ("لم يحضروا", "No-show", 1.0, "number"),
         ("محوّلة", "Transferred", 1.0, "number"), ("ضمن الهدف", "Within target", 1.1, "number")],
        [[str(rank), row.get("clerk") or "–", say.count(row["served"]), say.hours(row["service_seconds_total"]),
          say.minutes(row["service_seconds"]["mean"]), say.minutes(row["service_seconds"]["median"]),
          say.count(row["no_show"]), say.count(row["transferred"]), say.share(row["within_target_share"])]
         for rank, row in enumerate(clerks_ranked(kpis), start=1)],
        no_data,
    )

    page.heading("الخدمات", "Services")
    page.table(
        [("الخدمة", "Service", 2.6, "text"), ("صادرة", "Issued", 0.9, "number"), ("مخدومة", "Served", 0.9, "number"),
         ("لم يحضروا", "No-show", 0.9, "number"), ("ملغاة", "Cancelled", 0.9, "number"), ("منتهية", "Expired", 0.9, "number"),
         ("ينتظرون", "Waiting", 0.9, "number"), ("متوسط الانتظار (د)", "Mean wait (min)", 1.1, "number"),
         (f"انتظار {ltr('90%')} (د)", "p90 wait (min)", 1.0, "number"), ("الهدف (د)", "Target (min)", 0.9, "number"),
         ("ضمن الهدف", "Within target", 1.0, "number")],
        [[f"{row.get('code') or ''} · {(row.get('name_ar') if page.rtl else row.get('name_en')) or ''}",
          say.count(row["issued"]), say.count(row["served"]), say.count(row["no_show"]), say.count(row["cancelled"]),
          say.count(row["expired"]), say.count(row["waiting"]), say.minutes(row["wait_seconds"]["mean"]),
          say.minutes(row["wait_seconds"]["p90"]), say.minutes(row.get("target_wait_seconds")),
          say.share(row["within_target_share"])]
         for row in kpis.get("by_service", [])],
        no_data,
    )

    page.heading("الشبابيك", "Counters")
    page.table(
        [("الشباك", "Counter", 1.6, "text"), ("زوار خُدموا", "Served", 1.0, "number"), ("لم يحضروا", "No-show", 1.0, "number"),
         ("محوّلة", "Transferred", 1.0, "number"), ("ساعات الخدمة", "Hours serving", 1.1, "number"),
         ("متوسط الخدمة (د)", "Mean service (min)", 1.2, "number"), ("وسيط الخدمة (د)", "Median service (min)", 1.2, "number")],
        [[(row.get("name_ar") if page.rtl else row.get("name_en")) or str(row.get("number")), say.count(row["served"]),
          say.count(row["no_show"]), say.count(row["transferred"]), say.hours(row["service_seconds_total"]),
          say.minutes(row["service_seconds"]["mean"]), say.minutes(row["service_seconds"]["median"])]
         for row in kpis.get("by_counter", [])],
        no_data,
    )

    voice_sections(page, data, say)
    visit_sections(page, data, say)

    if data.first != data.last:
        page.heading("الأيام", "Days")
        page.table(
            [("اليوم", "Day", 1.3, "text"), ("التاريخ الهجري", "Hijri date", 2.0, "text"), ("صادرة", "Issued", 0.9, "number"),
             ("مخدومة", "Served", 0.9, "number"), ("لم يحضروا", "No-show", 0.9, "number"),
             ("متوسط الانتظار (د)", "Mean wait (min)", 1.1, "number"), ("وسيط الانتظار (د)", "Median wait (min)", 1.1, "number"),
             ("ضمن الهدف", "Within target", 1.0, "number")],
            [[say.number(row["day"]), _hijri_of(row["day"], lang), say.count(row["issued"]), say.count(row["served"]),
              say.count(row["no_show"]), say.minutes(row["wait_seconds"]["mean"]), say.minutes(row["wait_seconds"]["median"]),
              say.share(row["within_target_share"])]
             for row in kpis.get("by_day", [])],
            no_data,
        )

    page.need(40)
    page.top -= 10
    precision = kpis.get("precision", {})
    step = precision.get("quantile_step_seconds", 10)
    page.text(page.start(), page.top, page.say(
        f"الوسيط و{ltr('90%')}: الترتيب الأقرب، مقرّباً إلى أدنى {ltr(step)} ثوانٍ. الانتظار من الإصدار إلى أول نداء؛ الخدمة من البدء إلى الإنهاء.",
        f"Median and 90th percentile: nearest rank, rounded down to {step} s. Wait: issue to first call; service: start to finish.",
    ), 7.5, color=GREY, max_width=PAGE_WIDTH - 2 * MARGIN)
    _footers(page, data)
    return page


def visit_sections(page: Writer, data: ReportData, say: Say) -> None:
    """Appointments, walk-ins and the remote queue per service (core/visit_figures.py)."""
    visits = data.kpis.get("visits")
    if not visits:
        return
    no_data = ("لا توجد بيانات لهذه الفترة.", "No data for this period.")

    def signed_minutes(seconds: Any) -> str:
        if seconds is None:
            return "–"
        text = f"{seconds / 60:+.1f}"
        return ltr(text) if say.ar else text

    def cells(row: dict[str, Any]) -> list[str]:
        return [say.count(row["booked"]), say.count(row["checked_in"]), say.count(row["cancelled"]), say.count(row["no_show"]),
                say.share(row["no_show_rate"]), signed_minutes(row["punctuality_seconds"]["mean"]),
                say.minutes(row["appointment_wait_seconds"]["mean"]), say.minutes(row["walk_in_wait_seconds"]["mean"]),
                say.minutes(row["remote_wait_seconds"]["mean"]), say.count(row["remote_issued"]),
                say.share(row["remote_no_show_rate"])]

    page.heading("المواعيد والانتظار عن بُعد", "Appointments and the remote queue")
    rows = [[page.say("المركز كله", "Whole centre"), *cells(visits["totals"])]]
    rows += [[f"{row.get('code') or ''} · {(row.get('name_ar') if page.rtl else row.get('name_en')) or ''}", *cells(row)]
             for row in visits["by_service"]]
    page.table(
        [("الخدمة", "Service", 2.2, "text"), ("حجوزات", "Booked", 0.8, "number"), ("حضروا", "Checked in", 0.8, "number"),
         ("ألغيت", "Cancelled", 0.8, "number"), ("لم يحضروا", "No-show", 0.8, "number"),
         ("نسبة الغياب", "No-show rate", 0.9, "number"), ("النداء - الموعد (د)", "Call - slot (min)", 1.0, "number"),
         ("انتظار الموعد (د)", "Appointment wait (min)", 1.0, "number"), ("انتظار مباشر (د)", "Walk-in wait (min)", 1.0, "number"),
         ("انتظار عن بُعد (د)", "Remote wait (min)", 1.0, "number"), ("تذاكر الجوال", "Remote tickets", 0.8, "number"),
         ("غياب الجوال", "Remote no-show", 0.9, "number")],
        rows, no_data,
    )


def voice_sections(page: Writer, data: ReportData, say: Say) -> None:
    """Satisfaction per service, the complaints and suggestions, and the clerks' league."""
    from core.voice_figures import MIN_RATINGS_TO_RANK
    from reports.data import FEEDBACK_KINDS

    kpis = data.kpis
    no_data = ("لا توجد بيانات لهذه الفترة.", "No data for this period.")
    satisfied = [("راضون (4–5)", "Satisfied (4–5)", 1.1, "number"), ("متوسط التقييم", "Mean score", 1.0, "number"),
                 ("التقييمات", "Ratings", 0.9, "number"), ("نسبة المقيّمين", "Response rate", 1.0, "number")]

    def voice_cells(row: dict[str, Any]) -> list[str]:
        figures = row.get("satisfaction") or {}
        return [say.share(figures.get("satisfied_share")), say.score(figures.get("mean_score")),
                say.count(figures.get("ratings", 0)), say.share(figures.get("response_rate"))]

    page.heading("رضا الزوار", "Visitor satisfaction")
    rows = [[page.say("المركز كله", "Whole centre"), say.count(kpis["totals"]["served"]), *voice_cells(kpis["totals"])]]
    rows += [[f"{row.get('code') or ''} · {(row.get('name_ar') if page.rtl else row.get('name_en')) or ''}",
              say.count(row["served"]), *voice_cells(row)] for row in kpis.get("by_service", [])]
    page.table([("الخدمة", "Service", 2.6, "text"), ("مخدومة", "Served", 0.9, "number"), *satisfied], rows, no_data)

    feedback = kpis.get("feedback")
    if feedback is not None:
        page.heading("الشكاوى والاقتراحات", "Complaints and suggestions")
        page.table(
            [("النوع", "Kind", 1.6, "text"), ("المستلمة", "Filed", 1.0, "number"), ("جديدة", "New", 1.0, "number"),
             ("قيد المعالجة", "In progress", 1.0, "number"), ("تم الرد", "Answered", 1.0, "number"),
             ("مغلقة", "Closed", 1.0, "number")],
            [[page.say(*FEEDBACK_KINDS[row["kind"]]), say.count(row["filed"]), say.count(row["new"]),
              say.count(row["in_progress"]), say.count(row["answered"]), say.count(row["closed"])]
             for row in feedback["by_kind"]],
            no_data,
        )
        response = feedback["response_seconds"]
        days = feedback["target_working_days"]
        page.need(20)
        page.text(page.start(), page.top, page.say(
            f"زمن الرد: الوسيط {ltr(say.hours_of(response['median']))} ساعة، و{ltr('90%')} خلال {ltr(say.hours_of(response['p90']))} ساعة؛ "
            f"الرد خلال {ltr(days)} أيام عمل: {ltr(say.share(feedback['answered_within_target_share']))}؛ متأخرة بلا رد: {ltr(feedback['overdue'])}.",
            f"Response time: median {say.hours_of(response['median'])} h, 90% within {say.hours_of(response['p90'])} h; "
            f"answered within {days} working days: {say.share(feedback['answered_within_target_share'])}; overdue: {feedback['overdue']}.",
        ), 8.5, max_width=PAGE_WIDTH - 2 * MARGIN)
        page.top -= 14

    page.heading("ترتيب الموظفين وموظف الشهر", "Clerk league and employee of the month")
    page.table(
        [("الترتيب", "Rank", 1.0, "number"), ("الموظف", "Clerk", 1.6, "text"), ("مخدومة", "Served", 0.8, "number"),
         ("متوسط الخدمة (د)", "Mean service (min)", 1.1, "number"), ("ضمن الهدف", "Within target", 1.0, "number"),
         ("الغياب", "No-show", 0.9, "number"), ("راضون", "Satisfied", 0.9, "number"), ("التقييمات", "Ratings", 0.9, "number"),
         ("الفرق عن الخدمة", "Score vs service", 1.1, "number"), ("شكاوى", "Complaints", 0.9, "number")],
        [[str(row["rank"]) if row["rank"] else page.say("غير مرتَّب", "not ranked"), row["clerk"], say.count(row["served"]),
          say.minutes(row["mean_service_seconds"]), say.share(row["within_target_share"]), say.share(row["no_show_rate"]),
          say.share(row["satisfaction"]["satisfied_share"]), say.count(row["satisfaction"]["ratings"]),
          say.signed(row["score_vs_service"]), say.count(row["complaints"])]
         for row in data.league],
        no_data,
    )
    page.need(20)
    page.text(page.start(), page.top, page.say(
        f"لا يُرتَّب إلا من له {ltr(MIN_RATINGS_TO_RANK)} تقييم على الأقل؛ ويُقارن كل تقييم بمتوسط خدمته حتى لا يخسر موظف الخدمة الأصعب أمام موظف الخدمة الأسرع.",
        f"Only clerks with at least {MIN_RATINGS_TO_RANK} ratings are ranked; each score is compared with its service's mean, "
        "so a clerk on the hardest service does not lose to one on the quickest.",
    ), 7.5, color=GREY, max_width=PAGE_WIDTH - 2 * MARGIN)
    page.top -= 12


def _hijri_of(day: str, lang: str) -> str:
    from datetime import date

    return hijri_text(date.fromisoformat(day), lang)


def _footers(page: Writer, data: ReportData) -> None:
    total = len(page.pages)
    for number, sheet in enumerate(page.pages, start=1):
        page.page = sheet
        label = (f"صفحة {ltr(number)} من {ltr(total)}" if page.rtl else f"Page {number} of {total}")
        page.text(PAGE_WIDTH / 2, MARGIN - 16, label, 8, align="center", color=GREY)
        name = data.centre.name_ar if page.rtl else data.centre.name_en
        page.text(page.start(), MARGIN - 16, name, 8, color=GREY, max_width=200)


# ── output ───────────────────────────────────────────────────────────────────────────────


def write_pdf(data: ReportData, out: Path, lang: str = "ar", fonts: FontSet | None = None) -> Writer:
    layout = build(data, lang, fonts)
    title = "تقرير أداء مركز الخدمة" if lang == "ar" else "Service centre performance report"
    save_pdf(layout, out, f"{title} — {data.centre.name_en} {data.first.isoformat()}..{data.last.isoformat()}")
    return layout


def save_pdf(layout: Writer, out: Path | io.BytesIO, title: str) -> None:
    """Draw laid-out pages into a PDF file (or any binary file object)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(out if isinstance(out, io.BytesIO) else str(out), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Tabour")
    for sheet in layout.pages:
        for op in sheet.ops:
            if isinstance(op, Box):
                if op.fill is not None:
                    canvas.setFillColorRGB(*op.fill)
                if op.stroke is not None:
                    canvas.setStrokeColorRGB(*op.stroke)
                canvas.rect(op.x, op.y, op.width, op.height, stroke=int(op.stroke is not None), fill=int(op.fill is not None))
            elif isinstance(op, Picture):
                canvas.drawImage(ImageReader(io.BytesIO(op.png)), op.x, op.y, op.width, op.height, preserveAspectRatio=True, anchor="c")
            elif isinstance(op, Text):
                canvas.setFillColorRGB(*op.color)
                x = op.x
                for name, piece in op.runs:
                    canvas.setFont(name, op.size)
                    canvas.drawString(x, op.y, piece)
                    x += layout._width(piece, name, op.size)
        canvas.showPage()
    canvas.save()


def render_png(layout: Writer, folder: Path, stem: str, scale: float = 2.0) -> list[Path]:
    """Draw the laid-out pages with Pillow, glyph for glyph as in the PDF, to `folder/stem-N.png`."""
    from PIL import Image, ImageDraw, ImageFont

    folder.mkdir(parents=True, exist_ok=True)
    fonts: dict[tuple[str, int], Any] = {}
    written = []
    for number, sheet in enumerate(layout.pages, start=1):
        image = Image.new("RGB", (round(PAGE_WIDTH * scale), round(PAGE_HEIGHT * scale)), "white")
        draw = ImageDraw.Draw(image)

        def colour(rgb):
            return tuple(round(c * 255) for c in rgb)

        for op in sheet.ops:
            if isinstance(op, Box):
                box = [op.x * scale, (PAGE_HEIGHT - op.y - op.height) * scale, (op.x + op.width) * scale, (PAGE_HEIGHT - op.y) * scale]
                draw.rectangle(box, fill=colour(op.fill) if op.fill else None, outline=colour(op.stroke) if op.stroke else None)
            elif isinstance(op, Picture):
                picture = Image.open(io.BytesIO(op.png)).convert("RGB")
                ratio = min(op.width / picture.width, op.height / picture.height)
                size = (round(picture.width * ratio * scale), round(picture.height * ratio * scale))
                picture = picture.resize(size)
                left = op.x * scale + (op.width * scale - size[0]) / 2
                top = (PAGE_HEIGHT - op.y - op.height) * scale + (op.height * scale - size[1]) / 2
                image.paste(picture, (round(left), round(top)))
            elif isinstance(op, Text):
                x = op.x
                for name, piece in op.runs:
                    key = (name, round(op.size * scale))
                    if key not in fonts:
                        fonts[key] = ImageFont.truetype(str(layout.paths[name]), key[1], layout_engine=ImageFont.Layout.BASIC)
                    # Glyph by glyph at the PDF's advances: Pillow rounds each advance to whole pixels.
                    for glyph in piece:
                        if not glyph.isspace():
                            draw.text((x * scale, (PAGE_HEIGHT - op.y) * scale), glyph, font=fonts[key], fill=colour(op.color), anchor="ls")
                        x += layout._width(glyph, name, op.size)
        path = folder / f"{stem}-{number}.png"
        image.save(path)
        written.append(path)
    return written
