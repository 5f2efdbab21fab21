"""Load on a real hub: 50 counters and 5 kiosks over HTTP, one WebSocket subscriber.

Prints ticket operations per second, request latency percentiles, the time from a call-next
answer to its `ticket.called` event at the subscriber (and from the press), duplicates found,
the store's own rate without HTTP, and the hub's peak memory.

The subscriber stands for a display board, its own machine in the hall: it runs in a process of
its own, so its figure is not the load clients' queue in a shared event loop (55 clients at
~3,000 requests/s keep that loop busy, and a subscriber inside it read each event only when its
turn came). Times are CLOCK_MONOTONIC (`time.monotonic`), shared by the processes.

    .venv/bin/python bench/hub_load.py [--seconds 15] [--counters 50] [--kiosks 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import commands  # noqa: E402
from core.config import parse_config  # noqa: E402
from core.models import Role  # noqa: E402
from core.security import hash_pin  # noqa: E402
from core.commands import open_store  # noqa: E402
from tests.support import LiveHub, demo_config_text  # noqa: E402
from bench.figures import main_thread_cpu_seconds, percentile, process_cpu_seconds  # noqa: E402


def centre_with_counters(count: int) -> str:
    """The demo centre with `count` universal counters, and no issuing limit."""
    # Caps and ranges wide enough for a benchmark's thousands of tickets per service.
    text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")
    head, _, rest = text.partition("[[counters]]")
    _, _, tail = rest.partition("[boards.hall]")
    counters = "".join(f'[[counters]]\nnumber = {n}\nservices = ["*"]\n\n' for n in range(1, count + 1))
    return head + counters + "[boards.hall]" + tail.replace("counters = [1, 2, 3, 4]", "counters = [1, 2]")


def hall_hub(folder: Path, config_text: str, clerks: int) -> LiveHub:
    """A hub subprocess for the centre of `config_text`, with clerks c1…cN (PIN 1111), started."""
    hub = LiveHub(folder, config_text=config_text)
    with open_store(hub.db_path, parse_config(config_text)) as store:
        pin = hash_pin("1111")
        for number in range(1, clerks + 1):
            store.call(commands.add_clerk, f"c{number}", Role.CLERK, pin)
    return hub.start()


def fmt_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"p50 {percentile(values, .5) * 1000:.1f} ms, p99 {percentile(values, .99) * 1000:.1f} ms (n={len(values)})"


class Run:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.ops = 0
        self.errors: dict[int, int] = {}
        self.answered_calls: dict[int, float] = {}
        self.pressed_calls: dict[int, float] = {}
        self.event_times: dict[int, float] = {}
        self.issued: list[str] = []
        self.called_ids: list[int] = []

    async def request(self, session: aiohttp.ClientSession, method: str, path: str, body=None):
        """(status, the answer parsed, when the request was sent, when its answer was read)."""
        started = time.monotonic()
        async with session.request(method, path, json=body) as response:
            payload = await response.read()
        finished = time.monotonic()
        self.latencies.append(finished - started)
        if response.status >= 400:
            self.errors[response.status] = self.errors.get(response.status, 0) + 1
        elif response.status != 204:  # "nobody waiting" changes nothing: not a ticket operation
            self.ops += 1
        return response.status, (json.loads(payload) if payload else None), started, finished


async def kiosk(run: Run, url: str, token: str, services: list[int], stop: float) -> None:
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"}) as session:
        index = 0
        while time.monotonic() < stop:
            status, ticket, _, _ = await run.request(session, "POST", "/api/v1/tickets", {"service_id": services[index % len(services)]})
            index += 1
            if status == 201:
                run.issued.append(f"{ticket['service_id']}:{ticket['number']}")


async def counter(run: Run, url: str, token: str, counter_id: int, stop: float) -> None:
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"}) as session:
        while time.monotonic() < stop:
            status, ticket, pressed, answered = await run.request(session, "POST", f"/api/v1/counters/{counter_id}/call-next")
            if status != 200:
                await asyncio.sleep(0.02)
                continue
            run.answered_calls[ticket["id"]] = answered
            run.pressed_calls[ticket["id"]] = pressed
            run.called_ids.append(ticket["id"])
            await run.request(session, "POST", f"/api/v1/tickets/{ticket['id']}/start")
            await run.request(session, "POST", f"/api/v1/tickets/{ticket['id']}/finish")


async def subscribe(ws_url: str, token: str, since: int, seconds: float, ready) -> dict[int, float]:
    """The board: when each `ticket.called` reached it, by ticket id, until `seconds` after the
    load began (`ready` is told once the socket is open; the load starts then)."""
    event_times: dict[int, float] = {}
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{ws_url}/api/v1/events?since={since}&token={token}") as socket:
            ready.send(time.monotonic())
            stop = ready.recv() + seconds
            while time.monotonic() < stop + 1:
                try:
                    message = await asyncio.wait_for(socket.receive(), timeout=1)
                except asyncio.TimeoutError:
                    continue
                at = time.monotonic()
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                event = json.loads(message.data)
                if event["type"] == "ticket.called":
                    event_times[event["ticket"]["id"]] = at
    return event_times


def subscriber_process(ws_url: str, token: str, since: int, seconds: float, pipe) -> None:
    """The subscriber's own process: its event times go back through `pipe` at the end."""
    pipe.send(asyncio.run(subscribe(ws_url, token, since, seconds, pipe)))


