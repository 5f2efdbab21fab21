"""Check-in at the kiosk: a booking's code or a remote ticket's code, scanned or typed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import StrictBool, StrictStr

from core import checkin, contract
from hub.routes.common import Body, Hub, Who, answer, require_issuing_device

router = APIRouter(prefix="/api/v1")


class CheckInBody(Body):
    # Checked by core.checkin.normalise_code, which answers a wrong one with a clear message.
    code: StrictStr
    walk_in: StrictBool = False


@router.post("/check-in", response_model=contract.CheckIn)
async def check_in(body: CheckInBody, who: Who, hub: Hub) -> Response:
    """The kiosk's scan field: an appointment ticket, when to come back, a late offer, or an arrival."""
    require_issuing_device(who, hub)  # it may issue a ticket: the kiosk's issuing limit applies, as for a touch
    return answer(await hub.run(checkin.check_in, body.code, who.device_id, body.walk_in), contract.CheckIn)
