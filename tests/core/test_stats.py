"""KPIs: a known day worked through the real store, with every figure computed by hand here."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from core import commands, queries, stats
from core.errors import BadInput
from core.store import Store
from tests.conftest import RIYADH
from tests.support import Clock

DAY = date(2026, 11, 24)  # the clock fixture's business day (10:00 Riyadh)
NEXT_DAY = DAY + timedelta(days=1)


class Hall:
    """Drives the store as the counters would, at times given in seconds after 10:00."""

    def __init__(self, store: Store, clock: Clock, clerks: dict[str, int]) -> None:
        self.store, self.clock, self.clerks = store, clock, clerks
        self.start = clock.now
        self.counters: dict[int, tuple[int, int]] = {}

    def at(self, seconds: float) -> None:
        target = self.start + seconds
        assert target >= self.clock.now, "the script goes forwards"
        self.clock.now = target

    def open(self, number: int, username: str) -> None:
        counter_id = self.store.catalogue.counters_by_number[number].id
        self.store.call(commands.record_login, username, True, counter_id, None)
        self.counters[number] = (counter_id, self.clerks[username])

    def issue(self, code: str) -> int:
        return self.store.call(commands.issue_ticket, self.store.catalogue.services_by_code[code].id)["id"]

    def call_next(self, number: int) -> int:
        counter_id, clerk_id = self.counters[number]
        return self.store.call(commands.call_next, counter_id, clerk_id)["id"]

    def call_number(self, number: int, label: str) -> int:
        counter_id, clerk_id = self.counters[number]
        return self.store.call(commands.call_number, counter_id, clerk_id, label)["id"]

    def step(self, name: str, ticket_id: int, number: int) -> dict:
        return self.store.call(getattr(commands, name), ticket_id, self.counters[number][0])

    def transfer(self, ticket_id: int, number: int, code: str) -> int:
        service = self.store.catalogue.services_by_code[code].id
        return self.store.call(commands.transfer, ticket_id, self.counters[number][0], service)["id"]


def work_the_known_day(hall: Hall) -> dict[str, int]:
    """The synthetic day. Times are seconds after 10:00; targets: A 900 s, B 1200 s, C 600 s, F 300 s."""
    hall.open(1, "clerk1")  # counter 1 serves A and D
    hall.open(3, "clerk2")  # counter 3 serves B and C
    ids = {}
    for seconds, name, code in ((0, "a1", "A"), (10, "a2", "A"), (20, "b1", "B"), (30, "c1", "C"), (40, "a3", "A"), (50, "a4", "A"), (60, "a5", "A")):
        hall.at(seconds)
        ids[name] = hall.issue(code)
    hall.at(300)
    assert hall.call_next(1) == ids["a1"]  # a1 waited 300
    hall.step("start", ids["a1"], 1)
    hall.at(500)
    hall.step("finish", ids["a1"], 1)  # a1 served 200
    assert hall.call_next(1) == ids["a2"]  # a2 waited 490 (until this first call)
    hall.at(520)
    hall.step("no_show", ids["a2"], 1)
    hall.at(600)
    assert hall.call_next(3) == ids["b1"]  # b1 waited 580
    hall.step("start", ids["b1"], 3)
    hall.at(900)
    ids["a_moved"] = hall.transfer(ids["b1"], 3, "A")  # b1 goes on to A: a new entry issued at 900
    assert hall.call_next(3) == ids["c1"]  # c1 waited 870
    hall.step("start", ids["c1"], 3)
    hall.at(1000)
    assert hall.call_next(1) == ids["a_moved"]  # it keeps b1's first issue (20), so it goes first; waited 100
    hall.step("start", ids["a_moved"], 1)
    hall.at(1200)
    hall.store.call(commands.cancel, ids["a4"])  # a4 gives up
    hall.at(1300)
    hall.step("finish", ids["a_moved"], 1)  # served 300
    assert hall.call_next(1) == ids["a3"]  # a3 waited 1260
    hall.step("start", ids["a3"], 1)
    hall.at(1400)
    hall.step("finish", ids["a3"], 1)  # served 100
    assert hall.call_number(1, "A-002") == ids["a2"]  # a2 is back: called again, served by number
    hall.step("start", ids["a2"], 1)
    hall.at(1500)
    hall.step("finish", ids["c1"], 3)  # c1 served 600 (900 → 1500)
    hall.at(1700)
    hall.step("finish", ids["a2"], 1)  # a2 served 300
    assert hall.call_next(1) == ids["a5"]  # a5 waited 1640
    hall.at(1760)
    hall.step("no_show", ids["a5"], 1)
    hall.at(4000)  # 11:06:40
    ids["f1"] = hall.issue("F")  # still waiting at the end
    return ids


# Waits of the called entries: a1 300, a2 490, b1 580, c1 870, a_moved 100, a3 1260, a5 1640.
WAITS = sorted([300, 490, 580, 870, 100, 1260, 1640])  # 100 300 490 580 870 1260 1640
# Within their service's target: a1, a2 (A 900), b1 (B 1200), a_moved (A 900); not c1 (C 600), a3, a5.
WITHIN = 4
# Service times of the served entries: a1 200, a_moved 300, a3 100, c1 600, a2 300.
SERVICES = [200, 300, 100, 600, 300]


@pytest.fixture
def hall(store: Store, clock: Clock, clerks: dict[str, int]) -> Hall:
    return Hall(store, clock, clerks)


def test_the_known_day_matches_the_hand_computed_figures(hall: Hall):
    """Counts, mean/median/p90 of wait and service, and the share within target, as worked out by hand."""
    work_the_known_day(hall)
    totals = stats.compute(hall.store, DAY, DAY, [])["totals"]
    assert (totals["issued"], totals["served"], totals["no_show"], totals["cancelled"]) == (8, 5, 1, 1)
    assert (totals["expired"], totals["transferred"], totals["waiting"], totals["in_service"]) == (0, 1, 1, 0)
    # 7 waits: mean 5240 / 7 = 748.57; median the 4th (580); p90 the ⌈6.3⌉ = 7th (1640).
    assert totals["wait_seconds"] == {"count": 7, "mean": 748.6, "median": 580.0, "p90": 1640.0}
    # 5 services: mean 1500 / 5 = 300; median the 3rd of 100 200 300 300 600 (300); p90 the 5th (600).
    assert totals["service_seconds"] == {"count": 5, "mean": 300.0, "median": 300.0, "p90": 600.0}
    assert totals["service_seconds_total"] == 1500
    assert totals["within_target_share"] == round(4 / 7, 4)
    assert sum(WAITS) == 5240 and sum(SERVICES) == 1500 and WITHIN == 4


def test_the_known_day_per_service_clerk_counter_and_hour(hall: Hall):
    """Each grouping splits the day as the script says: A, B, C and F; clerk1 and clerk2; 10:00 and 11:00."""
    work_the_known_day(hall)
    answer = stats.compute(hall.store, DAY, DAY, list(stats.GROUPINGS))
    services = {row["code"]: row for row in answer["by_service"]}
    assert set(services) == {"A", "B", "C", "F"}
    a = services["A"]
    # A: a1..a5 issued (the moved entry is not a new issue); a1, a2, a_moved, a3 served; a5 absent; a4 cancelled.
    assert (a["issued"], a["served"], a["no_show"], a["cancelled"], a["transferred"]) == (5, 4, 1, 1, 0)
    # A's waits 100 300 490 1260 1640: mean 3790 / 5 = 758; median 3rd = 490; p90 5th = 1640; 3 within 900.
    assert a["wait_seconds"] == {"count": 5, "mean": 758.0, "median": 490.0, "p90": 1640.0}
    assert a["within_target_share"] == 0.6 and a["target_wait_seconds"] == 900
    assert (services["B"]["issued"], services["B"]["transferred"], services["B"]["wait_seconds"]["mean"]) == (1, 1, 580.0)
    assert services["C"]["within_target_share"] == 0.0 and services["C"]["service_seconds"]["mean"] == 600.0
    assert (services["F"]["issued"], services["F"]["waiting"], services["F"]["wait_seconds"]["count"]) == (1, 1, 0)

    clerks = {row["clerk"]: row for row in answer["by_clerk"]}
    assert set(clerks) == {"clerk1", "clerk2"}
    # clerk1 (counter 1): a1, a_moved, a3, a2 served (200 + 300 + 100 + 300), a5 absent.
    assert (clerks["clerk1"]["served"], clerks["clerk1"]["no_show"], clerks["clerk1"]["service_seconds_total"]) == (4, 1, 900)
    # clerk2 (counter 3): b1 transferred, c1 served 600.
    assert (clerks["clerk2"]["served"], clerks["clerk2"]["transferred"], clerks["clerk2"]["service_seconds_total"]) == (1, 1, 600)
    assert [row["number"] for row in answer["by_counter"]] == [1, 3]

    hours = {row["hour"]: row for row in answer["by_hour"]}
    # Hour of issue: everything at 10:xx except f1 (11:06); the moved entry arrived at 10:15.
    assert (hours[10]["issued"], hours[10]["transferred"], hours[11]["issued"], hours[11]["waiting"]) == (7, 1, 1, 1)
    assert [row["day"] for row in answer["by_day"]] == [DAY.isoformat()]
    assert answer["by_day"][0]["issued"] == 8
    bands = answer["totals"]["wait_distribution"]
    # 0-5 min: 100, 300 is 5 min so in 5-10 with 490 and 580; 870 in 10-15; 1260 in 20-25; 1640 in 25-30.
    assert [band["count"] for band in bands[:6]] == [1, 3, 1, 0, 1, 1]
    assert sum(band["count"] for band in bands) == 7


def test_the_answer_keeps_the_committed_names(hall: Hall):
    """Every name the first version answered with is still there (clients are written against it)."""
    work_the_known_day(hall)
    answer = stats.compute(hall.store, DAY, DAY, list(stats.GROUPINGS))
    assert {"from", "to", "totals", "by_service", "by_counter", "by_clerk", "by_hour", "by_day"} <= answer.keys()
    first_names = {"issued", "served", "no_show", "cancelled", "expired", "transferred", "waiting", "wait_seconds",
                   "service_seconds", "within_target_share"}
    assert first_names <= answer["totals"].keys()
    assert {"service_id", "code", "name_ar", "name_en"} <= answer["by_service"][0].keys()
    assert {"counter_id", "number"} <= answer["by_counter"][0].keys()
    assert {"clerk"} <= answer["by_clerk"][0].keys() and {"hour"} <= answer["by_hour"][0].keys()
    assert {"count", "mean", "median", "p90"} == answer["totals"]["wait_seconds"].keys()


def test_an_empty_period_has_zero_counts_and_no_averages(store: Store):
    """A period without tickets answers zeros, nulls for the times and empty groupings (no error)."""
    answer = stats.compute(store, date(2026, 1, 1), date(2026, 1, 31), list(stats.GROUPINGS))
    totals = answer["totals"]
    assert totals["issued"] == totals["served"] == totals["waiting"] == 0
    assert totals["wait_seconds"] == {"count": 0, "mean": None, "median": None, "p90": None}
    assert totals["within_target_share"] is None
    assert all(answer[f"by_{g}"] == [] for g in stats.GROUPINGS)
    assert sum(band["count"] for band in totals["wait_distribution"]) == 0
    assert answer["days"] == {"summarised": 0, "live": 0}


def test_the_rollover_stores_the_day_and_its_figures_do_not_change(hall: Hall):
    """After the rollover the day comes from its stored summary, with the same figures (f1 now expired)."""
    work_the_known_day(hall)
    before = stats.compute(hall.store, DAY, DAY, list(stats.GROUPINGS))
    hall.clock.now = datetime(2026, 11, 25, 3, 0, 5, tzinfo=RIYADH).timestamp()
    hall.issue("A")  # the first command after 03:00 rolls the day over
    after = stats.compute(hall.store, DAY, DAY, list(stats.GROUPINGS))
    assert after["days"] == {"summarised": 1, "live": 0}
    assert (after["totals"]["waiting"], after["totals"]["expired"]) == (0, 1)
    expected = {**before["totals"], "waiting": 0, "expired": 1}
    assert after["totals"] == expected
    for grouping in ("by_service", "by_clerk", "by_counter"):
        assert after[grouping] == [
            {**row, **({"waiting": 0, "expired": 1} if row.get("code") == "F" else {})} for row in before[grouping]
        ]
    with hall.store.read() as conn:
        live = stats.compute_on(conn, DAY, DAY, list(stats.GROUPINGS), RIYADH, use_summaries=False)
        stored = conn.execute("SELECT final, entries FROM day_summaries WHERE business_day = ?", (DAY.isoformat(),)).fetchone()
    assert live["days"] == {"summarised": 0, "live": 1}
    assert {k: v for k, v in live.items() if k != "days"} == {k: v for k, v in after.items() if k != "days"}
    assert tuple(stored) == (1, 9)  # final; 8 issued + 1 moved entry


def test_a_period_spanning_the_rollover_adds_both_days(hall: Hall):
    """Two days, the first stored and the second live, add up; each keeps its own line per day."""
    work_the_known_day(hall)
    hall.clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=RIYADH).timestamp()
    counter_id, clerk_id = hall.counters[1]
    hall.store.call(commands.record_login, "clerk1", True, counter_id, None)
    first = hall.issue("A")
    hall.clock.advance(120)
    assert hall.store.call(commands.call_next, counter_id, clerk_id)["id"] == first  # waited 120
    hall.store.call(commands.start, first, counter_id)
    hall.clock.advance(60)
    hall.store.call(commands.finish, first, counter_id)  # served 60
    answer = stats.compute(hall.store, DAY, NEXT_DAY, ["day", "clerk"])
    assert answer["days"] == {"summarised": 1, "live": 1}
    days = {row["day"]: row for row in answer["by_day"]}
    assert (days[DAY.isoformat()]["issued"], days[DAY.isoformat()]["expired"]) == (8, 1)
    assert (days[NEXT_DAY.isoformat()]["issued"], days[NEXT_DAY.isoformat()]["served"]) == (1, 1)
    totals = answer["totals"]
    assert (totals["issued"], totals["served"], totals["expired"]) == (9, 6, 1)
    # Waits now 120 and the seven above: (5240 + 120) / 8 = 670; median the 4th of 100 120 300 490 …: 490.
    assert totals["wait_seconds"] == {"count": 8, "mean": 670.0, "median": 490.0, "p90": 1640.0}
    # Services: (1500 + 60) / 6 = 260.
    assert totals["service_seconds"]["mean"] == 260.0
    assert {row["clerk"]: row["served"] for row in answer["by_clerk"]} == {"clerk1": 5, "clerk2": 1}


def test_a_visitor_at_a_counter_over_the_rollover_counts_as_served_that_day(hall: Hall):
    """A visitor still being served at the rollover is served on their day, until the day's end; the day is final."""
    hall.open(1, "clerk1")
    ticket = hall.issue("A")
    hall.at(600)
    hall.call_next(1)
    hall.step("start", ticket, 1)
    hall.clock.now = datetime(2026, 11, 25, 3, 30, tzinfo=RIYADH).timestamp()
    hall.issue("C")  # rolls over at 03:30: the visitor was still at counter 1
    with hall.store.read() as conn:
        assert conn.execute("SELECT final FROM day_summaries WHERE business_day = ?", (DAY.isoformat(),)).fetchone()[0] == 1
    answer = stats.compute(hall.store, DAY, DAY, [])
    assert answer["days"] == {"summarised": 1, "live": 0}
    # Served from 10:10 until the day ended at 03:00, not until the hub noticed at 03:30.
    started = datetime(2026, 11, 24, 10, 10, tzinfo=RIYADH).timestamp()
    ended = datetime(2026, 11, 25, 3, 0, tzinfo=RIYADH).timestamp()
    assert (answer["totals"]["served"], answer["totals"]["in_service"]) == (1, 0)
    assert answer["totals"]["service_seconds"]["mean"] == round(ended - started, 1)


