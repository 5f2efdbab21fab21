"""The hub client's parts that need no hub: URLs, the token file, errors, answers a broken hub gives.

A hub cannot be made to send a broken answer, so those cases use a small HTTP server that
answers as a broken or hostile hub would. Everything with a real hub is in
test_hub_client_live.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from qt_common.device_tokens import CONFIG_DIR_ENV, StoredDevice, TokenStore
from core import contract
from qt_common.hub_client import HubClient, HubEventHandlers, backoff_delay_ms
from tests.contract_samples import counter_brief_json, counter_json, event, frame, service_json, state, state_json, ticket_json
from qt_common.hub_errors import HubError

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Answers:
    """What the stand-in hub answers, per path: (status, headers, body)."""

    def __init__(self) -> None:
        self.by_path: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        #: the event socket: "mute" accepts the upgrade then never answers; "stall" never accepts
        self.events_socket = "mute"
        self.release = threading.Event()


@pytest.fixture
def odd_hub() -> Iterator[tuple[str, Answers]]:
    """An HTTP server on loopback that answers whatever the test sets, like a broken hub."""
    answers = Answers()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # a WebSocket upgrade needs it

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            answers.requests.append((self.command, self.path, headers, body))
            if self.path.startswith("/api/v1/events"):
                self._hold_event_socket()
                return
            status, headers, payload = answers.by_path.get(self.path.split("?")[0], (404, {}, b'{"error":"not_found"}'))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _hold_event_socket(self) -> None:
            if answers.events_socket == "mute":
                accept = base64.b64encode(
                    hashlib.sha1((self.headers["Sec-WebSocket-Key"] + WEBSOCKET_GUID).encode()).digest()
                ).decode()
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", accept)
                self.end_headers()
                self.wfile.flush()
            answers.release.wait(30)  # a hung hub: reads nothing, answers no ping
            self.close_connection = True

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answers
    finally:
        answers.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(qtbot, send) -> tuple[Any, HubError | None]:
    """Run `send(callback)` and wait for the callback's (result, error)."""
    outcome: list[tuple[Any, HubError | None]] = []
    send(lambda result, error: outcome.append((result, error)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    return outcome[0]


# --- retries -------------------------------------------------------------------------------


def test_backoff_doubles_to_five_seconds() -> None:
    """Retries wait 0.5, 1, 2, 4 s then 5 s for good; jitter never goes past 5 s."""
    assert [backoff_delay_ms(n) for n in range(7)] == [500, 1000, 2000, 4000, 5000, 5000, 5000]
    assert backoff_delay_ms(3, 1.2) == 4800
    assert backoff_delay_ms(10, 1.2) == 5000
    assert backoff_delay_ms(-5) == 500


# --- the client and its token --------------------------------------------------------------


def test_config_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> None:
    """TABOUR_CONFIG_DIR moves the token files (tests, portable installs)."""
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "from-env"))
    client = HubClient("http://hub:8470", device_name="kiosk-1", kind="kiosk")
    assert client.token_path is not None and client.token_path.parent == tmp_path / "from-env"
    explicit = HubClient("http://hub:8470", device_name="kiosk-1", kind="kiosk", config_dir=tmp_path / "arg")
    assert explicit.token_path is not None and explicit.token_path.parent == tmp_path / "arg"


def test_stored_token_is_used_without_enrolling(tmp_path: Path, qapp: QApplication) -> None:
    """A device that enrolled before starts with its token."""
    TokenStore(tmp_path).save(StoredDevice("http://hub:8470", "kiosk-1", "kiosk", "old-token", 9))
    client = HubClient("http://hub:8470/", device_name="kiosk-1", kind="kiosk", config_dir=tmp_path)
    assert client.is_enrolled and client.device_token == "old-token" and client.device_id == 9


# --- bad calls are refused before anything is sent ------------------------------------------


