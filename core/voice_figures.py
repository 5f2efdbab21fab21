"""The visitor's voice in figures: satisfaction per grouping, and a fair clerk league.

Satisfaction of a group of ratings: `satisfied_share` (share of scores 4 and 5), `mean_score`,
`ratings`, and `response_rate` = ratings ÷ entries served in the same group.

The league ranks clerks on scores adjusted for the services they serve: each rated visit's score
and each served visit's service time are compared with the centre-wide mean of that visit's
service, so a clerk on the slowest, hardest service is compared with that service, not with the
quickest one. A clerk with fewer than `MIN_RATINGS_TO_RANK` ratings is listed but not ranked
(docs/decisions/employee-of-the-month.md says why).

Also here: the complaints' and suggestions' figures (by kind and status, response time against
the centre's target in working days), each clerk's month (`scorecards`), and the daily rating
tallies stored once a day's ratings are settled (docs/decisions/voice-figures.md).
"""

from __future__ import annotations

import calendar
import logging
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from statistics import fmean, median
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.errors import BadInput
from core.hours import OpeningHours
from core.stats import GROUPINGS, check_period
from core.visit_figures import add_visits, grace_minutes_by_code

if TYPE_CHECKING:
    from core.store import Store, Tx

log = logging.getLogger(__name__)

# Below this many ratings a clerk is not ranked: the 95% interval of a share of satisfied
# visitors is about ±1/√n wide, ±0.1 at n = 100; fewer ratings cannot tell clerks apart.
MIN_RATINGS_TO_RANK = 100
# The centre's target for answering a complaint, in working days, until the centre sets its own.
DEFAULT_RESPONSE_TARGET_DAYS = 3


@dataclass(frozen=True)
class RatedVisit:
    """One rating, with the groupings it counts in."""

    service_id: int
    counter_id: int | None
    clerk_id: int | None
    score: int


@dataclass(frozen=True)
class ServedVisit:
    """One served entry: its service, clerk and service time in seconds."""

    service_id: int
    clerk_id: int | None
    service_seconds: float


def satisfaction(scores: Iterable[int], served: int) -> dict[str, float | int | None]:
    """The satisfaction figures of a group of scores, against the entries served in the group."""
    values = list(scores)
    count = len(values)
    return {
        "ratings": count,
        "satisfied_share": (sum(1 for s in values if s >= 4) / count) if count else None,
        "mean_score": fmean(values) if count else None,
        "response_rate": (count / served) if served else None,
    }


@dataclass(slots=True)
class MixTally:
    """One clerk's visits of one service: ratings (count, score sum, 4–5s) and served entries
    (count, service-time sum). The league needs only these sums, so SQL can add them up."""

    ratings: int = 0
    score_sum: float = 0.0
    satisfied: int = 0
    served: int = 0
    seconds: float = 0.0


Mix = dict[tuple[int | None, int], MixTally]


def league(
    rated: list[RatedVisit], served: list[ServedVisit], min_ratings: int = MIN_RATINGS_TO_RANK
) -> list[dict]:
    """One row per clerk, ranked clerks first by adjusted score (best first), then the unranked.

    `score_vs_service`: the mean, over the clerk's rated visits, of (score − the centre-wide mean
    score of that visit's service). `time_vs_service`: the mean of (service time ÷ the service's
    centre-wide mean time); below 1 is quicker than the centre on the same services. Both weigh
    each service by the clerk's own mix of visits. Nothing personal: no comments, no mobiles."""
    mix: Mix = defaultdict(MixTally)
    for r in rated:
        tally = mix[(r.clerk_id, r.service_id)]
        tally.ratings += 1
        tally.score_sum += r.score
        tally.satisfied += r.score >= 4
    times: dict[int, list[float]] = defaultdict(list)
    for v in served:
        tally = mix[(v.clerk_id, v.service_id)]
        tally.served += 1
        tally.seconds += v.service_seconds
        if v.clerk_id is not None:
            times[v.clerk_id].append(v.service_seconds)
    return league_of_mix(mix, {clerk: median(values) for clerk, values in times.items()}, min_ratings)


