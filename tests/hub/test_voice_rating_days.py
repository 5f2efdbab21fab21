"""Stored daily rating tallies: written at the rollover once a day's ratings are settled, and
giving the very figures the ratings give."""

from __future__ import annotations

from datetime import date

from core import voice_figures
from tests.core.test_voice_league import build_month
from tests.hub.test_voice_figures_api import DAY, rate, serve


def figures(hall, supervisor, first: str, last: str | None = None) -> dict:
    answer = hall.client.get(f"/api/v1/stats?from={first}&to={last or first}", headers=supervisor)
    assert answer.status_code == 200, answer.text
    return answer.json()


def stored_days(hall) -> list[str]:
    with hall.store.read() as conn:
        return [row[0] for row in conn.execute("SELECT business_day FROM rating_days ORDER BY business_day")]


def test_a_day_is_stored_once_settled_and_its_figures_do_not_change(hall, clerks, clock):
    """Rated on the 24th; not stored at the next rollover (ratings may still come), stored at the
    one after; `/stats` for the day answers the same satisfaction before and after."""
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(1, "clerk1")
    for score in (5, 2):
        rate(hall, serve(hall, kiosk, clerk, 1, "A", clock), score)
    supervisor = hall.login(8, "super", "9999")
    before = figures(hall, supervisor, DAY)
    clock.advance(86400)
    hall.issue(kiosk)  # a write after the rollover hour rolls the day
    assert stored_days(hall) == []
    clock.advance(86400)
    hall.issue(kiosk)
    assert stored_days(hall) == [DAY]
    supervisor = hall.login(8, "super", "9999")
    after = figures(hall, supervisor, DAY)
    for key in ("totals", "by_service", "by_counter", "by_clerk", "by_hour", "by_day"):
        assert str(after[key]) == str(before[key]), key
    assert after["totals"]["satisfaction"]["score_counts"] == [0, 1, 0, 0, 1]


def test_stored_and_counted_tallies_agree_on_a_month(store, clerks):
    """The constructed month, stored day by day, gives every grouping's counts as counting the ratings does."""
    build_month(store, clerks)
    tz = store.catalogue.tz
    with store.read() as conn:
        counted = voice_figures.rating_tallies(conn, "2026-11-01", "2026-11-30", tz)
        days = voice_figures.rating_days_to_store(conn, "2026-11-24")
        unsettled = voice_figures.rating_days_to_store(conn, "2026-11-21")
    assert sorted(days) == [f"2026-11-{n:02d}" for n in range(1, 21)]
    assert max(unsettled) == "2026-11-19"  # on the 21st, the 20th's ratings may still come
    store.call(lambda tx: [voice_figures.store_rating_day(tx.conn, day, tz, tx.now) for day in days])
    with store.read() as conn:
        merged = voice_figures.period_rating_tallies(conn, "2026-11-01", "2026-11-30", tz)
        with_simulated = voice_figures.period_rating_tallies(conn, "2026-11-01", "2026-11-30", tz, include_simulated=True)
    for grouping in ("total", "service", "counter", "clerk", "hour", "day"):
        assert {k: t.counts for k, t in merged[grouping].items()} == {k: t.counts for k, t in counted[grouping].items()}, grouping
    assert sum(with_simulated["total"][0].counts) == sum(counted["total"][0].counts) + 1  # the one simulated rating


def test_runs_of_unstored_days():
    """The days a period must still count from the ratings, as runs."""
    stored = {"2026-11-02", "2026-11-03", "2026-11-05"}
    assert voice_figures._ranges_outside(date(2026, 11, 1), date(2026, 11, 6), stored) == [
        ("2026-11-01", "2026-11-01"), ("2026-11-04", "2026-11-04"), ("2026-11-06", "2026-11-06")]
    assert voice_figures._ranges_outside(date(2026, 11, 2), date(2026, 11, 3), stored) == []
