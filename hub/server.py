"""The hub's HTTP server: uvicorn with bounds on what one client can hold.

uvicorn's fast parser (httptools) reads a request head of any size for as long as the client
cares to send it: an 8 MB header was answered 200, and ten clients sending a never-ending header
took the hub from 120 to 535 MiB. `BoundedHttpProtocol` keeps uvicorn's parser and adds two
limits on the request head (request line and headers): at most `MAX_HEAD_BYTES`, refused with
431, and complete within `HEAD_TIMEOUT` seconds of the connection or of its previous answer,
else 408 and closed. uvicorn's own settings bound the rest: the idle keep-alive time,
concurrent connections (503 above), WebSocket message size, and how long a stop waits for
open streams.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from core.logs import SummarisedLog, log_event
from hub.limits import RateLimiter

log = logging.getLogger("tabour.hub.server")

MAX_HEAD_BYTES = 16 * 1024  # request line + headers; ours are under 1 KiB, browsers' a few KiB
HEAD_TIMEOUT = 15.0  # seconds for a whole request head; a phone on weak Wi-Fi needs well under 1 s
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle keep-alive connection stays open between requests
MAX_CONNECTIONS = 4096  # a hall: ~150 devices, 1,000 phones following their turn, headroom
WS_MAX_MESSAGE_BYTES = 64 * 1024  # devices send the hub nothing but pongs and closes
WS_STALL_SECONDS = 20.0  # a socket whose unsent frames stay above the transport's high-water mark
GRACEFUL_STOP_SECONDS = 5  # phone streams never end by themselves; a stop must not wait for them
# New connections one address may open: a kiosk or board opens a few a minute, and a hall's
# phones behind one Wi-Fi router (one address) a few dozen a second at the busiest. Past it,
# connections are dropped on arrival, before a byte is parsed: a flood of connections (each
# costs the hub ~0.4 ms of CPU, a refused event socket ~1.3 ms) cannot take the hub's time.
CONNECTIONS_PER_SECOND_PER_ADDRESS = 100
CONNECTION_BURST_PER_ADDRESS = 300
# Requests one address may send: a counter sends one every few seconds, a hall's phones behind
# one router (one address) a few dozen a second at the busiest. Past it the server answers 429
# itself, before routing (a tenth of the cost of the application's own refusal): a flood on
# kept-alive connections cannot take the hub's time. The hub's own machine (the all-in-one demo,
# the command line) is not counted.
REQUESTS_PER_SECOND_PER_ADDRESS = 50
REQUEST_BURST_PER_ADDRESS = 500
UNCOUNTED_ADDRESSES = frozenset({"127.0.0.1", "::1"})
# A refusal answered at once is an invitation to try again at once: a login flood on eight
# connections, its 429s closing them and the reconnects dropped, came back ~700 times a second
# and each time cost the hub an accept, a protocol and a parse. So a connection refused here
# (a connection or request flood, a gated event socket) is held: not read from, answered and
# closed only after `TARPIT_SECONDS`, costing one timer meanwhile. An attacker with N
# connections then gets N refusals per `TARPIT_SECONDS` instead of as many as the hub can
# answer. Held connections are capped, per address (a busy hall's phones behind one router)
# and in all (half of `MAX_CONNECTIONS`, so a held flood never fills the hub); past the caps a
# refusal is answered at once, as before.
TARPIT_SECONDS = 5.0
# An event socket refused by the server (its token over its upgrade rate, or gated for opening
# sockets past its cap) is held longer: no honest device gets there (one socket, again after a
# restart or a cut), and a token flooding upgrades retries each one as soon as it is answered.
# A thousand such connections held 15 s come back ~70 times a second instead of ~200, each
# costing the hub ~0.3 ms (an accept, a parse, a close).
SOCKET_FLOOD_HOLD_SECONDS = 15.0
TARPIT_PER_ADDRESS = 1024
OPEN_FILES_WANTED = MAX_CONNECTIONS + 256  # sockets, the database, its -wal and -shm, logs
TARPIT_TOTAL = MAX_CONNECTIONS // 2


def _answer(status: int, reason: str, code: str, message_en: str, message_ar: str) -> bytes:
    body = json.dumps({"error": code, "message": message_en, "message_ar": message_ar}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode("ascii")
    return head + body


# The server's answer to an event socket it refuses, built once (it is the same every time).
TOO_MANY_SOCKETS_ANSWER = _answer(
    429, "Too Many Requests", "too_many_sockets",
    "This device holds all the event sockets it may and keeps opening more; wait.",
    "لدى هذا الجهاز كل ما يُسمح به من اتصالات الأحداث وما زال يفتح غيرها؛ انتظر.",
)
CONNECTION_RATE = RateLimiter(per_minute=CONNECTIONS_PER_SECOND_PER_ADDRESS * 60, burst=CONNECTION_BURST_PER_ADDRESS)
REQUEST_RATE = RateLimiter(per_minute=REQUESTS_PER_SECOND_PER_ADDRESS * 60, burst=REQUEST_BURST_PER_ADDRESS)
# The server's refusals are logged once a minute per client and reason, with the count since.
REFUSALS_LOG = SummarisedLog()


def _drop_flooding_address(client: str | None) -> bool:
    """True when `client` opens connections faster than an address may; logged once a minute."""
    if client is None or client in UNCOUNTED_ADDRESSES or CONNECTION_RATE.take(client) == 0:
        return False
    REFUSALS_LOG.log(log, (client, "connection_flood"), "http.refused", reason="connection_flood", client=client,
                     limit_per_second=CONNECTIONS_PER_SECOND_PER_ADDRESS)
    return True


class Tarpit:
    """How many refused connections are being held, per address and in all (one event loop)."""

    def __init__(self, per_address: int = TARPIT_PER_ADDRESS, total: int = TARPIT_TOTAL) -> None:
        self.per_address, self.total = per_address, total
        self.held: dict[str, int] = {}
        self.count = 0

    def take(self, client: str | None) -> bool:
        """A place to hold a connection from `client`; False when it must be answered at once."""
        if client is None or client in UNCOUNTED_ADDRESSES or self.count >= self.total:
            return False
        if self.held.get(client, 0) >= self.per_address:
            return False
        self.held[client] = self.held.get(client, 0) + 1
        self.count += 1
        return True

    def give_back(self, client: str) -> None:
        left = self.held.get(client, 0) - 1
        if left > 0:
            self.held[client] = left
        else:
            self.held.pop(client, None)
        self.count = max(0, self.count - 1)


TARPIT = Tarpit()


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a size and a time limit on each request head, and a
    limit on how fast one address may open connections."""

    max_head_bytes = MAX_HEAD_BYTES
    head_timeout = HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_bytes = 0
        self._awaiting_head = True
        self._head_timer: asyncio.TimerHandle | None = None
        self._held: asyncio.TimerHandle | None = None
        if _drop_flooding_address(self.client[0] if self.client else None):
            self._refused = True
            self._refuse_later(transport.abort)
            return
        self._arm_head_timer()

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _bound_write_buffer(self, size: int) -> None:
        """Hold at most about `size` unsent bytes, here and in the kernel: past it the transport
        pauses the answer (a long-lived stream of small frames needs little; hub/phones.py)."""
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.set_write_buffer_limits(high=size)
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
            except OSError:
                pass

    def _refuse_later(self, refuse: Any, hold: float = TARPIT_SECONDS) -> None:
        """Answer a refusal after `hold` seconds, reading nothing meanwhile (or at once, past the caps)."""
        if self._held is not None:  # a pipelined request behind one already refused
            return
        client = self.client[0] if self.client else None
        if not TARPIT.take(client):
            refuse()
            return
        self._disarm_head_timer()
        self.transport.pause_reading()

        def release() -> None:
            self._held = None
            TARPIT.give_back(client)
            if not self.transport.is_closing():
                refuse()

        self._held = self.loop.call_later(hold, release)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def data_received(self, data: bytes) -> None:
        if self._held is not None:
            # Held for its refusal: nothing it sends is read. (uvloop starts reading after
            # `connection_made` even when it paused there, so pause again on the first bytes.)
            self.transport.pause_reading()
            return
        if not self._awaiting_head:
            super().data_received(data)
            return
        self._arm_head_timer()
        room = self.max_head_bytes - self._head_bytes
        if len(data) <= room:
            self._head_bytes += len(data)
            super().data_received(data)
            return
        # The head must end within the room left; a body may follow in the same read.
        first, rest = data[:room], data[room:]
        self._head_bytes += len(first)
        super().data_received(first)
        if self.transport.is_closing():
            return
        if self._awaiting_head:
            self._refuse_head_too_large()
            return
        protocol = self.transport.get_protocol()  # a WebSocket upgrade swaps it
        protocol.data_received(rest)

    def on_headers_complete(self) -> None:
        # The application may drop a client that stopped reading (a phone's stream, hub/phones.py).
        self.scope[ABORT_SCOPE_KEY] = self._abort  # type: ignore[literal-required]
        self.scope[BUFFER_SCOPE_KEY] = self._bound_write_buffer  # type: ignore[literal-required]
        self._awaiting_head = False
        self._head_bytes = 0
        self._disarm_head_timer()
        client = self.client[0] if self.client else None
        if client is not None and client not in UNCOUNTED_ADDRESSES:
            wait = REQUEST_RATE.take(client)
            if wait:
                self._refused = True  # whatever it was, it goes no further
                self._refuse_too_many(client, wait)
                return
        counted = client is not None and client not in UNCOUNTED_ADDRESSES
        if counted and self._gated_pin_check():
            return
        if self.parser.should_upgrade() and self._upgrade_refused(counted):
            self._refused = True
            self._refuse_later(lambda: self._write_and_close(TOO_MANY_SOCKETS_ANSWER), SOCKET_FLOOD_HOLD_SECONDS)
            return
        super().on_headers_complete()

    def _upgrade_refused(self, counted: bool) -> bool:
        token = _upgrade_token(self.url, self.headers)
        if UPGRADE_GATE.is_closed(token, self.loop.time()):
            return True
        return counted and token is not None and UPGRADE_RATE.take(token) > 0

    def _gated_pin_check(self) -> bool:
        """A PIN check from a device the application has just refused 429: the same refusal, from here (held)."""
        path = self.url.partition(b"?")[0]
        if path not in PIN_PATHS or self.parser.get_method() != b"POST":
            return False
        refusal = PIN_GATE.answer_for(pin_gate_key(path, _upgrade_token(b"", self.headers)), self.loop.time())
        if refusal is None:
            return False
        self._refused = True
        self._refuse_later(lambda: self._write_and_close(refusal))
        return True

    def _refuse_too_many(self, client: str, wait: float) -> None:
        REFUSALS_LOG.log(log, (client, "request_flood"), "http.refused", reason="request_flood", client=client,
                         limit_per_second=REQUESTS_PER_SECOND_PER_ADDRESS)
        body = _answer(
            429, "Too Many Requests", "rate_limited",
            "Too many requests from this address; wait a moment.",
            "طلبات كثيرة من هذا العنوان؛ انتظر قليلاً.",
        )
        head, _, rest = body.partition(b"\r\n")
        refusal = head + f"\r\nretry-after: {RateLimiter.retry_after(wait)}".encode() + b"\r\n" + rest
        self._refuse_later(lambda: self._write_and_close(refusal))

    def _write_and_close(self, data: bytes) -> None:
        self.transport.write(data)
        self.transport.close()

    def handle_websocket_upgrade(self) -> None:
        if getattr(self, "_refused", False):
            return
        super().handle_websocket_upgrade()

    def on_body(self, body: bytes) -> None:
        if not getattr(self, "_refused", False):
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not getattr(self, "_refused", False):
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next bytes on this keep-alive connection start a new head; the timer starts with them.
        self._awaiting_head = True
        self._head_bytes = 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        if self._held is not None:  # the refused client left before its answer
            self._held.cancel()
            self._held = None
            TARPIT.give_back(self.client[0] if self.client else "")
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """On a stop, end open event streams (a phone following its ticket) as if the phone had
        left, so the stop does not wait for them; ordinary answers still finish."""
        cycle = self.cycle
        if cycle is not None and cycle.response_started and not cycle.response_complete and cycle.chunked_encoding:
            cycle.disconnected = True
            cycle.keep_alive = False
            cycle.message_event.set()
            self.transport.close()  # the page reconnects by itself once the hub is back
            return
        super().shutdown()

    def _refuse_head_too_large(self) -> None:
        client = self.client[0] if self.client else None
        REFUSALS_LOG.log(log, (client, "head_too_large"), "http.refused", reason="head_too_large", client=client,
                         limit=self.max_head_bytes)
        self.transport.write(
            _answer(
                431, "Request Header Fields Too Large", "headers_too_large",
                f"The request line and headers are larger than {self.max_head_bytes} bytes.",
                f"سطر الطلب وترويساته أكبر من {self.max_head_bytes} بايت.",
            )
        )
        self.transport.close()

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._awaiting_head or self.transport.is_closing():
            return
        if self._head_bytes:
            client = self.client[0] if self.client else None
            REFUSALS_LOG.log(log, (client, "head_too_slow"), "http.refused", reason="head_too_slow", client=client,
                             seconds=self.head_timeout)
            self.transport.write(
                _answer(
                    408, "Request Timeout", "request_timeout",
                    f"The request headers did not arrive within {self.head_timeout:g} seconds.",
                    f"لم تصل ترويسات الطلب خلال {self.head_timeout:g} ثانية.",
                )
            )
        self.transport.close()


