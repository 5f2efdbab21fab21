"""A year of a busy centre: how long the KPIs take, for the year and for one day.

Builds (with direct SQL inserts, for speed) a year of working days, Sunday to Thursday, of a
centre with 30 counters and about 1.5 million tickets, plus a busy "today" still in progress.
The figures it times come from `core.stats.compute`, the code behind `GET /api/v1/stats` and
`python main.py report`. Prints the time to build the daily summaries, then the KPIs of the
year, of one summarised day and of today (live from the tickets table); optionally the year
without summaries.

    .venv/bin/python bench/report_year.py [--tickets 1500000] [--db PATH] [--without-summaries]

Targets: the year's KPIs under 1 s, a day's under 50 ms.
"""

from __future__ import annotations

import argparse
import math
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import commands, stats  # noqa: E402
from core.config import parse_config  # noqa: E402
from core.models import Role  # noqa: E402
from core.numbering import business_day  # noqa: E402
from core.commands import open_store  # noqa: E402
from tests.support import Clock, demo_config_text  # noqa: E402

COUNTERS = 30
CLERKS = 40
RIYADH = ZoneInfo("Asia/Riyadh")
# Share of visitors and mean service minutes per demo service A–F.
SERVICE_MIX = {"A": (0.30, 7), "B": (0.20, 9), "C": (0.20, 4), "D": (0.12, 6), "E": (0.12, 5), "F": (0.06, 8)}
# Arrivals per hour of the working day (07:30–14:30), peaking mid-morning.
HOUR_WEIGHTS = {7: 0.5, 8: 1.2, 9: 1.6, 10: 1.7, 11: 1.5, 12: 1.1, 13: 0.9, 14: 0.5}


def busy_centre_text() -> str:
    """The demo centre with 30 universal counters and limits wide enough for a busy day."""
    text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")
    head, _, rest = text.partition("[[counters]]")
    _, _, tail = rest.partition("[boards.hall]")
    counters = "".join(f'[[counters]]\nnumber = {n}\nservices = ["*"]\n\n' for n in range(1, COUNTERS + 1))
    return head + counters + "[boards.hall]" + tail


def working_days(last: date, count_days: int) -> list[date]:
    """Sunday–Thursday days among the `count_days` calendar days ending with `last`."""
    days = [last - timedelta(days=offset) for offset in range(count_days)]
    return sorted(day for day in days if day.weekday() not in (4, 5))  # Friday, Saturday


