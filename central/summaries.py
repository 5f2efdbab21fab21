"""The figures: per branch and business day, KPI tallies computed in SQL from the entries.

The rules are the hub's own (core/stats.py): the same definitions of an entry, a wait (issue to
first call) and a service (start to finish), the same histogram bins, the same nearest-rank
quantiles and rounding. A day is reduced in one SQL statement with GROUPING SETS (counts, sums
and the histogram bins per service, counter, clerk and quarter-hour), the bins are packed into
the hub's histogram format in Python, and the day's rows in `day_tallies` are replaced. A
period then adds up days: scalars with SQL sums, histograms by integer addition, and
`core.stats.Tally.view` writes the answer, so a branch's figures here are its own `/stats`.

Days are refreshed by `refresh_dirty`, which the ingest wakes: a busy branch's many batches
in a second cost one refresh of its day, not one per batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg

from central.schema import VOICE_DAY
from core.stats import (
    COARSE_LIMIT,
    COARSE_STEP,
    FINE_BINS,
    FINE_LIMIT,
    FINE_STEP,
    OVERFLOW_BIN,
    PRECISION,
    Tally,
    band_counts,
    decode_histogram,
    encode_histogram,
    histogram_from_counts,
)

_SCALARS = (
    "issued", "served", "no_show", "cancelled", "expired", "transferred", "waiting", "in_service",
    "wait_count", "wait_sum", "within_target", "service_count", "service_sum",
)
GROUPINGS = ("service", "counter", "clerk", "hour")


def _bin(column: str) -> str:
    """The hub's bin rule (core.stats._bin_sql), written for PostgreSQL: floor, not a rounding cast."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} < {FINE_LIMIT} THEN floor({column} / {FINE_STEP})::int "
        f"WHEN {column} < {COARSE_LIMIT} THEN {FINE_BINS} + floor(({column} - {FINE_LIMIT}) / {COARSE_STEP})::int "
        f"ELSE {OVERFLOW_BIN} END"
    )


# GREATEST ignores NULLs in PostgreSQL (SQLite's MAX does not), hence the explicit CASEs.
_DAY_ENTRIES = f"""
WITH e AS MATERIALIZED (
    SELECT en.service_id, en.counter_id, en.clerk, floor(en.issued_at / 900)::bigint AS slot, en.issued, en.status,
           CASE WHEN en.first_called_at IS NOT NULL AND en.issued_at IS NOT NULL
                THEN GREATEST(0.0, en.first_called_at - en.issued_at) END AS wait,
           CASE WHEN en.status = 'done' AND en.started_at IS NOT NULL AND en.finished_at IS NOT NULL
                THEN GREATEST(0.0, en.finished_at - en.started_at) END AS service,
           s.target_wait_seconds AS target
    FROM entries en
    LEFT JOIN branch_services s ON s.branch_id = en.branch_id AND s.service_id = en.service_id
    WHERE en.branch_id = %(branch)s AND en.business_day = %(day)s AND NOT en.simulated
),
b AS MATERIALIZED (
    SELECT service_id, counter_id, clerk, slot, issued, status, wait, service, wait <= target AS within,
           {_bin("wait")} AS wait_bin, {_bin("service")} AS service_bin
    FROM e
)
"""

_SETS = "GROUPING SETS ((service_id), (counter_id), (clerk), (slot))"
_DAY_SCALARS = _DAY_ENTRIES + f"""
SELECT GROUPING(service_id, counter_id, clerk, slot), service_id, counter_id, clerk, slot,
       count(*) FILTER (WHERE issued), count(*) FILTER (WHERE status = 'done'),
       count(*) FILTER (WHERE status = 'no_show'), count(*) FILTER (WHERE status = 'cancelled'),
       count(*) FILTER (WHERE status = 'expired'), count(*) FILTER (WHERE status = 'transferred'),
       count(*) FILTER (WHERE status = 'waiting'), count(*) FILTER (WHERE status IN ('called', 'serving')),
       count(wait), COALESCE(sum(wait), 0), count(*) FILTER (WHERE within), count(service), COALESCE(sum(service), 0)
FROM b GROUP BY {_SETS}
"""
_DAY_BINS = _DAY_ENTRIES + """
SELECT GROUPING(service_id, counter_id, clerk, slot), service_id, counter_id, clerk, slot, 0, wait_bin, count(*)
FROM b WHERE wait_bin IS NOT NULL GROUP BY GROUPING SETS ((service_id, wait_bin), (counter_id, wait_bin), (clerk, wait_bin), (slot, wait_bin))
UNION ALL
SELECT GROUPING(service_id, counter_id, clerk, slot), service_id, counter_id, clerk, slot, 1, service_bin, count(*)
FROM b WHERE service_bin IS NOT NULL GROUP BY GROUPING SETS ((service_id, service_bin), (counter_id, service_bin), (clerk, service_bin), (slot, service_bin))
"""
# GROUPING(service_id, counter_id, clerk, slot) is a bit mask, 1 for each column *not* grouped.
_GROUPING_OF_MASK = {0b0111: "service", 0b1011: "counter", 0b1101: "clerk", 0b1110: "slot"}


