"""Check-in at the kiosk: the code a visitor scans (or types) becomes their place in the queue.

A booking's code becomes an appointment ticket for its slot (the service's own number, marked
with the slot: docs/decisions/appointment-ticket-mark.md) while check-in is open, from
`check_in_open_minutes` before the slot to `grace_minutes` after it. Earlier, the kiosk says when
to come back; later, it offers a normal ticket, which the visitor takes with `walk_in=True`.
A remote ticket's code (the QR on the visitor's phone) confirms their arrival instead
(`commands.confirm_arrival`): the kiosk has one scan field for both.

Runs on the store's writer thread, like every command.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from core import bookings, commands
from core.appointments import AppointmentsConfig
from core.bidi import ltr
from core.errors import BadInput, ImpossibleStep, NotFound
from core.models import EventType, Priority
from core.numbering import business_day
from core.store import Tx
from core.views import iso, load_ticket

#: what a scanner or a visitor can send: longer is refused before anything else looks at it
MAX_SCAN_LENGTH = 300
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

NOT_A_CODE = (
    "That is not a booking or ticket code; scan the QR code of your booking or of your phone's ticket, or type its code.",
    "هذا ليس رمز حجز أو تذكرة؛ امسح رمز QR للحجز أو لتذكرتك على الجوال، أو اكتب رمزه.",
)


def normalise_code(code: Any) -> str:
    """The code in what the scanner typed or the visitor keyed in.

    A QR code may hold the page's address (`…/book/7KQ2MX94RT`, `…/t/q2YdN8kPz3`): its last
    path segment is the code. Arabic-Indic digits from the on-screen keypad count as digits.
    Anything but letters, digits, `-` and `_` (4 to 40 of them) is refused with one clear
    message, so control characters, quotes and 10 KB pastes never reach a query.
    """
    if not isinstance(code, str) or len(code) > MAX_SCAN_LENGTH:
        raise BadInput(*NOT_A_CODE, code="bad_code")
    code = code.strip().translate(_ARABIC_DIGITS)
    if code[:8].lower().startswith(("http://", "https://")):
        try:
            code = urlsplit(code).path.rstrip("/").rsplit("/", 1)[-1]
        except ValueError:
            raise BadInput(*NOT_A_CODE, code="bad_code") from None
    if not 4 <= len(code) <= 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise BadInput(*NOT_A_CODE, code="bad_code")
    return code


def appointment_settings(tx: Tx, service_id: int) -> AppointmentsConfig:
    """The service's appointment settings; defaults when the centre file names none."""
    code = tx.catalogue.services[service_id].code
    for service in tx.catalogue.config.services:
        if service.code == code:
            return service.appointments or AppointmentsConfig()
    return AppointmentsConfig()


def _booking(tx: Tx, code: str):
    """The booking with this code as a visitor may type it (any case, hyphens), or None."""
    try:
        code = bookings.normalise_code(code)
    except BadInput:
        return None  # not a booking's code; perhaps a remote ticket's
    return tx.one("SELECT * FROM bookings WHERE code = ?", (code,))


def _day_words(day: str) -> tuple[str, str]:
    moment = date.fromisoformat(day)
    return ltr(moment.strftime("%d/%m/%Y")), moment.strftime("%d/%m/%Y")