class YearBuilder:
    """Generates tickets, events and day counters for many days, as the hub would have left them."""

    def __init__(self, conn: sqlite3.Connection, services: dict[str, tuple[int, int]], counters: list[int], clerks: list[int]) -> None:
        self.conn = conn
        self.services = services  # code → (id, target seconds)
        self.counters = counters
        self.clerks = clerks
        self.random = random.Random(1448)
        self.next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0] or 0) + 1
        self.next_seq = (conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0] or 0) + 1
        self.codes = list(SERVICE_MIX)
        self.weights = [SERVICE_MIX[c][0] for c in self.codes]

    def _event(self, rows: list[tuple], at: float, kind: str, ticket_id: int | None, payload: str) -> None:
        rows.append((self.next_seq, at, kind, ticket_id, None, payload))
        self.next_seq += 1

    def day(self, day: date, tickets: int, now: float | None = None) -> int:
        """One business day; with `now`, the day is in progress at that moment (today)."""
        rng = self.random
        opening = datetime(day.year, day.month, day.day, 7, 30, tzinfo=RIYADH).timestamp()
        hours = list(HOUR_WEIGHTS)
        hour_weights = list(HOUR_WEIGHTS.values())
        staff = rng.sample(self.clerks, len(self.counters))
        counter_clerk = dict(zip(self.counters, staff))
        sequences = {code: 0 for code in self.codes}
        ticket_rows: list[tuple] = []
        event_rows: list[tuple] = []
        self._event(event_rows, opening - 4 * 3600, "day.rolled", None, f'{{"business_day":"{day.isoformat()}","expired":0}}')
        for _ in range(tickets):
            code = rng.choices(self.codes, self.weights)[0]
            service_id, target = self.services[code]
            hour = rng.choices(hours, hour_weights)[0]
            issued = max(opening, datetime(day.year, day.month, day.day, hour, tzinfo=RIYADH).timestamp()) + rng.random() * 3600
            # Waits grow through the morning peak; a long tail past the target.
            load = HOUR_WEIGHTS[hour] / 1.7
            wait = rng.gammavariate(2.0, target * 0.45 * load)
            service_minutes = SERVICE_MIX[code][1]
            service = max(20.0, rng.gammavariate(3.0, service_minutes * 20))
            sequences[code] += 1
            ticket_id = self.next_id
            self.next_id += 1
            counter = rng.choice(self.counters)
            clerk = counter_clerk[counter]
            fate = rng.random()
            called = started = finished = first_call = None
            counter_id = clerk_id = None
            status = "done"
            if fate < 0.02:
                status, finished = "cancelled", issued + wait * 0.5
            elif fate < 0.03:
                status, finished = "expired", opening + 20 * 3600
            else:
                called, counter_id, clerk_id = issued + wait, counter, clerk
                if fate < 0.08:
                    status, finished = "no_show", called + 120
                    if fate < 0.045:
                        # Absent, then back and served by number: the wait ends at the first call.
                        first_call, called = called, finished + rng.uniform(300, 1800)
                        status, started, finished = "done", called + 30, called + 30 + service
                else:
                    started = called + rng.uniform(10, 60)
                    finished = started + service
                    if fate < 0.11:
                        status = "transferred"
            if now is not None and issued > now:
                issued = now - rng.random() * 600
            if now is not None and (first_call or called or 0) > now:
                status, called, started, finished, counter_id, clerk_id, first_call = "waiting", None, None, None, None, None, None
            elif now is not None and (finished or 0) > now:
                status, finished = ("serving", None) if started and started <= now else ("called", None)
                if status == "called":
                    started = None
            number = sequences[code]
            ticket_rows.append((
                ticket_id, service_id, day.isoformat(), number, number, f"{code}-{number:05d}", "normal", status,
                secrets.token_urlsafe(12), issued, issued, called, started, finished, counter_id, clerk_id, 0, None, None,
            ))
            if first_call is not None:
                self._event(event_rows, first_call, "ticket.called", ticket_id, "{}")
                self._event(event_rows, first_call + 120, "ticket.no_show", ticket_id, "{}")
            if called is not None:
                self._event(event_rows, called, "ticket.called", ticket_id, "{}")
            if status == "transferred":
                # The visitor's new entry in another service: served in turn.
                other_code = rng.choice([c for c in self.codes if c != code])
                other_id, _ = self.services[other_code]
                arrival = finished
                moved = (arrival + 300, arrival + 330, arrival + 330 + service, counter, clerk)
                moved_status = "done"
                if now is not None and moved[2] > now:
                    moved_status, moved = "waiting", (None, None, None, None, None)
                ticket_rows.append((
                    self.next_id, other_id, day.isoformat(), None, number, f"{code}-{number:05d}", "normal", moved_status,
                    secrets.token_urlsafe(12), arrival, issued, *moved, 0, service_id, ticket_id,
                ))
                self.next_id += 1
        self.conn.executemany(
            "INSERT INTO tickets (id, service_id, business_day, sequence, number, label, priority, status, code, issued_at, "
            "first_issued_at, called_at, started_at, finished_at, counter_id, clerk_id, recalls, "
            "transferred_from_service_id, transferred_from_ticket_id, issued_by_device_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            ticket_rows,
        )
        self.conn.executemany("INSERT INTO events (seq, at, type, ticket_id, counter_id, payload) VALUES (?, ?, ?, ?, ?, ?)", event_rows)
        self.conn.executemany(
            "INSERT INTO day_counters (service_id, business_day, last_sequence) VALUES (?, ?, ?)",
            [(self.services[code][0], day.isoformat(), count) for code, count in sequences.items() if count],
        )
        return len(ticket_rows)