@dataclass
class Hall:
    """The enrolled devices and open clerk sessions a run drives (made once, reused by runs)."""

    display: str
    services: list[int]
    kiosk_tokens: list[str]
    sessions: list[tuple[str, int]]


async def prepare_hall(hub: LiveHub, counters: int, kiosks: int) -> Hall:
    async with aiohttp.ClientSession(hub.url) as setup:
        async def enroll(kind: str, name: str) -> str:
            async with setup.post("/api/v1/devices/enroll", json={"name": name, "kind": kind, "code": hub.enroll_code}) as r:
                return (await r.json())["token"]

        display = await enroll("display", "board")
        async with setup.get("/api/v1/state", headers={"Authorization": f"Bearer {display}"}) as r:
            state = await r.json()
        services = [s["id"] for s in state["services"]]
        counter_ids = {c["number"]: c["id"] for c in state["counters"]}
        kiosk_tokens = [await enroll("kiosk", f"kiosk-{n}") for n in range(kiosks)]
        sessions = []
        for number in range(1, counters + 1):
            device = await enroll("counter", f"counter-{number}")
            while True:
                async with setup.post(
                    "/api/v1/sessions",
                    json={"username": f"c{number}", "pin": "1111", "counter_id": counter_ids[number]},
                    headers={"Authorization": f"Bearer {device}"},
                ) as r:
                    answer = await r.json()
                    if r.status == 429:  # one address logs in a few clerks at a time; wait as asked
                        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                        continue
                    sessions.append((answer["token"], counter_ids[number]))
                    break
    return Hall(display, services, kiosk_tokens, sessions)


async def drive(hub: LiveHub, counters: int, kiosks: int, seconds: float, hall: Hall | None = None) -> Run:
    run = Run()
    if hall is None:
        hall = await prepare_hall(hub, counters, kiosks)
    async with aiohttp.ClientSession(hub.url) as setup:
        async with setup.get("/api/v1/state", headers={"Authorization": f"Bearer {hall.display}"}) as r:
            state = await r.json()
    ours, theirs = multiprocessing.Pipe()
    board = multiprocessing.get_context("spawn").Process(
        target=subscriber_process, args=(hub.ws_url, hall.display, state["seq"], seconds, theirs), daemon=True
    )
    board.start()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, ours.recv)  # its socket is open
    stop = time.monotonic() + seconds
    ours.send(time.monotonic())
    tasks = [kiosk(run, hub.url, token, hall.services, stop) for token in hall.kiosk_tokens]
    tasks += [counter(run, hub.url, token, counter_id, stop) for token, counter_id in hall.sessions]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    run.elapsed = time.monotonic() - started
    run.event_times = await loop.run_in_executor(None, ours.recv)
    board.join(10)
    return run


