"""The console's rules through the real app in-process: sessions, CSRF, hostile forms, alerts."""

from __future__ import annotations

import re

import pytest

from core import audit, commands, hall as hall_view
from core.security import hash_pin
from core.models import Role
from tests.support import Clock


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def log_in(client, username: str = "super", pin: str = "9999"):
    token = csrf_of(client.get("/console/login").text)
    return client.post("/console/login", data={"username": username, "pin": pin, "csrf": token}, follow_redirects=False)


@pytest.fixture
def console(hall):
    answer = log_in(hall.client)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/hall"
    return hall


def test_pages_need_a_login(hall):
    for path in ("/console", "/console/hall", "/console/audit"):
        answer = hall.client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login", path
    assert hall.client.get("/console/hall/stream").status_code == 401
    assert hall.client.post("/console/ticker", data={"text_en": "x"}, follow_redirects=False).status_code == 303


def test_the_session_ends_after_inactivity(console, clock: Clock):
    minutes = console.store.catalogue.config.hub.console_idle_minutes
    clock.advance(minutes * 60 - 5)
    assert console.client.get("/console/hall", follow_redirects=False).status_code == 200  # activity restarts it
    clock.advance(minutes * 60 - 5)
    assert console.client.get("/console/hall", follow_redirects=False).status_code == 200
    clock.advance(minutes * 60 + 1)
    assert console.client.get("/console/hall", follow_redirects=False).headers["location"] == "/console/login"


def test_a_removed_supervisor_is_logged_out_at_once(console):
    console.store.call(commands.remove_clerk, "super")
    assert console.client.get("/console/hall", follow_redirects=False).headers["location"] == "/console/login"


def test_logout_needs_the_token_and_ends_the_session(console):
    page = console.client.get("/console/hall").text
    assert console.client.post("/console/logout", data={}).status_code == 403
    assert console.client.post("/console/logout", data={"csrf": csrf_of(page)}, follow_redirects=False).status_code == 303
    assert console.client.get("/console/hall", follow_redirects=False).status_code == 303


def test_wrong_pins_lock_the_name_out_like_a_counter_login(hall):
    attempts = hall.store.catalogue.config.hub.pin_attempts
    for _ in range(attempts):
        assert log_in(hall.client, pin="0000").status_code == 401
    locked = log_in(hall.client)  # the right PIN, now refused for a while
    assert locked.status_code == 429 and "Too many wrong PINs" not in locked.text  # Arabic first
    assert "محاولات خاطئة كثيرة" in locked.text


def test_a_login_without_its_form_token_is_refused(hall):
    answer = hall.client.post("/console/login", data={"username": "super", "pin": "9999", "csrf": "made-up"})
    assert answer.status_code == 403 and "رمز الحماية" in answer.text


HOSTILE = [
    ("/console/counters/action", {"counter_id": "abc", "action": "pause", "reason": "prayer"}, 422),
    ("/console/counters/action", {"counter_id": "-1", "action": "close"}, 422),
    ("/console/counters/action", {"counter_id": str(10**30), "action": "close"}, 422),
    ("/console/counters/action", {"counter_id": "999", "action": "close"}, 422),
    ("/console/counters/action", {"counter_id": "1", "action": "explode"}, 422),
    ("/console/counters/action", {"counter_id": "1", "action": "pause", "reason": "<script>alert(1)</script>"}, 422),
    ("/console/counters/action", {"counter_id": "1", "action": "close"}, 409),  # closed already
    ("/console/tickets/action", {"label": "", "action": "cancel"}, 422),
    ("/console/tickets/action", {"label": "A" * 5000, "action": "cancel"}, 422),
    ("/console/tickets/action", {"label": "<b>A-1</b>", "action": "cancel"}, 422),
    ("/console/tickets/action", {"label": "A-999", "action": "cancel"}, 404),
    ("/console/tickets/action", {"label": "A-1", "action": "move", "service_id": "0"}, 422),
    ("/console/ticker", {"text_ar": "", "text_en": ""}, 422),
    ("/console/ticker", {"text_ar": "ا" * 201, "text_en": ""}, 422),
    ("/console/ticker", {"text_ar": "", "text_en": "bell\x07"}, 422),
]


@pytest.mark.parametrize(("path", "form", "status"), HOSTILE)
def test_hostile_forms_are_refused_plainly_and_change_nothing(console, path: str, form: dict, status: int):
    token = csrf_of(console.client.get("/console/hall").text)
    answer = console.client.post(path, data={**form, "csrf": token}, follow_redirects=False)
    assert answer.status_code == status, answer.text
    assert 'role="alert"' in answer.text and "<script>alert" not in answer.text
    assert audit.recent(console.store) == []


