"""The hub client against a real hub: `python main.py hub` in a subprocess on a loopback port.

Other actors (a kiosk issuing tickets, a clerk calling them) act through plain HTTP with
httpx, as other devices would; the client under test only listens or acts through its own
calls. "The client ends with exactly the hub's state" is checked by comparing the client's
state with a fresh `GET /state` once the client has caught up with the hub's last `seq`.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from core import contract
from core.models import CounterStatus, TicketStatus
from qt_common.device_tokens import StoredDevice, TokenStore
from qt_common.hub_client import HubClient, HubError, HubEventHandlers
from tests.support import LiveHub, bearer

WAIT_MS = 20_000


# --- helpers --------------------------------------------------------------------------------


def api(hub: LiveHub, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        return http.request(method, "/api/v1" + path, headers=bearer(token) if token else {}, **kwargs)


def hub_seq(hub: LiveHub) -> int:
    return api(hub, "GET", "/health").json()["seq"]


def hub_state(hub: LiveHub, token: str) -> dict[str, Any]:
    answer = api(hub, "GET", "/state", token)
    answer.raise_for_status()
    return answer.json()


def service_id(state: contract.State | dict[str, Any], code: str) -> int:
    """The id of service `code` in a parsed state or in the hub's JSON."""
    parsed = state if isinstance(state, contract.State) else contract.State.model_validate(state)
    return next(service.id for service in parsed.services if service.code == code)


def issue(hub: LiveHub, kiosk_token: str, service: int, priority: str = "normal") -> dict[str, Any]:
    answer = api(hub, "POST", "/tickets", kiosk_token, json={"service_id": service, "priority": priority})
    assert answer.status_code == 201, answer.text
    return answer.json()


def wait_caught_up(qtbot, client: HubClient, hub: LiveHub) -> None:
    """Wait until the client has applied the hub's last event and has no refetch pending."""
    target = hub_seq(hub)
    qtbot.waitUntil(lambda: client.settled and client.state.seq == target, timeout=WAIT_MS)


def assert_same_as_hub(client: HubClient, hub: LiveHub, token: str) -> None:
    assert client.state.to_snapshot() == contract.State.model_validate(hub_state(hub, token))