def peak_memory_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def store_rate(config_text: str, counters: int, seconds: float) -> float:
    """Ticket operations per second through the store alone (threads submitting, no HTTP)."""
    with tempfile.TemporaryDirectory() as folder:
        config = parse_config(config_text)
        with open_store(Path(folder) / "db.sqlite", config) as store:
            pin = hash_pin("1111")
            clerk_ids = [store.call(commands.add_clerk, f"s{n}", Role.CLERK, pin) for n in range(counters)]
            counter_ids = [store.catalogue.counters_by_number[n + 1].id for n in range(counters)]
            for clerk, counter_id in zip(clerk_ids, counter_ids):
                store.call(commands.record_login, f"s{clerk_ids.index(clerk)}", True, counter_id, None)
            services = list(store.catalogue.services)
            ops = [0]
            lock = threading.Lock()
            stop = time.perf_counter() + seconds

            def worker(n: int) -> None:
                done = 0
                counter_id, clerk = counter_ids[n], clerk_ids[n]
                while time.perf_counter() < stop:
                    store.call(commands.issue_ticket, services[n % len(services)])
                    ticket = store.call(commands.call_next, counter_id, clerk)
                    done += 2
                    if ticket:
                        store.call(commands.start, ticket["id"], counter_id)
                        store.call(commands.finish, ticket["id"], counter_id)
                        done += 2
                with lock:
                    ops[0] += done

            started = time.perf_counter()
            with ThreadPoolExecutor(counters) as pool:
                list(pool.map(worker, range(counters)))
            return ops[0] / (time.perf_counter() - started)


