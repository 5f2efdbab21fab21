"""The Qt apps' one connection to the hub: HTTP calls, enrollment, and the live state.

Everything runs on the Qt event loop (QNetworkAccessManager and QWebSocket): no threads,
no blocking calls, no polling.

    client = HubClient("http://10.0.0.2:8470", device_name="kiosk-1", kind="kiosk", enroll_code="4711")
    client.state_loaded.connect(view.rebuild)
    client.event_received.connect(view.on_event)
    client.online_changed.connect(banner.set_online)
    client.start()
    client.issue_ticket(1, "normal", on_done=lambda ticket, error: ...)

Callbacks take `(result, error)`: the answer parsed once into its contract model
(core/contract.py; None for 204) and None, or None and a HubError. An answer that is not the
contract's is a `bad_response` HubError. `request()`/`get()`/`post()` without `answer=` give
the decoded JSON (tools and tests). A request without a callback reports its failure on the
`error` signal.

The live state follows the resync rule of docs/api.md: load `GET /state`, open
`WS /events?since=<seq>`, apply each event whose `seq` is the next one; on a gap, a
malformed frame or a dropped socket, load `/state` again and reopen from its `seq`. Each
frame is parsed once (`parse_event`) into its event model and applied to the local
`HubState`; views get the model (`event_received`) and dispatch it by type to
`on_<name>` handlers (`HubEventHandlers`). An event type this version does not know is
skipped, but its `seq` counts.

Events carry what changed (a ticket event its service's row, a counter event the rows of
its services), so `/state` is fetched again only after `day.rolled`, `config.changed`, a
gap or a reconnect, or when an event from an older hub lacks those rows (coalesced to at
most one fetch per `refresh_interval_ms`).

Three modules share the work: `core/live_state.py` is the state model (pure, no Qt),
`qt_common/device_tokens.py` keeps the device token on disk, `qt_common/hub_errors.py` is the
client's error; this module is the client itself. Their names are importable from here too.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCryptographicHash,
    QElapsedTimer,
    QObject,
    QTimer,
    QUrl,
    QUrlQuery,
    Signal,
)
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkProxy,
    QNetworkReply,
    QNetworkRequest,
    QSslCertificate,
    QSslConfiguration,
    QSslError,
)
from PySide6.QtWebSockets import QWebSocket, QWebSocketProtocol

from pydantic import TypeAdapter, ValidationError

from core import contract
from core.contract import EventBase, State, parse_event
from core.live_state import RECENT_CALLS_KEPT, RELOAD_EVENTS, HubState, parse_state
from core.models import DeviceKind, EventType, Priority
from qt_common.device_tokens import (
    CONFIG_DIR_ENV,
    MAX_NAME_LENGTH,
    StoredDevice,
    TokenStore,
    check_device_name,
    default_config_dir,
    fingerprint_or_none,
    normalize_hub_url,
)
from qt_common.hub_errors import (
    BAD_RESPONSE,
    CERTIFICATE_CHANGED,
    NOT_ENROLLED,
    RESPONSE_TOO_LARGE,
    UNREACHABLE,
    Callback,
    HubError,
    worth_retrying,
)
from qt_common.i18n import text_of
from qt_common.refusals import REVOKED_CODES, Refusal, explain

__all__ = [
    # the state model, the token store and the errors, importable from here as before
    "BAD_RESPONSE", "CERTIFICATE_CHANGED", "CONFIG_DIR_ENV", "MAX_NAME_LENGTH", "NOT_ENROLLED",
    "RECENT_CALLS_KEPT", "RESPONSE_TOO_LARGE", "UNREACHABLE",
    "Callback", "HubError", "HubState", "StoredDevice", "TokenStore",
    "check_device_name", "default_config_dir", "normalize_hub_url", "parse_event", "parse_state",
    # the client
    "API_PREFIX", "DEFAULT_REFRESH_EVENTS", "HUB_FINGERPRINT_ENV", "STRUCTURAL_REFRESH_EVENTS",
    "HubClient", "HubEventHandlers", "PendingRequest", "TicketAction",
    "backoff_delay_ms", "certificate_fingerprint",
]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: the fingerprint ("sha256:…", as the hub prints it at start) a device must see when it enrolls
HUB_FINGERPRINT_ENV = "TABOUR_HUB_FINGERPRINT"

#: 401 answers about what the clerk typed, not about the token that carried the request
_CREDENTIAL_ERRORS = frozenset({"wrong_pin", "locked_out"})

#: the hub closes the event socket with this code when the token is bad
WS_CLOSE_BAD_TOKEN = 4401
#: ... with this one when this device (or the hub) holds all the sockets it may: back off
WS_CLOSE_TOO_MANY = 4429

MAX_ID = 2**53

#: events after which only a fresh /state is exact: a new business day (every queue restarts)
#: or a new configuration (services, counters, boards). Every other event carries what changed.
STRUCTURAL_REFRESH_EVENTS = RELOAD_EVENTS
#: kiosks, counters and boards alike: events say what changed, so nobody refetches for them
DEFAULT_REFRESH_EVENTS = STRUCTURAL_REFRESH_EVENTS


def certificate_fingerprint(certificate: QSslCertificate) -> str:
    """"sha256:" and the hex SHA-256 of the certificate's DER bytes, as the hub prints it."""
    return "sha256:" + bytes(certificate.digest(QCryptographicHash.Algorithm.Sha256).data()).hex()


def backoff_delay_ms(failures: int, jitter: float = 1.0) -> int:
    """The wait before the next attempt: 0.5 s, 1 s, 2 s, 4 s, then 5 s for good.

    `jitter` (1.0–1.2) spreads a hall's devices so they do not all knock at once when the
    hub comes back; it never takes the wait past 5 s.
    """
    base = 500 * 2 ** min(max(failures, 0), 4)
    return int(min(5000, base * jitter))


# --- typed handlers -------------------------------------------------------------------------


