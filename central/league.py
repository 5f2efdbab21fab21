"""The league table of branches for a period, and the columns it shows.

A column is declared once: its key, its headings in both languages, what kind of figure it is,
which way is better, and how it is read from a branch's period figures. Satisfaction (the
share of ratings that were 4 or 5) and complaints are summed from the voice columns of
`day_tallies`; a branch whose visitors rated nothing shows "—" for satisfaction, and one with
no rating and no feedback at all shows "—" for complaints too
(docs/decisions/central-league-columns.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

from central.summaries import period_by_branch, voice_by_branch


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    ar: str
    en: str
    kind: str  # "minutes", "share", "count", "score"
    better: str  # "low" or "high": the direction that ranks a branch higher
    read: Callable[[dict[str, Any]], Any]


def _feedback(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda figures: figures.get(name)


COLUMNS: tuple[Column, ...] = (
    Column("within_target_share", "نسبة الخدمة ضمن المستهدف", "Served within target", "share", "high",
           lambda f: f["within_target_share"]),
    Column("wait_mean", "متوسط الانتظار (دقيقة)", "Mean wait (min)", "minutes", "low", lambda f: f["wait_seconds"]["mean"]),
    Column("wait_p90", "الانتظار عند 90٪ (دقيقة)", "90th percentile wait (min)", "minutes", "low",
           lambda f: f["wait_seconds"]["p90"]),
    Column("service_mean", "متوسط مدة الخدمة (دقيقة)", "Mean service (min)", "minutes", "low",
           lambda f: f["service_seconds"]["mean"]),
    Column("satisfaction", "نسبة الزوار الراضين", "Satisfied visitors", "share", "high", _feedback("satisfaction")),
    Column("complaints", "الشكاوى", "Complaints", "count", "low", _feedback("complaints")),
    Column("served", "التذاكر المخدومة", "Tickets served", "count", "high", lambda f: f["served"]),
    Column("issued", "التذاكر الصادرة", "Tickets issued", "count", "high", lambda f: f["issued"]),
    Column("no_show", "لم يحضروا", "No-shows", "count", "low", lambda f: f["no_show"]),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_SORT = "within_target_share"


def feedback_by_branch(conn: psycopg.Connection, first: date, last: date) -> dict[int, dict[str, Any]]:
    """Satisfaction and complaints per branch over the period, from the day tallies.

    `satisfaction` is the share of ratings that were 4 or 5 (None without ratings);
    `complaints` the complaints filed (None when the branch heard nothing from its visitors:
    no rating and no feedback, e.g. a hub that does not ask). Counts only, nothing personal.
    """
    answer = {}
    for branch_id, voice in voice_by_branch(conn, first, last).items():
        ratings = voice["rating_count"]
        heard = ratings or voice["feedback_filed"]
        answer[branch_id] = {
            "satisfaction": voice["rating_satisfied"] / ratings if ratings else None,
            "rating_mean": round(voice["rating_sum"] / ratings, 2) if ratings else None,
            "ratings": ratings,
            "complaints": voice["complaints"] if heard else None,
        }
    return answer


def league(conn: psycopg.Connection, first: date, last: date, sort: str = DEFAULT_SORT) -> dict[str, Any]:
    """Every branch's figures for the period, ranked by `sort` (ties: mean wait, then code)."""
    column = BY_KEY.get(sort) or BY_KEY[DEFAULT_SORT]
    tallies = period_by_branch(conn, first, last)
    feedback = feedback_by_branch(conn, first, last)
    rows = []
    for branch_id, code, name_ar, name_en, held_seq, last_batch in conn.execute(
        "SELECT id, code, name_ar, name_en, held_seq, last_batch_at FROM branches ORDER BY code"
    ):
        tally = tallies.get(branch_id)
        figures = tally.view() if tally else None
        values = {}
        if figures is not None:
            figures.update(feedback.get(branch_id, {}))
            values = {c.key: c.read(figures) for c in COLUMNS}
        rows.append({
            "code": code, "name_ar": name_ar, "name_en": name_en, "held_seq": held_seq,
            "last_batch_at": last_batch.isoformat() if last_batch else None,
            "values": values, "figures": figures,
        })

    def rank_key(row: dict[str, Any]) -> tuple:
        value = row["values"].get(column.key)
        wait = row["values"].get("wait_mean")
        missing = value is None
        signed = 0 if missing else (-value if column.better == "high" else value)
        return (missing, signed, wait if wait is not None else float("inf"), row["code"])

    rows.sort(key=rank_key)
    rank = 0
    for row in rows:
        if row["values"].get(column.key) is not None:
            rank += 1
            row["rank"] = rank
        else:
            row["rank"] = None
    return {
        "from": first.isoformat(), "to": last.isoformat(), "sort": column.key,
        "columns": [{"key": c.key, "ar": c.ar, "en": c.en, "kind": c.kind, "better": c.better} for c in COLUMNS],
        "rows": rows,
    }
