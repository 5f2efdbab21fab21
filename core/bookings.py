"""Bookings: a visitor's place in an appointment slot, made, looked up, moved and cancelled.

Every write runs on the store's single writer (`command(tx, ...)`), so checking a slot's free
places and inserting the booking are one step: however many visitors book the last place at
once, the writer takes them one after the other and only the first finds it free.

What a slot may take (decided in docs/decisions/appointment-bookings.md):
- a slot of the service's day (its opening hours and special days, `day_slots`), on a
  bookable day (today and `days_ahead` after it), starting after now;
- at most `capacity` bookings in the slot, and within each clock hour at most the hour's
  appointment share: floor(slots starting in the hour × capacity × (1 − walk_in_share)).
  The share is kept per hour, as the setting says, so that capacity 1 with half kept for
  walk-ins still offers every second place of the hour instead of none;
- a mobile number holds at most `max_future_per_mobile` future bookings of the service.

The events carry no code and no mobile number: the event log is shipped to the central and
read by every screen, and the code is what lets its holder cancel the booking.
"""

from __future__ import annotations

import math
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers

from core.appointments import AppointmentsConfig, bookable_days, day_slots
from core.catalogue import Catalogue, ServiceInfo
from core.errors import BadInput, ImpossibleStep, NotFound
from core.models import EventType, ServiceId
from core.store import Store, Tx
from core.views import iso

# A booking code is read out on the telephone, typed at the kiosk or typed by a barcode
# scanner: no 0/O, 1/I/L. 31 letters, 10 of them: 31**10 ≈ 8.2e14 codes (49.5 bits). With
# even 100,000 live bookings a guess hits one with chance 1.2e-10, so a million guesses (far
# past what the hub's per-address lookup limit lets through in a year) find one with chance
# about 1e-4. `secrets` draws them, so knowing one code says nothing about the next.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_PATTERN = r"^[2-9A-HJKMNP-Z]{10}$"
_CODE = re.compile(CODE_PATTERN)
_CODE_SEPARATORS = re.compile(r"[\s\-_.]")
MAX_TYPED = 64  # longer than any code or mobile number as typed, with spaces and marks

SOURCES = ("web", "portal", "console")
LIVE_STATUSES = ("booked", "checked_in")
_MOBILE_CHARACTERS = re.compile(r"^\+?[\d\s\-().]+$")  # \d: Arabic-Indic digits too
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# ── what visitors type ───────────────────────────────────────────────────────────────────


