"""Check-in at the kiosk in the store: a booking's code gives an appointment ticket in its window,
says when to come back before it, offers a normal ticket after the grace; a remote ticket's code
confirms arrival; every other code gets a clear refusal and changes nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from core import commands, queries
from core.checkin import check_in
from core.errors import BadInput, ImpossibleStep, NotFound
from core.store import Store, Tx
from tests.conftest import RIYADH
from tests.support import Clock

MINUTE = 60


def add_booking(store: Store, code: str, slot_start: float, *, service: str = "A", status: str = "booked", day: str | None = None) -> int:
    """A booking row as the booking store writes it (migration 0008's `bookings`)."""

    def insert(tx: Tx) -> int:
        service_id = tx.catalogue.services_by_code[service].id
        cursor = tx.conn.execute(
            "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, status, source, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 15, '0500000000', ?, 'web', ?, ?)",
            (code, service_id, day or tx.business_day, slot_start, status, tx.now, tx.now),
        )
        return cursor.lastrowid

    return store.call(insert)


def first(store: Store, sql: str, params: tuple = ()):
    with store.read() as conn:
        return conn.execute(sql, params).fetchone()


def ticket_count(store: Store) -> int:
    return first(store, "SELECT COUNT(*) FROM tickets")[0]


def booking_row(store: Store, booking_id: int) -> dict:
    return dict(first(store, "SELECT * FROM bookings WHERE id = ?", (booking_id,)))


def test_too_early_says_when_check_in_opens_and_issues_nothing(store: Store, clock: Clock):
    """45 minutes before a slot (check-in opens 30 before) the answer is when to come back."""
    slot = clock.now + 45 * MINUTE
    booking = add_booking(store, "EEEE222222", slot)
    answer = store.call(check_in, "EEEE222222")
    assert answer["outcome"] == "too_early" and answer["ticket"] is None
    assert datetime.fromisoformat(answer["opens_at"]).timestamp() == slot - 30 * MINUTE
    assert datetime.fromisoformat(answer["slot_start"]).timestamp() == slot
    assert ticket_count(store) == 0 and booking_row(store, booking)["status"] == "booked"


def test_on_time_gives_an_appointment_ticket_marked_with_its_slot(store: Store, clock: Clock):
    """Within the window: a ticket of the service's own numbering, priority appointment, slot on it; the booking is checked in."""
    slot = clock.now + 10 * MINUTE
    booking = add_booking(store, "TTTT333333", slot)
    answer = store.call(check_in, "TTTT333333")
    ticket = answer["ticket"]
    assert answer["outcome"] == "ticket"
    assert ticket["priority"] == "appointment" and ticket["booking_id"] == booking
    assert datetime.fromisoformat(ticket["slot_start"]).timestamp() == slot
    assert ticket["number"].startswith("A-") and ticket["status"] == "waiting"
    row = booking_row(store, booking)
    assert row["status"] == "checked_in" and row["ticket_id"] == ticket["id"] and row["checked_in_at"] == clock.now
    # A second scan gives the same ticket back, not a second one.
    again = store.call(check_in, "TTTT333333")
    assert again["outcome"] == "already" and again["ticket"]["id"] == ticket["id"]
    assert ticket_count(store) == 1


def test_window_edges(store: Store, clock: Clock):
    """Exactly when check-in opens, and exactly at the end of the grace, a ticket is issued."""
    add_booking(store, "PPPP444444", clock.now + 30 * MINUTE)
    add_booking(store, "GGGG555555", clock.now - 10 * MINUTE)
    assert store.call(check_in, "PPPP444444")["outcome"] == "ticket"
    assert store.call(check_in, "GGGG555555")["outcome"] == "ticket"


def test_late_is_offered_a_normal_ticket(store: Store, clock: Clock):
    """Past the grace: no ticket until the visitor accepts a normal one, which keeps the booking but no slot."""
    booking = add_booking(store, "HHHH666666", clock.now - 11 * MINUTE)
    offer = store.call(check_in, "HHHH666666")
    assert offer["outcome"] == "late" and offer["ticket"] is None and ticket_count(store) == 0
    taken = store.call(check_in, "HHHH666666", None, True)
    assert taken["outcome"] == "walk_in"
    ticket = taken["ticket"]
    assert ticket["priority"] == "normal" and ticket["slot_start"] is None and ticket["booking_id"] == booking
    assert booking_row(store, booking)["status"] == "checked_in"


def test_the_services_own_window_is_used(tmp_path, clock: Clock):
    """A service's check_in_open_minutes and grace_minutes from the centre file decide the window."""
    from core.config import parse_config
    from tests.support import demo_config_text

    text = demo_config_text().replace(
        'code = "A"\n', 'code = "A"\nappointments = { enabled = true, check_in_open_minutes = 5, grace_minutes = 2 }\n', 1
    )
    with commands.open_store(tmp_path / "own.sqlite", parse_config(text, "centre.toml"), clock=clock) as store:
        add_booking(store, "WWWW777777", clock.now + 10 * MINUTE)
        add_booking(store, "WWWW888888", clock.now - 3 * MINUTE)
        assert store.call(check_in, "WWWW777777")["outcome"] == "too_early"
        assert store.call(check_in, "WWWW888888")["outcome"] == "late"
        clock.advance(6 * MINUTE)
        assert store.call(check_in, "WWWW777777")["outcome"] == "ticket"


@pytest.mark.parametrize(
    ("status", "code"), [("cancelled", "booking_cancelled"), ("no_show", "booking_missed")]
)
def test_cancelled_and_missed_bookings_are_refused(store: Store, clock: Clock, status: str, code: str):
    """A cancelled or missed booking gets a clear message and no ticket."""
    add_booking(store, "NNNN999999", clock.now, status=status)
    with pytest.raises(ImpossibleStep) as refused:
        store.call(check_in, "NNNN999999")
    assert refused.value.code == code and refused.value.message_ar and refused.value.message_en
    assert ticket_count(store) == 0


@pytest.mark.parametrize("days", [1, -1])
def test_a_booking_of_another_day_is_refused_with_its_date(store: Store, clock: Clock, days: int):
    """Tomorrow's (or yesterday's) booking: refused, naming its day with digits kept left to right in Arabic."""
    day = datetime.fromtimestamp(clock.now + days * 86400).date().isoformat()
    add_booking(store, "DDDD222222", clock.now + days * 86400, day=day)
    with pytest.raises(ImpossibleStep) as refused:
        store.call(check_in, "DDDD222222")
    assert refused.value.code == "booking_other_day"
    shown = datetime.fromisoformat(day).strftime("%d/%m/%Y")
    assert shown in refused.value.message_en and f"\u2066{shown}\u2069" in refused.value.message_ar
    assert ticket_count(store) == 0


def test_a_slot_after_midnight_belongs_to_the_hall_day_still_running(store: Store, clock: Clock):
    """At 00:20, before the 03:00 rollover, the hall is still on yesterday's business day: a
    booking for 00:30 (dated by the calendar) checks in, it is not "another day"."""
    clock.now = datetime(2026, 11, 25, 0, 20, tzinfo=RIYADH).timestamp()
    slot = datetime(2026, 11, 25, 0, 30, tzinfo=RIYADH).timestamp()
    add_booking(store, "MMMM222222", slot, day="2026-11-25")
    answer = store.call(check_in, "MMMM222222")
    assert answer["outcome"] == "ticket", answer
    assert ticket_count(store) == 1


def test_a_remote_tickets_code_confirms_arrival(store: Store):
    """The phone's QR scanned at the kiosk: the remote ticket's visitor is here."""
    remote = store.call(commands.issue_remote_ticket, store.catalogue.services_by_code["A"].id, 5)
    answer = store.call(check_in, remote["code"])
    assert answer["outcome"] == "arrived" and answer["ticket"]["id"] == remote["id"]
    assert first(store, "SELECT arrived_at FROM tickets WHERE id = ?", (remote["id"],))[0] is not None


def test_unknown_code_and_a_walk_ins_code_are_not_found(store: Store):
    """A code nobody holds, and a kiosk ticket's own code, are "no booking or remote ticket"."""
    walk_in = store.call(commands.issue_ticket, store.catalogue.services_by_code["A"].id)
    for code in ("ZZZZ999999", walk_in["code"]):
        with pytest.raises(NotFound) as refused:
            store.call(check_in, code)
        assert refused.value.code == "unknown_code"


def test_typed_codes_are_read_as_the_scanner_would_send_them(store: Store, clock: Clock):
    """Arabic-Indic digits, small letters and spaces around the code find the booking."""
    add_booking(store, "AB34567822", clock.now)
    add_booking(store, "CD93452345", clock.now)
    add_booking(store, "QR23456789", clock.now)
    assert store.call(check_in, " ab٣٤-٥٦٧٨-٢٢ ")["outcome"] == "ticket"
    assert store.call(check_in, "CD۹۳۴۵۲۳۴۵")["outcome"] == "ticket"
    # a QR code that holds the booking page's address
    assert store.call(check_in, "http://192.168.1.10:8470/book/QR23456789")["outcome"] == "ticket"


def test_a_phone_pages_address_confirms_arrival(store: Store):
    """The remote ticket's QR may hold its phone page's address: its code is read from it."""
    remote = store.call(commands.issue_remote_ticket, store.catalogue.services_by_code["A"].id, 5)
    assert store.call(check_in, f"https://hub.example/t/{remote['code']}")["outcome"] == "arrived"


HOSTILE = [
    "", "   ", "ab", "A" * 41, "x" * 10_240, "ABC\x00DEF1", "ABCD\r\nEFG", "\u202eABCDEFG", "'; DROP TABLE bookings;--",
    "ABCD' OR '1'='1", "<script>", "ABC%DEF1", "حجز١٢٣٤", "\ud800ABCD", 12345678, None, ["ABCD234567"], 1.5, True,
    "http://hub/book/" + "A" * 400, "http://[::1/book/ABCD234567", "https://hub/book/ABCD%00234567", "javascript:alert(1)",
]


@pytest.mark.parametrize("code", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_codes_are_refused_and_change_nothing(store: Store, clock: Clock, code):
    """Empty, 10 KB, control characters, bidi overrides, SQL, HTML, Arabic letters, non-text: one clear refusal."""
    add_booking(store, "ABCD234567", clock.now)
    with pytest.raises(BadInput) as refused:
        store.call(check_in, code)
    assert refused.value.code == "bad_code" and "QR" in refused.value.message_ar
    assert ticket_count(store) == 0
    assert first(store, "SELECT COUNT(*) FROM bookings WHERE status = 'booked'")[0] == 1


def test_walk_in_must_be_a_boolean(store: Store, clock: Clock):
    """walk_in "yes" is refused rather than read as true."""
    add_booking(store, "HHHH777777", clock.now - 3600)
    with pytest.raises(BadInput):
        store.call(check_in, "HHHH777777", None, "yes")


def test_the_checked_in_ticket_reads_back_with_its_mark(store: Store, clock: Clock):
    """`GET /tickets/{id}`'s query gives the same slot and booking as the check-in answer."""
    booking = add_booking(store, "RRRR222222", clock.now + 5 * MINUTE)
    ticket = store.call(check_in, "RRRR222222")["ticket"]
    read = queries.get_ticket(store, ticket["id"])
    assert read["booking_id"] == booking and read["slot_start"] == ticket["slot_start"]


def test_a_booking_made_by_the_booking_store_is_checked_in_early_on_time_and_late(store: Store, clock: Clock):
    """Booked with core.bookings.book for 10:45 (service F): at 10:00 too early, at 10:20 a ticket; another for 11:00 at 11:11 is late."""
    from core import bookings

    service_f = store.catalogue.services_by_code["F"].id
    first = store.call(bookings.book, service_f, datetime(2026, 11, 24, 10, 45), "0551234567")
    second = store.call(bookings.book, service_f, datetime(2026, 11, 24, 11, 0), "0557654321")
    early = store.call(check_in, bookings.format_code(first["code"]))
    assert early["outcome"] == "too_early" and early["opens_at"].startswith("2026-11-24T10:15:00")
    clock.advance(20 * MINUTE)
    on_time = store.call(check_in, first["code"].lower())
    assert on_time["outcome"] == "ticket" and on_time["ticket"]["slot_start"] == first["slot_start"]
    assert on_time["ticket"]["number"].startswith("F-")
    assert bookings.find(store, first["code"])["status"] == "checked_in"
    clock.advance(51 * MINUTE)  # 11:11, a minute past the grace of the 11:00 slot
    assert store.call(check_in, second["code"])["outcome"] == "late"
    assert store.call(check_in, second["code"], None, True)["outcome"] == "walk_in"