def test_a_supervisor_moves_and_cancels_waiting_tickets(console):
    kiosk = console.enroll("kiosk", "kiosk")
    first = console.issue(kiosk, "A")
    second = console.issue(kiosk, "A")
    token = csrf_of(console.client.get("/console/hall").text)
    moved = console.client.post("/console/tickets/action", follow_redirects=False, data={
        "csrf": token, "label": first["number"].lower().replace("-", " "), "action": "move", "service_id": console.service_id("B")})
    assert moved.status_code == 303
    cancelled = console.client.post("/console/tickets/action", follow_redirects=False,
                                    data={"csrf": token, "label": second["number"], "action": "cancel"})
    assert cancelled.status_code == 303
    entries = audit.recent(console.store)
    assert [e["action"] for e in entries] == ["ticket.cancel", "ticket.move"]
    assert entries[1]["before"] == {"service": "A", "status": "waiting"}
    assert entries[1]["after"] == {"service": "B", "status": "waiting"}
    assert entries[0]["after"]["status"] == "cancelled" and entries[0]["actor"] == "super"
    # the audit entries are in the event log too, right after the change's own event
    with console.store.read() as conn:
        types = [row[0] for row in conn.execute("SELECT type FROM events ORDER BY seq DESC LIMIT 4")]
    assert types == ["audit.recorded", "ticket.cancelled", "audit.recorded", "ticket.transferred"]


def test_alerts_appear_and_clear_with_their_cause(console, clock: Clock):
    store = console.store
    kiosk = console.enroll("kiosk", "kiosk")
    session = console.login(1)
    ticket = console.issue(kiosk, "A")
    kinds = lambda: {alert["kind"] for alert in hall_view.hall_view(store)["alerts"]}  # noqa: E731
    assert "over_target" not in kinds()
    clock.advance(store.catalogue.services_by_code["A"].target_wait_seconds + 1)
    assert "over_target" in kinds()
    service = next(s for s in hall_view.hall_view(store)["services"] if s["code"] == "A")
    assert service["breaches"] == 1 and service["longest_wait_seconds"] > service["target_wait_seconds"]
    called = console.client.post(f"/api/v1/counters/{console.counter_id(1)}/call-next", headers=session)
    assert called.json()["id"] == ticket["id"]
    assert "over_target" not in kinds()
    console.client.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=session)
    console.client.post(f"/api/v1/counters/{console.counter_id(1)}/pause", json={"reason": "prayer"}, headers=session)
    assert "paused_long" not in kinds()
    clock.advance(store.catalogue.config.hub.pause_alert_minutes * 60 + 1)
    view = hall_view.hall_view(store)
    assert "paused_long" in kinds()
    assert next(c for c in view["counters"] if c["number"] == 1)["paused_seconds"] > 0
    console.client.post(f"/api/v1/counters/{console.counter_id(1)}/resume", headers=session)
    assert "paused_long" not in kinds()


def test_an_admin_logs_in_too(hall):
    hall.store.call(commands.add_clerk, "boss", Role.ADMIN, hash_pin("2468"))
    assert log_in(hall.client, "boss", "2468").status_code == 303


@pytest.fixture
def admin_console(hall):
    hall.store.call(commands.add_clerk, "boss", Role.ADMIN, hash_pin("2468"))
    assert log_in(hall.client, "boss", "2468").status_code == 303
    return hall


PEOPLE_HOSTILE = [
    ("/console/clerks/add", {"username": "", "role": "clerk", "pin": "5831"}, 422),
    ("/console/clerks/add", {"username": "tab\tname", "role": "clerk", "pin": "5831"}, 422),
    ("/console/clerks/add", {"username": "x" * 41, "role": "clerk", "pin": "5831"}, 422),
    ("/console/clerks/add", {"username": "newbie", "role": "king", "pin": "5831"}, 422),
    ("/console/clerks/add", {"username": "newbie", "role": "clerk", "pin": "12ab"}, 422),
    ("/console/clerks/add", {"username": "clerk1", "role": "clerk", "pin": "5831"}, 409),
    ("/console/clerks/abc/disable", {}, 422),
    ("/console/clerks/99999/disable", {}, 404),
    ("/console/clerks/1/explode", {}, 404),
    ("/console/devices/99999/revoke", {}, 404),
    ("/console/devices/0/rename", {"name": "x"}, 422),
]


@pytest.mark.parametrize(("path", "form", "status"), PEOPLE_HOSTILE)
def test_hostile_people_forms_are_refused_and_change_nothing(admin_console, path: str, form: dict, status: int):
    token = csrf_of(admin_console.client.get("/console/hall").text)
    answer = admin_console.client.post(path, data={**form, "csrf": token}, follow_redirects=False)
    assert answer.status_code == status, answer.text
    assert 'role="alert"' in answer.text
    assert audit.recent(admin_console.store) == []


