"""The report's figures: `core.stats` on a read-only connection, and the columns every format shows.

The report reads the hub's database file directly, read-only (the hub may be running: WAL lets
a reader see a consistent snapshot beside the writer). The centre's name and time zone come
from the configuration the hub stored in the database, so a report needs only `--db`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import stats, visit_figures, voice_figures
from core.errors import BadInput, BilingualError
from reports.dates import hijri_text


class ReportError(BilingualError):
    """A report that cannot be made: the message says why, in both languages."""


@dataclass(frozen=True)
class Centre:
    name_ar: str
    name_en: str
    time_zone: ZoneInfo


@dataclass
class ReportData:
    """What a report shows: the centre, the period and `core.stats`' answer for it."""

    centre: Centre
    first: date
    last: date
    kpis: dict[str, Any]
    made_at: datetime
    # The clerks' scorecards of the period in league order (core/voice_figures.py `scorecards`).
    league: list[dict[str, Any]] = field(default_factory=list)


def open_read_only(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"No database at {path}.", f"لا توجد قاعدة بيانات في \u2066{path}\u2069.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("SELECT 1 FROM tickets LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        raise ReportError(
            f"{path} is not a Tabour database ({error}).", f"الملف \u2066{path}\u2069 ليس قاعدة بيانات طابور."
        ) from None
    return conn


def read_centre(conn: sqlite3.Connection) -> Centre:
    """The centre as the hub last configured it (the demo names and Riyadh time if unknown)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    centre: dict[str, Any] = {}
    if row is not None:
        try:
            centre = json.loads(row[0]).get("centre") or {}
        except (ValueError, AttributeError):
            centre = {}
    try:
        tz = ZoneInfo(str(centre.get("time_zone") or "Asia/Riyadh"))
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("Asia/Riyadh")
    return Centre(str(centre.get("name_ar") or "مركز الخدمة"), str(centre.get("name_en") or "Service centre"), tz)


def load(
    db: Path, first: date, last: date, now: datetime | None = None, *, include_simulated: bool = False,
    visits: bool = True,
) -> ReportData:
    """Every grouping's KPIs for business days `first` … `last` from the database at `db`
    (the day simulator's tickets only with `include_simulated`; the appointment and remote-queue
    figures unless `visits` is False: the monthly centre report has no place for them)."""
    try:
        stats.check_period(first, last)
    except BadInput as error:
        raise ReportError(error.message_en, error.message_ar) from None
    conn = open_read_only(db)
    try:
        centre = read_centre(conn)
        conn.execute("BEGIN")
        kpis = stats.compute_on(
            conn, first, last, list(stats.GROUPINGS), centre.time_zone, include_simulated=include_simulated
        )
        made_at = now or datetime.now(centre.time_zone)
        target = voice_figures.AnswerTarget.stored(conn, centre.time_zone)
        voice_figures.add_voice(kpis, conn, centre.time_zone, target, made_at.timestamp(), include_simulated=include_simulated)
        if visits:
            visit_figures.add_visits(kpis, conn, visit_figures.stored_grace_minutes(conn), made_at.timestamp(),
                                     include_simulated=include_simulated)
        league = voice_figures.scorecards(conn, first, last, centre.time_zone, include_simulated=include_simulated)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ReportData(centre, first, last, kpis, made_at, league)


# ── columns ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Column:
    """One figure of a row: its CSV name, its headings and how to read it from a KPI bucket."""

    key: str
    ar: str
    en: str
    kind: str  # "text", "count", "seconds", "share", "score" (a number with decimals)
    get: Callable[[dict[str, Any]], Any] = None  # type: ignore[assignment]  # None: the bucket's own `key`

    def __post_init__(self) -> None:
        if self.get is None:
            object.__setattr__(self, "get", _flat(self.key))


def _flat(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name)


def _nested(group: str, name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: (row.get(group) or {}).get(name)


# Figures the centre's rows and the clerks' league both show, read from the same place.
SERVED = Column("served", "مخدومة", "Served", "count")
WITHIN_TARGET = Column("within_target", "ضمن الهدف", "Within target", "share", _flat("within_target_share"))
RATINGS = Column("ratings", "التقييمات", "Ratings", "count", _nested("satisfaction", "ratings"))
SATISFIED = Column("satisfied", "راضون (4–5)", "Satisfied (4–5)", "share", _nested("satisfaction", "satisfied_share"))
MEAN_SCORE = Column("mean_score", "متوسط التقييم", "Mean score", "score", _nested("satisfaction", "mean_score"))

KPI_COLUMNS: tuple[Column, ...] = (
    Column("issued", "صادرة", "Issued", "count"),
    SERVED,
    Column("no_show", "لم يحضر", "No-show", "count"),
    Column("cancelled", "ملغاة", "Cancelled", "count"),
    Column("expired", "منتهية", "Expired", "count"),
    Column("transferred", "محوّلة", "Transferred", "count"),
    Column("waiting", "ما زالوا ينتظرون", "Still waiting", "count"),
    Column("in_service", "لدى الشبابيك", "At counters", "count"),
    Column("wait_mean", "متوسط الانتظار", "Wait mean", "seconds", _nested("wait_seconds", "mean")),
    Column("wait_median", "وسيط الانتظار", "Wait median", "seconds", _nested("wait_seconds", "median")),
    Column("wait_p90", "انتظار 90%", "Wait p90", "seconds", _nested("wait_seconds", "p90")),
    Column("service_mean", "متوسط الخدمة", "Service mean", "seconds", _nested("service_seconds", "mean")),
    Column("service_median", "وسيط الخدمة", "Service median", "seconds", _nested("service_seconds", "median")),
    Column("service_p90", "خدمة 90%", "Service p90", "seconds", _nested("service_seconds", "p90")),
    Column("service_total", "وقت الخدمة الكلي", "Service time total", "seconds", _flat("service_seconds_total")),
    WITHIN_TARGET,
    RATINGS,
    SATISFIED,
    MEAN_SCORE,
    Column("response_rate", "نسبة المقيّمين", "Response rate", "share", _nested("satisfaction", "response_rate")),
)

# The clerks' league (one row per clerk; no comment, text or mobile number).
LEAGUE_COLUMNS: tuple[Column, ...] = (
    Column("rank", "الترتيب", "Rank", "count"),
    Column("clerk", "الموظف", "Clerk", "text"),
    SERVED,
    Column("service_mean", "متوسط الخدمة", "Service mean", "seconds", _flat("mean_service_seconds")),
    Column("service_median", "وسيط الخدمة", "Service median", "seconds", _flat("median_service_seconds")),
    WITHIN_TARGET,
    Column("no_show_rate", "نسبة الغياب", "No-show rate", "share"),
    Column("recall_rate", "نسبة إعادة النداء", "Recall rate", "share"),
    SATISFIED,
    MEAN_SCORE,
    RATINGS,
    Column("score_vs_service", "الفرق عن متوسط الخدمة", "Score vs service", "score"),
    Column("time_vs_service", "الوقت نسبةً للخدمة", "Time vs service", "score"),
    Column("complaints", "شكاوى", "Complaints", "count"),
)

FEEDBACK_KINDS = {"complaint": ("شكوى", "Complaint"), "suggestion": ("اقتراح", "Suggestion"), "thanks": ("شكر", "Thanks")}
FEEDBACK_COLUMNS: tuple[Column, ...] = (
    Column("kind", "النوع", "Kind", "text"),
    Column("filed", "المستلمة", "Filed", "count"),
    Column("new", "جديدة", "New", "count"),
    Column("in_progress", "قيد المعالجة", "In progress", "count"),
    Column("answered", "تم الرد", "Answered", "count"),
    Column("closed", "مغلقة", "Closed", "count"),
)


# Appointments, walk-ins and the remote queue (core/visit_figures.py), one row per service,
# day, or service and day. Keys differ from the KPI columns' (`booking_no_show` is not `no_show`).
VISIT_COLUMNS: tuple[Column, ...] = (
    Column("booked", "حجوزات", "Booked", "count"),
    Column("checked_in", "سجّلوا الحضور", "Checked in", "count"),
    Column("booking_cancelled", "حجوزات ملغاة", "Bookings cancelled", "count", _flat("cancelled")),
    Column("booking_no_show", "لم يحضروا لموعدهم", "Booking no-shows", "count", _flat("no_show")),
    Column("booking_pending", "حجوزات قادمة", "Bookings to come", "count", _flat("pending")),
    Column("booking_no_show_rate", "نسبة عدم الحضور", "Booking no-show rate", "share", _flat("no_show_rate")),
    Column("punctuality_mean", "متوسط (النداء − الموعد)", "Punctuality mean (call − slot)", "signed_seconds",
           _nested("punctuality_seconds", "mean")),
    Column("punctuality_median", "وسيط (النداء − الموعد)", "Punctuality median", "signed_seconds",
           _nested("punctuality_seconds", "median")),
    Column("appointment_wait_mean", "انتظار أصحاب المواعيد", "Appointment wait mean", "seconds",
           _nested("appointment_wait_seconds", "mean")),
    Column("walk_in_wait_mean", "انتظار الحضور المباشر", "Walk-in wait mean", "seconds", _nested("walk_in_wait_seconds", "mean")),
    Column("remote_wait_mean", "انتظار عن بُعد", "Remote wait mean", "seconds", _nested("remote_wait_seconds", "mean")),
    Column("remote_issued", "تذاكر عن بُعد", "Remote tickets", "count"),
    Column("remote_arrived", "وصلوا", "Remote arrived", "count"),
    Column("remote_no_show", "غياب عن بُعد", "Remote no-shows", "count"),
    Column("remote_no_show_rate", "نسبة غياب تذاكر الجوال", "Remote no-show rate", "share"),
)


@dataclass(frozen=True)
class Grouping:
    key: str  # the `by_…` key of the answer
    ar: str
    en: str
    label_columns: tuple[Column, ...]


def _service_name(lang: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r.get(f"name_{lang}") or r.get("code") or f"#{r.get('service_id')}"


GROUPINGS: tuple[Grouping, ...] = (
    Grouping("by_service", "حسب الخدمة", "By service", (
        Column("code", "الرمز", "Code", "text"),
        Column("name_ar", "الخدمة", "Service (Arabic name)", "text", _service_name("ar")),
        Column("name_en", "الخدمة بالإنجليزية", "Service", "text", _service_name("en")),
    )),
    Grouping("by_counter", "حسب الشباك", "By counter", (
        Column("number", "الشباك", "Counter", "count"),
    )),
    Grouping("by_clerk", "حسب الموظف", "By clerk", (
        Column("clerk", "الموظف", "Clerk", "text"),
    )),
    Grouping("by_hour", "حسب الساعة", "By hour", (
        Column("hour", "الساعة", "Hour", "text", lambda r: f"{r.get('hour', 0):02d}:00"),
    )),
    Grouping("by_day", "حسب اليوم", "By day", (
        Column("day", "اليوم", "Day", "text"),
        Column("hijri", "التاريخ الهجري", "Hijri date", "text", lambda r: _plain_hijri(r.get("day"))),
    )),
)


def _plain_hijri(day: str | None) -> str:
    """The Hijri date as a spreadsheet cell shows it (its own bidi keeps the numbers in order)."""
    if not day:
        return ""
    return hijri_text(date.fromisoformat(day), "ar").replace("\u2066", "").replace("\u2069", "")


def clerks_ranked(kpis: dict[str, Any]) -> list[dict[str, Any]]:
    """Clerks by service delivered: visitors served, then time spent serving, then name."""
    return sorted(
        kpis.get("by_clerk", []),
        key=lambda r: (-(r.get("served") or 0), -(r.get("service_seconds_total") or 0), str(r.get("clerk", "")).casefold()),
    )
