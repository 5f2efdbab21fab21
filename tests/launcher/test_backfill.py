"""`simulate --days N --backfill`: past business days at real past instants, shaped like a hall's days."""

from __future__ import annotations

import random
import sqlite3
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import stats
from core.config import DEMO_CONFIG, load_config, parse_config
from launcher.backfill import (
    PRAYER_DIP,
    Backfill,
    CounterDay,
    SettableClock,
    _staff,
    arrivals,
    business_days_before,
    opening_windows,
    prayer_times,
    run_backfill,
)
from launcher.simulate import Plan, SimulationError
from tests.launcher.test_simulate_isolation import simulate_until_sigterm

RIYADH = ZoneInfo("Asia/Riyadh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=RIYADH).timestamp()  # a Thursday morning
DAYS = ["2026-11-23", "2026-11-24", "2026-11-25"]  # Monday to Wednesday before it
FIRST, LAST = date(2026, 11, 23), date(2026, 11, 25)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three business days of the demo centre (open "always": worked as a government office)."""
    db = tmp_path_factory.mktemp("backfill") / "demo.sqlite"
    result = run_backfill(db, load_config(DEMO_CONFIG), Plan(visitors_per_hour=60, counters=8, seed=7), 3, now=NOW)
    assert result.tally.days == DAYS and not result.stopped
    assert result.tally.issued > 900 and result.tally.no_shows > 0 and result.tally.transfers > 0
    return db


def figures(db: Path, include_simulated: bool = True) -> dict:
    with sqlite3.connect(db) as conn:
        return stats.compute_on(conn, FIRST, LAST, ["hour", "day", "service"], RIYADH, include_simulated=include_simulated)


def test_hours_of_day_have_the_morning_peak_and_the_midday_dips(month: Path):
    """The busiest hour is 09 or 10; the hours of Dhuhr (11:40) and lunch are far below it; the
    afternoon picks up again; nothing is issued before 07:30 or after 14:30."""
    by_hour = {row["hour"]: row["issued"] for row in figures(month)["by_hour"]}
    assert max(by_hour, key=by_hour.get) in (9, 10)
    assert by_hour[11] < 0.7 * by_hour[10] and by_hour[12] < 0.7 * by_hour[10]
    assert by_hour[13] > 1.2 * by_hour[12]
    assert set(hour for hour, issued in by_hour.items() if issued) <= set(range(7, 15))


def test_medians_are_positive_and_plausible(month: Path):
    """Waits and service times are real durations (the demo's services average 4 to 9 minutes)."""
    totals = figures(month)["totals"]
    service, wait = totals["service_seconds"], totals["wait_seconds"]
    assert 180 <= service["median"] <= 540 and service["p90"] > service["median"]
    assert 0 < wait["median"] < 3600 and wait["mean"] > 0
    by_day = figures(month)["by_day"]
    assert [row["day"] for row in by_day] == DAYS and all(row["service_seconds"]["median"] > 0 for row in by_day)


def test_every_instant_is_a_real_past_one_inside_opening_hours(month: Path):
    """Tickets only Sunday to Thursday 07:30-14:30 local; the event log in order, without gaps,
    with a rollover per day and every day's summary stored; the hall left closed."""
    conn = sqlite3.connect(month)
    try:
        issued = [row[0] for row in conn.execute("SELECT issued_at FROM tickets WHERE transferred_from_ticket_id IS NULL")]
        for at in issued:
            local = datetime.fromtimestamp(at, RIYADH)
            assert local.strftime("%Y-%m-%d") in DAYS and "07:30" <= local.strftime("%H:%M") < "14:30", local
        seqs = [row[0] for row in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        ats = [row[0] for row in conn.execute("SELECT at FROM events ORDER BY seq")]
        assert ats == sorted(ats) and ats[-1] <= NOW
        rolled = [row[0] for row in conn.execute("SELECT json_extract(payload, '$.business_day') FROM events WHERE type = 'day.rolled'")]
        assert rolled == ["2026-11-24", "2026-11-25", "2026-11-26"]
        summaries = conn.execute("SELECT business_day, final, entries, simulated_entries FROM day_summaries ORDER BY 1").fetchall()
        assert [(day, final, entries) for day, final, entries, _ in summaries] == [(day, 1, 0) for day in DAYS]
        assert all(simulated > 300 for _, _, _, simulated in summaries)
        assert conn.execute("SELECT COUNT(*) FROM counters WHERE status != 'closed'").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE simulated = 0").fetchone()[0] == 0
        paused = conn.execute("SELECT COUNT(*) FROM events WHERE type = 'counter.paused'").fetchone()[0]
        assert paused == 8 * 3  # each clerk once a day for Dhuhr (Asr is after closing in November)
    finally:
        conn.close()


def test_reports_leave_the_backfill_out_unless_asked(month: Path):
    plain, everything = figures(month, include_simulated=False), figures(month)
    assert plain["totals"]["issued"] == 0 and plain["days"] == {"summarised": 3, "live": 0}
    assert everything["totals"]["issued"] > 900 and everything["days"] == {"summarised": 0, "live": 3}


def test_arrivals_dip_at_dhuhr_asr_and_lunch():
    """A long day (07:30-16:00) drawn many times: the rate within each prayer's window and at lunch
    is well below the half hour before it."""
    day = date(2026, 6, 21)
    prayers = prayer_times(day, RIYADH)
    assert "11:45" <= datetime.fromtimestamp(prayers.dhuhr, RIYADH).strftime("%H:%M") <= "12:05"  # Riyadh in June
    assert "15:05" <= datetime.fromtimestamp(prayers.asr, RIYADH).strftime("%H:%M") <= "15:30"
    start = datetime(2026, 6, 21, 7, 30, tzinfo=RIYADH).timestamp()
    rng = random.Random(1)
    times = [t for _ in range(60) for t in arrivals([(start, start + 8.5 * 3600)], 100, prayers, RIYADH, rng)]

    def per_minute(first: float, last: float) -> float:
        return sum(1 for t in times if first <= t < last) / ((last - first) / 60)

    for prayer in (prayers.dhuhr, prayers.asr):
        inside = per_minute(prayer + PRAYER_DIP[0], prayer + PRAYER_DIP[1])
        before = per_minute(prayer + PRAYER_DIP[0] - 1800, prayer + PRAYER_DIP[0])
        assert inside < 0.4 * before
    lunch = datetime(2026, 6, 21, 12, 30, tzinfo=RIYADH).timestamp()
    assert per_minute(lunch, lunch + 2700) < 0.7 * per_minute(lunch + 2700, lunch + 4500)


def test_weekly_hours_holidays_and_working_days_are_kept(tmp_path: Path):
    """A centre open Sunday-Thursday 08:00-12:00 for A, 07:30-14:30 for the others, closed on a
    holiday: tickets only inside each service's hours, none on the holiday or the weekend."""
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(
        'hours = "always"',
        'hours = { sun = ["07:30-14:30"], mon = ["07:30-14:30"], tue = ["07:30-14:30"], wed = ["07:30-14:30"], thu = ["07:30-14:30"] }',
        1,
    ).replace(
        'average_service_minutes = 7\n',
        'average_service_minutes = 7\nhours = { sun = ["08:00-12:00"], mon = ["08:00-12:00"], tue = ["08:00-12:00"], '
        'wed = ["08:00-12:00"], thu = ["08:00-12:00"] }\n',
        1,
    ) + '\n[[centre.special_days]]\nname = "holiday"\nfrom = "2026-11-24"\nto = "2026-11-24"\nclosed = true\n'
    config = parse_config(text.encode(), "test.toml", base_dir=DEMO_CONFIG.parent)
    tz = RIYADH
    hours = {s.code: s for s in config.services}
    assert hours["A"].hours is not None
    chosen = business_days_before(date(2026, 11, 26), 2, lambda day: day.weekday() in (6, 0, 1, 2, 3) and day != date(2026, 11, 24))
    assert chosen == [date(2026, 11, 23), date(2026, 11, 25)]
    db = tmp_path / "weekly.sqlite"
    result = run_backfill(db, config, Plan(visitors_per_hour=40, counters=8, seed=3), 2, now=NOW)
    assert result.tally.days == ["2026-11-23", "2026-11-25"]  # the 24th is the holiday
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT s.code, t.issued_at FROM tickets t JOIN services s ON s.id = t.service_id WHERE t.transferred_from_ticket_id IS NULL"
        ).fetchall()
    finally:
        conn.close()
    assert {code for code, _ in rows} >= {"A", "B"}
    for code, at in rows:
        clock = datetime.fromtimestamp(at, tz).strftime("%H:%M")
        assert ("08:00" <= clock < "12:00") if code == "A" else ("07:30" <= clock < "14:30"), (code, clock)
    assert opening_windows(config_hours(config, "A"), date(2026, 11, 27), tz, 7) == []  # a Friday


def config_hours(config, code: str):
    from core.catalogue import hours_by_service

    return hours_by_service(config)[code]


def test_databases_that_must_not_be_backfilled_are_refused(month: Path, tmp_path: Path):
    """A log that reaches past the first day, real tickets, a running hub, impossible days: refused
    in both languages, nothing written."""
    plan = Plan(visitors_per_hour=30, counters=2, seed=1)
    with pytest.raises(SimulationError) as later:
        run_backfill(month, load_config(DEMO_CONFIG), plan, 2, now=NOW)
    assert "new --db file" in later.value.message_en and "\u2066--db\u2069" in later.value.message_ar
    real = tmp_path / "real.sqlite"
    conn = sqlite3.connect(real)
    conn.executescript(
        "CREATE TABLE tickets (id INTEGER PRIMARY KEY); INSERT INTO tickets VALUES (1);"
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, at REAL);"
    )
    conn.close()
    with pytest.raises(SimulationError, match="--into-real-database") as refused:
        run_backfill(real, load_config(DEMO_CONFIG), plan, 2, now=NOW)
    assert "--into-real-database" in refused.value.message_ar
    for days in (0, -1, 367, 10**9):
        with pytest.raises(SimulationError, match="--days"):
            run_backfill(tmp_path / "none.sqlite", load_config(DEMO_CONFIG), plan, days, now=NOW)
    with pytest.raises(SimulationError, match="fewer days") as huge:
        run_backfill(tmp_path / "none.sqlite", load_config(DEMO_CONFIG), Plan(visitors_per_hour=5000, counters=2), 366, now=NOW)
    assert "300,000" in huge.value.message_ar
    assert not (tmp_path / "none.sqlite").exists()
    from hub.writer_lock import WriterLock

    busy = tmp_path / "busy.sqlite"
    lock = WriterLock(busy).acquire(role="hub", url="http://127.0.0.1:8470")
    try:
        with pytest.raises(SimulationError, match="in use"):
            run_backfill(busy, load_config(DEMO_CONFIG), plan, 1, now=NOW)
    finally:
        lock.release()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--days", "3"], "--backfill"),
        (["--backfill"], "--backfill"),
        (["--backfill", "--days", "0"], "--days"),
        (["--backfill", "--days", "3", "--config", "/nonexistent/centre.toml"], "no such file"),
    ],
)
def test_the_command_explains_wrong_options(argv: list[str], words: str, tmp_path: Path, capsys):
    import argparse

    from launcher import cli

    parser = argparse.ArgumentParser(prog="tabour")
    cli.register(parser.add_subparsers(dest="role"))
    args = parser.parse_args(
        ["simulate", "--visitors-per-hour", "30", "--counters", "2", "--db", str(tmp_path / "x.sqlite"), *argv]
    )
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert words in err and "خطأ:" in err
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_during_a_backfill_leaves_no_counter_open(tmp_path: Path):
    """Stopped after its first day of thirty: the day being written is closed, the log stays in order."""
    db = tmp_path / "stopped.sqlite"
    code, out, err = simulate_until_sigterm(
        ["--backfill", "--days", "30", "--db", str(db), "--visitors-per-hour", "60", "--counters", "8", "--seed", "2"],
        "issued",
        120,
    )
    assert code == 0, err
    assert "backfill stopped" in out and "Traceback" not in err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM counters WHERE status != 'closed'").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
        ats = [row[0] for row in conn.execute("SELECT at FROM events ORDER BY seq")]
        assert ats == sorted(ats)
    finally:
        conn.close()


