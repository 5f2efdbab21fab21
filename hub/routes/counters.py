"""What a clerk does with their counter: call, pause, resume, close, open."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import StrictStr, StringConstraints

from core import commands, contract
from core.queries import Principal
from hub.routes.common import Body, CounterIdPath, Hub, HubContext, Who, answer, require_session

router = APIRouter(prefix="/api/v1")


class CallNumberBody(Body):
    number: Annotated[StrictStr, StringConstraints(min_length=1, max_length=12)]


class PauseBody(Body):
    reason: Annotated[StrictStr, StringConstraints(min_length=1, max_length=80)]


@router.post(
    "/counters/{counter_id}/call-next",
    response_model=contract.Ticket,
    responses={204: {"description": "Nobody is waiting for the services this counter serves"}},
)
async def call_next(counter_id: CounterIdPath, who: Who, hub: Hub) -> Response:
    return await call_next_at(hub, who, counter_id)


async def call_next_at(hub: HubContext, who: Principal, counter_id: int) -> Response:
    """`POST /counters/{id}/call-next` once its token is read (also the fast lane's, hub/fastlane.py)."""
    session = require_session(who, counter_id)
    ticket = await hub.run(commands.call_next, counter_id, session.clerk_id)
    return answer(ticket, contract.Ticket) if ticket is not None else Response(status_code=204)


@router.post("/counters/{counter_id}/call", response_model=contract.Ticket)
async def call_number(counter_id: CounterIdPath, body: CallNumberBody, who: Who, hub: Hub) -> Response:
    session = require_session(who, counter_id)
    return answer(await hub.run(commands.call_number, counter_id, session.clerk_id, body.number), contract.Ticket)


@router.post("/counters/{counter_id}/pause", response_model=contract.Counter)
async def pause(counter_id: CounterIdPath, body: PauseBody, who: Who, hub: Hub) -> Response:
    require_session(who, counter_id)
    return answer(await hub.run(commands.pause_counter, counter_id, body.reason), contract.Counter)


@router.post("/counters/{counter_id}/resume", response_model=contract.Counter)
async def resume(counter_id: CounterIdPath, who: Who, hub: Hub) -> Response:
    require_session(who, counter_id)
    return answer(await hub.run(commands.resume_counter, counter_id), contract.Counter)


@router.post("/counters/{counter_id}/close", response_model=contract.Counter)
async def close(counter_id: CounterIdPath, who: Who, hub: Hub) -> Response:
    require_session(who, counter_id)
    return answer(await hub.run(commands.close_counter, counter_id), contract.Counter)


@router.post("/counters/{counter_id}/open", response_model=contract.Counter)
async def reopen(counter_id: CounterIdPath, who: Who, hub: Hub) -> Response:
    session = require_session(who, counter_id)
    return answer(await hub.run(commands.reopen_counter, counter_id, session.clerk_id), contract.Counter)