def answer_cost(config_text: str, waiting: int = 2000, rounds: int = 20) -> dict[str, tuple[float, ...]]:
    """Per big answer (`/state` of the hall, `/tickets` of 500 waiting): the read, `json.dumps` of
    its dicts, and the contract's check and write (hub/routes/common.encode), in ms (medians);
    and the mean time the service rows of one event take to build (core.views.service_rows)."""
    from core import contract, queries
    from core.models import Priority
    from core.views import service_rows
    from core.waiting_counts import waiting_counts
    from hub.routes.common import encode

    with tempfile.TemporaryDirectory() as folder:
        with open_store(Path(folder) / "db.sqlite", parse_config(config_text)) as store:
            services = list(store.catalogue.services)
            for n in range(waiting):
                store.call(commands.issue_ticket, services[n % len(services)], Priority.NORMAL, None)
            figures = {}
            for name, model, read in (
                ("GET /state", contract.State, lambda: queries.state_snapshot(store)),
                ("GET /tickets", list[contract.Ticket], lambda: queries.list_tickets(store, None, None, 500)),
            ):
                reads, dumps, checks = [], [], []
                for _ in range(rounds if name == "GET /state" else max(rounds // 4, 1)):
                    started = time.perf_counter()
                    data = read()
                    reads.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
                    dumps.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    encode(model, data)
                    checks.append(time.perf_counter() - started)
                figures[name] = tuple(1000 * percentile(values, 0.5) for values in (reads, dumps, checks))
            # What the event rows add to a write: one service's row, and all the services' (a universal
            # counter's event), built on the writer's connection with its kept waiting counts, as the
            # commands build them (core/waiting_counts.py).
            for name, ids in (("event row, one service", services[:1]), (f"event rows, {len(services)} services", services)):
                def build(tx, ids=ids) -> float:
                    started = time.perf_counter()
                    for _ in range(rounds * 10):
                        service_rows(tx.store, tx.conn, ids, waiting_now=lambda wanted: waiting_counts(tx.conn, wanted))
                    return time.perf_counter() - started

                figures[name] = (store.call(build) / (rounds * 10) * 1000,)
            return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--counters", type=int, default=50)
    parser.add_argument("--kiosks", type=int, default=5)
    args = parser.parse_args()

    config_text = centre_with_counters(args.counters)
    with tempfile.TemporaryDirectory() as folder:
        hub = hall_hub(Path(folder), config_text, args.counters)
        try:
            hall = asyncio.run(prepare_hall(hub, args.counters, args.kiosks))
            cpu_before, loop_before = process_cpu_seconds(hub.process.pid), main_thread_cpu_seconds(hub.process.pid)
            run = asyncio.run(drive(hub, args.counters, args.kiosks, args.seconds, hall))
            cpu_after, loop_after = process_cpu_seconds(hub.process.pid), main_thread_cpu_seconds(hub.process.pid)
            memory = peak_memory_kib(hub.process.pid)
        finally:
            hub.stop()
        with sqlite3.connect(hub.db_path) as db:
            duplicate_numbers = db.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE sequence IS NOT NULL "
                "GROUP BY service_id, business_day, number, sequence HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            frame_bytes = dict(db.execute(
                "SELECT substr(type, 1, instr(type, '.') - 1), AVG(LENGTH(CAST(payload AS BLOB))) FROM events GROUP BY 1"
            ).fetchall())
            called_twice = db.execute(
                "SELECT COUNT(*) FROM (SELECT ticket_id FROM events WHERE type = 'ticket.called' GROUP BY ticket_id HAVING COUNT(*) > 1)"
            ).fetchone()[0]
    duplicates = duplicate_numbers + called_twice + (len(run.issued) - len(set(run.issued))) + (len(run.called_ids) - len(set(run.called_ids)))
    call_to_event = [run.event_times[i] - t for i, t in run.answered_calls.items() if i in run.event_times]
    missing_events = len([i for i in run.answered_calls if i not in run.event_times])
    press_to_event = [run.event_times[i] - t for i, t in run.pressed_calls.items() if i in run.event_times]
    rate = store_rate(config_text, min(args.counters, 16), min(args.seconds, 5))
    costs = answer_cost(config_text)

    print(f"hub load: {args.counters} counters, {args.kiosks} kiosks, 1 WebSocket subscriber, {run.elapsed:.1f} s")
    print(f"  ticket operations through HTTP: {run.ops / run.elapsed:,.0f} /s ({run.ops} ok, errors by status: {run.errors or 'none'})")
    print(f"  tickets issued: {len(run.issued)}, called: {len(run.called_ids)}")
    print(f"  request latency: {fmt_ms(run.latencies)}")
    if cpu_before is not None and cpu_after is not None and run.ops:
        print(f"  hub CPU per ticket operation: {(cpu_after - cpu_before) * 1000 / run.ops:.2f} ms "
              f"({(cpu_after - cpu_before) / run.elapsed:.0%} of one core; little moved by the machine's other load)")
        if loop_before is not None and loop_after is not None:
            loop_ms = (loop_after - loop_before) * 1000 / run.ops
            print(f"    of which the event loop (HTTP, WebSockets, handlers) {loop_ms:.2f} ms, "
                  f"the writer and reader threads {(cpu_after - cpu_before) * 1000 / run.ops - loop_ms:.2f} ms")
    print(f"  call-next answer → ticket.called at subscriber: {fmt_ms(call_to_event)}; events missing: {missing_events}")
    print(f"  call-next pressed → ticket.called at subscriber: {fmt_ms(press_to_event)} "
          "(the request's way there and back is in it; the hub hands the event to the boards before it answers the clerk)")
    print(f"  duplicates found: {duplicates}")
    print(f"  store alone (no HTTP, 16 threads): {rate:,.0f} ops/s → HTTP keeps {run.ops / run.elapsed / rate:.0%} of it")
    print(f"  hub peak memory (VmHWM): {memory / 1024:.0f} MiB" if memory else "  hub peak memory: n/a")
    print("  event payload, mean bytes: " + ", ".join(f"{kind} {size:,.0f}" for kind, size in sorted(frame_bytes.items())))
    for name, figures in costs.items():
        if len(figures) == 1:
            print(f"  {name} built in the write, 2,000 waiting: {figures[0] * 1000:.0f} µs")
        else:
            read_ms, dumps_ms, contract_ms = figures
            print(f"  {name} with 2,000 waiting: read {read_ms:.1f} ms; json.dumps {dumps_ms:.2f} ms, contract check + write {contract_ms:.2f} ms")
    print("  targets: ≥ 2,167 ops/s through HTTP; call→event p99 ≤ 2.7 ms; 0 duplicates")
    return 0 if duplicates == 0 and missing_events == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
