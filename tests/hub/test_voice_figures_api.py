"""The visitor's voice in `/stats`: satisfaction per grouping and the complaints' figures, on a
small day whose every figure is worked out by hand."""

from __future__ import annotations

from tests.support import Clock

DAY = "2026-11-24"


def serve(hall, kiosk, clerk, counter_number: int, service: str, clock: Clock) -> dict:
    """One ticket of `service` issued, called, served for 120 s and finished at the counter."""
    ticket = hall.issue(kiosk, service)
    called = hall.client.post(
        f"/api/v1/counters/{hall.counter_id(counter_number)}/call", json={"number": ticket["number"]}, headers=clerk
    )
    assert called.status_code == 200 and called.json()["id"] == ticket["id"], called.text
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk)
    clock.advance(120)
    finished = hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk)
    assert finished.json()["status"] == "done", finished.text
    return finished.json()


def rate(hall, ticket: dict, score: int) -> None:
    answer = hall.client.post(f"/api/v1/public/tickets/{ticket['code']}/rating", json={"score": score})
    assert answer.status_code == 201, answer.text


def small_day(hall, clock: Clock) -> dict[str, dict]:
    """clerk1 at counter 1 serves three A visits at 10:00 (rated 5, 4, 2); clerk2 at counter 3
    serves two B visits at 11:00 (one rated 3). A complaint about clerk1's first visit is answered
    after two hours; a suggestion is never answered; a thanks needs no answer."""
    kiosk = hall.enroll("kiosk")
    clerk1 = hall.login(1, "clerk1")
    clerk2 = hall.login(3, "clerk2")
    a = [serve(hall, kiosk, clerk1, 1, "A", clock) for _ in range(3)]
    for ticket, score in zip(a, (5, 4, 2)):
        rate(hall, ticket, score)
    clock.advance(3600 - 360)
    b = [serve(hall, kiosk, clerk2, 3, "B", clock) for _ in range(2)]
    rate(hall, b[0], 3)
    refs = {}
    for kind, ticket in (("complaint", a[0]), ("suggestion", None), ("thanks", b[0])):
        body = {"kind": kind, "text": f"{kind} text", **({"ticket_code": ticket["code"]} if ticket else {})}
        filed = hall.client.post("/api/v1/public/feedback", json=body)
        assert filed.status_code == 201, filed.text
        refs[kind] = filed.json()["reference"]
    supervisor = hall.login(8, "super", "9999")
    clock.advance(7200)
    answered = hall.client.patch(f"/api/v1/feedback/{refs['complaint']}", json={"answer": "تم التواصل معكم"}, headers=supervisor)
    assert answered.status_code == 200 and answered.json()["status"] == "answered", answered.text
    return {"a": a, "b": b, "refs": refs, "supervisor": supervisor}


def test_satisfaction_per_grouping_is_hand_computed(hall, clerks, clock: Clock):
    """Totals: 4 ratings of 5 served, half 4–5, mean 3.5; each service, counter, clerk, hour and
    day carries its own satisfaction with ratings ÷ its served entries."""
    day = small_day(hall, clock)
    body = hall.client.get(f"/api/v1/stats?from={DAY}", headers=day["supervisor"]).json()
    assert body["totals"]["satisfaction"] == {
        "ratings": 4, "satisfied_share": 0.5, "mean_score": 3.5, "response_rate": 0.8, "score_counts": [0, 1, 1, 1, 1]
    }
    clerk1 = {"ratings": 3, "satisfied_share": 0.6667, "mean_score": 3.667, "response_rate": 1.0, "score_counts": [0, 1, 0, 1, 1]}
    clerk2 = {"ratings": 1, "satisfied_share": 0.0, "mean_score": 3.0, "response_rate": 0.5, "score_counts": [0, 0, 1, 0, 0]}
    by = {g: {row[k]: row["satisfaction"] for row in body[f"by_{g}"]} for g, k in (
        ("service", "code"), ("counter", "number"), ("clerk", "clerk"), ("hour", "hour"), ("day", "day"))}
    assert by["service"] == {"A": clerk1, "B": clerk2}
    assert by["counter"] == {1: clerk1, 3: clerk2}
    assert by["clerk"] == {"clerk1": clerk1, "clerk2": clerk2}
    assert by["hour"] == {10: clerk1, 11: clerk2}
    assert by["day"] == {DAY: body["totals"]["satisfaction"]}