def league_of_mix(mix: Mix, medians: dict[int, float | None], min_ratings: int = MIN_RATINGS_TO_RANK) -> list[dict]:
    """`league` from each (clerk, service)'s sums; `medians`: each clerk's median service time.

    Each visit's score minus its service's mean, averaged over the clerk's ratings, is
    (Σ score − Σ ratings × service mean) ÷ ratings; each visit's time over its service's mean,
    averaged, is Σ (time sum ÷ service mean) ÷ visits: the same figures as visit by visit."""
    services: dict[int, MixTally] = defaultdict(MixTally)
    clerks: dict[int, list[tuple[int, MixTally]]] = defaultdict(list)
    for (clerk_id, service_id), tally in mix.items():
        total = services[service_id]
        total.ratings += tally.ratings
        total.score_sum += tally.score_sum
        total.served += tally.served
        total.seconds += tally.seconds
        if clerk_id is not None:
            clerks[clerk_id].append((service_id, tally))
    score_means = {s: t.score_sum / t.ratings for s, t in services.items() if t.ratings}
    time_means = {s: t.seconds / t.served for s, t in services.items() if t.served}
    rows = []
    for clerk_id in sorted(clerks):
        parts = clerks[clerk_id]
        ratings = sum(t.ratings for _, t in parts)
        served = sum(t.served for _, t in parts)
        seconds = sum(t.seconds for _, t in parts)
        score_sum = sum(t.score_sum for _, t in parts)
        timed = [(t.seconds / time_means[s], t.served) for s, t in parts if t.served and time_means.get(s, 0) > 0]
        timed_visits = sum(count for _, count in timed)
        rows.append({
            "clerk_id": clerk_id,
            "served": served,
            "mean_service_seconds": seconds / served if served else None,
            "median_service_seconds": medians.get(clerk_id) if served else None,
            "ratings": ratings,
            "satisfied_share": sum(t.satisfied for _, t in parts) / ratings if ratings else None,
            "mean_score": score_sum / ratings if ratings else None,
            "response_rate": ratings / served if served else None,
            "score_vs_service": (
                (score_sum - sum(t.ratings * score_means[s] for s, t in parts if t.ratings)) / ratings if ratings else None
            ),
            "time_vs_service": sum(ratio for ratio, _ in timed) / timed_visits if timed_visits else None,
            "ranked": ratings >= min_ratings,
            "rank": None,
        })
    ranked = sorted(
        (row for row in rows if row["ranked"]),
        key=lambda row: (-row["score_vs_service"], row["time_vs_service"] or 0.0, row["clerk_id"]),
    )
    for place, row in enumerate(ranked, start=1):
        row["rank"] = place
    return ranked + [row for row in rows if not row["ranked"]]


def load_month_mix(
    conn: sqlite3.Connection, first_day: str, last_day: str, *, include_simulated: bool = False
) -> tuple[Mix, dict[int, list[int]], dict[int, tuple[int, int, int]]]:
    """The sums `league_of_mix` needs for business days first_day..last_day, added up in SQL;
    each clerk's count of ratings of 1..5; and each clerk's (called, absent, recalled) entries.

    The tickets are read once, through the business-day index: a condition on `status` alone
    would let SQLite walk every finished ticket of the centre's life."""
    real_ratings = "" if include_simulated or not _has_column(conn, "ratings", "simulated") else " AND simulated = 0"
    real_tickets = "" if include_simulated or not _has_column(conn, "tickets", "simulated") else " AND simulated = 0"
    mix: Mix = defaultdict(MixTally)
    score_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    if has_voice_tables(conn):
        for clerk_id, service_id, score, count in conn.execute(
            "SELECT clerk_id, service_id, score, COUNT(*) FROM ratings WHERE business_day BETWEEN ? AND ?" + real_ratings
            + " GROUP BY clerk_id, service_id, score",
            (first_day, last_day),
        ):
            tally = mix[(clerk_id, service_id)]
            tally.ratings += count
            tally.score_sum += score * count
            tally.satisfied += count if score >= 4 else 0
            if clerk_id is not None:
                score_counts[clerk_id][score - 1] += count
    called: dict[int, tuple[int, int, int]] = {}
    served_entry = "status = 'done' AND started_at IS NOT NULL AND finished_at IS NOT NULL"
    for clerk_id, service_id, count, seconds, calls, absent, recalled in conn.execute(
        f"SELECT clerk_id, service_id, TOTAL({served_entry}),"
        f" TOTAL(CASE WHEN {served_entry} THEN MAX(0.0, finished_at - started_at) END),"
        " TOTAL(called_at IS NOT NULL), TOTAL(called_at IS NOT NULL AND status = 'no_show'),"
        " TOTAL(called_at IS NOT NULL AND recalls > 0)"
        " FROM tickets WHERE business_day BETWEEN ? AND ?" + real_tickets + " GROUP BY clerk_id, service_id",
        (first_day, last_day),
    ):
        if count:
            tally = mix[(clerk_id, service_id)]
            tally.served += int(count)
            tally.seconds += seconds
        if clerk_id is not None and calls:
            before = called.get(clerk_id, (0, 0, 0))
            called[clerk_id] = (before[0] + int(calls), before[1] + int(absent), before[2] + int(recalled))
    return mix, score_counts, called


