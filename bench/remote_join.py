"""The remote queue on a real hub subprocess: a crowd taking tickets from their phones at once,
one address flooding, and the kiosk's arrival scans.

- crowd: `--phones` POST /api/v1/public/remote-tickets at once (async HTTP, one connection
  each; the per-address limits opened up, as if each came from its own phone); prints tickets a
  second, the answer-time percentiles, and how many the service cap let through (exactly
  `remote_cap`: the single writer counts);
- flood: `--flood` posts at once from one address under the default limits; prints how many got
  a ticket (exactly `per_client_waiting`) and the refusals' percentiles;
- arrivals: every crowd ticket scanned at the kiosk in turn; prints the scan's percentiles.

    .venv/bin/python bench/remote_join.py [--phones 300] [--cap 250] [--flood 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support import LiveHub, bearer, demo_config_text  # noqa: E402


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.50):.1f} ms  p95 {pick(0.95):.1f} ms  p99 {pick(0.99):.1f} ms  max {ordered[-1] * 1000:.1f} ms"


async def post_all(url: str, service_id: int, count: int) -> list[tuple[int, float, dict]]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def one() -> tuple[int, float, dict]:
            began = time.perf_counter()
            answer = await client.post("/api/v1/public/remote-tickets", json={"service_id": service_id})
            return answer.status_code, time.perf_counter() - began, answer.json()
        return await asyncio.gather(*(one() for _ in range(count)))


def run_hub(folder: Path, config: str) -> LiveHub:
    return LiveHub(folder, config_text=config).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--cap", type=int, default=250)
    parser.add_argument("--flood", type=int, default=200)
    args = parser.parse_args()
    crowd_config = demo_config_text().replace("per_client_waiting = 3", "per_client_waiting = 1000").replace(
        "join_per_minute = 6", "join_per_minute = 10000").replace(
        'name_en = "Commercial registration"\n', f'name_en = "Commercial registration"\nremote_cap = {args.cap}\n', 1)
    with tempfile.TemporaryDirectory() as folder:
        hub = run_hub(Path(folder) / "crowd", crowd_config)
        try:
            kiosk = hub.enroll("kiosk")
            state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
            a = next(s["id"] for s in state["services"] if s["code"] == "A")
            began = time.perf_counter()
            answers = asyncio.run(post_all(hub.url, a, args.phones))
            elapsed = time.perf_counter() - began
            statuses = Counter(status for status, _, _ in answers)
            taken = [body for status, _, body in answers if status == 201]
            print(f"crowd: {args.phones} phones at once, remote_cap {args.cap}: {statuses[201]} tickets, "
                  f"{statuses[409]} refused remote_full, others {dict((k, v) for k, v in statuses.items() if k not in (201, 409))}")
            print(f"crowd: {args.phones / elapsed:.0f} answers/s; all answers {percentiles([t for _, t, _ in answers])}")
            scans = []
            with httpx.Client(base_url=hub.url, headers=bearer(kiosk), timeout=30) as client:
                for body in taken:
                    began = time.perf_counter()
                    assert client.post(f"/api/v1/tickets/{body['code']}/arrived").status_code == 200
                    scans.append(time.perf_counter() - began)
            print(f"arrivals: {len(scans)} kiosk scans one after another: {percentiles(scans)}")
        finally:
            hub.stop()
        hub = run_hub(Path(folder) / "flood", demo_config_text())
        try:
            kiosk = hub.enroll("kiosk")
            state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
            a = next(s["id"] for s in state["services"] if s["code"] == "A")
            answers = asyncio.run(post_all(hub.url, a, args.flood))
            statuses = Counter(status for status, _, _ in answers)
            errors = Counter(body.get("error") for status, _, body in answers if status != 201)
            print(f"flood: {args.flood} posts at once from one address: {statuses[201]} tickets; refusals {dict(errors)}")
            print(f"flood: refusals {percentiles([t for status, t, _ in answers if status != 201])}")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