class UpgradeGate:
    """Tokens that keep opening event sockets past their cap, answered by the server itself.

    A refused socket costs the hub ~1.3 ms of CPU (handshake, routing, closing handshake), three
    times a plain request; a device told 4429 a few times in a row that still opens more is
    flooding. For `seconds` its upgrade requests get a bare 429 before any handshake (~0.1 ms).
    """

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def close_for(self, token: str, seconds: float, now: float) -> None:
        if len(self._until) > 10_000:
            self._until = {key: until for key, until in self._until.items() if until > now}
        self._until[token] = now + seconds

    def is_closed(self, token: str | None, now: float) -> bool:
        until = self._until.get(token) if token else None
        if until is None:
            return False
        if until <= now:
            del self._until[token]
            return False
        return True


UPGRADE_GATE = UpgradeGate()
# Event sockets one device token may ask for: a board or counter opens one, again after each
# hub restart or network cut; ten at once and one a second after that cover any reconnect
# storm. Past it the server answers 429 `too_many_sockets` itself: a thousand upgrades sent
# together by one token would otherwise all pass the gate above before the first refusals
# close it, and each costs a handshake and a closing handshake.
UPGRADE_RATE = RateLimiter(per_minute=60, burst=10)
# PIN checks the application has just refused 429 (a lockout or a throttle) for one device:
# for `PIN_GATE_SECONDS` its next tries on the same path are given the same refusal by the
# server, before routing, instead of by the application again (~1.5 ms each; a login flood
# kept at the request limit cost the hub 50 of them a second). Short, so a clerk at the same
# counter after someone else's guesses waits moments, not the lockout's minutes.
PIN_GATE_SECONDS = 2.0
PIN_PATHS = frozenset({b"/api/v1/sessions", b"/api/v1/supervisor/check-pin"})


