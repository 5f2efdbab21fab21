"""What the kiosk shows, read from the contract's models (core/contract.py): services,
groups, an issued ticket.

The client has parsed every answer into the contract already; what is checked here is what
the contract cannot say: a service whose code or names cannot be drawn is left off the
screen (and logged) rather than crashing the kiosk, and a ticket that is not a ticket of
the service asked for is refused, so nothing is ever printed that the hub did not issue.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import kiosk.strings  # noqa: F401 — registers the texts used below
from core.contract import Service, Ticket
from core.models import TicketStatus
from qt_common.i18n import Language, Text, format_duration, has_key, parse_language, text_of, tr_in, tr_plural_in

log = logging.getLogger(__name__)

#: more services than this (in more than one group) and the home screen shows groups first
GROUPS_THRESHOLD = 8
MAX_NAME = 120
PRIORITY_KINDS = ("elderly", "disabled", "pregnant")
_TICKET_NUMBER = re.compile(r"^[A-Z]{1,2}-[0-9]{1,5}$")
_CODE = re.compile(r"^[A-Z]{1,2}$")


def _text(value: Any, limit: int = MAX_NAME) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    if not value:
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _count(value: int | None) -> int | None:
    """A count or duration from the hub, None when absent or negative."""
    return value if value is not None and value >= 0 else None


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    code: str
    name_ar: str
    name_en: str
    group: str | None
    group_ar: str | None
    group_en: str | None
    open: bool
    closed_reason: str | None
    closed_message: Text | None
    waiting: int
    eta_seconds: int | None

    def name(self, lang: Language | str) -> str:
        return self.name_ar if parse_language(lang) is Language.AR else self.name_en

    def other_name(self, lang: Language | str) -> str:
        return self.name_en if parse_language(lang) is Language.AR else self.name_ar

    def closed_text(self, lang: Language | str) -> str:
        """The short reason shown on the button ("Outside working hours")."""
        language = parse_language(lang)
        key = f"service.closed.{self.closed_reason}"
        if self.closed_reason and has_key(key):
            return tr_in(language, key)
        if self.closed_message is not None:
            return self.closed_message.in_language(language)
        return tr_in(language, "kiosk.service.unavailable")

    def waiting_text(self, lang: Language | str) -> str:
        return tr_plural_in(lang, "waiting.people", self.waiting)

    def eta_text(self, lang: Language | str) -> str | None:
        if self.eta_seconds is None:
            return None
        return tr_in(lang, "kiosk.service.eta", duration=format_duration(self.eta_seconds, lang))


def service_view(service: Service) -> ServiceView:
    """One `/state` service as the kiosk shows it; a ValueError when it cannot be shown."""
    if service.id < 1:
        raise ValueError(f"a service id is not a positive integer: {service.id!r}")
    code = service.code
    if not _CODE.match(code):
        raise ValueError(f"service {service.id}: code {code[:10]!r} is not one or two capital letters")
    name_ar, name_en = _text(service.name_ar), _text(service.name_en)
    if name_ar is None and name_en is None:
        raise ValueError(f"service {service.id}: no name")
    reason = service.closed_reason.value if service.closed_reason is not None else None
    is_open = service.open_now and service.enabled and reason is None
    if not is_open and reason is None:
        reason = "disabled" if not service.enabled else None
    message_ar, message_en = _text(service.closed_message_ar, 200), _text(service.closed_message_en, 200)
    eta = _count(service.eta_seconds)
    return ServiceView(
        id=service.id,
        code=code,
        name_ar=name_ar or name_en or code,
        name_en=name_en or name_ar or code,
        group=_text(service.group, 40),
        group_ar=_text(service.group_ar),
        group_en=_text(service.group_en),
        open=is_open,
        closed_reason=None if is_open else reason,
        closed_message=Text(message_ar, message_en) if message_ar and message_en and not is_open else None,
        waiting=_count(service.waiting) or 0,
        eta_seconds=min(eta, 7 * 24 * 3600) if eta is not None else None,
    )


def service_views(services: Iterable[Service]) -> list[ServiceView]:
    """Every service that can be shown, in the hub's order; the others are logged and left off."""
    views = []
    for service in services:
        try:
            views.append(service_view(service))
        except ValueError as problem:
            log.warning("not showing a service: %s", problem)
    return views