def _key_of(grouping: str, row: tuple) -> Any:
    return {"service": row[1], "counter": row[2], "clerk": row[3], "slot": row[4]}[grouping]


def branch_zone(conn: psycopg.Connection, branch_id: int) -> ZoneInfo:
    row = conn.execute("SELECT time_zone FROM branches WHERE id = %s", (branch_id,)).fetchone()
    try:
        return ZoneInfo(row[0]) if row else ZoneInfo("Asia/Riyadh")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Riyadh")


def day_tallies(conn: psycopg.Connection, branch_id: int, day: date, tz: ZoneInfo) -> dict[tuple[str, str], Tally]:
    """A branch-day's tallies per (grouping, key), from its entries."""
    params = {"branch": branch_id, "day": day}
    raw: dict[tuple[str, Any], Tally] = {}
    for row in conn.execute(_DAY_SCALARS, params):
        grouping = _GROUPING_OF_MASK[row[0]]
        key = _key_of(grouping, row)
        if key is None:
            continue
        tally = raw[(grouping, key)] = Tally()
        for name, value in zip(_SCALARS, row[5:]):
            setattr(tally, name, float(value) if name.endswith("_sum") else int(value))
    bins: dict[tuple[str, Any, int], list[tuple[int, int]]] = defaultdict(list)
    for row in conn.execute(_DAY_BINS, params):
        grouping = _GROUPING_OF_MASK[row[0]]
        key = _key_of(grouping, row)
        if key is not None:
            bins[(grouping, key, row[5])].append((row[6], row[7]))
    for (grouping, key, metric), pairs in bins.items():
        tally = raw[(grouping, key)]
        if metric == 0:
            tally.wait_histogram = histogram_from_counts(pairs)
        else:
            tally.service_histogram = histogram_from_counts(pairs)
    tallies: dict[tuple[str, str], Tally] = {}
    for (grouping, key), tally in sorted(raw.items(), key=lambda item: (item[0][0], item[0][1])):
        if grouping == "slot":
            hour = datetime.fromtimestamp(key * 900, tz=timezone.utc).astimezone(tz).hour
            tallies.setdefault(("hour", str(hour)), Tally()).add(tally)
        else:
            tallies[(grouping, str(key))] = tally
    services = sorted((int(key), tally) for (grouping, key), tally in tallies.items() if grouping == "service")
    if services:  # every entry has one service, so the services add up to the day (as in the hub)
        total = Tally()
        for _, tally in services:
            total.add(tally)
        tallies[("total", "")] = total
    return tallies


_TALLY_COLUMNS = ("branch_id", "business_day", "grouping", "key", *_SCALARS, "wait_histogram", "service_histogram")