def test_a_called_visitor_at_the_rollover_is_a_no_show_of_that_day(hall: Hall):
    """A visitor called but never started by the rollover counts as a no-show on their day, wait kept."""
    hall.open(1, "clerk1")
    ticket = hall.issue("A")
    hall.at(300)
    hall.call_next(1)
    hall.clock.now = datetime(2026, 11, 25, 3, 5, tzinfo=RIYADH).timestamp()
    hall.issue("C")
    totals = stats.compute(hall.store, DAY, DAY, [])["totals"]
    assert (totals["no_show"], totals["served"], totals["in_service"]) == (1, 0, 0)
    assert totals["wait_seconds"]["count"] == 1 and totals["wait_seconds"]["mean"] == 300.0
    assert queries.get_ticket(hall.store, ticket)["status"] == "no_show"


def test_a_failing_summary_never_stops_the_rollover(hall: Hall, caplog):
    """If the summary cannot be stored the day still rolls (numbering restarts) and the day is computed live."""
    hall.issue("A")
    # A summary table the store cannot write to (a trigger refuses every row).
    conn = sqlite3.connect(hall.store.path)
    conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON day_summaries BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    conn.commit()
    conn.close()
    hall.clock.now = datetime(2026, 11, 25, 3, 30, tzinfo=RIYADH).timestamp()
    assert hall.store.call(commands.issue_ticket, hall.store.catalogue.services_by_code["A"].id)["number"] == "A-001"
    assert "could not store the daily summaries" in caplog.text
    answer = stats.compute(hall.store, DAY, DAY, [])
    assert answer["days"] == {"summarised": 0, "live": 1} and answer["totals"]["expired"] == 1


