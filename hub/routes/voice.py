"""The visitor's voice over HTTP: a rating after the visit (phone, counter-top screen), the
complaints and suggestions box, and the supervisors' side of it (core/voice.py does the work)."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import Field, StrictInt, StrictStr
from starlette.responses import StreamingResponse

from core import audit, contract, voice
from core.errors import NotFound, RateLimited
from core.models import DeviceKind
from hub.follow_page import follow_page as render_follow_page
from hub.page import security_headers
from hub.routes.common import Body, Hub, TicketIdPath, Who, address_of, answer, principal, require_kind, require_supervisor
from hub.routes.public import PublicCode, open_stream
from hub.visit_feedback import reference_key

router = APIRouter()

Reference = Annotated[StrictStr, Path(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$")]
FEEDBACK_PER_MINUTE = 5  # per address: a box that answers, not a place to flood


class RatingBody(Body):
    score: StrictInt = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: StrictStr | None = Field(None, max_length=voice.MAX_COMMENT)


class FeedbackBody(Body):
    kind: Literal["complaint", "suggestion", "thanks"]
    text: StrictStr = Field(min_length=1, max_length=voice.MAX_FEEDBACK_TEXT)
    mobile: StrictStr | None = Field(None, max_length=40, description="for a reply; 7 to 15 digits, Arabic-Indic digits accepted")
    ticket_code: StrictStr | None = Field(None, min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
                                          description="the visit it is about: the code of its phone page")


class FeedbackChange(Body):
    status: Literal["new", "in_progress", "answered", "closed"] | None = None
    assignee: StrictStr | None = Field(None, min_length=1, max_length=64, description="a supervisor's user name")
    unassign: bool = False
    answer: StrictStr | None = Field(None, min_length=1, max_length=voice.MAX_ANSWER,
                                     description="shown to the visitor; answering marks it answered")


async def _rate(hub, body: RatingBody, **where) -> Response:
    """Record the rating (core/voice.py `rate` holds the rules) and answer 201 with it."""
    return answer(await hub.run(voice.rate, body.score, body.comment, **where), contract.Rating, 201)


@router.post("/api/v1/public/tickets/{code}/rating", status_code=201, response_model=contract.Rating)
async def rate_from_phone(code: PublicCode, body: RatingBody, hub: Hub) -> Response:
    """The visitor's rating from the phone page: once per ticket, for 24 h after the visit ended.
    409 `already_rated`, `visit_not_finished` or `rating_closed`."""
    return await _rate(hub, body, source="phone", code=code)


@router.get("/api/v1/public/tickets/{code}/rating", response_model=contract.RatingState)
async def rating_state(code: PublicCode, hub: Hub) -> Response:
    found = await run_in_threadpool(voice.rating_state, hub.store, code)
    if found is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    return answer(found, contract.RatingState)


@router.get("/api/v1/public/tickets/{code}/feedback", response_model=list[contract.PublicFeedback])
async def visit_feedback(code: PublicCode, hub: Hub) -> Response:
    """What was filed from this visit's phone page, newest first, with the centre's answers."""
    return answer(await run_in_threadpool(voice.feedback_for_visit, hub.store, code), list[contract.PublicFeedback])


@router.get(
    "/api/v1/public/tickets/{code}/feedback/stream",
    response_class=StreamingResponse,
    responses={200: {"description": "Server-sent events: each `data:` line is the visit's [PublicFeedback] as it changed; "
                                    "the stream ends once every entry is closed",
                     "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def visit_feedback_stream(code: PublicCode, hub: Hub) -> Response:
    """What was filed from this visit's page, pushed whenever the centre moves or answers it
    (hub/visit_feedback.py); 404 for an unknown code, 429 past the pages a visit or the hub may hold."""
    watch = hub.visit_feedback
    if watch is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    entries = await run_in_threadpool(voice.followed_feedback, hub.store, code)
    if entries is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    return open_stream(watch, code, entries, visit=True)


@router.post("/api/v1/tickets/{ticket_id}/rating", status_code=201, response_model=contract.Rating)
async def rate_from_screen(ticket_id: TicketIdPath, body: RatingBody, who: Who, hub: Hub) -> Response:
    """The counter-top `feedback` screen's rating of the visit it was shown after."""
    require_kind(who, DeviceKind.FEEDBACK)
    return await _rate(hub, body, source="feedback", ticket_id=ticket_id, device_id=who.device_id)


async def _kiosk_or_none(request: Request) -> bool:
    """Filed on a kiosk (its token sent) or from a phone (no token)."""
    if not request.headers.get("authorization"):
        return False
    who = await principal(request)
    require_kind(who, DeviceKind.KIOSK, DeviceKind.ADMIN)
    return who.kind is DeviceKind.KIOSK


