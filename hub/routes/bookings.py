"""Appointments over HTTP: a service's free slots, and a booking made, seen, moved and
cancelled by its code (core/bookings.py does the work, on the store's writer).

No token is needed: a visitor's phone books without logging in. A ministry portal booking on
visitors' behalf sends its `integration` device token (source `portal`); that token is
refused everywhere else on the hub (hub/routes/common.py). An admin device or a supervisor
may book for a visitor too (source `console`). Lookups by code are limited per address (per
device for a portal), so codes cannot be tried in bulk.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import Field, StrictStr

from core import bookings, contract
from core.errors import BadInput, Forbidden, RateLimited
from core.hijri import from_gregorian
from core.models import DeviceKind
from core.queries import Principal
from hub.limits import RateLimiter
from hub.routes.common import Body, Hub, HubContext, IdValue, address_of, answer, authenticate

router = APIRouter(prefix="/api/v1/public")

BookingCode = Annotated[StrictStr, Path(min_length=1, max_length=bookings.MAX_TYPED, description="the booking code, e.g. 7KQ2-MX94-RT")]
SlotStart = Annotated[StrictStr, Field(min_length=10, max_length=40,
                                       description="the slot's start, ISO 8601: 2026-11-25T09:15 (the centre's time) or with an offset")]


class BookingBody(Body):
    service_id: IdValue
    slot_start: SlotStart
    mobile: StrictStr = Field(min_length=1, max_length=bookings.MAX_TYPED,
                              description="a Saudi mobile: 05xxxxxxxx or +9665xxxxxxxx (Arabic-Indic digits accepted)")


class RescheduleBody(Body):
    slot_start: SlotStart


def parse_slot_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"slot_start {text[:40]!r} is not a time like 2026-11-25T09:15.",
            "وقت الموعد غير صالح؛ مثال صحيح: \u20662026-11-25T09:15\u2069.",
            code="bad_slot_start",
        ) from None


async def booker(request: Request) -> Principal | None:
    """Who books: nobody (a visitor's phone), a portal's integration token, or staff."""
    if not request.headers.get("authorization"):
        return None
    who = await authenticate(request)
    if who.kind is DeviceKind.INTEGRATION or who.is_supervisor:
        return who
    raise Forbidden(f"A {who.kind.value} device may not book; visitors book without a token.",
                    "هذا الجهاز غير مخوّل بالحجز؛ يحجز الزوار دون رمز.")


def _source(who: Principal | None) -> str:
    if who is None:
        return "web"
    return "portal" if who.kind is DeviceKind.INTEGRATION else "console"


def _limit(limiter: RateLimiter, request: Request, who: Principal | None, hub: HubContext) -> None:
    if who is not None and who.kind is DeviceKind.INTEGRATION:
        limiter, key = hub.portal_limiter, f"device:{who.device_id}"
    elif who is not None:
        return  # staff: already who they say
    else:
        key = address_of(request)
    wait = limiter.take(key)
    if wait > 0:
        raise RateLimited("Too many booking requests from here; wait a minute and try again.",
                          "طلبات حجز كثيرة من هنا؛ انتظر دقيقة ثم أعد المحاولة.",
                          retry_after=RateLimiter.retry_after(wait))


def day_slots_view(hub: HubContext, service_id: int, day: date) -> dict:
    places = bookings.day_places(hub.store, service_id, day)
    catalogue = hub.store.catalogue
    year, month, day_of_month = from_gregorian(day)
    return {
        "service_id": service_id,
        "day": day.isoformat(),
        "hijri_day": f"{year:04d}-{month:02d}-{day_of_month:02d}",
        "slots": [
            {"start": p.start.replace(tzinfo=catalogue.tz).isoformat(timespec="seconds"),
             "minutes": p.minutes, "free": p.free}
            for p in places
        ],
    }


@router.get("/services/{service_id}/slots", response_model=contract.DaySlots)
async def free_slots(service_id: Annotated[int, Path(ge=1, le=2**53)], hub: Hub,
                     day: Annotated[date | None, Query(description="YYYY-MM-DD; today when left out")] = None) -> Response:
    """The day's slots still to come with their free places; 409 `no_appointments`, `day_not_bookable`."""
    chosen = day or bookings.local_now(hub.store.catalogue, hub.store.clock()).date()
    return answer(await run_in_threadpool(day_slots_view, hub, service_id, chosen), contract.DaySlots)


@router.post("/bookings", status_code=201, response_model=contract.Booking)
async def make_booking(body: BookingBody, request: Request, hub: Hub) -> Response:
    """Book a place; the answer's `code` is what the visitor keeps. 409 `slot_full`, `slot_past`,
    `no_such_slot`, `day_not_bookable`, `too_many_bookings`, `already_booked`; 422 `bad_mobile`."""
    who = await booker(request)
    _limit(hub.booking_limiter, request, who, hub)
    made = await hub.run(bookings.book, body.service_id, parse_slot_start(body.slot_start), body.mobile,
                         source=_source(who), device_id=who.device_id if who else None)
    return answer(made, contract.Booking, 201)


@router.get("/bookings/{code}", response_model=contract.Booking)
async def see_booking(code: BookingCode, request: Request, hub: Hub) -> Response:
    who = await booker(request)
    _limit(hub.booking_lookup_limiter, request, who, hub)
    return answer(await run_in_threadpool(bookings.find, hub.store, code), contract.Booking)


@router.delete("/bookings/{code}", response_model=contract.Booking)
async def cancel_booking(code: BookingCode, request: Request, hub: Hub) -> Response:
    """Cancel before the slot begins (again: unchanged). 409 `slot_past`, `booking_checked_in`."""
    who = await booker(request)
    _limit(hub.booking_lookup_limiter, request, who, hub)
    return answer(await hub.run(bookings.cancel, code), contract.Booking)


@router.post("/bookings/{code}/reschedule", response_model=contract.Booking)
async def reschedule_booking(code: BookingCode, body: RescheduleBody, request: Request, hub: Hub) -> Response:
    """Move to another slot of the same service; the old place is freed. 409 as for booking."""
    who = await booker(request)
    _limit(hub.booking_lookup_limiter, request, who, hub)
    return answer(await hub.run(bookings.reschedule, code, parse_slot_start(body.slot_start)), contract.Booking)
