"""Call-next latency against the length of the queue: 20, 200, 1,000 and 2,000 waiting.

For each queue length a real hub subprocess serves one counter whose services hold that many
waiting tickets (one in ten a priority ticket, one in twenty an appointment ticket for a later
slot); the hubs run side by side and take turns, so the machine's load falls on every length
alike. Each round issues one ticket, so the queue stays at its length, then times
`POST /counters/{id}/call-next` from request to answer, then starts and finishes the called visitor
(not timed). It also times the call-next command inside the writer alone (the queries, the rule
and the ticket's update, without HTTP and the commit), on stores of their own with the same
queues, again taking turns.

Prints p50/p99 per queue length, each hub's CPU per round, and the ratios of 2,000 to 20 waiting
(the target: ≤ 1.2×).

    .venv/bin/python bench/call_next_scale.py [--rounds 200] [--sizes 20,200,1000,2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.figures import percentile, process_cpu_seconds  # noqa: E402
from core import commands  # noqa: E402
from core.config import parse_config  # noqa: E402
from core.models import Priority  # noqa: E402
from core.store import Tx  # noqa: E402
from tests.support import CLERKS, LiveHub, bearer, demo_config_text  # noqa: E402

COUNTER = 1


def centre() -> str:
    return demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")


def fill(tx: Tx, service_ids: list[int], waiting: int) -> None:
    """`waiting` tickets spread over the counter's services, every tenth a priority one and every
    twentieth an appointment ticket checked in for a slot later in the day (so each service's
    three queue fronts are asked for, and walk-ins are still the ones called)."""
    for index in range(waiting):
        service_id = service_ids[index % len(service_ids)]
        if index % 20 == 19:
            commands.issue_ticket(tx, service_id, Priority.APPOINTMENT, slot_start=tx.now + 6 * 3600 + index)
            continue
        priority = Priority.ELDERLY if index % 10 == 9 else Priority.NORMAL
        commands.issue_ticket(tx, service_id, priority)


def ms(values: list[float]) -> tuple[float, float]:
    return percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000


class Hall:
    """One hub subprocess whose counter has `waiting` people in its queue."""

    def __init__(self, work: Path, config_text: str, waiting: int) -> None:
        self.waiting = waiting
        self.hub = LiveHub(work / f"hub-{waiting}", config_text=config_text)
        with commands.open_store(self.hub.db_path, parse_config(config_text)) as store:
            self.services = store.catalogue.counters_by_number[COUNTER].service_ids
            store.call(fill, self.services, waiting)
        self.hub.start()
        self.kiosk = self.hub.enroll("kiosk", "bench-kiosk")
        self.token, self.counter_id = self.hub.login(COUNTER, "clerk1", CLERKS["clerk1"][0])
        self.http = httpx.Client(base_url=f"{self.hub.url}/api/v1", timeout=30)
        self.rounds = 0

    def round(self) -> float:
        """Issue one (the queue stays at its length), time the call, then serve the visitor."""
        service = self.services[self.rounds % len(self.services)]
        self.rounds += 1
        self.http.post("/tickets", json={"service_id": service}, headers=bearer(self.kiosk)).raise_for_status()
        began = time.perf_counter()
        called = self.http.post(f"/counters/{self.counter_id}/call-next", headers=bearer(self.token))
        took = time.perf_counter() - began
        called.raise_for_status()
        ticket = called.json()["id"]
        self.http.post(f"/tickets/{ticket}/start", headers=bearer(self.token)).raise_for_status()
        self.http.post(f"/tickets/{ticket}/finish", headers=bearer(self.token)).raise_for_status()
        return took

    def close(self) -> None:
        self.http.close()
        self.hub.stop()


def over_http(work: Path, config_text: str, sizes: list[int], rounds: int) -> tuple[dict[int, list[float]], dict[int, float]]:
    """Every queue length's hub runs at once and the rounds take turns, so a busy moment on
    the machine falls on every length alike rather than on whichever ran then. Also each hub's
    CPU per measured round (issue, call, start, finish), in ms: what the machine's load moves
    far less than the wall figures."""
    halls: list[Hall] = []
    try:
        for waiting in sizes:
            halls.append(Hall(work, config_text, waiting))
        seconds: dict[int, list[float]] = {waiting: [] for waiting in sizes}
        cpu: dict[int, float] = {}
        for index in range(rounds + rounds // 10):
            if index == rounds // 10:  # the first tenth warms the hubs up
                cpu = {hall.waiting: process_cpu_seconds(hall.hub.process.pid) or 0.0 for hall in halls}
            turn = halls[index % len(halls):] + halls[: index % len(halls)]
            for hall in turn:
                took = hall.round()
                if index >= rounds // 10:
                    seconds[hall.waiting].append(took)
        cpu_ms = {hall.waiting: ((process_cpu_seconds(hall.hub.process.pid) or 0.0) - cpu[hall.waiting]) * 1000 / rounds for hall in halls}
        return seconds, cpu_ms
    finally:
        for hall in halls:
            hall.close()


def in_the_writer(work: Path, config_text: str, sizes: list[int], rounds: int) -> dict[int, list[float]]:
    """The call-next command alone, timed inside the writer, one store per queue length taking turns."""
    seconds: dict[int, list[float]] = {waiting: [] for waiting in sizes}

    def timed_call(tx: Tx, counter_id: int, waiting: int, kept: bool) -> dict:
        began = time.perf_counter()
        ticket = commands.call_next(tx, counter_id, None)
        if kept:
            seconds[waiting].append(time.perf_counter() - began)
        return ticket

    stores = []
    try:
        for waiting in sizes:
            store = commands.open_store(work / f"writer-{waiting}.sqlite", parse_config(config_text), synchronous="NORMAL")
            stores.append((waiting, store))
            counter_id = store.catalogue.counters_by_number[COUNTER].id
            store.call(commands.add_clerk, "bench", CLERKS["clerk1"][1], "x")
            store.call(commands.record_login, "bench", True, counter_id, None)
            store.call(fill, store.catalogue.counters_by_number[COUNTER].service_ids, waiting)
        for index in range(rounds + rounds // 10):
            for waiting, store in stores[index % len(stores):] + stores[: index % len(stores)]:
                counter = store.catalogue.counters_by_number[COUNTER]
                store.call(commands.issue_ticket, counter.service_ids[index % len(counter.service_ids)])
                ticket = store.call(timed_call, counter.id, waiting, index >= rounds // 10)
                store.call(commands.start, ticket["id"], counter.id)
                store.call(commands.finish, ticket["id"], counter.id)
    finally:
        for _, store in stores:
            store.close()
    return seconds


def cpu_ms_ratio(cpu_ms: dict[int, float], high: int, low: int) -> str:
    return f"{cpu_ms[high] / cpu_ms[low]:.2f}x" if cpu_ms.get(low) else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--sizes", default="20,200,1000,2000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if not 10 <= args.rounds <= 10_000 or not sizes or min(sizes) < 1 or max(sizes) > 50_000:
        parser.error("rounds 10–10000, sizes 1–50000")
    config_text = centre()
    http_figures: dict[int, tuple[float, float]] = {}
    cpu_ms: dict[int, float] = {}
    writer_figures: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        answers, cpu_ms = over_http(work, config_text, sizes, args.rounds)
        commands_alone = in_the_writer(work, config_text, sizes, args.rounds)
        for waiting in sizes:
            http_figures[waiting] = ms(answers[waiting])
            writer_figures[waiting] = ms(commands_alone[waiting])
            print(
                f"{waiting:>6} waiting: call-next answer p50 {http_figures[waiting][0]:.2f} ms, p99 {http_figures[waiting][1]:.2f} ms;"
                f" in the writer p50 {writer_figures[waiting][0]:.3f} ms, p99 {writer_figures[waiting][1]:.3f} ms;"
                f" hub CPU per round (issue, call, start, finish) {cpu_ms[waiting]:.2f} ms",
                flush=True,
            )
    low, high = min(sizes), max(sizes)
    print(
        f"ratio {high} vs {low} waiting: answer p50 {http_figures[high][0] / http_figures[low][0]:.2f}x "
        f"(p99 {http_figures[high][1] / http_figures[low][1]:.2f}x), in the writer p50 "
        f"{writer_figures[high][0] / writer_figures[low][0]:.2f}x, hub CPU per round {cpu_ms_ratio(cpu_ms, high, low)}; target <= 1.2x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
