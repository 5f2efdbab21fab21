"""Bookings on the store's single writer: capacity, the walk-in share, the per-mobile limit,
slot checks, codes, reschedule and cancel, against a real SQLite file."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import bookings
from core.commands import open_store
from core.config import parse_config
from core.errors import BadInput, ImpossibleStep, NotFound
from core.store import Store
from tests.support import Clock

RIYADH = ZoneInfo("Asia/Riyadh")
TUESDAY = date(2026, 11, 24)  # the clock fixture's day, 10:00
WEDNESDAY = TUESDAY + timedelta(days=1)

CENTRE = """
[centre]
name_ar = "مركز"
name_en = "Centre"
time_zone = "Asia/Riyadh"
hours = {{ sun = ["08:00-14:00"], mon = ["08:00-14:00"], tue = ["08:00-14:00"], wed = ["08:00-14:00"], thu = ["08:00-12:00"] }}

[[services]]
code = "A"
name_ar = "السجل التجاري"
name_en = "Commercial registration"
[services.appointments]
{appointments}

[[services]]
code = "B"
name_ar = "التراخيص"
name_en = "Licences"

[[counters]]
number = 1
services = ["*"]
"""


def open_centre(tmp_path: Path, clock: Clock, appointments: str) -> Store:
    config = parse_config(CENTRE.format(appointments="enabled = true\n" + appointments))
    return open_store(tmp_path / "tabour.sqlite", config, clock=clock)


@pytest.fixture
def centre(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """15-minute slots of capacity 3, nothing kept for walk-ins, two future bookings per number."""
    with open_centre(tmp_path, clock, "slot_minutes = 15\ncapacity = 3\nwalk_in_share = 0\nmax_future_per_mobile = 2") as store:
        yield store


def service(store: Store, code: str = "A") -> int:
    return store.catalogue.services_by_code[code].id


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def refusal(error: pytest.ExceptionInfo) -> str:
    return error.value.code


def test_a_booking_has_a_code_a_masked_number_and_an_event_without_either(centre: Store):
    """The holder gets a 10-letter code and sees the number masked; the event carries neither."""
    seq = centre.last_seq
    made = centre.call(bookings.book, service(centre), at(WEDNESDAY, 9, 15), "0501234567")
    assert re.fullmatch(bookings.CODE_PATTERN, made["code"])
    assert not set(made["code"]) & set("01OIL")
    assert made["mobile"] == "05•••••567"
    assert made["status"] == "booked" and made["slot_start"].startswith("2026-11-25T09:15:00")
    [event] = centre.events_after(seq)
    assert event.type == "booking.made"
    assert "code" not in event.payload["booking"] and "mobile" not in event.payload["booking"]
    assert made["code"] not in str(event.payload) and "501234567" not in str(event.payload)
    assert bookings.find(centre, made["code"].lower())["id"] == made["id"]
    assert bookings.find(centre, bookings.format_code(made["code"]))["id"] == made["id"]
    with centre.read() as conn:
        assert conn.execute("SELECT mobile FROM bookings").fetchone()[0] == "+966501234567"


def test_fifty_at_once_for_three_places_give_exactly_three(centre: Store):
    """50 bookings queued at the same moment for a slot of capacity 3: 3 succeed, 47 hear "slot full"."""
    start = at(WEDNESDAY, 10, 0)
    gate = threading.Barrier(50)
    outcomes: list[object] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        gate.wait()
        future = centre.submit(bookings.book, service(centre), start, f"055{n:07d}")
        try:
            result: object = future.result()
        except ImpossibleStep as error:
            result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = [o for o in outcomes if isinstance(o, dict)]
    assert len(booked) == 3
    assert sorted(o for o in outcomes if not isinstance(o, dict)) == ["slot_full"] * 47
    [place] = [p for p in bookings.day_places(centre, service(centre), WEDNESDAY) if p.start == start]
    assert (place.booked, place.free) == (3, 0)


def test_the_walk_in_share_is_kept_per_hour(tmp_path: Path, clock: Clock):
    """Capacity 1 with half kept for walk-ins: two of each hour's four slots can be booked, not zero."""
    with open_centre(tmp_path, clock, "slot_minutes = 15\ncapacity = 1\nwalk_in_share = 0.5\nmax_future_per_mobile = 20") as store:
        places = bookings.day_places(store, service(store), WEDNESDAY)
        assert len(places) == 24 and {p.free for p in places} == {1}
        store.call(bookings.book, service(store), at(WEDNESDAY, 9, 0), "0501111111")
        store.call(bookings.book, service(store), at(WEDNESDAY, 9, 30), "0501111111")
        with pytest.raises(ImpossibleStep) as full:
            store.call(bookings.book, service(store), at(WEDNESDAY, 9, 45), "0502222222")
        assert refusal(full) == "slot_full"
        free = {p.start.time(): p.free for p in bookings.day_places(store, service(store), WEDNESDAY)}
        assert [free[time(9, m)] for m in (0, 15, 30, 45)] == [0, 0, 0, 0]
        assert free[time(10, 0)] == 1  # the next hour has its own share
        store.call(bookings.book, service(store), at(WEDNESDAY, 10, 0), "0502222222")