class AnswerGate:
    """Keys (a device's PIN path) answered by the server with a stored refusal until a time."""

    def __init__(self) -> None:
        self._until: dict[str, tuple[float, bytes]] = {}

    def close_for(self, key: str, seconds: float, now: float, answer: bytes) -> None:
        if len(self._until) > 10_000:
            self._until = {k: held for k, held in self._until.items() if held[0] > now}
        self._until[key] = (now + seconds, answer)

    def answer_for(self, key: str | None, now: float) -> bytes | None:
        held = self._until.get(key) if key else None
        if held is None:
            return None
        if held[0] <= now:
            del self._until[key]
            return None
        return held[1]


PIN_GATE = AnswerGate()


def pin_gate_key(path: bytes, token: str | None) -> str | None:
    return f"{path.decode('latin-1')} {token}" if token else None


def close_pin_gate(
    client: str | None, path: str, token: str | None, now: float, *,
    code: str, message_en: str, message_ar: str, retry_after: int,
) -> None:
    """The application refused a PIN check 429: the server gives this device's next ones the same answer for a while."""
    key = pin_gate_key(path.encode("latin-1"), token)
    if key is None or client is None or client in UNCOUNTED_ADDRESSES:
        return
    answer = _answer(429, "Too Many Requests", code, message_en, message_ar)
    head, _, rest = answer.partition(b"\r\n")
    PIN_GATE.close_for(key, PIN_GATE_SECONDS, now, head + f"\r\nretry-after: {retry_after}".encode() + b"\r\n" + rest)


