"""The booking pages (`GET /book`, `/book/{code}`): a visitor books, sees, moves or cancels an
appointment from a phone, with no app and no login.

Server-rendered with Jinja2 and plain forms, so every step works without JavaScript: the
service, the day and the slot are links and a form; a booking's page shows its code and QR
code (the kiosk reads either at check-in). Each form carries a token that must match a
cookie set with it (`SameSite=Strict`, this path only), so another site cannot post one in
the visitor's name. The work is core/bookings.py's, on the store's single writer; the same
per-address limits as the API apply.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from core import bookings
from core.appointments import bookable_days, day_slots
from core.errors import BadInput, Forbidden, NotFound, RateLimited, TabourError
from hub.book.text import TEXT, day_text, hijri_day_text, places_text
from hub.console.auth import check_csrf
from hub.routes.common import HubContext, address_of

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "tabour_book"
MAX_FIELD = 64  # no field of these forms is longer; the hub's body limit bounds the whole post

router = APIRouter(include_in_schema=False)
_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)


def register(app: FastAPI) -> None:
    app.include_router(router)


def _hub(request: Request) -> HubContext:
    return request.app.state.hub


def _lang(value: object) -> str:
    return "en" if value == "en" else "ar"


def _headers(nonce: str) -> dict[str, str]:
    """Only the page's own style runs; forms post only here; nothing is loaded from elsewhere."""
    policy = (f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _token(request: Request) -> str:
    sent = request.cookies.get(CSRF_COOKIE)
    return sent if isinstance(sent, str) and 20 <= len(sent) <= 64 and sent.isascii() else secrets.token_urlsafe(24)


def render(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    token = _token(request)
    hub = _hub(request)
    html = _env.get_template(template).render(
        t=TEXT[lang], lang=lang, nonce=nonce, csrf=token, centre=hub.store.catalogue.config.centre,
        day_text=day_text, hijri_day_text=hijri_day_text, places_text=places_text, **context,
    )
    response = HTMLResponse(html, status_code=status, headers=_headers(nonce))
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/book",
                        secure=request.url.scheme == "https")
    return response


def _limit(hub: HubContext, limiter_name: str, request: Request) -> None:
    wait = getattr(hub, limiter_name).take(address_of(request))
    if wait > 0:
        raise RateLimited("Too many booking requests from here; wait a minute and try again.",
                          "طلبات حجز كثيرة من هنا؛ انتظر دقيقة ثم أعد المحاولة.", retry_after=max(1, int(wait + 0.999)))


def _message(error: TabourError, lang: str) -> str:
    return error.message_ar if lang == "ar" else error.message_en


def _services(hub: HubContext) -> list[Any]:
    catalogue = hub.store.catalogue
    offered = []
    for service in sorted(catalogue.services.values(), key=lambda s: s.position):
        config = next((s for s in catalogue.config.services if s.code == service.code), None)
        if service.enabled and config is not None and config.appointments is not None and config.appointments.enabled:
            offered.append(service)
    return offered


def _days(hub: HubContext, service_id: int) -> list[date]:
    """The bookable days that still have a free slot."""
    catalogue = hub.store.catalogue
    service, settings = bookings.service_settings(catalogue, service_id)
    today = bookings.local_now(catalogue, hub.store.clock()).date()
    days = []
    for day in bookable_days(today, settings):
        if day_slots(service.hours, day, settings) and any(p.free for p in bookings.day_places(hub.store, service_id, day)):
            days.append(day)
    return days


def _whole(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12 else None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _choice(hub: HubContext, service_id: int | None, day: date | None) -> dict[str, Any]:
    """What the booking page shows for the service and day chosen so far (each refused plainly)."""
    context: dict[str, Any] = {"services": _services(hub), "service": None, "days": None, "day": None, "places": None}
    if service_id is None:
        return context
    service = next((s for s in context["services"] if s.id == service_id), None)
    if service is None:
        raise NotFound("This service does not take appointments.", "هذه الخدمة لا تقبل المواعيد.", code="no_appointments")
    context.update(service=service, days=_days(hub, service_id))
    if day is not None:
        context.update(day=day, places=bookings.day_places(hub.store, service_id, day))
    return context


@router.get("/book", response_class=HTMLResponse)
async def book_page(request: Request) -> Response:
    query = request.query_params
    lang = _lang(query.get("lang"))
    hub = _hub(request)
    service_id, day = _whole(query.get("service")), _day(query.get("day"))
    try:
        if query.get("service") is not None and service_id is None or query.get("day") is not None and day is None:
            raise BadInput("That link is not one of this page's; choose again.", "هذا الرابط غير صالح؛ اختر من جديد.")
        context = await run_in_threadpool(_choice, hub, service_id, day)
    except TabourError as error:
        context = await run_in_threadpool(_choice, hub, None, None)
        return render(request, "book.html", lang, error.status, error=_message(error, lang), mobile="", **context)
    return render(request, "book.html", lang, error=None, mobile="", **context)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    fields = {key: value[:MAX_FIELD + 1] for key, value in form.items() if isinstance(value, str)}
    check_csrf(request.cookies.get(CSRF_COOKIE), fields.get("csrf"))
    return fields


def _slot_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadInput("Choose one of the times listed.", "اختر أحد الأوقات المعروضة.", code="bad_slot_start") from None


@router.post("/book", response_class=HTMLResponse)
async def book(request: Request) -> Response:
    hub = _hub(request)
    lang = _lang(request.query_params.get("lang"))
    fields: dict[str, str] = {}
    try:
        fields = await _form(request)
        lang = _lang(fields.get("lang", lang))
        _limit(hub, "booking_limiter", request)
        service_id = _whole(fields.get("service_id"))
        if service_id is None:
            raise BadInput("Choose a service first.", "اختر الخدمة أولاً.")
        if not fields.get("slot_start"):
            raise BadInput("Choose one of the times listed.", "اختر أحد الأوقات المعروضة.", code="bad_slot_start")
        made = await hub.run(bookings.book, service_id, _slot_start(fields["slot_start"]), fields.get("mobile", ""), source="web")
    except Forbidden as error:
        return render(request, "message.html", lang, error.status, message=_message(error, lang))
    except TabourError as error:
        service_id, day = _whole(fields.get("service_id")), _day(fields.get("day"))
        try:
            context = await run_in_threadpool(_choice, hub, service_id, day)
        except TabourError:
            context = await run_in_threadpool(_choice, hub, None, None)
        return render(request, "book.html", lang, error.status, error=_message(error, lang),
                      mobile=fields.get("mobile", "")[:MAX_FIELD], chosen=fields.get("slot_start"), **context)
    return RedirectResponse(f"/book/{made['code']}?{urlencode({'lang': lang, 'done': 'made'})}", status_code=303)


def _qr_svg(address: str, label: str) -> Markup:
    code = qrcode.QRCode(image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    code.add_data(address)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    return Markup(svg.replace("<svg ", Markup('<svg role="img" aria-label="{}" class="qr" ').format(label), 1))


def _booking_address(request: Request, code: str) -> str:
    base = _hub(request).settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/book/{code}"


def _booking_context(request: Request, booking: dict[str, Any], day: date | None, lang: str) -> dict[str, Any]:
    hub = _hub(request)
    catalogue = hub.store.catalogue
    service = catalogue.services.get(booking["service_id"])
    start = datetime.fromisoformat(booking["slot_start"])
    context: dict[str, Any] = {
        "booking": booking, "service": service, "start": start, "code_shown": bookings.format_code(booking["code"]),
        "qr": _qr_svg(_booking_address(request, booking["code"]), TEXT[lang]["qr"]), "days": None, "day": None, "places": None,
    }
    if booking["status"] == "booked" and service is not None:
        try:
            context["days"] = _days(hub, service.id)
            if day is not None:
                context.update(day=day, places=bookings.day_places(hub.store, service.id, day))
        except TabourError:
            context["days"] = []
    return context


async def _booking_page(request: Request, code: str, lang: str, *, status: int = 200, error: str | None = None,
                        day: date | None = None) -> Response:
    hub = _hub(request)
    try:
        booking = await run_in_threadpool(bookings.find, hub.store, code)
    except (BadInput, NotFound) as missing:
        return render(request, "message.html", lang, 404, message=TEXT[lang]["not_found"], detail=_message(missing, lang))
    context = await run_in_threadpool(_booking_context, request, booking, day, lang)
    done = request.query_params.get("done")
    return render(request, "booking.html", lang, status, error=error, done=done if done in ("made", "moved", "cancelled") else None,
                  **context)


@router.get("/book/{code}", response_class=HTMLResponse)
async def booking_page(request: Request, code: str) -> Response:
    lang = _lang(request.query_params.get("lang"))
    hub = _hub(request)
    if code == "find":  # the lookup form on /book sends the typed code here
        code = (request.query_params.get("code") or "")[:MAX_FIELD]
        try:
            return RedirectResponse(f"/book/{bookings.normalise_code(code)}?lang={lang}", status_code=303)
        except BadInput as error:
            return render(request, "message.html", lang, 422, message=TEXT[lang]["not_found"], detail=_message(error, lang))
    try:
        _limit(hub, "booking_lookup_limiter", request)
    except RateLimited as error:
        return render(request, "message.html", lang, 429, message=_message(error, lang))
    return await _booking_page(request, code[:MAX_FIELD + 1], lang, day=_day(request.query_params.get("day")))


async def _change(request: Request, code: str, step: str) -> Response:
    hub = _hub(request)
    lang = _lang(request.query_params.get("lang"))
    try:
        fields = await _form(request)
        lang = _lang(fields.get("lang", lang))
        _limit(hub, "booking_lookup_limiter", request)
        if step == "reschedule":
            if not fields.get("slot_start"):
                raise BadInput("Choose one of the times listed.", "اختر أحد الأوقات المعروضة.", code="bad_slot_start")
            changed = await hub.run(bookings.reschedule, code[:MAX_FIELD + 1], _slot_start(fields["slot_start"]))
            done = "moved"
        else:
            changed = await hub.run(bookings.cancel, code[:MAX_FIELD + 1])
            done = "cancelled"
    except (Forbidden, RateLimited) as error:
        return render(request, "message.html", lang, error.status, message=_message(error, lang))
    except TabourError as error:
        return await _booking_page(request, code, lang, status=error.status, error=_message(error, lang))
    return RedirectResponse(f"/book/{changed['code']}?{urlencode({'lang': lang, 'done': done})}", status_code=303)


@router.post("/book/{code}/reschedule", response_class=HTMLResponse)
async def reschedule(request: Request, code: str) -> Response:
    return await _change(request, code, "reschedule")


@router.post("/book/{code}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, code: str) -> Response:
    return await _change(request, code, "cancel")
