"""The central's figures for a branch are the branch's own `/stats`, shipped by the real shipper."""

from __future__ import annotations

import random
from datetime import date

import pytest

from core import stats
from hub.shipper import Shipper, ShipperSettings
from tests.central.hall import next_morning, play_day
from tests.central.helpers import add_branch, bearer, staff_token, wait_for
from tests.conftest import RIYADH

GROUP_BY = "service,counter,clerk,hour,day"


# What only the hub's /stats names: its summary counts, and the figures of the visitors' voice
# and of appointments, which the central's branch figures do not carry.
HUB_ONLY = ("days", "precision", "feedback", "visits")
HUB_ONLY_IN_ROWS = ("satisfaction",)


def comparable(answer: dict) -> dict:
    """A /stats answer without what only one side names (the hub's clerk ids, its summary counts)."""
    def row_of(row: dict, extra: tuple[str, ...] = ()) -> dict:
        return {k: v for k, v in row.items() if k not in HUB_ONLY_IN_ROWS + extra}

    kept = {key: value for key, value in answer.items() if key not in HUB_ONLY}
    for key, value in kept.items():
        if key.startswith("by_") and isinstance(value, list):
            kept[key] = [row_of(row, ("clerk_id",) if key == "by_clerk" else ()) for row in value]
    if isinstance(kept.get("totals"), dict):
        kept["totals"] = row_of(kept["totals"])
    return kept


def ship_all(central, store, token: str, code: str = "RUH-01") -> Shipper:
    shipper = Shipper(store.path, ShipperSettings("http://testserver", code, token, linger=0.01), client=central)
    store.add_listener(shipper.notify)
    shipper.start()
    wait_for(lambda: shipper.lag()["behind"] == 0 and shipper.lag()["held"] == store.last_seq, timeout=60)
    wait_for(lambda: central.get("/api/v1/health").json()["summaries_pending"] == 0, timeout=60)
    return shipper


@pytest.fixture
def two_days(store, clerks, clock):
    """Yesterday (closed and summarised by the hub at the rollover) and today (still open)."""
    rng = random.Random(17)
    first = store.today()
    play_day(store, clock, rng, 40, left_waiting=2)
    next_morning(clock, RIYADH)
    play_day(store, clock, rng, 25, leave_open=True)
    return first, store.today()


def test_a_branchs_figures_equal_its_own_stats(central, pg, store, two_days):
    """Totals and every grouping (service, counter, clerk, hour, day) match the hub's, for one day and both."""
    first, last = two_days
    token = add_branch(pg)
    shipper = ship_all(central, store, token)
    try:
        staff = staff_token(pg)
        for start, end in ((first, first), (last, last), (first, last)):
            hub = stats.compute(store, start, end, stats.parse_group_by(GROUP_BY))
            answer = central.get(
                "/api/v1/branches/RUH-01/stats",
                params={"from": start.isoformat(), "to": end.isoformat(), "group_by": GROUP_BY},
                headers=bearer(staff),
            )
            assert answer.status_code == 200, answer.text
            assert comparable(answer.json()) == comparable(hub)
        with store.read() as conn:
            kinds = dict(conn.execute("SELECT type, count(*) FROM events GROUP BY type").fetchall())
        assert hub["totals"]["served"] > 30 and hub["totals"]["transferred"] == 2 and hub["totals"]["expired"] >= 1
        assert kinds["ticket.no_show"] >= 1 and kinds["ticket.recalled"] >= 1 and kinds["ticket.cancelled"] == 2
        assert hub["days"]["summarised"] == 1  # the hub's own summary of yesterday, not only live figures
    finally:
        shipper.stop()


def test_figures_follow_new_events(central, pg, store, clerks, clock):
    """After more tickets, the refreshed summary still equals the hub's /stats (no stale day)."""
    token = add_branch(pg)
    rng = random.Random(3)
    play_day(store, clock, rng, 10)
    shipper = ship_all(central, store, token)
    try:
        play_day(store, clock, rng, 10)
        wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=60)
        wait_for(lambda: central.get("/api/v1/health").json()["summaries_pending"] == 0, timeout=60)
        day = store.today()
        hub = stats.compute(store, day, day, stats.parse_group_by(GROUP_BY))
        staff = staff_token(pg)
        ours = central.get("/api/v1/branches/RUH-01/stats", params={"from": day.isoformat(), "group_by": GROUP_BY},
                           headers=bearer(staff)).json()
        assert comparable(ours) == comparable(hub)
        assert ours["totals"]["issued"] == 20
    finally:
        shipper.stop()


