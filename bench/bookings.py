"""Bookings on a real hub subprocess: how fast a morning rush of visitors is answered, and
what a contested slot costs.

- rush: `--visitors` POST /api/v1/public/bookings at once (async HTTP, one connection each),
  spread over the next day's slots; prints bookings a second and the answer-time percentiles;
- contested: `--contested` visitors at once for one slot of capacity 3; prints how many got a
  place (always 3: the single writer decides) and the percentiles of the "slot full" answers.

    .venv/bin/python bench/bookings.py [--visitors 400] [--contested 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support import LiveHub, bearer, demo_config_text  # noqa: E402


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.50):.1f} ms  p95 {pick(0.95):.1f} ms  p99 {pick(0.99):.1f} ms  max {ordered[-1] * 1000:.1f} ms"


async def post_all(url: str, bodies: list[dict]) -> list[tuple[int, float]]:
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def one(body: dict) -> tuple[int, float]:
            began = time.perf_counter()
            answer = await client.post("/api/v1/public/bookings", json=body)
            return answer.status_code, time.perf_counter() - began
        return await asyncio.gather(*(one(body) for body in bodies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=400)
    parser.add_argument("--contested", type=int, default=200)
    args = parser.parse_args()
    config = demo_config_text(bookings_per_minute=1_000_000).replace(
        "capacity = 2\ndays_ahead = 14\nwalk_in_share = 0.5\nmax_future_per_mobile = 2",
        "capacity = 3\ndays_ahead = 14\nwalk_in_share = 0\nmax_future_per_mobile = 20")
    with tempfile.TemporaryDirectory() as folder:
        hub = LiveHub(Path(folder), config_text=config).start()
        try:
            kiosk = hub.enroll("kiosk")
            state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
            service_id = next(s["id"] for s in state["services"] if s["code"] == "F")
            tomorrow = (datetime.now(ZoneInfo("Asia/Riyadh")) + timedelta(days=1)).date()
            slots = [datetime.combine(tomorrow, datetime.min.time()) + timedelta(minutes=15 * n) for n in range(96)]
            rush = [{"service_id": service_id, "slot_start": slots[n % 96].isoformat(timespec="minutes"),
                     "mobile": f"055{n:07d}"} for n in range(args.visitors)]
            began = time.perf_counter()
            answers = asyncio.run(post_all(hub.url, rush))
            took = time.perf_counter() - began
            made = sum(1 for status, _ in answers if status == 201)
            print(f"rush: {args.visitors} visitors at once, {made} booked ({made / len(slots):.1f} a slot), "
                  f"{args.visitors / took:.0f} answers/s over {took:.2f} s")
            print(f"rush answers: {percentiles([seconds for _, seconds in answers])}")
            slot = (datetime.combine(tomorrow + timedelta(days=1), datetime.min.time()) + timedelta(hours=10)).isoformat(timespec="minutes")
            contested = [{"service_id": service_id, "slot_start": slot, "mobile": f"056{n:07d}"} for n in range(args.contested)]
            answers = asyncio.run(post_all(hub.url, contested))
            won = [seconds for status, seconds in answers if status == 201]
            full = [seconds for status, seconds in answers if status == 409]
            print(f"contested: {args.contested} visitors for 3 places: {len(won)} booked, {len(full)} told the slot is full, "
                  f"{args.contested - len(won) - len(full)} other answers")
            print(f"contested 'slot full' answers: {percentiles(full)}")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
