"""Check-in at the kiosk: a booking's code or a remote ticket's code, scanned or typed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import StrictBool, StrictStr

from core import checkin, contract
from core.errors import RateLimited
from core.models import DeviceKind
from hub.limits import RateLimiter
from hub.routes.common import Body, Hub, Who, answer, require_kind

router = APIRouter(prefix="/api/v1")


class CheckInBody(Body):
    # Checked by core.checkin.normalise_code, which answers a wrong one with a clear message.
    code: StrictStr
    walk_in: StrictBool = False


@router.post("/check-in", response_model=contract.CheckIn)
async def check_in(body: CheckInBody, who: Who, hub: Hub) -> Response:
    """The kiosk's scan field: an appointment ticket, when to come back, a late offer, or an arrival."""
    require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
    # It may issue a ticket: the kiosk's issuing limit applies, as for a touch.
    wait = hub.issue_limiter.take(who.device_id) if who.kind == DeviceKind.KIOSK else 0
    if wait:
        raise RateLimited(
            "This kiosk is issuing tickets too fast; please wait a moment.",
            "هذا الجهاز يصدر التذاكر بسرعة كبيرة؛ انتظر لحظة من فضلك.",
            retry_after=RateLimiter.retry_after(wait),
        )
    return answer(await hub.run(checkin.check_in, body.code, who.device_id, body.walk_in), contract.CheckIn)
