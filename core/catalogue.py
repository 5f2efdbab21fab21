"""The configured centre as the rules need it, kept in memory: services, counters and their hours.

Loaded from the config by `core.commands.apply_config`, which builds a whole new `Catalogue`
and hands it to the store in one step (`Tx.set_catalogue`): readers never see one half
loaded, and a command that fails puts the previous one back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.config import CentreFile, build_hours
from core.hours import OpeningHours
from core.models import CallMode, CounterId, ServiceId
from core.numbering import NumberRange


@dataclass(slots=True)
class ServiceInfo:
    """A service as the rules need it, cached in memory (it changes only with the config)."""

    id: ServiceId
    code: str
    name_ar: str
    name_en: str
    group_key: str | None
    number_range: NumberRange
    daily_cap: int
    target_wait_seconds: int
    max_wait_seconds: int | None
    default_service_seconds: int
    enabled: bool
    hours: OpeningHours
    position: int


@dataclass(slots=True)
class CounterInfo:
    id: CounterId
    number: int
    name_ar: str
    name_en: str
    mode: CallMode
    service_ids: list[ServiceId]


@dataclass(slots=True)
class Catalogue:
    """The configured centre, as loaded into the store: services, counters, groups, boards, rules."""

    config: CentreFile
    tz: ZoneInfo
    services: dict[ServiceId, ServiceInfo] = field(default_factory=dict)
    services_by_code: dict[str, ServiceInfo] = field(default_factory=dict)
    counters: dict[CounterId, CounterInfo] = field(default_factory=dict)
    counters_by_number: dict[int, CounterInfo] = field(default_factory=dict)


def hours_by_service(config: CentreFile) -> dict[str, OpeningHours]:
    """Opening hours per service code, the centre's where a service has none of its own."""
    centre = config.centre
    result = {}
    for service in config.services:
        special = centre.special_days + service.special_days
        result[service.code] = build_hours(service.hours if service.hours is not None else centre.hours, special)
    return result
