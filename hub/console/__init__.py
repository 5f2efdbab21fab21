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
from jinja2 import Environment, select_autoescape
from starlette.responses import StreamingResponse

from core import audit, centre_edits, commands, hall, queries, stats, voice
from core import voice_figures
from core.audit import Actor
from core.enrollment import keep_enroll_code, kept_enroll_code
from core.errors import BadInput, BilingualError, Forbidden, ImpossibleStep, NotFound, TabourError
from core.models import Role
from core.page_templates import with_shared_pages
from core.security import check_pin_strength, hash_pin, new_enroll_code, verify_pin
from hub.console.auth import (
    COOKIE,
    LANG_COOKIE,
    LOGIN_COOKIE,
    ConsoleSession,
    ConsoleSessions,
    check_csrf,
)
from hub.console import centre_forms, today
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
    loader=with_shared_pages(HERE / "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True,
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


def _central(hub: HubContext) -> dict[str, Any] | None:
    """How far behind the central is, when this hub ships to one (as /health says it)."""
    return hub.shipper.lag() if hub.shipper is not None else None


@router.get("/hall")
async def hall_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    view = await run_in_threadpool(hall.hall_view, hub.store)
    return page(
        request, "hall.html", session, view=view, services=_services_for_forms(hub), counters=_counters_for_forms(hub),
        done=request.query_params.get("done"), central=_central(hub),
    )


@router.get("/hall/live")
async def hall_fragment(request: Request) -> Response:
    """The live part of the hall page alone (what the stream pushes)."""
    session = await current(request)
    if session is None:
        return Response(status_code=401)
    view = await run_in_threadpool(hall.hall_view, request.app.state.hub.store)
    return HTMLResponse(fragment(request, "hall_live.html", view=view, central=_central(request.app.state.hub)), headers=SECURITY_HEADERS)


def _sse(event: str, html: str) -> str:
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in html.splitlines() or [""]) + "\n"


@router.get("/hall/stream")
async def hall_stream(request: Request) -> Response:
    """The hall's live part, pushed again after every batch of events (and every few seconds)."""
    hub: HubContext = request.app.state.hub

    async def render() -> str:
        view = await run_in_threadpool(hall.hall_view, hub.store)
        return fragment(request, "hall_live.html", view=view, central=_central(hub))

    return await live_stream(request, "hall", render, lambda _batch: True, LIVE_REFRESH_SECONDS)


async def live_stream(
    request: Request, event: str, render, wants, refresh_seconds: float,
) -> Response:
    """A page's live part over Server-Sent Events: `render()` again after each batch of events
    that `wants(batch)`, and at least every `refresh_seconds`; "ended" once the session is over."""
    console = _console(request)
    token = request.cookies.get(COOKIE)
    session = await run_in_threadpool(console.sessions.find, token)
    if session is None:
        return Response(status_code=401)
    broadcaster = request.app.state.hub.broadcaster
    changed = asyncio.Event()

    def on_events(batch: list) -> None:
        if wants(batch):
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
                yield _sse(event, await render())
                try:
                    await asyncio.wait_for(changed.wait(), timeout=refresh_seconds)
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


# ── the visitors' feedback inbox (core/voice.py) ─────────────────────────────────────────


@router.get("/feedback")
async def feedback_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    hub = request.app.state.hub
    status = _inbox_status(request)
    context = await _inbox(hub, status)
    return page(request, "feedback.html", session, shown=status, statuses=voice.STATUSES,
                target=hub.store.catalogue.config.feedback.answer_target_working_days,
                done=request.query_params.get("done"), **context)


@router.get("/feedback/stream")
async def feedback_stream(request: Request) -> Response:
    """The inbox's rows, pushed again whenever feedback is filed or changed (and every minute:
    answers fall due without an event). The page keeps what a supervisor is typing (console.js)."""
    hub: HubContext = request.app.state.hub
    status = _inbox_status(request)

    async def render() -> str:
        # The forms need the session's CSRF token; reading it is not activity (an open page keeps no session alive).
        session = await run_in_threadpool(_console(request).sessions.find, request.cookies.get(COOKIE), False)
        return fragment(request, "feedback_live.html", session=session, statuses=voice.STATUSES, **await _inbox(hub, status))

    def wants(batch: list) -> bool:
        return any(kind in FEEDBACK_EVENTS for _seq, kind, _payload in batch)

    return await live_stream(request, "inbox", render, wants, INBOX_REFRESH_SECONDS)


