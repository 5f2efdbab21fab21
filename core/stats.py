"""KPIs for a period: counts, wait and service times (mean, median, p90), share within target.

Definitions (one ticket row is one *entry*: a transfer makes a new entry in the next service):

- `issued`: entries handed out by a kiosk (a transfer's new entry is not a new issue);
  `served`, `no_show`, `cancelled`, `expired`, `transferred`, `waiting`: entries by status;
  `in_service`: entries with a counter now (called or being served).
- wait: from the entry's issue (a transfer's new entry: its arrival in the new service) to its
  *first* call. A visitor marked absent and called back later keeps the wait until the first
  call; the tickets table only keeps the last call, so the first one comes from the event log.
- service: from start to finish of a served entry.
- `within_target_share`: of the entries called, the share whose wait was at most their
  service's target wait (the target in force when the day was summarised).
- per hour: the local hour of issue; per day: the business day.

Every day is reduced to one `Tally` per (grouping, key): counts, sums, and two histograms
(wait and service). One SQL statement reads the day's tickets and events once and gives the
counts, sums and each entry's histogram bins; the bins are counted in Python. A finished day's tallies are stored once, at the business-day
rollover (`summarise_closed_days`); a period merges stored days with the live tallies of days
not (or not finally) summarised, such as today. Both paths run the same SQL, so a day's
figures do not change when it is summarised.

Precision: means are exact. Medians and p90 (nearest rank: the ⌈n/2⌉-th and ⌈9n/10⌉-th value)
come from the histograms: 10-second bins up to 4 hours, 10-minute bins up to 24 hours, and one
bin beyond. A quantile is reported as its bin's lower edge, so it is the true value rounded down
to the 10 seconds below 4 h (to the 10 minutes below 24 h; 86400 means "24 h or more").
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import zlib
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.errors import BadInput

if TYPE_CHECKING:
    from core.store import Store, Tx

log = logging.getLogger(__name__)

GROUPINGS = ("service", "counter", "clerk", "hour", "day")
# Stored per day: every grouping but `day` (a day's `total` is its `by_day` entry).
STORED_GROUPINGS = ("total", "service", "counter", "clerk", "hour")

# Histogram layout. Changing it means a new SUMMARY_FORMAT: older summaries are then ignored
# (computed live) until rebuilt.
SUMMARY_FORMAT = 1
FINE_STEP = 10
FINE_LIMIT = 4 * 3600
COARSE_STEP = 600
COARSE_LIMIT = 24 * 3600
FINE_BINS = FINE_LIMIT // FINE_STEP
COARSE_BINS = (COARSE_LIMIT - FINE_LIMIT) // COARSE_STEP
OVERFLOW_BIN = FINE_BINS + COARSE_BINS
BIN_COUNT = OVERFLOW_BIN + 1
# A histogram is one Python integer with a 32-bit field per bin, so adding two histograms is
# one (C-speed) integer addition. No bin can overflow: 2**32 entries is far beyond any period.
FIELD_BITS = 32
FIELD_BYTES = FIELD_BITS // 8

# Days a rollover summarises at most (newest first); older gaps are computed live meanwhile,
# and `rebuild_summaries` fills them at once.
MAX_DAYS_PER_ROLLOVER = 31
# Bands of the wait-time distribution in the answer's totals (seconds; None: open-ended).
WAIT_BANDS: tuple[tuple[int, int | None], ...] = (
    *((start, start + 300) for start in range(0, 3600, 300)),
    (3600, 5400),
    (5400, 7200),
    (7200, None),
)

PRECISION = {
    "quantile_step_seconds": FINE_STEP,
    "quantile_step_below_seconds": FINE_LIMIT,
    "coarse_step_seconds": COARSE_STEP,
    "coarse_step_below_seconds": COARSE_LIMIT,
    "quantile_rule": "nearest rank, rounded down to the step",
}


def parse_group_by(text: str) -> list[str]:
    groups = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPINGS]
    if unknown:
        raise BadInput(
            f"Unknown grouping {', '.join(unknown)!s}; use any of {', '.join(GROUPINGS)}.",
            f"تجميع غير معروف؛ استخدم: {', '.join(GROUPINGS)}.",
        )
    return list(dict.fromkeys(groups))


# Dates far outside any centre's life are refused rather than scanned day by day.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
MAX_PERIOD_DAYS = 3700


def parse_day(text: str | None, name: str) -> date | None:
    """An ISO business day (`2026-11-24`) from a query parameter; None when absent or empty."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    try:
        if len(cleaned) != 10:
            raise ValueError
        day = date.fromisoformat(cleaned)
    except ValueError:
        shown = cleaned[:40]
        raise BadInput(
            f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-11-24 (got {shown!r}).",
            f"يجب أن يكون '{name}' تاريخاً بالصيغة \u2066YYYY-MM-DD\u2069 مثل \u20662026-11-24\u2069.",
        ) from None
    return day


