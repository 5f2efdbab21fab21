"""The centre console at `/console`: supervisors run the hall, admins change clerks and devices.

Server-rendered (Jinja2, templates/ beside this file), Arabic first with English a click away;
the live parts are HTML fragments the hub pushes over Server-Sent Events, swapped in by the
vendored htmx and its SSE extension (static/, see static/VENDORED.md and
docs/decisions/console-htmx.md). Nothing comes from another host: the Content-Security-Policy
allows only the hub's own scripts and styles.

Every change is a command of core/ run through `core.audit.audited`, so the change and its
audit entry commit together. The rules stay where they are (core/commands.py); this module
only checks who may ask, and shows the answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import StreamingResponse

from core import audit, commands, hall, queries
from core.audit import Actor
from core.errors import BadInput, Forbidden, TabourError
from core.security import verify_pin
from hub.console.auth import (
    COOKIE,
    LANG_COOKIE,
    LOGIN_COOKIE,
    ConsoleSession,
    ConsoleSessions,
    check_csrf,
)
from hub.console.text import PAUSE_REASONS, TEXT, alert_text, clock, duration, when
from hub.logs import log_event
from hub.routes.common import HubContext, address_of

log = logging.getLogger("tabour.hub.console")

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LIVE_REFRESH_SECONDS = 10  # the hall is redrawn at least this often: waits grow, pauses get long
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

router = APIRouter(prefix="/console", include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]), trim_blocks=True,
    lstrip_blocks=True,
)
def plainjson(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


_env.globals.update(plainjson=plainjson, duration=duration, clock=clock, when=when, alert_text=alert_text, reasons=PAUSE_REASONS)


class Console:
    """What the console keeps beside the hub: its sessions."""

    def __init__(self, hub: HubContext) -> None:
        self.hub = hub
        self.sessions = ConsoleSessions(
            hub.store, lambda: hub.store.catalogue.config.hub.console_idle_minutes * 60, clock=hub.store.clock
        )


def register(app: FastAPI) -> None:
    """Serve the console from this app (one line in hub.app.create_app)."""
    app.state.console = Console(app.state.hub)
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=str(STATIC)), name="console-static")


def _console(request: Request) -> Console:
    return request.app.state.console


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("ar", "en"):
        return asked
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "ar"


def page(request: Request, template: str, session: ConsoleSession | None, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "done")}
    other = "en" if lang == "ar" else "ar"
    html = _env.get_template(template).render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", t=TEXT[lang], session=session, here=request.url.path,
        switch_url=f"{request.url.path}?{urlencode({**query, 'lang': other})}", **context,
    )
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if request.query_params.get("lang") in ("ar", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True, path="/console")
    return response


def fragment(request: Request, template: str, **context: Any) -> str:
    lang = language(request)
    return _env.get_template(template).render(lang=lang, dir="rtl" if lang == "ar" else "ltr", t=TEXT[lang], **context)


async def current(request: Request) -> ConsoleSession | None:
    return await run_in_threadpool(_console(request).sessions.find, request.cookies.get(COOKIE))


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def error_page(request: Request, session: ConsoleSession | None, error: TabourError) -> HTMLResponse:
    lang = language(request)
    message = error.message_ar if lang == "ar" else error.message_en
    return page(request, "message.html", session, status=error.status, message=message, code=error.code)


def admin_only() -> Forbidden:
    return Forbidden("Only an admin may do this.", "هذا الإجراء لمدير المركز فقط.", code="admin_only")


async def form_of(request: Request, session: ConsoleSession | None) -> dict[str, str]:
    """The posted form's text fields, its CSRF token checked first (refused: 403 csrf_refused)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    check_csrf(session.csrf if session else None, fields.get("csrf"))
    return fields


def text_field(fields: dict[str, str], name: str, max_length: int, *, required: bool = True) -> str:
    value = fields.get(name, "").strip()
    if (required and not value) or len(value) > max_length:
        raise BadInput(
            f"'{name}' must be 1 to {max_length} characters.", f"الحقل '{name}' من 1 إلى \u2066{max_length}\u2069 حرفاً.",
        )
    return value


def id_field(fields: dict[str, str], name: str) -> int:
    value = fields.get(name, "").strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 2**53:
        raise BadInput(f"Choose a valid '{name}'.", f"اختر قيمة صحيحة للحقل '{name}'.")
    return int(value)


