"""What goes on a paper ticket, independent of how it is drawn or sent.

`TicketPrint` is built from the contract's models (`TicketPrint.from_models`: core/contract.py's
`Ticket`, `Service` and `Centre`, as a kiosk holds them), from the hub's JSON answers
(`TicketPrint.from_hub`, each field checked), or as a sample for `print-test` (`TicketPrint.sample`). It holds text in both languages and plain values; the layout
decides how they look.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from core.contract import Centre, Service, Ticket
from core.errors import BilingualError
from core.models import Priority

LANGUAGES = ("ar", "en")
_MAX_TEXT = 2000  # longer values are cut: a ticket is paper, not a document


class TicketDataError(BilingualError, ValueError):
    """The hub's answer lacks a field the ticket needs, or a field has the wrong type."""


@dataclass(frozen=True)
class TicketPrint:
    number: str
    service_name_ar: str
    service_name_en: str
    centre_name_ar: str
    centre_name_en: str
    priority: str
    ahead: int | None
    eta_seconds: int | None
    issued_at: datetime
    status_url: str | None
    footer_ar: str = ""
    footer_en: str = ""
    logo_path: Path | None = None
    language: str = "ar"
    slot_start: datetime | None = None  # an appointment ticket's slot, in the centre's zone

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be 'ar' or 'en', not {self.language!r}")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must carry its time zone (an aware datetime)")
        if self.ahead is not None and self.ahead < 0:
            raise ValueError(f"ahead cannot be negative ({self.ahead})")
        if self.eta_seconds is not None and self.eta_seconds < 0:
            raise ValueError(f"eta_seconds cannot be negative ({self.eta_seconds})")
        if self.slot_start is not None and (self.slot_start.tzinfo is None or self.slot_start.utcoffset() is None):
            raise ValueError("slot_start must carry its time zone (an aware datetime)")

    @property
    def is_priority(self) -> bool:
        return self.priority != Priority.NORMAL.value

    @property
    def is_appointment(self) -> bool:
        """Checked in for a booked slot: the slot time is its mark (docs/decisions/appointment-ticket-mark.md)."""
        return self.slot_start is not None

    @classmethod
    def from_hub(
        cls,
        ticket: Mapping[str, Any],
        *,
        service: Mapping[str, Any],
        centre: Mapping[str, Any],
        hub_url: str | None,
        language: str = "ar",
        logo_path: Path | None = None,
    ) -> "TicketPrint":
        """Build a ticket from the hub's answers (see docs/api.md).

        `ticket` is the answer of `POST /api/v1/tickets`, `service` one item of
        `GET /api/v1/services`, `centre` the `centre` object of `GET /api/v1/state` (the footer
        comes from it). `logo_path` is the local copy of the centre's logo the caller fetched from
        `centre.logo_url`; a path is never taken from the hub's JSON, so no answer can make the
        printer open a local file. Raises `TicketDataError` (a ValueError) naming the missing or wrong field.
        """
        for name, obj in (("ticket", ticket), ("service", service), ("centre", centre)):
            if not isinstance(obj, Mapping):
                raise TicketDataError(f"{name} must be a JSON object, not {type(obj).__name__}", f"يجب أن يكون {name} كائن JSON")
        if service.get("id") is not None and ticket.get("service_id") is not None and service["id"] != ticket["service_id"]:
            raise TicketDataError(
                f"ticket is for service {ticket['service_id']!r} but service {service['id']!r} was given",
                f"التذكرة للخدمة {ticket['service_id']!r} لكن الخدمة المعطاة {service['id']!r}",
            )
        number = _text(ticket, "number", "ticket", required=True)
        priority = _text(ticket, "priority", "ticket") or Priority.NORMAL.value
        if priority not in {p.value for p in Priority}:
            raise TicketDataError(f"ticket.priority {priority!r} is not one of {[p.value for p in Priority]}", f"أولوية غير معروفة: {priority!r}")
        issued_raw = ticket.get("issued_at")
        if not isinstance(issued_raw, str):
            raise TicketDataError("ticket.issued_at is missing or not a string", "وقت إصدار التذكرة مفقود")
        try:
            issued_at = datetime.fromisoformat(issued_raw)
        except ValueError:
            raise TicketDataError(f"ticket.issued_at {issued_raw[:60]!r} is not an ISO 8601 time", "وقت إصدار التذكرة غير صالح") from None
        if issued_at.tzinfo is None:
            raise TicketDataError("ticket.issued_at has no UTC offset", "وقت إصدار التذكرة بلا منطقة زمنية")
        slot_start = None
        slot_raw = ticket.get("slot_start")
        if slot_raw is not None:
            if not isinstance(slot_raw, str):
                raise TicketDataError("ticket.slot_start must be an ISO 8601 time or null", "وقت الموعد في التذكرة غير صالح")
            try:
                slot_start = datetime.fromisoformat(slot_raw)
            except ValueError:
                raise TicketDataError(f"ticket.slot_start {slot_raw[:60]!r} is not an ISO 8601 time", "وقت الموعد في التذكرة غير صالح") from None
            if slot_start.tzinfo is None:
                raise TicketDataError("ticket.slot_start has no UTC offset", "وقت الموعد في التذكرة بلا منطقة زمنية")
        status_url = None
        code = ticket.get("code")
        if hub_url and isinstance(code, str) and code:
            status_url = f"{hub_url.rstrip('/')}/t/{code}"
        return cls(
            number=number,
            service_name_ar=_text(service, "name_ar", "service", required=True),
            service_name_en=_text(service, "name_en", "service", required=True),
            centre_name_ar=_text(centre, "name_ar", "centre", required=True),
            centre_name_en=_text(centre, "name_en", "centre", required=True),
            priority=priority,
            ahead=_count(ticket, "ahead"),
            eta_seconds=_count(ticket, "eta_seconds"),
            issued_at=issued_at,
            status_url=status_url,
            footer_ar=_text(centre, "footer_ar", "centre"),
            footer_en=_text(centre, "footer_en", "centre"),
            logo_path=Path(logo_path) if logo_path else None,
            language=language,
            slot_start=slot_start,
        )

    @classmethod
    def from_models(
        cls,
        ticket: Ticket,
        *,
        service: Service | None,
        centre: Centre | None,
        hub_url: str | None,
        language: str = "ar",
        logo_path: Path | None = None,
    ) -> "TicketPrint":
        """Build a ticket from the contract's models, already checked when they were parsed.

        What a model allows and paper cannot take is refused as `from_hub` refuses it: no service
        or centre, another service's ticket, an empty name, a time without its UTC offset.
        """
        if service is None or centre is None:
            missing = "service" if service is None else "centre"
            raise TicketDataError(f"the ticket's {missing} is not known", f"{missing} غير معروف للتذكرة")
        if service.id != ticket.service_id:
            raise TicketDataError(
                f"ticket is for service {ticket.service_id} but service {service.id} was given",
                f"التذكرة للخدمة {ticket.service_id} لكن الخدمة المعطاة {service.id}",
            )
        status_url = f"{hub_url.rstrip('/')}/t/{ticket.code}" if hub_url and ticket.code else None
        return cls(
            number=_required(ticket.number, "ticket.number"),
            service_name_ar=_required(service.name_ar, "service.name_ar"),
            service_name_en=_required(service.name_en, "service.name_en"),
            centre_name_ar=_required(centre.name_ar, "centre.name_ar"),
            centre_name_en=_required(centre.name_en, "centre.name_en"),
            priority=ticket.priority.value,
            ahead=ticket.ahead,
            eta_seconds=ticket.eta_seconds,
            issued_at=_aware(ticket.issued_at, "ticket.issued_at"),
            status_url=status_url,
            footer_ar=centre.footer_ar[:_MAX_TEXT],
            footer_en=centre.footer_en[:_MAX_TEXT],
            logo_path=Path(logo_path) if logo_path else None,
            language=language,
            slot_start=_aware(ticket.slot_start, "ticket.slot_start") if ticket.slot_start is not None else None,
        )

    @classmethod
    def sample(cls, language: str = "ar") -> "TicketPrint":
        """A ticket with typical values, for `print-test` and for looking at the layout."""
        riyadh = timezone(timedelta(hours=3))
        return cls(
            number="A-105",
            service_name_ar="السجل التجاري",
            service_name_en="Commercial registration",
            centre_name_ar="مركز خدمات الأعمال - فرع الرياض",
            centre_name_en="Business Services Centre - Riyadh Branch",
            priority=Priority.NORMAL.value,
            ahead=7,
            eta_seconds=14 * 60,
            issued_at=datetime(2026, 12, 1, 9, 41, tzinfo=riyadh),
            status_url="http://192.168.1.10:8470/t/q2YdN8kPz3",
            footer_ar="شكراً لزيارتكم - نسعد بخدمتكم",
            footer_en="Thank you for your visit",
            language=language,
        )


def _required(value: str, where: str) -> str:
    if not value:
        raise TicketDataError(f"{where} is missing", f"الحقل {where} مفقود")
    return value[:_MAX_TEXT]


def _aware(value: str, where: str) -> datetime:
    """A contract time (ISO 8601 with the centre's offset) as an aware datetime."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TicketDataError(f"{where} {value[:60]!r} is not an ISO 8601 time", f"الوقت {where} غير صالح") from None
    if moment.tzinfo is None:
        raise TicketDataError(f"{where} has no UTC offset", f"الوقت {where} بلا منطقة زمنية")
    return moment


def _text(obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise TicketDataError(f"{where}.{key} is missing", f"الحقل {where}.{key} مفقود")
        return ""
    if not isinstance(value, str):
        raise TicketDataError(f"{where}.{key} must be text, not {type(value).__name__}", f"الحقل {where}.{key} يجب أن يكون نصاً")
    return value[:_MAX_TEXT]


def _count(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise TicketDataError(f"ticket.{key} must be a non-negative number, not {value!r}"[:120], f"الحقل ticket.{key} يجب أن يكون عدداً غير سالب")
    return int(value)