def call_back(qtbot, send: Callable[[Callable[[Any, HubError | None], None]], object]) -> tuple[Any, HubError | None]:
    outcome: list[tuple[Any, HubError | None]] = []
    send(lambda result, error: outcome.append((result, error)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    return outcome[0]


@pytest.fixture
def clients(qapp: QApplication, config_dir: Path) -> Iterator[Callable[..., HubClient]]:
    """Makes HubClients for a hub (each enrolling with the hub's code); stops them afterwards."""
    made: list[HubClient] = []

    def make(hub: LiveHub, name: str, kind: str = "display", **options: Any) -> HubClient:
        options.setdefault("enroll_code", hub.enroll_code)
        options.setdefault("config_dir", config_dir)
        client = HubClient(hub.url, device_name=name, kind=kind, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.stop()


def start_live(qtbot, client: HubClient) -> HubClient:
    with qtbot.waitSignal(client.online_changed, timeout=WAIT_MS, check_params_cb=lambda online: online):
        client.start()
    return client


# --- enrollment -----------------------------------------------------------------------------


def test_enrolls_once_and_reuses_the_token(qtbot, live_hub: LiveHub, clients, config_dir: Path) -> None:
    """The first start enrolls and stores the token (0600); the next client reuses it."""
    first = clients(live_hub, "board-reuse")
    with qtbot.waitSignal(first.enrolled, timeout=WAIT_MS) as enrolled:
        start_live(qtbot, first)
    assert "token" not in enrolled.args[0]
    path = first.token_path
    assert path is not None and path.parent == config_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["token"] == first.device_token and stored["kind"] == "display"

    second = clients(live_hub, "board-reuse", enroll_code=None)
    with qtbot.assertNotEmitted(second.enrolled):
        start_live(qtbot, second)
    assert second.device_token == first.device_token
    assert second.device_id == first.device_id


def test_wrong_enrollment_code_is_refused_and_nothing_stored(qtbot, live_hub: LiveHub, clients) -> None:
    """A wrong code gives the hub's bilingual refusal and leaves no token behind."""
    client = clients(live_hub, "kiosk-wrong-code", "kiosk", enroll_code=None)
    result, error = call_back(qtbot, lambda done: client.enroll("kiosk-wrong-code", "kiosk", "not-the-code", done))
    assert result is None and error is not None
    assert (error.status, error.code) == (403, "wrong_enroll_code")
    assert error.message_ar and error.message_en
    assert not client.is_enrolled
    assert client.token_path is not None and not client.token_path.exists()


def test_rejected_token_is_forgotten_and_the_device_enrolls_again(
    qtbot, live_hub: LiveHub, clients, config_dir: Path
) -> None:
    """A token the hub does not know (401) is dropped and replaced by a new enrollment."""
    TokenStore(config_dir).save(StoredDevice(live_hub.url, "board-stale", "display", "stale-token-from-old-hub"))
    client = clients(live_hub, "board-stale")
    assert client.device_token == "stale-token-from-old-hub"
    with qtbot.waitSignal(client.enrolled, timeout=WAIT_MS):
        start_live(qtbot, client)
    assert client.device_token not in (None, "stale-token-from-old-hub")
    stored = TokenStore(config_dir).load(live_hub.url, "board-stale")
    assert stored is not None and stored.token == client.device_token


def test_rejected_token_without_code_asks_for_one(qtbot, live_hub: LiveHub, clients, config_dir: Path) -> None:
    """Without a code the bad token is forgotten, enrollment is asked for, and enroll() resumes."""
    TokenStore(config_dir).save(StoredDevice(live_hub.url, "board-nocode", "display", "revoked-token"))
    client = clients(live_hub, "board-nocode", enroll_code=None)
    errors: list[HubError] = []
    client.error.connect(errors.append)
    with qtbot.waitSignal(client.enrollment_required, timeout=WAIT_MS):
        client.start()
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert errors[0].code == "not_enrolled"
    assert not client.online and not client.is_enrolled
    assert TokenStore(config_dir).load(live_hub.url, "board-nocode") is None
    qtbot.wait(700)  # past the first back-off: a refused device must not knock again by itself
    assert client.state_fetch_count == 1
    with qtbot.waitSignal(client.online_changed, timeout=WAIT_MS):
        client.enroll("board-nocode", "display", live_hub.enroll_code)
    assert client.online


def test_revoked_board_stops_and_does_not_enroll_again_by_itself(qtbot, live_hub: LiveHub, clients) -> None:
    """A board revoked while live gets its socket closed (4401 revoked_device), says so, and keeps out
    even though it holds the enrollment code; a renamed revoked entry does not let it back either."""
    client = start_live(qtbot, clients(live_hub, "board-to-revoke"))
    admin = live_hub.enroll("admin", "admin-revoker")
    device_id = client.device_id
    assert device_id is not None
    # Renamed first: the board's own name is then free, so only the client's restraint keeps it out.
    api(live_hub, "POST", f"/devices/{device_id}/rename", admin, json={"name": "old board"}).raise_for_status()
    with qtbot.waitSignal(client.enrollment_required, timeout=WAIT_MS), qtbot.assertNotEmitted(client.enrolled, wait=1500):
        api(live_hub, "POST", f"/devices/{device_id}/revoke", admin).raise_for_status()
    assert not client.is_enrolled and client.enroll_code is None
    names = [d["name"] for d in api(live_hub, "GET", "/devices", admin).json()]
    assert "board-to-revoke" not in names


# --- live state -----------------------------------------------------------------------------


def test_start_loads_the_hubs_state(qtbot, live_hub: LiveHub, clients) -> None:
    """After start the client is online and holds exactly what GET /state says."""
    client = clients(live_hub, "board-start")
    loaded: list[contract.State] = []
    client.state_loaded.connect(loaded.append)
    with qtbot.waitSignal(client.connected, timeout=WAIT_MS):
        start_live(qtbot, client)
    wait_caught_up(qtbot, client, live_hub)
    assert loaded and loaded[0].seq <= client.state.seq
    assert_same_as_hub(client, live_hub, client.device_token)
    assert client.state.business_day == hub_state(live_hub, client.device_token)["business_day"]


def test_tickets_issued_elsewhere_arrive_as_events(qtbot, live_hub: LiveHub, clients) -> None:
    """Tickets a kiosk issues arrive in seq order and the waiting count follows."""
    client = start_live(qtbot, clients(live_hub, "board-events"))
    wait_caught_up(qtbot, client, live_hub)
    kiosk = live_hub.enroll("kiosk", "kiosk-events")
    service = service_id(client.state.to_snapshot(), "C")
    waiting_before = client.state.service(service).waiting
    events: list[contract.EventBase] = []
    client.event_received.connect(events.append)
    issued = [issue(live_hub, kiosk, service) for _ in range(3)]
    qtbot.waitUntil(lambda: {e.ticket.id for e in events if isinstance(e, contract.TicketIssued)} >= {t["id"] for t in issued},
                    timeout=WAIT_MS)
    seqs = [event.seq for event in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert client.state.service(service).waiting == waiting_before + 3
    wait_caught_up(qtbot, client, live_hub)
    assert_same_as_hub(client, live_hub, client.device_token)


def test_events_alone_derive_the_state(qtbot, fresh_hub: LiveHub, clients) -> None:
    """With no refetching, events keep waiting counts, counters and recent calls exactly right."""
    client = start_live(qtbot, clients(fresh_hub, "board-derive", refresh_events=frozenset(), refresh_on_missing_rows=False))
    kiosk = fresh_hub.enroll("kiosk", "kiosk-derive")
    state = hub_state(fresh_hub, kiosk)
    a, b = service_id(state, "A"), service_id(state, "B")
    session, counter_1 = fresh_hub.login(1, "clerk1")
    first, second, third = issue(fresh_hub, kiosk, a), issue(fresh_hub, kiosk, a, "elderly"), issue(fresh_hub, kiosk, a)
    issue(fresh_hub, kiosk, a)  # still waiting at the end, so a miscounted call would show
    issue(fresh_hub, kiosk, b)
    cancelled = issue(fresh_hub, kiosk, b)
    assert api(fresh_hub, "POST", f"/tickets/{cancelled['id']}/cancel", kiosk).status_code == 200

    def clerk(path: str, **body: Any) -> dict[str, Any] | None:
        answer = api(fresh_hub, "POST", path, session, json=body or None)
        assert answer.status_code in (200, 204), answer.text
        return answer.json() if answer.status_code == 200 else None

    called = clerk(f"/counters/{counter_1}/call-next")
    assert called is not None and called["id"] == second["id"]  # the elderly visitor goes first
    clerk(f"/tickets/{called['id']}/start")
    clerk(f"/tickets/{called['id']}/finish")
    called = clerk(f"/counters/{counter_1}/call-next")
    assert called is not None and called["id"] == first["id"]
    clerk(f"/tickets/{called['id']}/recall")
    clerk(f"/tickets/{called['id']}/no-show")
    recalled = clerk(f"/counters/{counter_1}/call", number=called["number"])  # the no-show came back
    clerk(f"/tickets/{recalled['id']}/start")
    clerk(f"/tickets/{recalled['id']}/transfer", service_id=b)
    clerk(f"/counters/{counter_1}/pause", reason="prayer")
    clerk(f"/counters/{counter_1}/resume")
    clerk(f"/counters/{counter_1}/call-next")
    api(fresh_hub, "POST", "/devices/status", kiosk, json={"status": {"printer": "paper_out"}})

    target = hub_seq(fresh_hub)
    qtbot.waitUntil(lambda: client.state.seq == target, timeout=WAIT_MS)
    assert client.state_fetch_count == 1  # everything above came from events alone

    def without_estimates(snapshot: dict[str, Any]) -> dict[str, Any]:
        copy = json.loads(json.dumps(snapshot))
        for service in copy["services"]:
            service.pop("eta_seconds")  # needs the hub's averages: refetched when wanted
        return copy

    hub_now = contract.State.model_validate(hub_state(fresh_hub, kiosk)).to_dict()
    assert without_estimates(client.state.to_snapshot().to_dict()) == without_estimates(hub_now)
    assert client.state.service(a).waiting == 1
    kiosk_status = next(iter(client.state.device_statuses.values()))
    assert kiosk_status.status == {"printer": "paper_out"} and kiosk_status.device.kind == "kiosk"
    assert [call.ticket.number for call in client.state.recent_calls][:2] == [third["number"], first["number"]]


def test_gap_in_seq_triggers_a_resync(qtbot, live_hub: LiveHub, clients) -> None:
    """An event that skips a seq makes the client reload /state and end exactly at the hub's state."""
    client = start_live(qtbot, clients(live_hub, "board-gap"))
    wait_caught_up(qtbot, client, live_hub)
    kiosk = live_hub.enroll("kiosk", "kiosk-gap")
    service = service_id(client.state.to_snapshot(), "E")
    resyncs, fetches = client.resync_count, client.state_fetch_count
    client.state.seq -= 1  # the client lost one event: the next one will not follow on
    with qtbot.waitSignal(client.state_loaded, timeout=WAIT_MS):
        issue(live_hub, kiosk, service)
    assert client.resync_count == resyncs + 1
    assert client.state_fetch_count > fetches
    issue(live_hub, kiosk, service)  # and the stream carries on after the resync
    wait_caught_up(qtbot, client, live_hub)
    assert_same_as_hub(client, live_hub, client.device_token)


def test_malformed_frame_triggers_a_resync(qtbot, live_hub: LiveHub, clients) -> None:
    """A frame that is not an event (garbage from a broken proxy) is not applied; the client resyncs."""
    client = start_live(qtbot, clients(live_hub, "board-garbage"))
    wait_caught_up(qtbot, client, live_hub)
    for garbage in ("not json", "[1, 2]", '{"seq": "x", "type": "ticket.issued"}', "[" * 50_000):
        resyncs = client.resync_count
        with qtbot.waitSignal(client.state_loaded, timeout=WAIT_MS):
            client._on_socket_message(client._socket, garbage)  # as if the socket had delivered it
        assert client.resync_count == resyncs + 1
        wait_caught_up(qtbot, client, live_hub)
    assert_same_as_hub(client, live_hub, client.device_token)


def test_dropped_socket_resyncs_without_losing_events(qtbot, live_hub: LiveHub, clients) -> None:
    """Tickets issued while the socket is down are in the state once it is back."""
    client = start_live(qtbot, clients(live_hub, "board-drop"))
    wait_caught_up(qtbot, client, live_hub)
    kiosk = live_hub.enroll("kiosk", "kiosk-drop")
    service = service_id(client.state.to_snapshot(), "D")
    before = client.state.service(service).issued_today
    with qtbot.waitSignal(client.disconnected, timeout=WAIT_MS):
        client._socket.abort()  # the connection is cut under the client
    issued = [issue(live_hub, kiosk, service) for _ in range(4)]
    qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
    wait_caught_up(qtbot, client, live_hub)
    assert client.state.service(service).issued_today >= before + len(issued)
    assert_same_as_hub(client, live_hub, client.device_token)


def test_hub_killed_and_restarted(qtbot, fresh_hub: LiveHub, clients) -> None:
    """SIGKILL takes the client offline; after the restart it is back online with exactly the hub's state."""
    client = start_live(qtbot, clients(fresh_hub, "board-crash"))
    kiosk = fresh_hub.enroll("kiosk", "kiosk-crash")
    service = service_id(client.state.to_snapshot(), "A")
    issue(fresh_hub, kiosk, service)
    wait_caught_up(qtbot, client, fresh_hub)
    changes: list[bool] = []
    client.online_changed.connect(changes.append)

    with qtbot.waitSignal(client.online_changed, timeout=WAIT_MS, check_params_cb=lambda online: not online):
        fresh_hub.kill()
    _, error = call_back(qtbot, lambda done: client.issue_ticket(service, "normal", done))
    assert error is not None and error.unreachable

    fresh_hub.start()
    qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
    issue(fresh_hub, kiosk, service)
    wait_caught_up(qtbot, client, fresh_hub)
    assert changes[0] is False and changes[-1] is True
    assert_same_as_hub(client, fresh_hub, client.device_token)
    assert client.state.service(service).issued_today == 2


def test_refetches_are_coalesced(qtbot, live_hub: LiveHub, clients) -> None:
    """Many refetch requests at once make one GET /state, not many."""
    client = start_live(qtbot, clients(live_hub, "board-coalesce"))
    wait_caught_up(qtbot, client, live_hub)
    fetches = client.state_fetch_count
    for _ in range(25):
        client.request_refresh()
    wait_caught_up(qtbot, client, live_hub)
    assert client.state_fetch_count == fetches + 1


def test_bursts_lose_and_repeat_nothing(qtbot, live_hub: LiveHub, clients) -> None:
    """Sixty tickets in bursts: every event once, in order, no resync and no refetch, and the hub's state.

    (Refetched snapshots interleaved with events are merged by rules test_hub_client.py pins.)"""
    watcher = start_live(qtbot, clients(live_hub, "board-burst"))
    wait_caught_up(qtbot, watcher, live_hub)
    kiosk = clients(live_hub, "kiosk-burst", "kiosk")
    services = list(watcher.state.services)
    seqs: list[int] = []
    issued: list[int] = []
    watcher.event_received.connect(lambda event: seqs.append(event.seq))
    watcher.event_received.connect(lambda event: isinstance(event, contract.TicketIssued) and issued.append(event.seq))
    first, resyncs, fetches = hub_seq(live_hub) + 1, watcher.resync_count, watcher.state_fetch_count
    answers: list[HubError | None] = []
    for round_number in range(4):
        # Issued from the same event loop, so events and refetches interleave as in a busy hall.
        for number in range(15):
            kiosk.issue_ticket(services[number % len(services)], "normal", lambda _t, error: answers.append(error))
        expected = 15 * (round_number + 1)
        qtbot.waitUntil(lambda expected=expected: len(answers) == expected, timeout=WAIT_MS)
    assert answers == [None] * 60
    wait_caught_up(qtbot, watcher, live_hub)
    # The shared hub also logs the kiosk's enrollment and other devices coming and going.
    assert seqs == list(range(first, first + len(seqs))) and len(issued) == 60
    assert watcher.resync_count == resyncs
    assert watcher.state_fetch_count == fetches  # every event carried its service's row: nothing to refetch
    assert_same_as_hub(watcher, live_hub, watcher.device_token)


def test_typed_handlers_hear_live_events(qtbot, live_hub: LiveHub, clients) -> None:
    """A view with `on_ticket_issued` is called for each issued ticket."""

    class View(QObject, HubEventHandlers):
        def __init__(self) -> None:
            super().__init__()
            self.issued: list[str] = []
            self.snapshots = 0

        def on_ticket_issued(self, event: contract.TicketIssued) -> None:
            self.issued.append(event.ticket.number)

        def on_state_loaded(self, state: contract.State) -> None:
            self.snapshots += 1

    client = clients(live_hub, "board-typed")
    view = View()
    view.connect_hub(client)
    start_live(qtbot, client)
    wait_caught_up(qtbot, client, live_hub)
    kiosk = live_hub.enroll("kiosk", "kiosk-typed")
    ticket = issue(live_hub, kiosk, service_id(client.state.to_snapshot(), "F"))
    qtbot.waitUntil(lambda: ticket["number"] in view.issued, timeout=WAIT_MS)
    assert view.snapshots >= 1


def test_stop_goes_offline_and_quiet(qtbot, live_hub: LiveHub, clients) -> None:
    """After stop() the client is offline and applies nothing more."""
    client = start_live(qtbot, clients(live_hub, "board-stop"))
    wait_caught_up(qtbot, client, live_hub)
    with qtbot.waitSignal(client.online_changed, timeout=WAIT_MS):
        client.stop()
    seq = client.state.seq
    issue(live_hub, live_hub.enroll("kiosk", "kiosk-stop"), service_id(client.state.to_snapshot(), "A"))
    qtbot.wait(300)
    assert client.state.seq == seq and not client.online


# --- requests -------------------------------------------------------------------------------


def test_clerk_flow_through_the_client(qtbot, fresh_hub: LiveHub, clients) -> None:
    """A counter logs in, calls, serves, transfers, pauses and logs out through the client's calls."""
    kiosk = clients(fresh_hub, "kiosk-flow", "kiosk")
    counter = clients(fresh_hub, "counter-flow", "counter")
    state, error = call_back(qtbot, lambda done: counter.fetch_state(done))
    assert error is None
    a, b = service_id(state, "A"), service_id(state, "B")
    counter_1 = next(c.id for c in state.counters if c.number == 1)

    first, error = call_back(qtbot, lambda done: kiosk.issue_ticket(a, "normal", done))
    assert error is None and isinstance(first, contract.Ticket)
    assert first.number == "A-001" and first.status is TicketStatus.WAITING
    second, _ = call_back(qtbot, lambda done: kiosk.issue_ticket(a, "normal", done))

    _, error = call_back(qtbot, lambda done: counter.login("clerk1", "0000", counter_1, done))
    assert error is not None and (error.status, error.code) == (401, "wrong_pin")
    assert counter.is_enrolled  # a wrong PIN is not a bad device token

    with qtbot.waitSignal(counter.session_changed, timeout=WAIT_MS):
        session, error = call_back(qtbot, lambda done: counter.login("clerk1", "1111", counter_1, done))
    assert error is None and session.token == "" and session.counter.status is CounterStatus.OPEN

    called, error = call_back(qtbot, lambda done: counter.call_next(counter_1, done))
    assert error is None and called.id == first.id and called.status is TicketStatus.CALLED
    for action, status in (("start", TicketStatus.SERVING), ("finish", TicketStatus.DONE)):
        ticket, error = call_back(qtbot, lambda done, action=action: counter.ticket_action(called.id, action, done))
        assert error is None and ticket.status is status

    called, _ = call_back(qtbot, lambda done: counter.call_next(counter_1, done))
    ticket, error = call_back(qtbot, lambda done: counter.ticket_action(called.id, "no-show", done))
    assert error is None and ticket.status is TicketStatus.NO_SHOW
    again, error = call_back(qtbot, lambda done: counter.call_number(counter_1, second.number, done))
    assert error is None and again.status is TicketStatus.CALLED
    call_back(qtbot, lambda done: counter.ticket_action(again.id, "start", done))
    moved, error = call_back(qtbot, lambda done: counter.transfer(again.id, b, done))
    assert error is None and moved.service_id == b and moved.number == second.number

    nobody, error = call_back(qtbot, lambda done: counter.call_next(counter_1, done))
    assert (nobody, error) == (None, None)  # 204: nobody waits for A or D

    _, error = call_back(qtbot, lambda done: counter.ticket_action(first.id, "finish", done))
    assert error is not None and error.status == 409 and error.message_ar

    _, error = call_back(qtbot, lambda done: counter.ticket_action(999_999, "finish", done))
    assert error is not None and (error.status, error.code) == (404, "not_found") and error.message_ar

    paused, error = call_back(qtbot, lambda done: counter.pause_counter(counter_1, "prayer", done))
    assert error is None and (paused.status, paused.pause_reason) == (CounterStatus.PAUSED, "prayer")
    resumed, error = call_back(qtbot, lambda done: counter.resume_counter(counter_1, done))
    assert error is None and resumed.status is CounterStatus.OPEN

    with qtbot.waitSignal(counter.session_changed, timeout=WAIT_MS) as ended:
        result, error = call_back(qtbot, lambda done: counter.logout(done))
    assert (result, error) == (None, None) and ended.args == [None] and counter.session is None
    _, error = call_back(qtbot, lambda done: counter.call_next(counter_1, done))
    assert error is not None and error.status == 403


def test_refused_logout_keeps_the_session(qtbot, fresh_hub: LiveHub, clients) -> None:
    """Logging out with a visitor still called is refused (409) and the client keeps acting for the clerk."""
    kiosk = clients(fresh_hub, "kiosk-logout", "kiosk")
    counter = clients(fresh_hub, "counter-logout", "counter")
    state, _ = call_back(qtbot, lambda done: counter.fetch_state(done))
    counter_1 = next(c.id for c in state.counters if c.number == 1)
    ticket, _ = call_back(qtbot, lambda done: kiosk.issue_ticket(service_id(state, "A"), "normal", done))
    call_back(qtbot, lambda done: counter.login("clerk1", "1111", counter_1, done))
    called, error = call_back(qtbot, lambda done: counter.call_next(counter_1, done))
    assert error is None and called.id == ticket.id
    _, error = call_back(qtbot, lambda done: counter.logout(done))
    assert error is not None and (error.status, error.code) == (409, "ticket_in_hand")
    assert counter.session is not None
    done_ticket, error = call_back(qtbot, lambda done: counter.ticket_action(called.id, "no-show", done))
    assert error is None and done_ticket.status is TicketStatus.NO_SHOW
    _, error = call_back(qtbot, lambda done: counter.logout(done))
    assert error is None and counter.session is None


def test_supervisor_reads_statistics(qtbot, live_hub: LiveHub, clients) -> None:
    """A supervisor session gets the KPIs; a plain device is refused."""
    counter = clients(live_hub, "counter-stats", "counter")
    state, _ = call_back(qtbot, lambda done: counter.fetch_state(done))
    counter_8 = next(c.id for c in state.counters if c.number == 8)
    today = state.business_day
    _, error = call_back(qtbot, lambda done: counter.stats(today, today, on_done=done))
    assert error is not None and error.status == 403
    _, error = call_back(qtbot, lambda done: counter.login("super", "9999", counter_8, done))
    assert error is None
    kpis, error = call_back(qtbot, lambda done: counter.stats(today, today, on_done=done))
    assert error is None and isinstance(kpis, contract.Stats) and kpis.from_ == today
    call_back(qtbot, lambda done: counter.logout(done))


def test_device_status_reaches_other_devices(qtbot, live_hub: LiveHub, clients) -> None:
    """A kiosk's printer status arrives at a board as a `device.status` event in its state."""
    board = start_live(qtbot, clients(live_hub, "board-status"))
    wait_caught_up(qtbot, board, live_hub)
    kiosk = clients(live_hub, "kiosk-status", "kiosk")
    result, error = call_back(qtbot, lambda done: kiosk.report_device_status({"printer": "paper_out"}, done))
    assert (result, error) == (None, None)
    qtbot.waitUntil(lambda: kiosk.device_id in board.state.device_statuses, timeout=WAIT_MS)
    assert board.state.device_statuses[kiosk.device_id].status == {"printer": "paper_out"}


def test_hub_validation_errors_arrive_typed(qtbot, live_hub: LiveHub, clients) -> None:
    """Input the hub refuses (unknown service, hostile pause reason) comes back as a HubError."""
    kiosk = clients(live_hub, "kiosk-invalid", "kiosk")
    _, error = call_back(qtbot, lambda done: kiosk.issue_ticket(999_999, "normal", done))
    assert error is not None and error.status in (404, 422) and error.message_ar and error.message_en
    _, error = call_back(qtbot, lambda done: kiosk.post("/tickets", {"service_id": "1; DROP TABLE"}, done))
    assert error is not None and error.status == 422 and error.code == "validation_error"