def test_the_league_ranks_every_branch_and_shows_no_feedback_yet(central, pg, store, clerks, clock):
    """League rows carry the period's figures; satisfaction and complaints are None without ratings or feedback."""
    token = add_branch(pg)
    add_branch(pg, "JED-02")
    play_day(store, clock, random.Random(5), 12)
    shipper = ship_all(central, store, token)
    try:
        staff = staff_token(pg)
        day = store.today().isoformat()
        league = central.get("/api/v1/league", params={"from": day, "to": day}, headers=bearer(staff)).json()
        rows = {row["code"]: row for row in league["rows"]}
        assert rows["RUH-01"]["rank"] == 1 and rows["JED-02"]["rank"] is None
        assert rows["RUH-01"]["values"]["served"] == stats.compute(store, date.fromisoformat(day), date.fromisoformat(day), [])["totals"]["served"]
        assert rows["RUH-01"]["values"]["satisfaction"] is None and rows["RUH-01"]["values"]["complaints"] is None
        assert {c["key"] for c in league["columns"]} >= {"wait_mean", "wait_p90", "within_target_share", "service_mean"}
    finally:
        shipper.stop()


def test_staff_api_needs_a_login(central, pg):
    """Without a staff session the league and a branch's figures are refused (401, both languages)."""
    add_branch(pg)
    for path in ("/api/v1/league", "/api/v1/branches/RUH-01/stats", "/api/v1/branches"):
        answer = central.get(path)
        assert answer.status_code == 401 and answer.json()["message_ar"]
    assert central.get("/api/v1/league", headers=bearer("a-branch-token-is-not-a-session")).status_code == 401


@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"from": "2026-11-30", "to": "2026-11-01"},
                                    {"from": "1999-01-01"}, {"group_by": "planet"}, {"from": "x" * 41}])
def test_bad_periods_are_refused(central, pg, params):
    """A date not in the calendar, a reversed or absurd period, an unknown grouping: 422."""
    add_branch(pg)
    staff = staff_token(pg)
    answer = central.get("/api/v1/branches/RUH-01/stats", params=params, headers=bearer(staff))
    assert answer.status_code == 422 and answer.json()["message_ar"]


def test_an_unknown_branch_is_404(central, pg):
    """Asking for a branch code that does not exist: 404 not_found."""
    staff = staff_token(pg)
    assert central.get("/api/v1/branches/NOPE/stats", headers=bearer(staff)).status_code == 404


def test_the_day_simulators_tickets_are_kept_but_never_counted(central, pg, store, clerks, clock):
    """Tickets a simulated kiosk issued reach the central marked, and its figures leave them out as the hub's do."""
    from core import commands

    token = add_branch(pg)
    play_day(store, clock, random.Random(11), 8)
    device = store.call(commands.enroll_device, "sim-kiosk", commands.DeviceKind.KIOSK, simulated=True, into_real_database=True)
    service = next(s.id for s in store.catalogue.services.values() if s.code == "A")
    for _ in range(3):
        store.call(commands.issue_ticket, service, device_id=device["device_id"])
    shipper = ship_all(central, store, token)
    try:
        day = store.today()
        hub = stats.compute(store, day, day, stats.parse_group_by(GROUP_BY))
        with_simulated = stats.compute(store, day, day, [], include_simulated=True)
        assert with_simulated["totals"]["issued"] == hub["totals"]["issued"] + 3
        staff = staff_token(pg)
        ours = central.get("/api/v1/branches/RUH-01/stats", params={"from": day.isoformat(), "group_by": GROUP_BY},
                           headers=bearer(staff)).json()
        assert comparable(ours) == comparable(hub)
        assert pg.execute("SELECT count(*) FROM entries WHERE simulated").fetchone()[0] == 3
    finally:
        shipper.stop()
