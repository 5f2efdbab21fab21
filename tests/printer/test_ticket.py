"""TicketPrint from the hub's real answers, and refusal of missing or wrong fields."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import httpx
import pytest

from printer import TicketPrint, print_ticket, render_ticket
from printer.ticket import TicketDataError
from tests.printer.fake_printer import FakePrinter
from tests.support import bearer

TICKET = {
    "id": 42, "number": "A-105", "service_id": 1, "business_day": "2026-11-24", "priority": "elderly",
    "status": "waiting", "code": "q2YdN8kPz3", "issued_at": "2026-11-24T09:15:02.123+03:00",
    "ahead": 3, "eta_seconds": 360,
}
SERVICE = {"id": 1, "code": "A", "name_ar": "السجل التجاري", "name_en": "Commercial registration"}
CENTRE = {"name_ar": "مركز", "name_en": "Centre", "footer_ar": "شكراً", "footer_en": "Thanks", "time_zone": "Asia/Riyadh"}


def test_from_hub_reads_the_documented_shapes() -> None:
    """The api.md ticket, service and centre objects fill every field; the QR points at /t/{code}."""
    ticket = TicketPrint.from_hub(TICKET, service=SERVICE, centre=CENTRE, hub_url="http://10.0.0.2:8470/", language="en")
    assert ticket.number == "A-105" and ticket.priority == "elderly" and ticket.is_priority
    assert ticket.ahead == 3 and ticket.eta_seconds == 360
    assert ticket.issued_at.utcoffset().total_seconds() == 3 * 3600
    assert ticket.status_url == "http://10.0.0.2:8470/t/q2YdN8kPz3"
    assert (ticket.footer_ar, ticket.footer_en, ticket.language) == ("شكراً", "Thanks", "en")
    assert ticket.logo_path is None
    assert TicketPrint.from_hub(TICKET, service=SERVICE, centre=CENTRE, hub_url=None).status_url is None


def test_from_live_hub_prints(live_hub) -> None:
    """A ticket issued by a real hub becomes a printed ticket on the fake printer."""
    token = live_hub.enroll("kiosk", "printer-test-kiosk")
    headers = bearer(token)
    state = httpx.get(f"{live_hub.url}/api/v1/state", headers=headers, timeout=10).json()
    services = httpx.get(f"{live_hub.url}/api/v1/services", headers=headers, timeout=10).json()
    service = next(s for s in services if s["open_now"])
    answer = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": service["id"]}, headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    ticket = TicketPrint.from_hub(answer.json(), service=service, centre=state["centre"], hub_url=live_hub.url)
    assert ticket.number == answer.json()["number"]
    assert ticket.status_url == f"{live_hub.url}/t/{answer.json()['code']}"
    phone_page = httpx.get(ticket.status_url, timeout=10)
    assert phone_page.status_code == 200
    with FakePrinter() as printer:
        outcome = print_ticket(printer.uri, ticket, timeout=1)
        printer.wait_for_cuts(1)
    assert outcome.printed
    assert printer.tickets()[0].size == render_ticket(ticket, 576).size


def test_from_models_is_the_ticket_from_hub_makes(live_hub) -> None:
    """The contract's models of a real hub's answers give the same ticket as its JSON, and what
    paper cannot take (no service, another service's ticket, an empty name) is refused."""
    from core.contract import Centre, Service, State, Ticket

    token = live_hub.enroll("kiosk", "printer-models-kiosk")
    headers = bearer(token)
    state = State.model_validate(httpx.get(f"{live_hub.url}/api/v1/state", headers=headers, timeout=10).json())
    service = next(s for s in state.services if s.open_now)
    answer = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": service.id}, headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    ticket = Ticket.model_validate(answer.json())
    typed = TicketPrint.from_models(ticket, service=service, centre=state.centre, hub_url=live_hub.url, language="en")
    plain = TicketPrint.from_hub(answer.json(), service=service.to_dict(), centre=state.centre.to_dict(), hub_url=live_hub.url, language="en")
    assert typed == plain and typed.ahead is not None
    other = next(s for s in state.services if s.id != service.id)
    refused = [
        dict(service=None, centre=state.centre),
        dict(service=service, centre=None),
        dict(service=other, centre=state.centre),
        dict(service=Service.model_validate({**service.to_dict(), "name_ar": ""}), centre=state.centre),
        dict(service=service, centre=Centre.model_validate({**state.centre.to_dict(), "name_en": ""})),
    ]
    for parts in refused:
        with pytest.raises(TicketDataError) as error:
            TicketPrint.from_models(ticket, hub_url=None, **parts)
        assert error.value.message_ar and error.value.message_en


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"number": None}, "ticket.number is missing"),
        ({"number": 105}, "must be text"),
        ({"issued_at": None}, "issued_at"),
        ({"issued_at": "yesterday"}, "ISO 8601"),
        ({"issued_at": "2026-11-24T09:15:02"}, "UTC offset"),
        ({"priority": "vip"}, "priority"),
        ({"ahead": -1}, "non-negative"),
        ({"ahead": "3"}, "non-negative"),
        ({"eta_seconds": float("inf")}, "non-negative"),
        ({"ahead": True}, "non-negative"),
        ({"service_id": 99}, "service 1 was given"),
        ({"slot_start": "half past ten"}, "slot_start"),
        ({"slot_start": "2026-11-24T10:30:00"}, "slot_start has no UTC offset"),
        ({"slot_start": 1795500000}, "slot_start"),
    ],
)
def test_wrong_ticket_fields_are_named(change: dict, words: str) -> None:
    """A missing or wrong field raises TicketDataError (a ValueError) naming it, with Arabic text too."""
    broken = {**TICKET, **change}
    with pytest.raises(TicketDataError) as caught:
        TicketPrint.from_hub(broken, service=SERVICE, centre=CENTRE, hub_url="http://h")
    assert words in str(caught.value)
    assert caught.value.message_ar


