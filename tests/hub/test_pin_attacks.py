"""Logins and PIN checks over real sockets: no name leaks, no hall-wide lockout, floods throttled."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support import LiveHub, bearer


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> LiveHub:
    """One hub for these tests; each uses its own devices, and so its own lockouts."""
    live = LiveHub(tmp_path_factory.mktemp("pin-hub")).start()
    yield live
    live.stop()


def client(source: str) -> httpx.Client:
    """Requests from one loopback address (Linux answers all of 127/8): each test is its own address."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60)


def new_supervisor(hub: LiveHub, username: str, pin: str = "4829") -> None:
    """A supervisor of the test's own, added through the admin API, so no test eats another's allowance."""
    admin = hub.enroll("admin", f"admin-for-{username}")
    answer = httpx.post(
        f"{hub.url}/api/v1/clerks", json={"username": username, "role": "supervisor", "pin": pin}, headers=bearer(admin), timeout=30
    )
    assert answer.status_code == 201, answer.text


def counter_id(hub: LiveHub, token: str, number: int) -> int:
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(token), timeout=10).json()
    return next(c["id"] for c in state["counters"] if c["number"] == number)


def login(hub: LiveHub, device: str, username: str, pin: str, number: int = 1, source: str = "127.0.0.1") -> httpx.Response:
    body = {"username": username, "pin": pin, "counter_id": counter_id(hub, device, number)}
    with client(source) as http:
        return http.post(f"{hub.url}/api/v1/sessions", json=body, headers=bearer(device))


def check_pin(hub: LiveHub, device: str, pin: str, source: str = "127.0.0.1") -> httpx.Response:
    with client(source) as http:
        return http.post(f"{hub.url}/api/v1/supervisor/check-pin", json={"pin": pin}, headers=bearer(device))


def shape(answer: httpx.Response) -> tuple:
    """What a guesser sees: status, body and whether Retry-After is there."""
    return answer.status_code, answer.json(), "retry-after" in answer.headers


def test_unknown_names_answer_exactly_like_known_ones(hub: LiveHub):
    """Wrong PINs for a real name and an invented one give the same answers, lockout included (today 429 vs 401)."""
    known_device = hub.enroll("counter", "counter-known")
    unknown_device = hub.enroll("counter", "counter-unknown")
    new_supervisor(hub, "super-known")
    known = [shape(login(hub, known_device, "super-known", "0000", source="127.0.3.1")) for _ in range(6)]
    unknown = [shape(login(hub, unknown_device, "no-such-clerk", "0000", source="127.0.3.2")) for _ in range(6)]
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 5 + [429]
    assert known[0][1]["error"] == "wrong_pin" and known[-1][1]["error"] == "locked_out"


def test_guesses_at_one_device_do_not_lock_the_supervisor_out_elsewhere(hub: LiveHub):
    """Five wrong PINs for the supervisor at a display's counter lock it there only; at their own counter they log in."""
    new_supervisor(hub, "super-two")
    attacker = hub.enroll("counter", "counter-in-the-lobby")
    for _ in range(5):
        assert login(hub, attacker, "super-two", "0000", 2, source="127.0.4.1").status_code == 401
    locked = login(hub, attacker, "super-two", "4829", 2, source="127.0.4.1")
    assert locked.status_code == 429 and locked.json()["error"] == "locked_out" and locked.json()["message_ar"]
    own_counter = hub.enroll("counter", "counter-of-the-supervisor")
    assert login(hub, own_counter, "super-two", "4829", 3, source="127.0.4.2").status_code == 201


def test_kiosk_pin_checks_count_toward_the_same_lockout_as_logins(hub: LiveHub):
    """At one admin device, wrong supervisor PIN checks and wrong logins add up to one lockout of the supervisor."""
    new_supervisor(hub, "super-three")
    device = hub.enroll("admin", "admin-shared-count")
    for _ in range(3):
        assert check_pin(hub, device, "0000", source="127.0.5.1").status_code == 401
    for _ in range(2):
        assert login(hub, device, "super-three", "0000", 4, source="127.0.5.1").status_code == 401
    assert login(hub, device, "super-three", "4829", 4, source="127.0.5.1").json()["error"] == "locked_out"