class HubEventHandlers:
    """Mixin for a view: `on_ticket_called(event)`, `on_counter_paused(event)`… are called per event.

        class Board(QWidget, HubEventHandlers):
            def on_ticket_called(self, event: TicketCalled): ...

        board.connect_hub(client)

    Each event arrives as its contract model (core/contract.py) and goes to the handler named
    after its type (`handler_for`); an event without a handler here, or of a type this version
    does not know (`UnknownEvent`), goes to `on_unhandled_event`. `on_state_loaded(state)`
    follows every snapshot, with the contract's `State`.
    """

    def connect_hub(self, client: HubClient) -> None:
        client.event_received.connect(self.dispatch_hub_event)
        client.state_loaded.connect(self.on_state_loaded)

    def dispatch_hub_event(self, event: EventBase) -> None:
        handler = getattr(self, contract.handler_for(event), None)
        if callable(handler):
            handler(event)
        else:
            self.on_unhandled_event(event)

    def on_state_loaded(self, state: State) -> None:
        """Rebuild from a full snapshot; the default does nothing."""

    def on_unhandled_event(self, event: EventBase) -> None:
        """An event without a handler; the default ignores it."""


# --- the client -----------------------------------------------------------------------------


class TicketAction(StrEnum):
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    CANCEL = "cancel"


class PendingRequest:
    """A request on its way; `abort()` drops it without calling back."""

    def __init__(self) -> None:
        self.reply: QNetworkReply | None = None
        self.aborted = False
        self.finished = False

    def abort(self) -> None:
        self.aborted = True
        if self.reply is not None and not self.finished:
            self.reply.abort()


@dataclass
class _RequestSpec:
    method: str
    path: str
    body: Any
    params: Mapping[str, Any] | None
    auth: str  # "auto" (session if logged in, else device), "device", "none"
    on_done: Callback | None
    answer: TypeAdapter[Any] | None  # the contract's model of a 2xx answer; None: the decoded JSON
    handle: PendingRequest
    retried: bool = False


@dataclass
class _ReplyContext:
    spec: _RequestSpec
    token_kind: str | None  # "session", "device" or None
    too_large: bool = False
    refused_certificate: str | None = None  # the fingerprint of a hub certificate not pinned


# the contract's answers, one adapter each (building a TypeAdapter is costly; validating is not)
_ENROLLMENT = TypeAdapter(contract.Enrollment)
_HEALTH = TypeAdapter(contract.Health)
_STATE = TypeAdapter(contract.State)
_SERVICES = TypeAdapter(list[contract.Service])
_TICKET = TypeAdapter(contract.Ticket)
_TICKET_WITH_HISTORY = TypeAdapter(contract.TicketWithHistory)
_TICKETS = TypeAdapter(list[contract.Ticket])
_SESSION = TypeAdapter(contract.Session)
_COUNTER = TypeAdapter(contract.Counter)
_PIN_CHECK = TypeAdapter(contract.PinCheck)
_STATS = TypeAdapter(contract.Stats)
_MY_SCORECARD = TypeAdapter(contract.MyScorecard)
_DEVICES = TypeAdapter(list[contract.Device])


class _Refusal(contract.Wire):
    """A refusal as read: the contract's `Error`, with its texts optional, since a proxy or an
    older hub may send the code alone (the client's own words stand in)."""

    error: str
    message: str | None = None
    message_ar: str | None = None
    details: list[contract.ErrorDetail] | None = None


_REFUSAL = TypeAdapter(_Refusal)


def _check_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return value


def _check_text(value: Any, what: str, max_length: int = 200) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {type(value).__name__}")
    if len(value) > max_length:
        raise ValueError(f"{what} is longer than {max_length} characters")
    return value