def load_month(
    conn: sqlite3.Connection, first_day: str, last_day: str, *, include_simulated: bool = False
) -> tuple[list[RatedVisit], list[ServedVisit]]:
    """The rated and served visits of the business days first_day..last_day (ISO dates).

    Simulated tickets and their ratings count only with `include_simulated`, as in `/stats`."""
    real_ratings = "" if include_simulated or not _has_column(conn, "ratings", "simulated") else " AND simulated = 0"
    real_tickets = "" if include_simulated or not _has_column(conn, "tickets", "simulated") else " AND simulated = 0"
    rated = [
        RatedVisit(*row)
        for row in conn.execute(
            "SELECT service_id, counter_id, clerk_id, score FROM ratings WHERE business_day BETWEEN ? AND ?" + real_ratings,
            (first_day, last_day),
        )
    ]
    served = [
        ServedVisit(*row)
        for row in conn.execute(
            "SELECT service_id, clerk_id, MAX(0.0, finished_at - started_at) FROM tickets"
            " WHERE business_day BETWEEN ? AND ? AND +status = 'done' AND started_at IS NOT NULL"
            " AND finished_at IS NOT NULL" + real_tickets,
            (first_day, last_day),
        )
    ]
    return rated, served


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def has_voice_tables(conn: sqlite3.Connection) -> bool:
    """False on a database whose hub has not yet applied the visitor's voice migration."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ratings'").fetchone() is not None


# ── months ───────────────────────────────────────────────────────────────────────────────

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None, today: date) -> tuple[str, date, date]:
    """A month written YYYY-MM (None or empty: the month of `today`) as (label, first day, last day)."""
    if text is None or not text.strip():
        first = today.replace(day=1)
    else:
        cleaned = text.strip()
        match = _MONTH.match(cleaned) if len(cleaned) == 7 and cleaned.isascii() else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            shown = cleaned[:20]
            raise BadInput(
                f"'month' must be written YYYY-MM, e.g. 2026-11 (got {shown!r}).",
                "يجب أن يكون الشهر بالصيغة \u2066YYYY-MM\u2069 مثل \u20662026-11\u2069.",
            )
        first = date(int(match.group(1)), int(match.group(2)), 1)
        if not 2000 <= first.year <= 2099:
            raise BadInput("'month' must lie between 2000-01 and 2099-12.",
                           "يجب أن يقع الشهر بين \u20662000-01\u2069 و\u20662099-12\u2069.")
    last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    check_period(first, last)
    return first.strftime("%Y-%m"), first, last


# ── satisfaction per grouping, for /stats and the reports ────────────────────────────────


@dataclass(slots=True)
class ScoreTally:
    """The ratings of one bucket: how many of each score (1..5)."""

    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def add(self, score: int) -> None:
        self.counts[score - 1] += 1

    def view(self, served: int | None) -> dict[str, Any]:
        ratings = sum(self.counts)
        total = sum(score * count for score, count in enumerate(self.counts, start=1))
        return {
            "ratings": ratings,
            "satisfied_share": round((self.counts[3] + self.counts[4]) / ratings, 4) if ratings else None,
            "mean_score": round(total / ratings, 3) if ratings else None,
            "response_rate": round(ratings / served, 4) if served else None,
            "score_counts": list(self.counts),
        }


# Each grouping's key column in the rated entries (`slot`: the quarter-hour of the entry's
# issue since the epoch, made the local hour in Python, as core/stats.py does).
_RATING_KEYS = {"total": None, "service": "service_id", "counter": "counter_id", "clerk": "clerk_id",
                "day": "business_day", "hour": "slot"}


def rating_tallies(
    conn: sqlite3.Connection, first_day: str, last_day: str, tz: ZoneInfo, *,
    include_simulated: bool = False, groupings: Iterable[str] = GROUPINGS,
) -> dict[str, dict[Any, ScoreTally]]:
    """Ratings of the period per grouping: `total` (key 0), `service`, `counter`, `clerk`, `hour`
    (the local hour the rated entry was issued, as `/stats` groups entries) and `day`.

    One statement: the period's ratings are read once (joined to their entry only when the hour
    is asked for), then counted per grouping and score in SQL, so a year's ratings cost a few
    GROUP BYs rather than a Python loop over every rating."""
    wanted = ["total", *(g for g in groupings if g in _RATING_KEYS and g != "total")]
    tallies: dict[str, dict[Any, ScoreTally]] = {g: defaultdict(ScoreTally) for g in ("total", *GROUPINGS)}
    if not has_voice_tables(conn):
        return tallies
    real = "" if include_simulated or not _has_column(conn, "ratings", "simulated") else " AND r.simulated = 0"
    if "hour" in wanted:
        source = ("SELECT r.service_id, r.counter_id, r.clerk_id, r.business_day, CAST(t.issued_at / 900 AS INTEGER) AS slot,"
                  " r.score FROM ratings AS r JOIN tickets AS t ON t.id = r.ticket_id")
    else:
        source = "SELECT r.service_id, r.counter_id, r.clerk_id, r.business_day, NULL AS slot, r.score FROM ratings AS r"
    parts = [
        "SELECT 'total', 0, score, COUNT(*) FROM rated GROUP BY score" if grouping == "total" else
        f"SELECT '{grouping}', {_RATING_KEYS[grouping]}, score, COUNT(*) FROM rated"
        f" WHERE {_RATING_KEYS[grouping]} IS NOT NULL GROUP BY {_RATING_KEYS[grouping]}, score"
        for grouping in wanted
    ]
    sql = (f"WITH rated AS MATERIALIZED ({source} WHERE r.business_day BETWEEN ? AND ?{real}) "
           + " UNION ALL ".join(parts))
    slots: dict[int, int] = {}
    for grouping, key, score, count in conn.execute(sql, (first_day, last_day)):
        if grouping == "hour":
            hour = slots.get(key)
            if hour is None:  # a quarter-hour's local hour, worked out once (exact across DST changes)
                hour = slots[key] = datetime.fromtimestamp(key * 900, tz=timezone.utc).astimezone(tz).hour
            key = hour
        tallies[grouping][key].counts[score - 1] += count
    return tallies


# ── stored daily rating tallies ──────────────────────────────────────────────────────────

# A visit can be rated for 24 h after it ended, and a day's visits end by its rollover: its
# ratings are final one business day later. One more day of margin covers a day made shorter
# by a clock change or a rollover the hub ran late.
RATING_DAYS_SETTLE = 2
RATING_DAYS_PER_ROLLOVER = 31
_STORED_RATING_GROUPINGS = ("total", "service", "counter", "clerk", "hour")


def has_rating_day_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rating_days'").fetchone() is not None


def store_rating_day(conn: sqlite3.Connection, day: str, tz: ZoneInfo, now: float) -> None:
    """Store (or replace) the score counts of a day's real ratings, per grouping and key."""
    tallies = rating_tallies(conn, day, day, tz, groupings=_STORED_RATING_GROUPINGS)
    conn.execute("DELETE FROM rating_day_buckets WHERE business_day = ?", (day,))
    conn.execute("INSERT OR REPLACE INTO rating_days (business_day, built_at) VALUES (?, ?)", (day, now))
    conn.executemany(
        "INSERT INTO rating_day_buckets (business_day, grouping, key, score1, score2, score3, score4, score5)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(day, grouping, key, *tally.counts)
         for grouping in _STORED_RATING_GROUPINGS for key, tally in tallies[grouping].items() if any(tally.counts)],
    )


