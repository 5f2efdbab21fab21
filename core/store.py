"""The SQLite store: one writer thread, read-only readers, group commit, and the event log.

Every change goes through `Store.submit(command, ...)`. The writer thread owns the only write
connection. It takes whatever commands are queued (up to `BATCH_MAX`), opens one
`BEGIN IMMEDIATE` transaction, runs each command inside its own SAVEPOINT (so a refused command
leaves no trace and does not spoil its neighbours), commits once, and only then hands the
listeners the new events and answers the callers. With `synchronous=FULL` a caller is never
answered before its change is on disk, yet under load one fsync serves many requests.

What the store keeps in memory beside the database (the catalogue, the business day, the recent
service times) changes only through `Tx` methods that know how to undo it: a refused command,
or a batch that fails as a whole, leaves memory as it found it, as SQLite leaves the file.

The store knows no rules: its caller hands it `load_config` (run once, to load the centre) and
`before_batch` (run at the start of every batch: the business-day rollover); the hub's store
is opened by `core.commands.open_store`, which passes the commands' own.

Readers use their own connections (one per thread, `query_only`), each read in one snapshot
transaction, so `GET /state` and its `seq` always agree.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlite_utils

from core.catalogue import Catalogue
from core.config import CentreFile
from core.errors import DiskFull
from core.logs import log_event
from core.migrations import migrate
from core.models import EventType, ServiceId
from core.numbering import business_day
from core.presence import Presence

log = logging.getLogger(__name__)

T = TypeVar("T")
BATCH_MAX = 256
SQLITE_FULL = 13  # the primary result code; extended codes keep it in their low byte
PRIVATE_FILE_MODE = 0o600


_FRAME_KEYS = frozenset({"seq", "type", "at"})


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    type: str
    at: float
    payload: dict[str, Any]
    # The payload as the event log holds it (compact JSON), when the event was made or read with it.
    payload_json: str | None = field(default=None, compare=False, repr=False)

    def frame(self, iso_at: str) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "at": iso_at, **self.payload}

    def frame_json(self, iso_at: str) -> str:
        """`frame` as compact JSON, the payload's text reused rather than written again."""
        text = self.payload_json
        if text is None or not self.payload or not _FRAME_KEYS.isdisjoint(self.payload):
            return _compact_json(self.frame(iso_at))
        return f'{_compact_json({"seq": self.seq, "type": self.type, "at": iso_at})[:-1]},{text[1:]}'


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Tx:
    """What a command sees: the write connection inside the batch's transaction, and `emit`."""

    def __init__(self, store: "Store", db: sqlite_utils.Database, now: float) -> None:
        self.store = store
        self.db = db
        self.conn = db.conn
        self.now = now
        self.events: list[Event] = []
        self.undo: list[Callable[[], None]] = []  # run newest first when this work is rolled back
        self.after_commit: list[Callable[[], None]] = []  # effects outside the store, once it is on disk

    def set_catalogue(self, catalogue: Catalogue) -> None:
        """Put a newly loaded catalogue in place (the old one comes back if this is undone)."""
        store, before = self.store, self.store.catalogue
        store.catalogue = catalogue
        self.undo.append(lambda: setattr(store, "catalogue", before))

    def set_business_day(self, day: str) -> None:
        store, before = self.store, self.store.current_business_day
        if before == day:
            return
        store.current_business_day = day
        self.undo.append(lambda: setattr(store, "current_business_day", before))

    def note_service_seconds(self, service_id: ServiceId, seconds: float, *, window: int = 20) -> None:
        """A finished visit's service time joins the recent ones the estimates use."""
        recent = self.store.recent_service_seconds
        before = recent.get(service_id)
        times = deque(before if before is not None else (), maxlen=before.maxlen if before is not None else window)
        times.append(seconds)
        self._replace_service_seconds(service_id, times)

    def start_service_seconds(self, service_id: ServiceId, history: Iterable[float], window: int) -> None:
        """A service's recent times, as the database remembers them (oldest first)."""
        self._replace_service_seconds(service_id, deque(history, maxlen=window))

    def _replace_service_seconds(self, service_id: ServiceId, times: deque[float]) -> None:
        recent = self.store.recent_service_seconds
        before = recent.get(service_id)
        recent[service_id] = times  # a new deque: readers holding the old one see it unchanged

        def restore() -> None:
            if before is None:
                recent.pop(service_id, None)
            else:
                recent[service_id] = before

        self.undo.append(restore)

    @property
    def catalogue(self) -> Catalogue:
        return self.store.catalogue

    @property
    def business_day(self) -> str:
        return self.store.current_business_day

    def emit(self, event_type: EventType, *, ticket_id: int | None = None, counter_id: int | None = None, **payload: Any) -> Event:
        seq = self.store._next_seq()
        event = Event(seq, event_type.value, self.now, payload, _compact_json(payload))
        self.conn.execute(
            "INSERT INTO events (seq, at, type, ticket_id, counter_id, payload) VALUES (?, ?, ?, ?, ?, ?)",
            (seq, self.now, event.type, ticket_id, counter_id, event.payload_json),
        )
        self.events.append(event)
        return event

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()