def actor_of(session: ConsoleSession) -> Actor:
    return Actor(session.username, session.role)


def done(target: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"{target}?{urlencode({'done': what})}", status_code=303)


# ── login ────────────────────────────────────────────────────────────────────────────────


@router.get("")
async def home(request: Request) -> Response:
    if await current(request) is None:
        return to_login(request)
    return RedirectResponse("/console/hall" + (f"?lang={request.query_params['lang']}" if request.query_params.get("lang") in ("ar", "en") else ""), status_code=303)


def login_page(request: Request, status: int = 200, message: str | None = None) -> HTMLResponse:
    token = request.cookies.get(LOGIN_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, status=status, login_csrf=token, message=message)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/console",
                        secure=request.url.scheme == "https")
    return response


@router.get("/login")
async def show_login(request: Request) -> Response:
    return login_page(request)


@router.post("/login")
async def log_in(request: Request) -> Response:
    hub: HubContext = request.app.state.hub
    lang = language(request)
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        check_csrf(request.cookies.get(LOGIN_COOKIE), fields.get("csrf"))
        username = text_field(fields, "username", 40)
        pin = text_field(fields, "pin", 12)
        place = address_of(request)
        refused = hub.pins.refusal(username, place)
        if refused is not None:
            raise refused
        hub.pins.throttle(place)
        hub.pins.begin(username, place)
        ok = False
        try:
            stored = await run_in_threadpool(queries.active_clerk_pin_hash, hub.store, username)
            ok = await hub.pins.run(verify_pin, pin, stored)  # a dummy hash for an unknown name
        finally:
            hub.pins.finish(username, place, ok)
    except TabourError as error:
        return login_page(request, error.status, error.message_ar if lang == "ar" else error.message_en)
    if not ok:
        log_event(log, "console.login_refused", logging.WARNING, username=username, place=place)
        return login_page(request, 401, TEXT[lang]["wrong_login"])
    hub.pins.right_from(place)
    clerk = await run_in_threadpool(_clerk_by_name, hub, username)
    if clerk is None or clerk["role"] not in ("supervisor", "admin"):
        log_event(log, "console.login_refused", logging.WARNING, username=username, place=place, reason="clerk")
        return login_page(request, 403, TEXT[lang]["clerk_refused"])
    token = _console(request).sessions.open(clerk["id"], clerk["username"], clerk["role"])
    log_event(log, "console.login", username=clerk["username"], role=clerk["role"], place=place)
    response = RedirectResponse("/console/hall", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/console", secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


def _clerk_by_name(hub: HubContext, username: str) -> dict[str, Any] | None:
    with hub.store.read() as conn:
        row = conn.execute("SELECT id, username, role FROM clerks WHERE username = ? AND active = 1", (username,)).fetchone()
    return dict(row) if row else None


@router.post("/logout")
async def log_out(request: Request) -> Response:
    session = await current(request)
    try:
        await form_of(request, session)
    except TabourError as error:
        return error_page(request, session, error)
    _console(request).sessions.close(request.cookies.get(COOKIE))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


# ── the live hall ────────────────────────────────────────────────────────────────────────


def _services_for_forms(hub: HubContext) -> list[Any]:
    return sorted(hub.store.catalogue.services.values(), key=lambda s: s.position)


def _counters_for_forms(hub: HubContext) -> list[Any]:
    return sorted(hub.store.catalogue.counters.values(), key=lambda c: c.number)


@router.get("/hall")
async def hall_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    view = await run_in_threadpool(hall.hall_view, hub.store)
    return page(
        request, "hall.html", session, view=view, services=_services_for_forms(hub), counters=_counters_for_forms(hub),
        done=request.query_params.get("done"),
    )


@router.get("/hall/live")
async def hall_fragment(request: Request) -> Response:
    """The live part of the hall page alone (what the stream pushes)."""
    session = await current(request)
    if session is None:
        return Response(status_code=401)
    view = await run_in_threadpool(hall.hall_view, request.app.state.hub.store)
    return HTMLResponse(fragment(request, "hall_live.html", view=view), headers=SECURITY_HEADERS)


def _sse(event: str, html: str) -> str:
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in html.splitlines() or [""]) + "\n"


