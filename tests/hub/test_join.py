"""Taking a remote ticket from a phone through the hub: `GET/POST /join`, the public API,
its poster and sound, and what it refuses (closed or unoffered services, caps, floods, junk)."""

from __future__ import annotations

import re

import pytest

from core import commands
from tests.support import Clock


def offered(hall) -> dict[str, dict]:
    return {s["code"]: s for s in hall.client.get("/api/v1/public/remote-services").json()}


def test_join_lists_the_services_that_offer_remote_tickets(hall):
    """Only the services with `remote = true` are listed, with their queue and a button."""
    services = offered(hall)
    assert sorted(services) == ["A", "B", "C"]
    assert all(s["offered"] and s["reason"] is None for s in services.values())
    page = hall.client.get("/join")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and 'lang="ar"' in page.text
    assert "السجل التجاري" in page.text and "تعديل البيانات" not in page.text  # D does not offer it
    assert page.text.count('name="service_id"') == 3
    english = hall.client.get("/join?lang=en")
    assert 'dir="ltr"' in english.text and "Commercial registration" in english.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy and "script-src" not in policy


def test_the_form_takes_a_ticket_and_goes_to_its_phone_page(hall):
    """POST /join answers 303 to /t/{code}; that page shows the ticket as remote, with its QR."""
    a = hall.service_id("A")
    answer = hall.client.post("/join", data={"service_id": str(a)}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = answer.headers["location"]
    assert re.fullmatch(r"/t/[A-Za-z0-9_-]{8,40}", page)
    code = page.removeprefix("/t/")
    public = hall.client.get(f"/api/v1/public/tickets/{code}").json()
    assert public["remote"] is True and public["arrived"] is False and public["warn_places"] == 3
    phone = hall.client.get(page)
    assert 'id="arrival"' in phone.text and "<svg" in phone.text and "media-src 'self'" in phone.headers["content-security-policy"]
    english = hall.client.post("/join?lang=en", data={"service_id": str(a)}, follow_redirects=False)
    assert english.headers["location"].endswith("?lang=en")


def test_api_answer_is_the_ticket_as_its_phone_sees_it(hall):
    """POST /api/v1/public/remote-tickets: 201 with the code, its page, and the public ticket."""
    answer = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("B")})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["page"] == f"/t/{body['code']}" and body["ticket"]["remote"] is True
    assert body["ticket"]["number"].startswith("B-") and "clerk" not in body["ticket"]


@pytest.mark.parametrize("body", [
    {}, {"service_id": "1"}, {"service_id": 0}, {"service_id": -1}, {"service_id": 2**60}, {"service_id": 1.5},
    {"service_id": True}, {"service_id": None}, {"service_id": [1]}, {"service_id": 1, "mobile": "0500000000"},
])
def test_api_refuses_malformed_bodies(hall, body):
    """Wrong, empty, huge and extra values: 422 with the fields at fault, and nothing issued."""
    answer = hall.client.post("/api/v1/public/remote-tickets", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "validation_error" and answer.json()["details"]
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


@pytest.mark.parametrize("value", ["", "abc", "-3", "1e3", "٣", "9" * 5000, "'; DROP TABLE tickets;--", "1\u202e"])
def test_form_refuses_junk_in_the_page_language(hall, value):
    """A form value that is not a service id: the page again with the reason (Arabic first)."""
    answer = hall.client.post("/join", data={"service_id": value}, follow_redirects=False)
    assert answer.status_code == 422
    assert "اختر خدمة من القائمة" in answer.text and 'role="alert"' in answer.text
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_unoffered_and_unknown_services_are_refused(hall):
    """D does not offer remote tickets (409 remote_not_offered); an unknown id is 404."""
    answer = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("D")})
    assert answer.status_code == 409 and answer.json()["error"] == "remote_not_offered"
    assert hall.client.post("/api/v1/public/remote-tickets", json={"service_id": 999}).status_code == 404
    page = hall.client.post("/join?lang=en", data={"service_id": str(hall.service_id("D"))}, follow_redirects=False)
    assert page.status_code == 409 and "does not take tickets from phones" in page.text


