"""An admin sets a service's remote queue from its console form: offered or not, its cap and
its warning distance, checked by the centre file's rules and applied at once to /join."""

from __future__ import annotations

import pytest

from tests.hub.console.test_console_rules import csrf_of
from tests.hub.console.test_console_services import admin, new_service  # noqa: F401  (the fixture)


def form_for(hall, code: str, **changes) -> dict:
    page = hall.client.get(f"/console/centre/services/{code}")
    assert 'name="remote_cap"' in page.text and 'name="remote_warn_places"' in page.text and 'name="remote"' in page.text
    service = next(s for s in hall.store.catalogue.config.services if s.code == code)
    return new_service(
        csrf_of(page.text), code=code, name_ar=service.name_ar, name_en=service.name_en, group=service.group or "",
        range_start=str(service.range[0]), range_end=str(service.range[1]), **changes,
    )


def offered_codes(hall) -> set[str]:
    return {s["code"] for s in hall.client.get("/api/v1/public/remote-services").json()}


def test_remote_settings_are_edited_and_applied_at_once(admin):  # noqa: F811
    """D starts offering remote tickets with a cap of 7 and a warning at 5 ahead; A stops."""
    assert "D" not in offered_codes(admin)
    form = form_for(admin, "D", remote="on", remote_cap="7", remote_warn_places="5")
    assert admin.client.post("/console/services/D", data=form, follow_redirects=False).status_code == 303
    service = next(s for s in admin.store.catalogue.config.services if s.code == "D")
    assert (service.remote, service.remote_cap, service.remote_warn_places) == (True, 7, 5)
    assert "D" in offered_codes(admin)
    form = form_for(admin, "A", remote_cap="20", remote_warn_places="3")  # the box left unticked
    assert admin.client.post("/console/services/A", data=form, follow_redirects=False).status_code == 303
    assert "A" not in offered_codes(admin)
    page = admin.client.get("/console/centre/services/D")
    assert 'value="7"' in page.text and 'value="5"' in page.text


@pytest.mark.parametrize(("field", "value"), [
    ("remote_cap", "0"), ("remote_cap", "-1"), ("remote_cap", "abc"), ("remote_cap", "99999"),
    ("remote_warn_places", "0"), ("remote_warn_places", "101"), ("remote_warn_places", ""), ("remote_cap", "9" * 600),
])
def test_bad_remote_settings_are_refused_beside_their_field(admin, field: str, value: str):  # noqa: F811
    """A cap or a warning distance outside the file's bounds: 422, shown at the field, nothing changed."""
    before = admin.store.catalogue.config
    form = form_for(admin, "B", remote="on", **{"remote_cap": "20", "remote_warn_places": "3", field: value})
    answer = admin.client.post("/console/services/B", data=form, follow_redirects=False)
    assert answer.status_code == 422, answer.text[:300]
    assert f'id="field-{field}-error"' in answer.text and f'aria-describedby="field-{field}-error"' in answer.text
    assert admin.store.catalogue.config == before