@router.get("/hall/stream")
async def hall_stream(request: Request) -> Response:
    """The hall's live part, pushed again after every batch of events (and every few seconds)."""
    console = _console(request)
    token = request.cookies.get(COOKIE)
    session = await run_in_threadpool(console.sessions.find, token)
    if session is None:
        return Response(status_code=401)
    hub: HubContext = request.app.state.hub
    broadcaster = hub.broadcaster
    changed = asyncio.Event()

    def on_events(_: list) -> None:
        changed.set()

    async def stream():
        broadcaster.watchers.add(on_events)
        try:
            yield "retry: 2000\n\n"
            while True:
                if await run_in_threadpool(console.sessions.find, token, False) is None:
                    yield _sse("ended", fragment(request, "ended.html"))
                    break
                changed.clear()
                view = await run_in_threadpool(hall.hall_view, hub.store)
                yield _sse("hall", fragment(request, "hall_live.html", view=view))
                try:
                    await asyncio.wait_for(changed.wait(), timeout=LIVE_REFRESH_SECONDS)
                except asyncio.TimeoutError:
                    pass
        finally:
            broadcaster.watchers.discard(on_events)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


async def _act(request: Request, back: str, action, *, admin: bool = False) -> Response:
    """Run one console change: session, CSRF, role, then `action(hub, session, fields)`."""
    session = await current(request)
    if session is None:
        return to_login(request)
    try:
        fields = await form_of(request, session)
        if admin and not session.is_admin:
            raise admin_only()
        what = await action(request.app.state.hub, session, fields)
    except TabourError as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        return error_page(request, session, error)
    log_event(log, "console.change", username=session.username, path=request.url.path)
    return done(back, what)


@router.post("/counters/action")
async def counter_action(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        counter_id = id_field(fields, "counter_id")
        info = hub.store.catalogue.counters.get(counter_id)
        if info is None:
            raise BadInput("Choose a counter from the list.", "اختر شباكاً من القائمة.")
        verb = fields.get("action", "")
        if verb == "pause":
            reason = fields.get("reason", "")
            if reason not in PAUSE_REASONS:
                raise BadInput("Choose a reason for the pause.", "اختر سبب الاستراحة.")
            command, args = commands.pause_counter, (counter_id, reason)
        elif verb == "resume":
            command, args = commands.resume_counter, (counter_id,)
        elif verb == "close":
            command, args = commands.close_counter, (counter_id,)
        else:
            raise BadInput("Choose pause, resume or close.", "اختر استراحة أو استئناف أو إغلاق.")
        await hub.run(audit.audited, actor_of(session), f"counter.{verb}", f"counter {info.number}",
                      hall.counter_snapshot(counter_id), command, *args)
        return f"counter.{verb}"

    return await _act(request, "/console/hall", action)


@router.post("/tickets/action")
async def ticket_action(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        label = text_field(fields, "label", 12)
        verb = fields.get("action", "")
        if verb == "move":
            service_id = id_field(fields, "service_id")
            command, args = hall.move_waiting, (label, service_id)
        elif verb == "cancel":
            command, args = hall.cancel_waiting, (label,)
        else:
            raise BadInput("Choose move or cancel.", "اختر النقل أو الإلغاء.")
        await hub.run(audit.audited, actor_of(session), f"ticket.{verb}", label.upper(), hall.ticket_snapshot(label),
                      command, *args)
        return f"ticket.{verb}"

    return await _act(request, "/console/hall", action)


@router.post("/ticker")
async def ticker(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        if fields.get("action") == "clear":
            text_ar = text_en = ""
        else:
            text_ar, text_en = fields.get("text_ar", ""), fields.get("text_en", "")
            if not text_ar.strip() and not text_en.strip():
                raise BadInput("Write the message in Arabic, English or both.", "اكتب الرسالة بالعربية أو الإنجليزية أو كلتيهما.")
        await hub.run(audit.audited, actor_of(session), "ticker.set", "boards", hall.ticker_snapshot,
                      hall.set_ticker_message, text_ar, text_en)
        return "ticker.set"

    return await _act(request, "/console/hall", action)


# ── the audit log ────────────────────────────────────────────────────────────────────────


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    entries = await run_in_threadpool(audit.recent, request.app.state.hub.store)
    return page(request, "audit.html", session, entries=entries)
