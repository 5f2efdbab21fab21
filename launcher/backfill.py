"""`simulate --days N --backfill`: N past business days written into a database, at real past instants.

The day is played event by event (a discrete-event simulation) through the store's own write
commands, with the store's clock set to each event's instant: tickets, calls, pauses, logins
and the business-day rollovers (with their daily summaries) are written exactly as a hub would
write them, the event log stays in order and without gaps, and no time is waited for.

The hall's day, per service and day (docs/decisions/simulate-backfill.md):

- only inside the service's opening hours and on its working days; a service open around the
  clock (the demo's `hours = "always"`) works as a government office: Sunday to Thursday,
  from 07:30 for `--hours` hours;
- arrivals are a Poisson process whose rate has a morning peak (about 09:30) and a smaller
  one after lunch, with dips at the Dhuhr and Asr prayers (Umm al-Qura times for Riyadh, from
  adhanpy) and at lunch (12:30-13:15);
- clerks log in at opening, call the next visitor a few seconds after they are free, wait for
  the visitor's walk (log-normal, median 30 s), serve for a log-normal time around the
  service's average, record no-shows after one recall, transfer a few, pause in two turns for
  each prayer, serve the queue that is inside at closing, and log out.
"""

from __future__ import annotations

import heapq
import math
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from adhanpy.calculation.CalculationMethod import CalculationMethod
from adhanpy.PrayerTimes import PrayerTimes

from core import commands
from core.config import CentreFile
from core.errors import TabourError
from core.hours import OpeningHours
from core.models import DeviceKind, Priority
from core.numbering import business_day
from core.catalogue import hours_by_service
from core.store import Store
from launcher.embedded import SIM_CLERK_PREFIX, ensure_demo_clerks
from launcher.simulate import (
    Plan,
    SimulationError,
    signals_held,
    draw_priority,
    service_seconds,
    service_weights,
)

RIYADH = (24.7136, 46.6753)  # where the prayer times are computed: a Riyadh-typical day
WORKING_WEEK = (6, 0, 1, 2, 3)  # Sunday to Thursday (date.weekday())
DEFAULT_OPENING = clock_time(7, 30)
MAX_DAYS = 366
MAX_TICKETS = 300_000  # about half an hour of writing on a branch PC (bench/simulate_backfill.py)
PRAYER_DIP = (-10 * 60, 30 * 60)  # around the call to prayer, seconds
PRAYER_FACTOR = 0.25
LUNCH = (clock_time(12, 30), clock_time(13, 15))
LUNCH_FACTOR = 0.55
PAUSE_SECONDS = 20 * 60  # a clerk's prayer pause; counters take it in two turns
WALK_MEDIAN = 30.0  # a called visitor's walk to the counter
RECALL_AFTER = 60.0
CLOSING_GRACE = 60 * 60  # the queue inside at closing is served for up to an hour


@dataclass(frozen=True)
class PrayerWindows:
    dhuhr: float
    asr: float


def prayer_times(day: date, tz: ZoneInfo) -> PrayerWindows:
    """Dhuhr and Asr of `day` in Riyadh (Umm al-Qura), as epoch seconds."""
    times = PrayerTimes(RIYADH, datetime(day.year, day.month, day.day, 12), CalculationMethod.UMM_AL_QURA, time_zone=tz)
    return PrayerWindows(times.dhuhr.timestamp(), times.asr.timestamp())


def arrival_shape(local_hour: float) -> float:
    """Relative arrival rate before the dips: a morning peak and a smaller one after lunch."""
    morning = 1.6 * math.exp(-((local_hour - 9.5) ** 2) / (2 * 0.9**2))
    afternoon = 0.6 * math.exp(-((local_hour - 13.5) ** 2) / (2 * 0.6**2))
    return 0.35 + morning + afternoon


def dip_factor(at: float, local_hour: float, prayers: PrayerWindows) -> float:
    """How much of the usual rate comes at `at`: fewer during the prayers and at lunch."""
    factor = 1.0
    for prayer in (prayers.dhuhr, prayers.asr):
        if prayer + PRAYER_DIP[0] <= at < prayer + PRAYER_DIP[1]:
            factor = min(factor, PRAYER_FACTOR)
    lunch_start = LUNCH[0].hour + LUNCH[0].minute / 60
    lunch_end = LUNCH[1].hour + LUNCH[1].minute / 60
    if lunch_start <= local_hour < lunch_end:
        factor = min(factor, LUNCH_FACTOR)
    return factor


