"""Whether a service takes tickets now, and why not: the one rule the kiosk's answer and the
snapshot's `closed_reason` both follow.

Closed: disabled, outside its hours, a holiday (`service_closed_reason`); or open but done for
the day: the daily cap reached or, without wrap-around, the number range used up
(`day_limit_reason`, which needs the day's count of issued tickets).
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from core.catalogue import ServiceInfo

CLOSED_MESSAGES = {
    "disabled": ("This service is not available at the moment.", "هذه الخدمة غير متاحة حالياً."),
    "outside_hours": ("This service is closed at this hour.", "هذه الخدمة مغلقة في هذا الوقت."),
    "holiday": ("This service is closed today (holiday).", "هذه الخدمة مغلقة اليوم (إجازة)."),
    "daily_cap_reached": ("Today's tickets for this service have all been issued.", "نفدت تذاكر هذه الخدمة لهذا اليوم."),
    "range_exhausted": ("Today's numbers for this service have run out.", "نفدت أرقام هذه الخدمة لهذا اليوم."),
}


def service_closed_reason(service: ServiceInfo, now: float, tz: ZoneInfo) -> str | None:
    """Why a service takes no tickets at this hour, or None: disabled, outside hours, holiday."""
    if not service.enabled:
        return "disabled"
    local = datetime.fromtimestamp(now, tz=timezone.utc).astimezone(tz)
    is_open, reason = service.hours.state_at(local)
    if not is_open:
        return reason
    return None


def day_limit_reason(service: ServiceInfo, issued_today: int) -> str | None:
    """Why the next ticket cannot be issued today, `issued_today` being handed out already."""
    if issued_today >= service.daily_cap:
        return "daily_cap_reached"
    if not service.number_range.wrap and issued_today >= service.number_range.size:
        return "range_exhausted"
    return None


def unavailable_reason(service: ServiceInfo, now: float, tz: ZoneInfo, issued_today: int) -> str | None:
    """The first reason of either kind, or None when the service issues a ticket now."""
    return service_closed_reason(service, now, tz) or day_limit_reason(service, issued_today)
