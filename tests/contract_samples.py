"""Whole contract objects for tests that feed a client by hand: every field core/contract.py
requires, with plain defaults, as the JSON the hub sends (`*_json`) or as parsed models.

Tests name only what they are about (`service(2, "B", waiting=3)`); the rest is filled in so
the frames parse as the real hub's do.
"""

from __future__ import annotations

import json
from typing import Any

from core import contract

DAY = "2026-11-24"
AT = "2026-11-24T09:00:00.000+03:00"


def service_json(service_id: int = 1, code: str = "A", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": service_id, "code": code, "name_ar": f"خدمة {code}", "name_en": f"Service {code}",
        "group": None, "group_ar": None, "group_en": None, "enabled": True, "open_now": True,
        "closed_reason": None, "closed_message_en": None, "closed_message_ar": None,
        "target_wait_seconds": 900, "average_service_seconds": 300, "configured_service_seconds": 300,
        "daily_cap": 999, "issued_today": 0, "waiting": 0, "eta_seconds": 0, "open_counters": 1,
    }
    row.update(fields)
    return row


def ticket_json(ticket_id: int = 1, number: str | None = None, service_id: int = 1, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ticket_id, "number": f"A-{ticket_id:03}" if number is None else number, "service_id": service_id, "business_day": DAY,
        "priority": "normal", "status": "waiting", "code": f"code{ticket_id:06}", "issued_at": AT,
        "first_issued_at": AT, "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
        "counter_number": None, "clerk": None, "recalls": 0, "transferred_from_service_id": None,
        "ahead": None, "eta_seconds": None,
    }
    row.update(fields)
    return row


def counter_brief_json(counter_id: int = 1, number: int | None = None, **fields: Any) -> dict[str, Any]:
    number = counter_id if number is None else number
    row: dict[str, Any] = {"id": counter_id, "number": number, "name": f"Counter {number}", "name_ar": f"الشباك {number}"}
    row.update(fields)
    return row


def counter_json(counter_id: int = 1, number: int | None = None, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        **counter_brief_json(counter_id, number), "service_ids": [1], "mode": "fifo", "status": "open",
        "pause_reason": None, "clerk": None, "current_ticket": None, "theme": "standard", "large_text": False,
    }
    row.update(fields)
    return row


def centre_json(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name_ar": "مركز", "name_en": "Centre", "ticker_ar": "", "ticker_en": "", "footer_ar": "", "footer_en": "",
        "time_zone": "Asia/Riyadh", "rollover_hour": 3, "logo_url": None,
    }
    row.update(fields)
    return row


def board_json(counters: list[int] | None = None, services: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name_ar": None, "name_en": None, "counters": counters or [], "services": services or [], "theme": "standard",
        "flash": 0, "highlight_until_next": False, "chime_volume": 1.0, "chime_repeats": 1,
    }
    row.update(fields)
    return row


def state_json(
    seq: int = 0,
    *,
    services: list[dict[str, Any]] | None = None,
    counters: list[dict[str, Any]] | None = None,
    recent_calls: list[dict[str, Any]] | None = None,
    boards: dict[str, dict[str, Any]] | None = None,
    business_day: str = DAY,
    centre: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "seq": seq, "business_day": business_day, "centre": centre or centre_json(),
        "services": [service_json()] if services is None else services,
        "counters": [] if counters is None else counters,
        "recent_calls": recent_calls or [],
        "boards": {name: {**board_json(), **board} if isinstance(board, dict) else board for name, board in (boards or {}).items()},
        "rules": {"priority_streak_limit": 3, "recent_service_window": 20},
        "kiosk": {"screen_bottom_mm": None, "screen_width_mm": None, "screen_height_mm": None},
    }
    snapshot.update(fields)
    return snapshot


def figures_json(**fields: Any) -> dict[str, Any]:
    durations = {"count": 0, "mean": None, "median": None, "p90": None}
    row: dict[str, Any] = {
        "issued": 0, "served": 0, "no_show": 0, "cancelled": 0, "expired": 0, "transferred": 0, "waiting": 0,
        "in_service": 0, "wait_seconds": dict(durations), "service_seconds": dict(durations), "service_seconds_total": 0,
        "within_target_share": None,
    }
    row.update(fields)
    return row


def stats_json(day: str = DAY, **fields: Any) -> dict[str, Any]:
    """`GET /stats` for one day; `by_service=[...]` etc. as given."""
    answer: dict[str, Any] = {
        "from": day, "to": day, "totals": {**figures_json(), "wait_distribution": []},
        "days": {"summarised": 0, "live": 1},
        "precision": {"quantile_step_seconds": 1, "quantile_step_below_seconds": 600, "coarse_step_seconds": 10,
                      "coarse_step_below_seconds": 3600, "quantile_rule": "nearest rank"},
    }
    answer.update(fields)
    return answer


def event_json(seq: int, kind: str, at: str = AT, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "at": at, **fields}


def state(seq: int = 0, **fields: Any) -> contract.State:
    return contract.State.model_validate(state_json(seq, **fields))


def event(seq: int, kind: str, at: str = AT, **fields: Any) -> contract.EventBase:
    return contract.parse_event(event_json(seq, kind, at, **fields))


def frame(seq: int, kind: str, at: str = AT, **fields: Any) -> str:
    """An event as the socket's text."""
    return json.dumps(event_json(seq, kind, at, **fields), ensure_ascii=False)
