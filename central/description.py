"""A branch's description of itself: its centre's names and time zone, services, counters, clerks.

Sent by the hub's shipper when it starts and whenever it changes; the central keeps the last
one, which names the rows of the dashboard and gives each service's target wait.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, field_validator

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Id = Annotated[StrictInt, Field(ge=1, le=2**53)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a newer hub may describe more; nothing it sends is required to be known


class CentreInfo(_Strict):
    name_ar: Name
    name_en: Name
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)]

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value[:64]!r}") from None
        return value


class ServiceInfo(_Strict):
    id: Id
    code: Annotated[str, StringConstraints(min_length=1, max_length=8)]
    name_ar: Name
    name_en: Name
    target_wait_seconds: Annotated[StrictInt, Field(ge=0, le=86400 * 7)]
    position: Annotated[StrictInt, Field(ge=0, le=100_000)] = 0


class CounterInfo(_Strict):
    id: Id
    number: Annotated[StrictInt, Field(ge=0, le=1_000_000)]
    name_ar: Name
    name_en: Name


class ClerkInfo(_Strict):
    id: Id
    username: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    role: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    active: StrictBool = True


class Description(_Strict):
    centre: CentreInfo
    services: Annotated[list[ServiceInfo], Field(max_length=500)]
    counters: Annotated[list[CounterInfo], Field(max_length=2000)]
    clerks: Annotated[list[ClerkInfo], Field(max_length=20000)]


def store_description(conn: psycopg.Connection, branch_id: int, description: Description) -> None:
    """Replace what the central knows of the branch's catalogue, in one transaction."""
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(
            "UPDATE branches SET centre_name_ar = %s, centre_name_en = %s, time_zone = %s, described_at = now() WHERE id = %s",
            (description.centre.name_ar, description.centre.name_en, description.centre.time_zone, branch_id),
        )
        for table in ("branch_services", "branch_counters", "branch_clerks"):
            cursor.execute(f"DELETE FROM {table} WHERE branch_id = %s", (branch_id,))
        cursor.executemany(
            "INSERT INTO branch_services (branch_id, service_id, code, name_ar, name_en, target_wait_seconds, position) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(branch_id, s.id, s.code, s.name_ar, s.name_en, s.target_wait_seconds, s.position) for s in description.services],
        )
        cursor.executemany(
            "INSERT INTO branch_counters (branch_id, counter_id, number, name_ar, name_en) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(branch_id, c.id, c.number, c.name_ar, c.name_en) for c in description.counters],
        )
        cursor.executemany(
            "INSERT INTO branch_clerks (branch_id, clerk_id, username, role, active) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(branch_id, c.id, c.username, c.role, c.active) for c in description.clerks],
        )
