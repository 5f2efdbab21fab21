"""The hall's ticket traffic with and without an attacker beside it, on one real hub.

The hall: counters calling, starting and finishing, kiosks issuing (as bench/hub_load.py),
measured alone and beside the attacker, in alternated rounds (the ratio uses the medians,
since other work on the machine drifts).
The attacker, in processes of their own and from another address (127.0.0.2: another machine
on the LAN, as far as the hub can tell), at the same time:
- a login flood: wrong PINs for the supervisor's name, as fast as the hub answers, from a
  counter device (`POST /sessions`) and a display (`POST /supervisor/check-pin`);
- 1,000 idle WebSockets from one display token, kept open, the refused ones retried each second;
- 10 slow-header clients, each sending a never-ending header a little at a time, and
  reconnecting whenever the hub cuts them off.

Prints ticket operations per second and the request latency p99 of the hall, without and with
the attacker, and their ratio (the target: at least 0.8), plus what the attacker got. To show
where a lost ratio goes, each run also gives the hub's CPU per ticket op and the cores the hub,
the hall's clients and the whole machine were busy; the attacker's own CPU; and what the
attack alone costs the hub (it runs on for a moment after each attacked run, the hall idle).
When the machine is near all its cores busy, the processes are contending for them.

    .venv/bin/python bench/hub_abuse.py [--seconds 15] [--counters 20] [--kiosks 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import machine_busy_seconds, percentile, process_cpu_seconds as hub_cpu_seconds  # noqa: E402
from bench.hub_load import Hall, centre_with_counters, drive, hall_hub, prepare_hall  # noqa: E402
from tests.support import LiveHub  # noqa: E402

SUPERVISOR = "super"  # the test clerks' supervisor; the flood guesses their PIN
IDLE_SOCKETS = 1000
SLOW_CLIENTS = 10
FLOOD_CONNECTIONS = 4
ALONE_SECONDS = 2  # after each attacked run, the attacker goes on alone this long: its own cost to the hub


# ── the attacker (its own process) ───────────────────────────────────────────────────────


ATTACKER_ADDRESS = "127.0.0.2"  # another machine on the LAN, as far as the hub can tell (Linux loopback)


def _connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=0, local_addr=(ATTACKER_ADDRESS, 0))


async def _login_flood(url: str, token: str, counter_id: int, stop: float, tally: dict) -> None:
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"}, connector=_connector()) as session:
        guess = 0
        while time.monotonic() < stop:
            guess += 1
            body = {"username": SUPERVISOR, "pin": f"{guess % 10000:04d}", "counter_id": counter_id}
            try:
                async with session.post("/api/v1/sessions", json=body) as answer:
                    await answer.read()
                    tally[answer.status] = tally.get(answer.status, 0) + 1
                    if answer.status == 201:
                        tally["logged_in"] = tally.get("logged_in", 0) + 1
            except aiohttp.ClientError:
                tally["error"] = tally.get("error", 0) + 1


async def _pin_flood(url: str, token: str, stop: float, tally: dict) -> None:
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"}, connector=_connector()) as session:
        guess = 0
        while time.monotonic() < stop:
            guess += 1
            try:
                async with session.post("/api/v1/supervisor/check-pin", json={"pin": f"{guess % 10000:04d}"}) as answer:
                    await answer.read()
                    tally[answer.status] = tally.get(answer.status, 0) + 1
            except aiohttp.ClientError:
                tally["error"] = tally.get("error", 0) + 1


async def _idle_sockets(ws_url: str, token: str, stop: float, tally: dict) -> None:
    """Keep IDLE_SOCKETS open (sending nothing, reading what comes); reopen the closed ones each second."""
    open_now: set[asyncio.Task] = set()

    async def hold(session: aiohttp.ClientSession, since: int) -> None:
        try:
            ws = await session.ws_connect(f"{ws_url}/api/v1/events?since={since}&token={token}")
        except (aiohttp.ClientError, asyncio.TimeoutError):
            tally["ws_failed"] = tally.get("ws_failed", 0) + 1
            return
        tally["ws_opened"] = tally.get("ws_opened", 0) + 1
        try:
            while time.monotonic() < stop:
                message = await ws.receive()
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    key = f"ws_closed_{ws.close_code}"
                    tally[key] = tally.get(key, 0) + 1
                    return
        finally:
            if not ws.closed:
                await ws.close()

    async with aiohttp.ClientSession(connector=_connector()) as session:
        headers = {"Authorization": f"Bearer {token}"}
        http = ws_url.replace("ws", "http", 1)
        since = 0
        while time.monotonic() < stop:
            try:
                async with session.get(f"{http}/api/v1/state", headers=headers) as answer:
                    since = json.loads(await answer.read())["seq"]
            except (aiohttp.ClientError, ValueError, KeyError):
                tally["state_failed"] = tally.get("state_failed", 0) + 1  # cut off with the rest of the flood
            for _ in range(IDLE_SOCKETS - len(open_now)):
                task = asyncio.create_task(hold(session, since))
                open_now.add(task)
                task.add_done_callback(open_now.discard)
            await asyncio.sleep(1)
            tally["ws_open_at_last_look"] = len(open_now)
        for task in list(open_now):
            task.cancel()
        await asyncio.gather(*open_now, return_exceptions=True)


async def _slow_header(host: str, port: int, stop: float, tally: dict) -> None:
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=(ATTACKER_ADDRESS, 0))
        except OSError:
            await asyncio.sleep(1)
            continue
        tally["slow_connections"] = tally.get("slow_connections", 0) + 1
        try:
            writer.write(b"GET /api/v1/health HTTP/1.1\r\nHost: hub\r\nX-Slow: ")
            while time.monotonic() < stop and not reader.at_eof():
                writer.write(b"a" * 64)
                await writer.drain()
                try:
                    if await asyncio.wait_for(reader.read(1024), timeout=1):
                        tally["slow_cut_off"] = tally.get("slow_cut_off", 0) + 1
                        break
                except asyncio.TimeoutError:
                    pass
        except OSError:
            tally["slow_cut_off"] = tally.get("slow_cut_off", 0) + 1
        finally:
            writer.close()


async def _flood(url: str, tokens: dict, counter_id: int, seconds: float) -> dict:
    stop = time.monotonic() + seconds
    login, pins = {}, {}
    tasks = [_login_flood(url, tokens["counter"], counter_id, stop, login) for _ in range(FLOOD_CONNECTIONS)]
    tasks += [_pin_flood(url, tokens["display"], stop, pins) for _ in range(FLOOD_CONNECTIONS)]
    await asyncio.gather(*tasks)
    return {"login": login, "check_pin": pins}


async def _sockets(ws_url: str, token: str, seconds: float) -> dict:
    tally: dict = {}
    await _idle_sockets(ws_url, token, time.monotonic() + seconds, tally)
    return {"sockets": tally}


async def _slow(host: str, port: int, seconds: float) -> dict:
    stop = time.monotonic() + seconds
    tally: dict = {}
    await asyncio.gather(*(_slow_header(host, port, stop, tally) for _ in range(SLOW_CLIENTS)))
    return {"slow_headers": tally}


def attacker(part: str, args: tuple, results) -> None:
    """One part of the attack in a process of its own, so no part slows another down.

    The attacker stands for another machine: on this one it runs at a lower priority, so its
    own CPU (a tight loop of refused requests) is not taken from the hub and the hall."""
    if hasattr(os, "nice"):
        os.nice(10)
    work = {"flood": _flood, "sockets": _sockets, "slow": _slow}[part]
    tallies = asyncio.run(work(*args))
    tallies["attacker_cpu_seconds"] = {part: own_cpu_seconds()}
    results.put(tallies)


def own_cpu_seconds() -> float:
    """User + system CPU this process has used: the attacker's own share of the shared cores."""
    times = os.times()
    return times.user + times.system


