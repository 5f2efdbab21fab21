"""KPIs for a period: counts, wait and service times (mean, median, p90), share within target.

Wait time is from an entry's issue (for a transfer: its arrival in the new service) to its
call; service time from start to finish. Both are grouped per service, counter, clerk, hour
of day and business day, as asked with `group_by`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timezone
from statistics import fmean, median
from typing import Any

from core.errors import BadInput
from core.store import Store

GROUPINGS = ("service", "counter", "clerk", "hour", "day")


def parse_group_by(text: str) -> list[str]:
    groups = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPINGS]
    if unknown:
        raise BadInput(
            f"Unknown grouping {', '.join(unknown)!s}; use any of {', '.join(GROUPINGS)}.",
            f"تجميع غير معروف؛ استخدم: {', '.join(GROUPINGS)}.",
        )
    return list(dict.fromkeys(groups))


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(values: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "mean": round(fmean(ordered), 1) if ordered else None,
        "median": round(median(ordered), 1) if ordered else None,
        "p90": round(percentile(ordered, 0.9), 1) if ordered else None,
    }


class _Bucket:
    __slots__ = ("issued", "served", "no_show", "cancelled", "expired", "transferred", "waiting", "waits", "services", "within")

    def __init__(self) -> None:
        self.issued = self.served = self.no_show = self.cancelled = self.expired = self.transferred = self.waiting = 0
        self.waits: list[float] = []
        self.services: list[float] = []
        self.within = 0

    def add(self, row: Any, target: int) -> None:
        status = row["status"]
        if row["sequence"] is not None:
            self.issued += 1
        if status == "done":
            self.served += 1
        elif status == "no_show":
            self.no_show += 1
        elif status == "cancelled":
            self.cancelled += 1
        elif status == "expired":
            self.expired += 1
        elif status == "transferred":
            self.transferred += 1
        elif status == "waiting":
            self.waiting += 1
        if row["called_at"] is not None:
            wait = row["called_at"] - row["issued_at"]
            self.waits.append(wait)
            if wait <= target:
                self.within += 1
        if status == "done" and row["started_at"] is not None:
            self.services.append(row["finished_at"] - row["started_at"])

    def view(self) -> dict[str, Any]:
        return {
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "expired": self.expired,
            "transferred": self.transferred,
            "waiting": self.waiting,
            "wait_seconds": summarise(self.waits),
            "service_seconds": summarise(self.services),
            "within_target_share": round(self.within / len(self.waits), 4) if self.waits else None,
        }


def compute(store: Store, first: date, last: date, group_by: list[str]) -> dict[str, Any]:
    catalogue = store.catalogue
    targets = {sid: s.target_wait_seconds for sid, s in catalogue.services.items()}
    with store.read() as conn:
        rows = conn.execute(
            "SELECT t.service_id, t.counter_id, t.status, t.sequence, t.issued_at, t.called_at, t.started_at, "
            "t.finished_at, t.business_day, c.username AS clerk FROM tickets t LEFT JOIN clerks c ON c.id = t.clerk_id "
            "WHERE t.business_day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ).fetchall()
    total = _Bucket()
    grouped: dict[str, dict[Any, _Bucket]] = {g: defaultdict(_Bucket) for g in group_by}
    tz = catalogue.tz
    for row in rows:
        target = targets.get(row["service_id"], 900)
        total.add(row, target)
        for grouping in group_by:
            if grouping == "service":
                key = row["service_id"]
            elif grouping == "counter":
                if row["counter_id"] is None:
                    continue
                key = row["counter_id"]
            elif grouping == "clerk":
                if row["clerk"] is None:
                    continue
                key = row["clerk"]
            elif grouping == "hour":
                key = datetime.fromtimestamp(row["issued_at"], tz=timezone.utc).astimezone(tz).hour
            else:
                key = row["business_day"]
            grouped[grouping][key].add(row, target)

    def label(grouping: str, key: Any) -> dict[str, Any]:
        if grouping == "service":
            service = catalogue.services.get(key)
            return {"service_id": key, "code": service.code if service else None, "name_ar": service.name_ar if service else None, "name_en": service.name_en if service else None}
        if grouping == "counter":
            counter = catalogue.counters.get(key)
            return {"counter_id": key, "number": counter.number if counter else None}
        return {grouping: key}

    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "totals": total.view(),
        **{
            f"by_{grouping}": [{**label(grouping, key), **bucket.view()} for key, bucket in sorted(grouped[grouping].items(), key=lambda kv: str(kv[0]) if grouping in ("clerk", "day") else kv[0])]
            for grouping in group_by
        },
    }
