"""The day simulator's devices: enrolled only by staff and only beside no real tickets (unless
asked), and their tickets out of `GET /stats` unless `include_simulated=true`."""

from __future__ import annotations

from datetime import timedelta

from tests.hub.conftest import ENROLL_CODE
from tests.support import STAFF_FOR_ADMIN, Clock


def enroll_simulated(hall, kind: str = "admin", **extra) -> "httpx.Response":  # noqa: F821
    body = {"name": f"simulator {kind}", "kind": kind, "code": ENROLL_CODE, "simulated": True, **STAFF_FOR_ADMIN, **extra}
    return hall.client.post("/api/v1/devices/enroll", json=body)


def test_simulated_devices_need_staff_and_a_database_without_real_tickets(hall):
    """No staff PIN: 403; real tickets present: 409 `real_database` in both languages, nothing enrolled."""
    alone = hall.client.post(
        "/api/v1/devices/enroll", json={"name": "sim", "kind": "counter", "code": ENROLL_CODE, "simulated": True}
    )
    assert alone.status_code == 403 and alone.json()["error"] == "staff_pin_required"
    assert enroll_simulated(hall, "counter").status_code == 201  # an empty database: fine
    hall.issue(hall.enroll("kiosk"))
    refused = enroll_simulated(hall, "admin")
    body = refused.json()
    assert refused.status_code == 409 and body["error"] == "real_database"
    assert "--into-real-database" in body["message"] and "--into-real-database" in body["message_ar"]
    for hostile in ("yes", 1, None, "true; DROP TABLE tickets"):
        assert enroll_simulated(hall, "admin", into_real_database=hostile).status_code == 422, hostile
    assert enroll_simulated(hall, "admin", into_real_database=True).status_code == 201
    with hall.store.read() as conn:
        devices = {row[0]: row[1] for row in conn.execute("SELECT name, simulated FROM devices")}
    assert devices == {"simulator counter": 1, "device": 0, "simulator admin": 1}


def test_stats_leave_simulated_tickets_out_unless_asked(hall, clock: Clock):
    """Today live, and the same day once the rollover stored its summary: 1 real ticket by
    default, 3 with the simulated ones; a transfer of a simulated ticket stays simulated."""
    hall.issue(hall.enroll("kiosk"))
    simulator = {"Authorization": f"Bearer {enroll_simulated(hall, into_real_database=True).json()['token']}"}
    first = hall.issue(simulator)
    hall.issue(simulator, "B")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    called = hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).json()
    hall.client.post(f"/api/v1/tickets/{called['id']}/start", headers=clerk)
    moved = hall.client.post(f"/api/v1/tickets/{called['id']}/transfer", json={"service_id": hall.service_id("C")}, headers=clerk)
    assert moved.status_code == 200
    with hall.store.read() as conn:
        flags = dict(conn.execute("SELECT id, simulated FROM tickets").fetchall())
    assert flags[first["id"]] == 1 and flags[moved.json()["id"]] == flags[called["id"]]

    supervisor = [hall.login(8, "super", "9999")]
    day = hall.store.today().isoformat()

    def totals(query: str = "") -> dict:
        answer = hall.client.get(f"/api/v1/stats?from={day}&group_by=hour{query}", headers=supervisor[0])
        assert answer.status_code == 200, answer.text
        return answer.json()

    plain, everything = totals(), totals("&include_simulated=true")
    assert plain["include_simulated"] is False and everything["include_simulated"] is True
    real_transfers = 1 - flags[called["id"]]
    assert plain["totals"]["issued"] == 1 and everything["totals"]["issued"] == 3
    assert plain["totals"]["transferred"] == real_transfers and everything["totals"]["transferred"] == 1
    assert totals("&include_simulated=false")["totals"] == plain["totals"]
    bad = hall.client.get(f"/api/v1/stats?include_simulated=maybe", headers=supervisor[0])
    assert bad.status_code == 422 and bad.json()["message_ar"]

    clock.advance(timedelta(days=1).total_seconds())
    supervisor[0] = hall.login(8, "super", "9999")  # any write rolls the day and stores yesterday's summary
    with hall.store.read() as conn:
        stored = conn.execute("SELECT final, entries, simulated_entries FROM day_summaries WHERE business_day = ?", (day,)).fetchone()
    assert stored is not None and stored["simulated_entries"] == sum(flags.values())
    after, after_all = totals(), totals("&include_simulated=1")
    assert after["days"] == {"summarised": 1, "live": 0} and after["totals"]["issued"] == 1
    assert after_all["days"] == {"summarised": 0, "live": 1} and after_all["totals"]["issued"] == 3


def test_clerks_logged_in_by_the_simulator_are_marked(hall):
    """A clerk who logs in at a simulated counter device is the simulator's, unless they served a
    real visitor before; a clerk at a real counter stays as they are."""
    counter_device = {"Authorization": f"Bearer {enroll_simulated(hall, 'counter').json()['token']}"}
    real_kiosk = hall.enroll("kiosk")
    served = hall.issue(real_kiosk)
    clerk2 = hall.login(1, "clerk2", "1111")
    assert hall.client.post(f"/api/v1/counters/{hall.counter_id(1)}/call-next", headers=clerk2).json()["id"] == served["id"]
    assert hall.client.post(f"/api/v1/tickets/{served['id']}/no-show", headers=clerk2).status_code == 200
    hall.client.delete("/api/v1/sessions/current", headers=clerk2)
    for username, pin, number in (("clerk1", "1111", 1), ("clerk2", "1111", 3)):
        answer = hall.client.post(
            "/api/v1/sessions", json={"username": username, "pin": pin, "counter_id": hall.counter_id(number)},
            headers=counter_device,
        )
        assert answer.status_code == 201, answer.text
    hall.login(8, "super", "9999")
    with hall.store.read() as conn:
        flags = dict(conn.execute("SELECT username, simulated FROM clerks").fetchall())
    assert flags["clerk1"] == 1 and flags["clerk2"] == 0 and flags["super"] == 0
