"""Enrollment and the devices' own reports."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import StrictStr, StringConstraints

from core import commands
from core.errors import Forbidden, RateLimited
from core.models import DeviceKind
from core.security import same_secret
from hub.limits import RateLimiter
from hub.logs import log_device_status
from hub.routes.common import Body, Hub, Who, answer

log = logging.getLogger("tabour.hub.devices")

router = APIRouter(prefix="/api/v1")

EnrollName = Annotated[StrictStr, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]


class EnrollBody(Body):
    name: EnrollName
    kind: DeviceKind
    code: Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]


class DeviceStatusBody(Body):
    status: dict[str, Any]


@router.post("/devices/enroll", status_code=201)
async def enroll(body: EnrollBody, request: Request, hub: Hub) -> Response:
    client = request.client.host if request.client else "?"
    if not same_secret(body.code, hub.settings.enroll_code):
        wait = hub.enroll_limiter.take(client)
        if wait:
            raise RateLimited("Too many wrong enrollment codes; wait a minute.", "رموز تسجيل خاطئة كثيرة؛ انتظر دقيقة.", retry_after=RateLimiter.retry_after(wait))
        raise Forbidden("Wrong enrollment code.", "رمز تسجيل الجهاز غير صحيح.", code="wrong_enroll_code")
    return answer(await hub.run(commands.enroll_device, body.name, body.kind), 201)


@router.post("/devices/status", status_code=204)
async def device_status(body: DeviceStatusBody, who: Who, hub: Hub) -> Response:
    if who.device_id is None:
        raise Forbidden("Only an enrolled device can report its status.", "الإبلاغ عن الحالة للأجهزة المسجلة فقط.")
    await hub.run(commands.report_device_status, who.device_id, body.status)
    log_device_status(log, who.device_id, body.status)
    return Response(status_code=204)
