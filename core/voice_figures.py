"""The visitor's voice in figures: satisfaction per grouping, and a fair clerk league.

Satisfaction of a group of ratings: `satisfied_share` (share of scores 4 and 5), `mean_score`,
`ratings`, and `response_rate` = ratings ÷ entries served in the same group.

The league ranks clerks on scores adjusted for the services they serve: each rated visit's score
and each served visit's service time are compared with the centre-wide mean of that visit's
service, so a clerk on the slowest, hardest service is compared with that service, not with the
quickest one. A clerk with fewer than `MIN_RATINGS_TO_RANK` ratings is listed but not ranked
(docs/decisions/employee-of-the-month.md says why).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean, median

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


def _service_means(visits: Iterable[tuple[int, float]]) -> dict[int, float]:
    sums: dict[int, list[float]] = defaultdict(list)
    for service_id, value in visits:
        sums[service_id].append(value)
    return {service_id: fmean(values) for service_id, values in sums.items()}


def league(
    rated: list[RatedVisit], served: list[ServedVisit], min_ratings: int = MIN_RATINGS_TO_RANK
) -> list[dict]:
    """One row per clerk, ranked clerks first by adjusted score (best first), then the unranked.

    `score_vs_service`: the mean, over the clerk's rated visits, of (score − the centre-wide mean
    score of that visit's service). `time_vs_service`: the mean of (service time ÷ the service's
    centre-wide mean time); below 1 is quicker than the centre on the same services. Both weigh
    each service by the clerk's own mix of visits. Nothing personal: no comments, no mobiles."""
    score_means = _service_means((r.service_id, r.score) for r in rated)
    time_means = _service_means((s.service_id, s.service_seconds) for s in served)
    by_clerk_scores: dict[int, list[RatedVisit]] = defaultdict(list)
    by_clerk_served: dict[int, list[ServedVisit]] = defaultdict(list)
    for r in rated:
        if r.clerk_id is not None:
            by_clerk_scores[r.clerk_id].append(r)
    for s in served:
        if s.clerk_id is not None:
            by_clerk_served[s.clerk_id].append(s)
    rows = []
    for clerk_id in sorted(set(by_clerk_scores) | set(by_clerk_served)):
        scores = by_clerk_scores.get(clerk_id, [])
        visits = by_clerk_served.get(clerk_id, [])
        times = [v.service_seconds for v in visits]
        ratios = [v.service_seconds / time_means[v.service_id] for v in visits if time_means[v.service_id] > 0]
        row = {
            "clerk_id": clerk_id,
            "served": len(visits),
            "mean_service_seconds": fmean(times) if times else None,
            "median_service_seconds": median(times) if times else None,
            **satisfaction((r.score for r in scores), len(visits)),
            "score_vs_service": fmean(r.score - score_means[r.service_id] for r in scores) if scores else None,
            "time_vs_service": fmean(ratios) if ratios else None,
            "ranked": len(scores) >= min_ratings,
            "rank": None,
        }
        rows.append(row)
    ranked = sorted(
        (row for row in rows if row["ranked"]),
        key=lambda row: (-row["score_vs_service"], row["time_vs_service"] or 0.0, row["clerk_id"]),
    )
    for place, row in enumerate(ranked, start=1):
        row["rank"] = place
    return ranked + [row for row in rows if not row["ranked"]]


def load_month(conn: sqlite3.Connection, first_day: str, last_day: str) -> tuple[list[RatedVisit], list[ServedVisit]]:
    """The rated and served visits of the business days first_day..last_day (ISO dates)."""
    rated = [
        RatedVisit(*row)
        for row in conn.execute(
            "SELECT service_id, counter_id, clerk_id, score FROM ratings WHERE business_day BETWEEN ? AND ?",
            (first_day, last_day),
        )
    ]
    served = [
        ServedVisit(*row)
        for row in conn.execute(
            "SELECT service_id, clerk_id, finished_at - started_at FROM tickets"
            " WHERE business_day BETWEEN ? AND ? AND status = 'done' AND started_at IS NOT NULL",
            (first_day, last_day),
        )
    ]
    return rated, served
