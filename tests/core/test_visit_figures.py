"""The appointment and remote-queue figures of a small day, worked out by hand, against what
core/visit_figures.py computes from the bookings and tickets tables."""

from __future__ import annotations

from core import commands, visit_figures
from core.checkin import check_in
from core.store import Store, Tx
from tests.support import Clock

MINUTE = 60


def add_booking(store: Store, code: str, slot_start: float, status: str = "booked") -> None:
    """A booking of service F as the booking store writes it."""

    def insert(tx: Tx) -> None:
        tx.conn.execute(
            "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, status, source, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 15, '0500000000', ?, 'web', ?, ?)",
            (code, tx.catalogue.services_by_code["F"].id, tx.business_day, slot_start, status, tx.now, tx.now),
        )

    store.call(insert)


def served(store: Store, counter: int, clerk: int, label: str) -> dict:
    ticket = store.call(commands.call_number, counter, clerk, label)
    store.call(commands.start, ticket["id"], counter)
    return ticket


def small_day(store: Store, clerks, clock: Clock) -> None:
    """Five bookings of F (two checked in, one cancelled, one past its grace, one to come), two
    walk-ins and three remote tickets of A (one arrived, two never did); the clock ends at 11:00."""
    start = clock.now  # 10:00
    a = store.catalogue.services_by_code["A"].id
    hall = store.catalogue.counters_by_number[1].id
    desk = store.catalogue.counters_by_number[7].id  # serves F
    store.call(commands.record_login, "clerk1", True, hall, None)
    store.call(commands.record_login, "clerk2", True, desk, None)
    add_booking(store, "AAAA222222", start)                    # checked in at 10:00, called 10:10
    add_booking(store, "BBBB333333", start + 15 * MINUTE)      # checked in at 10:05, called 10:20
    add_booking(store, "CCCC444444", start + 30 * MINUTE, "cancelled")
    add_booking(store, "DDDD555555", start - 30 * MINUTE)      # 09:30 + 10 min grace: absent
    add_booking(store, "EEEE666666", start + 120 * MINUTE)     # 12:00: still to come at 11:00
    first_appointment = store.call(check_in, "AAAA222222")["ticket"]
    walk_in_1 = store.call(commands.issue_ticket, a)
    clock.advance(MINUTE)
    walk_in_2 = store.call(commands.issue_ticket, a)
    clock.advance(MINUTE)  # 10:02
    remote = [store.call(commands.issue_remote_ticket, a) for _ in range(3)]
    clock.advance(MINUTE)
    store.call(commands.confirm_arrival, remote[0]["code"])
    clock.advance(MINUTE)  # 10:04
    served(store, hall, clerks["clerk1"], walk_in_1["number"])            # waited 4 min
    clock.advance(MINUTE)  # 10:05
    second_appointment = store.call(check_in, "BBBB333333")["ticket"]
    clock.advance(4 * MINUTE)  # 10:09
    served(store, hall, clerks["clerk1"], walk_in_2["number"])            # waited 8 min
    clock.advance(MINUTE)  # 10:10
    served(store, desk, clerks["clerk2"], first_appointment["number"])    # 10 min after its slot and its check-in
    clock.advance(10 * MINUTE)  # 10:20
    served(store, desk, clerks["clerk2"], second_appointment["number"])   # 5 min after its slot, 15 after check-in
    clock.advance(10 * MINUTE)  # 10:30
    served(store, hall, clerks["clerk1"], remote[0]["number"])            # waited 28 min, from home
    clock.advance(MINUTE)
    assert store.call(commands.call_next, hall, clerks["clerk1"]) is None  # the other two: skipped, then absent
    clock.now = start + 60 * MINUTE  # 11:00