@dataclass(frozen=True, slots=True)
class GroupView:
    key: str
    name_ar: str
    name_en: str
    services: tuple[ServiceView, ...]

    def name(self, lang: Language | str) -> str:
        return self.name_ar if parse_language(lang) is Language.AR else self.name_en

    def other_name(self, lang: Language | str) -> str:
        return self.name_en if parse_language(lang) is Language.AR else self.name_ar

    @property
    def open_count(self) -> int:
        return sum(1 for s in self.services if s.open)

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.services)

    def summary(self, lang: Language | str) -> str:
        if self.open_count == 0:
            return tr_in(lang, "kiosk.group.all_closed")
        return tr_in(lang, "kiosk.group.services_open", open=self.open_count, total=len(self.services))


OTHER_GROUP = "_other"


def group_services(views: list[ServiceView], threshold: int = GROUPS_THRESHOLD) -> list[GroupView] | None:
    """The groups for a first screen, or None when the services fit on one screen.

    Services without a group go to a last "other services" group.
    """
    if len(views) <= threshold:
        return None
    groups: dict[str, list[ServiceView]] = {}
    names: dict[str, tuple[str, str]] = {}
    for view in views:
        key = view.group or OTHER_GROUP
        groups.setdefault(key, []).append(view)
        if key not in names and view.group:
            names[key] = (view.group_ar or view.group_en or key, view.group_en or view.group_ar or key)
    if len(groups) < 2:
        return None
    other = text_of("kiosk.group.other")
    result = [
        GroupView(key, *names.get(key, (other.ar, other.en)), tuple(items))
        for key, items in groups.items()
        if key != OTHER_GROUP
    ]
    if OTHER_GROUP in groups:
        result.append(GroupView(OTHER_GROUP, other.ar, other.en, tuple(groups[OTHER_GROUP])))
    return result


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    """A ticket the hub issued, checked field by field before anything is shown or printed."""

    id: int
    number: str
    service_id: int
    priority: str
    ahead: int | None
    eta_seconds: int | None
    ticket: Ticket

    def ahead_text(self, lang: Language | str) -> str | None:
        return tr_plural_in(lang, "kiosk.ahead", self.ahead) if self.ahead is not None else None

    def eta_text(self, lang: Language | str) -> str | None:
        if self.eta_seconds is None:
            return None
        return tr_in(lang, "kiosk.eta", duration=format_duration(self.eta_seconds, lang))


def issued_ticket(answer: Ticket | None, service_id: int, priority: str) -> IssuedTicket:
    """The hub's answer to `POST /tickets`; a ValueError if it is not the ticket asked for."""
    if answer is None:
        raise ValueError("the hub answered without a ticket")
    if answer.id < 1:
        raise ValueError(f"the ticket id is not a positive integer: {answer.id!r}")
    if not _TICKET_NUMBER.match(answer.number):
        raise ValueError(f"the ticket number is not like 'A-105': {answer.number[:20]!r}")
    if answer.service_id != service_id:
        raise ValueError(f"the ticket is for service {answer.service_id!r}, not {service_id}")
    if answer.priority.value != priority:
        raise ValueError(f"the ticket's priority is {answer.priority.value!r}, not {priority!r}")
    if answer.status is not TicketStatus.WAITING:
        raise ValueError(f"a new ticket is not waiting: {answer.status.value!r}")
    eta = _count(answer.eta_seconds)
    return IssuedTicket(
        id=answer.id,
        number=answer.number,
        service_id=service_id,
        priority=priority,
        ahead=_count(answer.ahead),
        eta_seconds=min(eta, 7 * 24 * 3600) if eta is not None else None,
        ticket=answer,
    )
