"""An admin sets a service's appointments from its console form: the same parse → the centre
file's model → apply → audit path as the other fields, faults beside their fields in both languages."""

from __future__ import annotations

import re

import pytest

from core import audit
from tests.hub.console.test_console_rules import csrf_of
from tests.hub.console.test_console_services import admin  # noqa: F401 - the fixture


def form_of(page: str) -> dict[str, str]:
    """The values a browser would post from the service page as it was served."""
    fields = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                fields[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    for select in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select.group(2))
        fields[select.group(1)] = chosen.group(1) if chosen else ""
    return fields


def slots_of(hall, code: str):
    service_id = hall.store.catalogue.services_by_code[code].id
    return hall.client.get(f"/api/v1/public/services/{service_id}/slots", params={"day": "2026-11-25"})


def test_the_form_shows_a_services_appointment_settings(admin):  # noqa: F811
    """Service F's page shows its block: the box ticked, 15-minute slots, 2 places, half for walk-ins."""
    page = admin.client.get("/console/centre/services/F?lang=en").text
    fields = form_of(page)
    assert fields["appointments_enabled"] == "on" and fields["appointments_form"] == "1"
    assert (fields["appointments_slot_minutes"], fields["appointments_capacity"], fields["appointments_walk_in_share"]) == ("15", "2", "0.5")
    assert "Share of each hour kept for walk-ins" in page
    arabic = admin.client.get("/console/centre/services/A?lang=ar").text
    assert "المواعيد المسبقة" in arabic and "appointments_enabled" in arabic and form_of(arabic).get("appointments_enabled") is None


def test_an_admin_opens_appointments_for_a_service_and_visitors_can_book_at_once(admin):  # noqa: F811
    """Ticking the box for A with 20-minute slots applies at once (its slots are offered) and is audited."""
    assert slots_of(admin, "A").json()["error"] == "no_appointments"
    page = admin.client.get("/console/centre/services/A").text
    form = {**form_of(page), "appointments_enabled": "on", "appointments_slot_minutes": "20", "appointments_capacity": "4",
            "appointments_walk_in_share": "0.25", "appointments_days_ahead": "7", "appointments_max_future_per_mobile": "1"}
    answer = admin.client.post("/console/services/A", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text[-2000:]
    settings = next(s for s in admin.store.catalogue.config.services if s.code == "A").appointments
    assert (settings.enabled, settings.slot_minutes, settings.capacity, settings.walk_in_share, settings.days_ahead,
            settings.max_future_per_mobile) == (True, 20, 4, 0.25, 7, 1)
    slots = slots_of(admin, "A").json()["slots"]
    assert slots[0]["minutes"] == 20 and slots[0]["free"] == 4  # a slot's 4 places, within the hour's 9 (12 less a quarter)
    entry = audit.recent(admin.store)[0]
    assert entry["action"] == "service.edit" and "appointments" not in entry["before"]
    assert entry["after"]["appointments"]["slot_minutes"] == 20


def test_unticking_stops_bookings_and_keeps_the_settings(admin):  # noqa: F811
    """F's box unticked: no slots are offered, and its other settings stay for the next time."""
    form = form_of(admin.client.get("/console/centre/services/F").text)
    del form["appointments_enabled"]
    assert admin.client.post("/console/services/F", data=form, follow_redirects=False).status_code == 303
    settings = next(s for s in admin.store.catalogue.config.services if s.code == "F").appointments
    assert settings.enabled is False and settings.capacity == 2
    assert slots_of(admin, "F").json()["error"] == "no_appointments"


def test_a_form_without_the_section_leaves_appointments_alone(admin):  # noqa: F811
    """A post that does not carry the appointments part (an older page) keeps F's settings as they were."""
    form = form_of(admin.client.get("/console/centre/services/F").text)
    form = {key: value for key, value in form.items() if not key.startswith("appointments_")}
    assert admin.client.post("/console/services/F", data=form, follow_redirects=False).status_code == 303
    assert next(s for s in admin.store.catalogue.config.services if s.code == "F").appointments.enabled is True


HOSTILE = [
    ("appointments_capacity", "0", "greater than or equal to 1"),
    ("appointments_capacity", "100000000", "less than or equal to 100"),
    ("appointments_capacity", "-3", "whole number"),
    ("appointments_capacity", "٣", "whole number"),
    ("appointments_slot_minutes", "4", "greater than or equal to 5"),
    ("appointments_slot_minutes", "quarter", "whole number"),
    ("appointments_slot_minutes", "", "whole number"),
    ("appointments_walk_in_share", "1.5", "less than or equal to 1"),
    ("appointments_walk_in_share", "nan", "share from 0 to 1"),
    ("appointments_walk_in_share", "<script>alert(1)</script>", "longer than"),
    ("appointments_days_ahead", "91", "less than or equal to 90"),
    ("appointments_max_future_per_mobile", "0", "greater than or equal to 1"),
    ("appointments_grace_minutes", "9" * 10_000, "longer than"),
]


@pytest.mark.parametrize("field, typed, words", HOSTILE)
def test_a_bad_appointment_setting_is_refused_beside_it_and_nothing_changes(admin, field: str, typed: str, words: str):  # noqa: F811
    """Zero, huge, negative, Arabic-Indic, empty, not-a-number and hostile values: 422 beside the field, in
    English and in Arabic, with the loader's words; the centre and the audit are untouched."""
    before = admin.store.catalogue.config
    form = {**form_of(admin.client.get("/console/centre/services/F").text), field: typed}
    english = admin.client.post("/console/services/F?lang=en", data=form)
    assert english.status_code == 422
    assert f'id="field-{field}-error"' in english.text and words in english.text, english.text[-3000:]
    assert "<script>alert" not in english.text
    arabic = admin.client.post("/console/services/F?lang=ar", data=form)
    error = re.search(rf'id="field-{field}-error"[^>]*>([^<]+)<', arabic.text).group(1)
    assert re.search("[\u0600-\u06ff]", error), error
    assert admin.store.catalogue.config == before and audit.recent(admin.store) == []


def test_csrf_is_needed(admin):  # noqa: F811
    """Without the form's token the change is refused and nothing changes."""
    before = admin.store.catalogue.config
    form = {**form_of(admin.client.get("/console/centre/services/F").text), "csrf": "", "appointments_capacity": "9"}
    assert admin.client.post("/console/services/F", data=form).status_code == 403
    assert admin.store.catalogue.config == before
