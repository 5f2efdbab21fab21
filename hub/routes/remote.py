"""The remote queue's public side: `GET /join` and its poster, `POST /join` (the page's form),
`POST /api/v1/public/remote-tickets` (the same for an app or a portal), and the phone page's
"your turn is near" sound.

A phone is nobody's account, so one is told apart by its network address: each address may
take `[remote] join_per_minute` tickets a minute (429 past it) and hold
`[remote] per_client_waiting` waiting at once (409 `remote_client_full`, counted in the
issuing transaction); docs/decisions/remote-join-limits.md says why.
"""

from __future__ import annotations

import secrets
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from core import commands, contract, queries
from core.errors import RateLimited, TabourError
from core.views import public_ticket_view
from hub.join import join_headers, join_page, poster_page
from hub.limits import RateLimiter
from hub.routes.common import Body, Hub, HubContext, IdValue, address_of, answer

router = APIRouter()

SOUND = FilePath(__file__).resolve().parent.parent.parent / "assets" / "sounds" / "nearly-due.wav"
Lang = Literal["ar", "en"]


class RemoteTicketBody(Body):
    service_id: IdValue


def _limiter(hub: HubContext) -> RateLimiter:
    """The per-address limiter, rebuilt when the centre's `join_per_minute` changes."""
    per_minute = hub.store.catalogue.config.remote.join_per_minute
    if hub.remote_limiter is None or hub.remote_limiter.rate != per_minute / 60.0:
        hub.remote_limiter = RateLimiter(per_minute=per_minute)
    return hub.remote_limiter


async def _take(hub: HubContext, request: Request, service_id: int) -> dict:
    """A remote ticket for the client behind `request`, as its phone sees it."""
    client = address_of(request)
    limiter = _limiter(hub)
    wait = limiter.take(client)
    if wait:
        raise RateLimited(
            "Too many tickets from this address; wait a moment and try again.",
            "تذاكر كثيرة من هذا العنوان؛ انتظر قليلاً ثم حاول مرة أخرى.",
            retry_after=RateLimiter.retry_after(wait),
        )
    try:
        ticket = await hub.run(commands.issue_remote_ticket, service_id, None, client)
    except TabourError:
        limiter.give_back(client)  # a refusal takes nothing from the queue, so it costs nothing
        raise
    return {"code": ticket["code"], "page": f"/t/{ticket['code']}", "ticket": public_ticket_view(hub.store.catalogue, ticket)}


def _centre(hub: HubContext) -> dict[str, str]:
    centre = hub.store.catalogue.config.centre
    return {"name_ar": centre.name_ar, "name_en": centre.name_en}


@router.post("/api/v1/public/remote-tickets", status_code=201, response_model=contract.RemoteTicket)
async def take_remote_ticket(body: RemoteTicketBody, request: Request, hub: Hub) -> Response:
    """A walk-in ticket from a phone: the visitor follows it at `page` and confirms at the kiosk."""
    return answer(await _take(hub, request, body.service_id), contract.RemoteTicket, 201)


@router.get("/api/v1/public/remote-services", response_model=list[contract.JoinService])
async def remote_services(hub: Hub) -> Response:
    """The services a phone may take a ticket of, as `GET /join` lists them."""
    return answer(await run_in_threadpool(queries.join_services, hub.store), list[contract.JoinService])


@router.get("/join", response_class=HTMLResponse)
async def join(hub: Hub, lang: Lang = "ar") -> HTMLResponse:
    services = await run_in_threadpool(queries.join_services, hub.store)
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(join_page(services, _centre(hub), lang, nonce), headers=join_headers(nonce))


@router.post("/join", response_class=HTMLResponse, status_code=303)
async def join_form(
    request: Request, hub: Hub, service_id: Annotated[str, Form()] = "", lang: Lang = "ar"
) -> Response:
    """The page's form: 303 to the new ticket's phone page, or the page again with the reason."""
    error: tuple[str, str] | None = None
    status = 200
    if not (len(service_id) <= 16 and service_id.isascii() and service_id.isdigit() and 0 < int(service_id) < 2**53):
        error, status = ("Choose a service from the list.", "اختر خدمة من القائمة."), 422
    else:
        try:
            taken = await _take(hub, request, int(service_id))
        except TabourError as refusal:
            error, status = (refusal.message_en, refusal.message_ar), refusal.status
        else:
            return RedirectResponse(f"{taken['page']}?lang={lang}" if lang == "en" else taken["page"], status_code=303)
    services = await run_in_threadpool(queries.join_services, hub.store)
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(join_page(services, _centre(hub), lang, nonce, error), status_code=status, headers=join_headers(nonce))


@router.get("/join/poster", response_class=HTMLResponse)
async def poster(request: Request, hub: Hub) -> HTMLResponse:
    """A printable A4 poster (Arabic above English) whose QR code opens /join."""
    base = hub.settings.public_url or str(request.base_url)
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(poster_page(base.rstrip("/") + "/join", _centre(hub), nonce), headers=join_headers(nonce))


@router.get("/sounds/nearly-due.wav", response_class=FileResponse)
async def nearly_due_sound() -> FileResponse:
    """The phone page's short "your turn is near" sound (scripts/make_sounds.py)."""
    return FileResponse(SOUND, media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})