def test_an_admin_cannot_disable_or_demote_themselves(admin_console):
    boss = next(c for c in admin_console.store.call(lambda tx: [dict(r) for r in tx.all("SELECT id, username FROM clerks")])
                if c["username"] == "boss")
    token = csrf_of(admin_console.client.get("/console/hall").text)
    for verb, form in (("disable", {}), ("role", {"role": "clerk"})):
        answer = admin_console.client.post(f"/console/clerks/{boss['id']}/{verb}", data={**form, "csrf": token})
        assert answer.status_code == 409 and "own_account" in answer.text


def test_a_disabled_supervisor_loses_the_console_at_once(admin_console):
    other = admin_console.client.__class__(admin_console.client.app)
    assert log_in(other).status_code == 303
    token = csrf_of(admin_console.client.get("/console/hall").text)
    supervisor = next(c for c in admin_console.store.call(lambda tx: [dict(r) for r in tx.all("SELECT id, username FROM clerks")])
                      if c["username"] == "super")
    done = admin_console.client.post(f"/console/clerks/{supervisor['id']}/disable", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    assert other.get("/console/hall", follow_redirects=False).headers["location"] == "/console/login"
    assert audit.recent(admin_console.store)[0]["after"] == {"active": False, "role": "supervisor"}


def serve_one(hall) -> None:
    kiosk = hall.enroll("kiosk", "kiosk")
    session = hall.login(1)
    ticket = hall.issue(kiosk, "A")
    counter = hall.counter_id(1)
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=session).json()["id"] == ticket["id"]
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=session)
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=session)


def test_today_shows_the_figures_with_charts(console):
    serve_one(console)
    page = console.client.get("/console/today?lang=en")
    assert page.status_code == 200
    totals = page.text[page.text.index('id="totals"'):page.text.index("</ul>", page.text.index('id="totals"'))]
    assert re.search(r"Served</span><span class=\"value\"><bdi dir=\"ltr\">1<", totals)
    assert page.text.count("<svg") == 3 and "Commercial registration" in page.text
    hijri = console.client.get("/console/today", params={"from": "1448-06-03", "to": "1448-06-03"})
    assert hijri.status_code == 200 and "2026-11-24" in hijri.text


