"""PIN checks on a real hub: do wrong PINs for real and invented names take the same time, and
does a login flood slow ticket issuing?

Prints the answer time of wrong logins for a known and an unknown name (p50/p99, each from its
own device so lockouts stay out of the way), then ticket issue latency alone and beside a flood
of logins from eight devices, with the ratio, and how the flood was answered.

    .venv/bin/python bench/pin_checks.py [--tries 40] [--seconds 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from tests.support import LiveHub, bearer, demo_config_text  # noqa: E402


def fmt(values: list[float]) -> str:
    return f"p50 {percentile(values, .5) * 1000:.1f} ms, p99 {percentile(values, .99) * 1000:.1f} ms (n={len(values)})"


def wrong_logins(hub: LiveHub, username: str, tries: int, counter_id: int) -> list[float]:
    """`tries` wrong PINs for `username`, a fresh device (and address) for every four."""
    times = []
    for start in range(0, tries, 4):
        device = hub.enroll("counter", f"bench-{username}-{start}")
        source = f"127.0.{8 + start // 250}.{1 + start % 250}"
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
            for _ in range(min(4, tries - start)):
                began = time.perf_counter()
                answer = client.post(
                    f"{hub.url}/api/v1/sessions", json={"username": username, "pin": "0000", "counter_id": counter_id},
                    headers=bearer(device),
                )
                times.append(time.perf_counter() - began)
                assert answer.status_code == 401, answer.text
    return times


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
    parser.add_argument("--tries", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        text = demo_config_text().replace("daily_cap = 900", "daily_cap = 99999").replace("range = [1, 999]", "range = [1, 99999]")
        hub = LiveHub(Path(folder) / "hub", config_text=text).start()
        try:
            kiosk = hub.enroll("kiosk", "bench-kiosk")
            state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
            counter_id = state["counters"][0]["id"]
            service = state["services"][0]["id"]
            known = wrong_logins(hub, "super", args.tries, counter_id)
            unknown = wrong_logins(hub, "nobody-at-all", args.tries, counter_id)
            print(f"wrong PIN, known name:    {fmt(known)}")
            print(f"wrong PIN, unknown name:  {fmt(unknown)}")
            print(f"unknown / known p50 ratio: {percentile(unknown, .5) / percentile(known, .5):.2f}")

            quiet = issue_for(hub, kiosk, service, args.seconds)
            flooders = [hub.enroll("counter", f"bench-flood-{n}") for n in range(8)]
            stop = threading.Event()
            answers: Counter[int] = Counter()

            def flood(n: int) -> None:
                source = f"127.0.20.{n + 1}"
                with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
                    while not stop.is_set():
                        body = {"username": f"guess-{n}", "pin": "0000", "counter_id": counter_id}
                        answers[client.post(f"{hub.url}/api/v1/sessions", json=body, headers=bearer(flooders[n])).status_code] += 1

            with ThreadPoolExecutor(8) as pool:
                for n in range(8):
                    pool.submit(flood, n)
                loud = issue_for(hub, kiosk, service, args.seconds)
                stop.set()
            print(f"ticket issue alone:        {fmt(quiet)}, {len(quiet) / args.seconds:.0f}/s")
            print(f"ticket issue beside flood: {fmt(loud)}, {len(loud) / args.seconds:.0f}/s")
            print(f"throughput ratio (flood / alone): {len(loud) / max(1, len(quiet)):.2f}")
            print(f"flood answers: {dict(sorted(answers.items()))} ({sum(answers.values()) / args.seconds:.0f} logins/s)")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