def timed(runs: int, action: Callable[[], object]) -> tuple[float, float, object]:
    """(median, best) seconds over `runs` runs, and the last result."""
    durations = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), min(durations), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_500_000, help="Tickets issued over the year (default 1,500,000).")
    parser.add_argument("--db", type=Path, default=None, help="Keep the database at this path (default: a temporary file).")
    parser.add_argument("--without-summaries", action="store_true", help="Also time the year computed from the tickets alone.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs of each query (default 5).")
    args = parser.parse_args()

    if args.db is not None and args.db.exists():
        print(f"error: {args.db} exists; give a new file", file=sys.stderr)
        return 2
    if args.db is not None:
        return run(args, args.db)
    workdir = Path(tempfile.mkdtemp(prefix="tabour-report-year-"))
    try:
        return run(args, workdir / "year.sqlite")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, db_path: Path) -> int:
    config = parse_config(busy_centre_text(), "busy-centre.toml")
    today = date(2026, 11, 24)
    clock = Clock(datetime(today.year, today.month, today.day, 11, 0, tzinfo=RIYADH).timestamp())
    days = working_days(today - timedelta(days=1), 365)
    per_day = math.ceil(args.tickets / len(days))
    print(f"building {len(days)} working days × ~{per_day} tickets (+ transfers) and a busy today in {db_path} …", flush=True)

    started = time.perf_counter()
    with open_store(db_path, config, clock=clock, synchronous="NORMAL") as store:
        clerk_ids = [store.call(commands.add_clerk, f"clerk{n:02d}", Role.CLERK, "unused") for n in range(1, CLERKS + 1)]
        services = {code: (info.id, info.target_wait_seconds) for code, info in store.catalogue.services_by_code.items()}
        counters = sorted(store.catalogue.counters)
        tz = store.catalogue.tz
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    builder = YearBuilder(conn, services, counters, clerk_ids)
    conn.execute("BEGIN")
    entries = sum(builder.day(day, per_day) for day in days)
    entries += builder.day(today, per_day, now=clock.now)
    conn.execute("COMMIT")
    print(f"  {entries:,} ticket entries in {time.perf_counter() - started:.1f} s", flush=True)

    current = business_day(clock.now, tz, config.centre.rollover_hour).isoformat()
    started = time.perf_counter()
    summarised = stats.rebuild_summaries(conn, tz, current, clock.now)
    elapsed = time.perf_counter() - started
    conn.close()
    size_mb = db_path.stat().st_size / 1e6
    print(f"  daily summaries of {len(summarised)} days built in {elapsed:.1f} s ({elapsed / len(summarised) * 1000:.1f} ms a day, as at each rollover)")
    print(f"  database {size_mb:.0f} MB", flush=True)

    groups = list(stats.GROUPINGS)
    year_first, year_last = days[0], today
    one_day = days[len(days) // 2]
    with open_store(db_path, config, clock=clock, synchronous="NORMAL") as store:
        stats.compute(store, year_first, year_last, groups)  # warm the page cache, as a running hub has it
        year_median, year_best, year = timed(args.runs, lambda: stats.compute(store, year_first, year_last, groups))
        day_median, day_best, day_answer = timed(args.runs * 4, lambda: stats.compute(store, one_day, one_day, groups))
        today_median, today_best, today_answer = timed(args.runs * 4, lambda: stats.compute(store, today, today, groups))
        print()
        print(f"year {year_first} … {year_last}: {year['totals']['issued']:,} issued, {year['totals']['served']:,} served, "
              f"wait median {year['totals']['wait_seconds']['median']:.0f} s, p90 {year['totals']['wait_seconds']['p90']:.0f} s "
              f"({year['days']['summarised']} days from summaries, {year['days']['live']} live)")
        print(f"  year's KPIs, all groupings:   median {year_median * 1000:7.1f} ms, best {year_best * 1000:7.1f} ms   (target < 1000 ms)")
        print(f"  one past day ({one_day}):  median {day_median * 1000:7.1f} ms, best {day_best * 1000:7.1f} ms   (target < 50 ms; "
              f"{day_answer['totals']['issued']} issued, from its summary)")
        print(f"  today ({today}, live):     median {today_median * 1000:7.1f} ms, best {today_best * 1000:7.1f} ms   (target < 50 ms; "
              f"{today_answer['totals']['issued']} issued, {today_answer['totals']['waiting']} waiting)")
        if args.without_summaries:
            with store.read() as read:
                started = time.perf_counter()
                live = stats.compute_on(read, year_first, year_last, groups, store.catalogue.tz, use_summaries=False)
                elapsed = time.perf_counter() - started
            same = live["totals"] == year["totals"]
            print(f"  year from the tickets alone:  {elapsed * 1000:7.1f} ms (no summaries; same totals: {same})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
