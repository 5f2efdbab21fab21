"""A realistic working day driven against a running hub over its HTTP API.

Visitors arrive as a Poisson process whose rate follows a service hall's day: a morning peak
after opening, a smaller one after the midday prayer. Each takes a ticket for a service chosen
by how busy that service usually is; some are elderly, disabled or pregnant and get priority.
Clerks at the chosen counters call the next visitor, wait for them to come, serve them for a
time drawn from a log-normal distribution around the service's average, sometimes record a
no-show (after one recall) or transfer the visitor to another service, and pause for the
midday prayer.

`--speed X` runs the day X times faster than the wall clock. The hub stamps real times, so the
durations it measures are the simulated ones divided by X; the counts and shares are those of
the simulated day.

Only the hub's public API is used, so a simulation exercises exactly what kiosks and counters
do, and boards and supervisors can watch it live.
"""

from __future__ import annotations

import json
import math
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from core.errors import BilingualError

OPENING_HOUR = 7.5  # 07:30, the usual opening of a Saudi government service centre
PRIORITY_MIX = (("elderly", 0.05), ("disabled", 0.02), ("pregnant", 0.01))
PRAYER_HOUR = 12.0  # Dhuhr, roughly; clerks take turns to pause for it
PRAYER_MINUTES = 15
COME_TO_COUNTER_SECONDS = 40.0  # a called visitor's walk to the counter, simulated seconds
NO_SHOW_WAIT_SECONDS = 90.0  # how long a clerk waits (with one recall) before a no-show


class SimulationError(BilingualError, Exception):
    """The simulation could not start or the hub refused it; the message says what to fix."""


@dataclass(frozen=True)
class Plan:
    """What to simulate. Shares are of all visitors; hours are of the simulated day."""

    visitors_per_hour: float
    counters: int
    speed: float = 60.0
    hours: float = 7.0
    no_show_share: float = 0.05
    transfer_share: float = 0.04
    seed: int | None = None
    clerk_prefix: str = "sim"
    clerk_pin: str = "2468"
    enroll_code: str | None = None
    # Enrolling the simulator's admin device needs a supervisor's name and PIN (the demo's by default).
    supervisor: str = "demo"
    supervisor_pin: str = "1234"
    # A database with real tickets is refused unless this is set (`--into-real-database`).
    into_real_database: bool = False

    def __post_init__(self) -> None:
        if not (0 < self.visitors_per_hour <= 5000):
            raise SimulationError(
                "--visitors-per-hour must be more than 0 and at most 5000",
                "يجب أن يكون \u2066--visitors-per-hour\u2069 أكبر من 0 وألا يتجاوز 5000",
            )
        if not (1 <= self.counters <= 200):
            raise SimulationError("--counters must be between 1 and 200", "يجب أن يكون \u2066--counters\u2069 بين 1 و200")
        if not (0.1 <= self.speed <= 10_000):
            raise SimulationError("--speed must be between 0.1 and 10000", "يجب أن يكون \u2066--speed\u2069 بين 0.1 و10000")
        if not (0 < self.hours <= 24):
            raise SimulationError(
                "--hours must be more than 0 and at most 24", "يجب أن يكون \u2066--hours\u2069 أكبر من 0 وألا يتجاوز 24"
            )
        for name in ("no_show_share", "transfer_share"):
            if not 0 <= getattr(self, name) < 1:
                option = name.replace("_", "-")
                raise SimulationError(
                    f"--{option} must be at least 0 and below 1", f"يجب أن يكون \u2066--{option}\u2069 بين 0 وأقل من 1"
                )


def arrival_shape(hour_of_day: float) -> float:
    """Relative arrival rate at a time of day: a peak mid-morning and a smaller one after Dhuhr."""
    morning = 1.6 * math.exp(-((hour_of_day - 9.5) ** 2) / (2 * 0.9**2))
    afternoon = 0.6 * math.exp(-((hour_of_day - 12.75) ** 2) / (2 * 0.7**2))
    return 0.35 + morning + afternoon


