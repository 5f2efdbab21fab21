"""`GET /stats` carries the appointment and remote-queue figures, typed, through the hub."""

from __future__ import annotations

from pydantic import TypeAdapter

from core import contract
from tests.support import Clock


def test_stats_answer_has_the_visit_figures(hall, clock: Clock):
    """A remote ticket served after 5 minutes, one never confirmed, a walk-in served after 2:
    /stats says so per service and day, and the answer parses exactly into contract.Stats."""
    kiosk = hall.enroll("kiosk", "kiosk-stats")
    admin = hall.enroll("admin", "admin-stats")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    remote = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("A")}).json()
    walk_in = hall.issue(kiosk)
    absent = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("D")})
    assert absent.status_code == 409  # D takes no remote tickets
    never = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("A")}).json()
    assert hall.client.post(f"/api/v1/tickets/{remote['code']}/arrived", headers=kiosk).status_code == 200
    clock.advance(120)
    for number, later in ((walk_in["number"], 180), (remote["ticket"]["number"], 0)):
        called = hall.client.post(f"/api/v1/counters/{counter}/call", json={"number": number}, headers=clerk)
        assert called.status_code == 200, called.text
        assert hall.client.post(f"/api/v1/tickets/{called.json()['id']}/start", headers=clerk).status_code == 200
        clock.advance(later)
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).status_code == 204  # `never`: skipped, absent
    answer = hall.client.get("/api/v1/stats", headers=admin)
    assert answer.status_code == 200, answer.text
    parsed = TypeAdapter(contract.Stats).validate_python(answer.json())
    assert contract.unknown_fields(parsed) == []
    visits = parsed.visits
    assert visits.totals.remote_issued == 2 and visits.totals.remote_arrived == 1 and visits.totals.remote_no_show == 1
    assert visits.totals.remote_no_show_rate == 0.5
    assert visits.totals.walk_in_wait_seconds.mean == 120.0 and visits.totals.remote_wait_seconds.mean == 300.0
    assert [row.code for row in visits.by_service] == ["A"] and visits.by_day[0].remote_issued == 2
    assert never["ticket"]["number"] != remote["ticket"]["number"]
    bare = hall.client.get("/api/v1/stats?group_by=", headers=admin).json()
    assert bare["visits"]["totals"]["remote_issued"] == 2
