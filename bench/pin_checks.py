"""PIN checks on a real hub: do wrong PINs for real and invented names take the same time, and
does a flood of wrong logins slow ticket issuing?

Prints the answer time of wrong logins for known and unknown names (interleaved, so drift on
the machine hits both alike; each name from fresh devices so no lockout is reached), then
ticket issue latency alone and beside a flood of wrong logins from eight devices on eight
addresses (in a process of its own), the throughput ratio, and how the flood was answered.

    .venv/bin/python bench/pin_checks.py [--tries 32] [--seconds 10]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from tests.support import LiveHub, bearer, demo_config_text  # noqa: E402

KNOWN = ["super", "clerk1", "clerk2", "clerk3"]
UNKNOWN = ["nobody", "no-one", "ghost", "stranger"]


def fmt(values: list[float]) -> str:
    return f"p50 {percentile(values, .5) * 1000:.1f} ms, p99 {percentile(values, .99) * 1000:.1f} ms (n={len(values)})"


def wrong_login(url: str, device: str, source: str, username: str, counter_id: int) -> float:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
        began = time.perf_counter()
        answer = client.post(
            f"{url}/api/v1/sessions", json={"username": username, "pin": "0000", "counter_id": counter_id}, headers=bearer(device)
        )
        spent = time.perf_counter() - began
    assert answer.status_code == 401, answer.text
    return spent


def name_timings(hub: LiveHub, tries: int, counter_id: int) -> tuple[list[float], list[float]]:
    """Known and unknown names in turn; each name fails ten times a minute at most (the hub-wide
    allowance), and each device four times (below the lockout)."""
    known, unknown = [], []
    devices: dict[str, str] = {}
    for n in range(tries):
        for names, into, octet in ((KNOWN, known, 30), (UNKNOWN, unknown, 31)):
            name = names[n % len(names)]
            key = f"{name}-{n // (4 * len(names))}"
            if key not in devices:
                devices[key] = hub.enroll("counter", f"bench-{key}")
            into.append(wrong_login(hub.url, devices[key], f"127.0.{octet}.{1 + n % 200}", name, counter_id))
    return known, unknown


def flood(url: str, tokens: list[str], counter_id: int, seconds: float, results) -> None:
    """Wrong logins as fast as the hub answers, from eight devices on eight addresses."""
    answers: Counter[int] = Counter()
    deadline = time.monotonic() + seconds

    def one(n: int) -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.40.{n + 1}"), timeout=30) as client:
            while time.monotonic() < deadline:
                body = {"username": f"guess-{n}", "pin": "0000", "counter_id": counter_id}
                answers[client.post(f"{url}/api/v1/sessions", json=body, headers=bearer(tokens[n])).status_code] += 1

    with ThreadPoolExecutor(len(tokens)) as pool:
        list(pool.map(one, range(len(tokens))))
    results.put(dict(answers))


def issue_for(hub: LiveHub, kiosk: str, service: int, seconds: float) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=hub.url, headers=bearer(kiosk), timeout=30) as client:
        while time.monotonic() < deadline:
            began = time.perf_counter()
            answer = client.post("/api/v1/tickets", json={"service_id": service})
            times.append(time.perf_counter() - began)
            assert answer.status_code == 201, answer.text
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=32, help="Wrong logins per group (at most 40: ten per name a minute).")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")
        hub = LiveHub(Path(folder) / "hub", config_text=text).start()
        try:
            kiosk = hub.enroll("kiosk", "bench-kiosk")
            state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
            counter_id, service = state["counters"][0]["id"], state["services"][0]["id"]
            known, unknown = name_timings(hub, args.tries, counter_id)
            print(f"wrong PIN, known name:    {fmt(known)}")
            print(f"wrong PIN, unknown name:  {fmt(unknown)}")
            print(f"unknown / known p50 ratio: {percentile(unknown, .5) / percentile(known, .5):.2f}")

            before = issue_for(hub, kiosk, service, args.seconds)
            tokens = [hub.enroll("counter", f"bench-flood-{n}") for n in range(8)]
            results = multiprocessing.get_context("spawn").Queue()
            attacker = multiprocessing.get_context("spawn").Process(
                target=flood, args=(hub.url, tokens, counter_id, args.seconds, results)
            )
            attacker.start()
            time.sleep(0.5)  # the flood is under way
            loud = issue_for(hub, kiosk, service, args.seconds - 1)
            answers = results.get(timeout=60)
            attacker.join(30)
            after = issue_for(hub, kiosk, service, args.seconds)
            quiet_rate = (len(before) + len(after)) / (2 * args.seconds)
            loud_rate = len(loud) / (args.seconds - 1)
            print(f"ticket issue alone:        {fmt(before + after)}, {quiet_rate:.0f}/s (mean of before and after)")
            print(f"ticket issue beside flood: {fmt(loud)}, {loud_rate:.0f}/s")
            print(f"throughput ratio (flood / alone): {loud_rate / quiet_rate:.2f}")
            print(f"flood answers: {dict(sorted(answers.items()))} ({sum(answers.values()) / args.seconds:.0f} logins/s)")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