@dataclass(slots=True)
class _Job:
    command: Callable[..., Any]
    args: tuple
    kwargs: dict
    future: "Future | _LoopAnswer"


class _LoopAnswer:
    """A job's answer for a caller on an asyncio loop (`Store.submit_async`): kept by the writer
    until its batch is done, then sent with the batch's other answers for that loop, in one
    wake-up of the loop. What the writer asks of a job's future, it asks of this."""

    __slots__ = ("loop", "waiter", "outcome")

    def __init__(self, loop: asyncio.AbstractEventLoop, waiter: "asyncio.Future[Any]") -> None:
        self.loop, self.waiter = loop, waiter
        self.outcome: tuple[Any, BaseException | None] | None = None

    def set_running_or_notify_cancel(self) -> bool:
        return not self.waiter.cancelled()  # a caller that gave up before its turn: skipped

    def done(self) -> bool:
        return self.outcome is not None

    def set_result(self, result: Any) -> None:
        self.outcome = (result, None)

    def set_exception(self, error: BaseException) -> None:
        self.outcome = (None, error)


def _answer_loops(batch: list[_Job]) -> None:
    """Send each loop the answers of `batch` its callers wait for (`Store.submit_async`)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_LoopAnswer]] = {}
    for job in batch:
        answer = job.future
        if type(answer) is _LoopAnswer and answer.outcome is not None:
            by_loop.setdefault(answer.loop, []).append(answer)
    for loop, answers in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, answers)
        except RuntimeError:
            pass  # the loop has closed: nobody is waiting any more


def _settle(answers: list[_LoopAnswer]) -> None:
    """On the callers' loop: resolve their waiters."""
    for answer in answers:
        if answer.waiter.done():  # cancelled while the command ran
            continue
        result, error = answer.outcome  # type: ignore[misc]
        if error is None:
            answer.waiter.set_result(result)
        else:
            answer.waiter.set_exception(error)


def _undo_all(actions: list[Callable[[], None]]) -> None:
    """Put memory back as it was, newest change first (each action restores one thing)."""
    for action in reversed(actions):
        try:
            action()
        except Exception:
            log.exception("undoing an in-memory change failed")


