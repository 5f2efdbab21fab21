"""The central under load: ingest from many branches at once, and the league table of a big month.

1. Ingest: `--branches` simulated branches (default 50) each send `--events` events (default
   20,000) of realistic ticket lifecycles (issued, called, started, finished, with the hub's
   ticket snapshots) in batches of 1,000 over HTTP to a real `python main.py central`, all at
   once. Prints events per second while sending, the batch latency percentiles, and how long
   the summaries took to catch up after the last batch.
2. League table: a month of `--league-branches` branches (default 200) × `--tickets` tickets a
   day (default 2,000), written as entries, every branch-day summarised (timed), then the
   league table computed (timed, in-process and over HTTP).

PostgreSQL is a throwaway cluster made here, with fsync on (durable, as in production).

    .venv/bin/python bench/central_ingest.py [--branches 50] [--events 20000] [--league-branches 200] [--tickets 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from central import auth  # noqa: E402
from central.league import league  # noqa: E402
from central.schema import migrate  # noqa: E402
from central.summaries import rebuild_all  # noqa: E402
from tests.central.live import LiveCentral  # noqa: E402
from tests.pg import PostgresCluster  # noqa: E402

RIYADH = ZoneInfo("Asia/Riyadh")
BATCH = 1000


def branch_log(count: int, seed: int, start_day: date) -> list[dict]:
    """`count` events of whole ticket lifecycles (4 events a visitor), as a hub logs them."""
    rng = random.Random(seed)
    events: list[dict] = []
    day = start_day
    clock = datetime.combine(day, datetime.min.time(), tzinfo=RIYADH).timestamp() + 8 * 3600
    ticket_id = 0
    while len(events) < count:
        ticket_id += 1
        clock += rng.uniform(5, 40)
        if clock > datetime.combine(day, datetime.min.time(), tzinfo=RIYADH).timestamp() + 16 * 3600:
            day += timedelta(days=1)
            clock = datetime.combine(day, datetime.min.time(), tzinfo=RIYADH).timestamp() + 8 * 3600
        service = rng.randint(1, 6)
        counter = rng.randint(1, 12)
        base = {
            "id": ticket_id, "number": f"{'ABCDEF'[service - 1]}-{ticket_id % 1000:03d}", "service_id": service,
            "business_day": day.isoformat(), "priority": "normal", "code": f"c{seed}x{ticket_id}", "issued_at": "",
            "first_issued_at": "", "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
            "counter_number": None, "clerk": None, "recalls": 0, "transferred_from_service_id": None,
            "ahead": 3, "eta_seconds": 240,
        }
        issued, called = clock, clock + rng.uniform(30, 1500)
        started, finished = called + rng.uniform(10, 60), called + rng.uniform(120, 900)
        steps = [("ticket.issued", issued, "waiting"), ("ticket.called", called, "called"),
                 ("ticket.started", started, "serving"), ("ticket.finished", finished, "done")]
        for kind, when, status in steps:
            ticket = {**base, "status": status}
            if status != "waiting":
                ticket.update(counter_id=counter, counter_number=counter, clerk=f"clerk{counter}", ahead=None, eta_seconds=None)
            payload = {"ticket": ticket}
            if kind == "ticket.called":
                payload["counter"] = {"id": counter, "number": counter, "name": f"Counter {counter}", "name_ar": f"الشباك {counter}"}
            events.append({"seq": len(events) + 1, "at": when, "type": kind, "ticket_id": ticket_id,
                           "counter_id": counter if status != "waiting" else None, "payload": payload})
    return events[:count]


def group_cpu_seconds(session_ids: set[int]) -> float:
    """User + system CPU seconds of every live process in these sessions (the central, PostgreSQL)."""
    total = 0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) in session_ids:  # field 6 of stat: the session id
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def session_of(pid: int) -> int:
    return os.getsid(pid)


def bodies(events: list[dict]) -> list[bytes]:
    origin = events[0]["at"]
    return [json.dumps({"log_origin": origin, "events": events[i:i + BATCH]}, ensure_ascii=False).encode()
            for i in range(0, len(events), BATCH)]


async def send_branch(session: aiohttp.ClientSession, url: str, token: str, batches: list[bytes], latencies: list[float]) -> int:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    held = 0
    for body in batches:
        started = time.perf_counter()
        async with session.post(f"{url}/api/v1/ingest", data=body, headers=headers) as response:
            answer = await response.json()
            if response.status != 200:
                raise RuntimeError(f"{response.status}: {answer}")
            held = answer["held"]
        latencies.append(time.perf_counter() - started)
    return held


async def ingest_run(url: str, tokens: list[str], prepared: list[list[bytes]]) -> tuple[float, list[float], list[int]]:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=len(tokens))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=600)) as session:
        started = time.perf_counter()
        held = await asyncio.gather(*(send_branch(session, url, t, b, latencies) for t, b in zip(tokens, prepared)))
        return time.perf_counter() - started, latencies, held


_ENTRIES_SQL = """
INSERT INTO entries (branch_id, business_day, ticket_id, service_id, counter_id, clerk, issued, status, priority,
                     issued_at, first_called_at, started_at, finished_at, last_seq)
