"""Clerk logins at a counter, and the supervisor PIN check a device may ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import StrictStr, StringConstraints

from core import commands, queries
from core.errors import Forbidden, RateLimited, TabourError, Unauthorized
from core.models import DeviceKind
from core.security import verify_pin
from hub.limits import RateLimiter
from hub.routes.common import Body, Hub, IdValue, Who, answer, require_kind, require_session

router = APIRouter(prefix="/api/v1")

Pin = Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]


class LoginBody(Body):
    username: Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
    pin: Pin
    counter_id: IdValue


class PinCheckBody(Body):
    pin: Pin


@router.post("/sessions", status_code=201)
async def login(body: LoginBody, who: Who, hub: Hub) -> Response:
    require_kind(who, DeviceKind.COUNTER, DeviceKind.ADMIN)
    stored = await run_in_threadpool(queries.active_clerk_pin_hash, hub.store, body.username)
    # The slow hash runs off the event loop; an unknown name costs the same time as a known one.
    pin_ok = await run_in_threadpool(verify_pin, body.pin, stored)
    result = await hub.run(commands.record_login, body.username, pin_ok, body.counter_id, who.device_id)
    if isinstance(result, TabourError):
        raise result
    return answer(result, 201)


@router.post("/supervisor/check-pin")
async def check_supervisor_pin(body: PinCheckBody, who: Who, hub: Hub) -> Response:
    """Whose supervisor (or admin) PIN this is, for a device's staff-only action such as
    leaving kiosk mode. Opens no session and changes no counter."""
    if who.device_id is None:
        raise Forbidden("Only an enrolled device can check a PIN.", "التحقق من الرقم السري للأجهزة المسجلة فقط.")
    wait = max(hub.pin_check_limiter.take(who.device_id), hub.pin_check_all_limiter.take("all"))
    if wait:
        raise RateLimited(
            "Too many PIN attempts; wait a minute and try again.",
            "محاولات كثيرة للرقم السري؛ انتظر دقيقة ثم أعد المحاولة.",
            retry_after=RateLimiter.retry_after(wait), code="locked_out",
        )
    for clerk in await run_in_threadpool(queries.supervisor_pin_hashes, hub.store):
        if await run_in_threadpool(verify_pin, body.pin, clerk["pin_hash"]):
            return answer({"clerk": {"username": clerk["username"], "role": clerk["role"]}})
    raise Unauthorized("Wrong PIN, or not a supervisor's.", "الرقم السري غير صحيح أو ليس لمشرف.", code="wrong_pin")


@router.delete("/sessions/current", status_code=204)
async def logout(who: Who, hub: Hub) -> Response:
    session = require_session(who)
    await hub.run(commands.end_session, session.session_id)
    return Response(status_code=204)


@router.get("/sessions/current")
async def whoami(who: Who) -> Response:
    session = require_session(who)
    return answer({"clerk": {"username": session.username, "role": session.role.value if session.role else None}, "counter_id": session.counter_id})
