"""Clerk accounts, for admins and the hub's own command line (`python main.py clerk …`).

While a hub runs, its command line changes clerks through these routes, so a removal ends the
clerk's sessions in the live hub at once and no second process writes the database.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import StrictStr, StringConstraints

from core import commands, contract, queries
from core.errors import Forbidden, NotFound
from core.models import DeviceKind, Role
from core.queries import Principal
from core.security import check_pin_strength, hash_pin
from hub.logs import log_event
from hub.routes.common import MAX_ID, Body, Hub, Who, answer

log = logging.getLogger("tabour.hub.clerks")
router = APIRouter(prefix="/api/v1")

Username = Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
PinText = Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]
ClerkIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class AddClerkBody(Body):
    username: Username
    role: Role = Role.CLERK
    pin: PinText


class ResetPinBody(Body):
    pin: PinText


def require_admin(who: Principal) -> None:
    if (who.kind is DeviceKind.ADMIN and who.session_id is None) or who.role is Role.ADMIN:
        return
    raise Forbidden("Only an admin may change clerk accounts.", "تعديل حسابات الموظفين للمدير فقط.")


async def _clerk_name(hub, clerk_id: int) -> str:
    for clerk in await run_in_threadpool(queries.list_clerks, hub.store):
        if clerk["id"] == clerk_id:
            return clerk["username"]
    raise NotFound(f"No clerk with id {clerk_id}.", f"لا يوجد موظف بالرقم {clerk_id}.")


@router.get("/clerks", response_model=list[contract.Clerk])
async def clerks(who: Who, hub: Hub) -> Response:
    require_admin(who)
    return answer(
        [
            {"id": c["id"], "username": c["username"], "role": c["role"], "active": bool(c["active"])}
            for c in await run_in_threadpool(queries.list_clerks, hub.store)
        ],
        list[contract.Clerk],
    )


@router.post("/clerks", status_code=201, response_model=contract.EnlistedClerk)
async def add_clerk(body: AddClerkBody, who: Who, hub: Hub) -> Response:
    """A new clerk, or a removed one brought back with this PIN and role (`restored`: true)."""
    require_admin(who)
    commands.check_username(body.username)
    check_pin_strength(body.pin)
    pin_hash = await hub.pins.run(hash_pin, body.pin)
    clerk = await hub.run(commands.enlist_clerk, body.username, body.role, pin_hash)
    log_event(log, "clerk.restored" if clerk["restored"] else "clerk.added", username=clerk["username"], role=clerk["role"], by=who.username or who.device_name)
    return answer(clerk, contract.EnlistedClerk, 201)


@router.post("/clerks/{clerk_id}/remove", response_model=contract.Clerk)
async def remove_clerk(clerk_id: ClerkIdPath, who: Who, hub: Hub) -> Response:
    """Deactivated at once: their sessions end, their open sockets close with 4401."""
    require_admin(who)
    clerk = await hub.run(commands.remove_clerk, await _clerk_name(hub, clerk_id))
    hub.pins.forget(clerk["username"])
    log_event(log, "clerk.removed", logging.WARNING, username=clerk["username"], by=who.username or who.device_name)
    return answer(clerk, contract.Clerk)


@router.post("/clerks/{clerk_id}/reset-pin", response_model=contract.Clerk)
async def reset_pin(clerk_id: ClerkIdPath, body: ResetPinBody, who: Who, hub: Hub) -> Response:
    """A new PIN, and any lockout lifted; refused (409 clerk_removed) for a removed clerk."""
    require_admin(who)
    check_pin_strength(body.pin)
    username = await _clerk_name(hub, clerk_id)
    pin_hash = await hub.pins.run(hash_pin, body.pin)
    clerk = await hub.run(commands.reset_pin, username, pin_hash)
    hub.pins.forget(clerk["username"])
    log_event(log, "clerk.pin_reset", username=clerk["username"], by=who.username or who.device_name)
    return answer(clerk, contract.Clerk)