def opening_windows(hours: OpeningHours, day: date, tz: ZoneInfo, day_hours: float) -> list[tuple[float, float]]:
    """The spans a service is open on `day`, as epoch seconds (empty on its days off)."""
    special = next((s for s in hours.special if s.covers(day)), None)
    if special is not None:
        spans = [(s.start, s.end) for s in special.spans]
    elif hours.always_open:
        if day.weekday() not in WORKING_WEEK:
            return []
        start = datetime.combine(day, DEFAULT_OPENING, tz)
        return [(start.timestamp(), start.timestamp() + day_hours * 3600)]
    else:
        spans = [(s.start, s.end) for s in hours.weekly.get(day.weekday(), ())]
    windows = []
    for start, end in spans:
        begin = datetime.combine(day, start, tz)
        finish = datetime.combine(day + timedelta(days=1), clock_time(0), tz) if end == clock_time.max else datetime.combine(day, end, tz)
        windows.append((begin.timestamp(), finish.timestamp()))
    return windows


def local_hour(at: float, tz: ZoneInfo) -> float:
    moment = datetime.fromtimestamp(at, tz)
    return moment.hour + moment.minute / 60 + moment.second / 3600


def arrivals(
    windows: list[tuple[float, float]], rate_per_hour: float, prayers: PrayerWindows, tz: ZoneInfo, rng: random.Random
) -> list[float]:
    """Arrival instants inside `windows` (Poisson by thinning): `rate_per_hour` is the mean over
    a usual 07:30-14:30 day, the shape and the dips make the rest."""
    steps = [7.5 + 7 * (i + 0.5) / 100 for i in range(100)]
    mean_shape = sum(arrival_shape(h) for h in steps) / len(steps)
    scale = rate_per_hour / 3600.0 / mean_shape
    bound = scale * max(arrival_shape(h / 10) for h in range(240)) * 1.01
    found = []
    for start, end in windows:
        at = start
        while True:
            at += rng.expovariate(bound)
            if at >= end:
                break
            hour = local_hour(at, tz)
            if rng.random() * bound <= scale * arrival_shape(hour) * dip_factor(at, hour, prayers):
                found.append(at)
    return found


