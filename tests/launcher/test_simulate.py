"""The day simulator: its arrival model, its guard rails, and a real day against a real hub."""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

from launcher.embedded import SIM_CLERK_PIN, EmbeddedHub
from launcher.simulate import (
    OPENING_HOUR,
    Plan,
    SimulationError,
    arrival_shape,
    arrival_times,
    draw_priority,
    run_simulation,
    service_seconds,
)


def test_arrivals_follow_the_asked_rate_with_a_morning_peak():
    """Over many days the mean rate is the one asked for, and 09:00-10:00 is busier than 13:30-14:30."""
    plan = Plan(visitors_per_hour=100, counters=1, hours=7)
    rng = random.Random(7)
    days = [arrival_times(plan, rng) for _ in range(40)]
    per_day = statistics.mean(len(day) for day in days)
    assert 650 < per_day < 750  # 700 expected
    def in_window(start_hour: float, end_hour: float) -> int:
        lo, hi = (start_hour - OPENING_HOUR) * 3600, (end_hour - OPENING_HOUR) * 3600
        return sum(1 for day in days for t in day if lo <= t < hi)
    assert in_window(9, 10) > 1.8 * in_window(13.5, 14.5)
    assert arrival_shape(9.5) > arrival_shape(7.5) and arrival_shape(9.5) > arrival_shape(14)


def test_priority_mix_and_service_times_have_the_intended_means():
    """About 8% of visitors are priority; drawn service times average the service's mean."""
    rng = random.Random(3)
    draws = [draw_priority(rng) for _ in range(20_000)]
    share = sum(1 for d in draws if d != "normal") / len(draws)
    assert 0.07 < share < 0.09
    assert {"elderly", "disabled", "pregnant", "normal"} == set(draws)
    times = [service_seconds(420, rng) for _ in range(20_000)]
    assert 400 < statistics.mean(times) < 440 and min(times) > 0


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"visitors_per_hour": 0}, "visitors-per-hour"),
        ({"visitors_per_hour": -5}, "visitors-per-hour"),
        ({"visitors_per_hour": 1e9}, "visitors-per-hour"),
        ({"counters": 0}, "counters"),
        ({"counters": 10_000}, "counters"),
        ({"speed": 0}, "speed"),
        ({"hours": 30}, "hours"),
        ({"no_show_share": 1.5}, "no-show-share"),
        ({"transfer_share": -0.1}, "transfer-share"),
    ],
)
def test_bad_plans_are_refused_with_the_option_named(changes, words):
    """Impossible numbers are refused before anything reaches the hub, naming the option."""
    values = {"visitors_per_hour": 30, "counters": 2} | changes
    with pytest.raises(SimulationError, match=words):
        Plan(**values)


def test_unreachable_hub_and_missing_clerks_give_clear_errors(tmp_path: Path):
    """No hub, no enrollment code, or clerks that do not exist: a message saying what to do."""
    with pytest.raises(SimulationError, match="cannot reach the hub"):
        run_simulation("http://127.0.0.1:9", Plan(visitors_per_hour=10, counters=1, enroll_code="x" * 8), log=lambda _: None)
    for bad in ("notaurl", "", "ftp://hub:21", "http://", "http://hub:99999", "http://" + "h" * 3000):
        with pytest.raises(SimulationError, match="not a hub address"):
            run_simulation(bad, Plan(visitors_per_hour=10, counters=1, enroll_code="x" * 8), log=lambda _: None)
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=1, enroll_code="sim-code-1").start()
    try:
        with pytest.raises(SimulationError, match="enrollment code"):
            run_simulation(hub.url, Plan(visitors_per_hour=10, counters=1), log=lambda _: None)
        with pytest.raises(SimulationError, match="clerk add sim2"):
            run_simulation(hub.url, Plan(visitors_per_hour=10, counters=2, enroll_code="sim-code-1"), log=lambda _: None)
        with pytest.raises(SimulationError, match="more than the 8 counters"):
            run_simulation(hub.url, Plan(visitors_per_hour=10, counters=9, enroll_code="sim-code-1"), log=lambda _: None)
    finally:
        hub.stop()


def test_a_simulated_day_leaves_sensible_figures(tmp_path: Path):
    """A fast two-hour day: every ticket reaches an end, no-shows, transfers and priority appear, times fit."""
    speed = 600.0
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=8, enroll_code="sim-code-2").start()
    try:
        plan = Plan(
            visitors_per_hour=60, counters=8, speed=speed, hours=2, seed=11, no_show_share=0.1, transfer_share=0.1,
            enroll_code="sim-code-2", clerk_pin=SIM_CLERK_PIN,
        )
        tally = run_simulation(hub.url, plan, max_wall_seconds=120, log=lambda _: None)
        with hub.store.read() as conn:
            statuses = dict(conn.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status").fetchall())
            priority = conn.execute("SELECT COUNT(*) FROM tickets WHERE priority != 'normal' AND transferred_from_ticket_id IS NULL").fetchone()[0]
            service = conn.execute(
                "SELECT AVG(finished_at - started_at) FROM tickets WHERE status = 'done' AND transferred_from_ticket_id IS NULL"
            ).fetchone()[0]
            expected_service = conn.execute(
                "SELECT AVG(s.default_service_seconds) FROM tickets t JOIN services s ON s.id = t.service_id "
                "WHERE t.status = 'done' AND t.transferred_from_ticket_id IS NULL"
            ).fetchone()[0]
            paused = conn.execute("SELECT COUNT(*) FROM events WHERE type = 'counter.paused'").fetchone()[0]
    finally:
        hub.stop()
    assert tally["errors"] == []
    issued = tally["issued"]
    assert 80 <= issued <= 170  # 120 expected
    assert statuses.get("waiting", 0) == 0 and statuses.get("called", 0) == 0 and statuses.get("serving", 0) == 0
    assert statuses["done"] == tally["served"] and statuses["no_show"] == tally["no_shows"]
    assert statuses["transferred"] == tally["transfers"] > 0 and tally["no_shows"] > 0
    # every visitor, including the transferred ones' new tickets, reached an end
    assert sum(statuses.values()) == issued + tally["transfers"]
    assert priority == tally["priority"] > 0
    # the hub measured service times of the simulated length, scaled by the speed
    assert 0.6 < service / (expected_service / speed) < 1.6
    assert paused == 0  # the prayer pause is at 12:00, after this 07:30-09:30 day


def test_visitors_only_come_for_services_the_staffed_counters_serve(tmp_path: Path):
    """With counters 1-2 staffed (services A-B in the demo), no ticket is issued for a service nobody serves."""
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=2, enroll_code="sim-code-3").start()
    try:
        served = {
            sid for number in (1, 2) for sid in (hub.store.catalogue.counters_by_number[number].service_ids)
        }
        plan = Plan(visitors_per_hour=120, counters=2, speed=1200, hours=1, seed=4, enroll_code="sim-code-3", clerk_pin=SIM_CLERK_PIN)
        tally = run_simulation(hub.url, plan, max_wall_seconds=120, log=lambda _: None)
        with hub.store.read() as conn:
            services = {row[0] for row in conn.execute("SELECT DISTINCT service_id FROM tickets")}
            waiting = conn.execute("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'").fetchone()[0]
    finally:
        hub.stop()
    assert tally["issued"] > 0 and services and services <= served and waiting == 0
