"""What every router shares: the hub's context, auth dependencies, `answer()` and the error handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, TypeAdapter, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection

from core import commands
from core.errors import Forbidden, RateLimited, TabourError, Unauthorized
from core.models import DeviceKind
from core.presence import FLUSH_SECONDS, present_at_stop
from core.queries import Principal, PrincipalCache, Refusal
from core.security import ENROLL_GUESSES_PER_MINUTE, same_secret
from core.store import Store
from hub.events import Broadcaster, Subscriber
from hub.limits import RateLimiter, WindowLimit
from hub.logs import log_event
from hub.phones import PhoneWatch
from hub.visit_feedback import VisitFeedbackWatch
from hub.pins import PinGuard
from hub.shipper import Shipper

log = logging.getLogger("hub.app")

MAX_ID = 2**53
def _integral_float_to_int(value: Any) -> Any:
    """JSON has one number type: 7.0 is the integer 7 (JSON Schema agrees); 7.5, "7" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) <= 2**63 else value


IdValue = Annotated[StrictInt, Field(ge=1, le=MAX_ID), BeforeValidator(_integral_float_to_int)]
TicketIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
CounterIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def _encodable(value: Any, depth: int = 0) -> bool:
    """No lone surrogate anywhere (JSON's `"\\ud800"` decodes to one): such text cannot be
    stored or sent as UTF-8, and once reached SQLite as a 500."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if depth > 64:
        return True  # deeper than any body we accept; the model refuses it anyway
    if isinstance(value, dict):
        return all(_encodable(key, depth + 1) and _encodable(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return all(_encodable(item, depth + 1) for item in value)
    return True


class Body(BaseModel):
    """A request body: unknown fields are refused, not silently dropped; text must be valid Unicode."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_unencodable_text(cls, data: Any) -> Any:
        if not _encodable(data):
            raise ValueError("the body holds text that is not valid Unicode (a lone surrogate such as \\ud800)")
        return data


class HubSettings(BaseModel):
    """What the hub process was started with (the centre's own settings live in its config)."""

    enroll_code: str
    public_url: str | None = None  # how phones reach the hub, for the ticket's QR code
    # "sha256:…" of the hub's TLS certificate when it serves HTTPS: devices enrolled over it
    # pin it, and `GET /devices` shows which one each device pinned.
    certificate_fingerprint: str | None = None
    # The token the hub's own command line uses (from the writer lock's holder file); it acts
    # as an admin. None: no command line reaches this hub (tests, the demo).
    local_admin_token: str | None = None


# The reason of a 4401 close starts with the error code a client shows (docs/api.md).
REFUSAL_REASONS = {
    Refusal.BAD_TOKEN: "bad_token: the token is unknown, revoked or expired",
    Refusal.REVOKED_DEVICE: "revoked_device: this device was revoked on the hub",
}