FEEDBACK_EVENTS = frozenset({"feedback.filed", "feedback.changed"})
INBOX_REFRESH_SECONDS = 60


def _inbox_status(request: Request) -> str | None:
    status = request.query_params.get("status") or None
    return status if status in voice.STATUSES else None


async def _inbox(hub: HubContext, status: str | None) -> dict[str, Any]:
    return await run_in_threadpool(_read_inbox, hub, status)


def _read_inbox(hub: HubContext, status: str | None) -> dict[str, Any]:
    """The inbox's rows with their answer targets, and whom an entry may be assigned to."""
    entries = voice.list_feedback(hub.store, status)
    now = hub.store.clock()
    rows = [voice.with_target(hub.store.catalogue, entry, now) for entry in entries]
    with hub.store.read() as conn:
        supervisors = [row[0] for row in conn.execute(
            "SELECT username FROM clerks WHERE active AND role IN ('supervisor', 'admin') ORDER BY username")]
    return {"entries": rows, "supervisors": supervisors}


@router.post("/feedback/{reference}")
async def feedback_change(request: Request, reference: str) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        if not reference.isascii() or not reference.isalnum() or len(reference) > 20:
            raise BadInput("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
        verb = fields.get("action", "save")
        if verb == "erase":
            await hub.run(audit.audited, actor_of(session), "feedback.erase", reference.upper(), None,
                          voice.erase_feedback, reference)
            return "feedback.erase"
        status = fields.get("status") or None
        if status is not None and status not in voice.STATUSES:
            raise BadInput("Choose a status from the list.", "اختر حالة من القائمة.")
        assignee = fields.get("assignee", "").strip() or None
        answer_text = fields.get("answer", "").strip() or None
        before = await run_in_threadpool(voice.get_feedback, hub.store, reference)
        if before is None:
            raise NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
        if answer_text == before["answer"]:
            answer_text = None  # unchanged: not a new answer
        elif answer_text is not None and status == before["status"]:
            status = None  # a new answer with the status left as it was: answering marks it answered
        await hub.run(audit.audited, actor_of(session), "feedback.change", reference.upper(),
                      voice.feedback_snapshot(reference), voice.update_feedback, reference,
                      status=status, assignee=assignee, answer=answer_text, unassign=assignee is None)
        return "feedback.change"

    return await _act(request, "/console/feedback", action)


@router.get("/feedback/{reference}.json")
async def feedback_export(request: Request, reference: str) -> Response:
    """One visitor's entry, whole, as a download (their request to see what the centre holds); audited."""
    return await _export_feedback(request, reference, "json")


@router.get("/feedback/{reference}.csv")
async def feedback_export_csv(request: Request, reference: str) -> Response:
    """The same as a spreadsheet: one row of named columns, UTF-8 with a byte-order mark; audited."""
    return await _export_feedback(request, reference, "csv")


async def _export_feedback(request: Request, reference: str, file_format: str) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    unknown = NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
    if not (reference.isascii() and reference.isalnum() and len(reference) <= 20):
        return error_page(request, session, unknown)
    try:
        found = await request.app.state.hub.run(voice.export_feedback, reference, actor_of(session), file_format)
    except NotFound:
        return error_page(request, session, unknown)
    if file_format == "csv":
        body, media = feedback_csv(found), "text/csv; charset=utf-8"
    else:
        body, media = json.dumps(found, ensure_ascii=False, indent=1), "application/json"
    return Response(body, media_type=media, headers={
        **SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="feedback-{found["reference"]}.{file_format}"'})


FEEDBACK_CSV_COLUMNS = (
    "reference", "kind", "status", "source", "business_day", "created_at", "updated_at", "answered_at", "closed_at",
    "assignee", "answer", "redacted", "text", "mobile", "visit_number", "rating_score", "rating_comment", "rating_at",
)


def feedback_csv(entry: dict[str, Any]) -> str:
    """One exported entry as CSV; a value a spreadsheet would run as a formula stays text."""
    import csv
    import io

    from reports.tabular import safe_text

    visit = entry.get("visit") or {}
    rating = visit.get("rating") or {}
    row = {**{key: entry.get(key) for key in FEEDBACK_CSV_COLUMNS[:14]}, "visit_number": visit.get("number"),
           "rating_score": rating.get("score"), "rating_comment": rating.get("comment"), "rating_at": rating.get("at")}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FEEDBACK_CSV_COLUMNS)
    writer.writeheader()
    writer.writerow({key: "" if value is None else safe_text(value) for key, value in row.items()})
    return "\ufeff" + out.getvalue()


# ── people and devices (admins) ──────────────────────────────────────────────────────────


ROLES = ("clerk", "supervisor", "admin")


def _clerks(hub: HubContext) -> list[dict[str, Any]]:
    with hub.store.read() as conn:
        served = dict(conn.execute("SELECT clerk_id, COUNT(*) FROM tickets WHERE status = 'done' GROUP BY clerk_id").fetchall())
        rows = conn.execute("SELECT id, username, role, active FROM clerks ORDER BY active DESC, username").fetchall()
    return [{**dict(row), "served": served.get(row["id"], 0)} for row in rows]


@router.get("/people")
async def people_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    hub: HubContext = request.app.state.hub
    clerks = await run_in_threadpool(_clerks, hub)
    devices = await run_in_threadpool(queries.list_devices, hub.store)
    kept = await run_in_threadpool(kept_enroll_code, hub.store)
    return page(
        request, "people.html", session, clerks=clerks, devices=devices, roles=ROLES, enroll_code=hub.settings.enroll_code,
        code_from_console=kept == hub.settings.enroll_code, done=request.query_params.get("done"),
    )


def _path_id(request: Request, name: str) -> int:
    value = request.path_params.get(name, "")
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 2**53:
        raise BadInput(f"No such {name}.", "المعرّف غير صحيح.")
    return int(value)


async def _clerk(hub: HubContext, clerk_id: int) -> dict[str, Any]:
    for clerk in await run_in_threadpool(queries.list_clerks, hub.store):
        if clerk["id"] == clerk_id:
            return clerk
    raise NotFound(f"No clerk with id {clerk_id}.", f"لا يوجد موظف بالرقم \u2066{clerk_id}\u2069.")


def _role(fields: dict[str, str]) -> Role:
    if fields.get("role") not in ROLES:
        raise BadInput("Choose clerk, supervisor or admin.", "اختر موظفاً أو مشرفاً أو مديراً.")
    return Role(fields["role"])


def _not_yourself(session: ConsoleSession, clerk: dict[str, Any]) -> None:
    if clerk["id"] == session.clerk_id:
        raise ImpossibleStep(
            "You cannot disable yourself or change your own role; ask another admin.",
            "لا يمكنك إيقاف حسابك أو تغيير دورك؛ اطلب ذلك من مدير آخر.", code="own_account",
        )


def clerk_snapshot(username: str):
    def snapshot(tx) -> dict[str, Any] | None:
        row = tx.one("SELECT role, active FROM clerks WHERE username = ?", (username,))
        return {"role": row["role"], "active": bool(row["active"])} if row else None

    return snapshot


def device_snapshot(device_id: int):
    def snapshot(tx) -> dict[str, Any] | None:
        row = tx.one("SELECT name, kind, revoked_at FROM devices WHERE id = ?", (device_id,))
        return {"name": row["name"], "kind": row["kind"], "revoked": row["revoked_at"] is not None} if row else None

    return snapshot


async def _new_pin_hash(hub: HubContext, fields: dict[str, str]) -> str:
    pin = text_field(fields, "pin", 12)
    check_pin_strength(pin)
    return await hub.pins.run(hash_pin, pin)


@router.post("/clerks/add")
async def add_clerk(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        username = text_field(fields, "username", 40)
        commands.check_username(username)
        role = _role(fields)
        pin_hash = await _new_pin_hash(hub, fields)
        await hub.run(audit.audited, actor_of(session), "clerk.add", username, clerk_snapshot(username),
                      commands.enlist_clerk, username, role, pin_hash)
        hub.pins.forget(username)
        return "clerk.add"

    return await _act(request, "/console/people", action, admin=True)


@router.post("/clerks/{clerk_id}/{verb}")
async def change_clerk(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        clerk = await _clerk(hub, _path_id(request, "clerk_id"))
        username = clerk["username"]
        verb = request.path_params["verb"]
        snapshot = clerk_snapshot(username)
        if verb == "role":
            _not_yourself(session, clerk)
            await hub.run(audit.audited, actor_of(session), "clerk.role", username, snapshot,
                          commands.set_clerk_role, username, _role(fields))
        elif verb == "pin":
            pin_hash = await _new_pin_hash(hub, fields)
            await hub.run(audit.audited, actor_of(session), "clerk.reset_pin", username, lambda tx: {"pin": "set"},
                          commands.reset_pin, username, pin_hash)
            hub.pins.forget(username)
            if clerk["id"] != session.clerk_id:
                _console(request).sessions.end_for(clerk["id"])
        elif verb == "disable":
            _not_yourself(session, clerk)
            await hub.run(audit.audited, actor_of(session), "clerk.disable", username, snapshot, commands.remove_clerk, username)
            hub.pins.forget(username)
            _console(request).sessions.end_for(clerk["id"])
        elif verb == "enable":
            await hub.run(audit.audited, actor_of(session), "clerk.enable", username, snapshot, commands.enable_clerk, username)
        else:
            raise NotFound("No such change.", "لا يوجد تغيير بهذا الاسم.")
        return f"clerk.{'reset_pin' if verb == 'pin' else verb}"

    return await _act(request, "/console/people", action, admin=True)


@router.post("/devices/{device_id}/{verb}")
async def change_device(request: Request) -> Response:
    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        device_id = _path_id(request, "device_id")
        device = await run_in_threadpool(queries.get_device, hub.store, device_id)
        if device is None:
            raise NotFound(f"No device with id {device_id}.", f"لا يوجد جهاز بالرقم \u2066{device_id}\u2069.")
        verb = request.path_params["verb"]
        if verb == "rename":
            name = text_field(fields, "name", 80)
            await hub.run(audit.audited, actor_of(session), "device.rename", device["name"], device_snapshot(device_id),
                          commands.rename_device, device_id, name)
        elif verb == "revoke":
            await hub.run(audit.audited, actor_of(session), "device.revoke", device["name"], device_snapshot(device_id),
                          commands.revoke_device, device_id)
        else:
            raise NotFound("No such change.", "لا يوجد تغيير بهذا الاسم.")
        return f"device.{verb}"

    return await _act(request, "/console/people", action, admin=True)


@router.post("/enroll-code/rotate")
async def rotate_enroll_code(request: Request) -> Response:
    """A new enrollment code at once; enrolled devices keep their tokens. Kept for the next start."""

    async def action(hub: HubContext, session: ConsoleSession, fields: dict[str, str]) -> str:
        code = new_enroll_code()
        await hub.run(audit.audited, actor_of(session), "enroll_code.rotate", "enrollment code",
                      None, keep_enroll_code, code)
        hub.settings.enroll_code = code
        return "enroll_code.rotate"

    return await _act(request, "/console/people", action, admin=True)



# ── today and reports ────────────────────────────────────────────────────────────────────


@router.get("/today")
async def today_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    lang = language(request)
    asked_from = (request.query_params.get("from") or "")[:40]
    asked_to = (request.query_params.get("to") or "")[:40]
    try:
        first, last = today.period(asked_from, asked_to, hub.store.today())
    except TabourError as error:
        return error_page(request, session, error)
    kpis = await run_in_threadpool(voice_figures.compute_stats, hub.store, first, last, today.GROUPS)
    query = urlencode({"from": first.isoformat(), "to": last.isoformat()})
    return page(
        request, "today.html", session, kpis=kpis, w=today.WORDS[lang], charts=today.charts(kpis, lang),
        period_text=today.period_text(first, last, lang), asked_from=asked_from or first.isoformat(),
        asked_to=asked_to or last.isoformat(), query=query, month=first.strftime("%Y-%m"),
    )


@router.get("/league")
async def league_page(request: Request) -> Response:
    """The month's clerk league with the employee-of-the-month rule, and the monthly report's downloads."""
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    lang = language(request)
    try:
        month, first, last = voice_figures.parse_month((request.query_params.get("month") or "")[:40], hub.store.today())
    except TabourError as error:
        return error_page(request, session, error)
    league = await run_in_threadpool(voice_figures.compute_league, hub.store, month, first, last)
    words = today.WORDS[lang]
    return page(
        request, "league.html", session, league=league, w=words, month=month,
        rule=words["rule"].format(min="\u2066" + str(league["min_ratings"]) + "\u2069"),
        nobody=words["nobody"].format(min="\u2066" + str(league["min_ratings"]) + "\u2069"),
        best=next((row for row in league["rows"] if row["rank"] == 1), None),
    )


@router.get("/report-month.{kind}")
async def monthly_report_download(request: Request, kind: str) -> Response:
    """The one-page monthly centre report of `month` (YYYY-MM), pdf or xlsx."""
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    try:
        month, first, last = voice_figures.parse_month((request.query_params.get("month") or "")[:40], hub.store.today())
        content = await run_in_threadpool(today.monthly_file, hub.store.path, first, last, kind, language(request))
    except TabourError as error:
        return error_page(request, session, error)
    except BilingualError as error:
        return error_page(request, session, ImpossibleStep(error.message_en, error.message_ar, code="report_failed"))
    return Response(content, media_type=today.MEDIA[kind], headers={
        "Content-Disposition": f'attachment; filename="tabour-month-{month}.{kind}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


@router.get("/report.{kind}")
async def report_download(request: Request, kind: str) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    try:
        first, last = today.period(
            (request.query_params.get("from") or "")[:40], (request.query_params.get("to") or "")[:40], hub.store.today()
        )
        content = await run_in_threadpool(today.report_file, hub.store.path, first, last, kind, language(request))
    except TabourError as error:
        return error_page(request, session, error)
    except BilingualError as error:  # a report that cannot be made (fonts, the database): said plainly
        return error_page(request, session, ImpossibleStep(error.message_en, error.message_ar, code="report_failed"))
    name = f"tabour-{first.isoformat()}-{last.isoformat()}.{kind}"
    return Response(content, media_type=today.MEDIA[kind], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    })


# ── the centre (admins) ──────────────────────────────────────────────────────────────────


@router.get("/centre")
async def centre_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    config = request.app.state.hub.store.catalogue.config
    return page(request, "centre.html", session, services=config.services, done=request.query_params.get("done"))


def _service_page(request: Request, session: ConsoleSession, service: Any | None, *, values: dict[str, str] | None = None,
                  errors: dict[str, tuple[str, str]] | None = None, status: int = 200) -> HTMLResponse:
    config = request.app.state.hub.store.catalogue.config
    lang = language(request)
    shown = {name: (en if lang == "en" else ar) for name, (en, ar) in (errors or {}).items()}
    return page(request, "service.html", session, status=status, service=service, groups=config.groups,
                fields=centre_forms.SERVICE_FIELDS, appointment_fields=centre_forms.APPOINTMENT_FIELDS,
                values=values or centre_forms.service_form_values(service), errors=shown,
                waiting=_waiting_of(request.app.state.hub, service.code) if service is not None else 0)


def _waiting_of(hub: HubContext, code: str) -> int:
    info = hub.store.catalogue.services_by_code.get(code)
    if info is None:
        return 0
    with hub.store.read() as conn:
        return conn.execute("SELECT COUNT(*) FROM tickets WHERE service_id = ? AND status = 'waiting'", (info.id,)).fetchone()[0]


def _service_of(request: Request, code: str) -> Any:
    config = request.app.state.hub.store.catalogue.config
    return config.services[centre_edits.service_index(config, code[:4])]


@router.get("/centre/services/new")
async def new_service_page(request: Request) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    return _service_page(request, session, None)


@router.get("/centre/services/{code}")
async def service_page(request: Request, code: str) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    try:
        service = _service_of(request, code)
    except TabourError as error:
        return error_page(request, session, error)
    return _service_page(request, session, service)


async def _service_change(request: Request, code: str | None) -> Response:
    """Add (`code` None) or change a service from its form; faults are shown beside their fields."""
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    service = None
    fields: dict[str, str] = {}
    try:
        fields = await form_of(request, session)
        if not session.is_admin:
            raise admin_only()
        config = hub.store.catalogue.config
        if code is None:
            values = centre_forms.service_values(fields, config, None)
            target = values["code"]
            await hub.run(audit.audited, actor_of(session), "service.add", target, centre_edits.service_snapshot(target),
                          centre_edits.add_service, values)
        else:
            service = _service_of(request, code)
            current_values = service.model_dump(mode="json")
            values = centre_forms.service_values(fields, config, current_values)
            await hub.run(audit.audited, actor_of(session), "service.edit", service.code,
                          centre_edits.service_snapshot(service.code), centre_edits.save_service, service.code, values)
    except centre_edits.InvalidEdit as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        shown = {**centre_forms.service_form_values(service), **{k: v[:centre_forms.MAX_TEXT] for k, v in fields.items()}}
        for box in ("enabled", "appointments_enabled", "remote"):
            if box not in fields:
                shown[box] = ""  # a box left unticked is not sent
        return _service_page(request, session, service, values=shown, errors=centre_forms.field_errors(error), status=422)
    except TabourError as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        return error_page(request, session, error)
    log_event(log, "console.change", username=session.username, path=request.url.path)
    return done("/console/centre", "service.add" if code is None else "service.edit")


@router.post("/services/add")
async def add_service(request: Request) -> Response:
    return await _service_change(request, None)


@router.post("/services/{code}")
async def edit_service(request: Request, code: str) -> Response:
    return await _service_change(request, code)


@router.get("/centre/export.toml")
async def export_centre(request: Request) -> Response:
    """The running configuration as a centre file, to keep, compare or load elsewhere."""
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    text = centre_edits.as_toml(request.app.state.hub.store.catalogue.config)
    return Response(text, media_type="application/toml; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="centre.toml"', "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    })


@router.post("/centre/import")
async def import_centre(request: Request) -> Response:
    """A centre file uploaded: checked by the loader's rules, applied at once, kept like an edit."""
    session = await current(request)
    if session is None:
        return to_login(request)
    try:
        async with request.form() as form:  # the upload's temporary file is closed on leaving
            check_csrf(session.csrf, form.get("csrf") if isinstance(form.get("csrf"), str) else None)
            if not session.is_admin:
                raise admin_only()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise BadInput("Choose a centre file (.toml) to load.", "اختر ملف إعداد المركز (\u2066.toml\u2069).")
            raw = await upload.read(centre_edits.MAX_IMPORT_BYTES + 1)
            name = getattr(upload, "filename", None) or "centre.toml"
        hub: HubContext = request.app.state.hub
        config = centre_edits.parse_import(raw, hub.store.catalogue.config)
        await hub.run(audit.audited, actor_of(session), "centre.import", name[:80],
                      lambda tx: {"fingerprint": centre_edits.fingerprint(tx.catalogue.config)[:12]},
                      centre_edits.import_config, config)
    except TabourError as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        return error_page(request, session, error)
    return done("/console/centre", "centre.import")


# ── hours, special days, counters, boards and texts (admins) ─────────────────────────────

SETTINGS_PAGES = {"hours": "hours.html", "layout": "layout.html", "texts": "texts.html"}


def _settings_page(request: Request, session: ConsoleSession, name: str, *, form: str = "", posted: dict[str, str] | None = None,
                   errors: dict[str, tuple[str, str]] | None = None, status: int = 200) -> HTMLResponse:
    config = request.app.state.hub.store.catalogue.config
    lang = language(request)
    shown = {key: (en if lang == "en" else ar) for key, (en, ar) in (errors or {}).items()}
    return page(request, SETTINGS_PAGES[name], session, status=status, config=config, week=centre_forms.WEEK,
                form=form, posted=posted or {}, errors=shown, done=request.query_params.get("done"),
                hijri_day=_hijri_text)


def _hijri_text(special: Any) -> str:
    """A special period's dates as written, and in the other calendar (to check a Hijri date)."""
    from core.hijri import from_gregorian
    from core.hours import Calendar, parse_day

    first, last = parse_day(special.start, special.calendar), parse_day(special.end, special.calendar)
    if special.calendar is Calendar.HIJRI:
        return f"{first.isoformat()} – {last.isoformat()}"
    try:
        return " – ".join("{:04d}-{:02d}-{:02d}".format(*from_gregorian(day)) for day in (first, last))
    except ValueError:  # outside the Umm al-Qura table
        return "—"


@router.get("/centre/{name}")
async def settings_page(request: Request, name: str) -> Response:
    session = await current(request)
    if session is None:
        return to_login(request)
    if not session.is_admin:
        return error_page(request, session, admin_only())
    if name not in SETTINGS_PAGES:
        return error_page(request, session, NotFound("No such page.", "لا توجد صفحة بهذا الاسم."))
    return _settings_page(request, session, name)


async def _settings_change(request: Request, name: str, form: str, action: str, target: str, snapshot, make_build) -> Response:
    """One settings form: CSRF, admin, the form parsed to values, the whole configuration rebuilt
    and checked by the file's rules, applied and audited; faults shown beside their fields."""
    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    fields: dict[str, str] = {}
    try:
        fields = await form_of(request, session)
        if not session.is_admin:
            raise admin_only()
        build = make_build(fields)
        build(hub.store.catalogue.config)  # refused here with the fields named, before the writer
        await hub.run(audit.audited, actor_of(session), action, target, snapshot, centre_edits.apply_built, build)
    except centre_edits.InvalidEdit as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        posted = {key: value[:centre_forms.MAX_LIST] for key, value in fields.items() if key != "csrf"}
        return _settings_page(request, session, name, form=form, posted=posted, errors=error.fields, status=422)
    except TabourError as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        return error_page(request, session, error)
    log_event(log, "console.change", username=session.username, path=request.url.path)
    return done(f"/console/centre/{name}", action)


@router.post("/centre/hours")
async def save_hours(request: Request) -> Response:
    def make(fields):
        values = centre_forms.hours_values(fields)
        return lambda config: centre_edits.with_centre(config, values)

    return await _settings_change(request, "hours", "hours", "hours.edit", "centre",
                                  centre_edits.centre_snapshot("hours"), make)


@router.post("/centre/special-days/add")
async def add_special_days(request: Request) -> Response:
    def make(fields):
        values = centre_forms.special_day_values(fields)
        return lambda config: centre_edits.with_special_day(config, values)

    return await _settings_change(request, "hours", "special", "special_days.add", "centre",
                                  centre_edits.centre_snapshot("special_days"), make)


@router.post("/centre/special-days/remove")
async def remove_special_days(request: Request) -> Response:
    def make(fields):
        index = fields.get("index", "")
        if not index.isascii() or not index.isdigit() or len(index) > 4:
            raise BadInput("That special period is no longer in the list; reload the page.",
                           "هذه الفترة لم تعد في القائمة؛ أعد تحميل الصفحة.")
        name = fields.get("name", "")
        return lambda config: centre_edits.without_special_day(config, int(index), name)

    return await _settings_change(request, "hours", "special", "special_days.remove", "centre",
                                  centre_edits.centre_snapshot("special_days"), make)


@router.post("/centre/texts")
async def save_texts(request: Request) -> Response:
    def make(fields):
        values = centre_forms.text_values(fields)
        return lambda config: centre_edits.with_centre(config, values)

    return await _settings_change(request, "texts", "texts", "texts.edit", "centre",
                                  centre_edits.centre_snapshot(*centre_forms.TEXT_FIELDS), make)


@router.post("/centre/counters/{number}")
async def save_counter(request: Request, number: str) -> Response:
    if not number.isascii() or not number.isdigit() or len(number) > 5:
        return error_page(request, await current(request), NotFound("No such counter.", "لا يوجد شباك بهذا الرقم."))

    def make(fields):
        values = centre_forms.counter_values(fields)
        return lambda config: centre_edits.with_counter(config, int(number), values)

    return await _settings_change(request, "layout", f"counter-{int(number)}", "counter.edit", f"counter {int(number)}",
                                  centre_edits.counter_snapshot(int(number)), make)


@router.post("/centre/boards/{board}")
async def save_board(request: Request, board: str) -> Response:
    board = board[:80]

    def make(fields):
        values = centre_forms.board_values(fields)
        return lambda config: centre_edits.with_board(config, board, values)

    return await _settings_change(request, "layout", f"board-{board}", "board.edit", f"board {board}",
                                  centre_edits.board_snapshot(board), make)


@router.get("/logo.img")
async def current_logo(request: Request) -> Response:
    """The ticket logo now in use, for the admin to see what the tickets print."""
    session = await current(request)
    if session is None or not session.is_admin:
        return Response(status_code=403)
    logo = request.app.state.hub.store.catalogue.config.centre.logo
    if not logo:
        return Response(status_code=404)
    try:
        data = await run_in_threadpool(Path(logo).read_bytes)
    except OSError:
        return Response(status_code=404)
    from core.images import media_type

    return Response(data, media_type=media_type(data), headers={**SECURITY_HEADERS, "Cache-Control": "private, max-age=60"})


@router.post("/centre/logo")
async def upload_logo(request: Request) -> Response:
    """A new ticket logo: checked like the config's logo (and decoded safely), kept, set at once."""
    from core.config import MAX_LOGO_BYTES, resolve_logo
    from core.errors import ConfigError
    from hub.console import logo as logos

    session = await current(request)
    if session is None:
        return to_login(request)
    hub: HubContext = request.app.state.hub
    try:
        async with request.form() as form:
            check_csrf(session.csrf, form.get("csrf") if isinstance(form.get("csrf"), str) else None)
            if not session.is_admin:
                raise admin_only()
            upload = form.get("logo")
            if upload is None or isinstance(upload, str):
                raise logos.refuse("Choose an image file for the logo.", "اختر ملف صورة للشعار.")
            raw = await upload.read(MAX_LOGO_BYTES + 1)
        kind = await run_in_threadpool(logos.check_logo, raw)
        path = await run_in_threadpool(logos.keep_logo, raw, kind, Path(hub.store.path).resolve().parent / "logos")

        def build(config):
            changed = centre_edits.with_centre(config, {"logo": str(path)})
            try:
                return resolve_logo(changed, "logo", path.parent)
            except ConfigError as error:
                raise logos.refuse(str(error), f"لم يُقبل الشعار: \u2066{error}\u2069") from None

        build(hub.store.catalogue.config)
        await hub.run(audit.audited, actor_of(session), "logo.set", "ticket logo", centre_edits.centre_snapshot("logo"),
                      centre_edits.apply_built, build)
    except centre_edits.InvalidEdit as error:
        return _settings_page(request, session, "texts", form="logo", errors=error.fields, status=422)
    except TabourError as error:
        log_event(log, "console.refused", logging.WARNING, username=session.username, path=request.url.path, error=error.code)
        if isinstance(error, BadInput):
            return _settings_page(request, session, "texts", form="logo",
                                  errors={"logo": (error.message_en, error.message_ar)}, status=error.status)
        return error_page(request, session, error)
    log_event(log, "console.change", username=session.username, path=request.url.path)
    return done("/console/centre/texts", "logo.set")