# ── the run ──────────────────────────────────────────────────────────────────────────────


def hall_figures(run) -> tuple[float, float, dict]:
    return run.ops / run.elapsed, percentile(run.latencies, 0.99), run.errors


async def enroll(url: str, code: str, kind: str, name: str) -> str:
    async with aiohttp.ClientSession(url) as session:
        async with session.post("/api/v1/devices/enroll", json={"name": name, "kind": kind, "code": code}) as answer:
            return (await answer.json())["token"]


async def first_counter_id(url: str, token: str) -> int:
    async with aiohttp.ClientSession(url, headers={"Authorization": f"Bearer {token}"}) as session:
        async with session.get("/api/v1/state") as answer:
            state = json.loads(await answer.read())
    return state["counters"][-1]["id"]


class Window:
    """One measured run of the hall: its ops/s, request p99, the hub's CPU per ticket op, and who
    else used the machine's cores meanwhile (the hub, the hall's own clients, everything)."""

    def __init__(self, hub: LiveHub, args: argparse.Namespace, hall: Hall) -> None:
        cpu_before, clients_before, busy_before = hub_cpu_seconds(hub.process.pid), own_cpu_seconds(), machine_busy_seconds()
        started = time.monotonic()
        run = asyncio.run(drive(hub, args.counters, args.kiosks, args.seconds, hall))
        wall = time.monotonic() - started
        cpu_after, clients_after, busy_after = hub_cpu_seconds(hub.process.pid), own_cpu_seconds(), machine_busy_seconds()
        self.rate, self.p99, self.errors = hall_figures(run)
        self.ops = run.ops
        measured = cpu_before is not None and cpu_after is not None
        self.cpu_ms_per_op = (cpu_after - cpu_before) * 1000 / run.ops if measured and run.ops else None
        self.hub_cores = (cpu_after - cpu_before) / wall if measured else None
        self.client_cores = (clients_after - clients_before) / wall  # this process drives the hall
        self.busy_cores = (busy_after - busy_before) / wall if busy_before is not None and busy_after is not None else None

    def line(self) -> str:
        cpu = f", hub CPU {self.cpu_ms_per_op:.2f} ms/op" if self.cpu_ms_per_op is not None else ""
        cores = f"hub {self.hub_cores:.2f}, " if self.hub_cores is not None else ""
        busy = f", machine {self.busy_cores:.2f} of {os.cpu_count()}" if self.busy_cores is not None else ""
        return (f"{self.rate:,.0f} ticket ops/s, request p99 {self.p99 * 1000:.1f} ms{cpu}, errors {self.errors or 'none'}; "
                f"cores: {cores}hall's clients {self.client_cores:.2f}{busy}")