def test_a_stop_while_a_login_is_still_being_written_closes_that_counter_too(tmp_path: Path):
    """Ctrl+C interrupts the wait for a write, not the write: a login still in the writer's hands
    when the backfill winds down is committed first, then logged out, so no counter stays open."""
    from core import commands
    from core.models import DeviceKind

    clock = SettableClock(NOW)
    with commands.open_store(tmp_path / "race.sqlite", load_config(DEMO_CONFIG), clock=clock) as store:
        staffed = _staff(store, Plan(visitors_per_hour=10, counters=1))
        device = store.call(commands.enroll_device, "simulator backfill", DeviceKind.ADMIN, simulated=True)
        backfill = Backfill(store, clock, Plan(visitors_per_hour=10, counters=1), device["device_id"], random.Random(1))
        desk = staffed[0]
        backfill.desks = [CounterDay(desk["id"], desk["clerk"], desk["clerk_id"], desk["service_ids"], NOW, NOW + 3600, [])]
        gate = threading.Event()
        store.submit(lambda tx: gate.wait(10))  # the writer is busy...
        login = store.submit(commands.record_login, desk["clerk"], True, desk["id"], None)  # ...with the login behind it
        threading.Timer(0.3, gate.set).start()
        backfill.wind_down()
        assert login.done() and not isinstance(login.result(), Exception)
        with store.read() as conn:
            assert conn.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 0
            assert conn.execute("SELECT COUNT(*) FROM counters WHERE status != 'closed'").fetchone()[0] == 0
