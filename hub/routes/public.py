"""What a visitor's phone sees without logging in: its ticket's page and live place in the queue."""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import StrictStr
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from core import contract, queries
from core.errors import NotFound, RateLimited
from hub.page import security_headers, ticket_page
from hub.phones import PHONE_BYTE_BUDGET, StreamBook, TooManyStreams
from hub.routes.common import Hub, answer
from hub.server import ABORT_SCOPE_KEY, BUFFER_SCOPE_KEY

router = APIRouter()

KEEP_ALIVE_RETRY = 60  # seconds a refused page should wait before it asks again
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


class PhoneStreamResponse(StreamingResponse):
    """A phone's server-sent events: joins the hub's phone watch when the answer starts, and
    leaves it however the answer ends (the phone left, was dropped, or its visit is over)."""

    def __init__(self, phones: StreamBook, code: str, first: Any) -> None:
        self.phones, self.code, self.first = phones, code, first
        # The frames are the phone's, which exists only once the answer starts.
        super().__init__((), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        bound = scope.get(BUFFER_SCOPE_KEY)
        if bound is not None:
            bound(PHONE_BYTE_BUDGET)
        phone = self.phones.join(self.code, self.first, abort=scope.get(ABORT_SCOPE_KEY))
        self.body_iterator = self.phones.frames(phone)
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.phones.leave(phone)


@router.get(
    "/api/v1/public/tickets/{code}/stream",
    response_class=StreamingResponse,
    responses={200: {"description": "Server-sent events: each `data:` line is the PublicTicket as it changed",
                     "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def public_stream(code: PublicCode, hub: Hub) -> Response:
    """The ticket's place, pushed as it changes (hub/phones.py); 404 for an unknown code, 429
    past the streams one ticket or the hub may hold."""
    phones = hub.phones
    first = phones.live_view(code) if phones.ready.is_set() else None
    if first is None:
        first = await run_in_threadpool(queries.public_ticket, hub.store, code)
        if first is None:
            raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    return open_stream(phones, code, first)


def open_stream(watch: StreamBook, code: str, first: Any, *, visit: bool = False) -> PhoneStreamResponse:
    """The page's stream on `code`, first sent `first`, if the watch has room for one more
    (429 `too_many_streams` if not: see `stream_refused`); `visit`: the page follows a visit."""
    try:
        watch.check_room(code)
    except TooManyStreams as refusal:
        raise stream_refused(refusal, watch.max_per_ticket, visit=visit) from None
    return PhoneStreamResponse(watch, code, first)


def stream_refused(refusal: TooManyStreams, per_ticket: int, *, visit: bool = False) -> RateLimited:
    """429 `too_many_streams` for a page that may not follow: its ticket (or visit) has `per_ticket`
    pages already, or the hub as many as it may hold."""
    if refusal.scope == "ticket":
        what_en, what_ar = ("visit", "الزيارةَ") if visit else ("ticket", "التذكرةَ")
        return RateLimited(
            f"This {what_en} is followed by {per_ticket} pages already; close one of them.",
            f"تتابع هذه {what_ar} \u2066{per_ticket}\u2069 صفحات بالفعل؛ أغلق إحداها.",
            retry_after=KEEP_ALIVE_RETRY, code="too_many_streams",
        )
    return RateLimited(
        "The hub follows as many phones as it may; try again in a minute.",
        "يتابع النظام أقصى عدد مسموح به من الهواتف؛ حاول بعد دقيقة.",
        retry_after=KEEP_ALIVE_RETRY, code="too_many_streams",
    )