def normalise_mobile(value: object) -> str:
    """A Saudi mobile number as typed (05xxxxxxxx, +9665xxxxxxxx, 009665…, Arabic-Indic digits,
    spaces and hyphens) in its one stored form, E.164: +9665xxxxxxxx. Anything else is refused."""
    refusal = BadInput(
        "Give a Saudi mobile number, e.g. 0501234567 or +966501234567.",
        "أدخل رقم جوال سعودياً، مثل \u20660501234567\u2069 أو \u2066+966501234567\u2069.",
        code="bad_mobile",
    )
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TYPED:
        raise refusal
    typed = _DIRECTION_MARKS.sub("", value).strip()
    if not _MOBILE_CHARACTERS.match(typed):
        raise refusal  # letters would be read as a keypad's (vanity numbers) or an extension
    if typed.startswith("00"):
        typed = "+" + typed[2:]
    try:
        number = phonenumbers.parse(typed, "SA")
    except phonenumbers.NumberParseException:
        raise refusal from None
    if (
        phonenumbers.region_code_for_number(number) != "SA"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise refusal
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_mobile(mobile: str) -> str:
    """What a page shows of the number: enough for its owner to recognise it, e.g. 05•••••567."""
    national = "0" + mobile[4:] if mobile.startswith("+966") else mobile
    return national[:2] + "•" * max(0, len(national) - 5) + national[-3:]


def normalise_code(value: object) -> str:
    """A booking code as typed or scanned (any case, spaces or hyphens between groups)."""
    if isinstance(value, str) and len(value) <= MAX_TYPED:
        code = _CODE_SEPARATORS.sub("", _DIRECTION_MARKS.sub("", value)).upper()
        if _CODE.match(code):
            return code
    raise BadInput(
        f"A booking code has {CODE_LENGTH} letters and digits, e.g. 7KQ2-MX94-RT.",
        f"رمز الحجز \u2066{CODE_LENGTH}\u2069 حروف وأرقام، مثل \u20667KQ2-MX94-RT\u2069.",
        code="bad_code",
    )


def format_code(code: str) -> str:
    """The code as shown: in groups of four, easier to read out and to type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# ── slots ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class SlotPlaces:
    """One slot of a day with its places: how many are booked and how many may still be."""

    start: datetime  # local, naive, in the centre's zone
    minutes: int
    booked: int
    free: int


def service_settings(catalogue: Catalogue, service_id: int) -> tuple[ServiceInfo, AppointmentsConfig]:
    """The service and its appointment settings; refused when it takes no appointments."""
    service = catalogue.services.get(ServiceId(service_id)) if isinstance(service_id, int) else None
    if service is None:
        raise NotFound("No such service.", "لا توجد خدمة بهذا الرقم.", code="no_such_service")
    config = next((s for s in catalogue.config.services if s.code == service.code), None)
    settings = config.appointments if config is not None else None
    if not service.enabled or settings is None or not settings.enabled:
        raise ImpossibleStep(
            f"{service.name_en} does not take appointments.",
            f"خدمة {service.name_ar} لا تقبل المواعيد.",
            code="no_appointments",
        )
    return service, settings


def local_now(catalogue: Catalogue, now: float) -> datetime:
    return datetime.fromtimestamp(now, tz=catalogue.tz).replace(tzinfo=None)


def _epoch(catalogue: Catalogue, local: datetime) -> float:
    return local.replace(tzinfo=catalogue.tz).timestamp()


def to_local(catalogue: Catalogue, moment: datetime) -> datetime:
    """A slot start as given (with an offset, or naive meaning the centre's local time)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(catalogue.tz).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _places(catalogue: Catalogue, conn: sqlite3.Connection, service: ServiceInfo, settings: AppointmentsConfig,
            day: date, exclude_id: int | None = None, only: datetime | None = None) -> list[SlotPlaces]:
    """The day's slots with their places (`only`: just the slots of that slot's clock hour, all
    a booking check needs). A booking counts in the hour its slot starts in, so one made before
    the slot length changed still takes its hour's share."""
    slots = day_slots(service.hours, day, settings)
    if only is not None:
        slots = [slot for slot in slots if _hour_of(slot.start) == _hour_of(only)]
    if not slots:
        return []
    places_in_hour: dict[datetime, int] = {}
    for slot in slots:
        hour = _hour_of(slot.start)
        places_in_hour[hour] = places_in_hour.get(hour, 0) + settings.capacity
    allowance = {hour: math.floor(total * (1 - settings.walk_in_share) + 1e-9) for hour, total in places_in_hour.items()}
    first, last = _hour_of(slots[0].start), _hour_of(slots[-1].start) + timedelta(hours=1)
    rows = conn.execute(
        "SELECT slot_start, COUNT(*) AS n FROM bookings WHERE service_id = ? AND slot_start >= ? AND slot_start < ? "
        "AND status IN ('booked', 'checked_in') AND id IS NOT ? GROUP BY slot_start",
        (service.id, _epoch(catalogue, first), _epoch(catalogue, last), exclude_id),
    ).fetchall()
    booked = {row["slot_start"]: row["n"] for row in rows}
    booked_in_hour: dict[datetime, int] = {}
    for epoch, count in booked.items():
        hour = _hour_of(local_now(catalogue, epoch))
        booked_in_hour[hour] = booked_in_hour.get(hour, 0) + count
    result = []
    for slot in slots:
        hour = _hour_of(slot.start)
        in_slot = booked.get(_epoch(catalogue, slot.start), 0)
        free = max(0, min(settings.capacity - in_slot, allowance[hour] - booked_in_hour.get(hour, 0)))
        result.append(SlotPlaces(slot.start, slot.minutes, in_slot, free))
    return result


def _check_day(catalogue: Catalogue, settings: AppointmentsConfig, day: date, now: float) -> None:
    today = local_now(catalogue, now).date()
    days = bookable_days(today, settings)
    if day not in days:
        raise ImpossibleStep(
            f"Bookings are taken from today up to {settings.days_ahead} days ahead; {day.isoformat()} is outside that.",
            f"يُحجز من اليوم حتى \u2066{settings.days_ahead}\u2069 يوماً قادمة، والتاريخ \u2066{day.isoformat()}\u2069 خارج ذلك.",
            code="day_not_bookable",
        )


def day_places(store: Store, service_id: int, day: date) -> list[SlotPlaces]:
    """The slots of one day of a service with their free places; slots already begun are left out."""
    catalogue = store.catalogue
    service, settings = service_settings(catalogue, service_id)
    now = store.clock()
    _check_day(catalogue, settings, day, now)
    with store.read() as conn:
        places = _places(catalogue, conn, service, settings, day)
    current = local_now(catalogue, now)
    return [slot for slot in places if slot.start > current]


def _check_slot(tx: Tx, service: ServiceInfo, settings: AppointmentsConfig, start: datetime,
                exclude_id: int | None = None) -> SlotPlaces:
    """The slot starting at `start`, if it may take one more booking now; refused clearly if not."""
    catalogue = tx.catalogue
    _check_day(catalogue, settings, start.date(), tx.now)
    if start <= local_now(catalogue, tx.now):
        raise ImpossibleStep(
            "That slot has already begun; choose a later one.",
            "بدأ هذا الموعد أو انقضى؛ اختر موعداً لاحقاً.",
            code="slot_past",
        )
    places = _places(catalogue, tx.conn, service, settings, start.date(), exclude_id, only=start)
    slot = next((p for p in places if p.start == start), None)
    if slot is None:
        raise ImpossibleStep(
            f"{service.name_en} has no slot at {start:%Y-%m-%d %H:%M}; the service is closed then or slots start at other times.",
            f"لا يوجد موعد لخدمة {service.name_ar} في \u2066{start:%Y-%m-%d %H:%M}\u2069؛ الخدمة مغلقة حينها أو تبدأ المواعيد في أوقات أخرى.",
            code="no_such_slot",
        )
    if slot.free <= 0:
        raise ImpossibleStep(
            "That slot is full; choose another.",
            "هذا الموعد ممتلئ؛ اختر موعداً آخر.",
            code="slot_full",
        )
    return slot


# ── bookings ─────────────────────────────────────────────────────────────────────────────


def booking_view(catalogue: Catalogue, row: Any, *, personal: bool = True) -> dict[str, Any]:
    """A booking. `personal=False` leaves out the code and the mobile number (events)."""
    service = catalogue.services.get(ServiceId(row["service_id"]))
    view: dict[str, Any] = {
        "id": row["id"],
        "service_id": row["service_id"],
        "service_code": service.code if service else None,
        "slot_day": row["slot_day"],
        "slot_start": iso(row["slot_start"], catalogue),
        "slot_minutes": row["slot_minutes"],
        "status": row["status"],
        "source": row["source"],
        "created_at": iso(row["created_at"], catalogue),
        "updated_at": iso(row["updated_at"], catalogue),
    }
    if personal:
        view["code"] = row["code"]
        view["mobile"] = mask_mobile(row["mobile"])
    return view


def _new_code(tx: Tx) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if tx.one("SELECT 1 FROM bookings WHERE code = ?", (code,)) is None:
            return code


def _check_mobile_quota(tx: Tx, service: ServiceInfo, settings: AppointmentsConfig, mobile: str,
                        exclude_id: int | None = None) -> None:
    held = tx.one(
        "SELECT COUNT(*) FROM bookings WHERE mobile = ? AND service_id = ? AND status = 'booked' "
        "AND slot_start > ? AND id IS NOT ?",
        (mobile, service.id, tx.now, exclude_id),
    )[0]
    if held >= settings.max_future_per_mobile:
        limit = settings.max_future_per_mobile
        raise ImpossibleStep(
            f"This mobile number already holds {held} coming bookings for {service.name_en}, the most allowed is {limit}; "
            "cancel one to book another.",
            f"لهذا الرقم \u2066{held}\u2069 حجوزات قادمة لخدمة {service.name_ar}، والحد \u2066{limit}\u2069؛ ألغِ أحدها لتحجز غيره.",
            code="too_many_bookings",
        )


def _emit(tx: Tx, event: EventType, row: Any, **payload: Any) -> None:
    tx.emit(event, booking=booking_view(tx.catalogue, row, personal=False), **payload)


def _row(tx: Tx, booking_id: int) -> Any:
    return tx.one("SELECT * FROM bookings WHERE id = ?", (booking_id,))


def book(tx: Tx, service_id: int, slot_start: datetime, mobile: str, *, source: str = "web",
         device_id: int | None = None) -> dict[str, Any]:
    """Book one place in a slot for a mobile number; returns the booking with its code."""
    if source not in SOURCES:
        raise BadInput(f"Unknown source {source!r}.", "مصدر غير معروف.")
    mobile = normalise_mobile(mobile)
    catalogue = tx.catalogue
    service, settings = service_settings(catalogue, service_id)
    start = to_local(catalogue, slot_start)
    slot = _check_slot(tx, service, settings, start)
    epoch = _epoch(catalogue, start)
    if tx.one(
        "SELECT 1 FROM bookings WHERE mobile = ? AND service_id = ? AND slot_start = ? AND status IN ('booked', 'checked_in')",
        (mobile, service.id, epoch),
    ) is not None:
        raise ImpossibleStep(
            "This mobile number has booked that slot already.",
            "هذا الرقم حجز هذا الموعد من قبل.",
            code="already_booked",
        )
    _check_mobile_quota(tx, service, settings, mobile)
    cursor = tx.conn.execute(
        "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, status, source, device_id, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?)",
        (_new_code(tx), service.id, start.date().isoformat(), epoch, slot.minutes, mobile, source, device_id, tx.now, tx.now),
    )
    row = _row(tx, cursor.lastrowid)
    _emit(tx, EventType.BOOKING_MADE, row)
    return booking_view(catalogue, row)


def find(store: Store, code: str) -> dict[str, Any]:
    """The booking a code stands for; NotFound if none (the hub limits how often one may ask)."""
    code = normalise_code(code)
    with store.read() as conn:
        row = conn.execute("SELECT * FROM bookings WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise _no_booking()
    return booking_view(store.catalogue, row)


def _no_booking() -> NotFound:
    return NotFound("No booking has this code.", "لا يوجد حجز بهذا الرمز.", code="no_such_booking")


def _changeable(tx: Tx, code: str, doing_en: str, doing_ar: str) -> Any:
    row = tx.one("SELECT * FROM bookings WHERE code = ?", (normalise_code(code),))
    if row is None:
        raise _no_booking()
    if row["status"] != "booked":
        status_en = {"checked_in": "checked in", "cancelled": "cancelled", "no_show": "missed"}[row["status"]]
        status_ar = {"checked_in": "تم تسجيل الحضور له", "cancelled": "أُلغي", "no_show": "فات موعده"}[row["status"]]
        raise ImpossibleStep(
            f"This booking cannot be {doing_en}: it is {status_en}.",
            f"لا يمكن {doing_ar} هذا الحجز: {status_ar}.",
            code=f"booking_{row['status']}",
        )
    if row["slot_start"] <= tx.now:
        raise ImpossibleStep(
            f"This booking's slot has begun, so it cannot be {doing_en} any more.",
            f"بدأ موعد هذا الحجز، فلا يمكن {doing_ar} الآن.",
            code="slot_past",
        )
    return row


def reschedule(tx: Tx, code: str, slot_start: datetime) -> dict[str, Any]:
    """Move a booking to another slot of its service (its place in the old slot is freed).
    Moving it to the slot it has already changes nothing."""
    row = _changeable(tx, code, "moved", "نقل")
    catalogue = tx.catalogue
    service, settings = service_settings(catalogue, row["service_id"])
    start = to_local(catalogue, slot_start)
    epoch = _epoch(catalogue, start)
    if epoch == row["slot_start"]:
        return booking_view(catalogue, row)
    slot = _check_slot(tx, service, settings, start, exclude_id=row["id"])
    _check_mobile_quota(tx, service, settings, row["mobile"], exclude_id=row["id"])
    tx.conn.execute(
        "UPDATE bookings SET slot_day = ?, slot_start = ?, slot_minutes = ?, updated_at = ?, rescheduled_at = ? WHERE id = ?",
        (start.date().isoformat(), epoch, slot.minutes, tx.now, tx.now, row["id"]),
    )
    saved = _row(tx, row["id"])
    _emit(tx, EventType.BOOKING_CHANGED, saved, change="rescheduled", previous_slot_start=iso(row["slot_start"], catalogue))
    return booking_view(catalogue, saved)


def cancel(tx: Tx, code: str) -> dict[str, Any]:
    """Cancel a booking before its slot; cancelling one already cancelled changes nothing."""
    existing = tx.one("SELECT * FROM bookings WHERE code = ?", (normalise_code(code),))
    if existing is not None and existing["status"] == "cancelled":
        return booking_view(tx.catalogue, existing)
    row = _changeable(tx, code, "cancelled", "إلغاء")
    tx.conn.execute(
        "UPDATE bookings SET status = 'cancelled', updated_at = ?, cancelled_at = ? WHERE id = ?", (tx.now, tx.now, row["id"])
    )
    saved = _row(tx, row["id"])
    _emit(tx, EventType.BOOKING_CHANGED, saved, change="cancelled", previous_slot_start=None)
    return booking_view(tx.catalogue, saved)
