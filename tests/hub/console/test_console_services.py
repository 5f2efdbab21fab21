"""An admin adds and edits services from the console: every field through the centre file's own
rules, faults shown beside their fields, each change audited before → after."""

from __future__ import annotations

import pytest

from core import audit, commands
from core.models import Role
from core.security import hash_pin
from tests.hub.console.test_console_rules import csrf_of, log_in


@pytest.fixture
def admin(hall):
    hall.store.call(commands.add_clerk, "boss", Role.ADMIN, hash_pin("2468"))
    assert log_in(hall.client, "boss", "2468").status_code == 303
    return hall


def new_service(token: str, **changes) -> dict:
    return {"csrf": token, "code": "Q", "name_ar": "خدمة جديدة", "name_en": "New service", "group": "",
            "range_start": "100", "range_end": "199", "daily_cap": "80", "target_wait_minutes": "10",
            "max_wait_minutes": "20", "average_service_minutes": "4", "enabled": "on", **changes}


def token_of(hall) -> str:
    return csrf_of(hall.client.get("/console/centre/services/new").text)


def services(hall) -> dict:
    kiosk = hall.enroll("kiosk", "kiosk-services")
    return {s["code"]: s for s in hall.client.get("/api/v1/services", headers=kiosk).json()}


def test_an_added_service_is_offered_at_once_and_audited(admin):
    answer = admin.client.post("/console/services/add", data=new_service(token_of(admin)), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    added = services(admin)["Q"]
    assert added["name_ar"] == "خدمة جديدة" and added["open_now"] is True and added["daily_cap"] == 80
    assert added["target_wait_seconds"] == 600
    config = admin.store.catalogue.config
    assert config.services[-1].range == (100, 199) and config.services[-1].max_wait_minutes == 20
    entry = audit.recent(admin.store)[0]
    assert entry["action"] == "service.add" and entry["before"] is None and entry["after"]["name_en"] == "New service"


def test_every_field_of_a_service_is_edited_from_its_page(admin):
    page = admin.client.get("/console/centre/services/A")
    assert page.status_code == 200 and 'name="name_ar"' in page.text and 'readonly' in page.text
    group = admin.store.catalogue.config.groups[0].key if admin.store.catalogue.config.groups else ""
    form = new_service(csrf_of(page.text), code="ZZ", name_ar="الأحوال", name_en="Civil status", group=group,
                       range_start="5", range_end="50", max_wait_minutes="")
    del form["enabled"]
    assert admin.client.post("/console/services/A", data=form, follow_redirects=False).status_code == 303
    service = next(s for s in admin.store.catalogue.config.services if s.code == "A")  # the letter stays
    assert (service.name_ar, service.name_en, service.range, service.daily_cap) == ("الأحوال", "Civil status", (5, 50), 80)
    assert service.max_wait_minutes is None and service.enabled is False and service.group == (group or None)
    assert services(admin)["A"]["closed_reason"] == "disabled"
    entry = audit.recent(admin.store)[0]
    assert entry["action"] == "service.edit" and entry["before"]["enabled"] is True and entry["after"]["range"] == [5, 50]


HOSTILE = [
    ({"code": ""}, "code"), ({"code": "a1"}, "code"), ({"code": "ABC"}, "code"), ({"code": "A"}, "code"),
    ({"code": "ع"}, "code"), ({"name_ar": ""}, "name_ar"), ({"name_en": "x" * 121}, "name_en"),
    ({"name_en": "x" * 10_000}, "name_en"), ({"group": "nope"}, "group"), ({"range_start": "-1"}, "range_start"),
    ({"range_start": "500", "range_end": "100"}, "range_end"), ({"range_end": "999999"}, "range_end"),
    ({"daily_cap": "0"}, "daily_cap"), ({"daily_cap": "1e3"}, "daily_cap"), ({"daily_cap": "٣"}, "daily_cap"),
    ({"target_wait_minutes": "nan"}, "target_wait_minutes"), ({"target_wait_minutes": "-1"}, "target_wait_minutes"),
    ({"max_wait_minutes": "inf"}, "max_wait_minutes"), ({"average_service_minutes": ""}, "average_service_minutes"),
    ({"name_ar": "<script>alert(1)</script>" * 10}, "name_ar"),
]


@pytest.mark.parametrize("changes, field", HOSTILE)
def test_a_bad_field_is_refused_beside_it_and_nothing_changes(admin, changes: dict, field: str):
    before = admin.store.catalogue.config
    answer = admin.client.post("/console/services/add?lang=en", data=new_service(token_of(admin), **changes))
    assert answer.status_code == 422, (changes, answer.status_code)
    assert f'id="field-{field}-error"' in answer.text, (changes, answer.text[-3000:])
    assert "<script>alert" not in answer.text
    assert admin.store.catalogue.config == before and audit.recent(admin.store) == []


def test_the_fault_is_said_in_the_chosen_language(admin):
    token = token_of(admin)
    arabic = admin.client.post("/console/services/add?lang=ar", data=new_service(token, daily_cap="x"))
    assert "اكتب عدداً صحيحاً" in arabic.text
    english = admin.client.post("/console/services/add?lang=en", data=new_service(token, range_start="9", range_end="3"))
    assert "the range end (3) is below its start (9)" in english.text  # the loader's own words


def test_a_service_form_needs_an_admin_and_its_token(admin, hall):
    assert admin.client.post("/console/services/add", data={**new_service(""), "csrf": ""}).status_code == 403
    other = admin.client.__class__(admin.client.app)
    assert log_in(other).status_code == 303
    assert other.get("/console/centre/services/new").status_code == 403
    token = csrf_of(other.get("/console/hall").text)
    assert other.post("/console/services/add", data=new_service(token)).status_code == 403
    assert "Q" not in {s.code for s in admin.store.catalogue.config.services}


def test_a_huge_form_is_refused_by_the_hubs_body_limit(admin):
    before = admin.store.catalogue.config
    answer = admin.client.post("/console/services/add", data=new_service(token_of(admin), name_en="x" * 100_000))
    assert answer.status_code == 413 and admin.store.catalogue.config == before