def check_in(tx: Tx, code: Any, device_id: int | None = None, walk_in: bool = False) -> dict[str, Any]:
    """What the kiosk does with a scanned code; returns the contract's `CheckIn`.

    `outcome` is `ticket` (an appointment ticket was issued), `too_early` (come back at
    `opens_at`), `late` (past the grace: a normal ticket is offered; ask again with
    `walk_in=True` to issue it, `outcome` then `walk_in`), `already` (this booking has its
    ticket) or `arrived` (a remote ticket's visitor is here). Unknown, cancelled, missed and
    other-day codes are refused with a message for the visitor.
    """
    code = normalise_code(code)
    if not isinstance(walk_in, bool):
        raise BadInput("walk_in is true or false.", "walk_in قيمته true أو false.")
    booking = _booking(tx, code)
    if booking is None:
        return _remote_arrival(tx, code)
    catalogue = tx.catalogue
    answer: dict[str, Any] = {
        "outcome": "ticket", "ticket": None, "service_id": booking["service_id"],
        "slot_start": iso(booking["slot_start"], catalogue), "opens_at": None, "closes_at": None,
    }
    if booking["status"] == "cancelled":
        raise ImpossibleStep(
            "This booking was cancelled. Take a ticket from the start screen, or book again.",
            "تم إلغاء هذا الحجز. خذ تذكرة من الشاشة الرئيسية، أو احجز من جديد.",
            code="booking_cancelled",
        )
    if booking["status"] == "no_show":
        raise ImpossibleStep(
            "This booking's time has passed. Take a ticket from the start screen, or book again.",
            "انتهى وقت هذا الحجز. خذ تذكرة من الشاشة الرئيسية، أو احجز من جديد.",
            code="booking_missed",
        )
    if booking["status"] == "checked_in" and booking["ticket_id"] is not None:
        answer.update(outcome="already", ticket=load_ticket(tx.store, tx.conn, booking["ticket_id"]))
        return answer
    # The hall's day runs from one rollover hour to the next, so a slot between midnight and the
    # rollover hour belongs to the day before its calendar date: compare business days.
    slot_business_day = business_day(booking["slot_start"], catalogue.tz, catalogue.config.centre.rollover_hour).isoformat()
    if slot_business_day != tx.business_day:
        day_ar, day_en = _day_words(booking["slot_day"])
        later = slot_business_day > tx.business_day
        raise ImpossibleStep(
            f"This booking is for {day_en}, not today." + (" Come back that day." if later else ""),
            f"هذا الحجز ليوم {day_ar}، وليس لليوم." + (" عُد في ذلك اليوم." if later else ""),
            code="booking_other_day",
        )
    if booking["service_id"] not in catalogue.services:
        raise NotFound("This booking's service is no longer offered here.", "خدمة هذا الحجز لم تعد متاحة هنا.")
    settings = appointment_settings(tx, booking["service_id"])
    opens_at = booking["slot_start"] - settings.check_in_open_minutes * 60
    closes_at = booking["slot_start"] + settings.grace_minutes * 60
    answer.update(opens_at=iso(opens_at, catalogue), closes_at=iso(closes_at, catalogue))
    if tx.now < opens_at:
        answer["outcome"] = "too_early"
        return answer
    if tx.now > closes_at:
        if not walk_in:
            answer["outcome"] = "late"
            return answer
        ticket = commands.issue_ticket(tx, booking["service_id"], Priority.NORMAL, device_id, booking_id=booking["id"])
        answer["outcome"] = "walk_in"
    else:
        ticket = commands.issue_ticket(
            tx, booking["service_id"], Priority.APPOINTMENT, device_id, booking_id=booking["id"], slot_start=booking["slot_start"],
        )
    tx.conn.execute(
        "UPDATE bookings SET status = 'checked_in', checked_in_at = ?, ticket_id = ?, updated_at = ? WHERE id = ?",
        (tx.now, ticket["id"], tx.now, booking["id"]),
    )
    saved = tx.one("SELECT * FROM bookings WHERE id = ?", (booking["id"],))
    tx.emit(EventType.BOOKING_CHANGED, booking=bookings.booking_view(catalogue, saved, personal=False), change="checked_in",
            previous_slot_start=None)
    answer["ticket"] = ticket
    return answer


def _remote_arrival(tx: Tx, code: str) -> dict[str, Any]:
    row = tx.one("SELECT id FROM tickets WHERE code = ? AND business_day = ? AND remote = 1", (code, tx.business_day))
    if row is None:
        raise NotFound(
            "No booking and no ticket from a phone has this code. Check the code, or take a ticket from the start screen.",
            "لا يوجد حجز ولا تذكرة عن بُعد بهذا الرمز. تحقّق من الرمز، أو خذ تذكرة من الشاشة الرئيسية.",
            code="unknown_code",
        )
    ticket = commands.confirm_arrival(tx, code)
    return {
        "outcome": "arrived", "ticket": ticket, "service_id": ticket["service_id"], "slot_start": None,
        "opens_at": None, "closes_at": None,
    }

