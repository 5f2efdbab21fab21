"""The central's HTTP service (FastAPI): branch ingest, the staff API and the dashboard.

Handlers are plain functions, run by FastAPI in its thread pool, each borrowing a connection
from a psycopg pool (autocommit; every write is an explicit transaction). A refresher thread
brings the daily summaries up to date as batches arrive (central/summaries.py).
"""


import logging
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg_pool import ConnectionPool, PoolTimeout
from pydantic import BaseModel, ConfigDict, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

import core
from central import auth, ingest, summaries
from central.description import Description, store_description
from central.errors import CentralError, NotFound, Unauthorized
from central.limits import BodySizeLimit
from core.errors import TabourError
from core.stats import GROUPINGS, check_period, parse_day, parse_group_by

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024
SESSION_COOKIE = "tabour_central_session"


class RestartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    log_origin: float | None = None


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=auth.PASSWORD_MAX)]


class CentralSettings(BaseModel):
    pg: str
    secure_cookies: bool = False
    # At most one recomputation of a branch-day per this many seconds (the dashboard is this fresh).
    refresh_interval: float = 60.0


class Refresher:
    """Brings the daily summaries up to date after batches, in a thread of its own."""

    def __init__(self, pool: ConnectionPool, interval: float) -> None:
        self.pool = pool
        self.interval = interval
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="central-refresher", daemon=True)
        self.rounds = 0

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        pause = 1.0
        while not self.stopping.is_set():
            self.wake.wait(timeout=5)
            if self.stopping.is_set():
                return
            self.wake.clear()
            try:
                with self.pool.connection() as conn:
                    while summaries.refresh_dirty(conn, min_age=self.interval) and not self.stopping.is_set():
                        pass
                self.rounds += 1
                pause = 1.0
            except psycopg.Error:
                log.exception("could not refresh the summaries; retrying in %.0f s", pause)
                self.stopping.wait(pause)
                pause = min(pause * 2, 30)
                self.wake.set()
                continue
            # Days refreshed too recently wait for a later round: come back for them.
            self.stopping.wait(min(self.interval, 5.0))
            self.wake.set()


