"""A month's rated and served visits (`load_month`) and the month a request asks for."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from core.errors import BadInput
from core.voice_figures import RatedVisit, ServedVisit, load_month, parse_month


def _month_db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        CREATE TABLE tickets (id INTEGER PRIMARY KEY, service_id INT, clerk_id INT, business_day TEXT,
                              status TEXT, started_at REAL, finished_at REAL, simulated INT DEFAULT 0);
        CREATE TABLE ratings (id INTEGER PRIMARY KEY, ticket_id INT, service_id INT, counter_id INT,
                              clerk_id INT, business_day TEXT, score INT, simulated INT DEFAULT 0);
        """
    )
    tickets = [
        (1, 1, 7, "2026-11-01", "done", 100.0, 400.0, 0),     # in the month, served 300 s
        (2, 2, 8, "2026-11-30", "done", 100.0, 160.0, 0),     # last day, 60 s
        (3, 1, 7, "2026-12-01", "done", 0.0, 50.0, 0),        # next month
        (4, 1, 7, "2026-11-10", "no_show", None, None, 0),    # not served
        (5, 1, 7, "2026-11-10", "done", None, 90.0, 0),       # finished without a start: no service time
        (6, 1, 9, "2026-11-10", "done", 0.0, 30.0, 1),        # simulated
    ]
    conn.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tickets)
    conn.executemany("INSERT INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        (1, 1, 1, 3, 7, "2026-11-01", 5, 0), (2, 2, 2, 4, 8, "2026-11-30", 2, 0),
        (3, 3, 1, 3, 7, "2026-12-01", 4, 0), (4, 6, 1, 3, 9, "2026-11-10", 1, 1),
    ])
    return conn


def test_load_month_takes_the_month_served_and_rated_real_visits():
    """Both ends of the month count; the next month, unserved, unstarted and simulated visits do not."""
    rated, served = load_month(_month_db(), "2026-11-01", "2026-11-30")
    assert sorted(rated, key=lambda r: r.score) == [RatedVisit(2, 4, 8, 2), RatedVisit(1, 3, 7, 5)]
    assert sorted(served, key=lambda s: s.service_seconds) == [ServedVisit(2, 8, 60.0), ServedVisit(1, 7, 300.0)]


def test_load_month_counts_simulated_visits_only_when_asked():
    """With include_simulated the simulated clerk's visit and rating are in."""
    rated, served = load_month(_month_db(), "2026-11-01", "2026-11-30", include_simulated=True)
    assert RatedVisit(1, 3, 9, 1) in rated and ServedVisit(1, 9, 30.0) in served


def test_parse_month_gives_the_first_and_last_day():
    """`2026-02` is 1–28 February; `2028-02` a leap February; nothing means the current month."""
    assert parse_month("2026-02", date(2026, 11, 24)) == ("2026-02", date(2026, 2, 1), date(2026, 2, 28))
    assert parse_month("2028-02", date(2026, 11, 24))[2] == date(2028, 2, 29)
    assert parse_month(None, date(2026, 11, 24)) == ("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert parse_month("  ", date(2026, 11, 24))[0] == "2026-11"


@pytest.mark.parametrize("text", [
    "2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", "١٤٤٨-٠٩", "2026-11' OR 1=1 --",
    "x" * 10_000, "1999-12", "2100-01",
])
def test_parse_month_refuses_what_is_not_a_month(text):
    """Wrong, hostile and huge months give a clear bilingual error, with at most 20 characters echoed."""
    with pytest.raises(BadInput) as caught:
        parse_month(text, date(2026, 11, 24))
    assert caught.value.message_ar and len(caught.value.message_en) < 200
