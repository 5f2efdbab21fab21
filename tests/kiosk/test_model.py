"""The kiosk's reading of the contract's models: services, groups, and the ticket it may print."""

from __future__ import annotations

import pytest

import kiosk.strings  # noqa: F401
from core.contract import Service, Ticket
from kiosk.model import (
    GROUPS_THRESHOLD,
    group_services,
    issued_ticket,
    service_view,
    service_views,
)
from qt_common.i18n import Language, strip_bidi
from tests.contract_samples import service_json, ticket_json


def service_data(**overrides):
    base = {
        "name_ar": "السجل التجاري", "name_en": "Commercial registration",
        "group": "business", "group_ar": "الأعمال", "group_en": "Business", "enabled": True,
        "open_now": True, "closed_reason": None, "waiting": 4, "eta_seconds": 480,
    }
    return service_json(**{"service_id": overrides.pop("id", 1), "code": overrides.pop("code", "A"), **base, **overrides})


def service(**overrides) -> Service:
    return Service.model_validate(service_data(**overrides))


def ticket(**overrides) -> Ticket:
    base = {"number": "A-105", "priority": "normal", "status": "waiting", "ahead": 3, "eta_seconds": 360}
    return Ticket.model_validate(ticket_json(overrides.pop("id", 7), **{**base, **overrides}))


def test_open_service_shows_waiting_and_eta_in_both_languages() -> None:
    """An open service reads its waiting count and wait in Arabic and English."""
    view = service_view(service())
    assert view.open and view.closed_reason is None
    assert strip_bidi(view.waiting_text(Language.AR)) == "4 أشخاص في الانتظار"
    assert view.waiting_text(Language.EN) == "4 people waiting"
    assert view.eta_text(Language.EN) == "About 8 min wait"
    assert "8 دقائق" in strip_bidi(view.eta_text(Language.AR))


@pytest.mark.parametrize(
    ("reason", "english"),
    [("outside_hours", "Outside working hours"), ("disabled", "Service unavailable"), ("daily_cap_reached", "Today's tickets are all issued")],
)
def test_closed_service_says_why(reason: str, english: str) -> None:
    """A closed service is not open and names its reason."""
    view = service_view(service(open_now=False, closed_reason=reason, enabled=reason != "disabled"))
    assert not view.open
    assert view.closed_text(Language.EN) == english
    assert view.closed_text(Language.AR) != english


def test_a_closed_service_without_a_known_reason_falls_back_to_the_hubs_message() -> None:
    """A closed service whose reason carries the hub's own words shows them."""
    view = service_view(service(open_now=False, closed_reason=None, enabled=True, closed_message_ar="مغلق", closed_message_en="Closed today"))
    assert not view.open
    assert view.closed_text(Language.EN) == "Closed today"
    assert view.closed_text(Language.AR) == "مغلق"


@pytest.mark.parametrize("bad", [{"id": -3}, {"code": "a"}, {"code": "ABC"}, {"code": ""}, {"name_ar": " ", "name_en": ""}])
def test_broken_services_are_left_off(bad) -> None:
    """A service with an impossible id, a code no ticket can carry or no name is refused, and the others still show."""
    with pytest.raises(ValueError):
        service_view(service(**bad))
    views = service_views([service(**bad), service(id=2, code="B")])
    assert [v.id for v in views] == [2]


@pytest.mark.parametrize("bad", [{"id": "one"}, {"code": None}, {"name_ar": None}, {"closed_reason": "strike"}, {"waiting": 1.5}])
def test_services_off_the_contract_never_reach_the_kiosk(bad) -> None:
    """Wrong-typed fields (and a closed reason the contract does not know) are refused when parsed."""
    with pytest.raises(ValueError):
        service(**bad)


def test_hostile_values_are_tamed() -> None:
    """Huge names are cut, negative counts ignored, a service closed for its own reasons is not open."""
    view = service_view(service(name_ar="ب" * 5000, waiting=-5, eta_seconds=-1))
    assert len(view.name_ar) <= 120
    assert view.waiting == 0 and view.eta_seconds is None
    assert view.open
    assert not service_view(service(open_now=False)).open


def test_groups_only_when_many_services() -> None:
    """Up to the threshold the services show at once; beyond it, by group, unknown groups last."""
    few = [service_view(service(id=i, code=chr(64 + i))) for i in range(1, GROUPS_THRESHOLD + 1)]
    assert group_services(few) is None
    many = [
        service_view(service(id=i, code=chr(64 + i), group=("business" if i % 2 else "docs"), group_en=("Business" if i % 2 else "Documents")))
        for i in range(1, GROUPS_THRESHOLD + 3)
    ]
    many.append(service_view(service(id=50, code="Z", group=None, group_ar=None, group_en=None)))
    groups = group_services(many)
    assert groups is not None
    assert [g.key for g in groups] == ["business", "docs", "_other"]
    assert groups[-1].name(Language.EN) == "Other services"
    assert sum(len(g.services) for g in groups) == len(many)


def test_one_group_is_no_group_screen() -> None:
    """Many services all in one group: no pointless extra touch."""
    many = [service_view(service(id=i, code=chr(64 + i))) for i in range(1, GROUPS_THRESHOLD + 5)]
    assert group_services(many) is None


def test_issued_ticket_is_checked_before_printing() -> None:
    """Only the ticket asked for (service, priority, waiting, well-formed number) is accepted."""
    good = issued_ticket(ticket(), 1, "normal")
    assert good.number == "A-105" and good.ahead == 3
    assert strip_bidi(good.ahead_text(Language.AR)) == "أمامك 3 أشخاص"
    assert good.eta_text(Language.EN) == "Estimated wait: 6 min"
    for bad in (
        None, ticket(id=0), ticket(number="A105"), ticket(number="A-105\u202e"), ticket(number="105"),
        ticket(service_id=2), ticket(priority="elderly"), ticket(status="called"),
    ):
        with pytest.raises(ValueError):
            issued_ticket(bad, 1, "normal")


def test_priority_ticket_must_carry_the_priority() -> None:
    """A priority touch accepts only a ticket the hub issued with that priority."""
    assert issued_ticket(ticket(priority="pregnant"), 1, "pregnant").priority == "pregnant"
    with pytest.raises(ValueError):
        issued_ticket(ticket(priority="normal"), 1, "pregnant")