SELECT b, d::date, n, 1 + n %% 6, 1 + n %% 12, 'clerk' || (1 + n %% 12), true,
       CASE WHEN n %% 50 = 0 THEN 'no_show' WHEN n %% 97 = 0 THEN 'cancelled' ELSE 'done' END, 'normal',
       t, t + 30 + (n * 7919 %% 1500), t + 60 + (n * 7919 %% 1500), t + 200 + (n * 7919 %% 1500) + (n * 104729 %% 700), n
FROM generate_series(%(first_branch)s, %(last_branch)s) AS b,
     generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') AS d,
     generate_series(1, %(tickets)s) AS n,
     LATERAL (SELECT extract(epoch FROM d::timestamp AT TIME ZONE 'Asia/Riyadh') + 8 * 3600 + n * 14.0 AS t) AS ts
"""


def league_run(pg_url: str, central_url: str, branches: int, tickets: int, staff_token: str) -> None:
    first = date(2026, 11, 1)
    last = date(2026, 11, 30)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO branches (id, code, name_ar, name_en, token_hash) "
                     "SELECT 100000 + b, 'LG-' || b, 'فرع ' || b, 'Branch ' || b, md5(b::text) FROM generate_series(1, %s) b",
                     (branches,))
        conn.execute("INSERT INTO branch_services (branch_id, service_id, code, name_ar, name_en, target_wait_seconds, position) "
                     "SELECT 100000 + b, s, chr(64 + s), 'خدمة', 'Service', 900, s FROM generate_series(1, %s) b, generate_series(1, 6) s",
                     (branches,))
        from central.ingest import Partitions
        Partitions().ensure(conn, {("entries", first)})
        started = time.perf_counter()
        step = 20
        for low in range(1, branches + 1, step):
            conn.execute(_ENTRIES_SQL, {"first_branch": 100000 + low, "last_branch": 100000 + min(branches, low + step - 1),
                                        "first_day": first, "last_day": last, "tickets": tickets})
        written = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM entries WHERE branch_id >= 100000").fetchone()[0]
        print(f"league data: {rows:,} entries ({branches} branches × 30 days × {tickets:,}) written in {written:.1f} s")
        conn.execute("VACUUM ANALYZE entries")
        started = time.perf_counter()
        rebuild_all(conn)  # the central's own refresher helps meanwhile (it takes other days)
        while conn.execute("SELECT count(*) FROM dirty_days").fetchone()[0]:
            time.sleep(0.2)
        summarised = time.perf_counter() - started
        days = conn.execute("SELECT count(*) FROM day_summaries WHERE branch_id >= 100000").fetchone()[0]
        print(f"summaries: {days:,} branch-days in {summarised:.1f} s ({days / summarised:.0f} branch-days/s, "
              f"{rows / summarised:,.0f} entries/s)")
        conn.execute("VACUUM ANALYZE day_tallies")
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            answer = league(conn, first, last)
            timings.append(time.perf_counter() - started)
        assert len(answer["rows"]) >= branches
    print(f"league table, {branches} branches × a month, in-process: median {percentile(timings, 0.5) * 1000:.0f} ms, "
          f"worst {max(timings) * 1000:.0f} ms (target < 2000 ms)")
    http_timings = []
    with httpx.Client(base_url=central_url, timeout=60, headers={"Authorization": f"Bearer {staff_token}"}) as client:
        for _ in range(5):
            started = time.perf_counter()
            response = client.get("/api/v1/league", params={"from": first.isoformat(), "to": last.isoformat()})
            response.raise_for_status()
            http_timings.append(time.perf_counter() - started)
    print(f"league table over HTTP (JSON of {len(response.content) / 1e6:.1f} MB): median "
          f"{percentile(http_timings, 0.5) * 1000:.0f} ms, worst {max(http_timings) * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=50, help="simulated branches sending at once")
    parser.add_argument("--events", type=int, default=20_000, help="events each branch sends")
    parser.add_argument("--league-branches", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=2000, help="tickets per branch per day in the league month")
    parser.add_argument("--skip-league", action="store_true")
    args = parser.parse_args()

    with PostgresCluster(durable=True) as cluster, tempfile.TemporaryDirectory() as folder:
        pg_url = cluster.create_database("bench")
        with psycopg.connect(pg_url, autocommit=True) as conn:
            migrate(conn)
            tokens = [auth.add_branch(conn, f"B{n:04d}", f"فرع {n}", f"Branch {n}") for n in range(args.branches)]
            auth.add_staff(conn, "bench", "a bench password")
            staff_token = auth.log_in(conn, "bench", "a bench password")
        started = time.perf_counter()
        logs = [branch_log(args.events, n, date(2026, 11, 1)) for n in range(args.branches)]
        prepared = [bodies(log) for log in logs]
        size = sum(len(b) for batches in prepared for b in batches)
        print(f"prepared {args.branches} × {args.events:,} events ({size / 1e6:.0f} MB of JSON) in {time.perf_counter() - started:.1f} s")
        central = LiveCentral(pg_url, Path(folder) / "central", refresh_seconds=60.0).start()
        try:
            postmaster = int((cluster.data / "postmaster.pid").read_text().splitlines()[0])
            sessions = {session_of(central.process.pid), session_of(postmaster)}
            cpu_before, load_before = group_cpu_seconds(sessions), os.getloadavg()[0]
            elapsed, latencies, held = asyncio.run(ingest_run(central.url, tokens, prepared))
            cpu = group_cpu_seconds(sessions) - cpu_before
            total = args.branches * args.events
            assert held == [args.events] * args.branches, "a branch's log was not fully held"
            print(f"ingest: {total:,} events from {args.branches} branches in {elapsed:.1f} s = {total / elapsed:,.0f} events/s "
                  f"(target ≥ 20,000/s); load average {load_before:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"CPU used by the central and PostgreSQL: {cpu:.1f} s = {total / cpu:,.0f} events per CPU-second "
                  f"(on {os.cpu_count()} idle cores ≈ {total / cpu * os.cpu_count():,.0f} events/s at most)")
            print(f"batch of {BATCH} latency: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
                  f"p90 {percentile(latencies, 0.9) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms")
            waited = time.perf_counter()
            while central.health()["summaries_pending"]:
                time.sleep(0.2)
            print(f"summaries caught up {time.perf_counter() - waited:.1f} s after the last batch")
            with psycopg.connect(pg_url) as conn:
                stored = conn.execute("SELECT count(*), count(DISTINCT (branch_id, seq)) FROM events").fetchone()
                sizes = {table: conn.execute(
                    "SELECT COALESCE(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = %s::regclass",
                    (table,)).fetchone()[0] for table in ("events", "entries")}
                entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            print(f"stored: {stored[0]:,} events, {stored[1]:,} distinct (branch, seq); on disk {sizes['events'] / stored[0]:.0f} "
                  f"bytes an event and {sizes['entries'] / max(1, entries):.0f} bytes an entry (tables and indexes)")
            if not args.skip_league:
                league_run(pg_url, central.url, args.league_branches, args.tickets, staff_token)
        finally:
            central.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