def is_disk_full(error: BaseException) -> bool:
    """SQLite's SQLITE_FULL: the disk (or the file size the system allows) has no room left."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and code is not None and code & 0xFF == SQLITE_FULL


def _disk_full_or(error: BaseException) -> BaseException:
    if is_disk_full(error):
        log_event(log, "store.disk_full", logging.ERROR, error=str(error))
        return DiskFull()
    return error


def make_private(path: Path) -> None:
    """The database and its `-wal`/`-shm` hold PIN hashes and device token hashes: owner only.

    A new file is created 0600 before SQLite opens it (SQLite gives `-wal` and `-shm` the mode
    of the database). An existing file readable by everyone loses the "other" bits; a group
    bit an administrator set on purpose (0640 for a backup group) is kept.
    """
    if os.name != "posix":
        return  # Windows: the folder's ACL decides (the install script grants the service only)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        os.close(fd)
    except FileExistsError:
        pass
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            mode = name.stat().st_mode & 0o777
        except OSError:
            continue
        if mode & 0o007:
            os.chmod(name, mode & ~0o007)
            log_event(log, "store.file_tightened", logging.WARNING, path=str(name), mode_was=f"{mode:o}", mode=f"{mode & ~0o007:o}")


def _connect(path: str, *, readonly: bool, synchronous: str) -> sqlite_utils.Database:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    return sqlite_utils.Database(conn)


class Store:
    """Owns the database file. Thread-safe: commands queue to the writer; reads run anywhere."""

    def __init__(
        self,
        path: str | Path,
        config: CentreFile,
        *,
        clock: Callable[[], float] = time.time,
        synchronous: str = "FULL",
        load_config: Callable[[Tx, CentreFile], Any] | None = None,
        before_batch: Callable[[Tx], Any] | None = None,
    ) -> None:
        """Open (creating if need be) the database at `path`.

        The hub passes `load_config` (which loads `config`'s services, counters and business
        day, writing events) and `before_batch` (the rollover); `core.commands.open_store` does.
        Tools that run beside a live hub (clerk accounts) pass neither: they must never touch
        the catalogue or the event log, whose sequence the hub owns.
        """
        if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("synchronous must be FULL, EXTRA or NORMAL")
        self.path = str(path)
        self.clock = clock
        self.synchronous = synchronous.upper()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        make_private(Path(self.path))
        self._db = _connect(self.path, readonly=False, synchronous=self.synchronous)
        migrate(self._db)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._listeners: list[Callable[[list[Event]], None]] = []
        self._local = threading.local()
        self._readers: list[sqlite_utils.Database] = []
        self._readers_lock = threading.Lock()
        self._seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        self.recent_service_seconds: dict[ServiceId, deque[float]] = {}
        self.catalogue = Catalogue(config=config, tz=ZoneInfo(config.centre.time_zone))
        self.current_business_day = ""
        # Bumped whenever a session or device stops being valid, so token caches know to recheck.
        # Only after the commit: bumped earlier, a reader could cache the old row under the new
        # generation and keep trusting a revoked token.
        self.auth_generation = 0
        self._auth_changed = False
        self._auth_listeners: list[Callable[[], None]] = []
        # Devices' open sockets and recent requests (the hub fills it; device views read it).
        self.presence = Presence()
        self._before_batch = before_batch
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="tabour-writer", daemon=True)
        self._thread.start()
        if load_config is not None:
            # Loading the config is itself a write; it also settles the business day.
            self.call(load_config, config)

    # ── writing ────────────────────────────────────────────────────────────────────────────

    def submit(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        """Queue `command(tx, *args, **kwargs)` for the writer; the future resolves after commit."""
        if self._closed:
            raise RuntimeError("the store is closed")
        future: Future[T] = Future()
        self._queue.put(_Job(command, args, kwargs, future))
        return future

    def submit_async(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> "asyncio.Future[T]":
        """`submit` for a caller on the running asyncio loop: await the answer. The answers of
        one batch reach their loop in one wake-up, after the batch's events were handed to the
        listeners (the hub's loop pays one hop per batch rather than one per request)."""
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Job(command, args, kwargs, _LoopAnswer(loop, waiter)))
        return waiter

    def call(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`submit` and wait: for scripts, tests and the CLI."""
        return self.submit(command, *args, **kwargs).result()

    def add_listener(self, listener: Callable[[list[Event]], None]) -> None:
        """`listener(events)` is called on the writer thread after each commit; keep it quick."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[list[Event]], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def sessions_changed(self) -> None:
        """A session ended, a clerk left or a device was revoked: cached token look-ups must be
        checked again once this batch commits (called inside a command)."""
        self._auth_changed = True

    def add_auth_listener(self, listener: Callable[[], None]) -> None:
        """`listener()` is called on the writer thread after a commit that ended sessions or tokens."""
        self._auth_listeners.append(listener)

    def remove_auth_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._auth_listeners:
            self._auth_listeners.remove(listener)

    def _publish_auth_change(self) -> None:
        if not self._auth_changed:
            return
        self._auth_changed = False
        self.auth_generation += 1
        for listener in list(self._auth_listeners):
            try:
                listener()
            except Exception:
                log.exception("auth listener failed")

    @property
    def last_seq(self) -> int:
        return self._seq

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                break
            batch = [job]
            stop = False
            while len(batch) < BATCH_MAX:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            try:
                self._run_batch(batch)
            finally:
                _answer_loops(batch)
            if stop:
                break
        self._checkpoint_and_close()

    def _checkpoint_and_close(self) -> None:
        """Leave the whole database in the main file: after a clean stop a copy of the
        `.sqlite` alone holds everything (the `-wal` is emptied, then removed by SQLite)."""
        try:
            self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            log_event(log, "store.checkpoint_failed", logging.WARNING, error=str(error), note="the -wal file still holds recent changes")
        self._db.conn.close()

    def _run_batch(self, batch: list[_Job]) -> None:
        conn = self._db.conn
        now = self.clock()
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        events: list[Event] = []
        undo: list[Callable[[], None]] = []  # every kept command's, to undo the batch as a whole
        after_commit: list[Callable[[], None]] = []
        seq_at_start = self._seq
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            failure = _disk_full_or(error)
            for job in batch:
                job.future.set_exception(failure)
            return
        try:
            if self._before_batch is not None:
                roll_tx = Tx(self, self._db, now)
                try:
                    self._before_batch(roll_tx)
                finally:
                    undo.extend(roll_tx.undo)
                events.extend(roll_tx.events)
                after_commit.extend(roll_tx.after_commit)
            for job in batch:
                if not job.future.set_running_or_notify_cancel():
                    continue
                conn.execute("SAVEPOINT command")
                tx = Tx(self, self._db, now)
                seq_before = self._seq
                try:
                    result = job.command(tx, *job.args, **job.kwargs)
                except BaseException as error:  # a refusal or a bug: undo this command only
                    if is_disk_full(error):
                        undo.extend(tx.undo)
                        raise  # SQLite may have undone the whole transaction: refuse the batch
                    conn.execute("ROLLBACK TO command")
                    conn.execute("RELEASE command")
                    self._seq = seq_before
                    _undo_all(tx.undo)
                    outcomes.append((job, None, error))
                    if not isinstance(error, Exception):
                        raise
                    continue
                conn.execute("RELEASE command")
                undo.extend(tx.undo)
                events.extend(tx.events)
                after_commit.extend(tx.after_commit)
                outcomes.append((job, result, None))
            conn.execute("COMMIT")
        except BaseException as error:
            failure = _disk_full_or(error)
            if failure is error:
                log.exception("write batch failed; rolled back")
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("rollback after a failed batch failed")
            self._seq = seq_at_start
            _undo_all(undo)
            self._publish_auth_change()  # nothing changed, but a recheck costs little
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(failure)
            if not isinstance(error, Exception):
                raise
            return
        for action in after_commit:
            try:
                action()
            except Exception:
                log.exception("after-commit action failed")
        self._publish_auth_change()  # before anyone is answered, so no stale token outlives its answer
        # The events before the answers: a board must see a call no later than the counter that
        # made it (the hub's listener hands the frames to its loop, which then runs them first).
        if events:
            for listener in list(self._listeners):
                try:
                    listener(events)
                except Exception:
                    log.exception("event listener failed")
        for job, result, error in outcomes:
            if error is None:
                job.future.set_result(result)
            else:
                job.future.set_exception(error)

    # ── reading ────────────────────────────────────────────────────────────────────────────

    def _reader(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = _connect(self.path, readonly=True, synchronous=self.synchronous)
            self._local.db = db
            with self._readers_lock:
                self._readers.append(db)
        return db

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection inside one snapshot transaction."""
        conn = self._reader().conn
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def events_after(self, seq: int, limit: int = 500) -> list[Event]:
        with self.read() as conn:
            rows = conn.execute(
                "SELECT seq, type, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
            ).fetchall()
        return [Event(r["seq"], r["type"], r["at"], json.loads(r["payload"])) for r in rows]

    def today(self) -> date:
        return business_day(self.clock(), self.catalogue.tz, self.catalogue.config.centre.rollover_hour)

    def backup(self, destination: str | Path) -> None:
        """Copy the live database with SQLite's online backup API (consistent while writes go on)."""
        backup_to(self.path, destination)

    # ── shutting down ──────────────────────────────────────────────────────────────────────

    def close(self) -> None:
        """Finish the queued writes, then checkpoint the WAL into the main file and close.

        The writer checkpoints (TRUNCATE) before it closes: the read-only connections, which
        closed last, cannot checkpoint, and that had left the day's data in `-wal`. Readers
        hold no snapshot between reads, so the checkpoint need not wait for them; they close
        after the writer, when no write can come any more.
        """
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=30)
        with self._readers_lock:
            for db in self._readers:
                try:
                    db.conn.close()
                except sqlite3.ProgrammingError:
                    pass  # closed already, or owned by a thread that is gone
            self._readers.clear()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def backup_to(source: str | Path, destination: str | Path) -> None:
    """Online backup of a database file (the hub may be writing to it meanwhile)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Created here, owner-only, before SQLite writes a byte of PIN or token hashes into it.
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        raise FileExistsError(f"{destination} exists already; choose a new file name") from None
    os.close(fd)
    source_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_conn = sqlite3.connect(destination)
    try:
        with target_conn:
            source_conn.backup(target_conn, pages=1024)
    finally:
        target_conn.close()
        source_conn.close()