def test_one_mobile_holds_at_most_the_set_number_however_it_is_typed(centre: Store):
    """05…, +9665… and Arabic-Indic digits are one number: the third future booking is refused."""
    a = service(centre)
    centre.call(bookings.book, a, at(WEDNESDAY, 8, 0), "050 123 4567")
    second = centre.call(bookings.book, a, at(WEDNESDAY, 8, 15), "+966501234567")
    with pytest.raises(ImpossibleStep) as third:
        centre.call(bookings.book, a, at(WEDNESDAY, 8, 30), "٠٥٠١٢٣٤٥٦٧")
    assert refusal(third) == "too_many_bookings"
    assert "2" in third.value.message_en and "\u20662\u2069" in third.value.message_ar
    with pytest.raises(ImpossibleStep) as twice:
        centre.call(bookings.book, a, at(WEDNESDAY, 8, 15), "00966501234567")
    assert refusal(twice) in ("already_booked", "too_many_bookings")
    centre.call(bookings.cancel, second["code"])
    centre.call(bookings.book, a, at(WEDNESDAY, 8, 30), "٠٥٠١٢٣٤٥٦٧")  # a cancelled booking no longer counts


@pytest.mark.parametrize("typed", ["0501234567", "+966501234567", "00966501234567", "966501234567", "501234567",
                                   "٠٥٠١٢٣٤٥٦٧", "۰۵۰۱۲۳۴۵۶۷", " 050-123-4567 ", "\u2066+966 50 123 4567\u2069"])
def test_saudi_mobiles_in_any_usual_form_become_one(typed: str):
    """Every usual way of writing a Saudi mobile gives the same stored form."""
    assert bookings.normalise_mobile(typed) == "+966501234567"


@pytest.mark.parametrize("typed", ["", "   ", "0112345678", "+447700900123", "05012345", "050123456789", "0501234567x",
                                   "<script>alert(1)</script>", "0" * 10_000, "٠٥٠١٢٣٤٥٦٧" * 50, "+966 50 123 4567; DROP TABLE",
                                   None, 501234567, ["0501234567"]])
def test_other_numbers_are_refused_clearly(typed: object):
    """Landlines, foreign, short, long, huge, hostile and non-text numbers: one clear refusal in both languages."""
    with pytest.raises(BadInput) as refused:
        bookings.normalise_mobile(typed)
    assert refused.value.code == "bad_mobile"
    assert "0501234567" in refused.value.message_en and "0501234567" in refused.value.message_ar


