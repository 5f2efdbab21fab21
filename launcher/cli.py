"""Sub-commands that span every package: `simulate` and `doctor`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    simulate = subparsers.add_parser(
        "simulate",
        help="drive a realistic day against a hub (arrivals, calls, no-shows, transfers)",
        description=(
            "Drive a realistic working day against a running hub through its API: visitors arrive with "
            "a morning peak and take tickets (some with priority); clerks call, serve, transfer, record "
            "no-shows and pause for prayer. Boards and supervisor screens can watch it live. Its tickets "
            "are marked simulated and left out of reports and /stats unless asked (report "
            "--include-simulated); a database with real tickets is refused. Clerks sim1..simN must exist "
            "with the same PIN (the all-in-one demo creates them). With --days N --backfill it writes N past "
            "business days straight into a database instead, at realistic past times."
        ),
    )
    simulate.add_argument("--hub", default="http://127.0.0.1:8470", help="The hub's address. Default http://127.0.0.1:8470.")
    simulate.add_argument("--visitors-per-hour", type=float, required=True, help="Mean arrivals per hour over the day (the peak is higher).")
    simulate.add_argument("--counters", type=int, required=True, help="How many counters are staffed (the first N by number).")
    simulate.add_argument("--speed", type=float, default=60.0, help="How many times faster than real time the day runs. Default 60 (a 7-hour day in 7 minutes).")
    simulate.add_argument("--hours", type=float, default=7.0, help="Length of the simulated day in hours, from 07:30. Default 7.")
    simulate.add_argument("--no-show-share", type=float, default=0.05, help="Share of called visitors who never come. Default 0.05.")
    simulate.add_argument("--transfer-share", type=float, default=0.04, help="Share of visitors transferred to another service. Default 0.04.")
    simulate.add_argument("--enroll-code", default=os.environ.get("TABOUR_ENROLL_CODE"), help="The hub's enrollment code ($TABOUR_ENROLL_CODE).")
    simulate.add_argument("--clerk-prefix", default="sim", help="Clerk names are PREFIX1..PREFIXN. Default sim.")
    simulate.add_argument("--clerk-pin", default="2468", help="The simulated clerks' PIN. Default 2468.")
    simulate.add_argument(
        "--supervisor", default="demo",
        help="A supervisor's user name, which enrolling the simulator's admin device needs. Default: the demo's (demo).",
    )
    simulate.add_argument("--supervisor-pin", default="1234", help="That supervisor's PIN. Default: the demo's.")
    simulate.add_argument("--seed", type=int, default=None, help="Random seed, for a repeatable day.")
    simulate.add_argument(
        "--backfill", action="store_true",
        help="Instead of playing a day live against a hub, write --days past business days straight into "
        "a database (--db), at real past instants: opening hours, a morning peak, lunch and prayer dips. "
        "No hub may run on that database meanwhile.",
    )
    simulate.add_argument("--days", type=int, default=None, help="With --backfill: how many past business days to write (1-366).")
    simulate.add_argument(
        "--db", type=Path, default=None,
        help="With --backfill: the database to write (new, or one whose log ends before those days). "
        "Default: the all-in-one demo's, so `python main.py` shows the month afterwards.",
    )
    simulate.add_argument("--config", type=Path, default=None, help="With --backfill: the centre file (default: the demo centre).")
    simulate.add_argument(
        "--into-real-database", action="store_true",
        help="Simulate even though the hub's database holds real tickets (refused otherwise). The simulated "
        "tickets stay marked and out of the figures, but real visitors may be called by simulated clerks.",
    )
    simulate.set_defaults(func=run_simulate)

    doctor = subparsers.add_parser(
        "doctor",
        help="check this machine (Python, Qt, Arabic font and voice, printer, hub) and say what to fix",
        description="Check that this machine can run Tabour and say what to fix.",
    )
    doctor.add_argument(
        "--hub", default=None,
        help="Also check that this hub answers, and where its tickets send phones: e.g. 192.168.1.10:8470 or http://192.168.1.10:8470.",
    )
    doctor.add_argument("--printer", default=None, help="Also check this printer, e.g. tcp://192.168.1.50:9100.")
    doctor.add_argument("--no-speech", action="store_true", help="Skip the Arabic speech synthesis check.")
    doctor.set_defaults(func=run_doctor)


def run_simulate(args: argparse.Namespace) -> int:
    from launcher.simulate import Plan, SimulationError, run_simulation

    try:
        plan = Plan(
            visitors_per_hour=args.visitors_per_hour, counters=args.counters, speed=args.speed, hours=args.hours,
            no_show_share=args.no_show_share, transfer_share=args.transfer_share, seed=args.seed,
            clerk_prefix=args.clerk_prefix, clerk_pin=args.clerk_pin, enroll_code=args.enroll_code,
            supervisor=args.supervisor, supervisor_pin=args.supervisor_pin, into_real_database=args.into_real_database,
        )
        if args.backfill or args.days is not None:
            return _backfill(args, plan)
        with _sigterm_as_interrupt():
            summary = run_simulation(args.hub, plan, log=lambda line: print(line, flush=True))
    except SimulationError as error:
        from core.bidi import strip_bidi

        # Terminals draw direction marks as boxes or not at all; their own bidi handles one line.
        print(f"error: {error.message_en}\nخطأ: {strip_bidi(error.message_ar)}", file=sys.stderr)
        return 2
    print(
        f"day done: {summary['issued']} tickets, {summary['served']} served, {summary['no_shows']} no-shows, "
        f"{summary['transfers']} transferred, {summary['priority']} priority"
    )
    for line in summary["errors"][:10]:
        print(f"note: {line}", file=sys.stderr)
    return 0


def _backfill(args: argparse.Namespace, plan) -> int:
    from core.config import DEMO_CONFIG, load_config
    from core.errors import ConfigError
    from launcher.allinone import demo_data_dir
    from launcher.backfill import run_backfill
    from launcher.simulate import SimulationError

    if not args.backfill or args.days is None:
        raise SimulationError(
            "--days and --backfill go together: simulate --days 30 --backfill writes 30 past business days",
            "يُستخدم \u2066--days\u2069 مع \u2066--backfill\u2069 معاً، مثلاً \u2066simulate --days 30 --backfill\u2069",
        )
    try:
        config = load_config(args.config or DEMO_CONFIG)
    except ConfigError as error:
        raise SimulationError(str(error), "ملف إعداد المركز غير صالح") from None
    db = args.db or demo_data_dir() / "tabour-demo.sqlite"
    print(f"writing {args.days} past business days into {db}", flush=True)
    with _sigterm_as_interrupt():
        result = run_backfill(db, config, plan, args.days, log=lambda line: print(line, flush=True))
    tally = result.tally
    print(
        f"backfill {'stopped' if result.stopped else 'done'}: {len(tally.days)} business days ({result.first} to {result.last}), {tally.issued} tickets, "
        f"{tally.served} served, {tally.no_shows} no-shows, {tally.transfers} transferred, "
        f"{tally.writes} writes in {result.seconds:.1f} s"
    )
    return 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (systemd, `kill`) ends a simulation as Ctrl+C does: closing what it opened."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_doctor(args: argparse.Namespace) -> int:
    from launcher.doctor import report, run_checks

    text, code = report(run_checks(hub=args.hub, printer=args.printer, speech=not args.no_speech))
    print(text)
    return code