def test_closed_service_is_listed_closed_and_refused(hall):
    """A disabled service: listed without a button, its reason `closed`, and a post refused."""
    config = hall.store.catalogue.config
    services = [s.model_copy(update={"enabled": False}) if s.code == "B" else s for s in config.services]
    hall.store.call(commands.apply_config, config.model_copy(update={"services": services}))
    assert offered(hall)["B"] == {**offered(hall)["B"], "offered": False, "reason": "closed"}
    assert hall.client.get("/join").text.count('name="service_id"') == 2
    answer = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": hall.service_id("B")})
    assert answer.status_code == 409 and answer.json()["error"] == "service_closed"


def test_service_cap_fills_and_an_arrival_frees_a_place(hall):
    """At remote_cap unconfirmed remote tickets the service shows `full` and refuses; one
    visitor confirming at the kiosk makes room again (the cap counts those not yet here)."""
    config = hall.store.catalogue.config
    services = [s.model_copy(update={"remote_cap": 2}) if s.code == "C" else s for s in config.services]
    remote = config.remote.model_copy(update={"per_client_waiting": 100, "join_per_minute": 1000})
    hall.store.call(commands.apply_config, config.model_copy(update={"services": services, "remote": remote}))
    c = hall.service_id("C")
    first = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": c}).json()
    hall.client.post("/api/v1/public/remote-tickets", json={"service_id": c})
    assert offered(hall)["C"]["reason"] == "full"
    refused = hall.client.post("/api/v1/public/remote-tickets", json={"service_id": c})
    assert refused.status_code == 409 and refused.json()["error"] == "remote_full" and refused.json()["message_ar"]
    kiosk = hall.enroll("kiosk", "kiosk-door")
    assert hall.client.post(f"/api/v1/tickets/{first['code']}/arrived", headers=kiosk).status_code == 200
    assert offered(hall)["C"]["offered"] is True
    assert hall.client.post("/api/v1/public/remote-tickets", json={"service_id": c}).status_code == 201


def test_one_address_cannot_flood_the_queue(hall, clock: Clock):
    """A burst from one address: per_client_waiting tickets are issued, then 409
    remote_client_full; past join_per_minute tries a minute, 429 with Retry-After."""
    a = hall.service_id("A")
    answers = [hall.client.post("/api/v1/public/remote-tickets", json={"service_id": a}) for _ in range(40)]
    statuses = [answer.status_code for answer in answers]
    limit = hall.store.catalogue.config.remote.per_client_waiting
    assert statuses.count(201) == limit
    assert {answers[n].json()["error"] for n in range(limit, len(answers)) if statuses[n] == 409} == {"remote_client_full"}
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE remote = 1").fetchone()[0] == limit
    # refusals cost nothing, so the rate limit only bites on tickets actually taken
    kiosk = hall.enroll("kiosk", "kiosk-door")
    with hall.store.read() as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM tickets WHERE remote = 1")]
    for ticket_id in ids:
        assert hall.client.post(f"/api/v1/tickets/{ticket_id}/cancel", headers=kiosk).status_code == 200
    per_minute = hall.store.catalogue.config.remote.join_per_minute
    taken = [hall.client.post("/api/v1/public/remote-tickets", json={"service_id": a}) for _ in range(per_minute)]
    assert 429 in {answer.status_code for answer in taken}
    limited = next(answer for answer in taken if answer.status_code == 429)
    assert limited.json()["error"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1


def test_poster_and_sound(hall):
    """The poster is Arabic first with a QR code of /join; the sound is a real WAV."""
    poster = hall.client.get("/join/poster")
    assert poster.status_code == 200 and 'lang="ar"' in poster.text and 'dir="rtl"' in poster.text
    assert poster.text.index("انتظر دورك من جوالك") < poster.text.index("Wait for your turn on your phone")
    assert "<svg" in poster.text and "http://testserver/join" in poster.text
    sound = hall.client.get("/sounds/nearly-due.wav")
    assert sound.status_code == 200 and sound.headers["content-type"] == "audio/wav"
    assert sound.content[:4] == b"RIFF" and sound.content[8:12] == b"WAVE" and len(sound.content) > 4000


def test_centre_switch_off_empties_the_page(hall):
    """[remote] enabled = false: /join says the centre offers none, the API lists none."""
    config = hall.store.catalogue.config
    hall.store.call(commands.apply_config, config.model_copy(update={"remote": config.remote.model_copy(update={"enabled": False})}))
    assert offered(hall) == {}
    page = hall.client.get("/join")
    assert "لا يقدّم المركز التذاكر عن بُعد الآن" in page.text and 'name="service_id"' not in page.text