def test_past_off_grid_closed_and_far_slots_are_refused(centre: Store):
    """A slot begun, one off the slot grid, a closed day, beyond days_ahead, another service: each its reason."""
    a = service(centre)
    cases = [
        (at(TUESDAY, 9, 45), "slot_past"),
        (at(TUESDAY, 10, 0), "slot_past"),  # begins this very second
        (at(WEDNESDAY, 9, 7), "no_such_slot"),
        (at(WEDNESDAY, 14, 0), "no_such_slot"),  # the day ends at 14:00
        (at(WEDNESDAY, 7, 45), "no_such_slot"),
        (at(date(2026, 11, 27), 9, 0), "no_such_slot"),  # Friday: closed
        (at(TUESDAY + timedelta(days=15), 9, 0), "day_not_bookable"),
        (at(TUESDAY - timedelta(days=1), 9, 0), "day_not_bookable"),
    ]
    for start, code in cases:
        with pytest.raises(ImpossibleStep) as refused:
            centre.call(bookings.book, a, start, "0501234567")
        assert refusal(refused) == code, start
    with pytest.raises(ImpossibleStep) as walk_ins_only:
        centre.call(bookings.book, service(centre, "B"), at(WEDNESDAY, 9, 0), "0501234567")
    assert refusal(walk_ins_only) == "no_appointments"
    for unknown in (999, -1, "1", None):
        with pytest.raises(NotFound):
            centre.call(bookings.book, unknown, at(WEDNESDAY, 9, 0), "0501234567")
    with centre.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 0


def test_a_slot_given_with_an_offset_is_read_in_the_centre_zone(centre: Store):
    """06:15 UTC is 09:15 in Riyadh: the same slot as the local time."""
    made = centre.call(bookings.book, service(centre), datetime(2026, 11, 25, 6, 15, tzinfo=ZoneInfo("UTC")), "0501234567")
    assert made["slot_start"] == "2026-11-25T09:15:00.000+03:00"


def test_today_lists_only_slots_still_to_come(centre: Store, clock: Clock):
    """At 10:00 the day's list starts at 10:15; a day outside the window is refused."""
    places = bookings.day_places(centre, service(centre), TUESDAY)
    assert places[0].start == at(TUESDAY, 10, 15) and places[-1].start == at(TUESDAY, 13, 45)
    with pytest.raises(ImpossibleStep):
        bookings.day_places(centre, service(centre), TUESDAY + timedelta(days=30))


def test_reschedule_moves_the_place_and_keeps_it_when_the_new_slot_is_full(centre: Store):
    """The old slot's place is freed; a full target, a past one or a cancelled booking leaves it unchanged."""
    a = service(centre)
    made = centre.call(bookings.book, a, at(WEDNESDAY, 9, 0), "0501234567")
    for n in range(3):
        centre.call(bookings.book, a, at(WEDNESDAY, 11, 0), f"05522222{n:02d}")
    seq = centre.last_seq
    with pytest.raises(ImpossibleStep) as full:
        centre.call(bookings.reschedule, made["code"], at(WEDNESDAY, 11, 0))
    assert refusal(full) == "slot_full"
    with pytest.raises(ImpossibleStep) as past:
        centre.call(bookings.reschedule, made["code"], at(TUESDAY, 8, 0))
    assert refusal(past) == "slot_past"
    assert centre.last_seq == seq and bookings.find(centre, made["code"])["slot_start"].startswith("2026-11-25T09:00")
    assert centre.call(bookings.reschedule, made["code"], at(WEDNESDAY, 9, 0)) == bookings.find(centre, made["code"])
    assert centre.last_seq == seq  # the same slot: nothing changed, nothing told
    moved = centre.call(bookings.reschedule, made["code"], at(WEDNESDAY, 12, 30))
    assert moved["code"] == made["code"] and moved["slot_start"].startswith("2026-11-25T12:30")
    [event] = centre.events_after(seq)
    assert event.type == "booking.changed" and event.payload["change"] == "rescheduled"
    assert event.payload["previous_slot_start"].startswith("2026-11-25T09:00")
    free = {p.start: p.free for p in bookings.day_places(centre, a, WEDNESDAY)}
    assert free[at(WEDNESDAY, 9, 0)] == 3 and free[at(WEDNESDAY, 12, 30)] == 2
    centre.call(bookings.cancel, made["code"])
    with pytest.raises(ImpossibleStep) as cancelled:
        centre.call(bookings.reschedule, made["code"], at(WEDNESDAY, 13, 0))
    assert refusal(cancelled) == "booking_cancelled"


