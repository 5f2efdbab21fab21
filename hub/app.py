"""The hub's HTTP and WebSocket API (docs/api.md), on FastAPI.

Handlers never touch SQLite themselves: writes are commands queued to the store's writer
(awaited without blocking the loop), reads go through `core.queries`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pathlib
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Path, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

import core
from core import commands, queries, stats
from core.config import LOGO_SIGNATURES
from core.errors import Forbidden, NotFound, RateLimited, TabourError, Unauthorized
from core.models import DeviceKind, Priority, TicketStatus
from core.numbering import next_rollover
from core.queries import Principal
from core.security import same_secret, verify_pin
from core.store import Store
from core.views import iso
from hub.events import Broadcaster, encode_frame
from hub.limits import BodySizeLimit, RateLimiter
from hub.page import ticket_page

log = logging.getLogger(__name__)

MAX_ID = 2**53
EnrollName = Annotated[StrictStr, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
IdValue = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
TicketIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
CounterIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrollBody(_Body):
    name: EnrollName
    kind: DeviceKind
    code: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]


class IssueBody(_Body):
    service_id: IdValue
    priority: Priority = Priority.NORMAL


class LoginBody(_Body):
    username: Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
    pin: Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]
    counter_id: IdValue


class PinCheckBody(_Body):
    pin: Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]


class CallNumberBody(_Body):
    number: Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]


class TransferBody(_Body):
    service_id: IdValue


class PauseBody(_Body):
    reason: Annotated[StrictStr, StringConstraints(min_length=1, max_length=80)]


class DeviceStatusBody(_Body):
    status: dict[str, Any]


class HubSettings(BaseModel):
    """What the hub process was started with (the centre's own settings live in its config)."""

    enroll_code: str
    public_url: str | None = None  # how phones reach the hub, for the ticket's QR code


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


def _token_from(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def principal(request: Request) -> Principal:
    """The device or clerk session behind the request's bearer token."""
    token = _token_from(request.headers.get("authorization"))
    if token is None:
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", "أرسل رمز الجهاز في ترويسة التفويض.")
    found = request.app.state.principals.get(token) if len(token) <= 200 else None
    if found is None:
        raise Unauthorized(
            "The token is unknown, revoked or expired; enroll the device or log in again.",
            "الرمز غير معروف أو ملغى أو منتهٍ؛ سجّل الجهاز أو سجّل الدخول من جديد.",
            code="bad_token",
        )
    return found


Who = Annotated[Principal, Depends(principal)]


def answer(data: Any, status_code: int = 200) -> Response:
    """JSON straight from our dicts: they are already JSON-shaped, so FastAPI's re-encoding is skipped."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status_code, media_type="application/json")


def create_app(store: Store, settings: HubSettings) -> FastAPI:
    hub_config = store.catalogue.config.hub
    issue_limiter = RateLimiter(per_minute=hub_config.kiosk_issue_per_minute)
    enroll_limiter = RateLimiter(per_minute=10, burst=10)
    # A supervisor PIN typed at a public kiosk: a few tries per device, and few in all, so a
    # 4-digit PIN cannot be guessed from the hall.
    pin_check_limiter = RateLimiter(per_minute=hub_config.pin_attempts, burst=hub_config.pin_attempts)
    pin_check_all_limiter = RateLimiter(per_minute=30, burst=30)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        broadcaster = Broadcaster(loop, lambda event: encode_frame(event, lambda at: iso(at, store.catalogue)))
        app.state.broadcaster = broadcaster
        store.add_listener(broadcaster.publish)
        rollover = asyncio.create_task(_rollover_loop(store))
        try:
            yield
        finally:
            rollover.cancel()
            store.remove_listener(broadcaster.publish)
            broadcaster.close_all()

    app = FastAPI(
        title="Tabour hub",
        version=core.__version__,
        description="Queue management hub: tickets, counters, displays. See docs/api.md.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.principals = queries.PrincipalCache(store)
    app.add_middleware(BodySizeLimit, max_bytes=hub_config.max_body_bytes)

    # ── errors ───────────────────────────────────────────────────────────────────────────

    @app.exception_handler(TabourError)
    async def on_tabour_error(request: Request, error: TabourError) -> JSONResponse:
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
        if isinstance(error, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse(error.to_json(), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
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

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": _status_code_name(error.status_code), "message": str(error.detail), "message_ar": "طلب غير صالح."},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal", "message": "The hub met an unexpected error; it has been logged.", "message_ar": "حدث خطأ غير متوقع في الخادم وتم تسجيله."},
            status_code=500,
        )

    # ── auth ─────────────────────────────────────────────────────────────────────────────

    def require_kind(who: Principal, *kinds: DeviceKind) -> None:
        if who.kind not in kinds:
            allowed = ", ".join(k.value for k in kinds)
            raise Forbidden(f"A {who.kind.value} device may not do this (allowed: {allowed}).", "هذا الجهاز غير مخوّل بهذا الإجراء.")

    def require_session(who: Principal, counter_id: int | None = None) -> Principal:
        if who.session_id is None:
            raise Forbidden("Log in as a clerk at a counter first.", "سجّل الدخول كموظف على شباك أولاً.", code="session_required")
        if counter_id is not None and who.counter_id != counter_id:
            raise Forbidden(
                "You are logged in at another counter.", "أنت مسجّل الدخول على شباك آخر.", code="wrong_counter"
            )
        return who

    async def run(command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.wrap_future(store.submit(command, *args, **kwargs))

    # ── health, enrollment, state ────────────────────────────────────────────────────────

    @app.get("/api/v1/health")
    async def health() -> Response:
        return answer({"status": "ok", "version": core.__version__, "seq": store.last_seq, "business_day": store.current_business_day})

    @app.post("/api/v1/devices/enroll", status_code=201)
    async def enroll(body: EnrollBody, request: Request) -> Response:
        client = request.client.host if request.client else "?"
        if not same_secret(body.code, settings.enroll_code):
            wait = enroll_limiter.take(client)
            if wait:
                raise RateLimited("Too many wrong enrollment codes; wait a minute.", "رموز تسجيل خاطئة كثيرة؛ انتظر دقيقة.", retry_after=RateLimiter.retry_after(wait))
            raise Forbidden("Wrong enrollment code.", "رمز تسجيل الجهاز غير صحيح.", code="wrong_enroll_code")
        return answer(await run(commands.enroll_device, body.name, body.kind), 201)

    @app.get("/api/v1/state")
    async def state(who: Who) -> Response:
        return answer(await run_in_threadpool(queries.state_snapshot, store))

    @app.get("/api/v1/services")
    async def services(who: Who) -> Response:
        return answer(await run_in_threadpool(queries.get_services, store))

    @app.get("/api/v1/centre/logo")
    async def centre_logo(who: Who) -> Response:
        """The ticket logo from the centre's config, for kiosks to print (checked when the config loads)."""
        logo = store.catalogue.config.centre.logo
        if not logo:
            raise NotFound("This centre has no logo.", "لا يوجد شعار لهذا المركز.")
        try:
            data = await run_in_threadpool(pathlib.Path(logo).read_bytes)
        except OSError:
            raise NotFound("The centre's logo file is gone.", "ملف شعار المركز غير موجود.") from None
        kind = next((name for sig, name in LOGO_SIGNATURES.items() if data.startswith(sig)), None)
        media = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp"}.get(kind or "", "application/octet-stream")
        return Response(data, media_type=media, headers={"Cache-Control": "max-age=300"})

    @app.post("/api/v1/devices/status", status_code=204)
    async def device_status(body: DeviceStatusBody, who: Who) -> Response:
        if who.device_id is None:
            raise Forbidden("Only an enrolled device can report its status.", "الإبلاغ عن الحالة للأجهزة المسجلة فقط.")
        await run(commands.report_device_status, who.device_id, body.status)
        return Response(status_code=204)

    # ── tickets ──────────────────────────────────────────────────────────────────────────

    @app.post("/api/v1/tickets", status_code=201)
    async def issue(body: IssueBody, who: Who) -> Response:
        require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
        # Kiosks face the public, so one stuck or abused touch screen must not flood the queue;
        # admin devices (management tools, the day simulator) are trusted like the enrollment code.
        wait = issue_limiter.take(who.device_id) if who.kind == DeviceKind.KIOSK else 0
        if wait:
            raise RateLimited(
                "This kiosk is issuing tickets too fast; please wait a moment.",
                "هذا الجهاز يصدر التذاكر بسرعة كبيرة؛ انتظر لحظة من فضلك.",
                retry_after=RateLimiter.retry_after(wait),
            )
        return answer(await run(commands.issue_ticket, body.service_id, body.priority, who.device_id), 201)

    @app.get("/api/v1/tickets")
    async def tickets(
        who: Who,
        status: TicketStatus | None = None,
        service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
        clerk: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    ) -> Response:
        if clerk == "me":
            if who.session_id is None:
                raise Forbidden("clerk=me needs a clerk's session.", "clerk=me يتطلب جلسة موظف.")
            clerk = who.username
        return answer(
            await run_in_threadpool(queries.list_tickets, store, status.value if status else None, service_id, limit, clerk)
        )

    @app.get("/api/v1/tickets/{ticket_id}")
    async def ticket(ticket_id: TicketIdPath, who: Who) -> Response:
        found = await run_in_threadpool(queries.get_ticket, store, ticket_id)
        if found is None:
            raise NotFound(f"No ticket with id {ticket_id}.", f"لا توجد تذكرة بالرقم {ticket_id}.")
        return answer(found)

    def _ticket_step(command: Callable[..., Any]) -> Callable[..., Awaitable[Response]]:
        async def step(ticket_id: TicketIdPath, who: Who) -> Response:
            session = require_session(who)
            return answer(await run(command, ticket_id, session.counter_id))

        return step

    for name, command in (
        ("recall", commands.recall),
        ("start", commands.start),
        ("finish", commands.finish),
        ("no-show", commands.no_show),
    ):
        app.post(f"/api/v1/tickets/{{ticket_id}}/{name}", name=f"ticket_{name}")(_ticket_step(command))

    @app.post("/api/v1/tickets/{ticket_id}/cancel")
    async def cancel(ticket_id: TicketIdPath, who: Who) -> Response:
        if who.session_id is None:
            require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
        return answer(await run(commands.cancel, ticket_id))

    @app.post("/api/v1/tickets/{ticket_id}/transfer")
    async def transfer(ticket_id: TicketIdPath, body: TransferBody, who: Who) -> Response:
        session = require_session(who)
        return answer(await run(commands.transfer, ticket_id, session.counter_id, body.service_id))

    # ── clerks and counters ──────────────────────────────────────────────────────────────

    @app.post("/api/v1/sessions", status_code=201)
    async def login(body: LoginBody, who: Who) -> Response:
        require_kind(who, DeviceKind.COUNTER, DeviceKind.ADMIN)
        with store.read() as conn:
            row = conn.execute("SELECT pin_hash FROM clerks WHERE username = ? AND active = 1", (body.username,)).fetchone()
        # The slow hash runs off the event loop; an unknown name costs the same time as a known one.
        pin_ok = await run_in_threadpool(verify_pin, body.pin, row["pin_hash"] if row else None)
        result = await run(commands.record_login, body.username, pin_ok, body.counter_id, who.device_id)
        if isinstance(result, TabourError):
            raise result
        return answer(result, 201)

    @app.post("/api/v1/supervisor/check-pin")
    async def check_supervisor_pin(body: PinCheckBody, who: Who) -> Response:
        """Whose supervisor (or admin) PIN this is, for a device's staff-only action such as
        leaving kiosk mode. Opens no session and changes no counter."""
        if who.device_id is None:
            raise Forbidden("Only an enrolled device can check a PIN.", "التحقق من الرقم السري للأجهزة المسجلة فقط.")
        wait = max(pin_check_limiter.take(who.device_id), pin_check_all_limiter.take("all"))
        if wait:
            raise RateLimited(
                "Too many PIN attempts; wait a minute and try again.",
                "محاولات كثيرة للرقم السري؛ انتظر دقيقة ثم أعد المحاولة.",
                retry_after=RateLimiter.retry_after(wait), code="locked_out",
            )
        with store.read() as conn:
            rows = conn.execute(
                "SELECT username, role, pin_hash FROM clerks WHERE active = 1 AND role IN ('supervisor', 'admin') "
                "ORDER BY id"
            ).fetchall()
        for row in rows:
            if await run_in_threadpool(verify_pin, body.pin, row["pin_hash"]):
                return answer({"clerk": {"username": row["username"], "role": row["role"]}})
        raise Unauthorized("Wrong PIN, or not a supervisor's.", "الرقم السري غير صحيح أو ليس لمشرف.", code="wrong_pin")

    @app.delete("/api/v1/sessions/current", status_code=204)
    async def logout(who: Who) -> Response:
        session = require_session(who)
        await run(commands.end_session, session.session_id)
        return Response(status_code=204)

    @app.get("/api/v1/sessions/current")
    async def whoami(who: Who) -> Response:
        session = require_session(who)
        return answer({"clerk": {"username": session.username, "role": session.role.value if session.role else None}, "counter_id": session.counter_id})

    @app.post("/api/v1/counters/{counter_id}/call-next")
    async def call_next(counter_id: CounterIdPath, who: Who) -> Response:
        session = require_session(who, counter_id)
        ticket = await run(commands.call_next, counter_id, session.clerk_id)
        return answer(ticket) if ticket is not None else Response(status_code=204)

    @app.post("/api/v1/counters/{counter_id}/call")
    async def call_number(counter_id: CounterIdPath, body: CallNumberBody, who: Who) -> Response:
        session = require_session(who, counter_id)
        return answer(await run(commands.call_number, counter_id, session.clerk_id, body.number))

    @app.post("/api/v1/counters/{counter_id}/pause")
    async def pause(counter_id: CounterIdPath, body: PauseBody, who: Who) -> Response:
        require_session(who, counter_id)
        return answer(await run(commands.pause_counter, counter_id, body.reason))

    @app.post("/api/v1/counters/{counter_id}/resume")
    async def resume(counter_id: CounterIdPath, who: Who) -> Response:
        require_session(who, counter_id)
        return answer(await run(commands.resume_counter, counter_id))

    @app.post("/api/v1/counters/{counter_id}/close")
    async def close(counter_id: CounterIdPath, who: Who) -> Response:
        require_session(who, counter_id)
        return answer(await run(commands.close_counter, counter_id))

    @app.post("/api/v1/counters/{counter_id}/open")
    async def reopen(counter_id: CounterIdPath, who: Who) -> Response:
        session = require_session(who, counter_id)
        return answer(await run(commands.reopen_counter, counter_id, session.clerk_id))

    # ── statistics ───────────────────────────────────────────────────────────────────────

    @app.get("/api/v1/stats")
    async def get_stats(
        who: Who,
        from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        to: Annotated[str | None, Query(max_length=40)] = None,
        group_by: Annotated[str, Query(max_length=200)] = "service,counter,clerk,hour,day",
    ) -> Response:
        if not who.is_supervisor:
            raise Forbidden("Statistics are for supervisors.", "الإحصاءات للمشرفين فقط.")
        groups = stats.parse_group_by(group_by)
        first_given, last_given = stats.parse_day(from_, "from"), stats.parse_day(to, "to")
        today = store.today()
        first = first_given or last_given or today
        last = last_given or first_given or today
        stats.check_period(first, last)
        return answer(await run_in_threadpool(stats.compute, store, first, last, groups))

    # ── live events ──────────────────────────────────────────────────────────────────────

    @app.websocket("/api/v1/events")
    async def events(websocket: WebSocket, since: int = 0, token: str | None = None) -> None:
        bearer = token or _token_from(websocket.headers.get("authorization"))
        who = app.state.principals.get(bearer) if bearer and len(bearer) <= 200 else None
        if who is None:
            await websocket.close(code=4401, reason="unknown or expired token")
            return
        if since < 0 or since > store.last_seq:
            # A client ahead of the log (a restored backup?) must reload the snapshot.
            await websocket.close(code=4409, reason="since is ahead of the hub; reload /state")
            return
        await websocket.accept()
        broadcaster: Broadcaster = app.state.broadcaster
        subscriber = broadcaster.subscribe()
        closed = asyncio.Event()

        async def watch_close() -> None:
            try:
                while True:
                    message = await websocket.receive()
                    if message["type"] == "websocket.disconnect":
                        break
            except (WebSocketDisconnect, RuntimeError):
                pass
            closed.set()
            if not subscriber.queue.full():
                subscriber.queue.put_nowait(None)  # wake the sender so it can finish

        watcher = asyncio.create_task(watch_close())
        last = since
        try:
            last = await _replay(websocket, store, last)
            while not closed.is_set():
                item = await subscriber.queue.get()
                if item is None or subscriber.overflowed:
                    break
                seq, text = item
                if seq <= last:
                    continue
                if seq != last + 1:
                    last = await _replay(websocket, store, last)
                    if seq <= last:
                        continue
                await websocket.send_text(text)
                last = seq
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass
        finally:
            broadcaster.unsubscribe(subscriber)
            watcher.cancel()
            if not closed.is_set():
                try:
                    await websocket.close(code=1013 if subscriber.overflowed else 1000)
                except RuntimeError:
                    pass

    # ── the visitor's phone page ─────────────────────────────────────────────────────────

    @app.get("/api/v1/public/tickets/{code}")
    async def public_ticket(code: Annotated[StrictStr, Path(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]) -> Response:
        found = await run_in_threadpool(queries.public_ticket, store, code)
        if found is None:
            raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
        return answer(found)

    @app.get("/t/{code}", response_class=HTMLResponse)
    async def phone_page(
        code: Annotated[StrictStr, Path(max_length=40)], lang: Literal["ar", "en"] = "ar"
    ) -> HTMLResponse:
        valid = 8 <= len(code) <= 40 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code)
        found = await run_in_threadpool(queries.public_ticket, store, code) if valid else None
        return HTMLResponse(ticket_page(code, found, lang), status_code=200 if found else 404)

    @app.get("/api/v1/public/tickets/{code}/stream")
    async def public_stream(code: Annotated[StrictStr, Path(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]) -> Response:
        from starlette.responses import StreamingResponse

        if await run_in_threadpool(queries.public_ticket, store, code) is None:
            raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
        broadcaster: Broadcaster = app.state.broadcaster
        changed = asyncio.Event()

        def on_events(_: list) -> None:
            changed.set()

        async def stream():
            broadcaster.watchers.add(on_events)
            previous = None
            try:
                while True:
                    view = await run_in_threadpool(queries.public_ticket, store, code)
                    text = json.dumps(view, ensure_ascii=False)
                    if text != previous:
                        yield f"data: {text}\n\n"
                        previous = text
                    if view is None or view["status"] not in ("waiting", "called", "serving"):
                        break
                    changed.clear()
                    try:
                        await asyncio.wait_for(changed.wait(), timeout=25)
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                    # Many events come in bursts; one recomputation per two seconds is plenty for a phone.
                    await asyncio.sleep(2)
            finally:
                broadcaster.watchers.discard(on_events)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    return app


async def _replay(websocket: WebSocket, store: Store, last: int) -> int:
    """Send every logged event after `last`, in order; return the last seq sent."""
    while True:
        batch = await run_in_threadpool(store.events_after, last, 500)
        if not batch:
            return last
        for event in batch:
            await websocket.send_text(encode_frame(event, lambda at: iso(at, store.catalogue)))
            last = event.seq


async def _rollover_loop(store: Store) -> None:
    """Roll the business day over on time even when nobody is issuing or calling."""
    while True:
        config = store.catalogue.config.centre
        due = next_rollover(store.clock(), store.catalogue.tz, config.rollover_hour)
        await asyncio.sleep(min(max(due - store.clock(), 0) + 1, 60))
        try:
            await asyncio.wrap_future(store.submit(commands.roll_day_if_due))
        except Exception:
            log.exception("business-day rollover failed; will retry")