class SettableClock:
    """The store's clock during a backfill: the instant of the event being written."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class CounterDay:
    """One staffed counter through one day: `off`, `idle`, `serving` or `paused`."""

    counter_id: int
    clerk: str
    clerk_id: int
    service_ids: list[int]
    opens: float
    closes: float
    pauses: list[float]
    state: str = "off"
    check_pending: bool = False
    rng: random.Random = field(default_factory=random.Random)


@dataclass
class BackfillTally:
    days: list[str] = field(default_factory=list)
    issued: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    pauses: int = 0
    refused: Counter = field(default_factory=Counter)
    writes: int = 0


class Backfill:
    """Plays the chosen days into `store`, whose clock is `clock`."""

    def __init__(self, store: Store, clock: SettableClock, plan: Plan, device_id: int, rng: random.Random) -> None:
        self.store, self.clock, self.plan, self.device_id, self.rng = store, clock, plan, device_id, rng
        self.tally = BackfillTally()
        self.tz = store.catalogue.tz
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._order = 0

    # writing at an instant ----------------------------------------------------------------------
    def write(self, at: float, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.clock.now = at
        self.tally.writes += 1
        return self.store.call(command, *args, **kwargs)

    def later(self, at: float, action: Callable[[], None]) -> None:
        self._order += 1
        heapq.heappush(self._heap, (at, self._order, action))

    # one day --------------------------------------------------------------------------------------
    def play(self, day: date, counters: list[dict[str, Any]]) -> None:
        catalogue = self.store.catalogue
        prayers = prayer_times(day, self.tz)
        windows = {
            service_id: opening_windows(info.hours, day, self.tz, self.plan.hours)
            for service_id, info in catalogue.services.items()
            if info.enabled
        }
        self.staffed = sorted({sid for c in counters for sid in c["service_ids"] if windows.get(sid)})
        if not self.staffed:
            return
        weights = dict(zip(self.staffed, service_weights(len(self.staffed))))
        total = sum(weights.values())
        for service_id in self.staffed:
            rate = self.plan.visitors_per_hour * weights[service_id] / total
            for at in arrivals(windows[service_id], rate, prayers, self.tz, self.rng):
                self.later(at, self._arrival(service_id, draw_priority(self.rng)))
        self.desks: list[CounterDay] = []
        for turn, counter in enumerate(counters):
            spans = [w for sid in counter["service_ids"] for w in windows.get(sid, [])]
            if not spans:
                continue
            opens, closes = min(s for s, _ in spans), max(e for _, e in spans)
            offset = (turn % 2) * PAUSE_SECONDS  # two turns, so the hall never stops entirely
            pauses = sorted(p + offset for p in (prayers.dhuhr, prayers.asr) if opens <= p + offset < closes)
            desk = CounterDay(
                counter["id"], counter["clerk"], counter["clerk_id"], counter["service_ids"], opens, closes, pauses,
                rng=random.Random(self.rng.random()),
            )
            self.desks.append(desk)
            self.later(opens - desk.rng.uniform(60, 600), lambda desk=desk: self._login(desk))
            for moment in (*pauses, closes, closes + CLOSING_GRACE):
                self.later(moment, lambda desk=desk: self._check(desk))  # an idle clerk acts on time
        self.tally.days.append(day.isoformat())
        while self._heap:
            at, _, action = heapq.heappop(self._heap)
            self.clock.now = at
            action()

    # the hall's actors ----------------------------------------------------------------------------
    def _arrival(self, service_id: int, priority: str) -> Callable[[], None]:
        def arrive() -> None:
            at = self.clock.now
            try:
                self.write(at, commands.issue_ticket, service_id, Priority(priority), device_id=self.device_id)
            except TabourError as refusal:
                self.tally.refused[refusal.code] += 1
                return
            self.tally.issued += 1
            for desk in self.desks:
                if desk.state == "idle" and not desk.check_pending and service_id in desk.service_ids:
                    desk.check_pending = True  # the clerk notices within seconds
                    self.later(at + desk.rng.uniform(3, 15), lambda desk=desk: self._check(desk))

        return arrive

    def _login(self, desk: CounterDay) -> None:
        session = self.write(self.clock.now, commands.record_login, desk.clerk, True, desk.counter_id, None)
        if isinstance(session, Exception):
            raise SimulationError(f"clerk {desk.clerk!r} could not log in: {session}", f"تعذّر دخول الموظف \u2066{desk.clerk}\u2069")
        desk.state = "idle"
        self._act(desk)

    def _check(self, desk: CounterDay) -> None:
        desk.check_pending = False
        if desk.state == "idle":
            self._act(desk)

    def _act(self, desk: CounterDay) -> None:
        """The clerk has nobody at the counter: pray, call the next visitor, wait, or leave."""
        at = self.clock.now
        if desk.pauses and at >= desk.pauses[0]:
            desk.pauses.pop(0)
            if at < desk.closes:  # a clerk held up by a long visit prays as soon as it ends
                self.write(at, commands.pause_counter, desk.counter_id, "prayer")
                self.tally.pauses += 1
                desk.state = "paused"
                self.later(at + PAUSE_SECONDS, lambda: self._resume(desk))
                return
        if at >= desk.closes + CLOSING_GRACE:
            self._logout(desk)  # whoever still waits expires at the rollover
            return
        ticket = self.write(at, commands.call_next, desk.counter_id, desk.clerk_id)
        if ticket is None:
            if at >= desk.closes:
                self._logout(desk)
            return  # idle until a visitor arrives (or a prayer, or closing)
        desk.state = "serving"
        self._serve(desk, ticket, at)

    def wind_down(self) -> None:
        """Stopped half-way (Ctrl+C, SIGTERM): visitors at a counter are finished or marked
        absent and every clerk logs out, at the instant the backfill had reached."""
        self._heap.clear()
        # The stop interrupts the wait for a write, not the write: the writer may still commit a
        # login or a call after this point. A write queued behind it returns only once everything
        # before it has committed, so what is read below is what the store will hold.
        self.store.call(_nothing)
        with self.store.read() as conn:
            held = conn.execute(
                "SELECT t.id, t.status, k.id FROM counters AS k JOIN tickets AS t ON t.id = k.current_ticket_id"
            ).fetchall()
        for ticket_id, status, counter_id in held:
            step = commands.finish if status == "serving" else commands.no_show
            try:
                self.write(self.clock.now, step, ticket_id, counter_id)
            except TabourError:
                pass  # ended meanwhile
        # Every desk, whatever its state says: the stop can land between a login written to the
        # store and the desk's state that records it, and `_logout` asks the store itself.
        for desk in getattr(self, "desks", []):
            self._logout(desk)

    def _resume(self, desk: CounterDay) -> None:
        self.write(self.clock.now, commands.resume_counter, desk.counter_id)
        desk.state = "idle"
        self._act(desk)

    def _logout(self, desk: CounterDay) -> None:
        with self.store.read() as conn:
            sessions = [r[0] for r in conn.execute(
                "SELECT id FROM sessions WHERE counter_id = ? AND ended_at IS NULL", (desk.counter_id,)
            )]
        for session_id in sessions:
            self.write(self.clock.now, commands.end_session, session_id)
        desk.state = "off"

    def _done(self, desk: CounterDay, after: float) -> None:
        """The visitor has gone; the clerk wraps up for a few seconds, then acts again."""
        def again() -> None:
            desk.state = "idle"
            self._act(desk)

        self.later(self.clock.now + after, again)

    def _serve(self, desk: CounterDay, ticket: dict[str, Any], called_at: float) -> None:
        rng, tid, counter_id = desk.rng, ticket["id"], desk.counter_id
        if rng.random() < self.plan.no_show_share:
            self.later(called_at + RECALL_AFTER, lambda: self.write(self.clock.now, commands.recall, tid, counter_id))

            def absent() -> None:
                self.write(self.clock.now, commands.no_show, tid, counter_id)
                self.tally.no_shows += 1
                self._done(desk, rng.uniform(5, 15))

            self.later(called_at + 2 * RECALL_AFTER, absent)
            return
        walk = min(rng.lognormvariate(math.log(WALK_MEDIAN), 0.4), 240.0)
        mean = float(self.store.catalogue.services[ticket["service_id"]].default_service_seconds)
        others = [sid for sid in self.staffed if sid != ticket["service_id"]]
        transfer = bool(others) and rng.random() < self.plan.transfer_share
        length = service_seconds(mean, rng)

        def start() -> None:
            self.write(self.clock.now, commands.start, tid, counter_id)
            self.later(self.clock.now + (length / 3 if transfer else length), send_on if transfer else finish)

        def finish() -> None:
            self.write(self.clock.now, commands.finish, tid, counter_id)
            self.tally.served += 1
            self._done(desk, rng.uniform(5, 20))

        def send_on() -> None:
            self.write(self.clock.now, commands.transfer, tid, counter_id, rng.choice(others))
            self.tally.transfers += 1
            self._done(desk, rng.uniform(5, 20))

        self.later(called_at + walk, start)


def business_days_before(today: date, count: int, open_on: Callable[[date], bool]) -> list[date]:
    """The `count` days before `today` on which the hall opens, oldest first."""
    found: list[date] = []
    day = today
    for _ in range(count * 3 + 60):  # holidays and weekends, with room to spare
        day -= timedelta(days=1)
        if open_on(day):
            found.append(day)
            if len(found) == count:
                break
    return sorted(found)


def check_database(path: Path, first_instant: float, into_real_database: bool, tz: ZoneInfo) -> None:
    """Refuse a database with real tickets (unless asked) or with a log reaching past the first day."""
    if not path.exists():
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "tickets" not in tables:
                return
            flagged = any(row[1] == "simulated" for row in conn.execute("PRAGMA table_info(tickets)"))
            real = conn.execute("SELECT COUNT(*) FROM tickets" + (" WHERE simulated = 0" if flagged else "")).fetchone()[0]
            if "meta" in tables and commands.is_demo_database(conn):
                real = 0  # the all-in-one demo's own tries
            last = conn.execute("SELECT MAX(at) FROM events").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise SimulationError(f"{path} is not a Tabour database ({error}).", f"الملف \u2066{path}\u2069 ليس قاعدة بيانات طابور.") from None
    if real and not into_real_database:
        raise SimulationError(
            f"{path} holds {real} real tickets; a backfill would mix with them. Give a new --db file, or "
            "--into-real-database if that is really meant. Nothing was changed.",
            f"تحوي \u2066{path}\u2069 عدد \u2066{real}\u2069 تذكرة حقيقية، والمحاكاة ستختلط بها. حدّد ملفاً جديداً بـ "
            "\u2066--db\u2069 أو أضف \u2066--into-real-database\u2069 إن كان ذلك مقصوداً. لم يتغير شيء.",
        )
    if last is not None and last >= first_instant:
        when = datetime.fromtimestamp(last, tz).strftime("%Y-%m-%d %H:%M")
        raise SimulationError(
            f"{path} already has events up to {when}, after the first day to write: past days can only be added "
            "before everything in the log. Give a new --db file (then start the demo with it: python main.py --db FILE).",
            f"سجل \u2066{path}\u2069 يصل إلى \u2066{when}\u2069، بعد أول يوم ستتم كتابته: لا تُضاف الأيام الماضية إلا قبل كل ما في "
            "السجل. حدّد ملفاً جديداً بـ \u2066--db\u2069.",
        )


@dataclass
class BackfillResult:
    first: str
    last: str
    tally: BackfillTally
    seconds: float
    stopped: bool = False  # by Ctrl+C or SIGTERM, after the days in `tally.days`


def run_backfill(
    db_path: Path,
    config: CentreFile,
    plan: Plan,
    days: int,
    *,
    now: float | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> BackfillResult:
    """Write `days` past business days into the database at `db_path` (created if new)."""
    from hub.writer_lock import DatabaseBusy, ForeignHolder, WriterLock

    if not 1 <= days <= MAX_DAYS:
        raise SimulationError(f"--days must be between 1 and {MAX_DAYS}", f"يجب أن يكون \u2066--days\u2069 بين 1 و{MAX_DAYS}")
    expected = plan.visitors_per_hour * plan.hours * days
    if expected > MAX_TICKETS:
        raise SimulationError(
            f"--days {days} at --visitors-per-hour {plan.visitors_per_hour:g} is about {expected:,.0f} tickets; a "
            f"backfill writes at most {MAX_TICKETS:,} (about half an hour). Give fewer days or visitors.",
            f"\u2066--days {days}\u2069 مع \u2066--visitors-per-hour {plan.visitors_per_hour:g}\u2069 تعني نحو "
            f"\u2066{expected:,.0f}\u2069 تذكرة، والحد \u2066{MAX_TICKETS:,}\u2069. قلّل الأيام أو عدد الزوار.",
        )
    began = time.monotonic()
    stopped = False
    now = time.time() if now is None else now
    tz = ZoneInfo(config.centre.time_zone)
    today = business_day(now, tz, config.centre.rollover_hour)
    hours = _service_hours(config)
    chosen = business_days_before(
        today, days, lambda day: any(opening_windows(h, day, tz, plan.hours) for h in hours)
    )
    if not chosen:
        raise SimulationError("no service of this centre opens on any recent day", "لا تعمل أي خدمة في هذا المركز في الأيام الأخيرة")
    first_instant = datetime.combine(chosen[0], clock_time(config.centre.rollover_hour), tz).timestamp()
    check_database(db_path, first_instant, plan.into_real_database, tz)
    lock = WriterLock(db_path)
    try:
        lock.acquire(role="simulate --backfill")
    except (DatabaseBusy, ForeignHolder) as busy:
        raise SimulationError(busy.message_en, busy.message_ar) from None
    try:
        clock = SettableClock(first_instant)
        # NORMAL: a backfill that stops half-way is simply run again on a new file; FULL's fsync
        # per write would make a month take minutes.
        with commands.open_store(db_path, config, clock=clock, synchronous="NORMAL") as store:
            counters = _staff(store, plan)
            device = store.call(
                commands.enroll_device, "simulator backfill", DeviceKind.ADMIN,
                simulated=True, into_real_database=plan.into_real_database,
            )
            backfill = Backfill(store, clock, plan, device["device_id"], random.Random(plan.seed))
            try:
                for day in chosen:
                    backfill.play(day, counters)
                    log(f"{day.isoformat()}  issued {backfill.tally.issued}  served {backfill.tally.served}")
            except KeyboardInterrupt:  # Ctrl+C, or SIGTERM turned into it by the command
                log("stopping: closing the counters and sessions of the day being written")
                with signals_held():
                    backfill.wind_down()
                    stopped = True
            # The last day rolls over now, as a hub would at its next start: its summary is stored.
            clock.now = max(now, clock.now)
            store.call(_nothing)
    finally:
        lock.release()
    return BackfillResult(chosen[0].isoformat(), chosen[-1].isoformat(), backfill.tally, time.monotonic() - began, stopped)


def _nothing(tx: Any) -> None:
    """A write with nothing in it: the batch around it rolls the business day if it is due."""


def _service_hours(config: CentreFile) -> list[OpeningHours]:
    return list(hours_by_service(config).values())


def _staff(store: Store, plan: Plan) -> list[dict[str, Any]]:
    """The first `plan.counters` counters by number, each with its simulated clerk."""
    numbers = sorted(store.catalogue.counters_by_number)
    if plan.counters > len(numbers):
        raise SimulationError(
            f"--counters {plan.counters} is more than the {len(numbers)} counters this centre has",
            f"\u2066--counters {plan.counters}\u2069 أكثر من عدد شبابيك المركز ({len(numbers)})",
        )
    ensure_demo_clerks(store, plan.counters)
    with store.read() as conn:
        clerks = {row[0]: row[1] for row in conn.execute("SELECT username, id FROM clerks")}
    staffed = []
    for index, number in enumerate(numbers[: plan.counters], start=1):
        info = store.catalogue.counters_by_number[number]
        name = f"{SIM_CLERK_PREFIX}{index}"
        staffed.append({"id": info.id, "service_ids": list(info.service_ids), "clerk": name, "clerk_id": clerks[name]})
    return staffed