def attack_alone(hub: LiveHub, seconds: float) -> float | None:
    """The hub's CPU (in cores) over `seconds` while only the attacker is at it (the hall idle)."""
    before, started = hub_cpu_seconds(hub.process.pid), time.monotonic()
    time.sleep(seconds)
    after = hub_cpu_seconds(hub.process.pid)
    return (after - before) / (time.monotonic() - started) if before is not None and after is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="quiet/attacked pairs, alternated (the machine's other load drifts)")
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--kiosks", type=int, default=5)
    parser.add_argument(
        "--only", choices=["flood", "sockets", "slow"], action="append",
        help="run only these parts of the attack (to find which one costs the hall); default: all",
    )
    args = parser.parse_args()

    config_text = centre_with_counters(args.counters + 1)  # one more counter: the attacker's
    quiet: list[Window] = []
    attacked: list[Window] = []
    attack: dict = {}
    attack_seconds = 0.0
    alone_cost: list[float | None] = []
    with tempfile.TemporaryDirectory() as folder:
        hub = hall_hub(Path(folder), config_text, args.counters)
        try:
            tokens = {
                "counter": asyncio.run(enroll(hub.url, hub.enroll_code, "counter", "attacker-counter")),
                "display": asyncio.run(enroll(hub.url, hub.enroll_code, "display", "attacker-display")),
            }
            counter_id = asyncio.run(first_counter_id(hub.url, tokens["display"]))
            spawn = multiprocessing.get_context("spawn")
            hall = asyncio.run(prepare_hall(hub, args.counters, args.kiosks))
            for _ in range(args.rounds):
                quiet.append(Window(hub, args, hall))
                results = spawn.Queue()
                length = args.seconds + 4 + ALONE_SECONDS
                parts = {
                    "flood": (hub.url, tokens, counter_id, length),
                    "sockets": (hub.ws_url, tokens["display"], length),
                    "slow": ("127.0.0.1", hub.port, length),
                }
                parts = {part: arguments for part, arguments in parts.items() if not args.only or part in args.only}
                processes = [spawn.Process(target=attacker, args=(part, arguments, results)) for part, arguments in parts.items()]
                for process in processes:
                    process.start()
                time.sleep(3)  # the sockets open and the flood is at full speed before the hall is measured
                attacked.append(Window(hub, args, hall))
                alone_cost.append(attack_alone(hub, ALONE_SECONDS))
                for _ in processes:
                    for key, tally in results.get(timeout=args.seconds + 60).items():
                        total = attack.setdefault(key, {})
                        for name, count in tally.items():
                            total[name] = total.get(name, 0) + count
                attack_seconds += length
                for process in processes:
                    process.join(timeout=30)
        finally:
            hub.stop()

    def median(values: list[float]) -> float:
        return statistics.median(values)

    print(f"hub under abuse: {args.counters} counters and {args.kiosks} kiosks; {args.rounds} rounds of {args.seconds:.0f} s alone, "
          f"then {args.seconds:.0f} s beside the attacker ({', '.join(args.only or ['flood', 'sockets', 'slow'])})")
    for index, (alone, beside) in enumerate(zip(quiet, attacked), 1):
        print(f"  round {index} without attacker: {alone.line()}")
        print(f"  round {index} with attacker:    {beside.line()}")
    quiet_rate, attacked_rate = median([w.rate for w in quiet]), median([w.rate for w in attacked])
    quiet_p99, attacked_p99 = median([w.p99 for w in quiet]), median([w.p99 for w in attacked])
    ratio = attacked_rate / quiet_rate if quiet_rate else 0.0
    print(f"  median ops/s: {quiet_rate:,.0f} without, {attacked_rate:,.0f} with → ratio {ratio:.2f}   target ≥ 0.80")
    print(f"  median request p99: {quiet_p99 * 1000:.1f} ms without, {attacked_p99 * 1000:.1f} ms with → ×{attacked_p99 / quiet_p99:.2f}")
    cpu_quiet = [w.cpu_ms_per_op for w in quiet if w.cpu_ms_per_op is not None]
    cpu_attacked = [w.cpu_ms_per_op for w in attacked if w.cpu_ms_per_op is not None]
    if cpu_quiet and cpu_attacked:
        print(f"  median hub CPU per ticket op: {median(cpu_quiet):.2f} ms without, {median(cpu_attacked):.2f} ms with "
              "(what the attack costs the hub itself, whatever else the machine runs)")
    alone = [cost for cost in alone_cost if cost is not None]
    if alone:
        print(f"  the attack alone (after each attacked run, the hall idle) took the hub {median(alone):.3f} cores: "
              f"{median(alone) * 1000 / attacked_rate if attacked_rate else 0:.3f} ms per op at the attacked rate; "
              "the rest of the per-op rise is the hall's own work done dearer beside it")
    busy_quiet = [w.busy_cores for w in quiet if w.busy_cores is not None]
    busy_attacked = [w.busy_cores for w in attacked if w.busy_cores is not None]
    if busy_quiet and busy_attacked:
        cores = os.cpu_count() or 1
        shared = max(median(busy_quiet), median(busy_attacked)) >= 0.9 * cores
        print(f"  median machine busy: {median(busy_quiet):.2f} of {cores} cores without, {median(busy_attacked):.2f} with "
              + ("(near all of them: the hub, its clients and the attacker, or other work, share the cores)" if shared
                 else "(cores to spare: no contention between the processes)"))
    cpu = attack.get("attacker_cpu_seconds") or {}
    if cpu and attack_seconds:
        shares = ", ".join(f"{part} {seconds / attack_seconds:.2f}" for part, seconds in sorted(cpu.items()))
        print(f"  attacker's own CPU on this machine: {sum(cpu.values()) / attack_seconds:.2f} cores while it ran ({shares}); "
              f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"  attacker: login flood {attack.get('login')}, check-pin flood {attack.get('check_pin')}")
    print(f"            idle sockets {attack.get('sockets')}, slow headers {attack.get('slow_headers')}")
    return 0 if ratio >= 0.8 and not (attack.get("login") or {}).get("logged_in") else 1


if __name__ == "__main__":
    sys.exit(main())
