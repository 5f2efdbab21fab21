"""The dashboard's tables, built once and shown three ways: a web page, an Excel sheet, a PDF.

A `Table` has columns (headings in both languages and a kind) and rows of raw values; the
page formats them for reading (minutes, shares, counts, "—" for nothing), Excel keeps the
numbers as numbers, the PDF draws the page's text. Figures are Western digits in both
languages, as on the tickets and screens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from central.league import COLUMNS
from reports.dates import hijri_text

NOTHING = "—"


@dataclass(frozen=True, slots=True)
class Col:
    key: str
    ar: str
    en: str
    kind: str = "text"  # text, count, minutes, share, score, hour
    width: float = 1.0  # share of the PDF's width

    def heading(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en


@dataclass
class Table:
    ar: str
    en: str
    columns: list[Col]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # a page link per row (first text column)
    empty_ar: str = "لا توجد بيانات لهذه الفترة."
    empty_en: str = "No figures for this period."

    def title(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en

    def empty(self, lang: str) -> str:
        return self.empty_ar if lang == "ar" else self.empty_en


def shown(value: Any, kind: str) -> str:
    """A raw figure as text for reading."""
    if value is None:
        return NOTHING
    if kind == "minutes":
        return f"{value / 60:.1f}"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "score":
        return f"{value:.2f}"
    if kind == "hour":
        return f"{int(value):02d}:00"
    return str(value)


def excel_value(value: Any, kind: str) -> Any:
    """A raw figure for a spreadsheet: minutes as minutes, shares as fractions, text kept as text."""
    if value is None:
        return None
    if kind == "minutes":
        return round(value / 60, 2)
    if kind == "hour":
        return f"{int(value):02d}:00"
    if kind == "text" and isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value  # a name must never become a formula
    return value


def period_text(first: date, last: date, lang: str) -> str:
    hijri = f"{hijri_text(first, lang)} – {hijri_text(last, lang)}"
    if lang == "ar":
        return f"من \u2066{first.isoformat()}\u2069 إلى \u2066{last.isoformat()}\u2069 ({hijri})"
    return f"From {first.isoformat()} to {last.isoformat()} ({hijri})"


def name(row: dict[str, Any], lang: str) -> str:
    return (row.get("name_ar") if lang == "ar" else row.get("name_en")) or row.get("name_en") or row.get("name_ar") or ""


# ── the league ───────────────────────────────────────────────────────────────────────────


def league_table(league: dict[str, Any], lang: str, query: str = "") -> Table:
    columns = [Col("rank", "الترتيب", "Rank", "count", 0.5), Col("branch", "الفرع", "Branch", "text", 2.2)]
    columns += [Col(c.key, c.ar, c.en, c.kind) for c in COLUMNS]
    table = Table("ترتيب الفروع", "League table of branches", columns)
    for row in league["rows"]:
        table.rows.append([row["rank"], name(row, lang), *(row["values"].get(c.key) for c in COLUMNS)])
        table.links.append(f"/branches/{row['code']}" + (f"?{query}" if query else ""))
    return table


# ── one branch ───────────────────────────────────────────────────────────────────────────

_FIGURES = [
    Col("issued", "صادرة", "Issued", "count", 0.8),
    Col("served", "مخدومة", "Served", "count", 0.8),
    Col("no_show", "لم يحضروا", "No-shows", "count", 0.8),
    Col("wait_mean", "متوسط الانتظار (دقيقة)", "Mean wait (min)", "minutes"),
    Col("wait_p90", "الانتظار عند 90٪", "90th pct. wait", "minutes"),
    Col("within_target_share", "ضمن المستهدف", "Within target", "share"),
    Col("service_mean", "متوسط الخدمة (دقيقة)", "Mean service (min)", "minutes"),
]


def _figures(view: dict[str, Any]) -> list[Any]:
    return [
        view["issued"], view["served"], view["no_show"], view["wait_seconds"]["mean"], view["wait_seconds"]["p90"],
        view["within_target_share"], view["service_seconds"]["mean"],
    ]


def branch_tables(answer: dict[str, Any], lang: str) -> list[Table]:
    """The drill-down: services, hours of the day, clerks' scorecards, counters."""
    services = Table("الخدمات", "Services", [Col("service", "الخدمة", "Service", "text", 2.2), *_FIGURES])
    for row in answer.get("by_service", []):
        label = f"{row.get('code') or '?'} — {name(row, lang)}"
        services.rows.append([label, *_figures(row)])
    hours = Table("ساعات اليوم", "Hours of the day", [Col("hour", "الساعة", "Hour", "hour", 0.8), *_FIGURES])
    for row in answer.get("by_hour", []):
        hours.rows.append([row["hour"], *_figures(row)])
    clerk_columns = [
        Col("clerk", "الموظف", "Clerk", "text", 1.6),
        Col("served", "مخدومة", "Served", "count", 0.8),
        Col("service_mean", "متوسط الخدمة (دقيقة)", "Mean service (min)", "minutes"),
        Col("service_p90", "الخدمة عند 90٪", "90th pct. service", "minutes"),
        Col("wait_mean", "متوسط انتظار زواره", "Their visitors' mean wait", "minutes"),
        Col("within_target_share", "ضمن المستهدف", "Within target", "share"),
        Col("no_show", "لم يحضروا", "No-shows", "count", 0.8),
        Col("satisfaction", "رضا الزوار", "Satisfaction", "score", 0.8),
    ]
    clerks = Table("بطاقات أداء الموظفين", "Clerks' scorecards", clerk_columns)
    for row in sorted(answer.get("by_clerk", []), key=lambda r: -r["served"]):
        clerks.rows.append([
            row["clerk"], row["served"], row["service_seconds"]["mean"], row["service_seconds"]["p90"],
            row["wait_seconds"]["mean"], row["within_target_share"], row["no_show"], row.get("satisfaction"),
        ])
    counters = Table("الشبابيك", "Counters", [Col("counter", "الشباك", "Counter", "text", 1.6), *_FIGURES])
    for row in answer.get("by_counter", []):
        counters.rows.append([name(row, lang) or f"#{row.get('number')}", *_figures(row)])
    return [services, hours, clerks, counters]


