"""Months of visits, ratings and complaints written straight into a hub's database (tests and
bench/voice_month.py): the league and the monthly report are figures over stored rows, and a
month of 60,000 tickets through the HTTP API would take far longer than the figures themselves."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RIYADH = ZoneInfo("Asia/Riyadh")


@dataclass(frozen=True)
class Visit:
    """One entry: served (`status` done) or not, with its clerk, times and optional rating."""

    service_id: int
    counter_id: int
    clerk_id: int
    day: date
    issued_at: float
    wait_seconds: float
    service_seconds: float
    status: str = "done"
    recalls: int = 0
    score: int | None = None
    simulated: bool = False


class VisitWriter:
    """Inserts tickets (and their ratings) with unique numbers per service and day."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.sequence: dict[tuple[int, str], int] = {}
        row = conn.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()
        self.next_id = row[0] + 1

    def add(self, visit: Visit) -> int:
        day = visit.day.isoformat()
        key = (visit.service_id, day)
        number = self.sequence[key] = self.sequence.get(key, 10_000) + 1
        self.conn.execute(
            "INSERT INTO day_counters (service_id, business_day, last_sequence) VALUES (?, ?, ?)"
            " ON CONFLICT (service_id, business_day) DO UPDATE SET last_sequence = excluded.last_sequence",
            (visit.service_id, day, number),
        )
        ticket_id = self.next_id
        self.next_id += 1
        called = visit.issued_at + visit.wait_seconds
        served = visit.status == "done"
        started = called + 30 if served else None
        finished = started + visit.service_seconds if served else None
        self.conn.execute(
            "INSERT INTO tickets (id, service_id, business_day, sequence, number, label, priority, status, code,"
            " issued_at, first_issued_at, called_at, started_at, finished_at, counter_id, clerk_id, recalls, simulated)"
            " VALUES (?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, visit.service_id, day, number, number, f"S{visit.service_id}-{number}", visit.status,
             f"month{ticket_id:012d}", visit.issued_at, visit.issued_at, called, started, finished,
             visit.counter_id, visit.clerk_id, visit.recalls, int(visit.simulated)),
        )
        if visit.score is not None:
            self.conn.execute(
                "INSERT INTO ratings (ticket_id, business_day, service_id, counter_id, clerk_id, score, source, at, simulated)"
                " VALUES (?, ?, ?, ?, ?, ?, 'phone', ?, ?)",
                (ticket_id, day, visit.service_id, visit.counter_id, visit.clerk_id, visit.score,
                 (finished or called) + 60, int(visit.simulated)),
            )
        return ticket_id

    def complaint(self, ticket_id: int | None, day: date, filed_at: float, *, kind: str = "complaint",
                  status: str = "new", answered_after: float | None = None, clerk_id: int | None = None,
                  service_id: int | None = None) -> None:
        reference = f"R{self.next_id:09d}"
        self.next_id += 1
        answered_at = filed_at + answered_after if answered_after is not None else None
        self.conn.execute(
            "INSERT INTO visitor_feedback (reference, kind, text, ticket_id, business_day, service_id, clerk_id, source,"
            " status, answer, created_at, updated_at, answered_at) VALUES (?, ?, 'نص', ?, ?, ?, ?, 'phone', ?, ?, ?, ?, ?)",
            (reference, kind, ticket_id, day.isoformat(), service_id, clerk_id, status,
             "الرد" if answered_at else None, filed_at, answered_at or filed_at, answered_at),
        )


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = RIYADH) -> float:
    return datetime.combine(day, time(hour, minute), tzinfo=tz).timestamp()


def busy_month(conn: sqlite3.Connection, first: date, *, tickets: int, ratings: int, complaints: int,
               services: list[int], counters: list[int], clerks: list[int], seed: int = 7) -> None:
    """A month of `tickets` entries over the working days (Sunday–Thursday) from `first`, of
    which `ratings` are rated and `complaints` complained about; within one transaction."""
    rng = random.Random(seed)
    days = []
    day = first
    while day.month == first.month:
        if day.weekday() not in (4, 5):
            days.append(day)
        day += timedelta(days=1)
    writer = VisitWriter(conn)
    rate_share = ratings / tickets
    complaint_share = complaints / tickets
    conn.execute("BEGIN")
    for index in range(tickets):
        day = days[index % len(days)]
        service = services[index % len(services)]
        desk = index % len(counters)
        status = "done" if rng.random() < 0.93 else "no_show"
        score = rng.choice((1, 2, 3, 4, 4, 5, 5, 5)) if status == "done" and rng.random() < rate_share / 0.93 else None
        issued = at(day, 7, 30) + rng.random() * 7 * 3600
        visit = Visit(service, counters[desk], clerks[desk % len(clerks)], day, issued, rng.expovariate(1 / 600),
                      rng.expovariate(1 / (200 + 60 * services.index(service))), status,
                      int(rng.random() < 0.05), score)
        ticket_id = writer.add(visit)
        if rng.random() < complaint_share:
            answered = rng.random() < 0.8
            writer.complaint(ticket_id, day, issued + 3600, status="answered" if answered else "new",
                             answered_after=rng.expovariate(1 / 86400) if answered else None,
                             clerk_id=visit.clerk_id, service_id=service)
    conn.execute("COMMIT")