def test_wrong_objects_are_refused() -> None:
    """Non-objects and missing names are refused; huge names are cut to a sane length."""
    with pytest.raises(TicketDataError, match="JSON object"):
        TicketPrint.from_hub([], service=SERVICE, centre=CENTRE, hub_url=None)  # type: ignore[arg-type]
    with pytest.raises(TicketDataError, match="service.name_ar"):
        TicketPrint.from_hub(TICKET, service={"id": 1, "name_en": "x"}, centre=CENTRE, hub_url=None)
    huge = TicketPrint.from_hub(TICKET, service={**SERVICE, "name_en": "x" * 10**6}, centre=CENTRE, hub_url=None)
    assert len(huge.service_name_en) <= 2000


def test_direct_construction_checks_values() -> None:
    """A naive time, an unknown language or a negative count are refused at construction."""
    sample = TicketPrint.sample()
    with pytest.raises(ValueError, match="aware"):
        dataclasses.replace(sample, issued_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="language"):
        dataclasses.replace(sample, language="fr")
    with pytest.raises(ValueError, match="negative"):
        dataclasses.replace(sample, ahead=-2)


def test_logo_path_comes_from_the_caller_never_from_the_hub(tmp_path) -> None:
    """The caller's local logo copy is used; a `logo_path` inside the hub's centre object is ignored."""
    ticket = TicketPrint.from_hub(TICKET, service=SERVICE, centre=CENTRE, hub_url=None, logo_path=tmp_path / "l.png")
    assert ticket.logo_path == tmp_path / "l.png"
    hostile = TicketPrint.from_hub(TICKET, service=SERVICE, centre={**CENTRE, "logo_path": "/etc/shadow"}, hub_url=None)
    assert hostile.logo_path is None


def test_an_appointment_ticket_carries_its_slot_time_as_its_mark() -> None:
    """With slot_start the band reads the slot's time (digits kept left to right in Arabic); without it, the priority."""
    from printer import wording

    booked = {**TICKET, "priority": "appointment", "slot_start": "2026-11-24T10:30:00.000+03:00"}
    ticket = TicketPrint.from_hub(booked, service=SERVICE, centre=CENTRE, hub_url="http://h")
    assert ticket.is_appointment and ticket.slot_start.hour == 10 and ticket.slot_start.minute == 30
    assert wording.appointment_mark(ticket.slot_start) == ("موعد \u206610:30\u2069 ص", "Appointment 10:30 AM")
    plain = TicketPrint.from_hub({**booked, "slot_start": None}, service=SERVICE, centre=CENTRE, hub_url="http://h")
    assert not plain.is_appointment
    later = dataclasses.replace(ticket, slot_start=ticket.slot_start.replace(hour=11))
    images = [render_ticket(t).tobytes() for t in (ticket, plain, later)]
    assert len(set(images)) == 3, "the slot's time is drawn on the ticket"