def _error_body(status: int, code: str, en: str, ar: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": en, "message_ar": ar}, status_code=status)


def create_app(settings: CentralSettings, *, pool: ConnectionPool | None = None) -> FastAPI:
    owned_pool = pool is None
    pool = pool or ConnectionPool(
        settings.pg, min_size=1, max_size=8, kwargs={"autocommit": True}, open=False,
        check=ConnectionPool.check_connection, name="central",
    )
    partitions = ingest.Partitions()
    refresher = Refresher(pool, settings.refresh_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if owned_pool:
            pool.open(wait=False)
        refresher.start()
        refresher.wake.set()  # days marked before a restart are refreshed at once
        try:
            yield
        finally:
            refresher.stop()
            if owned_pool:
                pool.close()

    app = FastAPI(
        title="Tabour central",
        version=core.__version__,
        description="The ministry's central service: branch event ingest and the dashboard. See docs/api.md.",
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.settings = settings
    app.state.refresher = refresher
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)

    @contextmanager
    def connection() -> Iterator[psycopg.Connection]:
        try:
            with pool.connection(timeout=10) as conn:
                yield conn
        except psycopg.OperationalError as error:
            log.warning("PostgreSQL unavailable: %s", error)
            raise CentralError(
                "The central database is unavailable; try again shortly.",
                "قاعدة البيانات المركزية غير متاحة؛ حاول بعد قليل.",
                code="database_unavailable", status=503,
            ) from None
        except PoolTimeout:
            raise CentralError(
                "The central is busy; try again shortly.", "الخادم المركزي مشغول؛ حاول بعد قليل.",
                code="busy", status=503,
            ) from None

    app.state.connection = connection

    # ── errors ───────────────────────────────────────────────────────────────────────────

    @app.exception_handler(TabourError)
    async def on_refusal(request: Request, error: TabourError) -> JSONResponse:
        """Every refusal, ours or the rules' (a bad period from core.stats), as JSON in both languages."""
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
        if error.status == 503:
            headers = {"Retry-After": "5"}
        return JSONResponse(error.to_json(), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        parts = []
        for item in error.errors()[:10]:
            where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
            message = "the body is not valid JSON" if item.get("type") == "json_invalid" else item.get("msg", "invalid")
            parts.append(f"{where}: {message}")
        return JSONResponse(
            {"error": "validation_error", "message": f"Invalid request: {'; '.join(parts)[:1000]}",
             "message_ar": "طلب غير صالح: راجع البيانات المرسلة."},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        names = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 400: "bad_request"}
        return JSONResponse(
            {"error": names.get(error.status_code, "error"), "message": str(error.detail), "message_ar": "طلب غير صالح."},
            status_code=error.status_code, headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_body(500, "internal", "The central met an unexpected error; it has been logged.",
                           "حدث خطأ غير متوقع في الخادم المركزي وتم تسجيله.")

    # ── who is asking ────────────────────────────────────────────────────────────────────

    def bearer(request: Request) -> str | None:
        header = request.headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def branch(request: Request) -> auth.Branch:
        with connection() as conn:
            return auth.branch_for_token(conn, bearer(request))

    def staff(request: Request) -> auth.Staff:
        token = bearer(request) or request.cookies.get(SESSION_COOKIE)
        with connection() as conn:
            found = auth.staff_for_session(conn, token)
        if found is None:
            raise Unauthorized("Log in first.", "سجّل الدخول أولاً.", code="login_required")
        return found

    app.state.staff_dependency = staff

    BranchAuth = Annotated[auth.Branch, Depends(branch)]
    StaffAuth = Annotated[auth.Staff, Depends(staff)]

    # ── health ───────────────────────────────────────────────────────────────────────────

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        try:
            with pool.connection(timeout=3) as conn:
                pending = conn.execute("SELECT count(*) FROM dirty_days").fetchone()[0]
            database = "ok"
        except (psycopg.Error, PoolTimeout):
            pending, database = None, "unavailable"
        return {"status": "ok", "version": core.__version__, "database": database, "summaries_pending": pending}

    # ── branches shipping ────────────────────────────────────────────────────────────────

    @app.get("/api/v1/ingest")
    def held(who: BranchAuth) -> dict[str, Any]:
        """What the central holds of the asking branch's log."""
        with connection() as conn:
            return ingest.held(conn, who.id).answer()

    def take(who: auth.Branch, body: bytes) -> dict[str, Any]:
        with connection() as conn:
            answer = ingest.ingest(conn, partitions, who.id, body)
        if answer.inserted:
            refresher.wake.set()
        return answer.answer()

    @app.post("/api/v1/ingest")
    async def take_batch(request: Request, who: BranchAuth) -> dict[str, Any]:
        """A batch `{"log_origin", "events": [{"seq", "at", "type", "ticket_id"?, "counter_id"?, "payload"}]}` (docs/api.md).

        The body is read as it came and checked with msgspec, so its payloads reach PostgreSQL
        without being decoded and encoded again here.
        """
        return await run_in_threadpool(take, who, await request.body())

    @app.post("/api/v1/ingest/restart")
    def restart(body: RestartBody, who: BranchAuth) -> dict[str, Any]:
        """The branch sends its whole log again: what the central held of it is forgotten first."""
        with connection() as conn:
            ingest.restart_log(conn, who.id)
            log.warning("branch %s restarted its log; its events and figures were cleared", who.code)
            return ingest.held(conn, who.id).answer()

    @app.put("/api/v1/branch/description", status_code=204)
    def describe(body: Description, who: BranchAuth) -> Response:
        with connection() as conn:
            store_description(conn, who.id, body)
        return Response(status_code=204)

    # ── staff API ────────────────────────────────────────────────────────────────────────

    @app.post("/api/v1/sessions", status_code=201)
    def api_login(body: LoginBody) -> dict[str, Any]:
        with connection() as conn:
            return {"token": auth.log_in(conn, body.username, body.password)}

    def period(first_text: str | None, last_text: str | None) -> tuple[date, date]:
        today = date.today()
        first = parse_day(first_text, "from")
        last = parse_day(last_text, "to")
        if first is None and last is None:
            first, last = summaries.month_bounds(today)
        first = first or last
        last = last or first
        check_period(first, last)
        return first, last

    app.state.period = period

    def branch_id_of(conn: psycopg.Connection, code: str) -> int:
        row = conn.execute("SELECT id FROM branches WHERE code = %s", (code,)).fetchone() if len(code) <= 40 else None
        if row is None:
            raise NotFound(f"No branch {code[:40]}.", f"لا يوجد فرع \u2066{code[:40]}\u2069.")
        return row[0]

    app.state.branch_id_of = branch_id_of

    @app.get("/api/v1/branches")
    def branches(who: StaffAuth) -> list[dict[str, Any]]:
        with connection() as conn:
            return list_branches(conn)

    @app.get("/api/v1/league")
    def league_api(
        who: StaffAuth,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    ) -> dict[str, Any]:
        from central.league import league

        start, end = period(first, last)
        with connection() as conn:
            return league(conn, start, end)

    @app.get("/api/v1/branches/{code}/stats")
    def branch_stats(
        code: str,
        who: StaffAuth,
        first: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        last: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        group_by: Annotated[str, Query(max_length=200)] = ",".join(GROUPINGS),
    ) -> dict[str, Any]:
        start, end = period(first, last)
        groups = [g for g in parse_group_by(group_by)]
        with connection() as conn:
            return summaries.branch_stats(conn, branch_id_of(conn, code), start, end, groups)

    from central import dashboard

    dashboard.register(app)
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn's worker processes (`--workers`), its settings from the environment."""
    import os

    return create_app(CentralSettings(
        pg=os.environ["TABOUR_CENTRAL_PG"], secure_cookies=os.environ.get("TABOUR_CENTRAL_SECURE") == "1",
        refresh_interval=float(os.environ.get("TABOUR_CENTRAL_REFRESH", "60")),
    ))


def list_branches(conn: psycopg.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT b.code, b.name_ar, b.name_en, b.held_seq, b.last_batch_at, b.described_at, b.time_zone, "
        "(SELECT count(*) FROM dirty_days d WHERE d.branch_id = b.id) FROM branches b ORDER BY b.code"
    ).fetchall()
    return [
        {
            "code": code, "name_ar": name_ar, "name_en": name_en, "held_seq": held_seq,
            "last_batch_at": last_batch.isoformat() if last_batch else None,
            "described_at": described.isoformat() if described else None,
            "time_zone": zone, "summaries_pending": pending,
        }
        for code, name_ar, name_en, held_seq, last_batch, described, zone, pending in rows
    ]
