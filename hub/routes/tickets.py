"""Issuing tickets, reading them, and the lifecycle steps a clerk takes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from core import commands, contract, queries
from core.errors import Forbidden, NotFound
from core.models import DeviceKind, Priority, TicketStatus
from core.queries import Principal
from hub.routes.common import (
    MAX_ID, Body, Hub, HubContext, IdValue, TicketIdPath, Who, answer, read_answer, require_issuing_device,
    require_kind, require_session,
)

router = APIRouter(prefix="/api/v1")


class IssueBody(Body):
    service_id: IdValue
    priority: Priority = Priority.NORMAL


class TransferBody(Body):
    service_id: IdValue


# The store says what is wrong with a code (core.commands.confirm_arrival); the bound only
# keeps a hostile path from being carried that far.
ArrivalCode = Annotated[str, Path(max_length=200)]


@router.post("/tickets", status_code=201, response_model=contract.Ticket)
async def issue(body: IssueBody, who: Who, hub: Hub) -> Response:
    return await issue_ticket(hub, who, body)


async def issue_ticket(hub: HubContext, who: Principal, body: IssueBody) -> Response:
    """`POST /tickets` once its body and token are read (also the fast lane's, hub/fastlane.py)."""
    require_issuing_device(who, hub)
    return answer(await hub.run(commands.issue_ticket, body.service_id, body.priority, who.device_id), contract.Ticket, 201)


@router.get("/tickets", response_model=list[contract.Ticket])
async def tickets(
    who: Who,
    hub: Hub,
    status: TicketStatus | None = None,
    service_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    clerk: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
) -> Response:
    if clerk == "me":
        if who.session_id is None:
            raise Forbidden("clerk=me needs a clerk's session.", "clerk=me يتطلب جلسة موظف.")
        clerk = who.username
    return await read_answer(
        list[contract.Ticket], queries.list_tickets, hub.store, status.value if status else None, service_id, limit, clerk
    )


@router.get("/tickets/{ticket_id}", response_model=contract.TicketWithHistory)
async def ticket(ticket_id: TicketIdPath, who: Who, hub: Hub) -> Response:
    found = await run_in_threadpool(queries.get_ticket, hub.store, ticket_id)
    if found is None:
        raise NotFound(f"No ticket with id {ticket_id}.", f"لا توجد تذكرة بالرقم {ticket_id}.")
    return answer(found, contract.TicketWithHistory)


async def ticket_step(hub: HubContext, who: Principal, command: Callable[..., Any], ticket_id: int) -> Response:
    """A clerk's step on a ticket at their counter (also the fast lane's, hub/fastlane.py)."""
    session = require_session(who)
    return answer(await hub.run(command, ticket_id, session.counter_id), contract.Ticket)


def _ticket_step(command: Callable[..., Any]) -> Callable[..., Awaitable[Response]]:
    async def step(ticket_id: TicketIdPath, who: Who, hub: Hub) -> Response:
        return await ticket_step(hub, who, command, ticket_id)

    return step


# The steps a clerk takes on a called ticket, by the last part of their path.
TICKET_STEPS: dict[str, Callable[..., Any]] = {
    "recall": commands.recall,
    "start": commands.start,
    "finish": commands.finish,
    "no-show": commands.no_show,
}
for _name, _command in TICKET_STEPS.items():
    router.post(f"/tickets/{{ticket_id}}/{_name}", name=f"ticket_{_name}", response_model=contract.Ticket)(_ticket_step(_command))


@router.post("/tickets/{ticket_id}/cancel", response_model=contract.Ticket)
async def cancel(ticket_id: TicketIdPath, who: Who, hub: Hub) -> Response:
    if who.session_id is None:
        require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
    return answer(await hub.run(commands.cancel, ticket_id), contract.Ticket)


@router.post("/tickets/{ticket_id}/transfer", response_model=contract.Ticket)
async def transfer(ticket_id: TicketIdPath, body: TransferBody, who: Who, hub: Hub) -> Response:
    session = require_session(who)
    return answer(await hub.run(commands.transfer, ticket_id, session.counter_id, body.service_id), contract.Ticket)


@router.post("/tickets/{code}/arrived", response_model=contract.Ticket)
async def arrived(code: ArrivalCode, who: Who, hub: Hub) -> Response:
    """The visitor of a remote ticket is here: the kiosk read the code of their phone's QR.
    Emits `ticket.arrived` the first time; a second scan answers the same ticket."""
    require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
    return answer(await hub.run(commands.confirm_arrival, code), contract.Ticket)