def _upgrade_token(url: bytes, headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    _, _, query = url.partition(b"?")
    for pair in query.split(b"&"):
        key, _, value = pair.partition(b"=")
        if key == b"token" and value:
            return value.decode("latin-1")
    return None


ABORT_SCOPE_KEY = "tabour.abort"  # scope entry: drop this connection now, unsent bytes and all
WRITE_SCOPE_KEY = "tabour.write_frame"  # scope entry (WebSocket): write one encoded frame now
BUFFER_SCOPE_KEY = "tabour.write_buffer"  # scope entry (HTTP): bound this connection's unsent bytes


class BoundedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol that can drop a peer which stopped reading.

    A graceful close waits for the unsent frames to drain, which for a peer that never reads
    is for ever (20 such sockets stayed 200 s). So: a socket whose write buffer stays above the
    high-water mark for `WS_STALL_SECONDS`, or whose keep-alive ping goes unanswered, is aborted;
    and the application gets `scope["tabour.abort"]` to drop one whose backlog passed its byte
    budget (hub/events.py). `scope["tabour.write_frame"]` writes a frame already encoded (one
    event's frame, built once for every board) straight to the transport, with no await: the
    broadcaster writes every caught-up socket in one pass.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stall_timer: asyncio.TimerHandle | None = None

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope[ABORT_SCOPE_KEY] = self.abort  # type: ignore[literal-required]
            scope[WRITE_SCOPE_KEY] = self.write_frame  # type: ignore[literal-required]

    def write_frame(self, data: bytes) -> int | None:
        """Write one encoded data frame now; the bytes the transport holds unsent after it, or
        None when the socket takes no more frames (not yet accepted, closing or closed)."""
        if (
            not self.handshake_complete or self.close_sent or self.disconnected or self.initial_response is not None
            or self.transport is None or self.transport.is_closing() or self.conn.state is not State.OPEN
        ):
            return None
        self.transport.write(data)
        return self.transport.get_write_buffer_size()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall_timer is None:
            self._stall_timer = self.loop.call_later(WS_STALL_SECONDS, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    def _stalled(self) -> None:
        self._stall_timer = None
        client = self.client[0] if self.client else None
        log_event(log, "ws.dropped", logging.WARNING, reason="not_reading", client=client, seconds=WS_STALL_SECONDS)
        self.abort()

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()  # writes a close frame and asks the transport to close
        self.abort()  # without waiting for buffered frames the peer will never read

    def connection_lost(self, exc: Exception | None) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None
        super().connection_lost(exc)


# Container objects allocated (net of those freed) before the collector's youngest generation is
# swept. With Python's 700 a hall of 20 counters had it swept ~20 times a second and the whole
# heap (~117,000 objects after start-up) every few seconds, ~80 ms each: an eighth of the hub's
# CPU per ticket operation, more beside a flood of connections, and a stall amid the answers. Requests' garbage is freed by reference counting; what
# the collector is for (cycles left by exceptions and cancelled tasks) waits a little longer.
GC_YOUNG_THRESHOLD = 10_000


def settle_garbage_collector(young: int = GC_YOUNG_THRESHOLD) -> int:
    """Once the hub has loaded (modules, the centre, the store's memory): keep what start-up made
    out of every later collection, and sweep the young generation less often (`GC_YOUNG_THRESHOLD`).
    Returns the number of objects set aside (docs/decisions/hub-garbage-collection.md)."""
    gc.collect()  # start-up's own cycles go now, rather than being kept for ever
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(young, middle, oldest)
    return gc.get_freeze_count()


def raise_open_file_limit(wanted: int = OPEN_FILES_WANTED) -> int:
    """Lift the soft limit on open files towards `wanted` (Linux's default soft limit, 1,024,
    is below a hall's connections); returns the limit in force."""
    try:
        import resource
    except ImportError:  # Windows: no such per-process limit on sockets
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else soft


@dataclass(frozen=True)
class TlsFiles:
    certificate: Path
    key: Path


def server_config(app: Any, host: str, port: int, tls: TlsFiles | None = None, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration the hub runs with (also used by the tests and the demo)."""
    open_files = raise_open_file_limit()
    settings: dict[str, Any] = dict(
        host=host,
        port=port,
        http=BoundedHttpProtocol,
        ws=BoundedWebSocketProtocol,
        ws_max_size=WS_MAX_MESSAGE_BYTES,
        # Compression would cost every board's socket a zlib context; Qt's client does not use it.
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS,
        limit_concurrency=max(64, min(MAX_CONNECTIONS, open_files - 256)),
        backlog=2048,
        log_config=None,  # the hub's own structured logging (hub/logs.py) is already set up
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="on",
    )
    if tls is not None:
        settings.update(ssl_certfile=os.fspath(tls.certificate), ssl_keyfile=os.fspath(tls.key))
    settings.update(overrides)
    return uvicorn.Config(app, **settings)