# ── histograms and quantiles ─────────────────────────────────────────────────────────────


def test_bins_and_their_edges():
    """10-second bins below 4 h, 10-minute bins below 24 h, one bin beyond; each edge is its bin's floor."""
    assert [stats.bin_of(s) for s in (0, 9.99, 10, -5)] == [0, 0, 1, 0]
    assert stats.bin_of(stats.FINE_LIMIT - 0.01) == stats.FINE_BINS - 1
    assert stats.bin_of(stats.FINE_LIMIT) == stats.FINE_BINS
    assert stats.bin_of(86_399) == stats.OVERFLOW_BIN - 1 and stats.bin_of(10**9) == stats.OVERFLOW_BIN
    for seconds in (0, 10, 1234, 14_400, 20_000, 86_400):
        assert stats.bin_floor(stats.bin_of(seconds)) <= seconds < stats.bin_floor(stats.bin_of(seconds)) + 600 or seconds >= 86_400


def test_quantiles_are_nearest_rank_on_the_bins():
    """Median ⌈n/2⌉-th and p90 ⌈9n/10⌉-th value, rounded down to the bin; none for an empty histogram."""
    values = [30, 40, 50, 60, 70, 80, 90, 100, 110, 7200]
    histogram = stats.histogram_from_counts((stats.bin_of(v), 1) for v in values)
    # n = 10: the 5th value (70) and the 9th (110).
    assert stats.quantiles(histogram) == (70, 110)
    assert stats.quantiles(0) == (None, None)
    assert stats.decode_histogram(stats.encode_histogram(histogram)) == histogram
    assert stats.encode_histogram(0) is None and stats.decode_histogram(None) == 0
    one = stats.histogram_from_counts([(stats.bin_of(45), 1)])
    assert stats.quantiles(one) == (40, 40)


