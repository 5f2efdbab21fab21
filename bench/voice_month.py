"""A busy month of the visitor's voice: how long the monthly centre report and the clerk league take.

Builds (with direct SQL inserts, for speed) one month of a centre with 30 counters and 40 clerks:
60,000 tickets over its working days, 20,000 of them rated and 500 complaints, then stores the
daily summaries as the business-day rollover does. Times, over a few runs (p50 and max):

- the league (`core.voice_figures.league_answer`, behind `GET /stats/league`),
- the monthly report's figures (`reports.data.load`: `/stats` with the voice figures, and the league),
- the whole monthly report as PDF and as Excel (`report --monthly`), figures included,
- `/stats` of the month with the voice figures (satisfaction per grouping, complaints),
- the month's days computed from the tickets alone (no stored summaries), for comparison.

    .venv/bin/python bench/voice_month.py [--tickets 60000] [--ratings 20000] [--complaints 500] [--runs 5]

Targets: the monthly centre report and the league each under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import commands, stats, voice_figures  # noqa: E402
from core.commands import open_store  # noqa: E402
from core.config import parse_config  # noqa: E402
from core.models import Role  # noqa: E402
from core.numbering import business_day  # noqa: E402
from tests.support import Clock  # noqa: E402
from tests.voice_month import busy_month  # noqa: E402

RIYADH = ZoneInfo("Asia/Riyadh")
CLERKS = 40


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """(p50, max) in seconds over `runs` runs of `work`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=60_000)
    parser.add_argument("--ratings", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--month", default="2026-10", help="The month to build, YYYY-MM (default 2026-10).")
    args = parser.parse_args()

    from bench.report_year import busy_centre_text
    from reports.data import load
    from reports.monthly import write_monthly_pdf, write_monthly_xlsx

    first = date.fromisoformat(f"{args.month}-01")
    folder = Path(tempfile.mkdtemp(prefix="tabour-voice-month-"))
    try:
        db_path = folder / "month.sqlite"
        config = parse_config(busy_centre_text())
        clock = Clock(datetime(first.year + (first.month == 12), first.month % 12 + 1, 15, 10, tzinfo=RIYADH).timestamp())
        with open_store(db_path, config, clock=clock, synchronous="NORMAL") as store:
            clerks = [store.call(commands.add_clerk, f"clerk{n:02d}", Role.CLERK, "unused") for n in range(1, CLERKS + 1)]
            services = [info.id for info in store.catalogue.services_by_code.values()]
            counters = sorted(store.catalogue.counters)
            tz = store.catalogue.tz
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
        started = time.perf_counter()
        busy_month(conn, first, tickets=args.tickets, ratings=args.ratings, complaints=args.complaints,
                   services=services, counters=counters, clerks=clerks)
        built = time.perf_counter() - started
        current = business_day(clock.now, tz, config.centre.rollover_hour).isoformat()
        days = stats.rebuild_summaries(conn, tz, current, clock.now)
        voice_figures.rebuild_rating_days(conn, tz, current, clock.now)  # as the rollovers store them
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("tickets", "ratings", "visitor_feedback")}
        conn.close()
        print(f"built {counts['tickets']:,} tickets, {counts['ratings']:,} ratings, {counts['visitor_feedback']:,} "
              f"complaints over {len(days)} working days of {args.month} in {built:.1f} s; daily summaries and rating tallies stored")

        _, first_day, last_day = voice_figures.parse_month(args.month, first)
        read = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        voice_figures.league_answer(read, args.month, first_day, last_day, tz)  # warm the page cache, as a running hub has it
        league_p50, league_max = timed(args.runs, lambda: voice_figures.league_answer(read, args.month, first_day, last_day, tz))
        data_p50, data_max = timed(args.runs, lambda: load(db_path, first_day, last_day, visits=False))
        pdf_p50, pdf_max = timed(args.runs, lambda: write_monthly_pdf(load(db_path, first_day, last_day, visits=False), folder / "m.pdf"))
        xlsx_p50, xlsx_max = timed(args.runs, lambda: write_monthly_xlsx(load(db_path, first_day, last_day, visits=False), folder / "m.xlsx"))
        target = voice_figures.AnswerTarget.stored(read, tz)
        stats_p50, stats_max = timed(args.runs, lambda: voice_figures.add_voice(
            stats.compute_on(read, first_day, last_day, list(stats.GROUPINGS), tz), read, tz, target, clock.now))
        live_p50, live_max = timed(args.runs, lambda: stats.compute_on(
            read, first_day, last_day, list(stats.GROUPINGS), tz, use_summaries=False))
        league = voice_figures.league_answer(read, args.month, first_day, last_day, tz)
        read.close()

        print(f"league ({len(league['rows'])} clerks, {league['ranked']} ranked): p50 {league_p50 * 1000:.0f} ms, max {league_max * 1000:.0f} ms")
        print(f"monthly report figures (stats + voice + league): p50 {data_p50 * 1000:.0f} ms, max {data_max * 1000:.0f} ms")
        print(f"monthly report pdf, figures included: p50 {pdf_p50 * 1000:.0f} ms, max {pdf_max * 1000:.0f} ms")
        print(f"monthly report xlsx, figures included: p50 {xlsx_p50 * 1000:.0f} ms, max {xlsx_max * 1000:.0f} ms")
        print(f"GET /stats of the month with the voice figures: p50 {stats_p50 * 1000:.0f} ms, max {stats_max * 1000:.0f} ms")
        print(f"the month's stats from the tickets alone (no summaries): p50 {live_p50 * 1000:.0f} ms, max {live_max * 1000:.0f} ms")
        worst = max(league_max, pdf_max, xlsx_max)
        print(f"target under 1 s: {'met' if worst < 1.0 else 'NOT met'} (worst {worst * 1000:.0f} ms)")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
