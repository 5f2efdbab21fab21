"""Clerk logins at a counter, and the supervisor PIN check a device may ask for."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import StrictStr, StringConstraints

from core import commands, contract, queries
from core.errors import Forbidden, RateLimited, TabourError, Unauthorized
from core.models import DeviceKind
from core.security import verify_pin
from hub.logs import log_event
from hub.routes.common import (
    Body, Hub, IdValue, Who, address_of, answer, place_of, require_kind, require_session, token_from,
)
from hub.server import close_pin_gate

log = logging.getLogger("tabour.hub.sessions")



def wrong_login() -> Unauthorized:
    """The one answer to a wrong name or a wrong PIN: nothing tells them apart."""
    return Unauthorized("Wrong user name or PIN.", "اسم المستخدم أو الرقم السري غير صحيح.", code="wrong_pin")

router = APIRouter(prefix="/api/v1")

Pin = Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]


class LoginBody(Body):
    username: Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
    pin: Pin
    counter_id: IdValue


class PinCheckBody(Body):
    pin: Pin


def _gate_after_refusal(request: Request, refused: RateLimited) -> None:
    """This device's PIN checks were refused 429: the server gives its next ones the same answer for a moment."""
    close_pin_gate(
        request.client.host if request.client else None, request.url.path,
        token_from(request.headers.get("authorization")), asyncio.get_running_loop().time(),
        code=refused.code, message_en=refused.message_en, message_ar=refused.message_ar, retry_after=refused.retry_after,
    )


@router.post("/sessions", status_code=201, response_model=contract.Session)
async def login(body: LoginBody, request: Request, who: Who, hub: Hub) -> Response:
    """A clerk's login at a counter; unknown names are answered exactly like known ones (hub/pins.py)."""
    try:
        return await _login(body, request, who, hub)
    except RateLimited as refused:
        _gate_after_refusal(request, refused)
        raise


async def _login(body: LoginBody, request: Request, who: Who, hub: Hub) -> Response:
    require_kind(who, DeviceKind.COUNTER, DeviceKind.ADMIN)
    place = place_of(who)
    refused = hub.pins.refusal(body.username, place)
    if refused is not None:
        raise refused
    hub.pins.throttle(place, address_of(request))
    hub.pins.begin(body.username, place)
    ok = False
    try:
        stored = await run_in_threadpool(queries.active_clerk_pin_hash, hub.store, body.username)
        ok = await hub.pins.run(verify_pin, body.pin, stored)  # a dummy hash for an unknown name
    finally:
        hub.pins.finish(body.username, place, ok)
    if not ok:
        log_event(log, "login.refused", logging.WARNING, username=body.username, place=place)
        raise wrong_login()
    hub.pins.right_from(place, address_of(request))
    result = await hub.run(commands.record_login, body.username, True, body.counter_id, who.device_id)
    if isinstance(result, TabourError):
        raise result
    log_event(log, "login", username=body.username, counter_id=body.counter_id, place=place)
    return answer(result, contract.Session, 201)


@router.post("/supervisor/check-pin", response_model=contract.PinCheck)
async def check_supervisor_pin(body: PinCheckBody, request: Request, who: Who, hub: Hub) -> Response:
    """Whose supervisor (or admin) PIN this is, for a device's staff-only action such as
    leaving kiosk mode. Opens no session and changes no counter.

    A wrong PIN counts, at this device, against every supervisor and admin it could have been
    (the per-name lockouts logins use): guesses at one kiosk lock them out of that kiosk only.
    """
    try:
        return await _check_supervisor_pin(body, request, who, hub)
    except RateLimited as refused:
        _gate_after_refusal(request, refused)
        raise


async def _check_supervisor_pin(body: PinCheckBody, request: Request, who: Who, hub: Hub) -> Response:
    if who.device_id is None:
        raise Forbidden("Only an enrolled device can check a PIN.", "التحقق من الرقم السري للأجهزة المسجلة فقط.")
    place = place_of(who)
    staff = await run_in_threadpool(queries.supervisor_pin_hashes, hub.store)
    refusals = [hub.pins.refusal(clerk["username"], place) for clerk in staff]
    candidates = [clerk for clerk, refused in zip(staff, refusals) if refused is None]
    if staff and not candidates:
        raise refusals[0]
    hub.pins.throttle(place, address_of(request))
    begun = []
    found = None
    try:
        for clerk in candidates:
            try:
                hub.pins.begin(clerk["username"], place)
            except RateLimited as refused:  # this one is slowed hub-wide: the others may still match
                refusals.append(refused)
                continue
            begun.append(clerk)
        if candidates and not begun:
            raise refusals[-1]
        for clerk in begun or [{"username": "", "role": "", "pin_hash": None}]:
            if await hub.pins.run(verify_pin, body.pin, clerk["pin_hash"]):
                found = clerk
                break
    finally:
        for clerk in begun:
            hub.pins.finish(clerk["username"], place, clerk is found)
    if found is None:
        log_event(log, "supervisor_pin.refused", logging.WARNING, place=place)
        raise Unauthorized("Wrong PIN, or not a supervisor's.", "الرقم السري غير صحيح أو ليس لمشرف.", code="wrong_pin")
    hub.pins.right_from(place, address_of(request))
    log_event(log, "supervisor_pin.accepted", username=found["username"], place=place)
    return answer({"clerk": {"username": found["username"], "role": found["role"]}}, contract.PinCheck)


@router.delete("/sessions/current", status_code=204)
async def logout(who: Who, hub: Hub) -> Response:
    session = require_session(who)
    await hub.run(commands.end_session, session.session_id)
    return Response(status_code=204)


@router.get("/sessions/current", response_model=contract.CurrentSession)
async def whoami(who: Who) -> Response:
    session = require_session(who)
    return answer({"clerk": {"username": session.username, "role": session.role.value if session.role else None}, "counter_id": session.counter_id}, contract.CurrentSession)