# The visitors' voice of a branch-day, from its stored events: ratings (of the day's visits),
# their sum and how many were 4 or 5; complaints and all feedback filed that day. Only the
# score, the kind and the day are read: the events carry no comment, text or mobile number.
# A rating of a simulated ticket is left out, as the ticket is. Kept on the 'total' row.
VOICE = ("rating_count", "rating_sum", "rating_satisfied", "complaints", "feedback_filed")
_DAY_VOICE = f"""
WITH v AS (
    SELECT type, ticket_id,
           CASE WHEN payload->'rating'->>'score' IN ('1', '2', '3', '4', '5')
                THEN (payload->'rating'->>'score')::int END AS score,
           payload->'feedback'->>'kind' AS kind
    FROM events
    WHERE branch_id = %(branch)s AND type IN ('rating.recorded', 'feedback.filed') AND {VOICE_DAY} = %(day_text)s
)
SELECT count(score) FILTER (WHERE type = 'rating.recorded'),
       COALESCE(sum(score) FILTER (WHERE type = 'rating.recorded'), 0),
       count(*) FILTER (WHERE type = 'rating.recorded' AND score >= 4),
       count(*) FILTER (WHERE type = 'feedback.filed' AND kind = 'complaint'),
       count(*) FILTER (WHERE type = 'feedback.filed')
FROM v
WHERE NOT (type = 'rating.recorded' AND EXISTS (
    SELECT 1 FROM entries e WHERE e.branch_id = %(branch)s AND e.business_day = %(day)s
    AND e.ticket_id = v.ticket_id AND e.simulated))
"""


def day_voice(conn: psycopg.Connection, branch_id: int, day: date) -> tuple[int, ...]:
    """A branch-day's voice figures, in the order of `VOICE`."""
    row = conn.execute(_DAY_VOICE, {"branch": branch_id, "day": day, "day_text": day.isoformat()}).fetchone()
    return tuple(int(value) for value in row)


def refresh_day(conn: psycopg.Connection, branch_id: int, day: date, tz: ZoneInfo | None = None) -> int:
    """Replace a branch-day's stored tallies (inside the caller's transaction); the entries counted."""
    tallies = day_tallies(conn, branch_id, day, tz or branch_zone(conn, branch_id))
    voice = day_voice(conn, branch_id, day)
    if any(voice) and ("total", "") not in tallies:  # feedback filed on a day without tickets
        tallies[("total", "")] = Tally()
    none = (0,) * len(VOICE)
    conn.execute("DELETE FROM day_tallies WHERE branch_id = %s AND business_day = %s", (branch_id, day))
    with conn.cursor().copy(f"COPY day_tallies ({', '.join(_TALLY_COLUMNS)}, {', '.join(VOICE)}) FROM STDIN") as copy:
        for (grouping, key), tally in tallies.items():
            copy.write_row((
                branch_id, day, grouping, key, *(getattr(tally, name) for name in _SCALARS),
                encode_histogram(tally.wait_histogram), encode_histogram(tally.service_histogram),
                *(voice if grouping == "total" else none),
            ))
    total = tallies.get(("total", ""), Tally())
    entries = (total.served + total.no_show + total.cancelled + total.expired + total.transferred + total.waiting
               + total.in_service)
    conn.execute(
        "INSERT INTO day_summaries (branch_id, business_day, entries, through_seq) "
        "SELECT %s, %s, %s, held_seq FROM branches WHERE id = %s "
        "ON CONFLICT (branch_id, business_day) DO UPDATE SET entries = excluded.entries, "
        "through_seq = excluded.through_seq, refreshed_at = now()",
        (branch_id, day, entries, branch_id),
    )
    return entries


def refresh_dirty(conn: psycopg.Connection, limit: int = 200, min_age: float = 0.0) -> int:
    """Refresh the branch-days marked dirty (oldest first, at most `limit`); the number refreshed.

    A day refreshed less than `min_age` seconds ago waits for a later round, so a branch that
    sends a batch every second costs one recomputation of its day per `min_age`, not one per
    batch. The marks are locked while their days are recomputed: an ingest that marks the same
    day meanwhile waits, and its mark survives for the next round (see central/ingest.py).
    """
    zones: dict[int, ZoneInfo] = {}
    with conn.transaction():
        marks = conn.execute(
            "SELECT d.branch_id, d.business_day FROM dirty_days d LEFT JOIN day_summaries s "
            "ON s.branch_id = d.branch_id AND s.business_day = d.business_day "
            "WHERE s.refreshed_at IS NULL OR s.refreshed_at < now() - make_interval(secs => %s) "
            "ORDER BY d.marked_at LIMIT %s FOR UPDATE OF d SKIP LOCKED",
            (min_age, limit),
        ).fetchall()
        for branch_id, day in marks:
            if branch_id not in zones:
                zones[branch_id] = branch_zone(conn, branch_id)
            refresh_day(conn, branch_id, day, zones[branch_id])
        if marks:
            conn.execute(
                "DELETE FROM dirty_days d USING unnest(%s::int[], %s::date[]) AS m(branch_id, business_day) "
                "WHERE d.branch_id = m.branch_id AND d.business_day = m.business_day",
                ([m[0] for m in marks], [m[1] for m in marks]),
            )
    return len(marks)


