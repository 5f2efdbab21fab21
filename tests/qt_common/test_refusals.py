"""Why a device cannot join the hub: the words for each refusal, and the client saying (and logging) it.

The live tests run the hub as a subprocess; the client meets the refusal the way a device in
the field does (a wrong code on its command line, no code, a hub that is not there, too many
wrong codes), and tells why once, on its `problem_changed` signal and in its log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from qt_common.device_tokens import StoredDevice, TokenStore
from qt_common.hub_client import HubClient, HubError
from qt_common.i18n import FSI, PDI
from qt_common.refusals import REFUSAL_STRINGS, Refusal, explain
from tests.support import LiveHub, free_port

WAIT_MS = 20_000
HUB = "http://10.0.0.2:8470"


def error(status: int, code: str, en: str = "hub words", ar: str = "كلمات الخادم", **extra: Any) -> HubError:
    return HubError(status, code, en, ar, **extra)


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hub_error", "english_title"),
    [
        (error(0, "unreachable"), "The hub at 10.0.0.2:8470 cannot be reached"),
        (error(403, "wrong_enroll_code"), "The hub refused the enrollment code"),
        (error(401, "not_enrolled"), "This device is not enrolled with the hub"),
        (error(401, "revoked_device"), "The hub's administrator revoked this device"),
        (error(401, "bad_token"), "The hub does not know this device"),
        (error(403, "forbidden"), "The hub does not accept this device as a counter screen"),
        (error(429, "rate_limited", retry_after=42), "The hub is refusing for now: too many attempts"),
        (error(503, "http_503"), "The hub answered with an error (http_503)"),
        (error(507, "disk_full"), "The hub answered with an error (disk_full)"),
        (error(0, "certificate_changed"), "The hub's certificate is not the one this device enrolled with"),
    ],
)
def test_each_refusal_has_a_title_and_a_next_step_in_both_languages(hub_error: HubError, english_title: str) -> None:
    """Every way of being refused reads as a sentence and a next step, in Arabic and English."""
    refusal = explain(hub_error, HUB, "counter")
    assert refusal.code == hub_error.code
    assert refusal.title.en == english_title
    for text in (refusal.title.ar, refusal.title.en, refusal.action.ar, refusal.action.en):
        assert text.strip() and "{" not in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in refusal.title.ar + refusal.action.ar)


def test_addresses_and_flags_stay_left_to_right_inside_arabic() -> None:
    """The hub's address and the flag to use are isolated in the Arabic text, so they never come out reversed."""
    unreachable = explain(error(0, "unreachable"), HUB)
    assert f"{FSI}10.0.0.2:8470{PDI}" in unreachable.title.ar
    assert f"{FSI}--hub {HUB}{PDI}" in unreachable.action.ar
    code = explain(error(403, "wrong_enroll_code"), HUB)
    assert f"{FSI}--enroll-code CODE{PDI}" in code.action.ar
    assert "--enroll-code CODE" in code.action.en and FSI not in code.action.en


def test_rate_limit_says_how_long_to_wait() -> None:
    """A 429 names the wait from Retry-After (about a minute when the hub gave none)."""
    assert explain(error(429, "rate_limited", retry_after=150), HUB).action.en.startswith("Wait: 3 min.")
    assert explain(error(429, "rate_limited"), HUB).action.en.startswith("Wait: 1 min.")
    assert explain(error(429, "rate_limited", retry_after=float("nan")), HUB).action.en.startswith("Wait: 1 min.")


def test_an_unknown_refusal_shows_the_hubs_own_words() -> None:
    """A code this client does not know (a newer hub) is shown in the hub's own two languages."""
    refusal = explain(error(409, "brand_new_rule", "Something new.", "شيء جديد."), HUB)
    assert refusal.title == ("شيء جديد.", "Something new.")
    assert refusal.action.en == "See the hub's log and this device's log."


