"""The visitor's voice through the hub: ratings after a visit, the complaints box, retention."""

from __future__ import annotations

import sqlite3

import httpx

from core import commands
from tests.support import CLERKS, LiveHub, bearer


def served(hall, code: str = "A") -> dict:
    """A ticket issued, called, served and finished at counter 1; its finished view."""
    kiosk = hall.enroll("kiosk", "kiosk-v")
    clerk = hall.login(1)
    ticket = hall.issue(kiosk, code)
    called = hall.client.post(f"/api/v1/counters/{hall.counter_id(1)}/call", json={"number": ticket["number"]}, headers=clerk)
    assert called.json()["id"] == ticket["id"], called.text
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk)
    finished = hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk)
    assert finished.json()["status"] == "done"
    return finished.json()


def rows(hall, sql: str, params=()) -> list[sqlite3.Row]:
    with hall.store.read() as conn:
        return conn.execute(sql, params).fetchall()


def test_phone_rating_is_tied_to_the_visit_and_the_second_is_refused(hall, clerks):
    """One rating per ticket: the first is kept with ticket, service, counter and clerk; a second gets 409."""
    ticket = served(hall)
    state = hall.client.get(f"/api/v1/public/tickets/{ticket['code']}/rating").json()
    assert state["can_rate"] is True and state["rating"] is None
    first = hall.client.post(f"/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 5, "comment": "  شكراً  "})
    assert first.status_code == 201, first.text
    assert first.json()["score"] == 5 and first.json()["comment"] == "شكراً" and first.json()["source"] == "phone"
    second = hall.client.post(f"/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 1})
    assert second.status_code == 409 and second.json()["error"] == "already_rated"
    assert "first" in second.json()["message"] and second.json()["message_ar"]
    [row] = rows(hall, "SELECT * FROM ratings")
    assert (row["ticket_id"], row["score"], row["service_id"], row["counter_id"], row["clerk_id"]) == (
        ticket["id"], 5, hall.service_id("A"), hall.counter_id(1), clerks["clerk1"])
    state = hall.client.get(f"/api/v1/public/tickets/{ticket['code']}/rating").json()
    assert state["can_rate"] is False and state["rating"]["score"] == 5


def test_a_rating_waits_for_the_end_of_the_visit_and_closes_after_a_day(hall, clerks, clock):
    """Before the visit ends: 409 visit_not_finished; more than 24 h after: 409 rating_closed."""
    kiosk = hall.enroll("kiosk")
    waiting = hall.issue(kiosk)
    early = hall.client.post(f"/api/v1/public/tickets/{waiting['code']}/rating", json={"score": 3})
    assert early.status_code == 409 and early.json()["error"] == "visit_not_finished"
    ticket = served(hall, "A")
    clock.advance(24 * 3600 + 1)
    late = hall.client.post(f"/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 3})
    assert late.status_code == 409 and late.json()["error"] == "rating_closed"
    assert rows(hall, "SELECT * FROM ratings") == []


def test_the_counter_top_screen_rates_by_ticket_id_and_only_it_may(hall, clerks):
    """A `feedback` device rates a finished visit by id; a kiosk is refused; phone and screen share the one rating."""
    ticket = served(hall)
    kiosk = hall.enroll("kiosk", "kiosk-2")
    refused = hall.client.post(f"/api/v1/tickets/{ticket['id']}/rating", json={"score": 4}, headers=kiosk)
    assert refused.status_code == 403
    screen = hall.enroll("feedback", "screen-1")
    rated = hall.client.post(f"/api/v1/tickets/{ticket['id']}/rating", json={"score": 4}, headers=screen)
    assert rated.status_code == 201 and rated.json()["source"] == "feedback"
    again = hall.client.post(f"/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 2})
    assert again.status_code == 409 and again.json()["error"] == "already_rated"
    missing = hall.client.post("/api/v1/tickets/999999/rating", json={"score": 4}, headers=screen)
    assert missing.status_code == 404
    [row] = rows(hall, "SELECT source, device_id FROM ratings")
    assert row["source"] == "feedback" and row["device_id"] is not None


def test_hostile_ratings_are_refused_and_nothing_is_stored(hall, clerks):
    """Bad scores, huge comments, extra fields, unknown codes: each a clear refusal, no row written."""
    ticket = served(hall)
    path = f"/api/v1/public/tickets/{ticket['code']}/rating"
    for body in ({"score": 0}, {"score": 6}, {"score": "5"}, {"score": True}, {"score": 4.5}, {},
                 {"score": 4, "comment": "x" * 501}, {"score": 4, "comment": 7}, {"score": 4, "extra": 1}, []):
        answer = hall.client.post(path, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"] == "validation_error" and answer.json()["message_ar"]
    assert hall.client.post(path, content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 422
    assert hall.client.post(path, content=b"x" * 200_000, headers={"Content-Type": "application/json"}).status_code == 413
    assert hall.client.post("/api/v1/public/tickets/unknown-code-123/rating", json={"score": 4}).status_code == 404
    assert hall.client.post("/api/v1/public/tickets/<script>/rating", json={"score": 4}).status_code in (404, 422)
    assert rows(hall, "SELECT * FROM ratings") == []
    exactly = hall.client.post(path, json={"score": 4, "comment": "y" * 500})
    assert exactly.status_code == 201 and len(exactly.json()["comment"]) == 500


def test_hostile_feedback_is_refused_and_html_is_kept_as_text(hall, clerks):
    """Wrong kind, empty or huge text, bad mobile, unknown ticket: refused; HTML is stored as the visitor typed it."""
    for body in ({"kind": "rant", "text": "x"}, {"kind": "complaint", "text": ""}, {"kind": "complaint", "text": "   "},
                 {"kind": "complaint", "text": "x" * 2001}, {"kind": "complaint", "text": "x", "mobile": "call me"},
                 {"kind": "complaint", "text": "x", "mobile": "12"}, {"kind": "complaint"}, {"text": "x"},
                 {"kind": "complaint", "text": "x", "ticket_code": "../../etc"}):
        answer = hall.client.post("/api/v1/public/feedback", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["message_ar"]
    unknown = hall.client.post("/api/v1/public/feedback", json={"kind": "thanks", "text": "x", "ticket_code": "nosuchcode1"})
    assert unknown.status_code == 404
    assert rows(hall, "SELECT * FROM visitor_feedback") == []
    hostile = '<script>alert(1)</script><b>bold</b>'
    filed = hall.client.post("/api/v1/public/feedback",
                             json={"kind": "suggestion", "text": hostile, "mobile": "٠٥٠ ١٢٣-٤٥٦٧"})
    assert filed.status_code == 201
    [row] = rows(hall, "SELECT text, mobile, source FROM visitor_feedback")
    assert (row["text"], row["mobile"], row["source"]) == (hostile, "0501234567", "phone")
    assert hall.client.get("/api/v1/public/feedback/NOSUCHREF2").status_code == 404
    assert hall.client.get("/api/v1/public/feedback/%3Cb%3E").status_code == 422


def test_a_complaint_from_the_phone_is_answered_and_the_phone_sees_the_answer(hall, clerks):
    """new → assigned, in progress → answered: the visitor's reference shows the answer; each step audited."""
    ticket = served(hall)
    filed = hall.client.post("/api/v1/public/feedback", json={
        "kind": "complaint", "text": "انتظرت طويلاً", "mobile": "0501234567", "ticket_code": ticket["code"]}).json()
    reference = filed["reference"]
    assert filed["status"] == "new" and filed["answer"] is None and len(reference) == 10
    visit = hall.client.get(f"/api/v1/public/tickets/{ticket['code']}/feedback").json()
    assert [entry["reference"] for entry in visit] == [reference]
    admin = hall.enroll("admin", "console")
    clerk = hall.login(2, "clerk2")
    assert hall.client.get("/api/v1/feedback", headers=clerk).status_code == 403
    assert hall.client.get("/api/v1/feedback", headers={}).status_code == 401
    inbox = hall.client.get("/api/v1/feedback?status=new", headers=admin).json()
    assert [entry["reference"] for entry in inbox] == [reference] and inbox[0]["mobile"] == "0501234567"
    not_super = hall.client.patch(f"/api/v1/feedback/{reference}", json={"assignee": "clerk1"}, headers=admin)
    assert not_super.status_code == 422 and not_super.json()["error"] == "not_a_supervisor"
    no_answer = hall.client.patch(f"/api/v1/feedback/{reference}", json={"status": "answered"}, headers=admin)
    assert no_answer.status_code == 422 and no_answer.json()["error"] == "answer_required"
    taken = hall.client.patch(f"/api/v1/feedback/{reference}", json={"assignee": "super", "status": "in_progress"}, headers=admin)
    assert taken.status_code == 200 and taken.json()["assignee"] == "super"
    assert hall.client.get(f"/api/v1/public/feedback/{reference}").json()["status"] == "in_progress"
    reply = "نعتذر، فتحنا شباكاً إضافياً."
    answered = hall.client.patch(f"/api/v1/feedback/{reference}", json={"answer": reply}, headers=admin).json()
    assert answered["status"] == "answered" and answered["answered_at"]
    public = hall.client.get(f"/api/v1/public/feedback/{reference.lower()}").json()
    assert public["status"] == "answered" and public["answer"] == reply
    assert "mobile" not in public and "text" not in public
    actions = [row["action"] for row in rows(hall, "SELECT action FROM audit_log WHERE target = ? ORDER BY id", (reference,))]
    assert actions == ["feedback.change", "feedback.change"]
    # events carry no personal data: the log is kept for ever and shipped to the central
    payloads = [row["payload"] for row in rows(hall, "SELECT payload FROM events WHERE type LIKE 'feedback.%'")]
    assert len(payloads) == 3 and not any("0501234567" in p or "انتظرت" in p for p in payloads)


def test_a_kiosk_files_feedback_as_the_kiosk(hall, clerks):
    """With a kiosk's token the entry's source is `kiosk`; a display's token is refused."""
    kiosk = hall.enroll("kiosk", "kiosk-3")
    filed = hall.client.post("/api/v1/public/feedback", json={"kind": "thanks", "text": "شكراً"}, headers=kiosk)
    assert filed.status_code == 201
    display = hall.enroll("display", "board-x")
    assert hall.client.post("/api/v1/public/feedback", json={"kind": "thanks", "text": "x"}, headers=display).status_code == 403
    [row] = rows(hall, "SELECT source FROM visitor_feedback")
    assert row["source"] == "kiosk"


def test_phones_cannot_flood_the_box(hall, clerks):
    """Past five a minute from one address: 429 with Retry-After; nothing more stored."""
    answers = [hall.client.post("/api/v1/public/feedback", json={"kind": "suggestion", "text": f"idea {n}"}) for n in range(8)]
    assert [a.status_code for a in answers].count(201) == 5
    assert answers[-1].status_code == 429 and answers[-1].headers["Retry-After"]
    assert len(rows(hall, "SELECT id FROM visitor_feedback")) == 5


def test_retention_clears_what_visitors_wrote_past_the_period_and_keeps_the_figures(hall, clerks, clock):
    """At the rollover past 90 days: old comments, texts and numbers go (redacted_at set); scores,
    kinds and newer entries stay untouched."""
    old_visit = served(hall)
    hall.client.post(f"/api/v1/public/tickets/{old_visit['code']}/rating", json={"score": 2, "comment": "old comment"})
    old = hall.client.post("/api/v1/public/feedback", json={"kind": "complaint", "text": "old text", "mobile": "0500000001"}).json()
    clock.advance(60 * 86400)
    recent_visit = served(hall, "A")
    hall.client.post(f"/api/v1/public/tickets/{recent_visit['code']}/rating", json={"score": 5, "comment": "new comment"})
    recent = hall.client.post("/api/v1/public/feedback", json={"kind": "thanks", "text": "new text", "mobile": "0500000002"}).json()
    assert rows(hall, "SELECT COUNT(*) FROM ratings WHERE redacted_at IS NOT NULL")[0][0] == 0
    clock.advance(31 * 86400)
    hall.store.call(commands.roll_day_if_due)
    ratings = {row["score"]: row for row in rows(hall, "SELECT * FROM ratings")}
    assert ratings[2]["comment"] is None and ratings[2]["redacted_at"] is not None
    assert ratings[5]["comment"] == "new comment" and ratings[5]["redacted_at"] is None
    entries = {row["reference"]: row for row in rows(hall, "SELECT * FROM visitor_feedback")}
    gone, kept = entries[old["reference"]], entries[recent["reference"]]
    assert (gone["text"], gone["mobile"], gone["kind"], gone["status"]) == (None, None, "complaint", "new")
    assert gone["redacted_at"] is not None
    assert (kept["text"], kept["mobile"], kept["redacted_at"]) == ("new text", "0500000002", None)


def test_a_supervisor_exports_and_deletes_one_visitors_feedback(hall, clerks):
    """The export is the whole entry; deletion removes text and number, keeps kind and status; audited."""
    filed = hall.client.post("/api/v1/public/feedback", json={"kind": "complaint", "text": "private", "mobile": "0501112222"}).json()
    admin = hall.enroll("admin", "console-2")
    exported = hall.client.get(f"/api/v1/feedback/{filed['reference']}", headers=admin).json()
    assert (exported["text"], exported["mobile"], exported["redacted"]) == ("private", "0501112222", False)
    erased = hall.client.delete(f"/api/v1/feedback/{filed['reference']}/personal", headers=admin).json()
    assert (erased["text"], erased["mobile"], erased["redacted"], erased["kind"]) == (None, None, True, "complaint")
    assert rows(hall, "SELECT action FROM audit_log WHERE target = ?", (filed["reference"],))[0]["action"] == "feedback.erase"
    assert hall.client.get("/api/v1/feedback/NOSUCHREF2", headers=admin).status_code == 404


def test_rating_and_complaint_over_a_real_socket(fresh_hub: LiveHub):
    """The hub process on a real port: a served visit rated once from the phone, a complaint filed and followed."""
    kiosk = fresh_hub.enroll("kiosk")
    clerk, counter_id = fresh_hub.login(1)
    with httpx.Client(base_url=fresh_hub.url, timeout=10, verify=False) as client:
        services = client.get("/api/v1/services", headers=bearer(kiosk)).json()
        ticket = client.post("/api/v1/tickets", json={"service_id": services[0]["id"]}, headers=bearer(kiosk)).json()
        called = client.post(f"/api/v1/counters/{counter_id}/call-next", headers=bearer(clerk))
        assert called.status_code == 200, called.text
        client.post(f"/api/v1/tickets/{called.json()['id']}/start", headers=bearer(clerk))
        assert client.post(f"/api/v1/tickets/{called.json()['id']}/finish", headers=bearer(clerk)).status_code == 200
        code = called.json()["code"]
        assert client.post(f"/api/v1/public/tickets/{code}/rating", json={"score": 4}).status_code == 201
        assert client.post(f"/api/v1/public/tickets/{code}/rating", json={"score": 5}).status_code == 409
        filed = client.post("/api/v1/public/feedback", json={"kind": "suggestion", "text": "more seats", "ticket_code": code})
        assert filed.status_code == 201
        followed = client.get(f"/api/v1/public/feedback/{filed.json()['reference']}").json()
        assert followed["status"] == "new" and ticket["code"]


def test_an_export_is_audited_without_the_visitors_words(hall, clerks):
    """Exporting one entry writes an audit entry naming the format only; an unknown format or reference is refused."""
    import json

    import pytest

    from core import voice
    from core.audit import Actor
    from core.errors import BadInput, NotFound

    filed = hall.client.post("/api/v1/public/feedback", json={"kind": "complaint", "text": "سري جداً", "mobile": "0501112222"}).json()
    actor = Actor("super", "supervisor")
    exported = hall.store.call(voice.export_feedback, filed["reference"].lower(), actor, "csv")
    assert (exported["text"], exported["mobile"], exported["visit"]) == ("سري جداً", "0501112222", None)
    [entry] = rows(hall, "SELECT action, actor, before, after FROM audit_log WHERE target = ?", (filed["reference"],))
    assert (entry["action"], entry["actor"], entry["before"]) == ("feedback.export", "super", None)
    assert json.loads(entry["after"]) == {"format": "csv"}
    payloads = [row["payload"] for row in rows(hall, "SELECT payload FROM events WHERE type = 'audit.recorded'")]
    assert payloads and not any("سري" in p or "0501112222" in p for p in payloads)
    with pytest.raises(BadInput):
        hall.store.call(voice.export_feedback, filed["reference"], actor, "xlsx")
    with pytest.raises(NotFound):
        hall.store.call(voice.export_feedback, "NOSUCHREF2", actor, "json")
    assert len(rows(hall, "SELECT id FROM audit_log WHERE action = 'feedback.export'")) == 1


def test_a_visits_feedback_stream_needs_a_known_code(hall, clerks):
    """An unknown or malformed code is refused before any stream opens."""
    assert hall.client.get("/api/v1/public/tickets/NOSUCHCODE99/feedback/stream").status_code == 404
    assert hall.client.get("/api/v1/public/tickets/bad%3Ccode%3E1/feedback/stream").status_code == 422