def test_a_kiosk_guessing_the_supervisor_pin_is_cut_off_but_others_still_check(tmp_path):
    """A kiosk's wrong PIN checks lock it out after five; another kiosk still checks the right PIN at once."""
    hub = LiveHub(tmp_path / "hub").start()  # its own: the demo's one supervisor is the only candidate
    try:
        kiosk_guessing(hub)
    finally:
        hub.stop()


def kiosk_guessing(hub: LiveHub) -> None:
    guesser = hub.enroll("kiosk", "kiosk-guesser")
    statuses = [check_pin(hub, guesser, f"{n:04d}", source="127.0.6.1").status_code for n in range(3000, 3006)]
    assert statuses == [401] * 5 + [429]
    assert check_pin(hub, guesser, "9999", source="127.0.6.1").json()["error"] == "locked_out"
    other = hub.enroll("kiosk", "kiosk-honest")
    answer = check_pin(hub, other, "9999", source="127.0.6.2")
    assert answer.status_code == 200 and answer.json()["clerk"]["username"] == "super"


def test_a_login_flood_from_one_device_is_throttled_before_hashing(hub: LiveHub):
    """Fifty logins at once from one device: most are refused with rate_limited, and tickets are still issued meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    flooder = hub.enroll("counter", "counter-flooder")
    kiosk = hub.enroll("kiosk", "kiosk-during-flood")
    number = counter_id(hub, flooder, 5)
    service = httpx.get(f"{hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10).json()[0]["id"]

    def attempt(n: int) -> int:
        body = {"username": f"name-{n}", "pin": "0000", "counter_id": number}
        with client("127.0.7.1") as http:
            return http.post(f"{hub.url}/api/v1/sessions", json=body, headers=bearer(flooder)).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        flood = pool.map(attempt, range(50))
        issued = [
            httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": service}, headers=bearer(kiosk), timeout=60).status_code
            for _ in range(5)
        ]
        statuses = list(flood)
    elapsed = time.monotonic() - started
    assert issued == [201] * 5
    # The device's throttle: a burst of pin_attempts × 2 (10), then 20 a minute; the server holds
    # refusals from another address, which stretches the flood, so the bound follows its length.
    hashed_at_most = 10 + elapsed * 20 / 60 + 2
    assert statuses.count(401) <= hashed_at_most, (statuses.count(401), elapsed)
    assert statuses.count(429) >= 50 - hashed_at_most and set(statuses) <= {401, 429}


def test_login_bodies_are_checked_before_anything(hub: LiveHub):
    """Empty, huge, non-text and extra fields are 422; no token is 401; a kiosk may not log a clerk in (403)."""
    device = hub.enroll("counter", "counter-bodies")
    number = counter_id(hub, device, 6)
    for body in ({}, {"username": "", "pin": "1", "counter_id": number}, {"username": "x" * 41, "pin": "1111", "counter_id": number},
                 {"username": "super", "pin": 9999, "counter_id": number}, {"username": "super", "pin": "9" * 13, "counter_id": number},
                 {"username": "super", "pin": "9999", "counter_id": number, "role": "admin"}):
        answer = httpx.post(f"{hub.url}/api/v1/sessions", json=body, headers=bearer(device), timeout=10)
        assert answer.status_code == 422, body
    assert httpx.post(f"{hub.url}/api/v1/sessions", json={"username": "super", "pin": "9999", "counter_id": number}, timeout=10).status_code == 401
    kiosk = hub.enroll("kiosk", "kiosk-not-a-counter")
    refused = httpx.post(f"{hub.url}/api/v1/sessions", json={"username": "super", "pin": "9999", "counter_id": number}, headers=bearer(kiosk), timeout=10)
    assert refused.status_code == 403