class HubClient(QObject):
    """One hub, one device: requests, enrollment, clerk session, and the live state."""

    connected = Signal()  # the event socket is open
    disconnected = Signal()  # the event socket closed (a resync reopens it)
    online_changed = Signal(bool)  # True while the live state is current
    state_loaded = Signal(object)  # contract.State: a full /state replaced the local state
    state_changed = Signal()  # the local state changed (an event or a snapshot)
    event_received = Signal(object)  # contract.EventBase: one event, after it was applied to `state`
    error = Signal(object)  # HubError: failures no callback took
    enrolled = Signal(object)  # contract.Enrollment: the enrollment answer (token blanked)
    enrollment_required = Signal()  # no usable token and no enrollment code: ask for one
    session_changed = Signal(object)  # contract.Session (the login answer, token blanked) or None
    problem_changed = Signal(object)  # Refusal: why the client cannot join the hub (logged), or None once live

    def __init__(
        self,
        hub_url: str,
        *,
        device_name: str | None = None,
        kind: DeviceKind | str | None = None,
        enroll_code: str | None = None,
        config_dir: Path | str | None = None,
        timeout_ms: int = 10_000,
        refresh_events: Iterable[str] = DEFAULT_REFRESH_EVENTS,
        refresh_on_missing_rows: bool = True,
        refresh_interval_ms: int = 250,
        ping_interval_ms: int = 15_000,
        max_response_bytes: int = 16 * 1024 * 1024,
        expected_fingerprint: str | None = None,
        adopt_enrolled: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """`adopt_enrolled`: without a token under `device_name`, use this computer's enrollment
        of the same kind with this hub (the name was derived from a flag that changed).
        `refresh_events`: event types after which /state is fetched again (a new day or
        configuration); `refresh_on_missing_rows`: also after an event from an older hub that
        lacks the rows of what changed (a board, which shows no estimates, needs none)."""
        super().__init__(parent)
        self.hub_url = normalize_hub_url(hub_url)
        if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int) or not 100 <= timeout_ms <= 600_000:
            raise ValueError(f"timeout_ms must be 100–600000, got {timeout_ms!r}")
        self.timeout_ms = timeout_ms
        self.tokens = TokenStore(config_dir)
        self.device_name = check_device_name(device_name) if device_name is not None else None
        self.kind = DeviceKind(kind).value if kind is not None else None
        self.enroll_code = enroll_code
        self._device: StoredDevice | None = (
            self.tokens.load(self.hub_url, self.device_name) if self.device_name is not None else None
        )
        if self._device is None and adopt_enrolled and self.device_name is not None and self.kind is not None:
            adopted = self.tokens.find(self.hub_url, self.kind)
            if adopted is not None:
                log.info(
                    "this computer is enrolled with %s as %r already; using that enrollment instead of enrolling as %r",
                    self.hub_url, adopted.device_name, self.device_name,
                )
                self._device = adopted
                self.device_name = adopted.device_name
        #: why the client cannot join the hub right now (None while live or not yet known)
        self.problem: Refusal | None = None
        self._socket_refusals = 0
        self._session_token: str | None = None
        self.session: contract.Session | None = None
        # HTTPS: the hub's certificate is pinned, never checked against the system's authorities
        # (a branch has none); see `_certificate_accepted`.
        self.tls = self.hub_url.startswith("https://")
        given = expected_fingerprint or os.environ.get(HUB_FINGERPRINT_ENV) or None
        if given is not None and fingerprint_or_none(given.strip().lower()) is None:
            raise ValueError(f"the hub fingerprint must be sha256: and 64 hex digits, got {given[:80]!r}")
        self.expected_fingerprint = given.strip().lower() if given else None
        self._first_fingerprint: str | None = None  # seen before enrollment, pinned by it

        self._nam = QNetworkAccessManager(self)
        # The hub is on the LAN: a system-wide proxy must not stand in between.
        self._nam.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        # Connected to bound methods, never lambdas: Qt then drops the connections when this
        # client is destroyed, instead of calling into a half-destroyed object.
        self._nam.finished.connect(self._on_reply_finished)
        self._nam.sslErrors.connect(self._on_ssl_errors)
        self._replies: dict[QNetworkReply, _ReplyContext] = {}
        self._max_response_bytes = max_response_bytes
        self._enroll_waiters: list[Callable[[HubError | None], None]] | None = None

        # live state
        self.state = HubState()
        self.refresh_events = frozenset(refresh_events)
        #: an event from an older hub, without the rows of what changed, is followed by a refetch
        self.refresh_on_missing_rows = refresh_on_missing_rows
        self._refresh_interval_ms = refresh_interval_ms
        self._running = False
        self._online = False
        self._state_ready = False
        self._socket: QWebSocket | None = None
        self._socket_live = False
        self._generation = 0
        self._failures = 0
        self._applied: deque[EventBase] = deque(maxlen=2000)
        self._pending_snapshot: State | None = None
        self._refresh_wanted = False
        self._refresh_in_flight = False
        self._last_refresh = QElapsedTimer()
        #: how many times /state was fetched (initial loads, resyncs and refreshes)
        self.state_fetch_count = 0
        #: how many times the live state was rebuilt from scratch after a gap or a drop
        self.resync_count = 0

        self._retry_timer = self._single_shot(self._begin_sync)
        self._refresh_timer = self._single_shot(self._start_refresh)
        self._connect_timer = self._single_shot(self._on_connect_timeout)
        self._pong_timer = self._single_shot(self._on_pong_timeout)
        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(ping_interval_ms)
        self._ping_timer.timeout.connect(self._send_ping)

    def _single_shot(self, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        return timer

    # ---- properties ----------------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self._online

    @property
    def running(self) -> bool:
        return self._running

    @property
    def settled(self) -> bool:
        """Live, and no refetch of /state wanted, waiting or in flight: `state` is the hub's."""
        return (
            self._online
            and self._state_ready
            and not self._refresh_wanted
            and not self._refresh_in_flight
            and not self._refresh_timer.isActive()
            and self._pending_snapshot is None
        )

    @property
    def device_token(self) -> str | None:
        return self._device.token if self._device is not None else None

    @property
    def device_id(self) -> int | None:
        return self._device.device_id if self._device is not None else None

    @property
    def is_enrolled(self) -> bool:
        return self._device is not None

    @property
    def token_path(self) -> Path | None:
        if self.device_name is None:
            return None
        return self.tokens.path_for(self.hub_url, self.device_name)

    # ---- enrollment ----------------------------------------------------------------------

    def enroll(self, name: str, kind: DeviceKind | str, code: str, on_done: Callback | None = None) -> PendingRequest:
        """Exchange the enrollment `code` for a device token, stored for next time.

        A started client that was waiting for a token carries on by itself.
        """
        return self._enroll(name, kind, code, on_done, resume_sync=True)

    def _enroll(
        self, name: str, kind: DeviceKind | str, code: str, on_done: Callback | None, *, resume_sync: bool
    ) -> PendingRequest:
        name = check_device_name(name)
        kind_value = DeviceKind(kind).value
        code = _check_text(code, "enrollment code", 64)
        if not code:
            raise ValueError("the enrollment code is empty")

        def done(answer: contract.Enrollment | None, error: HubError | None) -> None:
            if error is None and (answer is None or not answer.token):
                error = HubError.from_catalogue(0, BAD_RESPONSE, "error.bad_response")
            if error is None and answer is not None:
                self.device_name, self.kind, self.enroll_code = name, kind_value, code
                self._device = StoredDevice(
                    self.hub_url, name, kind_value, answer.token, answer.device_id, time.time(),
                    self._first_fingerprint if self.tls else None,
                )
                self.tokens.save(self._device)
                answer = answer.model_copy(update={"token": ""})  # the token stays in the store
                self.enrolled.emit(answer)
                if resume_sync and self._running and not self._state_ready:
                    self._begin_sync()
            self._deliver(on_done, answer if error is None else None, error)

        return self.request(
            "POST", "/devices/enroll", {"name": name, "kind": kind_value, "code": code}, done, auth="none",
            answer=_ENROLLMENT,
        )

    def ensure_enrolled(self, on_done: Callable[[HubError | None], None]) -> None:
        """`on_done(None)` once a device token is known (enrolling with the known code if need be)."""
        if self._device is not None:
            on_done(None)
            return
        if not (self.enroll_code and self.device_name and self.kind):
            self.enrollment_required.emit()
            on_done(HubError.from_catalogue(401, NOT_ENROLLED, "error.not_enrolled"))
            return
        if self._enroll_waiters is not None:
            self._enroll_waiters.append(on_done)
            return
        self._enroll_waiters = [on_done]

        def done(_answer: Any, error: HubError | None) -> None:
            waiters, self._enroll_waiters = self._enroll_waiters or [], None
            if error is not None and error.status in (400, 403, 422):
                # A wrong or refused code: trying it again only earns a lock-out.
                log.warning("enrollment refused (%s); waiting for a new code", error.code)
                self.enroll_code = None
                self.enrollment_required.emit()
            for waiter in waiters:
                waiter(error)

        self._enroll(self.device_name, self.kind, self.enroll_code, done, resume_sync=False)

    def forget_token(self) -> None:
        """Drop the device token (the hub refused it); the file goes too."""
        if self._device is not None:
            log.warning("the hub refused the token of device %r; forgetting it", self._device.device_name)
            self.tokens.forget(self._device.hub_url, self._device.device_name)
        self._device = None

    # ---- requests ------------------------------------------------------------------------

    def get(
        self,
        path: str,
        on_done: Callback | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        answer: TypeAdapter[Any] | None = None,
    ) -> PendingRequest:
        return self.request("GET", path, None, on_done, params=params, answer=answer)

    def post(
        self, path: str, body: Any = None, on_done: Callback | None = None, *, answer: TypeAdapter[Any] | None = None
    ) -> PendingRequest:
        return self.request("POST", path, body, on_done, answer=answer)

    def delete(self, path: str, on_done: Callback | None = None) -> PendingRequest:
        return self.request("DELETE", path, None, on_done)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        on_done: Callback | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        auth: str = "auto",
        answer: TypeAdapter[Any] | None = None,
    ) -> PendingRequest:
        """Send `method path` (under /api/v1) with `body` as JSON; `on_done(result, error)` follows.

        With `answer` (a TypeAdapter of a contract model), a 2xx body is parsed into it once
        and a body that is not one is a `bad_response` error; without it, `result` is the JSON.
        """
        if method not in ("GET", "POST", "DELETE", "PUT", "PATCH"):
            raise ValueError(f"unsupported method {method!r}")
        if not isinstance(path, str) or not path.startswith("/") or "://" in path or len(path) > 2000:
            raise ValueError(f"path must start with '/' and stay on the hub, got {str(path)[:80]!r}")
        if ".." in path.split("/") or "?" in path or "#" in path:
            raise ValueError(f"path must not hold '..', a query or a fragment (use params=): {path[:80]!r}")
        if auth not in ("auto", "device", "none"):
            raise ValueError(f"auth must be 'auto', 'device' or 'none', got {auth!r}")
        if body is not None:
            json.dumps(body, allow_nan=False)  # refuse NaN and unencodable values here, loudly
        spec = _RequestSpec(method, path, body, params, auth, on_done, answer, PendingRequest())
        self._send(spec)
        return spec.handle

    def _send(self, spec: _RequestSpec) -> None:
        if spec.handle.aborted:
            return
        token_kind: str | None = None
        token: str | None = None
        if spec.auth != "none":
            if spec.auth == "auto" and self._session_token is not None:
                token_kind, token = "session", self._session_token
            elif self._device is not None:
                token_kind, token = "device", self._device.token
            else:
                # No token yet: enroll with the known code, then send.
                def after_enrollment(error: HubError | None) -> None:
                    if error is not None:
                        self._finish(spec, None, error)
                    else:
                        self._send(spec)

                self.ensure_enrolled(after_enrollment)
                return
        url = QUrl(self.hub_url + API_PREFIX + spec.path)
        if spec.params:
            query = QUrlQuery()
            for key, value in spec.params.items():
                if value is not None:
                    query.addQueryItem(str(key), str(value))
            url.setQuery(query)
        request = QNetworkRequest(url)
        if self.tls:
            request.setSslConfiguration(self._ssl_configuration())
        request.setTransferTimeout(self.timeout_ms)
        request.setRawHeader(b"Accept", b"application/json")
        if token is not None:
            request.setRawHeader(b"Authorization", f"Bearer {token}".encode())
        data = QByteArray()
        if spec.body is not None:
            request.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
            data = QByteArray(json.dumps(spec.body, ensure_ascii=False, allow_nan=False).encode("utf-8"))
        reply = self._nam.sendCustomRequest(request, spec.method.encode(), data)
        spec.handle.reply = reply
        self._replies[reply] = _ReplyContext(spec, token_kind)
        reply.downloadProgress.connect(self._on_download_progress)

    # ---- the pinned certificate --------------------------------------------------------

    @staticmethod
    def _ssl_configuration() -> QSslConfiguration:
        """No certificate authority at all: every handshake comes to `_certificate_accepted`,
        which takes the one certificate this device pinned (a CA-signed impostor included)."""
        configuration = QSslConfiguration.defaultConfiguration()
        configuration.setCaCertificates([])
        return configuration

    @property
    def pinned_fingerprint(self) -> str | None:
        return self._device.certificate_fingerprint if self._device is not None else None

    def _certificate_accepted(self, certificate: QSslCertificate) -> bool:
        """Before a byte of the request is sent: is this the hub's certificate?"""
        if certificate.isNull():
            return False
        seen = certificate_fingerprint(certificate)
        pinned = self.pinned_fingerprint or self.expected_fingerprint
        if pinned is not None:
            if seen != pinned:
                return False
            if self._device is None:
                self._first_fingerprint = seen  # the one given beforehand: the enrollment pins it
            return True
        if self._device is not None:
            # Enrolled before pins were kept: pin what the hub shows now.
            self._device = replace(self._device, certificate_fingerprint=seen)
            self.tokens.save(self._device)
            return True
        # Not enrolled yet: the first certificate is the one the enrollment will pin.
        if self._first_fingerprint is None:
            log.info("the hub's certificate is %s; this device pins it when it enrolls", seen)
        self._first_fingerprint = seen
        return True

    def _certificate_refused(self, certificate: QSslCertificate) -> HubError:
        seen = certificate_fingerprint(certificate) if not certificate.isNull() else "none"
        expected = self.pinned_fingerprint or self.expected_fingerprint or "?"
        log.error("the hub at %s shows certificate %s, not the pinned %s; nothing was sent", self.hub_url, seen, expected)
        return HubError.from_catalogue(0, CERTIFICATE_CHANGED, "error.certificate_changed", expected=expected, seen=seen)

    def _on_ssl_errors(self, reply: QNetworkReply, errors: list[QSslError]) -> None:
        certificate = reply.sslConfiguration().peerCertificate()
        if self._certificate_accepted(certificate):
            reply.ignoreSslErrors()
            return
        context = self._replies.get(reply)
        if context is not None:
            context.refused_certificate = certificate_fingerprint(certificate) if not certificate.isNull() else "none"

    def _on_download_progress(self, received: int, total: int) -> None:
        reply = self.sender()
        context = self._replies.get(reply)  # type: ignore[call-overload]
        if context is not None and not context.too_large and max(received, total) > self._max_response_bytes:
            context.too_large = True
            reply.abort()  # type: ignore[union-attr]

    def _on_reply_finished(self, reply: QNetworkReply) -> None:
        context = self._replies.pop(reply, None)
        reply.deleteLater()
        if context is None:
            return
        spec = context.spec
        if spec.handle.aborted:
            spec.handle.finished = True
            return
        result, error = self._decode(reply, context)
        if error is not None and error.status == 401 and error.code not in _CREDENTIAL_ERRORS:
            if context.token_kind == "session":
                self._end_session()
            elif context.token_kind == "device":
                self.forget_token()
                if error.code in REVOKED_CODES:
                    # Revoked on purpose: enrolling again by itself would undo the administrator.
                    self.enroll_code = None
                    self.enrollment_required.emit()
                    self._finish(spec, None, error)
                    return
                if not spec.retried and self.enroll_code and self.device_name and self.kind:
                    spec.retried = True
                    self._send(spec)  # enrolls again first, then repeats the request once
                    return
                self.enrollment_required.emit()
                error = HubError.from_catalogue(401, NOT_ENROLLED, "error.not_enrolled")
        self._finish(spec, result, error)

    def _decode(self, reply: QNetworkReply, context: _ReplyContext) -> tuple[Any, HubError | None]:
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if context.refused_certificate is not None:
            return None, self._certificate_refused(reply.sslConfiguration().peerCertificate())
        if context.too_large:
            return None, HubError.from_catalogue(status or 0, RESPONSE_TOO_LARGE, "error.response_too_large")
        if status is None:
            log.info("hub unreachable: %s", reply.errorString())
            return None, HubError.from_catalogue(0, UNREACHABLE, "error.unreachable")
        raw = bytes(reply.readAll().data())
        if 200 <= status < 300:
            if status == 204 or not raw.strip():
                return None, None
            adapter = context.spec.answer
            try:
                return (json.loads(raw) if adapter is None else adapter.validate_json(raw)), None
            except ValidationError as problem:
                log.warning("%s %s: the answer is not the contract's: %s", context.spec.method, context.spec.path,
                            problem.errors(include_url=False)[:3])
                return None, HubError.from_catalogue(status, BAD_RESPONSE, "error.bad_response")
            except (ValueError, RecursionError):
                return None, HubError.from_catalogue(status, BAD_RESPONSE, "error.bad_response")
        retry_after = None
        header = next(
            (bytes(value.data()) for name, value in reply.rawHeaderPairs() if bytes(name.data()).lower() == b"retry-after"),
            b"",
        )
        if header:
            try:
                retry_after = float(header.decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                retry_after = None
        try:
            refusal = _REFUSAL.validate_json(raw) if raw.strip() else None
        except (ValidationError, ValueError, RecursionError):
            refusal = None
        if refusal is not None:
            fallback = text_of("error.unexpected")
            return None, HubError(
                status,
                refusal.error,
                refusal.message or fallback.en.format(status=status),
                refusal.message_ar or fallback.ar.format(status=status),
                retry_after=retry_after,
                details=refusal.details,
            )
        error = HubError.from_catalogue(status, f"http_{status}", "error.unexpected", status=status)
        error.retry_after = retry_after
        return None, error

    def _finish(self, spec: _RequestSpec, result: Any, error: HubError | None) -> None:
        spec.handle.finished = True
        if spec.handle.aborted:
            return
        self._deliver(spec.on_done, result, error)

    def _deliver(self, on_done: Callback | None, result: Any, error: HubError | None) -> None:
        if on_done is not None:
            on_done(result, error)
        elif error is not None:
            self.error.emit(error)

    # ---- the calls of docs/api.md --------------------------------------------------------

    def health(self, on_done: Callback | None = None) -> PendingRequest:
        return self.request("GET", "/health", None, on_done, auth="none", answer=_HEALTH)

    def fetch_state(self, on_done: Callback | None = None) -> PendingRequest:
        return self.get("/state", on_done, answer=_STATE)

    def services(self, on_done: Callback | None = None) -> PendingRequest:
        return self.get("/services", on_done, answer=_SERVICES)

    def issue_ticket(
        self, service_id: int, priority: Priority | str = Priority.NORMAL, on_done: Callback | None = None
    ) -> PendingRequest:
        body = {"service_id": _check_id(service_id, "service_id"), "priority": Priority(priority).value}
        return self.post("/tickets", body, on_done, answer=_TICKET)

    def get_ticket(self, ticket_id: int, on_done: Callback | None = None) -> PendingRequest:
        return self.get(f"/tickets/{_check_id(ticket_id, 'ticket_id')}", on_done, answer=_TICKET_WITH_HISTORY)

    def list_tickets(
        self,
        status: str | None = "waiting",
        service_id: int | None = None,
        on_done: Callback | None = None,
        *,
        clerk: str | None = None,
        limit: int | None = None,
    ) -> PendingRequest:
        """Today's tickets, ordered by issue (`clerk="me"`: the session's own clerk)."""
        params = {
            "status": status,
            "service_id": _check_id(service_id, "service_id") if service_id is not None else None,
            "clerk": _check_text(clerk, "clerk", 40) if clerk is not None else None,
            "limit": _check_id(limit, "limit") if limit is not None else None,
        }
        return self.get("/tickets", on_done, params=params, answer=_TICKETS)

    def list_devices(self, on_done: Callback | None = None) -> PendingRequest:
        """Every enrolled device (a supervisor's session or an admin device)."""
        return self.get("/devices", on_done, answer=_DEVICES)

    def check_supervisor_pin(self, pin: str, on_done: Callback | None = None) -> PendingRequest:
        """Whose PIN it is, when a supervisor's or admin's (opens no session)."""
        return self.request("POST", "/supervisor/check-pin", {"pin": _check_text(pin, "PIN", 12)}, on_done,
                            auth="device", answer=_PIN_CHECK)

    def login(self, username: str, pin: str, counter_id: int, on_done: Callback | None = None) -> PendingRequest:
        """Clerk login at a counter; later requests carry the session token until `logout()`."""
        body = {
            "username": _check_text(username, "username", 40),
            "pin": _check_text(pin, "PIN", 12),
            "counter_id": _check_id(counter_id, "counter_id"),
        }

        def done(answer: contract.Session | None, error: HubError | None) -> None:
            if error is None and (answer is None or not answer.token):
                error = HubError.from_catalogue(0, BAD_RESPONSE, "error.bad_response")
            if error is None and answer is not None:
                self._session_token = answer.token
                self.session = answer.model_copy(update={"token": ""})  # the token stays here
                self.state.adopt_counter(answer.counter)
                self.session_changed.emit(self.session)
                answer = self.session
            self._deliver(on_done, answer if error is None else None, error)

        return self.request("POST", "/sessions", body, done, auth="device", answer=_SESSION)

    def logout(self, on_done: Callback | None = None) -> PendingRequest:
        """End the clerk's session (the hub closes the counter).

        The session is forgotten only when the hub ended it (or no longer knows it, 401); a
        refusal (409, e.g. a ticket still in hand) or a network failure keeps it, so the clerk
        is never left logged in at the hub with a client that cannot act for them.
        """

        def done(answer: Any, error: HubError | None) -> None:
            if error is None or error.status == 401:
                self._end_session()
            self._deliver(on_done, answer, error)

        return self.delete("/sessions/current", done)

    def _end_session(self) -> None:
        had_session = self._session_token is not None
        self._session_token = None
        self.session = None
        if had_session:
            self.session_changed.emit(None)

    def call_next(self, counter_id: int, on_done: Callback | None = None) -> PendingRequest:
        """The next ticket by the call-next rule; the result is None when nobody waits (204)."""
        return self.post(f"/counters/{_check_id(counter_id, 'counter_id')}/call-next", None, on_done, answer=_TICKET)

    def call_number(self, counter_id: int, number: str, on_done: Callback | None = None) -> PendingRequest:
        body = {"number": _check_text(number, "ticket number", 12)}
        return self.post(f"/counters/{_check_id(counter_id, 'counter_id')}/call", body, on_done, answer=_TICKET)

    def ticket_action(self, ticket_id: int, action: TicketAction | str, on_done: Callback | None = None) -> PendingRequest:
        """recall, start, finish, no-show or cancel."""
        step = TicketAction(action).value
        return self.post(f"/tickets/{_check_id(ticket_id, 'ticket_id')}/{step}", None, on_done, answer=_TICKET)

    def transfer(self, ticket_id: int, service_id: int, on_done: Callback | None = None) -> PendingRequest:
        body = {"service_id": _check_id(service_id, "service_id")}
        return self.post(f"/tickets/{_check_id(ticket_id, 'ticket_id')}/transfer", body, on_done, answer=_TICKET)

    def pause_counter(self, counter_id: int, reason: str, on_done: Callback | None = None) -> PendingRequest:
        """Pause with a reason: "prayer", "break", "back_office" or free text (the hub checks it)."""
        body = {"reason": _check_text(reason, "pause reason", 80)}
        return self._counter_step(f"/counters/{_check_id(counter_id, 'counter_id')}/pause", body, on_done)

    def resume_counter(self, counter_id: int, on_done: Callback | None = None) -> PendingRequest:
        return self._counter_step(f"/counters/{_check_id(counter_id, 'counter_id')}/resume", None, on_done)

    def close_counter(self, counter_id: int, on_done: Callback | None = None) -> PendingRequest:
        return self._counter_step(f"/counters/{_check_id(counter_id, 'counter_id')}/close", None, on_done)

    def open_counter(self, counter_id: int, on_done: Callback | None = None) -> PendingRequest:
        """Open a closed counter again for the clerk already logged in there."""
        return self._counter_step(f"/counters/{_check_id(counter_id, 'counter_id')}/open", None, on_done)

    def _counter_step(self, path: str, body: Any, on_done: Callback | None) -> PendingRequest:
        """A counter's status step; its answer (the counter after it) goes into the state too."""

        def done(answer: contract.Counter | None, error: HubError | None) -> None:
            if error is None and answer is not None:
                self.state.adopt_counter(answer)
            self._deliver(on_done, answer, error)

        return self.post(path, body, done, answer=_COUNTER)

    def report_device_status(self, status: Mapping[str, Any], on_done: Callback | None = None) -> PendingRequest:
        """E.g. `{"printer": "paper_out"}`; the hub emits it as a `device.status` event."""
        if not isinstance(status, Mapping):
            raise ValueError(f"status must be a mapping, not {type(status).__name__}")
        return self.request("POST", "/devices/status", {"status": dict(status)}, on_done, auth="device")

    def stats(
        self, date_from: str, date_to: str, group_by: str | None = None, on_done: Callback | None = None
    ) -> PendingRequest:
        """KPIs between two business days (YYYY-MM-DD), optionally grouped (service, counter, clerk, hour)."""
        params = {"from": _check_text(date_from, "from", 32), "to": _check_text(date_to, "to", 32), "group_by": group_by}
        return self.get("/stats", on_done, params=params, answer=_STATS)

    def my_scorecard(self, month: str | None = None, on_done: Callback | None = None) -> PendingRequest:
        """The logged-in clerk's own scorecard for a month (YYYY-MM; None: this month)."""
        params = {"month": _check_text(month, "month", 7) if month is not None else None}
        return self.get("/sessions/current/scorecard", on_done, params=params, answer=_MY_SCORECARD)

    # ---- live state ----------------------------------------------------------------------

    def start(self) -> None:
        """Load the state and follow the events until `stop()`; reconnects by itself."""
        if self._running:
            return
        self._running = True
        self._failures = 0
        self._begin_sync()

    def stop(self) -> None:
        """Stop following the hub and abandon requests still on their way (no callbacks follow).

        Call it before dropping a client: Qt's network objects must not be torn down by
        Python's garbage collector in the middle of a request.
        """
        self._running = False
        self._generation += 1
        for timer in (self._retry_timer, self._refresh_timer, self._connect_timer, self._pong_timer, self._ping_timer):
            timer.stop()
        self._close_socket()
        self._state_ready = False
        for reply, context in list(self._replies.items()):
            context.spec.handle.aborted = True
            reply.abort()
        self._enroll_waiters = None
        self._set_online(False)

    def request_refresh(self) -> None:
        """Refetch /state soon: at most one fetch in flight and one per refresh interval."""
        if not self._state_ready:
            return
        self._refresh_wanted = True
        if self._refresh_in_flight or self._refresh_timer.isActive():
            return
        elapsed = self._last_refresh.elapsed() if self._last_refresh.isValid() else self._refresh_interval_ms
        self._refresh_timer.start(max(0, self._refresh_interval_ms - elapsed))

    def resync(self, reason: str = "asked") -> None:
        """Rebuild the live state from scratch: reload /state, reopen the socket from its seq."""
        if not self._running:
            return
        log.info("resync: %s", reason)
        self.resync_count += 1
        self._begin_sync()

    def _set_online(self, online: bool) -> None:
        if online:
            self._set_problem(None)
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)

    def _set_problem(self, error: HubError | None) -> None:
        """Remember (and log, once per change) why the client cannot join; None once it is live."""
        if error is None:
            if self.problem is not None:
                log.info("joined the hub at %s again (was: %s)", self.hub_url, self.problem.code)
                self.problem = None
                self.problem_changed.emit(None)
            return
        refusal = explain(error, self.hub_url, self.kind)
        if self.problem is not None and self.problem == refusal:
            return
        if self.problem is None or self.problem.code != refusal.code:
            log.warning("cannot join the hub at %s: %s", self.hub_url, refusal.log_line())
        self.problem = refusal
        self.problem_changed.emit(refusal)

    def _begin_sync(self) -> None:
        if not self._running:
            return
        self._generation += 1
        generation = self._generation
        self._retry_timer.stop()
        self._refresh_timer.stop()
        self._close_socket()
        self._state_ready = False
        self._pending_snapshot = None
        self._refresh_wanted = False
        self._refresh_in_flight = False
        self.state_fetch_count += 1
        self.get("/state", lambda answer, error: self._on_sync_state(generation, answer, error), answer=_STATE)

    def _on_sync_state(self, generation: int, answer: State | None, error: HubError | None) -> None:
        if generation != self._generation or not self._running:
            return
        if error is None and answer is None:
            log.warning("the hub's /state is empty")
            error = HubError.from_catalogue(0, BAD_RESPONSE, "error.bad_response")
        if error is None and answer is not None:
            self._replace_state(answer)
        if error is not None:
            self._set_online(False)
            self._set_problem(error)
            if not error.unreachable:
                self.error.emit(error)
            if worth_retrying(error):
                self._schedule_retry()
            # Otherwise (not enrolled, a refused code) wait for enroll() or start() again.
            return
        self._state_ready = True
        self._open_socket(generation)

    def _replace_state(self, snapshot: State, replay: Iterable[EventBase] = ()) -> None:
        """Adopt `snapshot` and the events after it; views hear `state_loaded` with the result."""
        state = HubState.from_snapshot(snapshot, recent_calls_kept=self.state.recent_calls_kept)
        state.device_statuses = self.state.device_statuses  # not in /state: kept from the events
        self._applied.clear()
        for event in replay:
            state.apply(event)
            self._applied.append(event)
        self.state = state
        self._pending_snapshot = None
        self.state_loaded.emit(state.to_snapshot())
        self.state_changed.emit()

    def _schedule_retry(self) -> None:
        """Try again after `backoff_delay_ms`: the hub is away or busy."""
        if not self._running:
            return
        delay = backoff_delay_ms(self._failures, random.uniform(1.0, 1.2))
        self._failures += 1
        self._retry_timer.start(delay)

    def _after_drop(self) -> None:
        """A live socket dropped: resync at once; repeated failures back off."""
        if not self._running:
            return
        self.resync_count += 1
        if self._failures == 0:
            self._failures = 1
            self._begin_sync()
        else:
            self._schedule_retry()

    # socket

    def _events_url(self, since: int) -> QUrl:
        url = QUrl(self.hub_url + API_PREFIX + "/events")
        url.setScheme("wss" if url.scheme() == "https" else "ws")
        query = QUrlQuery()
        query.addQueryItem("since", str(since))
        url.setQuery(query)
        return url

    def _open_socket(self, generation: int) -> None:
        if self._device is None:
            self._begin_sync()  # enrolls first
            return
        socket = QWebSocket("", QWebSocketProtocol.Version.VersionLatest, self)
        socket.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        if self.tls:
            socket.setSslConfiguration(self._ssl_configuration())
            socket.sslErrors.connect(self._on_socket_ssl_errors)
        socket.setMaxAllowedIncomingMessageSize(min(self._max_response_bytes, 4 * 1024 * 1024))
        request = QNetworkRequest(self._events_url(self.state.seq))
        # The token goes in the header, not the query string, so it stays out of access logs.
        request.setRawHeader(b"Authorization", f"Bearer {self._device.token}".encode())
        socket.connected.connect(self._on_socket_connected)
        socket.disconnected.connect(self._on_socket_disconnected)
        socket.errorOccurred.connect(self._on_socket_error)
        socket.textMessageReceived.connect(self._on_socket_text)
        socket.pong.connect(self._on_pong)
        self._socket = socket
        self._socket_live = False
        self._connect_timer.start(self.timeout_ms)
        socket.open(request)

    def _close_socket(self) -> None:
        socket, was_live = self._socket, self._socket_live
        self._socket = None
        self._socket_live = False
        self._connect_timer.stop()
        self._ping_timer.stop()
        self._pong_timer.stop()
        if socket is not None:
            socket.abort()
            socket.deleteLater()
        if was_live:
            self.disconnected.emit()

    def _on_socket_ssl_errors(self, errors: list[QSslError]) -> None:
        socket = self.sender()
        if socket is None or socket is not self._socket:
            return
        certificate = socket.sslConfiguration().peerCertificate()  # type: ignore[union-attr]
        if self._certificate_accepted(certificate):
            socket.ignoreSslErrors()  # type: ignore[union-attr]
        else:
            self.error.emit(self._certificate_refused(certificate))

    def _on_socket_connected(self) -> None:
        socket = self.sender()
        if socket is None or socket is not self._socket:
            return
        self._connect_timer.stop()
        self._socket_live = True
        self._failures = 0
        self._socket_refusals = 0
        self._ping_timer.start()
        self.connected.emit()
        self._set_online(True)

    def _on_socket_error(self, _code: object) -> None:
        socket = self.sender()
        if socket is None or socket is not self._socket:
            return
        log.info("event socket error: %s", socket.errorString())  # type: ignore[union-attr]
        self._on_socket_closed(socket)  # type: ignore[arg-type]

    def _on_socket_disconnected(self) -> None:
        socket = self.sender()
        if socket is not None and socket is self._socket:
            self._on_socket_closed(socket)  # type: ignore[arg-type]

    def _on_socket_text(self, text: str) -> None:
        socket = self.sender()
        if socket is not None and socket is self._socket:
            self._on_socket_message(socket, text)  # type: ignore[arg-type]

    def _on_pong(self, _elapsed: int, _payload: QByteArray) -> None:
        self._pong_timer.stop()

    def _on_socket_closed(self, socket: QWebSocket) -> None:
        if socket is not self._socket:
            return
        close_code = socket.closeCode()
        self._close_socket()
        self._set_online(False)
        if close_code == WS_CLOSE_BAD_TOKEN:
            # The next /state, with the same token, says why (revoked, or unknown to this hub)
            # and is handled like any refused request; a token only the socket refuses goes.
            self._socket_refusals += 1
            if self._socket_refusals > 1:
                self.forget_token()
        elif close_code == WS_CLOSE_TOO_MANY:
            # The refusal comes after a handshake that looked like success: wait, do not hammer.
            self._failures = max(self._failures, 3)
        self._after_drop()

    def _on_connect_timeout(self) -> None:
        if self._socket is not None and not self._socket_live:
            log.info("event socket did not open within %d ms", self.timeout_ms)
            self._on_socket_closed(self._socket)

    def _send_ping(self) -> None:
        if self._socket is not None and self._socket_live:
            if not self._pong_timer.isActive():
                self._pong_timer.start(max(1000, self._ping_timer.interval()))
            self._socket.ping(QByteArray())

    def _on_pong_timeout(self) -> None:
        # The hub (or the cable) went away without closing the connection.
        if self._socket is not None:
            log.info("no answer to a ping; the event socket is dead")
            self._on_socket_closed(self._socket)

    def _on_socket_message(self, socket: QWebSocket, text: str) -> None:
        if socket is not self._socket:
            return
        try:
            event = parse_event(text)
        except (ValidationError, ValueError, RecursionError) as problem:
            log.warning("malformed event frame (%s); resyncing", str(problem)[:300])
            self.resync("malformed frame")
            return
        seq = event.seq
        if seq <= self.state.seq:
            return  # already part of the snapshot
        if seq != self.state.seq + 1:
            self.resync(f"gap in seq: expected {self.state.seq + 1}, got {seq}")
            return
        exact = self.state.apply(event)
        self._applied.append(event)
        pending = self._pending_snapshot
        if pending is not None and pending.seq == self.state.seq:
            self._pending_snapshot = None
            self._replace_state(pending)
        self.event_received.emit(event)
        self.state_changed.emit()
        if event.type in self.refresh_events or (not exact and self.refresh_on_missing_rows):
            self.request_refresh()

    # refresh

    def _start_refresh(self) -> None:
        if not self._refresh_wanted or self._refresh_in_flight or not self._state_ready:
            return
        self._refresh_wanted = False
        self._refresh_in_flight = True
        self._last_refresh.start()
        generation = self._generation
        self.state_fetch_count += 1
        self.get("/state", lambda answer, error: self._on_refresh(generation, answer, error), answer=_STATE)

    def _on_refresh(self, generation: int, snapshot: State | None, error: HubError | None) -> None:
        if generation != self._generation:
            return
        self._refresh_in_flight = False
        if error is None and snapshot is not None:
            self._merge_snapshot(snapshot)
        elif error is not None and not error.unreachable:
            self.error.emit(error)
        if self._refresh_wanted:
            self.request_refresh()

    def _merge_snapshot(self, snapshot: State) -> None:
        """Adopt a refetched snapshot without losing or repeating an event.

        Older than the events applied: replace, then re-apply the events after it.
        Newer: keep it until the socket has delivered the events up to its seq, so that
        every event is still announced in order.
        """
        if snapshot.seq > self.state.seq:
            self._pending_snapshot = snapshot
            return
        later = [event for event in self._applied if event.seq > snapshot.seq]
        expected_first = snapshot.seq + 1
        if (later and later[0].seq != expected_first) or (not later and snapshot.seq != self.state.seq):
            self.resync("refresh older than the events kept")
            return
        self._replace_state(snapshot, later)