@pytest.mark.parametrize(("kind", "start"), [("csv", b""), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_report_downloads_are_the_report_commands_files(console, kind: str, start: bytes):
    serve_one(console)
    answer = console.client.get(f"/console/report.{kind}", params={"from": console.store.today().isoformat()})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.content.startswith(start) and len(answer.content) > 100
    if kind == "csv":
        assert "السجل التجاري".encode() in answer.content or b"Commercial registration" in answer.content


@pytest.mark.parametrize("query", ["from=garbage", "from=2026-12-01&to=2026-11-01", "from=" + "9" * 39, "from=1200-01-01"])
def test_bad_periods_are_refused_plainly(console, query: str):
    for path in ("/console/today", "/console/report.csv"):
        answer = console.client.get(f"{path}?{query}")
        assert answer.status_code == 422, (path, query, answer.status_code)
        assert 'role="alert"' in answer.text


def test_an_unknown_report_format_is_refused(console):
    answer = console.client.get("/console/report.exe")
    assert answer.status_code == 422 and "csv" in answer.text


def service_form(token: str, **changes) -> dict:
    return {"csrf": token, "enabled": "on", "target_wait_minutes": "15", "max_wait_minutes": "30", "daily_cap": "400",
            "average_service_minutes": "6", **changes}


def test_an_admin_closes_a_service_and_every_device_is_told(admin_console):
    kiosk = admin_console.enroll("kiosk", "kiosk")
    token = csrf_of(admin_console.client.get("/console/centre").text)
    form = service_form(token)
    del form["enabled"]  # the box unticked
    answer = admin_console.client.post("/console/services/A", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    service = next(s for s in admin_console.client.get("/api/v1/services", headers=kiosk).json() if s["code"] == "A")
    assert service["open_now"] is False and service["closed_reason"] == "disabled" and service["daily_cap"] == 400
    with admin_console.store.read() as conn:
        types = [row[0] for row in conn.execute("SELECT type FROM events ORDER BY seq DESC LIMIT 2")]
    assert types == ["audit.recorded", "config.changed"]
    entry = audit.recent(admin_console.store)[0]
    assert entry["action"] == "service.edit" and entry["before"]["enabled"] is True and entry["after"]["enabled"] is False
    assert admin_console.client.post("/console/services/A", data=service_form(token), follow_redirects=False).status_code == 303
    assert next(s for s in admin_console.client.get("/api/v1/services", headers=kiosk).json() if s["code"] == "A")["open_now"]


@pytest.mark.parametrize("changes", [
    {"target_wait_minutes": "abc"}, {"target_wait_minutes": "-5"}, {"target_wait_minutes": "inf"},
    {"target_wait_minutes": "nan"}, {"target_wait_minutes": "99999"}, {"daily_cap": "x"}, {"daily_cap": "0"},
    {"daily_cap": "9" * 8}, {"average_service_minutes": ""}, {"max_wait_minutes": "0"},
])
def test_bad_service_settings_are_refused_by_the_files_rules(admin_console, changes: dict):
    token = csrf_of(admin_console.client.get("/console/centre").text)
    answer = admin_console.client.post("/console/services/A", data=service_form(token, **changes))
    assert answer.status_code == 422, (changes, answer.status_code)
    assert 'role="alert"' in answer.text and audit.recent(admin_console.store) == []


def test_an_unknown_service_and_a_supervisor_are_refused(admin_console, hall):
    token = csrf_of(admin_console.client.get("/console/centre").text)
    assert admin_console.client.post("/console/services/ZZ", data=service_form(token)).status_code == 422
    other = admin_console.client.__class__(admin_console.client.app)
    assert log_in(other).status_code == 303
    assert other.get("/console/centre").status_code == 403
    token = csrf_of(other.get("/console/hall").text)
    assert other.post("/console/services/A", data=service_form(token)).status_code == 403


def test_the_centre_exports_as_toml_that_loads_back_the_same(admin_console):
    from core.config import parse_config

    answer = admin_console.client.get("/console/centre/export.toml")
    assert answer.status_code == 200 and answer.headers["content-disposition"].endswith('"centre.toml"')
    assert parse_config(answer.text, "export.toml") == admin_console.store.catalogue.config


def test_an_imported_centre_file_applies_at_once(admin_console):
    kiosk = admin_console.enroll("kiosk", "kiosk")
    text = admin_console.client.get("/console/centre/export.toml").text
    edited = text.replace("daily_cap = 900", "daily_cap = 321", 1)
    assert edited != text
    token = csrf_of(admin_console.client.get("/console/centre").text)
    answer = admin_console.client.post("/console/centre/import", data={"csrf": token},
                                       files={"file": ("centre.toml", edited.encode(), "application/toml")}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    caps = [s["daily_cap"] for s in admin_console.client.get("/api/v1/services", headers=kiosk).json()]
    assert 321 in caps
    assert audit.recent(admin_console.store)[0]["action"] == "centre.import"


@pytest.mark.parametrize(("content", "expected"), [
    (b"not = [toml", "not valid TOML"),
    (b"\xff\xfe", "not UTF-8"),
    (b'[centre]\nname_ar = "x"\n', "is required but missing"),
    (b"#" * (61 * 1024), "larger than"),
])
def test_a_bad_centre_file_is_refused_with_the_loaders_words(admin_console, content: bytes, expected: str):
    token = csrf_of(admin_console.client.get("/console/centre").text)
    answer = admin_console.client.post("/console/centre/import?lang=en", data={"csrf": token},
                                       files={"file": ("centre.toml", content, "application/toml")})
    assert answer.status_code == 422 and expected in answer.text
    assert audit.recent(admin_console.store) == []


def test_importing_needs_the_token_and_an_admin(admin_console):
    files = {"file": ("centre.toml", b"", "application/toml")}
    assert admin_console.client.post("/console/centre/import", files=files).status_code == 403
    other = admin_console.client.__class__(admin_console.client.app)
    assert log_in(other).status_code == 303
    token = csrf_of(other.get("/console/hall").text)
    assert other.post("/console/centre/import", data={"csrf": token}, files=files).status_code == 403
    assert other.get("/console/centre/export.toml").status_code == 403


def test_a_device_offline_is_an_alert_until_it_is_back_or_revoked(console, clock: Clock):
    from core.presence import ONLINE_SECONDS

    store = console.store
    console.enroll("display", "board-lobby")
    device = next(d for d in hall_view.hall_view(store)["devices"] if d["name"] == "board-lobby")
    keys = lambda: {alert["key"] for alert in hall_view.hall_view(store)["alerts"]}  # noqa: E731
    assert f"offline-{device['id']}" not in keys()  # its enrollment was its first contact
    clock.advance(ONLINE_SECONDS + 1)
    assert f"offline-{device['id']}" in keys()  # and nothing since
    store.call(commands.announce_presence, device["id"], True)
    store.presence.socket_opened(device["id"], store.clock())
    assert f"offline-{device['id']}" not in keys()
    store.presence.forget(device["id"])
    store.call(commands.revoke_device, device["id"])
    assert f"offline-{device['id']}" not in keys() and all(d["id"] != device["id"] for d in hall_view.hall_view(store)["devices"])