@pytest.mark.parametrize(
    "path", ["state", "/../admin", "/tickets/../../x", "http://evil/x", "/state?token=x", "/a#b", "/" + "a" * 3000, None]
)
def test_request_refuses_paths_off_the_api(qapp: QApplication, tmp_path: Path, path: object) -> None:
    """A path must be a plain path under /api/v1: no climbing out, no other host, no query."""
    client = HubClient("http://hub:8470", config_dir=tmp_path)
    with pytest.raises(ValueError):
        client.get(path)  # type: ignore[arg-type]


def test_request_refuses_bad_bodies_and_methods(qapp: QApplication, tmp_path: Path) -> None:
    """NaN, unencodable bodies and unknown methods fail loudly at the call."""
    client = HubClient("http://hub:8470", config_dir=tmp_path)
    with pytest.raises(ValueError):
        client.post("/tickets", {"service_id": float("nan")})
    with pytest.raises(TypeError):
        client.post("/tickets", {"service_id": object()})
    with pytest.raises(ValueError):
        client.request("TRACE", "/state")
    with pytest.raises(ValueError):
        client.request("GET", "/state", auth="root")


@pytest.mark.parametrize("bad", [0, -1, True, "1", 1.0, 2**60, None])
def test_convenience_calls_refuse_bad_ids(qapp: QApplication, tmp_path: Path, bad: object) -> None:
    """Ids must be positive integers; booleans and text are not ids."""
    client = HubClient("http://hub:8470", config_dir=tmp_path)
    with pytest.raises(ValueError):
        client.issue_ticket(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.call_next(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.ticket_action(bad, "finish")  # type: ignore[arg-type]


def test_convenience_calls_refuse_bad_values(qapp: QApplication, tmp_path: Path) -> None:
    """Unknown priorities, actions and kinds, and over-long texts, are refused at the call."""
    client = HubClient("http://hub:8470", config_dir=tmp_path)
    with pytest.raises(ValueError):
        client.issue_ticket(1, "vip")
    with pytest.raises(ValueError):
        client.ticket_action(1, "delete")
    with pytest.raises(ValueError):
        client.pause_counter(1, "x" * 81)
    with pytest.raises(ValueError):
        client.call_number(1, 105)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.login("clerk1", "1" * 13, 1)
    with pytest.raises(ValueError):
        client.enroll("kiosk-1", "toaster", "4711")
    with pytest.raises(ValueError):
        client.enroll("kiosk-1", "kiosk", "")
    with pytest.raises(ValueError):
        client.report_device_status(["paper_out"])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        HubClient("http://hub:8470", config_dir=tmp_path, timeout_ms=0)


# --- transport failures ---------------------------------------------------------------------


def test_refused_connection_is_an_unreachable_hub_error(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    """Nothing listening: status 0, code "unreachable", messages in both languages."""
    client = HubClient(f"http://127.0.0.1:{closed_port()}", config_dir=tmp_path)
    result, error = call(qtbot, lambda done: client.health(done))
    assert result is None
    assert isinstance(error, HubError)
    assert (error.status, error.code) == (0, "unreachable")
    assert error.unreachable
    assert error.message("ar") == "تعذّر الوصول إلى الخادم."
    assert error.message("en") == "The hub cannot be reached."


def test_silent_hub_times_out_as_unreachable(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    """A hub that accepts the connection but never answers gives "unreachable" after the timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        client = HubClient(f"http://127.0.0.1:{listener.getsockname()[1]}", config_dir=tmp_path, timeout_ms=300)
        _, error = call(qtbot, lambda done: client.health(done))
    assert error is not None and error.code == "unreachable"


def test_failure_without_callback_goes_to_the_error_signal(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    """A request sent without a callback still reports its failure, on `error`."""
    client = HubClient(f"http://127.0.0.1:{closed_port()}", config_dir=tmp_path)
    with qtbot.waitSignal(client.error, timeout=10_000) as blocker:
        client.health()
    assert blocker.args[0].code == "unreachable"


def test_abort_means_no_callback(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    """An aborted request never calls back."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        client = HubClient(f"http://127.0.0.1:{listener.getsockname()[1]}", config_dir=tmp_path)
        called: list[object] = []
        pending = client.health(lambda *outcome: called.append(outcome))
        pending.abort()
        qtbot.wait(200)
    assert called == [] and pending.aborted


def test_start_without_hub_stays_offline_and_keeps_trying(qapp: QApplication, qtbot, tmp_path: Path) -> None:
    """An unreachable hub: offline, no error shown for it, and another attempt follows by itself."""
    url = f"http://127.0.0.1:{closed_port()}"
    TokenStore(tmp_path).save(StoredDevice(url, "board", "display", "t"))
    client = HubClient(url, device_name="board", kind="display", config_dir=tmp_path)
    errors: list[HubError] = []
    client.error.connect(errors.append)
    client.start()
    qtbot.waitUntil(lambda: client.state_fetch_count >= 2, timeout=10_000)
    assert not client.online
    assert errors == []
    client.stop()
    assert not client.running


# --- a broken or hostile hub's answers ------------------------------------------------------


def test_hub_error_body_becomes_a_typed_error(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """The hub's `{error, message, message_ar}` and Retry-After arrive as a HubError."""
    url, answers = odd_hub
    body = {"error": "rate_limited", "message": "Wait.", "message_ar": "انتظر."}
    answers.by_path["/api/v1/health"] = (429, {"Retry-After": "7", "Content-Type": "application/json"},
                                        json.dumps(body).encode())
    client = HubClient(url, config_dir=tmp_path)
    _, error = call(qtbot, lambda done: client.health(done))
    assert error is not None
    assert (error.status, error.code, error.message_en, error.message_ar) == (429, "rate_limited", "Wait.", "انتظر.")
    assert error.retry_after == 7.0


@pytest.mark.parametrize(
    ("status", "payload", "code"),
    [
        (200, b"<html>proxy login</html>", "bad_response"),
        (200, b"[" * 100_000 + b"]" * 100_000, "bad_response"),
        (200, b'{"status": "ok"}', "bad_response"),  # JSON, but not the contract's Health
        (200, b'{"status": "ok", "version": 7, "seq": "x", "business_day": "", "central": null}', "bad_response"),
        (500, b"Internal Server Error", "http_500"),
        (502, b"", "http_502"),
        (418, b'{"message": "no code field"}', "http_418"),
        (400, json.dumps({"error": "x", "message": None, "message_ar": None}).encode(), "x"),
    ],
)
def test_unreadable_answers_are_typed_errors(
    qapp: QApplication, qtbot, tmp_path: Path, odd_hub, status: int, payload: bytes, code: str
) -> None:
    """Non-JSON, absurdly nested or code-less answers become HubErrors with readable messages."""
    url, answers = odd_hub
    answers.by_path["/api/v1/health"] = (status, {"Retry-After": "soon"}, payload)
    client = HubClient(url, config_dir=tmp_path)
    _, error = call(qtbot, lambda done: client.health(done))
    assert error is not None and error.code == code and error.status == status
    assert error.message_en and error.message_ar
    assert error.retry_after is None


def test_huge_answer_is_cut_off(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """An answer past the size limit is abandoned, not read into memory."""
    url, answers = odd_hub
    answers.by_path["/api/v1/health"] = (200, {}, b'"' + b"x" * 300_000 + b'"')
    client = HubClient(url, config_dir=tmp_path, max_response_bytes=100_000)
    _, error = call(qtbot, lambda done: client.health(done))
    assert error is not None and error.code == "response_too_large"


def test_requests_carry_json_and_the_bearer_token(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """A POST sends UTF-8 JSON with the device token; a 204 answer gives None."""
    url, answers = odd_hub
    TokenStore(tmp_path).save(StoredDevice(url, "counter-3", "counter", "dev-token"))
    answers.by_path["/api/v1/counters/3/pause"] = (204, {}, b"")
    client = HubClient(url, device_name="counter-3", kind="counter", config_dir=tmp_path)
    result, error = call(qtbot, lambda done: client.pause_counter(3, "صلاة", done))
    assert (result, error) == (None, None)
    method, path, headers, body = answers.requests[-1]
    assert (method, path) == ("POST", "/api/v1/counters/3/pause")
    assert headers["authorization"] == "Bearer dev-token"
    assert headers["content-type"] == "application/json"
    assert json.loads(body.decode("utf-8")) == {"reason": "صلاة"}


def test_query_parameters_are_encoded(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """Stats dates and grouping travel as query parameters; None ones are left out."""
    url, answers = odd_hub
    TokenStore(tmp_path).save(StoredDevice(url, "admin", "admin", "t"))
    answers.by_path["/api/v1/stats"] = (200, {}, b"{}")
    client = HubClient(url, device_name="admin", kind="admin", config_dir=tmp_path)
    call(qtbot, lambda done: client.stats("2026-11-01", "2026-11-24", on_done=done))
    assert answers.requests[-1][1] == "/api/v1/stats?from=2026-11-01&to=2026-11-24"


def test_no_token_and_no_code_asks_for_enrollment(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """A device without token or code sends nothing and asks for an enrollment code."""
    url, answers = odd_hub
    client = HubClient(url, device_name="kiosk-9", kind="kiosk", config_dir=tmp_path)
    with qtbot.waitSignal(client.enrollment_required):
        _, error = call(qtbot, lambda done: client.fetch_state(done))
    assert error is not None and (error.status, error.code) == (401, "not_enrolled")
    assert answers.requests == []


# --- typed handlers ------------------------------------------------------------------------


class Recorder(HubEventHandlers):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_ticket_called(self, event: contract.TicketCalled) -> None:
        self.seen.append(f"called {event.seq} {event.ticket.number} at {event.counter.number}")

    def on_unhandled_event(self, event: contract.EventBase) -> None:
        self.seen.append(f"other {event.type} ({type(event).__name__})")

    def on_state_loaded(self, state: contract.State) -> None:
        self.seen.append(f"state {state.seq}")


def test_typed_handlers_are_dispatched_by_event_type() -> None:
    """`ticket.called` goes to `on_ticket_called` as a TicketCalled; others, and unknown types, to `on_unhandled_event`."""
    recorder = Recorder()
    called = ticket_json(1, status="called", counter_id=3)
    recorder.dispatch_hub_event(event(1, "ticket.called", ticket=called, counter=counter_brief_json(3)))
    recorder.dispatch_hub_event(event(2, "ticket.finished", ticket={**called, "status": "done"}))
    recorder.dispatch_hub_event(event(3, "state.loaded"))
    recorder.dispatch_hub_event(event(4, "on_ticket_called"))
    recorder.on_state_loaded(state(4))
    assert recorder.seen == [
        "called 1 A-001 at 3", "other ticket.finished (TicketFinished)", "other state.loaded (UnknownEvent)",
        "other on_ticket_called (UnknownEvent)", "state 4",
    ]


# --- merging a refetched snapshot with the event stream -------------------------------------


def _snapshot(seq: int, waiting: int, eta: int) -> dict[str, Any]:
    return state_json(seq, services=[service_json(1, "A", waiting=waiting, issued_today=waiting, eta_seconds=eta)],
                      counters=[counter_json(1)])


def _issued(seq: int, ticket_id: int, **row: Any) -> str:
    """`ticket.issued` as an older hub sends it (no service row), or with `row` as the service's."""
    fields: dict[str, Any] = {"ticket": ticket_json(ticket_id)}
    if row:
        fields["service"] = service_json(1, "A", **row)
    return frame(seq, "ticket.issued", **fields)


@pytest.fixture
def streaming_client(qapp: QApplication, tmp_path: Path) -> HubClient:
    """A client whose socket handler is fed frames by the test, from a known snapshot at seq 5."""
    client = HubClient("http://hub:8470", config_dir=tmp_path, refresh_events=frozenset(), refresh_on_missing_rows=False)
    client._replace_state(contract.State.model_validate(_snapshot(5, 0, 0)))
    client._socket = None  # frames below are "from" the current socket, which is None
    return client


def test_refetch_older_than_the_stream_replays_the_events_after_it(streaming_client: HubClient) -> None:
    """A snapshot at seq 6 arriving after events 6 and 7: the snapshot plus event 7, nothing announced twice."""
    client = streaming_client
    announced: list[int] = []
    client.event_received.connect(lambda event: announced.append(event.seq))
    client._on_socket_message(None, _issued(6, 1))
    client._on_socket_message(None, _issued(7, 2))
    client._merge_snapshot(contract.State.model_validate(_snapshot(6, 1, 300)))
    assert client.state.seq == 7
    assert client.state.service(1).waiting == 2
    assert client.state.service(1).eta_seconds == 300  # taken from the snapshot
    assert announced == [6, 7]


def test_refetch_newer_than_the_stream_waits_for_the_events(streaming_client: HubClient) -> None:
    """A snapshot at seq 7 while the client is at 5: events 6 and 7 are still announced, then the snapshot holds."""
    client = streaming_client
    announced: list[int] = []
    client.event_received.connect(lambda event: announced.append(event.seq))
    client._merge_snapshot(contract.State.model_validate(_snapshot(7, 2, 600)))
    assert client.state.seq == 5 and not client.settled
    client._on_socket_message(None, _issued(6, 1))
    assert client.state.seq == 6 and client.state.service(1).eta_seconds == 0
    client._on_socket_message(None, _issued(7, 2))
    assert announced == [6, 7]
    assert client.state.seq == 7
    assert client.state.service(1).eta_seconds == 600
    assert client.state.to_snapshot().to_dict() == _snapshot(7, 2, 600)


def test_events_already_in_the_snapshot_are_skipped(streaming_client: HubClient) -> None:
    """Replayed events at or below the snapshot's seq are not applied again."""
    client = streaming_client
    client._on_socket_message(None, _issued(4, 9))
    client._on_socket_message(None, _issued(5, 9))
    assert client.state.seq == 5 and client.state.service(1).waiting == 0


def test_an_unknown_event_type_is_skipped_but_counts(streaming_client: HubClient) -> None:
    """A newer hub's event type is announced as UnknownEvent, changes nothing, and is no gap."""
    client = streaming_client
    heard: list[contract.EventBase] = []
    client.event_received.connect(heard.append)
    client._on_socket_message(None, frame(6, "visit.rated", stars=5))
    client._on_socket_message(None, _issued(7, 1, waiting=1, eta_seconds=300))
    assert [type(e).__name__ for e in heard] == ["UnknownEvent", "TicketIssued"]
    assert client.state.seq == 7 and client.resync_count == 0
    assert client.state.service(1).eta_seconds == 300


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", frame(6, "ticket.called"), frame(6, "ticket.issued", ticket={"id": "x"}), "{" * 10_000,
     frame(6, "counter.paused", counter=counter_json(1, status="asleep"))],
)
def test_a_malformed_frame_resyncs(streaming_client: HubClient, text: str) -> None:
    """A frame that is not an event of the contract is not applied; the client starts over from /state."""
    client = streaming_client
    client._running = True
    heard: list[Any] = []
    client.event_received.connect(heard.append)
    client._on_socket_message(None, text)
    assert heard == [] and client.state.seq == 5 and client.resync_count == 1
    client.stop()


@pytest.mark.parametrize(
    "reload",
    [
        {"kind": "day.rolled", "business_day": "2026-11-25", "previous_business_day": "2026-11-24", "expired": 0,
         "closed_at_rollover": 0},
        {"kind": "config.changed"},
    ],
)
def test_a_new_day_or_configuration_reads_the_snapshot_once(qapp, qtbot, tmp_path: Path, odd_hub, reload) -> None:
    """day.rolled and config.changed each cost exactly one GET /state; ticket and counter events with rows cost none."""
    _, answers = odd_hub
    client = connected_client(qtbot, tmp_path, odd_hub, "kiosk-reload", "kiosk", "t", 5)
    qtbot.waitUntil(lambda: client.settled, timeout=10_000)

    def state_reads() -> int:
        return sum(1 for method, path, _, _ in answers.requests if (method, path) == ("GET", "/api/v1/state"))

    assert state_reads() == 1
    client._on_socket_message(client._socket, _issued(6, 1, waiting=1, eta_seconds=300))
    paused = counter_json(1, status="paused", pause_reason="prayer")
    client._on_socket_message(client._socket, frame(7, "counter.paused", counter=paused,
                                                   services=[service_json(1, "A", waiting=1, eta_seconds=None, open_counters=0)]))
    assert client.settled and client.state.service(1).open_counters == 0
    fields = dict(reload)
    with qtbot.waitSignal(client.state_loaded, timeout=10_000):
        client._on_socket_message(client._socket, frame(8, fields.pop("kind"), **fields))
    qtbot.waitUntil(lambda: client.settled, timeout=10_000)
    assert state_reads() == 2 and client.state.seq == 8
    client.stop()


def test_ticket_events_with_rows_need_no_refetch(qapp: QApplication, tmp_path: Path) -> None:
    """With the service's row in the event no /state is asked for; without it (an older hub), one is."""
    client = HubClient("http://hub:8470", config_dir=tmp_path)
    client._replace_state(contract.State.model_validate(_snapshot(5, 0, 0)))
    client._state_ready, client._socket = True, None
    client._on_socket_message(None, _issued(6, 1, waiting=1, eta_seconds=300))
    assert not client._refresh_wanted and not client._refresh_timer.isActive()
    client._on_socket_message(None, _issued(7, 2))
    assert client._refresh_wanted or client._refresh_timer.isActive()
    client.stop()


# --- a hub that hangs -------------------------------------------------------------------------


def _state_answer(seq: int = 0) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(_snapshot(seq, 0, 0)).encode()


def connected_client(qtbot, tmp_path: Path, odd_hub, name: str, kind: str, token: str, seq: int) -> HubClient:
    """A client enrolled as `name` on the stand-in hub, whose /state is at `seq`, with its socket open."""
    url, answers = odd_hub
    answers.by_path["/api/v1/state"] = _state_answer(seq)
    TokenStore(tmp_path).save(StoredDevice(url, name, kind, token))
    client = HubClient(url, device_name=name, kind=kind, config_dir=tmp_path)
    with qtbot.waitSignal(client.connected, timeout=10_000):
        client.start()
    return client


def test_unanswered_pings_drop_a_dead_socket(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """A hub that stops answering (power cut, pulled cable) is noticed by ping and the client resyncs."""
    url, answers = odd_hub
    answers.by_path["/api/v1/state"] = _state_answer()
    TokenStore(tmp_path).save(StoredDevice(url, "board", "display", "t"))
    client = HubClient(url, device_name="board", kind="display", config_dir=tmp_path, ping_interval_ms=200)
    with qtbot.waitSignal(client.connected, timeout=10_000):
        client.start()
    assert client.online
    with qtbot.waitSignal(client.online_changed, timeout=10_000) as blocker:
        pass
    assert blocker.args == [False]
    qtbot.waitUntil(lambda: client.state_fetch_count >= 2, timeout=10_000)
    assert client.resync_count >= 1
    client.stop()


def test_event_socket_that_never_opens_is_given_up(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """An upgrade the hub never completes times out; the client tries again instead of waiting forever."""
    url, answers = odd_hub
    answers.events_socket = "stall"
    answers.by_path["/api/v1/state"] = _state_answer()
    TokenStore(tmp_path).save(StoredDevice(url, "board", "display", "t"))
    client = HubClient(url, device_name="board", kind="display", config_dir=tmp_path, timeout_ms=300)
    client.start()
    qtbot.waitUntil(lambda: client.state_fetch_count >= 2, timeout=10_000)
    assert not client.online
    client.stop()


def test_the_token_travels_in_the_header_not_the_url(qapp: QApplication, qtbot, tmp_path: Path, odd_hub) -> None:
    """The event socket sends the token as a Bearer header, so it stays out of the hub's access log."""
    _, answers = odd_hub
    client = connected_client(qtbot, tmp_path, odd_hub, "board", "display", "secret-t", 41)
    _, path, headers, _ = next(request for request in answers.requests if request[1].startswith("/api/v1/events"))
    assert path == "/api/v1/events?since=41"
    assert headers["authorization"] == "Bearer secret-t"
    client.stop()
