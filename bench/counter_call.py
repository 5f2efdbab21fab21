"""Call-next latency at a counter while 50 other counters are busy.

Measures, on a real hub subprocess:

- press → shown: from clicking "Call next" in the counter window (offscreen Qt, a real
  HubClient) to the called ticket's number painted on the counter's ticket card;
- press → board: from the same click to the `ticket.called` event reaching a board client
  (a plain WebSocket client in its own thread);

while `--busy` other counters (threads in another process, plain HTTP) call, start and
finish visitors as fast as the hub lets them, and top their queues up from a kiosk.

The measured counter serves its own service, so every press finds a visitor; the busy
counters serve the other services.

    .venv/bin/python bench/counter_call.py [--calls 300] [--busy 50] [--think-ms 0]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from core import commands  # noqa: E402
from core.config import parse_config  # noqa: E402
from core.models import Role  # noqa: E402
from core.security import hash_pin  # noqa: E402
from core.commands import open_store  # noqa: E402
from tests.support import LiveHub, bearer, demo_config_text  # noqa: E402
from bench.figures import percentile  # noqa: E402

MEASURED_SERVICE = "F"
BUSY_SERVICES = ["A", "B", "C", "D", "E"]


def centre(busy: int) -> str:
    """The demo centre with `busy` counters on services A–E and one more counter on F alone."""
    text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")
    head, _, rest = text.partition("[[counters]]")
    _, _, tail = rest.partition("[boards.hall]")
    services = ", ".join(f'"{code}"' for code in BUSY_SERVICES)
    counters = "".join(f"[[counters]]\nnumber = {n}\nservices = [{services}]\n\n" for n in range(1, busy + 1))
    counters += f'[[counters]]\nnumber = {busy + 1}\nservices = ["{MEASURED_SERVICE}"]\n\n'
    return head + counters + "[boards.hall]" + tail.replace("counters = [1, 2, 3, 4]", f"counters = [{busy + 1}]")


def figures(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{name}: no samples"
    ms = [s * 1000 for s in seconds]
    return (
        f"{name}: p50 {percentile(ms, .5):.1f} ms, p99 {percentile(ms, .99):.1f} ms, "
        f"max {max(ms):.1f} ms (n={len(ms)})"
    )


# ── the busy hall (another process) ──────────────────────────────────────────────────────


def busy_counter(url: str, token: str, counter_id: int, kiosk: str, services: list[int], stop,
                 think: float, results: list) -> None:
    latencies: list[float] = []
    ops = 0
    with httpx.Client(base_url=url, timeout=30) as http:
        index = counter_id
        while not stop.is_set():
            started = time.perf_counter()
            answer = http.post(f"/api/v1/counters/{counter_id}/call-next", headers=bearer(token))
            latencies.append(time.perf_counter() - started)
            if answer.status_code == 204:
                for _ in range(5):  # the hall runs dry: a kiosk tops it up
                    index += 1
                    http.post("/api/v1/tickets", json={"service_id": services[index % len(services)]}, headers=bearer(kiosk))
                    ops += 1
                continue
            if answer.status_code != 200:
                time.sleep(0.05)
                continue
            ticket = answer.json()
            for step in ("start", "finish"):
                started = time.perf_counter()
                http.post(f"/api/v1/tickets/{ticket['id']}/{step}", headers=bearer(token))
                latencies.append(time.perf_counter() - started)
            ops += 3
            if think:
                time.sleep(think)
    results.append((ops, latencies))


def busy_hall(url: str, sessions: list[tuple[str, int]], kiosk: str, services: list[int], stop,
              think: float, out: multiprocessing.Queue) -> None:
    results: list = []
    threads = [
        threading.Thread(target=busy_counter, args=(url, token, counter_id, kiosk, services, stop, think, results))
        for token, counter_id in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ops = sum(r[0] for r in results)
    latencies = [value for r in results for value in r[1]]
    out.put((ops, latencies))


# ── the board client (a thread here) ─────────────────────────────────────────────────────


class Board(threading.Thread):
    """A plain WebSocket client that notes when each `ticket.called` of one counter arrives."""

    def __init__(self, ws_url: str, token: str, since: int, counter_number: int) -> None:
        super().__init__(daemon=True)
        self.url = f"{ws_url}/api/v1/events?since={since}&token={token}"
        self.counter_number = counter_number
        self.arrivals: dict[int, float] = {}
        self.stopping = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        from websockets.sync.client import connect

        with connect(self.url, max_size=2**22) as socket:
            self.ready.set()
            while not self.stopping.is_set():
                try:
                    text = socket.recv(timeout=0.5)
                except TimeoutError:
                    continue
                except Exception:  # the hub went away: the run is over
                    break
                event = json.loads(text)
                if event.get("type") == "ticket.called" and (event.get("counter") or {}).get("number") == self.counter_number:
                    self.arrivals[event["ticket"]["id"]] = time.perf_counter()


# ── the measured counter ─────────────────────────────────────────────────────────────────


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300, help="Call-next presses to measure (default 300).")
    parser.add_argument("--busy", type=int, default=50, help="Other counters working at the same time (default 50).")
    parser.add_argument("--think-ms", type=float, default=0, help="Pause of each busy counter between visitors (default 0: flat out).")
    parser.add_argument("--warmup", type=int, default=10, help="Presses before measuring (default 10).")
    args = parser.parse_args()
    if not 1 <= args.calls <= 100_000 or not 0 <= args.busy <= 500 or args.think_ms < 0:
        parser.error("calls 1–100000, busy 0–500, think-ms ≥ 0")

    from PySide6.QtCore import QEventLoop

    from counter_ui.app import build_counter_window
    from qt_common.app import create_app
    from qt_common.hub_client import HubClient

    measured_number = args.busy + 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        config_text = centre(args.busy)
        hub = LiveHub(work / "hub", config_text=config_text)
        with open_store(hub.db_path, parse_config(config_text)) as store:
            pin = hash_pin("1111")
            for number in range(1, measured_number + 1):
                store.call(commands.add_clerk, f"c{number}", Role.CLERK, pin)
        hub.start()
        try:
            kiosk = hub.enroll("kiosk", "bench-kiosk")
            display = hub.enroll("display", "bench-board")
            with httpx.Client(base_url=hub.url, timeout=30) as http:
                state = http.get("/api/v1/state", headers=bearer(display)).json()
                by_code = {s["code"]: s["id"] for s in state["services"]}
                counter_ids = {c["number"]: c["id"] for c in state["counters"]}
                for _ in range(args.calls + args.warmup + 5):
                    http.post("/api/v1/tickets", json={"service_id": by_code[MEASURED_SERVICE]}, headers=bearer(kiosk))
                busy_ids = [by_code[code] for code in BUSY_SERVICES]
                for index in range(args.busy * 4):
                    http.post("/api/v1/tickets", json={"service_id": busy_ids[index % len(busy_ids)]}, headers=bearer(kiosk))
                sessions = []
                for number in range(1, args.busy + 1):
                    device = hub.enroll("counter", f"busy-{number}")
                    answer = http.post(
                        "/api/v1/sessions",
                        json={"username": f"c{number}", "pin": "1111", "counter_id": counter_ids[number]},
                        headers=bearer(device),
                    )
                    answer.raise_for_status()
                    sessions.append((answer.json()["token"], counter_ids[number]))
                seq = http.get("/api/v1/health").json()["seq"]

            app = create_app(["bench"], lang="ar")
            client = HubClient(hub.url, device_name="bench-counter", kind="counter", enroll_code=hub.enroll_code,
                               config_dir=work / "config")
            window = build_counter_window(client, counter=measured_number, auto_login=(f"c{measured_number}", "1111"))
            window.resize(1280, 800)
            window.show()

            def spin_until(condition, timeout: float = 20.0) -> bool:
                deadline = time.perf_counter() + timeout
                while not condition():
                    if time.perf_counter() > deadline:
                        return False
                    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
                    time.sleep(0.0005)
                return True

            if not spin_until(lambda: window.model.logged_in and client.online):
                print("the counter could not log in", file=sys.stderr)
                return 1

            board = Board(hub.ws_url, display, seq, measured_number)
            board.start()
            board.ready.wait(10)

            context = multiprocessing.get_context("spawn")
            load_out = context.Queue()
            stop_load = context.Event()
            loader = context.Process(
                target=busy_hall, args=(hub.url, sessions, kiosk, busy_ids, stop_load, args.think_ms / 1000, load_out)
            )
            if args.busy:
                loader.start()
                time.sleep(2.0)  # let the busy counters get going
            load_started = time.time()

            shown: list[float] = []
            to_board: list[float] = []
            missing_board = 0
            card = window.ticket_card
            painted_at: dict[int, float] = {}

            def on_ticket(ticket) -> None:
                # Connected after the card: its label already holds the number; paint it now.
                if ticket is not None and ticket.status == "called":
                    card.number.repaint()
                    painted_at[ticket.id] = time.perf_counter()

            window.model.ticket_changed.connect(on_ticket)
            for press in range(args.calls + args.warmup):
                if not spin_until(lambda: window.actions.call_next.isEnabled()):
                    m = window.model
                    print("Call next stayed disabled:", m.busy, m.status, m.logged_in, client.online, m.ticket_status, m.last_error, file=sys.stderr)
                    break
                before = set(painted_at)
                pressed = time.perf_counter()
                window.actions.call_next.click()
                if not spin_until(lambda: set(painted_at) - before):
                    print("a call was not shown:", window.model.last_error, window.model.last_message, file=sys.stderr)
                    break
                ticket_id = next(iter(set(painted_at) - before))
                assert card.number.number == window.model.ticket["number"]
                arrived = spin_until(lambda: ticket_id in board.arrivals, timeout=5)
                if press >= args.warmup:
                    shown.append(painted_at[ticket_id] - pressed)
                    if arrived:
                        to_board.append(board.arrivals[ticket_id] - pressed)
                    else:
                        missing_board += 1
                # The event may show the ticket before the answer arrives; Start is offered once it has.
                spin_until(lambda: window.actions.start.isEnabled())
                window.actions.start.click()
                if not spin_until(lambda: window.model.ticket is not None and window.model.ticket.get("status") == "serving"):
                    print("Start was not taken:", window.model.last_error, file=sys.stderr)
                    break
            measured_for = time.time() - load_started

            busy_ops, busy_latencies = 0, []
            if args.busy:
                stop_load.set()
                busy_ops, busy_latencies = load_out.get(timeout=120)
                loader.join(timeout=60)
            board.stopping.set()
            board.join(timeout=5)
            client.stop()
            window.close()

            print(f"counter_call: 1 measured counter, {args.busy} busy counters (think {args.think_ms:g} ms), "
                  f"{len(shown)} presses on {os.cpu_count()} CPUs")
            print(figures("press → ticket shown at the counter", shown))
            print(figures("press → ticket.called at a board client", to_board)
                  + (f"; {missing_board} events missing" if missing_board else ""))
            if args.busy:
                print(f"busy hall: {busy_ops / (measured_for + 2.0):.0f} ticket operations/s, "
                      + figures("request latency", busy_latencies).split(": ", 1)[1])
            target_met = bool(shown) and percentile(shown, .99) < 0.1 and bool(to_board) and percentile(to_board, .99) < 0.1
            print(f"target p99 < 100 ms: {'met' if target_met else 'NOT met'}")
        finally:
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
