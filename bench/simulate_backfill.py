"""How long `python main.py simulate --days 30 --backfill` takes, and what it wrote.

Writes N past business days of the demo centre into a new database (in a temporary folder
unless --db is given) through the same code as the command, then prints the time, the writes
per second, and the figures of the written month (from `core.stats`, simulated tickets
included), so a change to the model or the store shows in both speed and shape.

    .venv/bin/python bench/simulate_backfill.py [--days 30] [--visitors-per-hour 60] [--counters 8]

Target: a month in well under two minutes on a branch PC.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import stats  # noqa: E402
from core.config import DEMO_CONFIG, load_config  # noqa: E402
from launcher.backfill import run_backfill  # noqa: E402
from launcher.simulate import Plan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--visitors-per-hour", type=float, default=60)
    parser.add_argument("--counters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=None, help="Keep the database here (a new file).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "backfill.sqlite"
        if db.exists():
            print(f"error: {db} exists; give a new file", file=sys.stderr)
            return 2
        config = load_config(DEMO_CONFIG)
        plan = Plan(visitors_per_hour=args.visitors_per_hour, counters=args.counters, seed=args.seed)
        cpu = time.process_time()
        result = run_backfill(db, config, plan, args.days)
        cpu = time.process_time() - cpu
        tally = result.tally
        print(
            f"backfill of {len(tally.days)} business days ({result.first} … {result.last}), "
            f"{args.visitors_per_hour:g} visitors/h, {args.counters} counters:"
        )
        print(f"  {tally.issued:,} tickets, {tally.writes:,} writes in {result.seconds:.1f} s "
              f"({tally.writes / result.seconds:,.0f} writes/s; {cpu:.1f} s of CPU in this process)")
        print(f"  {result.seconds / len(tally.days):.2f} s a day; database {db.stat().st_size / 1e6:.1f} MB")
        with sqlite3.connect(db) as conn:
            figures = stats.compute_on(
                conn, date.fromisoformat(result.first), date.fromisoformat(result.last), ["hour"],
                ZoneInfo(config.centre.time_zone),
                include_simulated=True,
            )
        totals = figures["totals"]
        print(f"  wait median {totals['wait_seconds']['median']:.0f} s, p90 {totals['wait_seconds']['p90']:.0f} s; "
              f"service median {totals['service_seconds']['median']:.0f} s; within target {totals['within_target_share']:.0%}")
        print("  tickets per hour of day: " + ", ".join(f"{row['hour']:02d}h {row['issued']}" for row in figures["by_hour"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