@router.post("/api/v1/public/feedback", status_code=201, response_model=contract.PublicFeedback)
async def file_feedback(body: FeedbackBody, request: Request, hub: Hub) -> Response:
    """A complaint, suggestion or thanks; the answer's `reference` is what the visitor follows.
    A kiosk sends its token (source `kiosk`); a phone sends none. 429 past 5 a minute per address."""
    from_kiosk = await _kiosk_or_none(request)
    if not from_kiosk and hub.feedback_limiter.take(address_of(request)) > 0:
        raise RateLimited("Too many messages from this address; try again in a minute.",
                          "رسائل كثيرة من هذا العنوان؛ حاول بعد دقيقة.", retry_after=60)
    filed = await hub.run(voice.file_feedback, body.kind, body.text, mobile=body.mobile, ticket_code=body.ticket_code,
                          source="kiosk" if from_kiosk else "phone")
    return answer(filed, contract.PublicFeedback, 201)


@router.get(
    "/api/v1/public/feedback/{reference}/stream",
    response_class=StreamingResponse,
    responses={200: {"description": "Server-sent events: each `data:` line is the PublicFeedback as it changed; "
                                    "the stream ends once it is closed",
                     "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def follow_feedback_stream(reference: Reference, hub: Hub) -> Response:
    """One reference's status and answer, pushed as the centre moves it (the `/f/{reference}` page)."""
    watch = hub.visit_feedback
    found = await run_in_threadpool(voice.public_feedback, hub.store, reference) if watch is not None else None
    if found is None:
        raise NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
    return open_stream(watch, reference_key(reference), found)


@router.get("/f/{reference}", response_class=HTMLResponse)
async def follow_page(
    reference: Annotated[StrictStr, Path(max_length=40)], hub: Hub, lang: Literal["ar", "en"] = "ar"
) -> HTMLResponse:
    """The page a kiosk slip's QR code opens: the reference's status and the centre's answer, live."""
    valid = 1 <= len(reference) <= 20 and reference.isascii() and reference.isalnum()
    found = await run_in_threadpool(voice.public_feedback, hub.store, reference) if valid else None
    centre = hub.store.catalogue.config.centre
    nonce = secrets.token_urlsafe(16)
    html = render_follow_page(reference.upper() if valid else "", found, centre.name_ar if lang == "ar" else centre.name_en,
                              lang, nonce)
    return HTMLResponse(html, status_code=200 if found else 404, headers=security_headers(nonce))


@router.get("/api/v1/public/feedback/{reference}", response_model=contract.PublicFeedback)
async def follow_feedback(reference: Reference, hub: Hub) -> Response:
    found = await run_in_threadpool(voice.public_feedback, hub.store, reference)
    if found is None:
        raise NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
    return answer(found, contract.PublicFeedback)


# ── supervisors ──────────────────────────────────────────────────────────────────────────


def actor_of(who) -> audit.Actor:
    return audit.Actor(who.username or who.device_name or "device", who.role.value if who.role else "admin")


@router.get("/api/v1/feedback", response_model=list[contract.Feedback])
async def inbox(who: Who, hub: Hub,
                status: Literal["new", "in_progress", "answered", "closed"] | None = None,
                limit: Annotated[int, Query(ge=1, le=voice.MAX_LISTED)] = 200) -> Response:
    require_supervisor(who)
    return answer(await run_in_threadpool(voice.list_feedback, hub.store, status, limit), list[contract.Feedback])


@router.get("/api/v1/feedback/{reference}", response_model=contract.Feedback)
async def one_feedback(reference: Reference, who: Who, hub: Hub) -> Response:
    """One visitor's entry in full (its export)."""
    require_supervisor(who)
    found = await run_in_threadpool(voice.get_feedback, hub.store, reference)
    if found is None:
        raise NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
    return answer(found, contract.Feedback)


@router.patch("/api/v1/feedback/{reference}", response_model=contract.Feedback)
async def change_feedback(reference: Reference, body: FeedbackChange, who: Who, hub: Hub) -> Response:
    """Assign, answer, or move the status; audited (`feedback.change`)."""
    require_supervisor(who)
    changed = await hub.run(
        audit.audited, actor_of(who), "feedback.change", reference.upper(), voice.feedback_snapshot(reference),
        voice.update_feedback, reference, status=body.status, assignee=body.assignee, answer=body.answer,
        unassign=body.unassign,
    )
    return answer(changed, contract.Feedback)


@router.delete("/api/v1/feedback/{reference}/personal", response_model=contract.Feedback)
async def erase_feedback(reference: Reference, who: Who, hub: Hub) -> Response:
    """Delete what the visitor wrote and their number (the entry's kind, status and times stay); audited."""
    require_supervisor(who)
    erased = await hub.run(
        audit.audited, actor_of(who), "feedback.erase", reference.upper(), None, voice.erase_feedback, reference,
    )
    return answer(erased, contract.Feedback)