def test_small_day_by_hand(store: Store, clerks, clock: Clock):
    """Every figure of the small day as worked out by hand."""
    small_day(store, clerks, clock)
    with store.read() as conn:
        figures = visit_figures.visit_figures(
            conn, store.current_business_day, store.current_business_day, clock.now,
            visit_figures.grace_minutes_by_code(store.catalogue.config.model_dump(mode="json")),
        )
    totals = figures["totals"]
    assert (totals["booked"], totals["checked_in"], totals["cancelled"], totals["no_show"], totals["pending"]) == (5, 2, 1, 1, 1)
    assert totals["no_show_rate"] == round(1 / 3, 4)
    assert totals["punctuality_seconds"] == {"count": 2, "mean": 450.0, "median": 300.0, "p90": 600.0}
    assert totals["appointment_wait_seconds"] == {"count": 2, "mean": 750.0, "median": 600.0, "p90": 900.0}
    assert totals["walk_in_wait_seconds"] == {"count": 2, "mean": 360.0, "median": 240.0, "p90": 480.0}
    assert totals["remote_wait_seconds"] == {"count": 1, "mean": 1680.0, "median": 1680.0, "p90": 1680.0}
    assert (totals["remote_issued"], totals["remote_arrived"], totals["remote_no_show"]) == (3, 1, 2)
    assert totals["remote_no_show_rate"] == round(2 / 3, 4)
    by_service = {row["code"]: row for row in figures["by_service"]}
    assert sorted(by_service) == ["A", "F"]
    assert by_service["F"]["booked"] == 5 and by_service["F"]["remote_issued"] == 0
    assert by_service["A"]["booked"] == 0 and by_service["A"]["remote_issued"] == 3
    assert by_service["A"]["walk_in_wait_seconds"]["count"] == 2 and by_service["F"]["walk_in_wait_seconds"]["count"] == 0
    assert [row["day"] for row in figures["by_day"]] == [store.current_business_day]
    assert figures["by_day"][0]["booked"] == 5 and figures["by_day"][0]["remote_issued"] == 3
    assert [(row["code"], row["day"]) for row in figures["by_service_day"]] == [
        ("A", store.current_business_day), ("F", store.current_business_day)]


def test_a_late_booking_is_pending_until_its_grace_ends(store: Store, clock: Clock):
    """A booking still `booked` counts as pending up to its slot plus the grace, absent after."""
    add_booking(store, "FFFF777777", clock.now)
    day = store.current_business_day
    graces = visit_figures.grace_minutes_by_code(store.catalogue.config.model_dump(mode="json"))
    with store.read() as conn:
        at_grace = visit_figures.visit_figures(conn, day, day, clock.now + graces["F"] * MINUTE, graces)["totals"]
        after = visit_figures.visit_figures(conn, day, day, clock.now + graces["F"] * MINUTE + 1, graces)["totals"]
    assert (at_grace["pending"], at_grace["no_show"]) == (1, 0)
    assert (after["pending"], after["no_show"]) == (0, 1)


def test_empty_period_and_simulated_entries(store: Store):
    """No bookings nor tickets: zeros and nulls, not errors; simulated tickets count only when asked."""
    day = store.current_business_day
    with store.read() as conn:
        empty = visit_figures.visit_figures(conn, day, day, 0, {})
    assert empty["totals"]["booked"] == 0 and empty["totals"]["no_show_rate"] is None
    assert empty["totals"]["punctuality_seconds"] == {"count": 0, "mean": None, "median": None, "p90": None}
    assert empty["by_service"] == [] and empty["by_day"] == []
    ticket = store.call(commands.issue_remote_ticket, store.catalogue.services_by_code["A"].id)
    store.call(lambda tx: tx.conn.execute("UPDATE tickets SET simulated = 1 WHERE id = ?", (ticket["id"],)))
    with store.read() as conn:
        assert visit_figures.visit_figures(conn, day, day, 0, {})["totals"]["remote_issued"] == 0
        assert visit_figures.visit_figures(conn, day, day, 0, {}, include_simulated=True)["totals"]["remote_issued"] == 1