def test_complaints_by_kind_status_and_response_time(hall, clerks, clock: Clock):
    """One complaint answered in 2 h (on time), one suggestion unanswered past its 3 working days
    (overdue), one thanks (needs no answer): p50 = p90 = 7200 s, half answered within target."""
    day = small_day(hall, clock)
    before = hall.client.get(f"/api/v1/stats?from={DAY}&group_by=service", headers=day["supervisor"]).json()["feedback"]
    assert before["overdue"] == 0 and before["answered_within_target_share"] == 1.0  # the suggestion is not due yet
    clock.advance(4 * 86400)
    supervisor = hall.login(8, "super", "9999")  # the first session has long ended
    feedback = hall.client.get(f"/api/v1/stats?from={DAY}&group_by=service", headers=supervisor).json()["feedback"]
    assert feedback["filed"] == 3
    assert feedback["by_status"] == {"new": 2, "in_progress": 0, "answered": 1, "closed": 0}
    assert {row["kind"]: (row["filed"], row["new"], row["answered"]) for row in feedback["by_kind"]} == {
        "complaint": (1, 0, 1), "suggestion": (1, 1, 0), "thanks": (1, 1, 0)}
    assert feedback["response_seconds"] == {"count": 1, "mean": 7200.0, "median": 7200.0, "p90": 7200.0}
    assert feedback["target_working_days"] == 3
    assert feedback["answered_within_target_share"] == 0.5 and feedback["overdue"] == 1


def test_a_day_without_voices_has_no_figures_rather_than_zeros(hall, clerks, clock: Clock):
    """No ratings and no feedback: counts are 0 and shares and means are null, never a made-up 0 %."""
    supervisor = hall.login(8, "super", "9999")
    body = hall.client.get("/api/v1/stats?from=2026-10-01&to=2026-10-31", headers=supervisor).json()
    assert body["totals"]["satisfaction"] == {
        "ratings": 0, "satisfied_share": None, "mean_score": None, "response_rate": None, "score_counts": [0] * 5}
    assert body["feedback"]["filed"] == 0 and body["feedback"]["answered_within_target_share"] is None
    assert body["feedback"]["response_seconds"]["median"] is None


def test_a_rating_reaches_stats_and_the_clerks_own_card_over_real_sockets(live_hub):
    """Through the hub as a process: a visit served and rated 2 adds one rating of 2 to `/stats`
    (its service's bucket too) and to the clerk's own scorecard."""
    import httpx

    from tests.support import bearer

    kiosk = live_hub.enroll("kiosk", "kiosk-voice-figures")
    clerk, counter_id = live_hub.login(4, "clerk3")
    supervisor, _ = live_hub.login(8, "super")
    with httpx.Client(base_url=f"{live_hub.url}/api/v1", timeout=10) as http:
        services = http.get("/services", headers=bearer(kiosk)).json()
        service_b = next(s["id"] for s in services if s["code"] == "B")

        def figures() -> tuple[dict, dict, dict]:
            body = http.get("/stats?group_by=service", headers=bearer(supervisor)).json()
            card = http.get("/sessions/current/scorecard", headers=bearer(clerk)).json()["card"]
            return body["totals"]["satisfaction"], next(r for r in body["by_service"] if r["code"] == "B")["satisfaction"], card
        ticket = http.post("/tickets", json={"service_id": service_b}, headers=bearer(kiosk)).json()
        called = http.post(f"/counters/{counter_id}/call", json={"number": ticket["number"]}, headers=bearer(clerk))
        assert called.status_code == 200 and called.json()["id"] == ticket["id"], called.text
        http.post(f"/tickets/{ticket['id']}/start", headers=bearer(clerk))
        assert http.post(f"/tickets/{ticket['id']}/finish", headers=bearer(clerk)).json()["status"] == "done"
        total_before, service_before, card_before = figures()
        rated = http.post(f"/public/tickets/{ticket['code']}/rating", json={"score": 2})
        assert rated.status_code == 201, rated.text
        total_after, service_after, card_after = figures()
    assert total_after["ratings"] == total_before["ratings"] + 1
    assert total_after["score_counts"][1] == total_before["score_counts"][1] + 1
    assert service_after["ratings"] == service_before["ratings"] + 1
    assert card_after["clerk"] == "clerk3"
    assert card_after["satisfaction"]["ratings"] == card_before["satisfaction"]["ratings"] + 1
    assert card_after["satisfaction"]["score_counts"][1] == card_before["satisfaction"]["score_counts"][1] + 1