def rebuild_all(conn: psycopg.Connection) -> int:
    """Mark every branch-day that has entries dirty (after a change of the rules), then refresh all."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO dirty_days (branch_id, business_day) SELECT DISTINCT branch_id, business_day FROM entries "
            "ON CONFLICT DO NOTHING"
        )
    done = 0
    while True:
        count = refresh_dirty(conn, 500)
        done += count
        if count == 0:
            return done


# ── periods ──────────────────────────────────────────────────────────────────────────────


@dataclass
class Labels:
    """A branch's names for its services, counters and clerks, as it last described them."""

    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    counters: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: psycopg.Connection, branch_id: int) -> "Labels":
        labels = cls()
        for service_id, code, name_ar, name_en, target, position in conn.execute(
            "SELECT service_id, code, name_ar, name_en, target_wait_seconds, position FROM branch_services WHERE branch_id = %s",
            (branch_id,),
        ):
            labels.services[str(service_id)] = {
                "service_id": service_id, "code": code, "name_ar": name_ar, "name_en": name_en,
                "target_wait_seconds": target, "position": position,
            }
        for counter_id, number, name_ar, name_en in conn.execute(
            "SELECT counter_id, number, name_ar, name_en FROM branch_counters WHERE branch_id = %s", (branch_id,)
        ):
            labels.counters[str(counter_id)] = {"counter_id": counter_id, "number": number, "name_ar": name_ar, "name_en": name_en}
        return labels

    def describe(self, grouping: str, key: str) -> dict[str, Any]:
        if grouping == "service":
            found = self.services.get(key)
            if found:
                return {k: v for k, v in found.items() if k != "position"}
            return {"service_id": int(key), "code": None, "name_ar": None, "name_en": None, "target_wait_seconds": None}
        if grouping == "counter":
            return self.counters.get(key) or {"counter_id": int(key), "number": None, "name_ar": None, "name_en": None}
        if grouping == "clerk":
            return {"clerk": key}
        return {"hour": int(key)}

    def order(self, grouping: str, key: str) -> tuple:
        if grouping == "service":
            found = self.services.get(key)
            return (found["position"] if found else 1_000_000, int(key))
        if grouping == "counter":
            found = self.counters.get(key)
            return (found["number"] if found else 1_000_000, int(key))
        if grouping == "clerk":
            return (key.casefold(), key)
        return (int(key),)


def _sums(prefix: str = "") -> str:
    return ", ".join(f"COALESCE(sum({prefix}{name}), 0)" for name in _SCALARS)


def _tally_from(values: tuple) -> Tally:
    tally = Tally()
    for name, value in zip(_SCALARS, values):
        setattr(tally, name, float(value) if name.endswith("_sum") else int(value))
    return tally


def period_by_branch(conn: psycopg.Connection, first: date, last: date, branch_ids: list[int] | None = None) -> dict[int, Tally]:
    """Every branch's total tally over business days `first` … `last`."""
    where = "grouping = 'total' AND business_day BETWEEN %s AND %s"
    params: list[Any] = [first, last]
    if branch_ids is not None:
        where += " AND branch_id = ANY(%s)"
        params.append(branch_ids)
    tallies: dict[int, Tally] = {}
    for row in conn.execute(f"SELECT branch_id, {_sums()} FROM day_tallies WHERE {where} GROUP BY branch_id", params):
        tallies[row[0]] = _tally_from(row[1:])
    _add_histograms(conn, f"SELECT branch_id, wait_histogram, service_histogram FROM day_tallies WHERE {where}", params, tallies)
    return tallies


def voice_by_branch(conn: psycopg.Connection, first: date, last: date) -> dict[int, dict[str, int]]:
    """Every branch's voice figures summed over business days `first` … `last`."""
    sums = ", ".join(f"COALESCE(sum({name}), 0)" for name in VOICE)
    return {
        row[0]: dict(zip(VOICE, (int(value) for value in row[1:])))
        for row in conn.execute(
            f"SELECT branch_id, {sums} FROM day_tallies WHERE grouping = 'total' AND business_day BETWEEN %s AND %s "
            "GROUP BY branch_id",
            (first, last),
        )
    }


