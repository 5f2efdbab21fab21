"""What a visitor's phone sees without logging in: its ticket's page and live place in the queue."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import StrictStr
from starlette.responses import StreamingResponse

from core import contract, queries
from core.errors import NotFound
from hub.page import security_headers, ticket_page
from hub.routes.common import Hub, answer

router = APIRouter()

PublicCode = Annotated[StrictStr, Path(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/api/v1/public/tickets/{code}", response_model=contract.PublicTicket)
async def public_ticket(code: PublicCode, hub: Hub) -> Response:
    found = await run_in_threadpool(queries.public_ticket, hub.store, code)
    if found is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    return answer(found, contract.PublicTicket)


@router.get("/t/{code}", response_class=HTMLResponse)
async def phone_page(
    code: Annotated[StrictStr, Path(max_length=40)], hub: Hub, lang: Literal["ar", "en"] = "ar"
) -> HTMLResponse:
    valid = 8 <= len(code) <= 40 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code)
    found = await run_in_threadpool(queries.public_ticket, hub.store, code) if valid else None
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(
        ticket_page(code, found, lang, nonce), status_code=200 if found else 404, headers=security_headers(nonce)
    )


@router.get(
    "/api/v1/public/tickets/{code}/stream",
    response_class=StreamingResponse,
    responses={200: {"description": "Server-sent events: each `data:` line is the PublicTicket as it changed",
                     "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def public_stream(code: PublicCode, hub: Hub) -> Response:
    store = hub.store
    if await run_in_threadpool(queries.public_ticket, store, code) is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    broadcaster = hub.broadcaster
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