def rating_days_to_store(conn: sqlite3.Connection, current_day: str, limit: int | None = None) -> list[str]:
    """Days with tickets, settled (RATING_DAYS_SETTLE before `current_day`), not yet stored; newest first."""
    before = (date.fromisoformat(current_day) - timedelta(days=RATING_DAYS_SETTLE - 1)).isoformat()
    sql = ("SELECT DISTINCT business_day FROM day_counters WHERE business_day < ?"
           " AND business_day NOT IN (SELECT business_day FROM rating_days) ORDER BY business_day DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [row[0] for row in conn.execute(sql, (before,))]


def store_closed_rating_days(tx: "Tx") -> int:
    """At the rollover: store the settled days' rating tallies, at most RATING_DAYS_PER_ROLLOVER.

    In a savepoint of its own, as the daily KPI summaries: a failure is logged and the days are
    counted from the ratings meanwhile, but the business day rolls all the same."""
    conn = tx.conn
    if not has_rating_day_tables(conn) or not has_voice_tables(conn):
        return 0
    conn.execute("SAVEPOINT rating_days")
    try:
        days = rating_days_to_store(conn, tx.store.current_business_day, RATING_DAYS_PER_ROLLOVER)
        for day in days:
            store_rating_day(conn, day, tx.catalogue.tz, tx.now)
    except Exception as error:
        from core.store import is_disk_full

        if is_disk_full(error):
            raise
        log.exception("could not store the daily rating tallies; the days will be counted from the ratings")
        conn.execute("ROLLBACK TO rating_days")
        conn.execute("RELEASE rating_days")
        return 0
    conn.execute("RELEASE rating_days")
    return len(days)


def rebuild_rating_days(conn: sqlite3.Connection, tz: ZoneInfo, current_day: str, now: float) -> list[str]:
    """Store every settled day's rating tallies, each in its own short write (autocommit `conn`)."""
    done = []
    for day in sorted(rating_days_to_store(conn, current_day)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            store_rating_day(conn, day, tz, now)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        done.append(day)
    return done


def period_rating_tallies(
    conn: sqlite3.Connection, first_day: str, last_day: str, tz: ZoneInfo, *,
    include_simulated: bool = False, groupings: Iterable[str] = GROUPINGS,
) -> dict[str, dict[Any, ScoreTally]]:
    """`rating_tallies` of a period from the stored days, and from the ratings for the others
    (the last days, or all of them with `include_simulated`: the stored tallies are real only)."""
    wanted = tuple(groupings)
    if include_simulated or not has_rating_day_tables(conn):
        return rating_tallies(conn, first_day, last_day, tz, include_simulated=include_simulated, groupings=wanted)
    stored = {row[0] for row in conn.execute(
        "SELECT business_day FROM rating_days WHERE business_day BETWEEN ? AND ?", (first_day, last_day))}
    if not stored:
        return rating_tallies(conn, first_day, last_day, tz, groupings=wanted)
    tallies: dict[str, dict[Any, ScoreTally]] = {g: defaultdict(ScoreTally) for g in ("total", *GROUPINGS)}
    stored_groupings = ["total", *(g for g in wanted if g in _STORED_RATING_GROUPINGS and g != "total")]
    marks = ", ".join("?" * len(stored_groupings))
    for grouping, key, *counts in conn.execute(
        "SELECT grouping, key, SUM(score1), SUM(score2), SUM(score3), SUM(score4), SUM(score5) FROM rating_day_buckets"
        f" WHERE business_day BETWEEN ? AND ? AND grouping IN ({marks}) GROUP BY grouping, key",
        (first_day, last_day, *stored_groupings),
    ):
        tallies[grouping][key] = ScoreTally(list(counts))
    if "day" in wanted:
        for day, *counts in conn.execute(
            "SELECT business_day, score1, score2, score3, score4, score5 FROM rating_day_buckets"
            " WHERE business_day BETWEEN ? AND ? AND grouping = 'total'", (first_day, last_day),
        ):
            tallies["day"][day] = ScoreTally(list(counts))
    for start, end in _ranges_outside(date.fromisoformat(first_day), date.fromisoformat(last_day), stored):
        live = rating_tallies(conn, start, end, tz, groupings=wanted)
        for grouping, buckets in live.items():
            for key, tally in buckets.items():
                merged = tallies[grouping][key]
                merged.counts = [a + b for a, b in zip(merged.counts, tally.counts)]
    return tallies


def _ranges_outside(first: date, last: date, stored: set[str]) -> list[tuple[str, str]]:
    """The runs of days first..last that are not in `stored`, as (first, last) ISO pairs."""
    ranges: list[tuple[str, str]] = []
    start: date | None = None
    day = first
    while day <= last:
        if day.isoformat() in stored:
            if start is not None:
                ranges.append((start.isoformat(), (day - timedelta(days=1)).isoformat()))
                start = None
        elif start is None:
            start = day
        day += timedelta(days=1)
    if start is not None:
        ranges.append((start.isoformat(), last.isoformat()))
    return ranges


_ROW_KEYS = {"service": "service_id", "counter": "counter_id", "clerk": "clerk_id", "hour": "hour", "day": "day"}


def add_satisfaction(answer: dict[str, Any], tallies: dict[str, dict[Any, ScoreTally]]) -> dict[str, Any]:
    """Put each bucket's `satisfaction` into a `core.stats` answer (its response rate is the
    bucket's ratings ÷ its served entries)."""
    answer["totals"]["satisfaction"] = tallies["total"].get(0, ScoreTally()).view(answer["totals"]["served"])
    for grouping, key in _ROW_KEYS.items():
        for row in answer.get(f"by_{grouping}", None) or []:
            row["satisfaction"] = tallies[grouping].get(row[key], ScoreTally()).view(row["served"])
    return answer


# ── complaints and suggestions ───────────────────────────────────────────────────────────

KINDS = ("complaint", "suggestion", "thanks")
STATUSES = ("new", "in_progress", "answered", "closed")
# Thanks need no answer: the response figures are over complaints and suggestions.
ANSWERED_KINDS = ("complaint", "suggestion")


@dataclass(frozen=True)
class AnswerTarget:
    """The centre's target for answering: `working_days` after the day an entry was filed."""

    working_days: int
    hours: OpeningHours | None  # None: every day is a working day
    tz: ZoneInfo

    @classmethod
    def of_catalogue(cls, catalogue) -> "AnswerTarget":
        from core.config import build_hours

        config = catalogue.config
        return cls(config.feedback.answer_target_working_days,
                   build_hours(config.centre.hours, config.centre.special_days), catalogue.tz)

    @classmethod
    def stored(cls, conn: sqlite3.Connection, tz: ZoneInfo) -> "AnswerTarget":
        """The target of the configuration the hub stored in the database (for a report that
        reads the file alone); the default target, every day counting, when it cannot be read."""
        from core.config import CentreFile, build_hours

        row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
        try:
            config = CentreFile.model_validate_json(row[0]) if row else None
        except ValueError:
            config = None
        if config is None:
            return cls(DEFAULT_RESPONSE_TARGET_DAYS, None, tz)
        return cls(config.feedback.answer_target_working_days,
                   build_hours(config.centre.hours, config.centre.special_days), tz)

    def due(self, filed_at: float) -> date:
        """The day by which an entry filed at `filed_at` should be answered."""
        from core.voice import is_working_day

        day = datetime.fromtimestamp(filed_at, tz=timezone.utc).astimezone(self.tz).date()
        left = self.working_days
        for _ in range(3660):  # a centre closed for ten years has no target
            if left == 0:
                break
            day += timedelta(days=1)
            if self.hours is None or is_working_day(self.hours, day):
                left -= 1
        return day

    def local_day(self, at: float) -> date:
        return datetime.fromtimestamp(at, tz=timezone.utc).astimezone(self.tz).date()


def _nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


def feedback_figures(
    conn: sqlite3.Connection, first_day: str, last_day: str, target: AnswerTarget, now: float,
    *, include_simulated: bool = False,
) -> dict[str, Any]:
    """Complaints, suggestions and thanks filed on the period's days, by kind and status, and how
    quickly complaints and suggestions were answered.

    The response time runs from filing to the answer (or to closing, for an entry closed without
    a written answer). `answered_within_target_share`: of the entries whose outcome is known (a
    response came, or the due day has passed without one), the share that had their response by
    the due day; an open entry still within its target is not counted yet."""
    by_kind = {kind: dict.fromkeys(STATUSES, 0) for kind in KINDS}
    response_seconds: list[float] = []
    decided = on_time = open_overdue = 0
    if has_voice_tables(conn):
        real = "" if include_simulated or not _has_column(conn, "visitor_feedback", "simulated") else " AND simulated = 0"
        today = target.local_day(now)
        for kind, status, created_at, answered_at, closed_at in conn.execute(
            "SELECT kind, status, created_at, answered_at, closed_at FROM visitor_feedback"
            " WHERE business_day BETWEEN ? AND ?" + real,
            (first_day, last_day),
        ):
            by_kind[kind][status] += 1
            if kind not in ANSWERED_KINDS:
                continue
            responded = answered_at if answered_at is not None else closed_at
            due = target.due(created_at)
            if responded is not None:
                response_seconds.append(max(0.0, responded - created_at))
                decided += 1
                on_time += target.local_day(responded) <= due
            elif today > due:
                decided += 1
                open_overdue += 1
    by_status = {status: sum(counts[status] for counts in by_kind.values()) for status in STATUSES}
    return {
        "filed": sum(by_status.values()),
        "by_kind": [{"kind": kind, "filed": sum(counts.values()), **counts} for kind, counts in by_kind.items()],
        "by_status": by_status,
        "response_seconds": {
            "count": len(response_seconds),
            "mean": round(fmean(response_seconds), 1) if response_seconds else None,
            "median": _nearest_rank(response_seconds, 0.5),
            "p90": _nearest_rank(response_seconds, 0.9),
        },
        "target_working_days": target.working_days,
        "answered_within_target_share": round(on_time / decided, 4) if decided else None,
        "overdue": open_overdue,
    }


def add_voice(
    answer: dict[str, Any], conn: sqlite3.Connection, tz: ZoneInfo, target: AnswerTarget, now: float,
    *, include_simulated: bool = False,
) -> dict[str, Any]:
    """A `core.stats` answer with the visitor's voice added: `satisfaction` in the totals and
    every bucket, and `feedback` for the period."""
    first_day, last_day = answer["from"], answer["to"]
    asked = [g for g in GROUPINGS if f"by_{g}" in answer]
    add_satisfaction(answer, period_rating_tallies(conn, first_day, last_day, tz, include_simulated=include_simulated,
                                                   groupings=asked))
    answer["feedback"] = feedback_figures(conn, first_day, last_day, target, now, include_simulated=include_simulated)
    return answer


def compute_stats(
    store: "Store", first: date, last: date, group_by: list[str], *, include_simulated: bool = False
) -> dict[str, Any]:
    """`core.stats.compute` with the visitor's voice, from one read snapshot."""
    from core import stats

    catalogue = store.catalogue
    with store.read() as conn:
        answer = stats.compute_on(conn, first, last, group_by, catalogue.tz, include_simulated=include_simulated)
        add_visits(answer, conn, grace_minutes_by_code(catalogue.config.model_dump(mode="json")), store.clock(),
                   include_simulated=include_simulated)
        return add_voice(answer, conn, catalogue.tz, AnswerTarget.of_catalogue(catalogue), store.clock(),
                         include_simulated=include_simulated)


# ── the clerks' scorecards and the league ────────────────────────────────────────────────


def scorecards(
    conn: sqlite3.Connection, first: date, last: date, tz: ZoneInfo, *,
    include_simulated: bool = False, min_ratings: int = MIN_RATINGS_TO_RANK,
) -> list[dict[str, Any]]:
    """Every clerk's scorecard for business days first..last, in league order (`league`): served,
    mean and median service time, the share called within the target wait, no-show and recall
    rates (of the entries the clerk called), satisfaction with its number of ratings, and how
    many complaints name one of the clerk's visits. Nothing personal: no comment, text or mobile."""
    from core import stats

    first_day, last_day = first.isoformat(), last.isoformat()
    mix, score_counts, called = load_month_mix(conn, first_day, last_day, include_simulated=include_simulated)
    kpis = stats.compute_on(conn, first, last, ["clerk"], tz, include_simulated=include_simulated)
    by_clerk = {row["clerk_id"]: row for row in kpis.get("by_clerk", [])}
    # Medians as /stats gives them (nearest rank, to the 10 s below): a month's visits are not
    # read one by one.
    medians = {clerk_id: row["service_seconds"]["median"] for clerk_id, row in by_clerk.items()}
    rows = league_of_mix(mix, medians, min_ratings)
    tallies = {clerk_id: ScoreTally(counts) for clerk_id, counts in score_counts.items()}
    complaints: dict[int, int] = defaultdict(int)
    if has_voice_tables(conn):
        real_feedback = "" if include_simulated or not _has_column(conn, "visitor_feedback", "simulated") else " AND simulated = 0"
        for clerk_id, count in conn.execute(
            "SELECT clerk_id, COUNT(*) FROM visitor_feedback WHERE kind = 'complaint' AND clerk_id IS NOT NULL"
            " AND business_day BETWEEN ? AND ?" + real_feedback + " GROUP BY clerk_id",
            (first_day, last_day),
        ):
            complaints[clerk_id] = count
    names = {row[0]: row[1] for row in conn.execute("SELECT id, username FROM clerks")}
    known = {row["clerk_id"] for row in rows}
    for clerk_id in sorted(set(called) - known):  # called visitors, but served none and has no rating
        rows.append({"clerk_id": clerk_id, "served": 0, "mean_service_seconds": None, "median_service_seconds": None,
                     "score_vs_service": None, "time_vs_service": None, "ranked": False, "rank": None})
    cards = []
    for row in rows:
        clerk_id = row["clerk_id"]
        count, no_show, recalled = called.get(clerk_id, (0, 0, 0))
        cards.append({
            "clerk_id": clerk_id,
            "clerk": names.get(clerk_id, f"#{clerk_id}"),
            "rank": row["rank"],
            "ranked": row["ranked"],
            "served": row["served"],
            "called": count,
            "mean_service_seconds": _round(row["mean_service_seconds"], 1),
            "median_service_seconds": _round(row["median_service_seconds"], 1),
            "within_target_share": (by_clerk.get(clerk_id) or {}).get("within_target_share"),
            "no_show_rate": round(no_show / count, 4) if count else None,
            "recall_rate": round(recalled / count, 4) if count else None,
            "satisfaction": tallies.get(clerk_id, ScoreTally()).view(row["served"]),
            "score_vs_service": _round(row["score_vs_service"], 3),
            "time_vs_service": _round(row["time_vs_service"], 3),
            "complaints": complaints.get(clerk_id, 0),
        })
    return cards


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def league_answer(
    conn: sqlite3.Connection, month: str, first: date, last: date, tz: ZoneInfo, *, include_simulated: bool = False,
) -> dict[str, Any]:
    """The month's league as `GET /stats/league` answers it."""
    rows = scorecards(conn, first, last, tz, include_simulated=include_simulated)
    return {
        "month": month, "from": first.isoformat(), "to": last.isoformat(),
        "min_ratings": MIN_RATINGS_TO_RANK, "ranked": sum(1 for row in rows if row["ranked"]),
        "include_simulated": include_simulated, "rows": rows,
    }


def compute_league(store: "Store", month: str, first: date, last: date, *, include_simulated: bool = False) -> dict[str, Any]:
    with store.read() as conn:
        return league_answer(conn, month, first, last, store.catalogue.tz, include_simulated=include_simulated)


def compute_scorecard(store: "Store", clerk_id: int, month: str, first: date, last: date) -> dict[str, Any]:
    """One clerk's own scorecard: their row of the league, the centre's figures beside it, how
    many clerks are ranked, and the visits a complaint names (ticket and status, never the text)."""
    from core import stats

    tz = store.catalogue.tz
    with store.read() as conn:
        answer = league_answer(conn, month, first, last, tz)
        mine = next((row for row in answer["rows"] if row["clerk_id"] == clerk_id), None)
        if mine is None:  # nothing served nor called this month
            name = conn.execute("SELECT username FROM clerks WHERE id = ?", (clerk_id,)).fetchone()
            mine = {"clerk_id": clerk_id, "clerk": name[0] if name else f"#{clerk_id}", "rank": None, "ranked": False,
                    "served": 0, "called": 0, "mean_service_seconds": None, "median_service_seconds": None,
                    "within_target_share": None, "no_show_rate": None, "recall_rate": None,
                    "satisfaction": ScoreTally().view(0), "score_vs_service": None, "time_vs_service": None,
                    "complaints": 0}
        totals = stats.compute_on(conn, first, last, [], tz)["totals"]
        centre_scores = period_rating_tallies(conn, answer["from"], answer["to"], tz, groupings=())["total"].get(0, ScoreTally())
        named = []
        if has_voice_tables(conn):
            named = [
                {"number": label, "business_day": day, "status": status}
                for label, day, status in conn.execute(
                    "SELECT t.label, f.business_day, f.status FROM visitor_feedback AS f JOIN tickets AS t ON t.id = f.ticket_id"
                    " WHERE f.kind = 'complaint' AND f.clerk_id = ? AND f.business_day BETWEEN ? AND ? AND f.simulated = 0"
                    " ORDER BY f.created_at",
                    (clerk_id, answer["from"], answer["to"]),
                )
            ]
    return {
        "month": month, "from": answer["from"], "to": answer["to"], "min_ratings": answer["min_ratings"],
        "ranked": answer["ranked"], "card": mine,
        "centre": {
            "served": totals["served"],
            "mean_service_seconds": totals["service_seconds"]["mean"],
            "within_target_share": totals["within_target_share"],
            "satisfaction": centre_scores.view(totals["served"]),
        },
        "complaints": named,
    }
