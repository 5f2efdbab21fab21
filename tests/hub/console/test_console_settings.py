"""An admin changes the centre's hours, special days, counters, boards and texts from the console:
each through the centre file's own rules, applied at once, audited, hostile values refused."""

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


def token(hall, page: str = "hours") -> str:
    answer = hall.client.get(f"/console/centre/{page}")
    assert answer.status_code == 200
    return csrf_of(answer.text)


def week(**days) -> dict:
    return {f"day_{day}": days.get(day, "") for day in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")}


def test_weekly_hours_are_set_and_audited(admin):
    form = {"csrf": token(admin), **week(sun="07:30-14:30", mon="07:30-14:30، 16:00-20:00", thu="08:00-12:00")}
    assert admin.client.post("/console/centre/hours", data=form, follow_redirects=False).status_code == 303
    hours = admin.store.catalogue.config.centre.hours
    assert hours == {"sun": ["07:30-14:30"], "mon": ["07:30-14:30", "16:00-20:00"], "thu": ["08:00-12:00"]}
    entry = audit.recent(admin.store)[0]
    assert entry["action"] == "hours.edit" and entry["before"] == {"hours": "always"} and entry["after"]["hours"] == hours
    page = admin.client.get("/console/centre/hours").text
    assert 'value="07:30-14:30, 16:00-20:00"' in page
    assert admin.client.post("/console/centre/hours", data={"csrf": token(admin), "always": "on"}, follow_redirects=False).status_code == 303
    assert admin.store.catalogue.config.centre.hours == "always"


@pytest.mark.parametrize("day_text, words", [
    ("25:00-26:00", "not a time of day"), ("14:00-08:00", "ends before it starts"), ("sometime", "not a time span"),
    ("08:00-12:00," * 100, "more than"), ("", "at least one day"),
])
def test_bad_hours_are_refused_beside_the_day(admin, day_text: str, words: str):
    before = admin.store.catalogue.config
    answer = admin.client.post("/console/centre/hours?lang=en", data={"csrf": token(admin), **week(sun=day_text)})
    assert answer.status_code == 422 and words in answer.text, answer.text[-2000:]
    assert ('id="hours-day_sun-error"' in answer.text) or ('id="hours-always-error"' in answer.text)
    assert admin.store.catalogue.config == before and audit.recent(admin.store) == []


def test_special_days_in_hijri_and_gregorian_are_added_and_removed(admin):
    ramadan = {"csrf": token(admin), "name": "رمضان", "calendar": "hijri", "from": "1448-09-01", "to": "1448-09-30",
               "hours": "10:00-15:00"}
    assert admin.client.post("/console/centre/special-days/add", data=ramadan, follow_redirects=False).status_code == 303
    eid = {"csrf": token(admin), "name": "Eid al-Adha", "calendar": "gregorian", "from": "2027-05-16", "to": "2027-05-19",
           "closed": "on"}
    assert admin.client.post("/console/centre/special-days/add", data=eid, follow_redirects=False).status_code == 303
    days = admin.store.catalogue.config.centre.special_days
    assert [(d.name, d.calendar.value, d.closed) for d in days] == [("رمضان", "hijri", False), ("Eid al-Adha", "gregorian", True)]
    page = admin.client.get("/console/centre/hours?lang=en").text
    assert "1448-09-01 – 1448-09-30" in page and "Closed all day" in page
    assert admin.client.post("/console/centre/special-days/remove", data={"csrf": token(admin), "index": "0", "name": "x"}).status_code == 422
    gone = {"csrf": token(admin), "index": "0", "name": "رمضان"}
    assert admin.client.post("/console/centre/special-days/remove", data=gone, follow_redirects=False).status_code == 303
    assert [d.name for d in admin.store.catalogue.config.centre.special_days] == ["Eid al-Adha"]
    assert [e["action"] for e in audit.recent(admin.store)] == ["special_days.remove", "special_days.add", "special_days.add"]


@pytest.mark.parametrize("changes, words", [
    ({"from": "1448-13-01"}, "not a valid Hijri"), ({"to": "1448-08-01"}, "is before"), ({"from": "yesterday"}, "not a date"),
    ({"hours": ""}, "give hours"), ({"closed": "on"}, "not both"), ({"name": ""}, "at least 1 character"),
    ({"calendar": "julian"}, "Gregorian or Hijri"), ({"hours": "9-17"}, "not a time of day"),
    ({"name": "x" * 5000}, "longer than"),
])
def test_bad_special_days_are_refused_with_the_loaders_words(admin, changes: dict, words: str):
    form = {"csrf": token(admin), "name": "Ramadan", "calendar": "hijri", "from": "1448-09-01", "to": "1448-09-30",
            "hours": "10:00-15:00", **changes}
    answer = admin.client.post("/console/centre/special-days/add?lang=en", data=form)
    assert answer.status_code == 422 and words in answer.text, (changes, answer.text[-2000:])
    assert admin.store.catalogue.config.centre.special_days == [] and audit.recent(admin.store) == []


def test_a_counters_services_order_and_mode_change(admin):
    config = admin.store.catalogue.config
    number = config.counters[0].number
    codes = [s.code for s in config.services]
    form = {"csrf": token(admin, "layout"), "services": ", ".join(reversed(codes[:2])).lower(), "mode": "ordered"}
    assert admin.client.post(f"/console/centre/counters/{number}", data=form, follow_redirects=False).status_code == 303
    counter = admin.store.catalogue.config.counters[0]
    assert counter.services == list(reversed(codes[:2])) and counter.mode.value == "ordered"
    assert audit.recent(admin.store)[0]["after"] == {"services": list(reversed(codes[:2])), "mode": "ordered"}


@pytest.mark.parametrize("form, words", [
    ({"services": "ZZ", "mode": "fifo"}, "unknown service code"), ({"services": "", "mode": "fifo"}, "at least one service"),
    ({"services": "A, A", "mode": "fifo"}, "listed twice"), ({"services": "A", "mode": "random"}, "fifo"),
])
def test_bad_counter_settings_are_refused(admin, form: dict, words: str):
    before = admin.store.catalogue.config
    number = before.counters[0].number
    answer = admin.client.post(f"/console/centre/counters/{number}?lang=en", data={"csrf": token(admin, "layout"), **form})
    assert answer.status_code == 422 and words in answer.text, answer.text[-2000:]
    assert admin.store.catalogue.config == before
    assert admin.client.post("/console/centre/counters/9999", data={"csrf": token(admin, "layout"), "services": "*", "mode": "fifo"}).status_code == 422


def test_boards_show_the_chosen_counters(admin):
    config = admin.store.catalogue.config
    if not config.boards:
        pytest.skip("the test centre has no boards")  # pragma: no cover
    name = next(iter(config.boards))
    number = config.counters[0].number
    answer = admin.client.post(f"/console/centre/boards/{name}", data={"csrf": token(admin, "layout"), "counters": str(number)},
                               follow_redirects=False)
    assert answer.status_code == 303 and admin.store.catalogue.config.boards[name].counters == [number]
    for bad, words in (("77", "no counter numbered 77"), ("1; DROP", "whole number"), ("-1", "whole number")):
        answer = admin.client.post(f"/console/centre/boards/{name}?lang=en", data={"csrf": token(admin, "layout"), "counters": bad})
        assert answer.status_code == 422 and words in answer.text, (bad, answer.text[-1500:])
    assert admin.client.post("/console/centre/boards/nosuch", data={"csrf": token(admin, "layout"), "counters": ""}).status_code == 422


def test_ticker_and_footer_texts_change_and_reach_the_boards(admin):
    kiosk = admin.enroll("display", "board-texts")
    form = {"csrf": token(admin, "texts"), "ticker_ar": "أهلاً بكم", "ticker_en": "Welcome", "footer_ar": "شكراً", "footer_en": "Thank you"}
    assert admin.client.post("/console/centre/texts", data=form, follow_redirects=False).status_code == 303
    centre = admin.store.catalogue.config.centre
    assert (centre.ticker_ar, centre.footer_en) == ("أهلاً بكم", "Thank you")
    assert admin.client.get("/api/v1/state", headers=kiosk).status_code == 200
    answer = admin.client.post("/console/centre/texts?lang=en", data={**form, "csrf": token(admin, "texts"), "ticker_en": "x" * 501})
    assert answer.status_code == 422 and 'id="text-ticker_en-error"' in answer.text
    assert admin.store.catalogue.config.centre.ticker_en == "Welcome"


def test_settings_need_an_admin_and_the_token(admin):
    assert admin.client.post("/console/centre/hours", data={"always": "on"}).status_code == 403
    other = admin.client.__class__(admin.client.app)
    assert log_in(other).status_code == 303
    for page in ("hours", "layout", "texts"):
        assert other.get(f"/console/centre/{page}").status_code == 403
    csrf = csrf_of(other.get("/console/hall").text)
    assert other.post("/console/centre/hours", data={"csrf": csrf, "always": "on", **week(sun="08:00-09:00")}).status_code == 403
    assert audit.recent(admin.store) == []