def test_a_hostile_hubs_code_and_words_are_bounded() -> None:
    """A huge or control-laden code becomes "error"; the hub's own words are cut to one short line."""
    refusal = explain(error(418, "x\n" * 5000, "A" * 10_000 + "\n\x1b[2J", "ب" * 10_000), HUB)
    assert refusal.code == "error"
    for words in refusal.title:
        assert len(words) <= 300 and words.isprintable()
    server = explain(error(500, "<script>" * 100), HUB)
    assert server.title.en == "The hub answered with an error (error)"
    empty = explain(error(409, "odd_rule", "", ""), HUB)
    assert empty.title.en == "odd_rule"


def test_log_line_has_both_languages_and_the_code() -> None:
    """The log line carries the English and the Arabic sentence, and the hub's code for searching."""
    line = explain(error(403, "wrong_enroll_code"), HUB).log_line()
    assert "The hub refused the enrollment code" in line and "رفض الخادم رمز التسجيل" in line
    assert line.endswith("[wrong_enroll_code]")


def test_catalogue_has_the_same_fields_in_both_languages() -> None:
    """Each refusal string keeps its {fields} in both languages (the catalogue would refuse it otherwise)."""
    from qt_common.i18n import fields_of

    for key, (ar, en) in REFUSAL_STRINGS.items():
        assert fields_of(ar) == fields_of(en), key


# --- the client -----------------------------------------------------------------------------


@pytest.fixture
def clients(qapp: QApplication, tmp_path: Path) -> Iterator[Callable[..., HubClient]]:
    made: list[HubClient] = []

    def make(url: str, name: str, kind: str = "counter", **options: Any) -> HubClient:
        options.setdefault("config_dir", tmp_path / "config")
        client = HubClient(url, device_name=name, kind=kind, timeout_ms=3000, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.stop()


def problems_of(client: HubClient) -> list[Refusal | None]:
    seen: list[Refusal | None] = []
    client.problem_changed.connect(seen.append)
    return seen


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "qt_common.hub_client" and r.levelno == logging.WARNING]


def test_a_wrong_code_on_the_command_line_is_said_and_logged_once(qtbot, live_hub: LiveHub, clients, caplog) -> None:
    """A counter started with a wrong --enroll-code says the hub refused the code (not "connecting…"), once in its log."""
    caplog.set_level(logging.INFO, logger="qt_common.hub_client")
    client = clients(live_hub.url, "counter-wrong-code", enroll_code="not-the-code")
    seen = problems_of(client)
    client.start()
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.code == "wrong_enroll_code" and not client.online
    assert seen == [client.problem]
    qtbot.wait(800)  # past the first back-off: nothing is tried again, nothing logged again
    (line,) = [w for w in warnings_in(caplog) if "cannot join" in w]
    assert live_hub.url in line and "The hub refused the enrollment code" in line and "رفض الخادم رمز التسجيل" in line


def test_no_code_and_no_token_says_not_enrolled(qtbot, live_hub: LiveHub, clients) -> None:
    """A device with neither a token nor a code says it is not enrolled and how to enroll it."""
    client = clients(live_hub.url, "board-no-code", "display")
    client.start()
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.code == "not_enrolled"
    assert "--enroll-code CODE" in client.problem.action.en


def test_unreachable_names_the_address_and_clears_when_the_hub_comes(qtbot, fresh_hub: LiveHub, clients, caplog) -> None:
    """A hub that is not there is named by address, logged once across retries, and the problem clears once it answers."""
    caplog.set_level(logging.INFO, logger="qt_common.hub_client")
    fresh_hub.stop()
    client = clients(fresh_hub.url, "counter-early", enroll_code=fresh_hub.enroll_code)
    seen = problems_of(client)
    client.start()
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.code == "unreachable"
    assert f"127.0.0.1:{fresh_hub.port}" in client.problem.title.en
    qtbot.waitUntil(lambda: client.state_fetch_count >= 3, timeout=WAIT_MS)
    assert len([w for w in warnings_in(caplog) if "cannot join" in w]) == 1
    fresh_hub.start()
    qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
    assert client.problem is None and seen[-1] is None
    assert any("joined the hub" in r.getMessage() for r in caplog.records)


def test_nobody_listening_on_the_port(qtbot, clients) -> None:
    """A --hub address where nothing listens (wrong port) is "cannot be reached at ADDRESS", not a silent wait."""
    port = free_port()
    client = clients(f"http://127.0.0.1:{port}", "counter-wrong-port", enroll_code="x")
    client.start()
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.title.en == f"The hub at 127.0.0.1:{port} cannot be reached"


