"""GET /api/v1/stats: supervisors only, the documented shape, clear 422s for bad periods and groupings."""

from __future__ import annotations

import httpx
import pytest

from tests.support import Clock, LiveHub, bearer

GROUPINGS = ("service", "counter", "clerk", "hour", "day")


def serve_one(hall, clock: Clock) -> None:
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    ticket = hall.issue(kiosk)
    hall.issue(kiosk, "B")  # still waiting
    clock.advance(300)
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).status_code == 200
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk)
    clock.advance(120)
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk)


def test_the_answer_has_every_documented_field(hall, clock: Clock):
    """All groupings by default; totals and rows carry the first version's names and the added ones."""
    serve_one(hall, clock)
    supervisor = hall.login(8, "super", "9999")
    answer = hall.client.get("/api/v1/stats", headers=supervisor)
    assert answer.status_code == 200
    body = answer.json()
    assert body["from"] == body["to"] == "2026-11-24"
    assert {f"by_{g}" for g in GROUPINGS} <= body.keys() and {"days", "precision"} <= body.keys()
    totals = body["totals"]
    assert (totals["issued"], totals["served"], totals["waiting"]) == (2, 1, 1)
    assert totals["wait_seconds"] == {"count": 1, "mean": 300.0, "median": 300.0, "p90": 300.0}
    assert totals["service_seconds_total"] == 120 and totals["within_target_share"] == 1.0
    assert {"from_seconds", "to_seconds", "count"} == totals["wait_distribution"][0].keys()
    assert body["by_clerk"] == [{**body["by_clerk"][0], "clerk": "clerk1"}]
    assert {"counter_id", "number", "name_ar", "name_en"} <= body["by_counter"][0].keys()
    assert {"service_id", "code", "name_ar", "name_en", "target_wait_seconds"} <= body["by_service"][0].keys()


def test_one_end_of_the_period_stands_for_both(hall, clock: Clock):
    """`from` alone or `to` alone asks for that one day; an empty value counts as absent."""
    serve_one(hall, clock)
    supervisor = hall.login(8, "super", "9999")
    for query in ("from=2026-11-24", "to=2026-11-24", "from=&to=2026-11-24", "from=2026-11-20&to=2026-11-24"):
        body = hall.client.get(f"/api/v1/stats?{query}&group_by=day", headers=supervisor).json()
        assert body["to"] == "2026-11-24" and body["totals"]["issued"] == 2, query
        assert [row["day"] for row in body["by_day"]] == ["2026-11-24"]
    empty = hall.client.get("/api/v1/stats?from=2026-10-01&to=2026-10-31&group_by=service,clerk", headers=supervisor).json()
    assert empty["totals"]["issued"] == 0 and empty["by_service"] == [] and empty["by_clerk"] == []
    assert "by_hour" not in empty


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=2026-02-30", "'from'"),
        ("to=24-11-2026", "'to'"),
        ("from=2026-11-24T00:00:00", "'from'"),
        ("from=%D9%A2%D9%A0%D9%A2%D9%A6-11-24", "'from'"),  # Arabic-Indic digits
        ("from=2026-11-24%27%20OR%201%3D1", "'from'"),
        ("from=2026-11-24&to=2026-11-01", "before"),
        ("from=1990-01-01&to=1990-01-02", "between"),
        ("from=2000-01-01&to=2026-01-01", "ten years"),
        ("group_by=colour", "colour"),
        ("group_by=service,clerk;DROP", "clerk;DROP"),
        ("from=" + "9" * 5000, "from"),
        ("group_by=" + "day," * 100, "group_by"),
    ],
)
def test_bad_periods_and_groupings_are_422_with_the_contract_error(hall, query: str, words: str):
    """Wrong, hostile and huge values give 422 with {error, message, message_ar} naming the problem."""
    supervisor = hall.login(8, "super", "9999")
    answer = hall.client.get(f"/api/v1/stats?{query}", headers=supervisor)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "validation_error" and body["message_ar"]
    assert words in body["message"]


def test_only_supervisors_and_admin_devices_read_statistics(hall, clock: Clock):
    """No token 401; kiosk, display and a clerk's session 403; a supervisor's session and an admin device 200."""
    serve_one(hall, clock)
    assert hall.client.get("/api/v1/stats").status_code == 401
    for headers in (hall.enroll("kiosk"), hall.enroll("display"), hall.login(2, "clerk2")):
        answer = hall.client.get("/api/v1/stats", headers=headers)
        assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    assert hall.client.get("/api/v1/stats", headers=hall.enroll("admin")).status_code == 200


def test_statistics_over_a_real_socket(live_hub: LiveHub):
    """The hub subprocess answers a supervisor with the KPIs of today, including tickets just issued."""
    kiosk = live_hub.enroll("kiosk")
    state = httpx.get(f"{live_hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
    service = next(s["id"] for s in state["services"] if s["code"] == "D")
    before_token, _ = live_hub.login(8, "super", "9999")
    before = httpx.get(f"{live_hub.url}/api/v1/stats?group_by=service", headers=bearer(before_token), timeout=10).json()
    issued = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": service}, headers=bearer(kiosk), timeout=10)
    assert issued.status_code == 201
    after = httpx.get(f"{live_hub.url}/api/v1/stats?group_by=service", headers=bearer(before_token), timeout=10).json()
    assert after["from"] == state["business_day"]
    assert after["totals"]["issued"] == before["totals"]["issued"] + 1
    assert after["totals"]["waiting"] == before["totals"]["waiting"] + 1
    d_row = next(row for row in after["by_service"] if row["code"] == "D")
    assert d_row["issued"] >= 1