def _add_histograms(conn: psycopg.Connection, sql: str, params: list[Any], tallies: dict[Any, Tally]) -> None:
    """Add each row's (key, wait histogram, service histogram) to the key's tally."""
    for key, wait, service in conn.execute(sql, params):
        tally = tallies[key]
        tally.wait_histogram += decode_histogram(wait)
        tally.service_histogram += decode_histogram(service)


def trend(conn: psycopg.Connection, first: date, last: date, unit: str, branch_id: int | None = None) -> list[tuple[date, Tally]]:
    """Total tallies per week (starting Sunday, the Saudi week) or per month, over all branches or one."""
    if unit not in ("week", "month"):
        raise ValueError(unit)
    # date_trunc('week') starts weeks on Monday; shifting by a day makes them start on Sunday.
    bucket = (
        "(date_trunc('week', business_day + 1)::date - 1)" if unit == "week" else "date_trunc('month', business_day)::date"
    )
    where = "grouping = 'total' AND business_day BETWEEN %s AND %s"
    params: list[Any] = [first, last]
    if branch_id is not None:
        where += " AND branch_id = %s"
        params.append(branch_id)
    buckets: dict[date, Tally] = {}
    for row in conn.execute(f"SELECT {bucket}, {_sums()} FROM day_tallies WHERE {where} GROUP BY 1 ORDER BY 1", params):
        buckets[row[0]] = _tally_from(row[1:])
    _add_histograms(conn, f"SELECT {bucket}, wait_histogram, service_histogram FROM day_tallies WHERE {where}", params, buckets)
    return sorted(buckets.items())


def branch_stats(
    conn: psycopg.Connection, branch_id: int, first: date, last: date, group_by: list[str]
) -> dict[str, Any]:
    """One branch's KPIs for a period, in the shape of the hub's `GET /stats` answer."""
    stored = ["total", *(g for g in group_by if g != "day")]
    merged: dict[str, dict[str, Tally]] = {g: {} for g in stored}
    params = (branch_id, first, last, stored)
    for row in conn.execute(
        f"SELECT grouping, key, {_sums()} FROM day_tallies WHERE branch_id = %s AND business_day BETWEEN %s AND %s "
        "AND grouping = ANY(%s) GROUP BY grouping, key",
        params,
    ):
        merged[row[0]][row[1]] = _tally_from(row[2:])
    by_day: dict[date, Tally] = {}
    for grouping, key, day, values_wait, values_service, *scalars in conn.execute(
        f"SELECT grouping, key, business_day, wait_histogram, service_histogram, {', '.join(_SCALARS)} FROM day_tallies "
        "WHERE branch_id = %s AND business_day BETWEEN %s AND %s AND grouping = ANY(%s)",
        params,
    ):
        wait, service = decode_histogram(values_wait), decode_histogram(values_service)
        tally = merged[grouping][key]
        tally.wait_histogram += wait
        tally.service_histogram += service
        if grouping == "total" and "day" in group_by:
            day_tally = _tally_from(tuple(scalars))
            day_tally.wait_histogram, day_tally.service_histogram = wait, service
            by_day[day] = day_tally
    labels = Labels.load(conn, branch_id)
    total = merged["total"].get("", Tally())
    totals = total.view()
    totals["wait_distribution"] = band_counts(total.wait_histogram)
    answer: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat(), "totals": totals}
    for grouping in group_by:
        if grouping == "day":
            answer["by_day"] = [{"day": day.isoformat(), **by_day[day].view()} for day in sorted(by_day)]
            continue
        buckets = merged[grouping]
        ordered = sorted(buckets, key=lambda key: labels.order(grouping, key))
        answer[f"by_{grouping}"] = [{**labels.describe(grouping, key), **buckets[key].view()} for key in ordered]
    answer["precision"] = PRECISION
    answer["include_simulated"] = False  # as the hub's default: the day simulator's tickets are never counted here
    return answer


def days_between(first: date, last: date) -> int:
    return (last - first).days + 1


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)