def arrival_times(plan: Plan, rng: random.Random) -> list[float]:
    """Arrival instants in simulated seconds after opening (non-homogeneous Poisson, by thinning)."""
    steps = 200
    shape = [arrival_shape(OPENING_HOUR + plan.hours * (i + 0.5) / steps) for i in range(steps)]
    mean_shape = sum(shape) / steps
    peak_shape = max(shape)
    rate_per_second = plan.visitors_per_hour / 3600.0 / mean_shape  # so the day's mean is as asked
    bound = rate_per_second * peak_shape * 1.05
    end = plan.hours * 3600.0
    times: list[float] = []
    t = 0.0
    while True:
        t += rng.expovariate(bound)
        if t >= end:
            return times
        if rng.random() * bound <= rate_per_second * arrival_shape(OPENING_HOUR + t / 3600.0):
            times.append(t)


def service_weights(count: int) -> list[float]:
    """How often each service is asked for: the first services of a centre are usually the busiest."""
    return [1.0 / (index + 1) ** 0.7 for index in range(count)]


def service_seconds(mean: float, rng: random.Random) -> float:
    """A service time drawn from a log-normal with the given mean (spread: half the mean)."""
    sigma = 0.5
    mu = math.log(max(mean, 1.0)) - sigma**2 / 2
    return rng.lognormvariate(mu, sigma)


def draw_priority(rng: random.Random) -> str:
    roll = rng.random()
    for priority, share in PRIORITY_MIX:
        if roll < share:
            return priority
        roll -= share
    return "normal"