def test_too_many_wrong_codes_is_rate_limited_with_a_wait(qtbot, fresh_hub: LiveHub, clients) -> None:
    """After the hub's limit of wrong codes the device says the hub refuses for now, and for how long."""
    with httpx.Client(base_url=fresh_hub.url, timeout=10) as http:
        for attempt in range(30):
            answer = http.post("/api/v1/devices/enroll", json={"name": f"guess-{attempt}", "kind": "kiosk", "code": "guess"})
            if answer.status_code == 429:
                break
        assert answer.status_code == 429
    client = clients(fresh_hub.url, "kiosk-limited", "kiosk", enroll_code="guess-again")
    client.start()
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.code == "rate_limited"
    assert client.problem.action.en.startswith("Wait: ")


# --- the same PC under another --counter / --board ------------------------------------------


def test_a_counter_moved_to_another_number_keeps_its_enrollment(qtbot, live_hub: LiveHub, clients) -> None:
    """Enrolled as counter-3, started again as counter-5 (no code given): the same device, no new enrollment."""
    first = clients(live_hub.url, "counter-3", enroll_code=live_hub.enroll_code, adopt_enrolled=True)
    with qtbot.waitSignal(first.enrolled, timeout=WAIT_MS):
        first.start()
    qtbot.waitUntil(lambda: first.online, timeout=WAIT_MS)
    first.stop()
    moved = clients(live_hub.url, "counter-5", adopt_enrolled=True)
    assert moved.is_enrolled and moved.device_token == first.device_token
    assert moved.device_name == "counter-3" and moved.device_id == first.device_id
    with qtbot.assertNotEmitted(moved.enrolled, wait=200):
        moved.start()
        qtbot.waitUntil(lambda: moved.online, timeout=WAIT_MS)


def test_adoption_is_only_for_the_same_hub_and_kind(qtbot, live_hub: LiveHub, clients, tmp_path: Path) -> None:
    """A board's token, another hub's token or a planted file is never taken for a counter's enrollment."""
    store = TokenStore(tmp_path / "config")
    store.save(StoredDevice(live_hub.url, "display-all-pc", "display", "board-token"))
    store.save(StoredDevice("http://10.9.9.9:8470", "counter-1", "counter", "other-hub-token"))
    planted = store.directory / "device-planted-0000000000000000.json"
    planted.write_text(json.dumps({"hub_url": live_hub.url, "device_name": "counter-9", "kind": "counter", "token": "planted"}))
    client = clients(live_hub.url, "counter-2", adopt_enrolled=True)
    assert not client.is_enrolled
    newest = StoredDevice(live_hub.url, "counter-7", "counter", "newer", enrolled_at=200.0)
    store.save(StoredDevice(live_hub.url, "counter-6", "counter", "older", enrolled_at=100.0))
    store.save(newest)
    assert store.find(live_hub.url, "counter") == newest
    assert clients(live_hub.url, "counter-2", adopt_enrolled=False).is_enrolled is False


def test_a_device_revoked_on_the_hub_says_so_and_does_not_enroll_again(qtbot, live_hub: LiveHub, clients) -> None:
    """A revoked token is refused as revoked: the device says so, forgets the token, and does not re-enroll with its code."""
    admin = live_hub.enroll("admin", "revoker")
    client = clients(live_hub.url, "board-to-revoke", "display", enroll_code=live_hub.enroll_code)
    client.start()
    qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
    device_id = client.device_id
    with httpx.Client(base_url=live_hub.url, timeout=10) as http:
        answer = http.post(f"/api/v1/devices/{device_id}/revoke", headers={"Authorization": f"Bearer {admin}"})
    assert answer.status_code == 200, answer.text
    qtbot.waitUntil(lambda: client.problem is not None, timeout=WAIT_MS)
    assert client.problem.code == "revoked_device", client.problem
    assert not client.is_enrolled and client.enroll_code is None
    fetches = client.state_fetch_count
    qtbot.wait(800)
    assert client.state_fetch_count == fetches and not client.online
    assert client.problem.title.en == "The hub's administrator revoked this device"