def test_cancel_frees_the_place_once_and_not_after_the_slot_began(centre: Store, clock: Clock):
    """Cancelling frees the place and says so once; again changes nothing; a begun slot cannot be cancelled."""
    a = service(centre)
    made = centre.call(bookings.book, a, at(TUESDAY, 10, 30), "0501234567")
    seq = centre.last_seq
    cancelled = centre.call(bookings.cancel, made["code"])
    assert cancelled["status"] == "cancelled"
    assert centre.call(bookings.cancel, made["code"])["status"] == "cancelled"
    assert [e.payload["change"] for e in centre.events_after(seq)] == ["cancelled"]
    assert {p.start: p.free for p in bookings.day_places(centre, a, TUESDAY)}[at(TUESDAY, 10, 30)] == 3
    kept = centre.call(bookings.book, a, at(TUESDAY, 10, 30), "0501234567")
    clock.advance(31 * 60)
    with pytest.raises(ImpossibleStep) as begun:
        centre.call(bookings.cancel, kept["code"])
    assert refusal(begun) == "slot_past"


@pytest.mark.parametrize("code", ["", "ABC", "0000000000", "OOOOOOOOOO", "IIIIIIIIII", "<b>ABCDEFGHJK</b>",
                                  "A" * 10_000, "ABCDEFGHJK' OR 1=1 --", None, 12345])
def test_bad_codes_are_refused_before_any_lookup(centre: Store, code: object):
    """Codes of the wrong shape, ambiguous letters, huge or hostile: a clear "bad code", for reading and writing."""
    with pytest.raises(BadInput) as refused:
        bookings.find(centre, code)
    assert refused.value.code == "bad_code"
    with pytest.raises(BadInput):
        centre.call(bookings.cancel, code)


def test_a_well_formed_unknown_code_is_not_found(centre: Store):
    """A code of the right shape that nobody holds: not found, in both languages."""
    with pytest.raises(NotFound) as missing:
        bookings.find(centre, "ABCD-EFGH-JK")
    assert missing.value.code == "no_such_booking" and missing.value.message_ar


def test_another_services_slot_is_not_this_ones(tmp_path: Path, clock: Clock):
    """B's 20-minute slots (08:20, 08:40…) and B's own afternoon hours are refused for A, whose slots are 15 minutes."""
    text = CENTRE.format(appointments="enabled = true\nslot_minutes = 15\nwalk_in_share = 0").replace(
        'name_en = "Licences"\n',
        'name_en = "Licences"\nhours = { wed = ["08:00-18:00"] }\n[services.appointments]\nenabled = true\nslot_minutes = 20\nwalk_in_share = 0\n',
    )
    with open_store(tmp_path / "tabour.sqlite", parse_config(text), clock=clock) as store:
        b_slot = store.call(bookings.book, service(store, "B"), at(WEDNESDAY, 8, 20), "0501234567")
        assert b_slot["slot_minutes"] == 20
        for start in (at(WEDNESDAY, 8, 20), at(WEDNESDAY, 16, 0)):
            with pytest.raises(ImpossibleStep) as refused:
                store.call(bookings.book, service(store, "A"), start, "0507654321")
            assert refusal(refused) == "no_such_slot"
        with pytest.raises(ImpossibleStep) as moved:
            store.call(bookings.reschedule, b_slot["code"], at(WEDNESDAY, 8, 15))  # A's grid, not B's
        assert refusal(moved) == "no_such_slot"