class Hub:
    """The few HTTP calls the simulation makes, with clear errors."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 — raises ValueError for a port out of range
            valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid or len(url) > 2000:
            raise SimulationError(
                f"--hub {url[:80]!r} is not a hub address; give e.g. http://192.168.1.10:8470",
                "عنوان الخادم غير صحيح؛ اكتب مثلاً \u2066http://192.168.1.10:8470\u2069",
            )
        self.url = url.strip().rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/api/v1{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read()
                return answer.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = {"error": "error", "message": raw[:200].decode(errors="replace")}
            retry_after = error.headers.get("Retry-After")
            if isinstance(payload, dict) and retry_after:
                payload["retry_after"] = float(retry_after)
            return error.code, payload
        except (urllib.error.URLError, OSError) as error:
            raise SimulationError(
                f"cannot reach the hub at {self.url}: {getattr(error, 'reason', error)}",
                f"تعذّر الوصول إلى الخادم على \u2066{self.url}\u2069",
            ) from None

    def enroll(
        self, kind: str, name: str, code: str, staff: tuple[str, str], *, into_real_database: bool = False
    ) -> str:
        """A simulated device: the hub marks every ticket it issues, and refuses it while the
        database holds real tickets (unless `into_real_database`)."""
        request = {
            "name": name, "kind": kind, "code": code, "username": staff[0], "pin": staff[1],
            "simulated": True, "into_real_database": into_real_database,
        }
        status, body = self.request("POST", "/devices/enroll", body=request)
        if status != 201:
            body = body if isinstance(body, dict) else {"message": body}
            if body.get("error") == "real_database":
                raise SimulationError(
                    f"{body.get('message')} Nothing was changed.", f"{body.get('message_ar') or ''} لم يتغير شيء."
                )
            raise SimulationError(
                f"the hub refused to enroll the simulator's {kind} ({status}): {body.get('message')}",
                f"رفض الخادم تسجيل جهاز المحاكاة ({status}): {body.get('message_ar') or body.get('message')}",
            )
        return body["token"]


@dataclass
class Tally:
    """What happened during the simulation, counted on the client side."""

    issued: int = 0
    refused: Counter = field(default_factory=Counter)
    called: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    priority: int = 0
    pauses: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def error(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(message)

    def summary(self) -> dict[str, Any]:
        return {
            "issued": self.issued, "refused": dict(self.refused), "called": self.called, "served": self.served,
            "no_shows": self.no_shows, "transfers": self.transfers, "priority": self.priority, "pauses": self.pauses,
            "errors": list(self.errors),
        }


class Simulation:
    """One simulated day against a hub. `run()` blocks until the day and its queue are done."""

    def __init__(self, hub_url: str, plan: Plan, *, log: Callable[[str], None] = lambda line: None) -> None:
        self.hub = Hub(hub_url)
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.log = log
        self.tally = Tally()
        self.stop = threading.Event()
        self.arrivals_done = threading.Event()
        self.started = 0.0
        # What the simulation opened, so it can close it whatever ends the day (Ctrl+C too).
        self.sessions: dict[int, str] = {}
        self.in_hand: dict[int, int] = {}  # counter id → the ticket id it holds
        self.tickets: set[int] = set()  # every ticket issued or transferred
        self.counters: list[dict] = []

    # simulated time --------------------------------------------------------------------
    def sim_now(self) -> float:
        return (time.monotonic() - self.started) * self.plan.speed

    def sleep_sim(self, seconds: float) -> bool:
        """Sleep for simulated seconds; False when the simulation was stopped meanwhile."""
        return not self.stop.wait(max(0.0, seconds) / self.plan.speed)

    # set-up ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        code = self.plan.enroll_code
        if not code:
            raise SimulationError(
                "the hub's enrollment code is needed (--enroll-code, printed when the hub starts)",
                "يلزم رمز تسجيل الأجهزة الخاص بالخادم (\u2066--enroll-code\u2069، يظهر عند تشغيل الخادم)",
            )
        staff = (self.plan.supervisor, self.plan.supervisor_pin)
        into_real = self.plan.into_real_database
        # Both devices are enrolled as simulated: the hub marks their tickets, leaves them out of
        # the figures, and refuses them while the database holds real tickets.
        # An admin device issues: a kiosk's rate limit (there against a stuck touch screen) would
        # throttle a day run many times faster than real time.
        self.kiosk_tokens = [self.hub.enroll("admin", "simulator arrivals", code, staff, into_real_database=into_real)]
        self.counter_device = self.hub.enroll("counter", "simulator counters", code, staff, into_real_database=into_real)
        status, services = self.hub.request("GET", "/services", self.counter_device)
        if status != 200 or not services:
            raise SimulationError("the hub has no services to simulate", "لا توجد في الخادم خدمات للمحاكاة")
        self.services = [s for s in services if s["enabled"]]
        status, state = self.hub.request("GET", "/state", self.counter_device)
        counters = sorted(state["counters"], key=lambda c: c["number"])
        if self.plan.counters > len(counters):
            raise SimulationError(
                f"--counters {self.plan.counters} is more than the {len(counters)} counters this centre has",
                f"\u2066--counters {self.plan.counters}\u2069 أكثر من عدد شبابيك المركز ({len(counters)})",
            )
        self.counters = counters[: self.plan.counters]
        # Visitors only come for services someone is staffing today; a service no staffed counter
        # serves would fill up and never move.
        staffed = {service_id for counter in self.counters for service_id in counter.get("service_ids", [])}
        self.services = [s for s in self.services if s["id"] in staffed]
        if not self.services:
            raise SimulationError("the chosen counters serve no enabled service", "الشبابيك المختارة لا تقدم أي خدمة مفعّلة")
        for index, counter in enumerate(self.counters, start=1):
            username = f"{self.plan.clerk_prefix}{index}"
            status, body = self.hub.request(
                "POST", "/sessions", self.counter_device,
                {"username": username, "pin": self.plan.clerk_pin, "counter_id": counter["id"]},
            )
            if status != 201:
                message = body.get("message") if isinstance(body, dict) else body
                raise SimulationError(
                    f"clerk {username!r} could not log in at counter {counter['number']} ({message}). "
                    f"Create the simulation's clerks first, e.g. "
                    f"`python main.py clerk add {username} --db PATH` with PIN {self.plan.clerk_pin}",
                    f"تعذّر دخول الموظف \u2066{username}\u2069 على الشباك {counter['number']}. أنشئ موظفي المحاكاة أولاً، "
                    f"مثلاً \u2066python main.py clerk add {username} --db PATH\u2069",
                )
            self.sessions[counter["id"]] = body["token"]
        self.weights = service_weights(len(self.services))
        # Each counter's own generator, seeded before any thread runs, so a seed repeats a day.
        self.counter_rngs = {c["id"]: random.Random(self.rng.random()) for c in self.counters}

    # visitors --------------------------------------------------------------------------------
    def run_arrivals(self) -> None:
        try:
            for n, at in enumerate(arrival_times(self.plan, self.rng)):
                if not self.sleep_sim(at - self.sim_now()):
                    return
                service = self.rng.choices(self.services, self.weights)[0]
                priority = draw_priority(self.rng)
                self.issue(self.kiosk_tokens[n % len(self.kiosk_tokens)], service, priority)
        finally:
            self.arrivals_done.set()

    def issue(self, token: str, service: dict, priority: str) -> None:
        for _attempt in range(5):
            status, body = self.hub.request("POST", "/tickets", token, {"service_id": service["id"], "priority": priority})
            if status == 201:
                with self.tally.lock:
                    self.tickets.add(body["id"])
                self.tally.add(issued=1, priority=int(priority != "normal"))
                return
            if status == 429 and isinstance(body, dict):
                if not self.stop.wait(min(float(body.get("retry_after", 1.0)), 5.0)):
                    continue
                return
            with self.tally.lock:
                self.tally.refused[(body or {}).get("error", str(status))] += 1
            return

    # clerks -----------------------------------------------------------------------------------
    def run_counter(self, index: int, counter: dict) -> None:
        rng = self.counter_rngs[counter["id"]]
        token = self.sessions[counter["id"]]
        # The centre's configured means: the hub's recent real means would shrink with --speed.
        means = {s["id"]: float(s.get("configured_service_seconds") or 300) for s in self.services}
        prayer_start = (PRAYER_HOUR - OPENING_HOUR) * 3600 + (index % 3) * PRAYER_MINUTES * 60
        prayed = prayer_start >= self.plan.hours * 3600
        idle_poll = 20.0
        while not self.stop.is_set():
            if not prayed and self.sim_now() >= prayer_start:
                prayed = True
                self.pause_for_prayer(counter, token)
                continue
            status, ticket = self.hub.request("POST", f"/counters/{counter['id']}/call-next", token)
            if status == 204:
                if self.arrivals_done.is_set():
                    return
                self.sleep_sim(idle_poll)
                continue
            if status != 200:
                self.tally.error(f"call-next at counter {counter['number']}: {status} {ticket}")
                self.sleep_sim(idle_poll)
                continue
            self.tally.add(called=1)
            self.in_hand[counter["id"]] = ticket["id"]
            self.serve(counter, token, ticket, rng, means)

    def serve(self, counter: dict, token: str, ticket: dict, rng: random.Random, means: dict[int, float]) -> None:
        tid = ticket["id"]
        if rng.random() < self.plan.no_show_share:
            if not self.sleep_sim(NO_SHOW_WAIT_SECONDS / 2):
                return
            self.act(counter, token, f"/tickets/{tid}/recall")
            if not self.sleep_sim(NO_SHOW_WAIT_SECONDS / 2):
                return
            if self.act(counter, token, f"/tickets/{tid}/no-show"):
                self.in_hand.pop(counter["id"], None)
                self.tally.add(no_shows=1)
            return
        if not self.sleep_sim(rng.uniform(0.3, 1.0) * COME_TO_COUNTER_SECONDS):
            return
        if not self.act(counter, token, f"/tickets/{tid}/start"):
            return
        mean = means.get(ticket["service_id"], 300.0)
        if rng.random() < self.plan.transfer_share and len(self.services) > 1:
            if not self.sleep_sim(service_seconds(mean, rng) / 3):
                return
            others = [s for s in self.services if s["id"] != ticket["service_id"]]
            target = rng.choice(others)
            moved = self.act(counter, token, f"/tickets/{tid}/transfer", {"service_id": target["id"]})
            if moved is not None:
                self.in_hand.pop(counter["id"], None)
                with self.tally.lock:
                    self.tickets.add(moved["id"])
                self.tally.add(transfers=1)
            return
        if not self.sleep_sim(service_seconds(mean, rng)):
            return
        if self.act(counter, token, f"/tickets/{tid}/finish"):
            self.in_hand.pop(counter["id"], None)
            self.tally.add(served=1)

    def pause_for_prayer(self, counter: dict, token: str) -> None:
        if self.act(counter, token, f"/counters/{counter['id']}/pause", {"reason": "prayer"}):
            self.tally.add(pauses=1)
            self.sleep_sim(PRAYER_MINUTES * 60)
            self.act(counter, token, f"/counters/{counter['id']}/resume")

    def act(self, counter: dict, token: str, path: str, body: Any = None) -> Any:
        """The hub's answer (a truthy dict) when it accepted the step, else None (noted)."""
        status, answer = self.hub.request("POST", path, token, body)
        if status == 200:
            return answer if answer else True
        self.tally.error(f"{path} at counter {counter['number']}: {status} {(answer or {}).get('error')}")
        return None

    # closing -------------------------------------------------------------------------------
    def close_everything(self, *, send_waiting_home: bool = True) -> None:
        """Leave the hall as it was: each visitor at a counter finished (or marked absent), the
        simulated visitors still waiting sent home, every clerk logged out (which closes the
        counter). Runs however the day ended: at its end, at a deadline, on Ctrl+C or SIGTERM."""
        for counter in self.counters:
            token = self.sessions.get(counter["id"])
            held = self.in_hand.pop(counter["id"], None)
            if token is None or held is None:
                continue
            for step in ("no-show", "finish"):  # called: absent; being served: done
                status, _ = self.hub.request("POST", f"/tickets/{held}/{step}", token)
                if status == 200:
                    break
        any_token = next(iter(self.sessions.values()), None)
        if any_token is not None and send_waiting_home:
            for ticket_id in sorted(self.tickets):
                status, ticket = self.hub.request("GET", f"/tickets/{ticket_id}", any_token)
                if status == 200 and isinstance(ticket, dict) and ticket.get("status") == "waiting":
                    self.hub.request("POST", f"/tickets/{ticket_id}/cancel", any_token)
        for counter_id, token in list(self.sessions.items()):
            status, _ = self.hub.request("DELETE", "/sessions/current", token)
            if status in (204, 401):  # logged out (401: the session had ended already)
                del self.sessions[counter_id]
            else:
                self.tally.error(f"logging out at counter id {counter_id}: {status}")

    # the day --------------------------------------------------------------------------------
    def run(self, *, max_wall_seconds: float | None = None) -> dict[str, Any]:
        threads: list[threading.Thread] = []
        try:
            self.prepare()
            self.started = time.monotonic()
            threads = [threading.Thread(target=self.run_arrivals, name="sim-arrivals", daemon=True)]
            threads += [
                threading.Thread(target=self.run_counter, args=(i, c), name=f"sim-counter-{c['number']}", daemon=True)
                for i, c in enumerate(self.counters)
            ]
            for thread in threads:
                thread.start()
            deadline = None if max_wall_seconds is None else time.monotonic() + max_wall_seconds
            last_report = 0.0
            while any(t.is_alive() for t in threads):
                if deadline is not None and time.monotonic() > deadline:
                    self.stop.set()
                for thread in threads:
                    thread.join(timeout=0.2)
                if time.monotonic() - last_report > 5:
                    last_report = time.monotonic()
                    hours = self.sim_now() / 3600 + OPENING_HOUR
                    self.log(
                        f"{int(hours):02d}:{int(hours % 1 * 60):02d}  issued {self.tally.issued}  "
                        f"served {self.tally.served}  no-show {self.tally.no_shows}  transferred {self.tally.transfers}"
                    )
        except KeyboardInterrupt:  # Ctrl+C, or SIGTERM turned into it by the command
            self.stop.set()
            self.log("stopping: closing the simulation's counters and sessions")
        finally:
            early = self.stop.is_set() or not threads
            self.stop.set()
            with signals_held():
                for thread in threads:
                    thread.join(timeout=self.hub.timeout + 5)
                self.close_everything(send_waiting_home=early)
        return self.tally.summary()


@contextmanager
def signals_held() -> Iterator[None]:
    """A second Ctrl+C or SIGTERM must not cut the closing short (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in held.items():
            signal.signal(number, handler)


def run_simulation(
    hub_url: str, plan: Plan, *, max_wall_seconds: float | None = None, log: Callable[[str], None] = print
) -> dict[str, Any]:
    return Simulation(hub_url, plan, log=log).run(max_wall_seconds=max_wall_seconds)


def demo_clerk_names(prefix: str, count: int) -> Sequence[str]:
    return [f"{prefix}{index}" for index in range(1, count + 1)]