def totals_cards(totals: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(Arabic label, English label, shown value) for the page's headline figures."""
    return [
        ("التذاكر الصادرة", "Tickets issued", shown(totals["issued"], "count")),
        ("التذاكر المخدومة", "Tickets served", shown(totals["served"], "count")),
        ("متوسط الانتظار (دقيقة)", "Mean wait (min)", shown(totals["wait_seconds"]["mean"], "minutes")),
        ("الانتظار عند 90٪ (دقيقة)", "90th percentile wait (min)", shown(totals["wait_seconds"]["p90"], "minutes")),
        ("نسبة الخدمة ضمن المستهدف", "Served within target", shown(totals["within_target_share"], "share")),
        ("متوسط مدة الخدمة (دقيقة)", "Mean service (min)", shown(totals["service_seconds"]["mean"], "minutes")),
        ("رضا الزوار", "Satisfaction", shown(totals.get("satisfaction"), "score")),
        ("الشكاوى", "Complaints", shown(totals.get("complaints"), "count")),
    ]


# ── trends ───────────────────────────────────────────────────────────────────────────────


def trend_table(points: list[tuple[date, dict[str, Any]]], unit: str, lang: str) -> Table:
    heading = ("الأسبوع (يبدأ الأحد)", "Week (from Sunday)") if unit == "week" else ("الشهر", "Month")
    table = Table(
        "الاتجاه أسبوعياً" if unit == "week" else "الاتجاه شهرياً",
        "Trend by week" if unit == "week" else "Trend by month",
        [Col("start", *heading, "text", 1.2), *_FIGURES],
    )
    for start, view in points:
        table.rows.append([start.isoformat() if unit == "week" else start.strftime("%Y-%m"), *_figures(view)])
    return table