# ── bad input ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("text", ["2026-02-30", "24/11/2026", "2026-11-24T10:00", "yesterday", "٢٠٢٦-١١-٢٤", "2026-1-5",
                                  "'; DROP TABLE tickets; --", "9" * 500, "2026-11-24\x00"])
def test_bad_dates_are_refused_with_a_clear_message(text: str):
    """A date that is not YYYY-MM-DD is a 422-style refusal naming the parameter, in both languages."""
    with pytest.raises(BadInput) as refused:
        stats.parse_day(text, "from")
    assert "'from'" in refused.value.message_en and "YYYY-MM-DD" in refused.value.message_en
    assert refused.value.message_ar and refused.value.status == 422
    assert len(refused.value.message_en) < 200


def test_periods_backwards_too_long_or_out_of_range_are_refused():
    """'to' before 'from', more than ten years, or dates outside 2000-2099 are refused; empty means absent."""
    assert stats.parse_day("", "to") is None and stats.parse_day(None, "to") is None
    assert stats.parse_day(" 2026-11-24 ", "to") == DAY
    for first, last, words in ((DAY, DAY - timedelta(days=1), "before"), (date(2001, 1, 1), date(2020, 1, 1), "ten years"),
                               (date(1999, 12, 31), date(2000, 1, 1), "between"), (date(2100, 1, 1), date(2100, 1, 2), "between")):
        with pytest.raises(BadInput) as refused:
            stats.check_period(first, last)
        assert words in refused.value.message_en
    with pytest.raises(BadInput):
        stats.parse_group_by("service,colour")
    assert stats.parse_group_by(" day, service ,day") == ["day", "service"]