@dataclass
class HubContext:
    """The one hub behind an app: its store, start-up settings, token cache and rate limits."""

    store: Store
    settings: HubSettings
    principals: PrincipalCache
    issue_limiter: RateLimiter
    enroll_limiter: WindowLimit
    enroll_all_limiter: WindowLimit
    pins: PinGuard
    broadcaster: Broadcaster | None = None  # set while the app runs (it needs the running loop)
    phones: "PhoneWatch | None" = None  # the visitors' phone streams, set with the broadcaster
    visit_feedback: "VisitFeedbackWatch | None" = None  # pages following their visit's complaints (hub/visit_feedback.py)
    snapshot_reads: int = 0  # `GET /state` answered: steady-state clients never need one
    shipper: "Shipper | None" = None  # ships the event log to the ministry's central, when configured
    loop: asyncio.AbstractEventLoop | None = None
    # Every open event socket and the token it was opened with, so a revocation closes it at once.
    sockets: dict[Subscriber, str] = field(default_factory=dict)
    # Complaints and suggestions filed from phones, per address (hub/routes/voice.py).
    feedback_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=5))
    # Bookings made, and bookings looked up by code, per address; a portal's per device
    # (hub/routes/bookings.py). Set from the centre's [hub] settings by `build`.
    booking_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=10))
    booking_lookup_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=30))
    portal_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=600))
    # Remote tickets taken from phones, per address (hub/routes/remote.py builds it from the config).
    remote_limiter: RateLimiter | None = None
    _timers: set[asyncio.TimerHandle] = field(default_factory=set)
    _tasks: set[asyncio.Task] = field(default_factory=set)

    @classmethod
    def build(cls, store: Store, settings: HubSettings) -> "HubContext":
        hub_config = store.catalogue.config.hub
        return cls(
            store=store,
            settings=settings,
            principals=PrincipalCache(store),
            issue_limiter=RateLimiter(per_minute=hub_config.kiosk_issue_per_minute),
            # Wrong enrollment codes: ten a minute per address and ENROLL_GUESSES_PER_MINUTE for the
            # whole hub, which is what core.security.new_enroll_code's length is measured against.
            enroll_limiter=WindowLimit(10),
            enroll_all_limiter=WindowLimit(ENROLL_GUESSES_PER_MINUTE),
            pins=PinGuard(hub_config.pin_attempts, hub_config.lockout_minutes * 60),
            booking_limiter=RateLimiter(per_minute=hub_config.bookings_per_minute),
            booking_lookup_limiter=RateLimiter(per_minute=hub_config.booking_lookups_per_minute),
            portal_limiter=RateLimiter(per_minute=hub_config.portal_requests_per_minute),
        )

    async def run(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Queue a write command to the store's writer and await it without blocking the loop."""
        return await self.store.submit_async(command, *args, **kwargs)

    # ── presence: who is here (core/presence.py) ────────────────────────────────────────────

    def _background(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, device_id: int, online: bool) -> None:
        try:
            await self.run(commands.announce_presence, device_id, online)
        except Exception:
            log.exception("could not announce device %s %s", device_id, "online" if online else "offline")

    def seen(self, who: Principal) -> None:
        """A request from a device (or a session opened on one)."""
        if who.device_id is not None and self.store.presence.seen(who.device_id, self.store.clock()):
            self._background(self._announce(who.device_id, True))

    def socket_opened(self, subscriber: Subscriber, token: str, who: Principal) -> None:
        self.sockets[subscriber] = token
        if who.device_id is not None and self.store.presence.socket_opened(who.device_id, self.store.clock()):
            self._background(self._announce(who.device_id, True))

    def socket_closed(self, subscriber: Subscriber, who: Principal) -> None:
        self.sockets.pop(subscriber, None)
        if who.device_id is None or self.loop is None:
            return
        now = self.store.clock()
        if self.store.presence.socket_closed(who.device_id, now) and subscriber.close_code != 4401:
            delay = self.store.catalogue.config.hub.offline_after_seconds
            self._timers = {t for t in self._timers if not t.cancelled() and t.when() > self.loop.time()}
            handle = self.loop.call_later(delay, self._maybe_offline, who.device_id, now)
            self._timers.add(handle)

    def expect_devices_back(self) -> None:
        """At start-up: the devices that were here when the hub stopped get the same grace period
        as a closed socket; those that do not come back in it are announced offline."""
        if self.loop is None:
            return
        with self.store.read() as conn:
            expected = present_at_stop(conn)
        if not expected:
            return
        now = self.store.clock()
        self.store.presence.expect_back(expected)
        delay = self.store.catalogue.config.hub.offline_after_seconds
        for device_id in expected:
            self._timers.add(self.loop.call_later(delay, self._maybe_offline, device_id, now))

    def _maybe_offline(self, device_id: int, closed_at: float) -> None:
        if self.store.presence.still_gone(device_id, closed_at):
            self.store.presence.mark_offline(device_id, self.store.clock())
            self._background(self._announce(device_id, False))

    async def flush_presence(self) -> None:
        """Write the gathered last-seen times in one command."""
        seen = self.store.presence.take_unflushed(self.store.clock())
        if seen:
            await self.run(commands.record_last_seen, seen)

    async def presence_loop(self, every: float = FLUSH_SECONDS) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush_presence()
            except Exception:
                log.exception("could not record when devices were last seen; will retry")

    # ── revocation: close what a token no longer allows ─────────────────────────────────────

    def on_auth_changed(self) -> None:
        """Called on the writer thread after a commit that ended sessions or revoked a device."""
        loop = self.loop
        if loop is None or not self.sockets:
            return
        try:
            loop.call_soon_threadsafe(lambda: self._background(self.recheck_sockets()))
        except RuntimeError:
            pass  # the loop has closed

    async def recheck_sockets(self) -> None:
        """Close, with 4401 and the reason, every open socket whose token stopped working."""
        tokens = set(self.sockets.values())
        if not tokens:
            return
        verdicts = await run_in_threadpool(lambda: {token: self.principals.lookup(token) for token in tokens})
        for subscriber, token in list(self.sockets.items()):
            verdict = verdicts.get(token)
            if isinstance(verdict, Refusal):
                subscriber.end(4401, REFUSAL_REASONS[verdict])

    def stop(self) -> None:
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
        for task in self._tasks:
            task.cancel()
        self.pins.close()


def hub_context(connection: HTTPConnection) -> HubContext:
    return connection.app.state.hub


async def _hub_dependency(connection: HTTPConnection) -> HubContext:
    """`hub_context` as a dependency. Async on purpose: FastAPI runs a plain `def` dependency
    in its thread pool, and that hop (two thread wake-ups per request) was a fifth of the
    hub's CPU per ticket operation."""
    return hub_context(connection)


Hub = Annotated[HubContext, Depends(_hub_dependency)]


def token_from(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def principal(request: Request) -> Principal:
    """The device or clerk session behind the request's bearer token.

    An `integration` token (a ministry portal) is refused here, so it reaches nothing but the
    booking routes, which take it through `authenticate` (hub/routes/bookings.py)."""
    return bearer_principal(hub_context(request), request.headers.get("authorization"))


async def authenticate(request: Request) -> Principal:
    """The device or clerk session behind the bearer token, of any kind."""
    return bearer_principal(hub_context(request), request.headers.get("authorization"), integration=True)


def bearer_principal(hub: HubContext, authorization: str | None, *, integration: bool = False) -> Principal:
    """Who sends `Authorization: <authorization>`, or the TabourError to answer (`principal`,
    `authenticate` and the fast lane, hub/fastlane.py, all ask here). An `integration` token
    passes only with `integration=True`."""
    token = token_from(authorization)
    if token is None:
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", "أرسل رمز الجهاز في ترويسة التفويض.")
    local = hub.settings.local_admin_token
    if local is not None and same_secret(token, local):
        return LOCAL_ADMIN
    found = hub.principals.lookup(token) if len(token) <= 200 else Refusal.BAD_TOKEN
    if found is Refusal.REVOKED_DEVICE:
        raise Unauthorized(
            "This device was revoked on the hub; ask a supervisor.",
            "تم إلغاء هذا الجهاز في الخادم؛ راجع المشرف.",
            code="revoked_device",
        )
    if isinstance(found, Refusal):
        raise Unauthorized(
            "The token is unknown, revoked or expired; enroll the device or log in again.",
            "الرمز غير معروف أو ملغى أو منتهٍ؛ سجّل الجهاز أو سجّل الدخول من جديد.",
            code="bad_token",
        )
    hub.seen(found)
    if found.kind is DeviceKind.INTEGRATION and not integration:
        raise Forbidden(
            "An integration token may only book, view and cancel appointments (/api/v1/public/bookings).",
            "رمز التكامل مخصص للحجز وعرض المواعيد وإلغائها فقط.",
            code="integration_only_bookings",
        )
    return found


Who = Annotated[Principal, Depends(principal)]

# The hub's own command line on this PC (`python main.py clerk|device …` beside a running hub).
LOCAL_ADMIN = Principal(device_id=None, kind=DeviceKind.ADMIN, device_name="command line")


def require_kind(who: Principal, *kinds: DeviceKind) -> None:
    if who.kind not in kinds:
        allowed = ", ".join(k.value for k in kinds)
        raise Forbidden(f"A {who.kind.value} device may not do this (allowed: {allowed}).", "هذا الجهاز غير مخوّل بهذا الإجراء.")


def require_issuing_device(who: Principal, hub: HubContext) -> None:
    """Only a kiosk or an admin device may issue a ticket (a touch, or a scan that checks a visitor
    in). Kiosks face the public, so one stuck or abused touch screen must not flood the queue: a
    kiosk is held to the centre's issuing limit, one bucket for both ways in. Admin devices
    (management tools, the day simulator) are trusted like the enrollment code."""
    require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
    wait = hub.issue_limiter.take(who.device_id) if who.kind == DeviceKind.KIOSK else 0
    if wait:
        raise RateLimited(
            "This kiosk is issuing tickets too fast; please wait a moment.",
            "هذا الجهاز يصدر التذاكر بسرعة كبيرة؛ انتظر لحظة من فضلك.",
            retry_after=RateLimiter.retry_after(wait),
        )


def address_of(connection: HTTPConnection) -> str:
    return f"address:{connection.client.host if connection.client else '?'}"


def place_of(who: Principal) -> str:
    """Where a PIN was typed, for its lockout: the device, or the command line."""
    return f"device:{who.device_id}" if who.device_id is not None else f"local:{who.device_name}"


def require_supervisor(who: Principal) -> None:
    """A supervisor's or admin's session, or an admin device."""
    if not who.is_supervisor:
        raise Forbidden("Only a supervisor or an admin may do this.", "هذا الإجراء للمشرف أو المدير فقط.")


def require_session(who: Principal, counter_id: int | None = None) -> Principal:
    if who.session_id is None:
        raise Forbidden("Log in as a clerk at a counter first.", "سجّل الدخول كموظف على شباك أولاً.", code="session_required")
    if counter_id is not None and who.counter_id != counter_id:
        raise Forbidden("You are logged in at another counter.", "أنت مسجّل الدخول على شباك آخر.", code="wrong_counter")
    return who


@lru_cache(maxsize=None)
def _adapter(model: Any) -> TypeAdapter:
    return TypeAdapter(model)


def encode(model: Any, data: Any) -> bytes:
    """`data` checked against its contract model (core/contract.py) and written as JSON.

    Pydantic's core validates and writes in one pass, about as fast as `json.dumps` of the
    dict (bench/hub_load.py prints both). `exclude_unset` keeps absent what the hub left out
    (`/stats`'s `by_…` lists that were not asked for). A shape the model refuses is the hub's
    own bug: the request is answered 500 and logged, never sent half right.
    """
    adapter = _adapter(model)
    return adapter.dump_json(adapter.validate_python(data), by_alias=True, exclude_unset=True)


def answer(data: Any, model: Any, status_code: int = 200) -> Response:
    """The JSON answer `data` as its route's contract model (the route's `response_model`)."""
    return Response(encode(model, data), status_code=status_code, media_type="application/json")


async def read_answer(model: Any, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Response:
    """A read and its encoding, both off the event loop: `/tickets` and `/state` are big."""
    body = await run_in_threadpool(lambda: encode(model, query(*args, **kwargs)))
    return Response(body, media_type="application/json")


# ── errors ───────────────────────────────────────────────────────────────────────────────


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
        409: "impossible_step", 413: "body_too_large", 415: "unsupported_media_type", 422: "validation_error",
        429: "rate_limited",
    }.get(status, "error")


def _validation_message(error: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        message = item.get("msg", "invalid")
        if item.get("type") == "json_invalid":
            message = "the body is not valid JSON"
        elif location == "body" and item.get("type") in ("model_attributes_type", "dict_type"):
            message = "the body must be a JSON object, sent with Content-Type: application/json"
        details.append({"field": location, "problem": message})
        parts.append(f"{location}: {message}")
    return "; ".join(parts)[:1000] or "invalid request", details[:20]


async def on_tabour_error(request: Request, error: TabourError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    if isinstance(error, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse(error.to_json(), status_code=error.status, headers=headers)


async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    message, details = _validation_message(error)
    return JSONResponse(
        {
            "error": "validation_error",
            "message": f"Invalid request: {message}",
            "message_ar": "طلب غير صالح: راجع البيانات المرسلة.",
            "details": details,
        },
        status_code=422,
    )


async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:
        from hub.openapi import allowed_methods

        methods = allowed_methods(request.app, request.url.path)
        if methods:
            headers["Allow"] = ", ".join(methods)
    return JSONResponse(
        {"error": _status_code_name(error.status_code), "message": str(error.detail), "message_ar": "طلب غير صالح."},
        status_code=error.status_code,
        headers=headers or None,
    )


async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log_event(
        log, "http.error", logging.ERROR, method=request.method, path=request.url.path,
        client=request.client.host if request.client else None, error=type(error).__name__, exc_info=error,
    )
    return JSONResponse(
        {"error": "internal", "message": "The hub met an unexpected error; it has been logged.", "message_ar": "حدث خطأ غير متوقع في الخادم وتم تسجيله."},
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TabourError, on_tabour_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
