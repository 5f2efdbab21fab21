"""Enrollment and the devices' own reports."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import StrictBool, StrictStr, StringConstraints

from core import commands, contract, queries
from core.errors import Forbidden, RateLimited, Unauthorized
from core.models import DeviceKind
from core.queries import Principal
from core.security import normalise_code, same_secret, verify_pin
from hub.limits import RateLimiter
from hub.logs import log_device_status, log_event
from hub.routes.common import MAX_ID, Body, Hub, HubContext, Who, address_of, answer, read_answer, require_supervisor

log = logging.getLogger("tabour.hub.devices")

router = APIRouter(prefix="/api/v1")

EnrollName = Annotated[StrictStr, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]


class EnrollBody(Body):
    name: EnrollName
    kind: DeviceKind
    code: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]
    # Only for kind "admin": a supervisor's or admin's own name and PIN.
    username: Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)] | None = None
    pin: Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)] | None = None
    # The day simulator's devices: their tickets are left out of the figures unless asked, so
    # they need a supervisor's name and PIN too, and a database without real tickets.
    simulated: StrictBool = False
    into_real_database: StrictBool = False


class DeviceStatusBody(Body):
    status: dict[str, Any]


class RenameBody(Body):
    name: EnrollName


DeviceIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/devices/enroll", status_code=201, response_model=contract.Enrollment)
async def enroll(body: EnrollBody, request: Request, hub: Hub) -> Response:
    """Exchange the enrollment code (and, for an admin device, a supervisor's name and PIN) for a token.

    While an address, or the whole hub, is over its limit of wrong codes, every code is refused:
    a right code must not get through a guessing run (hub/routes/common.py has the arithmetic).
    """
    address = address_of(request)
    wait = max(hub.enroll_limiter.blocked(address), hub.enroll_all_limiter.blocked("all"))
    if wait:
        log_event(log, "enroll.refused", logging.WARNING, reason="rate_limited", client=address, name=body.name, kind=body.kind.value)
        raise RateLimited(
            "Too many wrong enrollment codes; wait a minute and try again.",
            "رموز تسجيل خاطئة كثيرة؛ انتظر دقيقة ثم أعد المحاولة.",
            retry_after=RateLimiter.retry_after(wait),
        )
    if not same_secret(normalise_code(body.code), normalise_code(hub.settings.enroll_code)):
        hub.enroll_limiter.add(address)
        hub.enroll_all_limiter.add("all")
        log_event(log, "enroll.refused", logging.WARNING, reason="wrong_enroll_code", client=address, name=body.name, kind=body.kind.value)
        raise Forbidden("Wrong enrollment code.", "رمز تسجيل الجهاز غير صحيح.", code="wrong_enroll_code")
    if body.kind in (DeviceKind.ADMIN, DeviceKind.INTEGRATION) or body.simulated:
        await _check_staff(body, address, hub)
    answer_body = await hub.run(
        commands.enroll_device, body.name, body.kind, hub.settings.certificate_fingerprint,
        simulated=body.simulated, into_real_database=body.into_real_database,
    )
    log_event(log, "device.enrolled", device_id=answer_body["device_id"], name=body.name, kind=body.kind.value, client=address)
    return answer(answer_body, contract.Enrollment, 201)


async def _check_staff(body: EnrollBody, address: str, hub: HubContext) -> None:
    """An admin device needs a supervisor's or admin's name and PIN too, locked out like a login."""
    if body.username is None or body.pin is None:
        raise Forbidden(
            "Enrolling an admin, integration or simulated device needs a supervisor's or admin's user name and PIN as well.",
            "تسجيل جهاز إداري أو جهاز تكامل أو جهاز محاكاة يتطلب أيضاً اسم مستخدم ورقماً سرياً لمشرف أو مدير.",
            code="staff_pin_required",
        )
    hub.pins.throttle(address)
    hub.pins.begin(body.username, address)
    ok = False
    try:
        stored = await run_in_threadpool(queries.staff_pin_hash, hub.store, body.username)
        ok = await hub.pins.run(verify_pin, body.pin, stored)
    finally:
        hub.pins.finish(body.username, address, ok)
    if ok:
        hub.pins.right_from(address)
    if not ok:
        log_event(log, "enroll.refused", logging.WARNING, reason="wrong_pin", client=address, name=body.name, username=body.username)
        raise Unauthorized(
            "Wrong user name or PIN, or not a supervisor's.", "اسم المستخدم أو الرقم السري غير صحيح أو ليس لمشرف.", code="wrong_pin"
        )


@router.post("/devices/status", status_code=204)
async def device_status(body: DeviceStatusBody, who: Who, hub: Hub) -> Response:
    if who.device_id is None:
        raise Forbidden("Only an enrolled device can report its status.", "الإبلاغ عن الحالة للأجهزة المسجلة فقط.")
    await hub.run(commands.report_device_status, who.device_id, body.status)
    log_device_status(log, who.device_id, body.status)
    return Response(status_code=204)


@router.get("/devices", response_model=list[contract.Device])
async def devices(who: Who, hub: Hub) -> Response:
    """Every enrolled device, revoked ones last (supervisors and admins)."""
    require_supervisor(who)
    return await read_answer(list[contract.Device], queries.list_devices, hub.store)


@router.post("/devices/{device_id}/rename", response_model=contract.Device)
async def rename_device(device_id: DeviceIdPath, body: RenameBody, who: Who, hub: Hub) -> Response:
    require_supervisor(who)
    device = await hub.run(commands.rename_device, device_id, body.name)
    log_event(log, "device.renamed", device_id=device_id, name=device["name"], by=_actor(who))
    return answer(device, contract.Device)


@router.post("/devices/{device_id}/revoke", response_model=contract.Device)
async def revoke_device(device_id: DeviceIdPath, who: Who, hub: Hub) -> Response:
    """The token stops at once: the cache is rechecked after the commit and its sockets close with 4401."""
    require_supervisor(who)
    device = await hub.run(commands.revoke_device, device_id)
    log_event(log, "device.revoked", logging.WARNING, device_id=device_id, name=device["name"], kind=device["kind"], by=_actor(who))
    return answer(device, contract.Device)


def _actor(who: Principal) -> str:
    """Who did it, for the log: the clerk, else the device."""
    if who.username:
        return who.username
    return f"device:{who.device_id}" if who.device_id is not None else who.device_name