def check_period(first: date, last: date) -> None:
    """Refuse a period that ends before it starts, lies outside 2000–2099 or spans over ten years."""
    if last < first:
        raise BadInput(
            f"'to' ({last.isoformat()}) is before 'from' ({first.isoformat()}).",
            f"تاريخ النهاية \u2066{last.isoformat()}\u2069 قبل تاريخ البداية \u2066{first.isoformat()}\u2069.",
        )
    if first < EARLIEST_DAY or last > LATEST_DAY:
        raise BadInput(
            f"Dates must lie between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.",
            f"يجب أن تقع التواريخ بين \u2066{EARLIEST_DAY.isoformat()}\u2069 و\u2066{LATEST_DAY.isoformat()}\u2069.",
        )
    if (last - first).days > MAX_PERIOD_DAYS:
        raise BadInput("A period of at most ten years, please.", "الفترة لا تتجاوز عشر سنوات.")


# ── histograms ───────────────────────────────────────────────────────────────────────────


def bin_of(seconds: float) -> int:
    """The histogram bin of a duration (the same rule as `_bin_sql`)."""
    seconds = max(0.0, seconds)
    if seconds < FINE_LIMIT:
        return int(seconds // FINE_STEP)
    if seconds < COARSE_LIMIT:
        return FINE_BINS + int((seconds - FINE_LIMIT) // COARSE_STEP)
    return OVERFLOW_BIN


def bin_floor(index: int) -> int:
    """Lower edge of a bin, in seconds."""
    if index < FINE_BINS:
        return index * FINE_STEP
    if index < OVERFLOW_BIN:
        return FINE_LIMIT + (index - FINE_BINS) * COARSE_STEP
    return COARSE_LIMIT


def _bin_sql(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} < {FINE_LIMIT} THEN CAST({column} / {FINE_STEP} AS INTEGER) "
        f"WHEN {column} < {COARSE_LIMIT} THEN {FINE_BINS} + CAST(({column} - {FINE_LIMIT}) / {COARSE_STEP} AS INTEGER) "
        f"ELSE {OVERFLOW_BIN} END"
    )


def histogram_counts(histogram: int) -> array:
    """The per-bin counts of a histogram integer."""
    counts = array("I" if array("I").itemsize == FIELD_BYTES else "L")
    counts.frombytes(histogram.to_bytes(BIN_COUNT * FIELD_BYTES, "little"))
    if sys.byteorder == "big":
        counts.byteswap()
    return counts


def histogram_from_counts(counts: Iterable[tuple[int, int]]) -> int:
    """A histogram integer from (bin, count) pairs."""
    return sum(count << (index * FIELD_BITS) for index, count in counts)


def encode_histogram(histogram: int) -> bytes | None:
    if histogram == 0:
        return None
    return zlib.compress(histogram.to_bytes((histogram.bit_length() + 7) // 8, "little"), 6)


def decode_histogram(blob: bytes | None) -> int:
    return int.from_bytes(zlib.decompress(blob), "little") if blob else 0


def quantiles(histogram: int) -> tuple[int | None, int | None]:
    """(median, p90) of a histogram: nearest rank, each as its bin's lower edge."""
    if histogram == 0:
        return None, None
    cumulative = list(accumulate(histogram_counts(histogram)))
    count = cumulative[-1]
    median_rank = (count + 1) // 2
    p90_rank = (9 * count + 9) // 10
    return bin_floor(bisect_left(cumulative, median_rank)), bin_floor(bisect_left(cumulative, p90_rank))


def band_counts(histogram: int) -> list[dict[str, int | None]]:
    """The wait-time distribution in WAIT_BANDS (every band edge is a bin edge)."""
    counts = histogram_counts(histogram)
    result = []
    for start, end in WAIT_BANDS:
        first = bin_of(start)
        last = bin_of(end) if end is not None else BIN_COUNT
        result.append({"from_seconds": start, "to_seconds": end, "count": sum(counts[first:last])})
    return result


# ── tallies ──────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class Tally:
    """Everything the KPIs of one bucket need, and that adds up across days."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    transferred: int = 0
    waiting: int = 0
    in_service: int = 0
    wait_count: int = 0
    wait_sum: float = 0.0
    within_target: int = 0
    service_count: int = 0
    service_sum: float = 0.0
    wait_histogram: int = 0
    service_histogram: int = 0

    def add(self, other: "Tally") -> None:
        for name in _TALLY_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def view(self) -> dict[str, Any]:
        wait_median, wait_p90 = quantiles(self.wait_histogram)
        service_median, service_p90 = quantiles(self.service_histogram)
        return {
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "expired": self.expired,
            "transferred": self.transferred,
            "waiting": self.waiting,
            "in_service": self.in_service,
            "wait_seconds": _summary(self.wait_count, self.wait_sum, wait_median, wait_p90),
            "service_seconds": _summary(self.service_count, self.service_sum, service_median, service_p90),
            "service_seconds_total": round(self.service_sum),
            "within_target_share": round(self.within_target / self.wait_count, 4) if self.wait_count else None,
        }


_TALLY_FIELDS = tuple(f.name for f in fields(Tally))
# Columns shared by the live query and the stored rows, in this order.
_SCALAR_FIELDS = _TALLY_FIELDS[:-2]


def _summary(count: int, total: float, median: int | None, p90: int | None) -> dict[str, float | int | None]:
    return {
        "count": count,
        "mean": round(total / count, 1) if count else None,
        "median": float(median) if median is not None else None,
        "p90": float(p90) if p90 is not None else None,
    }


# ── one day, live from the tickets table and the event log ───────────────────────────────

DayTallies = dict[tuple[str, int], Tally]

_ENTRIES = """
WITH called_back AS (
    SELECT called.ticket_id AS ticket_id, MIN(called.at) AS first_called_at
    FROM events AS absent
    JOIN events AS called ON called.ticket_id = absent.ticket_id AND called.type = 'ticket.called'
    WHERE absent.type = 'ticket.no_show' AND absent.seq > :seq_from AND absent.seq < :seq_to
    GROUP BY called.ticket_id
),
entries AS (
    SELECT t.service_id, t.counter_id, t.clerk_id, CAST(t.issued_at / 900 AS INTEGER) AS slot,
           t.sequence IS NOT NULL AS issued, t.status,
           MAX(0.0, COALESCE(cb.first_called_at, t.called_at) - t.issued_at) AS wait,
           CASE WHEN t.status = 'done' AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL
                THEN MAX(0.0, t.finished_at - t.started_at) END AS service,
           s.target_wait_seconds AS target
    FROM tickets AS t
    JOIN services AS s ON s.id = t.service_id
    LEFT JOIN called_back AS cb ON cb.ticket_id = t.id
    WHERE t.business_day = :day{simulated_filter}
),
binned AS MATERIALIZED (
    SELECT service_id, counter_id, clerk_id, slot, issued,
           status = 'done' AS done, status = 'no_show' AS no_show, status = 'cancelled' AS cancelled,
           status = 'expired' AS expired, status = 'transferred' AS transferred, status = 'waiting' AS waiting,
           status IN ('called', 'serving') AS in_service, wait, wait <= target AS within, service,
           {wait_bin} AS wait_bin, {service_bin} AS service_bin
    FROM entries
)
"""

# Status flags and the bins are worked out once per entry (in `binned`), not once per grouping.
_SCALAR_SQL = (
    "SUM(issued), SUM(done), SUM(no_show), SUM(cancelled), SUM(expired), SUM(transferred), SUM(waiting), "
    "SUM(in_service), COUNT(wait), TOTAL(wait), TOTAL(within), COUNT(service), TOTAL(service)"
)
# Live groupings and their key column; `slot` (a quarter-hour since the epoch) becomes the
# local hour in Python, which stays exact across daylight-saving changes and odd offsets.
_LIVE_KEYS = {"service": "service_id", "counter": "counter_id", "clerk": "clerk_id", "slot": "slot"}
_RAW = "raw"


def _day_sql(include_simulated: bool) -> str:
    """One statement, so the day's entries are read (materialised) once.

    Its rows are the scalar tallies per grouping and key (`grouping, key, scalars…`), then one
    row per called or served entry with its keys and bins (`'raw', service, counter, clerk,
    slot, wait bin, service bin, NULL…`): the histograms are counted in Python, which is
    quicker than eight more GROUP BYs over the day.
    """
    parts = [
        f"SELECT '{grouping}', {column}, {_SCALAR_SQL} FROM binned WHERE {column} IS NOT NULL GROUP BY {column}"
        for grouping, column in _LIVE_KEYS.items()
    ]
    padding = ", ".join(["NULL"] * (len(_SCALAR_FIELDS) - 5))
    parts.append(
        f"SELECT '{_RAW}', service_id, counter_id, clerk_id, slot, wait_bin, service_bin, {padding} FROM binned "
        "WHERE wait_bin IS NOT NULL OR service_bin IS NOT NULL"
    )
    entries = _ENTRIES.format(
        simulated_filter="" if include_simulated else " AND t.simulated = 0",
        wait_bin=_bin_sql("wait"), service_bin=_bin_sql("service"),
    )
    return entries + "\nUNION ALL\n".join(parts)


# Real tickets only (the default of every figure), and every ticket, simulated ones too.
_DAY_SQL = {False: _day_sql(False), True: _day_sql(True)}


def has_simulated_flag(conn: sqlite3.Connection) -> bool:
    """False on a database whose hub has not yet applied the `simulated` migration (nothing is
    marked there, so every ticket counts)."""
    return any(row[1] == "simulated" for row in conn.execute("PRAGMA table_info(tickets)"))


@dataclass(frozen=True, slots=True)
class DayRolls:
    """The `day.rolled` events, to bound each day's part of the event log by `seq`."""

    seqs: list[int]
    days: list[str]

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> "DayRolls":
        rows = conn.execute(
            "SELECT seq, json_extract(payload, '$.business_day') FROM events WHERE type = 'day.rolled' ORDER BY seq"
        ).fetchall()
        return cls([r[0] for r in rows], [r[1] or "" for r in rows])

    def bounds(self, day: str) -> tuple[int, int]:
        """Events about a day's tickets that can change its KPIs lie strictly between these."""
        seq_from, seq_to = 0, 2**63 - 1
        for seq, rolled_to in zip(self.seqs, self.days):
            if rolled_to <= day:
                seq_from = seq
            else:
                seq_to = seq
                break
        return seq_from, seq_to


def summarise_day(
    conn: sqlite3.Connection,
    day: str,
    tz: ZoneInfo,
    rolls: DayRolls | None = None,
    *,
    include_simulated: bool = False,
    flagged: bool | None = None,
) -> DayTallies:
    """One business day's tallies per (grouping, key), computed in SQL from tickets and events.

    Simulated tickets are left out unless `include_simulated` (`flagged`: whether the database
    has the flag, when the caller knows).
    """
    rolls = rolls if rolls is not None else DayRolls.load(conn)
    if flagged is None:
        flagged = has_simulated_flag(conn)
    day_sql = _DAY_SQL[include_simulated or not flagged]
    seq_from, seq_to = rolls.bounds(day)
    tallies: DayTallies = {}
    counts: dict[tuple[str, int, int], array] = {}
    empty = bytes(BIN_COUNT * FIELD_BYTES)
    typecode = "I" if array("I").itemsize == FIELD_BYTES else "L"

    def bins(key: tuple[str, int, int]) -> array:
        found = counts.get(key)
        if found is None:
            found = counts[key] = array(typecode, empty)
        return found

    for row in conn.execute(day_sql, {"day": day, "seq_from": seq_from, "seq_to": seq_to}):
        if row[0] != _RAW:
            tally = tallies[(row[0], row[1])] = Tally()
            for name, value in zip(_SCALAR_FIELDS, row[2:]):
                setattr(tally, name, float(value or 0) if name.endswith("_sum") else int(value or 0))
            continue
        wait_bin, service_bin = row[5], row[6]
        for grouping, key in zip(_LIVE_KEYS, row[1:5]):
            if key is None:
                continue
            if wait_bin is not None:
                bins((grouping, key, 0))[wait_bin] += 1
            if service_bin is not None:
                bins((grouping, key, 1))[service_bin] += 1
    for (grouping, key, metric), histogram in counts.items():
        if sys.byteorder == "big":
            histogram.byteswap()
        value = int.from_bytes(histogram.tobytes(), "little")
        tally = tallies[(grouping, key)]
        if metric == 0:
            tally.wait_histogram = value
        else:
            tally.service_histogram = value
    slots = {key: tally for (grouping, key), tally in tallies.items() if grouping == "slot"}
    for key in slots:
        del tallies[("slot", key)]
    for slot, tally in slots.items():
        hour = datetime.fromtimestamp(slot * 900, tz=timezone.utc).astimezone(tz).hour
        tallies.setdefault(("hour", hour), Tally()).add(tally)
    services = [tally for (grouping, _), tally in tallies.items() if grouping == "service"]
    if services:  # every entry has exactly one service, so their sum is the day's total
        total = Tally()
        for tally in services:
            total.add(tally)
        tallies[("total", 0)] = total
    return tallies


# ── stored summaries ─────────────────────────────────────────────────────────────────────

_BUCKET_COLUMNS = ("business_day", "grouping", "key", *_SCALAR_FIELDS, "wait_histogram", "service_histogram")
_INSERT_BUCKET = (
    f"INSERT INTO day_summary_buckets ({', '.join(_BUCKET_COLUMNS)}) VALUES ({', '.join('?' * len(_BUCKET_COLUMNS))})"
)


def store_day_summary(
    conn: sqlite3.Connection, day: str, tallies: DayTallies, now: float, simulated_entries: int = 0
) -> bool:
    """Replace a day's stored summary with `tallies` (real tickets only: `simulated_entries`
    says how many simulated ones it left out); True when the day is final.

    A day is final when none of its entries is still waiting or with a counter: nothing can
    change its figures any more. A summary that is not final is recomputed live and stored
    again at the next rollover.
    """
    total = tallies.get(("total", 0), Tally())
    final = total.waiting == 0 and total.in_service == 0
    conn.execute("DELETE FROM day_summary_buckets WHERE business_day = ?", (day,))
    conn.execute(
        "INSERT INTO day_summaries (business_day, format, final, entries, built_at, simulated_entries) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (business_day) DO UPDATE SET format = excluded.format, final = excluded.final, "
        "entries = excluded.entries, built_at = excluded.built_at, simulated_entries = excluded.simulated_entries",
        (day, SUMMARY_FORMAT, int(final), total.issued + total.transferred, now, simulated_entries),
    )
    conn.executemany(
        _INSERT_BUCKET,
        [
            (
                day, grouping, key, *(getattr(tally, name) for name in _SCALAR_FIELDS),
                encode_histogram(tally.wait_histogram), encode_histogram(tally.service_histogram),
            )
            for (grouping, key), tally in tallies.items()
        ],
    )
    return final


def store_real_day_summary(conn: sqlite3.Connection, day: str, tz: ZoneInfo, rolls: DayRolls, now: float) -> bool:
    """Store a day's figures without its simulated tickets, and how many those were (the
    hub's own database, migrated)."""
    simulated = conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE business_day = ? AND simulated = 1", (day,)
    ).fetchone()[0]
    tallies = summarise_day(conn, day, tz, rolls, include_simulated=False, flagged=True)
    return store_day_summary(conn, day, tallies, now, simulated)


def days_to_summarise(conn: sqlite3.Connection, before: str, limit: int | None = None) -> list[str]:
    """Business days before `before` that had tickets and lack a final, current summary (newest first)."""
    sql = (
        "SELECT DISTINCT business_day FROM day_counters WHERE business_day < :before "
        "AND business_day NOT IN (SELECT business_day FROM day_summaries WHERE final = 1 AND format = :format) "
        "ORDER BY business_day DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [row[0] for row in conn.execute(sql, {"before": before, "format": SUMMARY_FORMAT})]


def summarise_closed_days(tx: "Tx") -> int:
    """At the rollover: store the summaries of finished days that have none (or none final).

    Runs inside the rollover's transaction, in a savepoint of its own: a failure here is logged
    and leaves the days to be computed live, but never stops the business day from rolling.
    The day's primary key makes a second run (a repeated rollover, a restart) replace, never
    duplicate, a summary.
    """
    conn = tx.conn
    conn.execute("SAVEPOINT day_summaries")
    try:
        days = days_to_summarise(conn, tx.store.current_business_day, MAX_DAYS_PER_ROLLOVER)
        if days:
            rolls = DayRolls.load(conn)
            for day in days:
                store_real_day_summary(conn, day, tx.catalogue.tz, rolls, tx.now)
    except Exception as error:
        from core.store import is_disk_full

        if is_disk_full(error):
            raise  # SQLite has undone the whole transaction: the store refuses the batch
        log.exception("could not store the daily summaries; the days will be computed from the tickets")
        conn.execute("ROLLBACK TO day_summaries")
        conn.execute("RELEASE day_summaries")
        return 0
    conn.execute("RELEASE day_summaries")
    return len(days)


def has_summary_tables(conn: sqlite3.Connection) -> bool:
    """False on a database whose hub has not yet applied the summaries migration."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'day_summaries'").fetchone()
    return row is not None


# ── a period ─────────────────────────────────────────────────────────────────────────────


def compute(
    store: "Store", first: date, last: date, group_by: list[str], *, include_simulated: bool = False
) -> dict[str, Any]:
    """The KPIs of business days `first` … `last` (inclusive), grouped as asked."""
    with store.read() as conn:
        return compute_on(conn, first, last, group_by, store.catalogue.tz, include_simulated=include_simulated)


def compute_on(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    group_by: list[str],
    tz: ZoneInfo,
    *,
    use_summaries: bool = True,
    include_simulated: bool = False,
) -> dict[str, Any]:
    """`compute` on any connection to the database (the read-only report uses this).

    Without `use_summaries` every day is computed from the tickets (to check the summaries).
    Simulated tickets count only with `include_simulated`: the stored summaries leave them
    out, so a day that had some is then computed from the tickets.
    """
    check_period(first, last)
    unknown = [g for g in group_by if g not in GROUPINGS]
    if unknown:
        raise BadInput(f"Unknown grouping {', '.join(unknown)}.", "تجميع غير معروف.")
    first_day, last_day = first.isoformat(), last.isoformat()
    flagged = has_simulated_flag(conn)
    summarised: set[str] = set()
    if use_summaries and has_summary_tables(conn):
        with_simulated = " AND simulated_entries = 0" if include_simulated and flagged else ""
        summarised = {
            row[0]
            for row in conn.execute(
                "SELECT business_day FROM day_summaries WHERE business_day BETWEEN ? AND ? AND final = 1 AND format = ?"
                + with_simulated,
                (first_day, last_day, SUMMARY_FORMAT),
            )
        }
    live_days = []
    day = first
    while day <= last:
        text = day.isoformat()
        if text not in summarised and conn.execute(
            "SELECT 1 FROM tickets WHERE business_day = ? LIMIT 1", (text,)
        ).fetchone():
            live_days.append(text)
        day += timedelta(days=1)

    stored_groupings = ["total", *(g for g in group_by if g != "day")]
    merged: dict[str, dict[int, Tally]] = {g: defaultdict(Tally) for g in stored_groupings}
    by_day: dict[str, Tally] = {}
    if summarised:
        _merge_stored(conn, first_day, last_day, stored_groupings, "day" in group_by, merged, by_day)
    if live_days:
        rolls = DayRolls.load(conn)
        for text in live_days:
            tallies = summarise_day(conn, text, tz, rolls, include_simulated=include_simulated, flagged=flagged)
            for (grouping, key), tally in tallies.items():
                if grouping in merged:
                    merged[grouping][key].add(tally)
                if grouping == "total" and "day" in group_by:
                    by_day[text] = tally

    labels = _labels(conn)
    total = merged["total"].get(0, Tally())
    totals = total.view()
    totals["wait_distribution"] = band_counts(total.wait_histogram)
    answer: dict[str, Any] = {"from": first_day, "to": last_day, "totals": totals}
    for grouping in group_by:
        if grouping == "day":
            answer["by_day"] = [{"day": key, **by_day[key].view()} for key in sorted(by_day)]
            continue
        buckets = merged[grouping]
        ordered = sorted(buckets, key=lambda key: labels.order(grouping, key))
        answer[f"by_{grouping}"] = [{**labels.describe(grouping, key), **buckets[key].view()} for key in ordered]
    answer["days"] = {"summarised": len(summarised), "live": len(live_days)}
    answer["include_simulated"] = include_simulated
    answer["precision"] = PRECISION
    return answer


def _merge_stored(
    conn: sqlite3.Connection,
    first_day: str,
    last_day: str,
    groupings: list[str],
    with_days: bool,
    merged: dict[str, dict[int, Tally]],
    by_day: dict[str, Tally],
) -> None:
    """Add up the final, current stored summaries of the period: scalars in SQL, histograms here."""
    placeholders = ", ".join("?" * len(groupings))
    where = (
        "FROM day_summary_buckets AS b JOIN day_summaries AS s ON s.business_day = b.business_day "
        f"WHERE b.business_day BETWEEN ? AND ? AND s.final = 1 AND s.format = ? AND b.grouping IN ({placeholders})"
    )
    params = (first_day, last_day, SUMMARY_FORMAT, *groupings)
    sums = ", ".join(f"TOTAL(b.{name})" if name.endswith("_sum") else f"SUM(b.{name})" for name in _SCALAR_FIELDS)
    for row in conn.execute(f"SELECT b.grouping, b.key, {sums} {where} GROUP BY b.grouping, b.key", params):
        tally = merged[row[0]][row[1]]
        for name, value in zip(_SCALAR_FIELDS, row[2:]):
            setattr(tally, name, value)
    for grouping, key, day, wait_blob, service_blob in conn.execute(
        f"SELECT b.grouping, b.key, b.business_day, b.wait_histogram, b.service_histogram {where}", params
    ):
        tally = merged[grouping][key]
        wait = decode_histogram(wait_blob)
        service = decode_histogram(service_blob)
        tally.wait_histogram += wait
        tally.service_histogram += service
        if with_days and grouping == "total":
            by_day[day] = Tally(wait_histogram=wait, service_histogram=service)
    if with_days and by_day:
        columns = ", ".join(_SCALAR_FIELDS)
        for row in conn.execute(
            f"SELECT b.business_day, {columns} FROM day_summary_buckets AS b JOIN day_summaries AS s "
            "ON s.business_day = b.business_day WHERE b.business_day BETWEEN ? AND ? AND s.final = 1 "
            "AND s.format = ? AND b.grouping = 'total'",
            (first_day, last_day, SUMMARY_FORMAT),
        ):
            tally = by_day[row[0]]
            for name, value in zip(_SCALAR_FIELDS, row[1:]):
                setattr(tally, name, value)


@dataclass(slots=True)
class _Labels:
    """Names of services, counters and clerks, from the database (so a report needs no config)."""

    services: dict[int, dict[str, Any]]
    counters: dict[int, dict[str, Any]]
    clerks: dict[int, str]

    def describe(self, grouping: str, key: int) -> dict[str, Any]:
        if grouping == "service":
            service = self.services.get(key)
            return {
                "service_id": key,
                "code": service["code"] if service else None,
                "name_ar": service["name_ar"] if service else None,
                "name_en": service["name_en"] if service else None,
                "target_wait_seconds": service["target_wait_seconds"] if service else None,
            }
        if grouping == "counter":
            counter = self.counters.get(key)
            return {
                "counter_id": key,
                "number": counter["number"] if counter else None,
                "name_ar": counter["name_ar"] if counter else None,
                "name_en": counter["name_en"] if counter else None,
            }
        if grouping == "clerk":
            return {"clerk_id": key, "clerk": self.clerks.get(key, f"#{key}")}
        return {grouping: key}

    def order(self, grouping: str, key: int) -> tuple:
        if grouping == "service":
            service = self.services.get(key)
            return (service["position"] if service else 1_000_000, key)
        if grouping == "counter":
            counter = self.counters.get(key)
            return (counter["number"] if counter else 1_000_000, key)
        if grouping == "clerk":
            return (self.clerks.get(key, "").casefold(), key)
        return (key,)


def _labels(conn: sqlite3.Connection) -> _Labels:
    def rows(sql: str) -> dict[int, dict[str, Any]]:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor}

    return _Labels(
        services=rows("SELECT id, code, name_ar, name_en, target_wait_seconds, position FROM services"),
        counters=rows("SELECT id, number, name_ar, name_en FROM counters"),
        clerks={row[0]: row[1] for row in conn.execute("SELECT id, username FROM clerks")},
    )


def rebuild_summaries(
    conn: sqlite3.Connection, tz: ZoneInfo, current_day: str, now: float, days: Iterable[str] | None = None
) -> list[str]:
    """Store afresh the summaries of `days` (default: every day before `current_day` with tickets).

    Nothing is ever deleted from the tickets table, so any summary can be rebuilt from it. Each
    day is its own short write transaction on `conn` (in autocommit mode), so this can run
    beside a live hub; the day the hub is on, and later ones, are never summarised.
    """
    if days is None:
        chosen = [row[0] for row in conn.execute(
            "SELECT DISTINCT business_day FROM tickets WHERE business_day < ? ORDER BY business_day", (current_day,)
        )]
    else:
        chosen = sorted(day for day in set(days) if day < current_day)
    rolls = DayRolls.load(conn)
    done = []
    for day in chosen:
        conn.execute("BEGIN IMMEDIATE")
        try:
            store_real_day_summary(conn, day, tz, rolls, now)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        done.append(day)
    return done
